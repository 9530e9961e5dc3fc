package auth

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// AuditEntry is one line of the audit log: who did what to what, when.
type AuditEntry struct {
	ID int64 `db:"id"`
	// At is the time in Unix seconds.
	At int64 `db:"at"`
	// UserID is the acting user; invalid for an unknown one (a failed
	// sign-in for an unknown address, a deleted account).
	UserID sql.NullInt64 `db:"user_id"`
	// UserEmail is the acting user's address, "" without one.
	UserEmail string `db:"user_email"`
	Action    string `db:"action"`
	Target    string `db:"target"`
	Detail    string `db:"detail"`
}

// AuditFilter narrows FindAudit; zero fields do not filter.
type AuditFilter struct {
	UserID int64
	Action string
	// Since and Until bound the time, Since inclusive and Until exclusive.
	Since, Until time.Time
	// Limit caps the entries returned (default and maximum 1000).
	Limit int
	// Offset skips that many matching entries first (pagination).
	Offset int
}

// maxAuditRows caps one FindAudit answer.
const maxAuditRows = 1000

// Audit writes an entry: the acting user (0 for none), the action (e.g.
// "login", "results.view", "export", "unit.change"), its target (a unit
// code, a round id, an e-mail address) and free detail. Staff actions
// only: never anything an employee does with a survey, never a password,
// token or code.
func (s *Store) Audit(ctx context.Context, userID int64, action, target, detail string) error {
	uid := sql.NullInt64{Int64: userID, Valid: userID != 0}
	_, err := s.db.ExecContext(ctx, s.rebind("INSERT INTO audit_log (at, user_id, action, target, detail) VALUES (?, ?, ?, ?, ?)"),
		s.now().Unix(), uid, action, target, detail)
	if err != nil {
		return fmt.Errorf("auth: audit %s: %w", action, err)
	}
	return nil
}

// FindAudit returns the entries matching f, newest first.
func (s *Store) FindAudit(ctx context.Context, f AuditFilter) ([]AuditEntry, error) {
	var (
		where []string
		args  []any
	)
	if f.UserID != 0 {
		where, args = append(where, "a.user_id = ?"), append(args, f.UserID)
	}
	if f.Action != "" {
		where, args = append(where, "a.action = ?"), append(args, f.Action)
	}
	if !f.Since.IsZero() {
		where, args = append(where, "a.at >= ?"), append(args, f.Since.Unix())
	}
	if !f.Until.IsZero() {
		where, args = append(where, "a.at < ?"), append(args, f.Until.Unix())
	}
	q := `SELECT a.id, a.at, a.user_id, COALESCE(u.email, '') AS user_email, a.action, a.target, a.detail
		FROM audit_log a LEFT JOIN users u ON u.id = a.user_id`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	limit := f.Limit
	if limit <= 0 || limit > maxAuditRows {
		limit = maxAuditRows
	}
	q += " ORDER BY a.at DESC, a.id DESC LIMIT ? OFFSET ?"
	args = append(args, limit, max(f.Offset, 0))
	var es []AuditEntry
	if err := s.db.SelectContext(ctx, &es, s.rebind(q), args...); err != nil {
		return nil, fmt.Errorf("auth: find audit: %w", err)
	}
	return es, nil
}
