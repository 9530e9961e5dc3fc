package survey

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"
)

// The APV action plan (handlingsplan): per unit and round, entries that
// name a problem, assess its risk and say what is done about it, by whom
// and when. Every saved edit bumps the entry's version and appends one
// history row per changed field.

// ProblemKind says what a plan entry's problem is tied to.
type ProblemKind string

// The kinds of problem: an item or a dimension of the round's
// questionnaire, or a problem written freely.
const (
	ProblemItem      ProblemKind = "item"
	ProblemDimension ProblemKind = "dimension"
	ProblemFree      ProblemKind = "free"
)

// RiskLevel is the assessed risk of a problem: lav, middel or høj.
type RiskLevel string

// The risk levels, lowest first.
const (
	RiskLow    RiskLevel = "low"
	RiskMedium RiskLevel = "medium"
	RiskHigh   RiskLevel = "high"
)

// RiskLevels lists the risk levels in form order.
var RiskLevels = []RiskLevel{RiskLow, RiskMedium, RiskHigh}

// PlanStatus is how far an entry's action has come.
type PlanStatus string

// The states of an entry: planlagt, i gang, gennemført, opgivet.
const (
	PlanPlanned    PlanStatus = "planned"
	PlanInProgress PlanStatus = "in_progress"
	PlanDone       PlanStatus = "done"
	PlanAbandoned  PlanStatus = "abandoned"
)

// PlanStatuses lists the states in form order.
var PlanStatuses = []PlanStatus{PlanPlanned, PlanInProgress, PlanDone, PlanAbandoned}

// Open reports whether an entry in status st still has work to do, so
// that its deadline can pass.
func (st PlanStatus) Open() bool { return st == PlanPlanned || st == PlanInProgress }

// Limits of a plan entry's texts, in characters.
const (
	MaxPlanText        = 2000
	MaxPlanResponsible = 200
)

// PlanEntry is one line of a unit's action plan in a round. CreatedBy and
// UpdatedBy are staff user ids, 0 when unknown.
type PlanEntry struct {
	ID          int64       `db:"id"`
	RoundID     int64       `db:"round_id"`
	UnitID      int64       `db:"unit_id"`
	ProblemKind ProblemKind `db:"problem_kind"`
	ProblemKey  string      `db:"problem_key"`
	ProblemText string      `db:"problem_text"`
	Risk        string      `db:"risk"`
	RiskLevel   RiskLevel   `db:"risk_level"`
	Action      string      `db:"action"`
	Responsible string      `db:"responsible"`
	Deadline    Date        `db:"deadline"`
	FollowUpOn  Date        `db:"follow_up_on"` // zero when none is set
	Status      PlanStatus  `db:"status"`
	Version     int         `db:"version"`
	CreatedBy   int64       `db:"created_by"`
	CreatedAt   int64       `db:"created_at"`
	UpdatedBy   int64       `db:"updated_by"`
	UpdatedAt   int64       `db:"updated_at"`
}

const planEntryColumns = `id, round_id, unit_id, problem_kind, problem_key, problem_text, risk, risk_level,
	action, responsible, deadline, follow_up_on, status, version,
	COALESCE(created_by, 0) AS created_by, created_at, COALESCE(updated_by, 0) AS updated_by, updated_at`

// Overdue reports whether the entry's deadline passed before today while
// its action is still planned or in progress.
func (e PlanEntry) Overdue(today Date) bool {
	return e.Status.Open() && e.Deadline.Before(today.Time)
}

// Problem returns the entry's problem in the form PlanInput takes:
// "item:KEY", "dimension:KEY" or "free".
func (e PlanEntry) Problem() string {
	if e.ProblemKind == ProblemFree {
		return string(ProblemFree)
	}
	return string(e.ProblemKind) + ":" + e.ProblemKey
}

// ProblemName returns the name in lang of the item or dimension the
// entry's problem is tied to, "" for a free problem (or a key q lacks).
func (e PlanEntry) ProblemName(q *Questionnaire, lang string) string {
	switch e.ProblemKind {
	case ProblemItem:
		if it, ok := q.ItemByKey(e.ProblemKey); ok {
			return it.Text(lang)
		}
	case ProblemDimension:
		if d, ok := q.DimensionByKey(e.ProblemKey); ok {
			return d.Name(lang)
		}
	}
	return ""
}

// Input returns the entry's values as a PlanInput, to fill an edit form.
func (e PlanEntry) Input() PlanInput {
	return PlanInput{
		Problem: e.Problem(), ProblemText: e.ProblemText, Risk: e.Risk, RiskLevel: string(e.RiskLevel),
		Action: e.Action, Responsible: e.Responsible, Deadline: e.Deadline.String(),
		FollowUpOn: e.FollowUpOn.String(), Status: string(e.Status),
	}
}

// fields returns the entry's values by field name as history records them.
func (e PlanEntry) fields() map[string]string {
	in := e.Input()
	return map[string]string{
		"problem": in.Problem, "problem_text": in.ProblemText, "risk": in.Risk, "risk_level": in.RiskLevel,
		"action": in.Action, "responsible": in.Responsible, "deadline": in.Deadline,
		"follow_up_on": in.FollowUpOn, "status": in.Status,
	}
}

// PlanFields lists the fields of a plan entry in form order; PlanError
// and PlanFieldChange name them so.
var PlanFields = []string{"problem", "problem_text", "risk", "risk_level", "action", "responsible", "deadline", "follow_up_on", "status"}

// PlanInput is a plan entry as typed into a form: Problem is "item:KEY",
// "dimension:KEY" (a key of the round's questionnaire) or "free" (then
// ProblemText is required); dates are YYYY-MM-DD (FollowUpOn may be
// empty); an empty Status is "planned".
type PlanInput struct {
	Problem, ProblemText string
	Risk, RiskLevel      string
	Action, Responsible  string
	Deadline, FollowUpOn string
	Status               string
}

// PlanError is a problem with one field of a plan entry: Code is
// "required", "too_long" (longer than Max characters), "invalid" (not
// one of the allowed values) or "date" (not YYYY-MM-DD).
type PlanError struct {
	Field string
	Code  string
	Max   int
}

// Error implements error.
func (e PlanError) Error() string {
	switch e.Code {
	case "required":
		return e.Field + ": is required"
	case "too_long":
		return fmt.Sprintf("%s: longer than %d characters", e.Field, e.Max)
	case "date":
		return e.Field + ": want a date YYYY-MM-DD"
	}
	return e.Field + ": not an allowed value"
}

// PlanErrors lists every problem of a rejected plan entry, in field
// order; it matches ErrInvalid with errors.Is.
type PlanErrors []PlanError

// Error implements error.
func (es PlanErrors) Error() string {
	msgs := make([]string, len(es))
	for i, e := range es {
		msgs[i] = e.Error()
	}
	return "plan entry: " + strings.Join(msgs, "; ")
}

// Is makes errors.Is(err, ErrInvalid) true.
func (es PlanErrors) Is(target error) bool { return target == ErrInvalid }

// Field returns the problem with field, if any.
func (es PlanErrors) Field(field string) (PlanError, bool) {
	i := slices.IndexFunc(es, func(e PlanError) bool { return e.Field == field })
	if i < 0 {
		return PlanError{}, false
	}
	return es[i], true
}

// planValues is a validated PlanInput.
type planValues struct {
	kind                 ProblemKind
	key, problemText     string
	risk                 string
	level                RiskLevel
	action, responsible  string
	deadline, followUpOn Date
	status               PlanStatus
}

// cleanText trims s and makes its line endings "\n".
func cleanText(s string) string {
	return strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n"))
}

// validate checks in against the round's questionnaire q and returns its
// values, or every problem at once.
func (in PlanInput) validate(q *Questionnaire) (planValues, error) {
	var (
		v    planValues
		errs PlanErrors
	)
	text := func(field, s string, required bool, max int) string {
		s = cleanText(s)
		switch {
		case required && s == "":
			errs = append(errs, PlanError{Field: field, Code: "required"})
		case utf8.RuneCountInString(s) > max:
			errs = append(errs, PlanError{Field: field, Code: "too_long", Max: max})
		}
		return s
	}
	date := func(field, s string, required bool) Date {
		s = strings.TrimSpace(s)
		if s == "" {
			if required {
				errs = append(errs, PlanError{Field: field, Code: "required"})
			}
			return Date{}
		}
		d, err := ParseDate(s)
		if err != nil {
			errs = append(errs, PlanError{Field: field, Code: "date"})
		}
		return d
	}
	kind, key, _ := strings.Cut(strings.TrimSpace(in.Problem), ":")
	v.kind, v.key = ProblemKind(kind), key
	switch {
	case kind == "":
		errs = append(errs, PlanError{Field: "problem", Code: "required"})
	case v.kind == ProblemFree && key == "":
	case v.kind == ProblemItem:
		if it, ok := q.ItemByKey(key); !ok || it.Type == Text {
			errs = append(errs, PlanError{Field: "problem", Code: "invalid"})
		}
	case v.kind == ProblemDimension:
		if _, ok := q.DimensionByKey(key); !ok {
			errs = append(errs, PlanError{Field: "problem", Code: "invalid"})
		}
	default:
		errs = append(errs, PlanError{Field: "problem", Code: "invalid"})
	}
	v.problemText = text("problem_text", in.ProblemText, v.kind == ProblemFree, MaxPlanText)
	v.risk = text("risk", in.Risk, false, MaxPlanText)
	v.level = RiskLevel(strings.TrimSpace(in.RiskLevel))
	switch {
	case v.level == "":
		errs = append(errs, PlanError{Field: "risk_level", Code: "required"})
	case !slices.Contains(RiskLevels, v.level):
		errs = append(errs, PlanError{Field: "risk_level", Code: "invalid"})
	}
	v.action = text("action", in.Action, true, MaxPlanText)
	v.responsible = text("responsible", in.Responsible, true, MaxPlanResponsible)
	v.deadline = date("deadline", in.Deadline, true)
	v.followUpOn = date("follow_up_on", in.FollowUpOn, false)
	v.status = PlanStatus(strings.TrimSpace(in.Status))
	if v.status == "" {
		v.status = PlanPlanned
	}
	if !slices.Contains(PlanStatuses, v.status) {
		errs = append(errs, PlanError{Field: "status", Code: "invalid"})
	}
	if len(errs) > 0 {
		return planValues{}, errs
	}
	return v, nil
}

// apply copies v into e.
func (v planValues) apply(e *PlanEntry) {
	e.ProblemKind, e.ProblemKey, e.ProblemText = v.kind, v.key, v.problemText
	e.Risk, e.RiskLevel, e.Action, e.Responsible = v.risk, v.level, v.action, v.responsible
	e.Deadline, e.FollowUpOn, e.Status = v.deadline, v.followUpOn, v.status
}

// nullUser stores user id 0 as NULL.
func nullUser(id int64) sql.NullInt64 { return sql.NullInt64{Int64: id, Valid: id != 0} }

// planQuestionnaire returns the questionnaire of a round the unit takes
// part in; an unknown round, or a unit outside it, is ErrNotFound.
func (s *Store) planQuestionnaire(ctx context.Context, q sqlx.ExtContext, roundID, unitID int64) (*Questionnaire, error) {
	var qid int64
	err := sqlx.GetContext(ctx, q, &qid, q.Rebind(`
		SELECT r.questionnaire_id FROM rounds r JOIN round_units ru ON ru.round_id = r.id
		WHERE r.id = ? AND ru.unit_id = ?`), roundID, unitID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("survey: plan of unit %d in round %d: the unit is not in the round: %w", unitID, roundID, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("survey: plan questionnaire: %w", err)
	}
	return s.FindQuestionnaireByID(ctx, qid)
}

// CreatePlanEntry validates in against the round's questionnaire and
// stores it as a new entry of the unit's plan in the round, by the staff
// user by (0 for none), recording its values as version 1 of its
// history. A round the unit does not take part in is ErrNotFound; bad
// input is PlanErrors.
func (s *Store) CreatePlanEntry(ctx context.Context, roundID, unitID int64, in PlanInput, by int64) (PlanEntry, error) {
	q, err := s.planQuestionnaire(ctx, s.db, roundID, unitID)
	if err != nil {
		return PlanEntry{}, err
	}
	v, err := in.validate(q)
	if err != nil {
		return PlanEntry{}, err
	}
	now := s.now().Unix()
	e := PlanEntry{RoundID: roundID, UnitID: unitID, Version: 1, CreatedBy: by, CreatedAt: now, UpdatedBy: by, UpdatedAt: now}
	v.apply(&e)
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return PlanEntry{}, fmt.Errorf("survey: create plan entry: %w", err)
	}
	defer tx.Rollback()
	err = tx.GetContext(ctx, &e.ID, tx.Rebind(`
		INSERT INTO plan_entries (round_id, unit_id, problem_kind, problem_key, problem_text, risk, risk_level,
			action, responsible, deadline, follow_up_on, status, version, created_by, created_at, updated_by, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
		e.RoundID, e.UnitID, e.ProblemKind, e.ProblemKey, e.ProblemText, e.Risk, e.RiskLevel,
		e.Action, e.Responsible, e.Deadline, e.FollowUpOn, e.Status, e.Version, nullUser(by), now, nullUser(by), now)
	if err != nil {
		return PlanEntry{}, fmt.Errorf("survey: create plan entry: %w", err)
	}
	if err := insertPlanChanges(ctx, tx, e, map[string]string{}, by, now); err != nil {
		return PlanEntry{}, err
	}
	if err := tx.Commit(); err != nil {
		return PlanEntry{}, fmt.Errorf("survey: create plan entry: %w", err)
	}
	return e, nil
}

// insertPlanChanges appends a history row for every field whose value in
// e differs from old, under e's version.
func insertPlanChanges(ctx context.Context, tx *sqlx.Tx, e PlanEntry, old map[string]string, by, at int64) error {
	now := e.fields()
	var args []any
	for _, f := range PlanFields {
		if now[f] != old[f] {
			args = append(args, e.ID, e.Version, nullUser(by), at, f, old[f], now[f])
		}
	}
	if len(args) == 0 {
		return nil
	}
	_, err := tx.ExecContext(ctx, tx.Rebind(`
		INSERT INTO plan_entry_changes (entry_id, version, changed_by, changed_at, field, old_value, new_value)
		VALUES `+valuesList(len(args)/7, 7)), args...)
	if err != nil {
		return fmt.Errorf("survey: plan entry %d history: %w", e.ID, err)
	}
	return nil
}

// PlanEntryRef names an entry of a unit's plan in a round at the version
// its editor read.
type PlanEntryRef struct {
	ID, RoundID, UnitID int64
	Version             int
}

// UpdatePlanEntry replaces the values of the entry ref names with in, by
// the staff user by, and appends the changed fields (from → to) to its
// history under the next version; an edit that changes nothing stores
// nothing. An entry that is not in ref's round and unit is ErrNotFound;
// one changed by somebody else since ref.Version was read is ErrConflict;
// bad input is PlanErrors.
func (s *Store) UpdatePlanEntry(ctx context.Context, ref PlanEntryRef, in PlanInput, by int64) (PlanEntry, error) {
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return PlanEntry{}, fmt.Errorf("survey: update plan entry: %w", err)
	}
	defer tx.Rollback()
	e, err := findPlanEntryByID(ctx, tx, ref.ID)
	if err != nil {
		return PlanEntry{}, err
	}
	if e.RoundID != ref.RoundID || e.UnitID != ref.UnitID {
		return PlanEntry{}, fmt.Errorf("survey: update plan entry %d: not in this unit's plan: %w", ref.ID, ErrNotFound)
	}
	if e.Version != ref.Version {
		return PlanEntry{}, fmt.Errorf("survey: update plan entry %d: changed by somebody else (version %d, not %d): %w", ref.ID, e.Version, ref.Version, ErrConflict)
	}
	q, err := s.planQuestionnaire(ctx, tx, e.RoundID, e.UnitID)
	if err != nil {
		return PlanEntry{}, err
	}
	v, err := in.validate(q)
	if err != nil {
		return PlanEntry{}, err
	}
	old := e.fields()
	v.apply(&e)
	if equalFields(e.fields(), old) {
		return e, nil
	}
	now := s.now().Unix()
	e.Version, e.UpdatedBy, e.UpdatedAt = e.Version+1, by, now
	res, err := tx.ExecContext(ctx, tx.Rebind(`
		UPDATE plan_entries SET problem_kind = ?, problem_key = ?, problem_text = ?, risk = ?, risk_level = ?,
			action = ?, responsible = ?, deadline = ?, follow_up_on = ?, status = ?,
			version = ?, updated_by = ?, updated_at = ?
		WHERE id = ? AND version = ?`),
		e.ProblemKind, e.ProblemKey, e.ProblemText, e.Risk, e.RiskLevel,
		e.Action, e.Responsible, e.Deadline, e.FollowUpOn, e.Status,
		e.Version, nullUser(by), now, e.ID, ref.Version)
	if err != nil {
		return PlanEntry{}, fmt.Errorf("survey: update plan entry %d: %w", e.ID, err)
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return PlanEntry{}, fmt.Errorf("survey: update plan entry %d: changed by somebody else: %w", e.ID, ErrConflict)
	}
	if err := insertPlanChanges(ctx, tx, e, old, by, now); err != nil {
		return PlanEntry{}, err
	}
	if err := tx.Commit(); err != nil {
		return PlanEntry{}, fmt.Errorf("survey: update plan entry %d: %w", e.ID, err)
	}
	return e, nil
}

// equalFields reports whether two field maps hold the same values.
func equalFields(a, b map[string]string) bool {
	for _, f := range PlanFields {
		if a[f] != b[f] {
			return false
		}
	}
	return true
}

// FindPlanEntryByID returns the plan entry with id, or ErrNotFound.
func (s *Store) FindPlanEntryByID(ctx context.Context, id int64) (PlanEntry, error) {
	return findPlanEntryByID(ctx, s.db, id)
}

func findPlanEntryByID(ctx context.Context, q sqlx.ExtContext, id int64) (PlanEntry, error) {
	var e PlanEntry
	err := sqlx.GetContext(ctx, q, &e, q.Rebind("SELECT "+planEntryColumns+" FROM plan_entries WHERE id = ?"), id)
	if errors.Is(err, sql.ErrNoRows) {
		return PlanEntry{}, fmt.Errorf("survey: find plan entry %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return PlanEntry{}, fmt.Errorf("survey: find plan entry %d: %w", id, err)
	}
	return e, nil
}

// PlanFilter narrows FindPlanEntries; zero fields do not filter.
type PlanFilter struct {
	RoundID int64 `db:"round_id"`
	UnitID  int64 `db:"unit_id"`
}

// FindPlanEntries returns the plan entries matching f, by deadline and
// then in the order they were made.
func (s *Store) FindPlanEntries(ctx context.Context, f PlanFilter) ([]PlanEntry, error) {
	var (
		where = []string{"1 = 1"}
		args  []any
	)
	if f.RoundID != 0 {
		where, args = append(where, "round_id = ?"), append(args, f.RoundID)
	}
	if f.UnitID != 0 {
		where, args = append(where, "unit_id = ?"), append(args, f.UnitID)
	}
	var es []PlanEntry
	err := s.db.SelectContext(ctx, &es, s.rebind("SELECT "+planEntryColumns+" FROM plan_entries WHERE "+
		strings.Join(where, " AND ")+" ORDER BY deadline, id"), args...)
	if err != nil {
		return nil, fmt.Errorf("survey: find plan entries: %w", err)
	}
	return es, nil
}

// PlanFieldChange is one field of an entry changed from one value to
// another, both as PlanInput holds them ("" for none).
type PlanFieldChange struct {
	Field    string
	From, To string
}

// PlanChange is one saved edit of a plan entry: the version it made (1 is
// the creation), who made it (a staff user id, 0 when unknown), when
// (Unix seconds) and the fields it changed in PlanFields order.
type PlanChange struct {
	Version int
	By      int64
	At      int64
	Fields  []PlanFieldChange
}

// FindPlanEntryHistory returns the saved edits of an entry, oldest first.
func (s *Store) FindPlanEntryHistory(ctx context.Context, entryID int64) ([]PlanChange, error) {
	var rows []struct {
		Version int    `db:"version"`
		By      int64  `db:"changed_by"`
		At      int64  `db:"changed_at"`
		Field   string `db:"field"`
		Old     string `db:"old_value"`
		New     string `db:"new_value"`
	}
	err := s.db.SelectContext(ctx, &rows, s.rebind(`
		SELECT version, COALESCE(changed_by, 0) AS changed_by, changed_at, field, old_value, new_value
		FROM plan_entry_changes WHERE entry_id = ? ORDER BY version, id`), entryID)
	if err != nil {
		return nil, fmt.Errorf("survey: find plan entry %d history: %w", entryID, err)
	}
	var cs []PlanChange
	for _, r := range rows {
		if len(cs) == 0 || cs[len(cs)-1].Version != r.Version {
			cs = append(cs, PlanChange{Version: r.Version, By: r.By, At: r.At})
		}
		c := &cs[len(cs)-1]
		c.Fields = append(c.Fields, PlanFieldChange{Field: r.Field, From: r.Old, To: r.New})
	}
	return cs, nil
}

// PlanUnitSummary is one unit's plan in a round at a glance: its entries
// by status and how many of them are overdue.
type PlanUnitSummary struct {
	UnitID     int64         `db:"unit_id"`
	Code       string        `db:"code"`
	Name       string        `db:"name"`
	ParentID   sql.NullInt64 `db:"parent_id"`
	Entries    int           `db:"entries"`
	Planned    int           `db:"planned"`
	InProgress int           `db:"in_progress"`
	Done       int           `db:"done"`
	Abandoned  int           `db:"abandoned"`
	Overdue    int           `db:"overdue"`
}

// PlanOverview returns every unit of a round, in code order, with its
// plan's entries counted by status and the open ones whose deadline is
// before today (PlanEntry.Overdue); a unit without a plan has
// Entries 0. An unknown round is ErrNotFound.
func (s *Store) PlanOverview(ctx context.Context, roundID int64) ([]PlanUnitSummary, error) {
	if _, err := s.FindRoundByID(ctx, roundID); err != nil {
		return nil, err
	}
	var us []PlanUnitSummary
	err := s.db.SelectContext(ctx, &us, s.rebind(`
		SELECT u.id AS unit_id, u.code, u.name, u.parent_id,
			COUNT(e.id) AS entries,
			COALESCE(SUM(CASE WHEN e.status = 'planned' THEN 1 ELSE 0 END), 0) AS planned,
			COALESCE(SUM(CASE WHEN e.status = 'in_progress' THEN 1 ELSE 0 END), 0) AS in_progress,
			COALESCE(SUM(CASE WHEN e.status = 'done' THEN 1 ELSE 0 END), 0) AS done,
			COALESCE(SUM(CASE WHEN e.status = 'abandoned' THEN 1 ELSE 0 END), 0) AS abandoned,
			COALESCE(SUM(CASE WHEN e.status IN ('planned', 'in_progress') AND e.deadline < ? THEN 1 ELSE 0 END), 0) AS overdue
		FROM round_units ru
		JOIN units u ON u.id = ru.unit_id
		LEFT JOIN plan_entries e ON e.round_id = ru.round_id AND e.unit_id = ru.unit_id
		WHERE ru.round_id = ?
		GROUP BY u.id, u.code, u.name, u.parent_id
		ORDER BY u.code`), DateOf(s.now()), roundID)
	if err != nil {
		return nil, fmt.Errorf("survey: plan overview of round %d: %w", roundID, err)
	}
	return us, nil
}

// planKeyBytes is the randomness of a plan's public key (128 bits).
const planKeyBytes = 16

// PlanKey returns the random, unguessable key of the unit's plan in the
// round, creating it on first use: the link through which the unit's
// employees read the plan without signing in. A round the unit does not
// take part in is ErrNotFound.
func (s *Store) PlanKey(ctx context.Context, roundID, unitID int64) (string, error) {
	if _, err := s.planQuestionnaire(ctx, s.db, roundID, unitID); err != nil {
		return "", err
	}
	b := make([]byte, planKeyBytes)
	rand.Read(b)
	_, err := s.db.ExecContext(ctx, s.rebind(`
		INSERT INTO plan_links (round_id, unit_id, key, created_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (round_id, unit_id) DO NOTHING`),
		roundID, unitID, base64.RawURLEncoding.EncodeToString(b), s.now().Unix())
	if err != nil {
		return "", fmt.Errorf("survey: create plan key: %w", err)
	}
	var key string
	if err := s.db.GetContext(ctx, &key, s.rebind("SELECT key FROM plan_links WHERE round_id = ? AND unit_id = ?"), roundID, unitID); err != nil {
		return "", fmt.Errorf("survey: read plan key: %w", err)
	}
	return key, nil
}

// FindPlanByKey returns the round and unit of the plan whose public key
// is key, or ErrNotFound.
func (s *Store) FindPlanByKey(ctx context.Context, key string) (PlanFilter, error) {
	var f PlanFilter
	err := s.db.GetContext(ctx, &f, s.rebind("SELECT round_id, unit_id FROM plan_links WHERE key = ?"), key)
	if errors.Is(err, sql.ErrNoRows) {
		return PlanFilter{}, fmt.Errorf("survey: find plan by key: %w", ErrNotFound)
	}
	if err != nil {
		return PlanFilter{}, fmt.Errorf("survey: find plan by key: %w", err)
	}
	return f, nil
}
