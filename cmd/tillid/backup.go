package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/tillid/tillid/survey"
)

// postgresBackupHelp is what backup and restore say for a PostgreSQL database.
const postgresBackupHelp = `tillid backs up only its SQLite database. Back PostgreSQL up with its own tools:
  pg_dump -Fc -f tillid-$(date +%F).dump "$TILLID_DB"
and restore a dump (stop tillid first) with:
  pg_restore --clean --if-exists --no-owner -d "$TILLID_DB" tillid-YYYY-MM-DD.dump
`

// runBackup writes a consistent copy of the SQLite database while the
// server runs: tillid backup --out FILE.
func (m *Main) runBackup(ctx context.Context, args []string) error {
	fs := m.flagSet("backup")
	out := fs.String("out", "", "the backup file to write; must not exist (required)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 || *out == "" {
		return fmt.Errorf("backup: want --out FILE")
	}
	if !strings.HasPrefix(m.Config.DB, "sqlite:") {
		io.WriteString(m.Stderr, postgresBackupHelp)
		return fmt.Errorf("backup: %w", survey.ErrPostgresBackup)
	}
	if err := m.openDB(ctx); err != nil {
		return err
	}
	info, err := survey.Backup(ctx, m.DB, *out)
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "backup written to %s: integrity ok, schema version %d\n", *out, info.Version)
	return nil
}

// runRestore puts a backup in place of the SQLite database: tillid
// restore --from FILE [--force]. The server must be stopped.
func (m *Main) runRestore(ctx context.Context, args []string) error {
	fs := m.flagSet("restore")
	from := fs.String("from", "", "the backup file to restore (required)")
	force := fs.Bool("force", false, "replace an existing database")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 || *from == "" {
		return fmt.Errorf("restore: want --from FILE")
	}
	info, err := survey.Restore(ctx, *from, m.Config.DB, *force)
	if errors.Is(err, survey.ErrPostgresBackup) {
		io.WriteString(m.Stderr, postgresBackupHelp)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "restored %s into %s: integrity ok, schema version %d", *from, survey.RedactDSN(m.Config.DB), info.Version)
	if info.Version < info.Latest {
		fmt.Fprintf(m.Stdout, "; tillid migrates it to version %d when it starts", info.Latest)
	}
	fmt.Fprintln(m.Stdout)
	return nil
}
