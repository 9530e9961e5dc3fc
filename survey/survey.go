// Package survey owns tillid's units, focus areas, questionnaires, rounds,
// invitations and responses: their types, their validation and their SQL.
package survey

import (
	"database/sql/driver"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
	_ "time/tzdata" // Europe/Copenhagen on servers without a zoneinfo database

	"github.com/jmoiron/sqlx"
)

// Sentinel errors; web maps them to HTTP status codes in one place.
var (
	// ErrNotFound is returned when a looked-up record does not exist.
	ErrNotFound = errors.New("not found")
	// ErrInvalid is wrapped by every validation error.
	ErrInvalid = errors.New("invalid")
	// ErrConflict is returned when a change clashes with the stored state
	// (a used invitation, a frozen questionnaire, a closed round).
	ErrConflict = errors.New("conflict")
)

// Invalidf returns an error wrapping ErrInvalid with a formatted message.
func Invalidf(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalid, fmt.Sprintf(format, args...))
}

// LineError is one problem found in an imported file: the line (1-based,
// the header is line 1), the column or field, the offending value and
// what is wrong with it.
type LineError struct {
	Line   int
	Column string
	Value  string
	Msg    string
}

// Error implements error.
func (e LineError) Error() string {
	var b strings.Builder
	if e.Line > 0 {
		fmt.Fprintf(&b, "line %d: ", e.Line)
	}
	if e.Column != "" {
		fmt.Fprintf(&b, "%s: ", e.Column)
	}
	if e.Value != "" {
		fmt.Fprintf(&b, "%q: ", e.Value)
	}
	b.WriteString(e.Msg)
	return b.String()
}

// ImportErrors lists every problem of a rejected change — an import, a
// form — with its line or field; nothing of it was stored. It matches
// ErrInvalid with errors.Is.
type ImportErrors []LineError

// Error implements error, one problem per line.
func (es ImportErrors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return fmt.Sprintf("%d problem(s), nothing changed:\n%s", len(es), strings.Join(lines, "\n"))
}

// Is makes errors.Is(err, ErrInvalid) true.
func (es ImportErrors) Is(target error) bool { return target == ErrInvalid }

// Zone is the time zone of the municipality's calendar: submission
// dates, retention and deadlines, and the times shown to staff. The zone
// database is embedded (time/tzdata), so servers without one work too.
var Zone = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Copenhagen")
	if err != nil {
		panic(err) // embedded by time/tzdata
	}
	return loc
}()

// Date is a calendar date without time or zone, stored as 'YYYY-MM-DD'.
type Date struct{ time.Time }

// DateLayout is the text form of a Date.
const DateLayout = "2006-01-02"

// ParseDate parses 'YYYY-MM-DD'.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(DateLayout, strings.TrimSpace(s))
	if err != nil {
		return Date{}, Invalidf("date %q: want YYYY-MM-DD", s)
	}
	return Date{t}, nil
}

// DateOf returns the calendar date of t in t's location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{time.Date(y, m, d, 0, 0, 0, 0, time.UTC)}
}

// String returns 'YYYY-MM-DD', or "" for the zero Date.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return d.Format(DateLayout)
}

// Value implements driver.Valuer.
func (d Date) Value() (driver.Value, error) {
	if d.IsZero() {
		return nil, nil
	}
	return d.String(), nil
}

// Scan implements sql.Scanner for text and time columns.
func (d *Date) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*d = Date{}
		return nil
	case string:
		return d.parse(v)
	case []byte:
		return d.parse(string(v))
	case time.Time:
		*d = DateOf(v)
		return nil
	}
	return fmt.Errorf("survey: cannot scan %T into Date", src)
}

func (d *Date) parse(s string) error {
	t, err := time.Parse(DateLayout, s)
	if err != nil {
		return fmt.Errorf("survey: scan date %q: %w", s, err)
	}
	*d = Date{t}
	return nil
}

// Store reads and writes survey data in one database (SQLite or
// PostgreSQL) through sqlx.
type Store struct {
	db    *sqlx.DB
	now   func() time.Time
	items sync.Map // item id → *itemRules of its version, the answer checks (response.go)
	// submitMu queues SQLite submissions for its one writer (response.go).
	submitMu sync.Mutex
	// stmts holds the employee form's prepared statements: query → *sql.Stmt (db.go).
	stmts sync.Map
	// questionnaires caches parsed versions, which never change:
	// id → *Questionnaire (questionnaire_store.go).
	questionnaires sync.Map
}

// NewStore returns a Store over db using the wall clock.
func NewStore(db *sqlx.DB) *Store {
	return &Store{db: db, now: time.Now}
}

// SetClock replaces the store's clock (tests, the demo's back-dated rounds).
func (s *Store) SetClock(now func() time.Time) { s.now = now }

// DB returns the underlying database handle.
func (s *Store) DB() *sqlx.DB { return s.db }

// rebind turns ? placeholders into the dialect's.
func (s *Store) rebind(q string) string { return s.db.Rebind(q) }
