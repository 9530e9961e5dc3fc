// Package migrations holds tillid's SQL schema as goose migrations, one
// folder per dialect, embedded in the binary.
package migrations

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"hash/crc64"
	"io"
	"io/fs"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

//go:embed sqlite/*.sql postgres/*.sql
var files embed.FS

// Dialects maps tillid's dialect names to goose's.
var dialects = map[string]goose.Dialect{
	"sqlite":   goose.DialectSQLite3,
	"postgres": goose.DialectPostgres,
}

// NewProvider returns a goose provider for db's dialect ("sqlite" or "postgres").
func NewProvider(db *sql.DB, dialect string) (*goose.Provider, error) {
	d, ok := dialects[dialect]
	if !ok {
		return nil, fmt.Errorf("migrations: unknown dialect %q", dialect)
	}
	sub, err := fs.Sub(files, dialect)
	if err != nil {
		return nil, fmt.Errorf("migrations: %w", err)
	}
	var opts []goose.ProviderOption
	if dialect == "postgres" {
		locker, err := schemaLocker(db)
		if err != nil {
			return nil, err
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	p, err := goose.NewProvider(d, db, sub, opts...)
	if err != nil {
		return nil, fmt.Errorf("migrations: %w", err)
	}
	return p, nil
}

// schemaLocker returns a PostgreSQL advisory lock for migrating db's
// current schema, so that several app instances starting at once migrate
// one after the other. The lock id is derived from the schema's name:
// databases that hold several tillid schemas (tests) lock each apart.
func schemaLocker(db *sql.DB) (lock.SessionLocker, error) {
	var schema string
	if err := db.QueryRow("SELECT current_schema()").Scan(&schema); err != nil {
		return nil, fmt.Errorf("migrations: current schema: %w", err)
	}
	id := int64(crc64.Checksum([]byte("tillid migrations "+schema), crc64.MakeTable(crc64.ECMA)) >> 1)
	l, err := lock.NewPostgresSessionLocker(lock.WithLockID(id), lock.WithLockTimeout(1, 600))
	if err != nil {
		return nil, fmt.Errorf("migrations: lock: %w", err)
	}
	return l, nil
}

// Up applies every pending migration.
func Up(ctx context.Context, db *sql.DB, dialect string) error {
	p, err := NewProvider(db, dialect)
	if err != nil {
		return err
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrations: up: %w", err)
	}
	return nil
}

// Down rolls back the most recent migration.
func Down(ctx context.Context, db *sql.DB, dialect string) error {
	p, err := NewProvider(db, dialect)
	if err != nil {
		return err
	}
	if _, err := p.Down(ctx); err != nil {
		return fmt.Errorf("migrations: down: %w", err)
	}
	return nil
}

// Status writes one line per migration: its version, file and state.
func Status(ctx context.Context, db *sql.DB, dialect string, w io.Writer) error {
	p, err := NewProvider(db, dialect)
	if err != nil {
		return err
	}
	st, err := p.Status(ctx)
	if err != nil {
		return fmt.Errorf("migrations: status: %w", err)
	}
	for _, s := range st {
		applied := "pending"
		if s.State == goose.StateApplied {
			applied = "applied " + s.AppliedAt.UTC().Format("2006-01-02 15:04:05")
		}
		fmt.Fprintf(w, "%5d  %-40s %s\n", s.Source.Version, s.Source.Path, applied)
	}
	return nil
}

// Pending reports whether migrations remain to be applied.
func Pending(ctx context.Context, db *sql.DB, dialect string) (bool, error) {
	p, err := NewProvider(db, dialect)
	if err != nil {
		return false, err
	}
	return p.HasPending(ctx)
}
