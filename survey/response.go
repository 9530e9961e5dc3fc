package survey

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
	_ "time/tzdata" // Europe/Copenhagen on servers without a zoneinfo database
	"unicode/utf8"

	"github.com/jmoiron/sqlx"
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

// itemRules maps the item ids of one questionnaire version to their rules.
type itemRules map[int64]itemRule

// copenhagen is the zone of the submission date.
var copenhagen = sync.OnceValue(func() *time.Location {
	loc, err := time.LoadLocation("Europe/Copenhagen")
	if err != nil {
		panic(err) // embedded by time/tzdata
	}
	return loc
})

// SubmitResponse stores a submission exactly once, in one transaction:
// it marks the invitation used only if it is unused and its round is open
// (else ErrAlreadyAnswered or ErrRoundNotOpen), checks the answers
// against the round's questionnaire (ErrInvalid), and stores a response
// with a random id, the round, the unit and today's date in Copenhagen,
// which nothing links to the invitation.
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

	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("survey: submit response: %w", err)
	}
	defer tx.Rollback()
	var roundID, unitID, questionnaireID int64
	err = tx.QueryRowxContext(ctx, tx.Rebind(`
		UPDATE invitations SET used = TRUE
		WHERE id = ? AND used = FALSE AND round_id IN (SELECT id FROM rounds WHERE status = 'open')
		RETURNING round_id, unit_id, (SELECT questionnaire_id FROM rounds WHERE rounds.id = invitations.round_id)`),
		sub.InvitationID).Scan(&roundID, &unitID, &questionnaireID)
	if errors.Is(err, sql.ErrNoRows) {
		return whyNotSubmitted(ctx, tx, sub.InvitationID)
	}
	if err != nil {
		return fmt.Errorf("survey: submit response: use invitation: %w", err)
	}
	// Questionnaire versions never change, so their rules are kept for
	// good. They are read inside the transaction: on SQLite a second
	// connection could wait on the writers queued behind this one.
	rules, cached := s.items.Load(questionnaireID)
	if !cached {
		if rules, err = loadItemRules(ctx, tx, questionnaireID); err != nil {
			return err
		}
		s.items.Store(questionnaireID, rules)
	}
	if err := rules.(itemRules).check(sub); err != nil {
		return err
	}

	id := newResponseID()
	today := DateOf(s.now().In(copenhagen()))
	if _, err := tx.ExecContext(ctx, tx.Rebind("INSERT INTO responses (id, round_id, unit_id, submitted_on, lang) VALUES (?, ?, ?, ?, ?)"),
		id, roundID, unitID, today, sub.Lang); err != nil {
		return fmt.Errorf("survey: submit response: %w", err)
	}
	if len(sub.Answers) > 0 {
		args := make([]any, 0, 3*len(sub.Answers))
		for _, a := range sub.Answers {
			args = append(args, id, a.ItemID, a.Value)
		}
		if _, err := tx.ExecContext(ctx, tx.Rebind("INSERT INTO answers (response_id, item_id, value) VALUES "+valuesList(len(sub.Answers), 3)), args...); err != nil {
			return fmt.Errorf("survey: submit response: answers: %w", err)
		}
	}
	if len(sub.Comments) > 0 {
		args := make([]any, 0, 3*len(sub.Comments))
		for _, c := range sub.Comments {
			args = append(args, id, c.ItemID, c.Body)
		}
		if _, err := tx.ExecContext(ctx, tx.Rebind("INSERT INTO comments (response_id, item_id, body) VALUES "+valuesList(len(sub.Comments), 3)), args...); err != nil {
			return fmt.Errorf("survey: submit response: comments: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("survey: submit response: %w", err)
	}
	return nil
}

// whyNotSubmitted tells why an invitation could not be marked used.
func whyNotSubmitted(ctx context.Context, tx *sqlx.Tx, invitationID int64) error {
	var st struct {
		Used   bool        `db:"used"`
		Status RoundStatus `db:"status"`
	}
	err := tx.GetContext(ctx, &st, tx.Rebind("SELECT i.used, r.status FROM invitations i JOIN rounds r ON r.id = i.round_id WHERE i.id = ?"), invitationID)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("survey: submit response: invitation %d: %w", invitationID, ErrNotFound)
	case err != nil:
		return fmt.Errorf("survey: submit response: %w", err)
	case st.Used:
		return fmt.Errorf("survey: submit response: %w", ErrAlreadyAnswered)
	default:
		return fmt.Errorf("survey: submit response: round is %s: %w", st.Status, ErrRoundNotOpen)
	}
}

// loadItemRules reads the items of a questionnaire version.
func loadItemRules(ctx context.Context, q sqlx.ExtContext, questionnaireID int64) (itemRules, error) {
	var rows []struct {
		ID int64 `db:"id"`
		itemRule
	}
	if err := sqlx.SelectContext(ctx, q, &rows, q.Rebind("SELECT id, type, required FROM items WHERE questionnaire_id = ?"), questionnaireID); err != nil {
		return nil, fmt.Errorf("survey: submit response: items: %w", err)
	}
	rules := make(itemRules, len(rows))
	for _, r := range rows {
		rules[r.ID] = r.itemRule
	}
	return rules, nil
}

// check validates a submission's answers and comments: known items of
// the right type, valid values, each item once, required items answered.
func (rules itemRules) check(sub Submission) error {
	seen := make(map[int64]bool, len(sub.Answers)+len(sub.Comments))
	for _, a := range sub.Answers {
		r, ok := rules[a.ItemID]
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
		r, ok := rules[c.ItemID]
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
	for id, r := range rules {
		if r.Required && !seen[id] {
			return Invalidf("submit response: required item %d not answered (obligatorisk spørgsmål mangler)", id)
		}
	}
	return nil
}

// newResponseID returns 128 random bits in hex: a response id that says
// nothing about when or by whom it was given.
func newResponseID() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}
