package auth

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/jmoiron/sqlx"

	"github.com/tillid/tillid/survey"
)

const userColumns = "id, email, name, role, disabled, password_hash <> '' AS has_password, created_at"

// NormalizeEmail trims and lower-cases an e-mail address, the form in
// which users are stored and looked up.
func NormalizeEmail(email string) string {
	return strings.ToLower(strings.TrimSpace(email))
}

// validateUser normalises and checks u's e-mail address, name, role and units.
func validateUser(u *User) error {
	u.Email, u.Name = NormalizeEmail(u.Email), strings.TrimSpace(u.Name)
	if at := strings.IndexByte(u.Email, '@'); at < 1 || at == len(u.Email)-1 || strings.ContainsAny(u.Email, " \t\r\n") {
		return survey.Invalidf("e-mail address %q is not valid (ugyldig e-mailadresse)", u.Email)
	}
	if u.Name == "" {
		return survey.Invalidf("user %q: name is required (navn mangler)", u.Email)
	}
	if _, err := ParseRole(string(u.Role)); err != nil {
		return err
	}
	if u.Role != RoleManager && len(u.UnitIDs) > 0 {
		return survey.Invalidf("user %q: only managers are assigned units", u.Email)
	}
	slices.Sort(u.UnitIDs)
	u.UnitIDs = slices.Compact(u.UnitIDs)
	return nil
}

// CreateUser stores a new user with its units and sets u.ID and
// u.CreatedAt. An empty password makes an account that signs in only
// through the identity provider. A taken e-mail address is ErrConflict.
func (s *Store) CreateUser(ctx context.Context, u *User, password string) error {
	if err := validateUser(u); err != nil {
		return err
	}
	hash := ""
	if password != "" {
		if err := ValidatePassword(password); err != nil {
			return err
		}
		var err error
		if hash, err = s.HashPassword(password); err != nil {
			return err
		}
	}
	u.CreatedAt = s.now().Unix()
	u.HasPassword = hash != ""
	return s.inTx(ctx, "create user", func(tx *sqlx.Tx) error {
		err := tx.GetContext(ctx, &u.ID, tx.Rebind(`
			INSERT INTO users (email, name, role, password_hash, disabled, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (email) DO NOTHING RETURNING id`),
			u.Email, u.Name, u.Role, hash, u.Disabled, u.CreatedAt, u.CreatedAt)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("%q exists: %w", u.Email, survey.ErrConflict)
		}
		if err != nil {
			return err
		}
		return setUnits(ctx, tx, u.ID, u.UnitIDs)
	})
}

// SetUserUnits replaces the units assigned to the manager with userID.
func (s *Store) SetUserUnits(ctx context.Context, userID int64, unitIDs []int64) error {
	return s.inTx(ctx, "set user units", func(tx *sqlx.Tx) error {
		return setUnits(ctx, tx, userID, unitIDs)
	})
}

// setUnits replaces a user's rows in user_units.
func setUnits(ctx context.Context, tx *sqlx.Tx, userID int64, unitIDs []int64) error {
	if _, err := tx.ExecContext(ctx, tx.Rebind("DELETE FROM user_units WHERE user_id = ?"), userID); err != nil {
		return err
	}
	for _, id := range unitIDs {
		if _, err := tx.ExecContext(ctx, tx.Rebind("INSERT INTO user_units (user_id, unit_id) VALUES (?, ?) ON CONFLICT DO NOTHING"), userID, id); err != nil {
			return err
		}
	}
	return nil
}

// FindUserByID returns the user with id and its units, or survey.ErrNotFound.
func (s *Store) FindUserByID(ctx context.Context, id int64) (User, error) {
	return s.findUserBy(ctx, "id", id)
}

// FindUserByEmail returns the user with the e-mail address (any case), or
// survey.ErrNotFound.
func (s *Store) FindUserByEmail(ctx context.Context, email string) (User, error) {
	return s.findUserBy(ctx, "email", NormalizeEmail(email))
}

func (s *Store) findUserBy(ctx context.Context, col string, v any) (User, error) {
	var u User
	err := s.db.GetContext(ctx, &u, s.rebind("SELECT "+userColumns+" FROM users WHERE "+col+" = ?"), v)
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, fmt.Errorf("auth: find user %s %v: %w", col, v, survey.ErrNotFound)
	}
	if err != nil {
		return User{}, fmt.Errorf("auth: find user %s %v: %w", col, v, err)
	}
	if err := s.db.SelectContext(ctx, &u.UnitIDs, s.rebind("SELECT unit_id FROM user_units WHERE user_id = ? ORDER BY unit_id"), u.ID); err != nil {
		return User{}, fmt.Errorf("auth: find user units: %w", err)
	}
	return u, nil
}

// FindUsers returns every user with its units, ordered by e-mail address.
func (s *Store) FindUsers(ctx context.Context) ([]User, error) {
	var us []User
	if err := s.db.SelectContext(ctx, &us, "SELECT "+userColumns+" FROM users ORDER BY email"); err != nil {
		return nil, fmt.Errorf("auth: find users: %w", err)
	}
	var links []struct {
		UserID int64 `db:"user_id"`
		UnitID int64 `db:"unit_id"`
	}
	if err := s.db.SelectContext(ctx, &links, "SELECT user_id, unit_id FROM user_units ORDER BY user_id, unit_id"); err != nil {
		return nil, fmt.Errorf("auth: find users: units: %w", err)
	}
	at := make(map[int64]int, len(us))
	for i, u := range us {
		at[u.ID] = i
	}
	for _, l := range links {
		if i, ok := at[l.UserID]; ok {
			us[i].UnitIDs = append(us[i].UnitIDs, l.UnitID)
		}
	}
	return us, nil
}

// SetPassword replaces the user's password and ends all of the user's
// sessions, so a changed password locks out whoever knew the old one.
func (s *Store) SetPassword(ctx context.Context, userID int64, password string) error {
	if err := ValidatePassword(password); err != nil {
		return err
	}
	hash, err := s.HashPassword(password)
	if err != nil {
		return err
	}
	return s.inTx(ctx, "set password", func(tx *sqlx.Tx) error {
		if err := updateOne(ctx, tx, "UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?", hash, s.now().Unix(), userID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, tx.Rebind("DELETE FROM sessions WHERE user_id = ?"), userID)
		return err
	})
}

// DisableUser blocks the user from signing in and ends all of the user's
// sessions. The account and its audit trail are kept.
func (s *Store) DisableUser(ctx context.Context, userID int64) error {
	return s.inTx(ctx, "disable user", func(tx *sqlx.Tx) error {
		if err := updateOne(ctx, tx, "UPDATE users SET disabled = TRUE, updated_at = ? WHERE id = ?", s.now().Unix(), userID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, tx.Rebind("DELETE FROM sessions WHERE user_id = ?"), userID)
		return err
	})
}

// updateOne runs an UPDATE that must change exactly one row; none is
// survey.ErrNotFound.
func updateOne(ctx context.Context, tx *sqlx.Tx, q string, args ...any) error {
	res, err := tx.ExecContext(ctx, tx.Rebind(q), args...)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return survey.ErrNotFound
	}
	return nil
}

// inTx runs fn in a transaction, committed when fn returns nil; errors
// are wrapped with the step.
func (s *Store) inTx(ctx context.Context, step string, fn func(*sqlx.Tx) error) error {
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("auth: %s: %w", step, err)
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return fmt.Errorf("auth: %s: %w", step, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("auth: %s: %w", step, err)
	}
	return nil
}
