// Package surveytest opens a fresh, migrated database for a test: SQLite
// in the test's temporary folder by default, or a new schema in the
// PostgreSQL database named by TILLID_TEST_POSTGRES, so every store test
// runs on both.
package surveytest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/jmoiron/sqlx"

	"github.com/tillid/tillid/survey"
)

// EnvPostgres names the environment variable holding a PostgreSQL URL for tests.
const EnvPostgres = "TILLID_TEST_POSTGRES"

// Open returns a migrated, empty database that is removed when t ends.
func Open(t testing.TB) *sqlx.DB {
	t.Helper()
	dsn := DSN(t)
	db, err := survey.Open(context.Background(), dsn)
	if err != nil {
		t.Fatalf("surveytest: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	if err := survey.Migrate(context.Background(), db); err != nil {
		t.Fatalf("surveytest: %v", err)
	}
	return db
}

// DSN returns the address of a fresh, empty database for t: a file in
// t.TempDir(), or a new PostgreSQL schema that is dropped when t ends.
// Open migrates it; callers that start a whole server can pass the DSN on.
func DSN(t testing.TB) string {
	t.Helper()
	base := os.Getenv(EnvPostgres)
	if base == "" {
		return "sqlite:" + filepath.Join(t.TempDir(), "test.db")
	}
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("surveytest: %s: %v", EnvPostgres, err)
	}
	b := make([]byte, 6)
	rand.Read(b)
	schema := "t_" + hex.EncodeToString(b)
	admin, err := survey.Open(context.Background(), base)
	if err != nil {
		t.Fatalf("surveytest: %v", err)
	}
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		admin.Close()
		t.Fatalf("surveytest: create schema: %v", err)
	}
	t.Cleanup(func() {
		admin.Exec("DROP SCHEMA " + schema + " CASCADE")
		admin.Close()
	})
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// Postgres reports whether tests run against PostgreSQL.
func Postgres() bool { return os.Getenv(EnvPostgres) != "" }
