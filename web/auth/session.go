package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"time"
)

// Session is a signed-in browser. Its cookie holds a random 256-bit token;
// the database holds only the token's SHA-256.
type Session struct {
	ID         []byte `db:"id"`
	UserID     int64  `db:"user_id"`
	CreatedAt  int64  `db:"created_at"`
	LastSeenAt int64  `db:"last_seen_at"`
	ExpiresAt  int64  `db:"expires_at"`
}

// randomToken returns 256 random bits, base64url-encoded.
func randomToken() string {
	b := make([]byte, 32)
	rand.Read(b) // never fails (crypto/rand documents it)
	return base64.RawURLEncoding.EncodeToString(b)
}

// sessionID is the stored id of a cookie token.
func sessionID(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// CreateSession starts a session for the user and returns the token for
// its cookie. Each sign-in gets a new token (the session id is rotated);
// expired sessions of every user are removed on the way.
func (s *Store) CreateSession(ctx context.Context, userID int64) (string, error) {
	now := s.now().Unix()
	if _, err := s.db.ExecContext(ctx, s.rebind("DELETE FROM sessions WHERE expires_at <= ? OR last_seen_at <= ?"),
		now, now-int64(s.IdleTimeout/time.Second)); err != nil {
		return "", fmt.Errorf("auth: create session: prune: %w", err)
	}
	token := randomToken()
	_, err := s.db.ExecContext(ctx, s.rebind(`
		INSERT INTO sessions (id, user_id, created_at, last_seen_at, expires_at) VALUES (?, ?, ?, ?, ?)`),
		sessionID(token), userID, now, now, now+int64(s.AbsoluteTimeout/time.Second))
	if err != nil {
		return "", fmt.Errorf("auth: create session: %w", err)
	}
	return token, nil
}

// SessionUser returns the signed-in user of the session with token, or
// ErrNoSession when the token is unknown, the session has been idle for
// IdleTimeout or has passed its absolute expiry, or the user is disabled.
// It records use (last_seen_at) at most once a minute, not on every request.
func (s *Store) SessionUser(ctx context.Context, token string) (User, error) {
	if token == "" {
		return User{}, ErrNoSession
	}
	id := sessionID(token)
	var se Session
	err := s.db.GetContext(ctx, &se, s.rebind("SELECT id, user_id, created_at, last_seen_at, expires_at FROM sessions WHERE id = ?"), id)
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, ErrNoSession
	}
	if err != nil {
		return User{}, fmt.Errorf("auth: find session: %w", err)
	}
	now := s.now()
	if now.Unix() >= se.ExpiresAt || now.Sub(time.Unix(se.LastSeenAt, 0)) >= s.IdleTimeout {
		if err := s.DeleteSession(ctx, token); err != nil {
			return User{}, err
		}
		return User{}, ErrNoSession
	}
	u, err := s.FindUserByID(ctx, se.UserID)
	if err != nil {
		return User{}, err
	}
	if u.Disabled {
		return User{}, ErrNoSession
	}
	if now.Sub(time.Unix(se.LastSeenAt, 0)) >= lastSeenResolution {
		if _, err := s.db.ExecContext(ctx, s.rebind("UPDATE sessions SET last_seen_at = ? WHERE id = ?"), now.Unix(), id); err != nil {
			return User{}, fmt.Errorf("auth: touch session: %w", err)
		}
	}
	return u, nil
}

// DeleteSession ends the session of token (sign-out); an unknown token is no error.
func (s *Store) DeleteSession(ctx context.Context, token string) error {
	if _, err := s.db.ExecContext(ctx, s.rebind("DELETE FROM sessions WHERE id = ?"), sessionID(token)); err != nil {
		return fmt.Errorf("auth: delete session: %w", err)
	}
	return nil
}

// DeleteUserSessions ends every session of the user ("log out
// everywhere") and returns how many there were.
func (s *Store) DeleteUserSessions(ctx context.Context, userID int64) (int64, error) {
	res, err := s.db.ExecContext(ctx, s.rebind("DELETE FROM sessions WHERE user_id = ?"), userID)
	if err != nil {
		return 0, fmt.Errorf("auth: delete user sessions: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("auth: delete user sessions: %w", err)
	}
	return n, nil
}
