package main

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tillid/tillid/survey"
	"github.com/tillid/tillid/survey/surveytest"
)

// runCmd runs one tillid command line with a fresh Main and returns its output.
func runCmd(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	m := &Main{Stdout: &out, Stderr: &out}
	defer m.Close()
	err := m.Run(context.Background(), args)
	return out.String(), err
}

// TestBackupCommands backs a SQLite database up with the CLI, restores it
// elsewhere, and checks the refusals an operator meets.
func TestBackupCommands(t *testing.T) {
	if surveytest.Postgres() {
		t.Run("ErrPostgres", func(t *testing.T) {
			out, err := runCmd(t, "backup", "--db", surveytest.DSN(t), "--out", filepath.Join(t.TempDir(), "b.db"))
			if !errors.Is(err, survey.ErrPostgresBackup) || !strings.Contains(out, "pg_dump -Fc") {
				t.Errorf("got %v and %q, want ErrPostgresBackup and the pg_dump recipe", err, out)
			}
		})
		return
	}
	dir := t.TempDir()
	live := "sqlite:" + filepath.Join(dir, "live.db")
	if _, err := runCmd(t, "migrate", "up", "--db", live); err != nil {
		t.Fatal(err)
	}
	backup := filepath.Join(dir, "backup.db")
	out, err := runCmd(t, "backup", "--db", live, "--out", backup)
	if err != nil || !strings.Contains(out, "integrity ok") {
		t.Fatalf("backup: got %q, %v", out, err)
	}
	if _, err := runCmd(t, "backup", "--db", live, "--out", backup); !errors.Is(err, survey.ErrConflict) {
		t.Errorf("backup over a file: got %v, want ErrConflict", err)
	}
	target := "sqlite:" + filepath.Join(dir, "restored.db")
	if out, err := runCmd(t, "restore", "--db", target, "--from", backup); err != nil || !strings.Contains(out, "restored") {
		t.Errorf("restore: got %q, %v", out, err)
	}
	if _, err := runCmd(t, "restore", "--db", target, "--from", backup); !errors.Is(err, survey.ErrConflict) {
		t.Errorf("restore over a database: got %v, want ErrConflict", err)
	}
	if _, err := runCmd(t, "restore", "--db", target, "--from", backup, "--force"); err != nil {
		t.Errorf("restore --force: got %v", err)
	}
	if _, err := runCmd(t, "migrate", "down", "--db", target); err == nil || !strings.Contains(err.Error(), "--allow-down") {
		t.Errorf("migrate down: got %v, want a refusal naming --allow-down", err)
	}
	if out, err := runCmd(t, "migrate", "down", "--allow-down", "--db", target); err != nil || !strings.Contains(out, "pending") {
		t.Errorf("migrate down --allow-down: got %q, %v, want the latest migration pending", out, err)
	}
}

// TestRetentionCommand checks the flags of tillid retention; the policy
// itself is tested in survey.
func TestRetentionCommand(t *testing.T) {
	db := surveytest.DSN(t)
	if out, err := runCmd(t, "retention", "--db", db, "--dry-run", "--retain-answers", "3y"); err != nil || !strings.Contains(out, "raw answers kept 3y, invitations kept 30d") {
		t.Errorf("dry run: got %q, %v", out, err)
	}
	for _, args := range [][]string{{}, {"--dry-run", "--apply"}, {"--apply", "--retain-invitations", "30 days"}} {
		if _, err := runCmd(t, append([]string{"retention", "--db", db}, args...)...); err == nil {
			t.Errorf("retention %v: got nil, want an error", args)
		}
	}
}
