package survey

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	_ "github.com/lib/pq"  // PostgreSQL driver "postgres"
	_ "modernc.org/sqlite" // SQLite driver "sqlite"

	"github.com/tillid/tillid/migrations"
)

// This file holds the few places where SQLite and PostgreSQL differ; all
// other SQL in tillid is written once with ? placeholders and Rebind.

func init() {
	// sqlx does not know modernc's driver name; it takes ? placeholders.
	sqlx.BindDriver("sqlite", sqlx.QUESTION)
}

// DefaultDSN is the database tillid uses when none is configured.
const DefaultDSN = "sqlite:tillid.db"

// Open connects to the database named by dsn: "sqlite:PATH" (the embedded
// default) or a "postgres://…" URL. It does not migrate; see Migrate.
func Open(ctx context.Context, dsn string) (*sqlx.DB, error) {
	var (
		db  *sqlx.DB
		err error
	)
	switch {
	case strings.HasPrefix(dsn, "sqlite:"):
		db, err = openSQLite(strings.TrimPrefix(dsn, "sqlite:"))
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		db, err = sqlx.Open("postgres", withBinaryParameters(dsn))
		if err == nil {
			db.SetMaxOpenConns(32)
			db.SetMaxIdleConns(32)
			db.SetConnMaxIdleTime(5 * time.Minute)
		}
	default:
		return nil, fmt.Errorf("survey: open: database %q: want sqlite:PATH or postgres://…", RedactDSN(dsn))
	}
	if err != nil {
		return nil, fmt.Errorf("survey: open: %w", err)
	}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("survey: open %s: %w", RedactDSN(dsn), err)
	}
	return db, nil
}

// withBinaryParameters adds binary_parameters=yes to a PostgreSQL URL
// that does not set it. lib/pq then sends a statement with parameters
// in one round trip (Parse, Bind, Execute) instead of two (Parse and
// Describe first, to learn the parameter types); []byte parameters go
// in binary, everything else as text, as before. Measured in
// bench/README.md.
func withBinaryParameters(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return dsn // lib/pq reports the malformed URL
	}
	q := u.Query()
	if q.Has("binary_parameters") {
		return dsn
	}
	q.Set("binary_parameters", "yes")
	u.RawQuery = q.Encode()
	return u.String()
}

// openSQLite opens path in WAL mode with foreign keys on, a busy timeout
// and durable (synchronous=FULL) commits. Write transactions take the
// write lock when they begin (_txlock=immediate), so two writers wait for
// each other instead of failing to upgrade a read lock.
func openSQLite(path string) (*sqlx.DB, error) {
	if path == "" {
		return nil, fmt.Errorf("empty SQLite path")
	}
	q := url.Values{}
	for _, p := range []string{"journal_mode(WAL)", "foreign_keys(1)", "busy_timeout(10000)", "synchronous(FULL)"} {
		q.Add("_pragma", p)
	}
	q.Set("_txlock", "immediate")
	db, err := sqlx.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(8)
	db.SetMaxIdleConns(8)
	return db, nil
}

// prepared returns query (already rebound) prepared once for the store's
// pool; database/sql prepares it again on each connection that runs it.
// Used on the employee form's hot path: PostgreSQL then neither parses
// nor plans the statement on each call (pgbench: 20–50 % more
// submissions per second than unprepared) and lib/pq sends an execution
// in one round trip.
func (s *Store) prepared(ctx context.Context, query string) (*sql.Stmt, error) {
	if st, ok := s.stmts.Load(query); ok {
		return st.(*sql.Stmt), nil
	}
	st, err := s.db.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	if other, loaded := s.stmts.LoadOrStore(query, st); loaded {
		st.Close() // prepared concurrently by another request
		return other.(*sql.Stmt), nil
	}
	return st, nil
}

// Dialect names db's SQL dialect: "sqlite" or "postgres".
func Dialect(db *sqlx.DB) string {
	if db.DriverName() == "sqlite" {
		return "sqlite"
	}
	return "postgres"
}

// Migrate brings db's schema up to date.
func Migrate(ctx context.Context, db *sqlx.DB) error {
	return migrations.Up(ctx, db.DB, Dialect(db))
}

// RedactDSN hides a password in a database URL so it can be logged.
func RedactDSN(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil || u.User == nil {
		return dsn
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}
