package survey

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"
)

// RoundStatus is a round's state: draft → open → closed.
type RoundStatus string

// The states of a round.
const (
	RoundDraft  RoundStatus = "draft"
	RoundOpen   RoundStatus = "open"
	RoundClosed RoundStatus = "closed"
)

// DefaultThreshold is a round's anonymity threshold k unless set.
const DefaultThreshold = 5

// MinThreshold is the lowest anonymity threshold a round may have.
const MinThreshold = 3

// Round is one measurement (måling): a questionnaire version given to a
// set of units between two dates, with its anonymity threshold k.
type Round struct {
	ID              int64       `db:"id"`
	Name            string      `db:"name"`
	QuestionnaireID int64       `db:"questionnaire_id"`
	OpensOn         Date        `db:"opens_on"`
	ClosesOn        Date        `db:"closes_on"`
	Threshold       int         `db:"threshold"`
	Status          RoundStatus `db:"status"`
	CreatedAt       int64       `db:"created_at"`
}

const roundColumns = "id, name, questionnaire_id, opens_on, closes_on, threshold, status, created_at"

// CreateRound validates r and stores it as a draft covering the units
// named by unitCodes and all their open sub-units; it sets r's ID,
// Status, Threshold (default 5) and CreatedAt.
func (s *Store) CreateRound(ctx context.Context, r *Round, unitCodes []string) error {
	r.Name = strings.TrimSpace(r.Name)
	if r.Threshold == 0 {
		r.Threshold = DefaultThreshold
	}
	// Every problem at once, each naming its field (Column), so that a
	// form can show it next to the field.
	var errs ImportErrors
	if r.Name == "" {
		errs = append(errs, LineError{Column: "name", Msg: "round: name is required (navn mangler)"})
	}
	if r.Threshold < MinThreshold {
		errs = append(errs, LineError{Column: "threshold", Msg: fmt.Sprintf("round %q: threshold %d: must be at least %d (anonymitetsgrænsen skal være mindst %d)", r.Name, r.Threshold, MinThreshold, MinThreshold)})
	}
	switch {
	case r.OpensOn.IsZero():
		errs = append(errs, LineError{Column: "opens_on", Msg: "round: the opening date is required (startdato mangler)"})
	case r.ClosesOn.IsZero():
		errs = append(errs, LineError{Column: "closes_on", Msg: "round: the closing date is required (slutdato mangler)"})
	case r.ClosesOn.Before(r.OpensOn.Time):
		errs = append(errs, LineError{Column: "closes_on", Msg: fmt.Sprintf("round %q: closes %s before it opens %s (slutter før den starter)", r.Name, r.ClosesOn, r.OpensOn)})
	}
	if len(unitCodes) == 0 {
		errs = append(errs, LineError{Column: "units", Msg: "round: at least one unit is required (vælg mindst én enhed)"})
	}
	if len(errs) > 0 {
		return errs
	}
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("survey: create round: %w", err)
	}
	defer tx.Rollback()
	var n int
	if err := tx.GetContext(ctx, &n, tx.Rebind("SELECT COUNT(*) FROM questionnaires WHERE id = ?"), r.QuestionnaireID); err != nil {
		return fmt.Errorf("survey: create round: %w", err)
	}
	if n == 0 {
		return ImportErrors{{Column: "questionnaire_id", Msg: fmt.Sprintf("round %q: questionnaire %d does not exist", r.Name, r.QuestionnaireID)}}
	}
	units, err := findUnits(ctx, tx)
	if err != nil {
		return err
	}
	covered, err := subtrees(units, unitCodes)
	if err != nil {
		return err
	}
	r.Status, r.CreatedAt = RoundDraft, s.now().Unix()
	err = tx.GetContext(ctx, &r.ID, tx.Rebind(`
		INSERT INTO rounds (name, questionnaire_id, opens_on, closes_on, threshold, status, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`),
		r.Name, r.QuestionnaireID, r.OpensOn, r.ClosesOn, r.Threshold, r.Status, r.CreatedAt)
	if err != nil {
		return fmt.Errorf("survey: create round: %w", err)
	}
	err = chunks(len(covered), func(from, to int) error {
		args := make([]any, 0, 2*(to-from))
		for _, id := range covered[from:to] {
			args = append(args, r.ID, id)
		}
		_, err := tx.ExecContext(ctx, tx.Rebind("INSERT INTO round_units (round_id, unit_id) VALUES "+valuesList(to-from, 2)), args...)
		return err
	})
	if err != nil {
		return fmt.Errorf("survey: create round: units: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("survey: create round: %w", err)
	}
	return nil
}

// subtrees returns the ids of the open units named by codes and of all
// their open descendants. Unknown or closed named units are invalid
// (ImportErrors naming the field "units").
func subtrees(units []Unit, codes []string) ([]int64, error) {
	byCode := make(map[string]Unit, len(units))
	children := make(map[int64][]Unit)
	for _, u := range units {
		byCode[u.Code] = u
		if u.ParentID.Valid && !u.Closed() {
			children[u.ParentID.Int64] = append(children[u.ParentID.Int64], u)
		}
	}
	seen := make(map[int64]bool)
	var ids, stack []int64
	for _, code := range codes {
		code = strings.TrimSpace(code)
		u, ok := byCode[code]
		switch {
		case !ok:
			return nil, ImportErrors{{Column: "units", Value: code, Msg: "unit does not exist (ukendt enhed)"}}
		case u.Closed():
			return nil, ImportErrors{{Column: "units", Value: code, Msg: fmt.Sprintf("unit was closed on %s (enheden er nedlagt)", u.ClosedOn.V)}}
		}
		stack = append(stack, u.ID)
	}
	for len(stack) > 0 {
		id := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if seen[id] {
			continue
		}
		seen[id] = true
		ids = append(ids, id)
		for _, c := range children[id] {
			stack = append(stack, c.ID)
		}
	}
	return ids, nil
}

// FindRoundByID returns the round with id, or ErrNotFound.
func (s *Store) FindRoundByID(ctx context.Context, id int64) (Round, error) {
	return findRoundByID(ctx, s.db, id)
}

func findRoundByID(ctx context.Context, q sqlx.ExtContext, id int64) (Round, error) {
	var r Round
	err := sqlx.GetContext(ctx, q, &r, q.Rebind("SELECT "+roundColumns+" FROM rounds WHERE id = ?"), id)
	if errors.Is(err, sql.ErrNoRows) {
		return Round{}, fmt.Errorf("survey: find round %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return Round{}, fmt.Errorf("survey: find round %d: %w", id, err)
	}
	return r, nil
}

// FindRounds returns every round, newest first.
func (s *Store) FindRounds(ctx context.Context) ([]Round, error) {
	var rs []Round
	if err := s.db.SelectContext(ctx, &rs, "SELECT "+roundColumns+" FROM rounds ORDER BY opens_on DESC, id DESC"); err != nil {
		return nil, fmt.Errorf("survey: find rounds: %w", err)
	}
	return rs, nil
}

// FindRoundUnits returns the units a round covers, ordered by code.
func (s *Store) FindRoundUnits(ctx context.Context, roundID int64) ([]Unit, error) {
	var us []Unit
	err := s.db.SelectContext(ctx, &us, s.rebind(`
		SELECT `+unitColumns+` FROM units
		WHERE id IN (SELECT unit_id FROM round_units WHERE round_id = ?) ORDER BY code`), roundID)
	if err != nil {
		return nil, fmt.Errorf("survey: find round units: %w", err)
	}
	return us, nil
}

// OpenRound moves a draft round to open; any other state is ErrConflict.
func (s *Store) OpenRound(ctx context.Context, id int64) error {
	return s.moveRound(ctx, id, RoundDraft, RoundOpen)
}

// CloseRound moves an open round to closed; any other state is ErrConflict.
func (s *Store) CloseRound(ctx context.Context, id int64) error {
	return s.moveRound(ctx, id, RoundOpen, RoundClosed)
}

func (s *Store) moveRound(ctx context.Context, id int64, from, to RoundStatus) error {
	res, err := s.db.ExecContext(ctx, s.rebind("UPDATE rounds SET status = ? WHERE id = ? AND status = ?"), to, id, from)
	if err != nil {
		return fmt.Errorf("survey: set round %d %s: %w", id, to, err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 1 {
		return err
	}
	r, err := s.FindRoundByID(ctx, id)
	if err != nil {
		return err
	}
	return fmt.Errorf("survey: set round %d %s: it is %s, not %s: %w", id, to, r.Status, from, ErrConflict)
}
