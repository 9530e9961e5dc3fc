package survey

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/jmoiron/sqlx"

	"github.com/tillid/tillid/migrations"
)

// ErrPostgresBackup is returned by Backup and Restore for a PostgreSQL
// database, which is backed up with its own tools.
var ErrPostgresBackup = errors.New("PostgreSQL is backed up with pg_dump -Fc and restored with pg_restore --clean --if-exists (see the README)")

// BackupInfo describes a backup that passed CheckBackup: its schema
// version and the newest version this binary knows.
type BackupInfo struct {
	Version, Latest int64
}

// Backup writes a consistent copy of the SQLite database db to path
// with VACUUM INTO while the app goes on reading and writing: the copy is
// the state of one moment, taken in a single read transaction. An
// existing path is ErrConflict, never overwritten. The copy is checked
// with CheckBackup before Backup returns.
func Backup(ctx context.Context, db *sqlx.DB, path string) (BackupInfo, error) {
	if Dialect(db) != "sqlite" {
		return BackupInfo{}, fmt.Errorf("survey: backup: %w", ErrPostgresBackup)
	}
	if _, err := os.Stat(path); !errors.Is(err, fs.ErrNotExist) {
		return BackupInfo{}, fmt.Errorf("survey: backup: %s exists; choose a new file: %w", path, ErrConflict)
	}
	if _, err := db.ExecContext(ctx, "VACUUM INTO ?", path); err != nil {
		return BackupInfo{}, fmt.Errorf("survey: backup to %s: %w", path, err)
	}
	return CheckBackup(ctx, path)
}

// CheckBackup opens the SQLite file at path and checks that it is a
// usable tillid database: PRAGMA integrity_check passes and its schema
// version is one this binary knows (older versions are migrated on
// start; a newer one needs a newer tillid).
func CheckBackup(ctx context.Context, path string) (BackupInfo, error) {
	if _, err := os.Stat(path); err != nil {
		return BackupInfo{}, fmt.Errorf("survey: check backup: %w", err)
	}
	db, err := openSQLite(path)
	if err != nil {
		return BackupInfo{}, fmt.Errorf("survey: check backup %s: %w", path, err)
	}
	defer db.Close()
	var problems []string
	if err := db.SelectContext(ctx, &problems, "PRAGMA integrity_check"); err != nil {
		return BackupInfo{}, fmt.Errorf("survey: check backup %s: %w", path, err)
	}
	if len(problems) != 1 || problems[0] != "ok" {
		return BackupInfo{}, Invalidf("backup %s fails the integrity check: %s", path, strings.Join(problems, "; "))
	}
	p, err := migrations.NewProvider(db.DB, "sqlite")
	if err != nil {
		return BackupInfo{}, err
	}
	var info BackupInfo
	if srcs := p.ListSources(); len(srcs) > 0 {
		info.Latest = srcs[len(srcs)-1].Version
	}
	var tables int
	if err := db.GetContext(ctx, &tables, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'goose_db_version'"); err != nil {
		return BackupInfo{}, fmt.Errorf("survey: check backup %s: %w", path, err)
	}
	if tables == 0 {
		return BackupInfo{}, Invalidf("backup %s is not a tillid database (no schema version)", path)
	}
	if info.Version, err = p.GetDBVersion(ctx); err != nil {
		return BackupInfo{}, fmt.Errorf("survey: check backup %s: schema version: %w", path, err)
	}
	if info.Version > info.Latest {
		return BackupInfo{}, Invalidf("backup %s has schema version %d; this tillid knows up to %d: restore it with a newer tillid", path, info.Version, info.Latest)
	}
	return info, nil
}

// Restore puts the SQLite backup at from in place of the database named
// by dsn ("sqlite:PATH"). The backup is copied beside the target, and the
// copy checked with CheckBackup, before it replaces the target in one
// rename. An existing target is replaced only with force, and never while
// a process (a running tillid) has it open: stop the server first. The
// target's old -wal and -shm files go with it.
func Restore(ctx context.Context, from, dsn string, force bool) (BackupInfo, error) {
	target, ok := strings.CutPrefix(dsn, "sqlite:")
	if !ok {
		return BackupInfo{}, fmt.Errorf("survey: restore: %w", ErrPostgresBackup)
	}
	_, err := os.Stat(target)
	exists := err == nil
	if exists && !force {
		return BackupInfo{}, fmt.Errorf("survey: restore: %s exists; --force replaces it: %w", target, ErrConflict)
	}
	tmp := target + ".restoring"
	removeDB(tmp) // left by an interrupted restore
	if err := copyFile(from, tmp); err != nil {
		return BackupInfo{}, fmt.Errorf("survey: restore: %w", err)
	}
	defer removeDB(tmp)
	info, err := CheckBackup(ctx, tmp)
	if err != nil {
		return BackupInfo{}, err
	}
	if exists {
		if err := notInUse(target); err != nil {
			return BackupInfo{}, err
		}
	}
	for _, suffix := range []string{"-wal", "-shm"} {
		if err := os.Remove(target + suffix); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return BackupInfo{}, fmt.Errorf("survey: restore: %w", err)
		}
	}
	if err := os.Rename(tmp, target); err != nil {
		return BackupInfo{}, fmt.Errorf("survey: restore: %w", err)
	}
	if dir, err := os.Open(filepath.Dir(target)); err == nil {
		dir.Sync() // make the rename durable
		dir.Close()
	}
	return info, nil
}

// notInUse fails with ErrConflict while another connection has the
// SQLite file at path open: it takes an exclusive lock without waiting.
func notInUse(path string) error {
	db, err := sqlx.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(0)&_pragma=locking_mode(EXCLUSIVE)")
	if err != nil {
		return fmt.Errorf("survey: restore: %w", err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if _, err := db.Exec("BEGIN EXCLUSIVE"); err != nil {
		return fmt.Errorf("survey: restore: %s is in use (%v): stop tillid first: %w", path, err, ErrConflict)
	}
	_, err = db.Exec("ROLLBACK")
	return err
}

// copyFile copies from to a new file to, synced to disk.
func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// removeDB removes a SQLite file and its -wal and -shm files, if present.
func removeDB(path string) {
	for _, suffix := range []string{"", "-wal", "-shm"} {
		os.Remove(path + suffix)
	}
}
