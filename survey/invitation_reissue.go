package survey

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jmoiron/sqlx"
)

// This file holds what the HR pages need around invitations besides
// issuing them: a preview of a staff list, single-use stored uploads, and
// new secrets for reminders and reprinted code sheets. Like the
// originals, new secrets are returned once and only their hashes stored.

// InvitationPlan is what a staff list would create in a round: the
// invitations with and without e-mail, per unit in code order.
type InvitationPlan struct {
	Units                   []PlannedUnit
	WithEmail, WithoutEmail int
}

// PlannedUnit is one unit's part of an InvitationPlan.
type PlannedUnit struct {
	Code, Name              string
	WithEmail, WithoutEmail int
}

// PlanInvitations checks rows as CreateInvitations would and says what
// they would create, storing nothing.
func (s *Store) PlanInvitations(ctx context.Context, roundID int64, rows []StaffRow) (InvitationPlan, error) {
	var plan InvitationPlan
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return plan, fmt.Errorf("survey: plan invitations: %w", err)
	}
	defer tx.Rollback()
	inv, err := checkStaff(ctx, tx, roundID, rows)
	if err != nil {
		return plan, err
	}
	units, err := findUnits(ctx, tx)
	if err != nil {
		return plan, err
	}
	byID := make(map[int64]*PlannedUnit)
	for _, in := range inv {
		p := byID[in.UnitID]
		if p == nil {
			u := unitByID(units, in.UnitID)
			p = &PlannedUnit{Code: u.Code, Name: u.Name}
			byID[in.UnitID] = p
		}
		if in.Email != "" {
			p.WithEmail++
			plan.WithEmail++
		} else {
			p.WithoutEmail++
			plan.WithoutEmail++
		}
	}
	for _, p := range byID {
		plan.Units = append(plan.Units, *p)
	}
	slices.SortFunc(plan.Units, func(a, b PlannedUnit) int { return cmp.Compare(a.Code, b.Code) })
	return plan, nil
}

// unitByID returns the unit with id from units, or the zero Unit.
func unitByID(units []Unit, id int64) Unit {
	for _, u := range units {
		if u.ID == id {
			return u
		}
	}
	return Unit{}
}

// staffUploadMaxAge is how long an unconfirmed staff upload is kept.
const staffUploadMaxAge = 24 * time.Hour

// SaveStaffUpload keeps a previewed staff list of a round until it is
// confirmed with TakeStaffUpload and returns its id; uploads older than
// a day are forgotten.
func (s *Store) SaveStaffUpload(ctx context.Context, roundID int64, rows []StaffRow) (int64, error) {
	data, err := json.Marshal(rows)
	if err != nil {
		return 0, fmt.Errorf("survey: save staff upload: %w", err)
	}
	now := s.now().Unix()
	if _, err := s.db.ExecContext(ctx, s.rebind("DELETE FROM staff_uploads WHERE created_at < ?"), now-int64(staffUploadMaxAge.Seconds())); err != nil {
		return 0, fmt.Errorf("survey: save staff upload: expire: %w", err)
	}
	var id int64
	err = s.db.GetContext(ctx, &id, s.rebind("INSERT INTO staff_uploads (round_id, rows_json, created_at) VALUES (?, ?, ?) RETURNING id"), roundID, string(data), now)
	if err != nil {
		return 0, fmt.Errorf("survey: save staff upload: %w", err)
	}
	return id, nil
}

// TakeStaffUpload returns the staff list saved as id for the round and
// deletes it, so it can be taken once: a second call, like an unknown
// or expired id, is ErrNotFound.
func (s *Store) TakeStaffUpload(ctx context.Context, roundID, id int64) ([]StaffRow, error) {
	var data string
	err := s.db.GetContext(ctx, &data, s.rebind("DELETE FROM staff_uploads WHERE id = ? AND round_id = ? RETURNING rows_json"), id, roundID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("survey: take staff upload %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("survey: take staff upload %d: %w", id, err)
	}
	var rows []StaffRow
	if err := json.Unmarshal([]byte(data), &rows); err != nil {
		return nil, fmt.Errorf("survey: take staff upload %d: %w", id, err)
	}
	return rows, nil
}

// IssueReminderTokens gives every unused invitation with an e-mail of an
// open round one more valid link token, for a reminder, and returns them
// with it (Code is empty). The earlier links keep working. A round that
// is not open is ErrConflict.
func (s *Store) IssueReminderTokens(ctx context.Context, roundID int64) ([]IssuedInvitation, error) {
	var out []IssuedInvitation
	err := s.reissue(ctx, roundID, "issue reminder tokens", true, func(tx *sqlx.Tx, inv []Invitation) error {
		out = make([]IssuedInvitation, len(inv))
		return chunks(len(inv), func(from, to int) error {
			args := make([]any, 0, 2*(to-from))
			for i := from; i < to; i++ {
				out[i] = IssuedInvitation{Invitation: inv[i], Token: newToken()}
				args = append(args, tokenHash(out[i].Token), inv[i].ID)
			}
			_, err := tx.ExecContext(ctx, tx.Rebind("INSERT INTO invitation_tokens (token_hash, invitation_id) VALUES "+valuesList(to-from, 2)), args...)
			return err
		})
	})
	return out, err
}

// ReissueCodes gives every unused invitation without e-mail of a draft or
// open round a new link token and printed code, for new code sheets, and
// returns them with both. The new hashes replace the old ones: earlier
// printed codes and links stop working. A closed round is ErrConflict.
func (s *Store) ReissueCodes(ctx context.Context, roundID int64) ([]IssuedInvitation, error) {
	var out []IssuedInvitation
	err := s.reissue(ctx, roundID, "reissue codes", false, func(tx *sqlx.Tx, inv []Invitation) error {
		stmt, err := tx.PreparexContext(ctx, tx.Rebind("UPDATE invitations SET token_hash = ?, code_hash = ? WHERE id = ? AND used = FALSE"))
		if err != nil {
			return err
		}
		defer stmt.Close()
		for _, in := range inv {
			token, code := newToken(), newCode()
			res, err := stmt.ExecContext(ctx, tokenHash(token), codeHash(code), in.ID)
			if err != nil {
				return err
			}
			// An invitation used since it was read keeps its secrets.
			if n, err := res.RowsAffected(); err != nil || n == 1 {
				out = append(out, IssuedInvitation{Invitation: in, Token: token, Code: formatCode(code)})
			}
		}
		return nil
	})
	return out, err
}

// reissue runs fn in a transaction over the round's unused invitations
// with (withEmail) or without an e-mail address, in id order. Reminders
// need an open round; new codes any round that is not closed.
func (s *Store) reissue(ctx context.Context, roundID int64, step string, withEmail bool, fn func(*sqlx.Tx, []Invitation) error) error {
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("survey: %s: %w", step, err)
	}
	defer tx.Rollback()
	r, err := findRoundByID(ctx, tx, roundID)
	if err != nil {
		return err
	}
	if r.Status == RoundClosed || withEmail && r.Status != RoundOpen {
		return fmt.Errorf("survey: %s: round %d is %s: %w", step, roundID, r.Status, ErrConflict)
	}
	emailCond := "email = ''"
	if withEmail {
		emailCond = "email <> ''"
	}
	var inv []Invitation
	err = tx.SelectContext(ctx, &inv, tx.Rebind(`
		SELECT id, round_id, unit_id, email, used FROM invitations
		WHERE round_id = ? AND used = FALSE AND `+emailCond+` ORDER BY id`), roundID)
	if err != nil {
		return fmt.Errorf("survey: %s: %w", step, err)
	}
	if err := fn(tx, inv); err != nil {
		return fmt.Errorf("survey: %s: %w", step, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("survey: %s: %w", step, err)
	}
	return nil
}
