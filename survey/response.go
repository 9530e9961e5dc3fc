package survey

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/lib/pq"
)

// Errors of a submission that cannot be taken; both match ErrConflict.
var (
	// ErrAlreadyAnswered is returned for an invitation that has been used.
	ErrAlreadyAnswered = fmt.Errorf("invitation already answered (besvarelsen er allerede afgivet): %w", ErrConflict)
	// ErrRoundNotOpen is returned when the invitation's round is a draft or closed.
	ErrRoundNotOpen = fmt.Errorf("round not open (målingen er ikke åben): %w", ErrConflict)
)

// MaxCommentLen is the longest free-text comment, in characters.
const MaxCommentLen = 5000

// Answer is the value given to one scored item (0 = don't know).
type Answer struct {
	ItemID int64
	Value  int
}

// Comment is the text written in one text item.
type Comment struct {
	ItemID int64
	Body   string
}

// Submission is what an employee sends: the invitation it uses, the
// language of the form ("da" or "en"), the answers and the comments.
type Submission struct {
	InvitationID int64
	Lang         string
	Answers      []Answer
	Comments     []Comment
}

// itemRule is what a submission is checked against for one item.
type itemRule struct {
	Type     ItemType `db:"type"`
	Required bool     `db:"required"`
}

// itemRules are the rules of one questionnaire version's items.
type itemRules struct {
	questionnaireID int64
	byID            map[int64]itemRule
}

// SubmitResponse stores a submission exactly once: it marks the
// invitation used only if it is unused and its round is open (else
// ErrAlreadyAnswered or ErrRoundNotOpen), and stores a response with a
// random id, the round, the unit and today's date in Copenhagen, which
// nothing links to the invitation, together with its answers and
// comments — all of it or nothing. The answers are checked first
// (ErrInvalid) against the questionnaire version their items belong to,
// which must be the round's.
func (s *Store) SubmitResponse(ctx context.Context, sub Submission) error {
	if sub.Lang == "" {
		sub.Lang = "da"
	}
	if sub.Lang != "da" && sub.Lang != "en" {
		return Invalidf("submit response: language %q: want da or en", sub.Lang)
	}
	comments := make([]Comment, 0, len(sub.Comments))
	for _, c := range sub.Comments {
		if c.Body = strings.TrimSpace(c.Body); c.Body != "" {
			comments = append(comments, c)
		}
	}
	sub.Comments = comments
	if len(sub.Answers) == 0 && len(sub.Comments) == 0 {
		return Invalidf("submit response: nothing answered (intet besvaret)")
	}
	// Checked before anything is written, so that the write can be a
	// single statement on PostgreSQL (submitPostgres).
	rules, err := s.rulesOf(ctx, sub)
	if err != nil {
		return err
	}
	if err := rules.check(sub); err != nil {
		return err
	}
	w := responseWrite{Submission: sub, questionnaireID: rules.questionnaireID, id: NewResponseID(), today: DateOf(s.now().In(Zone))}
	var stored bool
	if Dialect(s.db) == "postgres" {
		stored, err = s.submitPostgres(ctx, w)
	} else {
		stored, err = s.submitSQLite(ctx, w)
	}
	if err != nil {
		return fmt.Errorf("survey: submit response: %w", err)
	}
	if !stored {
		return s.whyNotSubmitted(ctx, sub.InvitationID, rules.questionnaireID)
	}
	return nil
}

// responseWrite is a checked submission and what its rows carry.
type responseWrite struct {
	Submission
	questionnaireID int64  // the version the answers were checked against
	id              string // the response's random id
	today           Date
}

// useInvitation marks invitation ? used if it is unused and its round is
// open and asks questionnaire version ?, returning the round and the unit.
const useInvitation = `
	UPDATE invitations SET used = TRUE
	WHERE id = ? AND used = FALSE
		AND round_id IN (SELECT id FROM rounds WHERE status = 'open' AND questionnaire_id = ?)
	RETURNING round_id, unit_id`

// submitPostgres writes w in one prepared statement, one round trip: its
// CTEs mark the invitation used if it is unused and its round is open
// with w's questionnaire, insert the response only if that happened, and
// its answers and comments from arrays. The statement is its own
// transaction, so it is all or nothing; a concurrent second submission
// waits for the row lock of the first, then finds the invitation used.
// It reports whether the response was stored.
func (s *Store) submitPostgres(ctx context.Context, w responseWrite) (bool, error) {
	items, values := make(pq.Int64Array, len(w.Answers)), make(pq.Int32Array, len(w.Answers))
	for i, a := range w.Answers {
		items[i], values[i] = a.ItemID, int32(a.Value)
	}
	textItems, bodies := make(pq.Int64Array, len(w.Comments)), make(pq.StringArray, len(w.Comments))
	for i, c := range w.Comments {
		textItems[i], bodies[i] = c.ItemID, c.Body
	}
	st, err := s.prepared(ctx, s.rebind(`
		WITH used AS (`+useInvitation+`), response AS (
			INSERT INTO responses (id, round_id, unit_id, submitted_on, lang)
			SELECT ?, round_id, unit_id, ?, ? FROM used
			RETURNING id
		), answer_rows AS (
			INSERT INTO answers (response_id, item_id, value)
			SELECT response.id, a.item_id, a.value FROM response, unnest(?::int8[], ?::int4[]) AS a(item_id, value)
		), comment_rows AS (
			INSERT INTO comments (response_id, item_id, body)
			SELECT response.id, c.item_id, c.body FROM response, unnest(?::int8[], ?::text[]) AS c(item_id, body)
		)
		SELECT id FROM response`))
	if err != nil {
		return false, err
	}
	var id string
	err = st.QueryRowContext(ctx, w.InvitationID, w.questionnaireID, w.id, w.today, w.Lang, items, values, textItems, bodies).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

// submitSQLite writes w in one transaction of prepared statements
// (parsing them was a tenth of the server's CPU under load). SQLite
// takes one writer at a time; submissions queue on the store's mutex
// instead of in SQLite's busy handler, which polls with sleeps of up to
// 100 ms and so made the 99th percentile long under load
// (bench/README.md). Other writers still meet the busy timeout, as before.
func (s *Store) submitSQLite(ctx context.Context, w responseWrite) (bool, error) {
	// Prepared before the transaction takes its connection, so that
	// preparing never waits for a second one.
	queries := []string{
		useInvitation,
		"INSERT INTO responses (id, round_id, unit_id, submitted_on, lang) VALUES (?, ?, ?, ?, ?)",
		"INSERT INTO answers (response_id, item_id, value) VALUES " + valuesList(len(w.Answers), 3),
		"INSERT INTO comments (response_id, item_id, body) VALUES " + valuesList(len(w.Comments), 3),
	}
	stmts := make([]*sql.Stmt, len(queries))
	for i, q := range queries {
		if (i == 2 && len(w.Answers) == 0) || (i == 3 && len(w.Comments) == 0) {
			continue
		}
		st, err := s.prepared(ctx, s.rebind(q))
		if err != nil {
			return false, err
		}
		stmts[i] = st
	}
	s.submitMu.Lock()
	defer s.submitMu.Unlock()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return false, err
	}
	defer tx.Rollback()
	var roundID, unitID int64
	err = tx.StmtContext(ctx, stmts[0]).QueryRowContext(ctx, w.InvitationID, w.questionnaireID).Scan(&roundID, &unitID)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("use invitation: %w", err)
	}
	if _, err := tx.StmtContext(ctx, stmts[1]).ExecContext(ctx, w.id, roundID, unitID, w.today, w.Lang); err != nil {
		return false, err
	}
	if stmts[2] != nil {
		args := make([]any, 0, 3*len(w.Answers))
		for _, a := range w.Answers {
			args = append(args, w.id, a.ItemID, a.Value)
		}
		if _, err := tx.StmtContext(ctx, stmts[2]).ExecContext(ctx, args...); err != nil {
			return false, fmt.Errorf("answers: %w", err)
		}
	}
	if stmts[3] != nil {
		args := make([]any, 0, 3*len(w.Comments))
		for _, c := range w.Comments {
			args = append(args, w.id, c.ItemID, c.Body)
		}
		if _, err := tx.StmtContext(ctx, stmts[3]).ExecContext(ctx, args...); err != nil {
			return false, fmt.Errorf("comments: %w", err)
		}
	}
	return true, tx.Commit()
}

// whyNotSubmitted tells why an invitation could not be marked used for
// answers to questionnaire version questionnaireID.
func (s *Store) whyNotSubmitted(ctx context.Context, invitationID, questionnaireID int64) error {
	var st struct {
		Used            bool        `db:"used"`
		Status          RoundStatus `db:"status"`
		QuestionnaireID int64       `db:"questionnaire_id"`
	}
	err := s.db.GetContext(ctx, &st, s.rebind("SELECT i.used, r.status, r.questionnaire_id FROM invitations i JOIN rounds r ON r.id = i.round_id WHERE i.id = ?"), invitationID)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("survey: submit response: invitation %d: %w", invitationID, ErrNotFound)
	case err != nil:
		return fmt.Errorf("survey: submit response: %w", err)
	case st.Used:
		return fmt.Errorf("survey: submit response: %w", ErrAlreadyAnswered)
	case st.Status != RoundOpen:
		return fmt.Errorf("survey: submit response: round is %s: %w", st.Status, ErrRoundNotOpen)
	case st.QuestionnaireID != questionnaireID:
		return Invalidf("submit response: the answers are to questionnaire %d, the round asks questionnaire %d", questionnaireID, st.QuestionnaireID)
	default:
		// Not used and open a moment ago: the round opened meanwhile.
		return fmt.Errorf("survey: submit response: round was not open: %w", ErrRoundNotOpen)
	}
}

// rulesOf returns the rules of the questionnaire version that sub's
// first answered item belongs to; check then finds any item of another
// version unknown. Versions never change, so their rules are kept for
// good, under every item id of the version.
func (s *Store) rulesOf(ctx context.Context, sub Submission) (*itemRules, error) {
	var first int64
	if len(sub.Answers) > 0 {
		first = sub.Answers[0].ItemID
	} else {
		first = sub.Comments[0].ItemID
	}
	if r, ok := s.items.Load(first); ok {
		return r.(*itemRules), nil
	}
	var rows []struct {
		ID              int64 `db:"id"`
		QuestionnaireID int64 `db:"questionnaire_id"`
		itemRule
	}
	if err := s.db.SelectContext(ctx, &rows, s.rebind(`
		SELECT id, questionnaire_id, type, required FROM items
		WHERE questionnaire_id = (SELECT questionnaire_id FROM items WHERE id = ?)`), first); err != nil {
		return nil, fmt.Errorf("survey: submit response: items: %w", err)
	}
	if len(rows) == 0 {
		return nil, Invalidf("submit response: unknown item %d", first)
	}
	rules := &itemRules{questionnaireID: rows[0].QuestionnaireID, byID: make(map[int64]itemRule, len(rows))}
	for _, r := range rows {
		rules.byID[r.ID] = r.itemRule
	}
	for id := range rules.byID {
		s.items.Store(id, rules)
	}
	return rules, nil
}

// check validates a submission's answers and comments: known items of
// the right type, valid values, each item once, required items answered.
func (rules *itemRules) check(sub Submission) error {
	seen := make(map[int64]bool, len(sub.Answers)+len(sub.Comments))
	for _, a := range sub.Answers {
		r, ok := rules.byID[a.ItemID]
		switch {
		case !ok:
			return Invalidf("submit response: unknown item %d", a.ItemID)
		case seen[a.ItemID]:
			return Invalidf("submit response: item %d answered twice", a.ItemID)
		case !ValidValue(r.Type, a.Value):
			return Invalidf("submit response: item %d (%s): value %d is not a valid answer", a.ItemID, r.Type, a.Value)
		}
		seen[a.ItemID] = true
	}
	for _, c := range sub.Comments {
		r, ok := rules.byID[c.ItemID]
		switch {
		case !ok:
			return Invalidf("submit response: unknown item %d", c.ItemID)
		case r.Type != Text:
			return Invalidf("submit response: item %d (%s) takes no comment", c.ItemID, r.Type)
		case seen[c.ItemID]:
			return Invalidf("submit response: item %d answered twice", c.ItemID)
		case utf8.RuneCountInString(c.Body) > MaxCommentLen:
			return Invalidf("submit response: comment on item %d is longer than %d characters (kommentaren er for lang)", c.ItemID, MaxCommentLen)
		}
		seen[c.ItemID] = true
	}
	for id, r := range rules.byID {
		if r.Required && !seen[id] {
			return Invalidf("submit response: required item %d not answered (obligatorisk spørgsmål mangler)", id)
		}
	}
	return nil
}

// NewResponseID returns 128 random bits in hex: a response id that says
// nothing about when or by whom it was given.
func NewResponseID() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}
