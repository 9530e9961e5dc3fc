package auth

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Audit actions written by this package.
const (
	ActionLogin        = "login"
	ActionLoginFailed  = "login.failed"
	ActionLoginBlocked = "login.blocked"
	ActionLogout       = "logout"
	ActionLogoutAll    = "logout.all"
)

// Login checks a sign-in with e-mail address and password from the
// client address and returns the user. It refuses with a *RateLimitError
// while the account or the address has too many recent failures (see
// MaxAccountFailures, MaxAddressFailures, FailureWindow), and with
// ErrBadCredentials for anything else that is wrong. An unknown account
// costs the same password hash as a known one, and counts towards the
// limits the same way. Every outcome is written to the audit log, never
// with the password.
func (s *Store) Login(ctx context.Context, email, password, address string) (User, error) {
	email = NormalizeEmail(email)
	if wait, err := s.blockedFor(ctx, email, address); err != nil {
		return User{}, err
	} else if wait > 0 {
		if err := s.Audit(ctx, 0, ActionLoginBlocked, email, "address="+address); err != nil {
			return User{}, err
		}
		return User{}, &RateLimitError{RetryAfter: wait}
	}
	var cred struct {
		ID       int64  `db:"id"`
		Hash     string `db:"password_hash"`
		Disabled bool   `db:"disabled"`
	}
	err := s.db.GetContext(ctx, &cred, s.rebind("SELECT id, password_hash, disabled FROM users WHERE email = ?"), email)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return User{}, fmt.Errorf("auth: login: %w", err)
	}
	if !s.VerifyPassword(password, cred.Hash) || cred.Disabled {
		if err := s.recordFailure(ctx, email, address); err != nil {
			return User{}, err
		}
		if err := s.Audit(ctx, cred.ID, ActionLoginFailed, email, "address="+address); err != nil {
			return User{}, err
		}
		return User{}, ErrBadCredentials
	}
	if _, err := s.db.ExecContext(ctx, s.rebind("DELETE FROM login_failures WHERE email = ?"), email); err != nil {
		return User{}, fmt.Errorf("auth: login: clear failures: %w", err)
	}
	if err := s.Audit(ctx, cred.ID, ActionLogin, email, "address="+address); err != nil {
		return User{}, err
	}
	return s.FindUserByID(ctx, cred.ID)
}

// blockedFor returns how long sign-ins for email or from address must
// wait, or 0 when they may go ahead.
func (s *Store) blockedFor(ctx context.Context, email, address string) (time.Duration, error) {
	var wait time.Duration
	for _, l := range []struct {
		col, value string
		max        int
	}{{"email", email, s.MaxAccountFailures}, {"address", address, s.MaxAddressFailures}} {
		w, err := s.limitWait(ctx, l.col, l.value, l.max)
		if err != nil {
			return 0, err
		}
		wait = max(wait, w)
	}
	return wait, nil
}

// limitWait returns how long until fewer than max failures with col =
// value remain within the window: the max-th newest failure's age subtracted
// from the window, or 0 when there are fewer than max.
func (s *Store) limitWait(ctx context.Context, col, value string, max int) (time.Duration, error) {
	now := s.now()
	var at int64
	err := s.db.GetContext(ctx, &at, s.rebind(`
		SELECT at FROM login_failures WHERE `+col+` = ? AND at > ?
		ORDER BY at DESC LIMIT 1 OFFSET ?`),
		value, now.Add(-s.FailureWindow).Unix(), max-1)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("auth: login: check limit: %w", err)
	}
	return time.Unix(at, 0).Add(s.FailureWindow).Sub(now), nil
}

// recordFailure stores a failed sign-in and drops those that have left the window.
func (s *Store) recordFailure(ctx context.Context, email, address string) error {
	now := s.now()
	if _, err := s.db.ExecContext(ctx, s.rebind("DELETE FROM login_failures WHERE at <= ?"), now.Add(-s.FailureWindow).Unix()); err != nil {
		return fmt.Errorf("auth: login: prune failures: %w", err)
	}
	if _, err := s.db.ExecContext(ctx, s.rebind("INSERT INTO login_failures (at, email, address) VALUES (?, ?, ?)"), now.Unix(), email, address); err != nil {
		return fmt.Errorf("auth: login: record failure: %w", err)
	}
	return nil
}
