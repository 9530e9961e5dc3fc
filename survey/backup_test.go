package survey_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/tillid/tillid/survey"
	"github.com/tillid/tillid/survey/surveytest"
)

// digest returns the number of rows of a query and a SHA-256 of their
// values in order.
func digest(t *testing.T, db *sqlx.DB, query string) (int, string) {
	t.Helper()
	rows, err := db.Queryx(query)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	defer rows.Close()
	h, n := sha256.New(), 0
	for rows.Next() {
		vals, err := rows.SliceScan()
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range vals {
			if b, ok := v.([]byte); ok {
				v = hex.EncodeToString(b)
			}
			fmt.Fprintf(h, "%v\x1f", v)
		}
		h.Write([]byte{'\n'})
		n++
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return n, hex.EncodeToString(h.Sum(nil))
}

// stableTables are queries over the tables a submission does not change,
// each in a total order.
var stableTables = []string{
	"SELECT id, code, name, parent_id, closed_on, successor_id, created_at FROM units ORDER BY id",
	"SELECT id, key, version, title_da, title_en, source, created_at FROM questionnaires ORDER BY id",
	"SELECT id, questionnaire_id, key, type, text_da, required FROM items ORDER BY id",
	"SELECT id, name, questionnaire_id, opens_on, closes_on, threshold, status FROM rounds ORDER BY id",
	"SELECT round_id, unit_id FROM round_units ORDER BY round_id, unit_id",
	"SELECT id, round_id, unit_id, email, token_hash, code_hash FROM invitations ORDER BY id",
}

// responseRows returns each response with its answers and comments as
// one line, by response id.
func responseRows(t *testing.T, db *sqlx.DB) map[string]string {
	t.Helper()
	var rows []struct {
		ID   string `db:"id"`
		Line string `db:"line"`
	}
	err := db.Select(&rows, `
		SELECT r.id, r.round_id || '|' || r.unit_id || '|' || r.submitted_on || '|' || r.lang
			|| '|' || COALESCE((SELECT COUNT(*) FROM answers a WHERE a.response_id = r.id), 0)
			|| '|' || COALESCE((SELECT SUM(a.item_id * 10 + a.value) FROM answers a WHERE a.response_id = r.id), 0)
			|| '|' || COALESCE((SELECT COUNT(*) FROM comments c WHERE c.response_id = r.id), 0)
			|| '|' || COALESCE((SELECT MAX(c.body) FROM comments c WHERE c.response_id = r.id), '') AS line
		FROM responses r`)
	if err != nil {
		t.Fatal(err)
	}
	out := make(map[string]string, len(rows))
	for _, r := range rows {
		out[r.ID] = r.Line
	}
	return out
}

func TestBackup(t *testing.T) {
	ctx := context.Background()
	if surveytest.Postgres() {
		t.Run("ErrPostgres", func(t *testing.T) {
			s := freshStore(t)
			if _, err := survey.Backup(ctx, s.DB(), filepath.Join(t.TempDir(), "b.db")); !errors.Is(err, survey.ErrPostgresBackup) {
				t.Errorf("got %v, want ErrPostgresBackup", err)
			}
		})
		return // the SQLite backup is tested without TILLID_TEST_POSTGRES
	}

	t.Run("DuringLoad", func(t *testing.T) {
		const total, workers = 600, 6
		f := newSubmitFixture(t, total)
		dir := t.TempDir()
		backup := filepath.Join(dir, "backup.db")
		var next, done atomic.Int64
		var wg sync.WaitGroup
		errc := make(chan error, workers)
		for range workers {
			wg.Go(func() {
				for i := next.Add(1) - 1; i < total; i = next.Add(1) - 1 {
					if err := f.s.SubmitResponse(ctx, f.submission(int(i))); err != nil {
						errc <- err
						return
					}
					done.Add(1)
				}
			})
		}
		for done.Load() < 100 && next.Load() < total { // the load well under way
			time.Sleep(time.Millisecond)
		}
		info, err := survey.Backup(ctx, f.s.DB(), backup)
		atBackup := done.Load()
		wg.Wait()
		close(errc)
		for err := range errc {
			t.Fatal(err)
		}
		if err != nil {
			t.Fatal(err)
		}
		if info.Version != info.Latest || info.Version < 7 {
			t.Errorf("got backup version %d of %d, want the latest", info.Version, info.Latest)
		}

		restoredPath := filepath.Join(dir, "restored.db")
		if _, err := survey.Restore(ctx, backup, "sqlite:"+restoredPath, false); err != nil {
			t.Fatal(err)
		}
		restored, err := survey.Open(ctx, "sqlite:"+restoredPath)
		if err != nil {
			t.Fatal(err)
		}
		defer restored.Close()
		live := f.s.DB()

		for _, q := range stableTables {
			ln, ld := digest(t, live, q)
			rn, rd := digest(t, restored, q)
			if ln != rn || ld != rd {
				t.Errorf("%s: got %d rows (%s…), want %d rows (%s…)", q, rn, rd[:8], ln, ld[:8])
			}
		}
		// The restored responses are the state of one moment: a prefix of
		// the live ones, each with all its answers and its comment, and
		// exactly as many invitations used.
		got, want := responseRows(t, restored), responseRows(t, live)
		if len(got) < 100 || int64(len(got)) > atBackup+workers || len(want) != total {
			t.Errorf("got %d restored and %d live responses, want at least 100 restored (%d were done when the backup ended) and %d live", len(got), len(want), atBackup, total)
		}
		for id, line := range got {
			if want[id] != line {
				t.Errorf("response %s: got %q, want %q as in the live database", id, line, want[id])
			}
			if parts := strings.Split(line, "|"); parts[4] != "3" || parts[6] != "1" {
				t.Errorf("response %s: got %s answers and %s comments, want 3 and 1", id, parts[4], parts[6])
			}
		}
		var used int
		if err := restored.Get(&used, "SELECT COUNT(*) FROM invitations WHERE used = TRUE"); err != nil {
			t.Fatal(err)
		}
		if used != len(got) {
			t.Errorf("got %d used invitations, want %d (one per response)", used, len(got))
		}
		t.Logf("%d of %d responses in the backup", len(got), total)
	})

	t.Run("ErrConflict", func(t *testing.T) {
		dsn := surveytest.DSN(t)
		db, err := survey.Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if err := survey.Migrate(ctx, db); err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		backup := filepath.Join(dir, "b.db")
		if _, err := survey.Backup(ctx, db, backup); err != nil {
			t.Fatal(err)
		}
		if _, err := survey.Backup(ctx, db, backup); !errors.Is(err, survey.ErrConflict) {
			t.Errorf("backup over an existing file: got %v, want ErrConflict", err)
		}
		if _, err := survey.Restore(ctx, backup, dsn, false); !errors.Is(err, survey.ErrConflict) {
			t.Errorf("restore without --force: got %v, want ErrConflict", err)
		}
		if _, err := survey.Restore(ctx, backup, dsn, true); !errors.Is(err, survey.ErrConflict) || !strings.Contains(err.Error(), "in use") {
			t.Errorf("restore while open: got %v, want ErrConflict (in use)", err)
		}
		db.Close()
		if _, err := survey.Restore(ctx, backup, dsn, true); err != nil {
			t.Errorf("restore --force of a closed database: got %v, want success", err)
		}
	})

	t.Run("ErrInvalid", func(t *testing.T) {
		dir := t.TempDir()
		junk := filepath.Join(dir, "junk.db")
		if err := os.WriteFile(junk, []byte(strings.Repeat("not a database ", 400)), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := survey.Restore(ctx, junk, "sqlite:"+filepath.Join(dir, "t1.db"), false); err == nil {
			t.Error("restore of a junk file: got nil, want an error")
		}
		if _, err := os.Stat(filepath.Join(dir, "t1.db")); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("restore of a junk file left a target: %v", err)
		}
		s := freshStore(t)
		future := filepath.Join(dir, "future.db")
		if _, err := survey.Backup(ctx, s.DB(), future); err != nil {
			t.Fatal(err)
		}
		fdb, err := survey.Open(ctx, "sqlite:"+future)
		if err != nil {
			t.Fatal(err)
		}
		fdb.MustExec("INSERT INTO goose_db_version (version_id, is_applied) VALUES (9999, 1)")
		fdb.Close()
		if _, err := survey.CheckBackup(ctx, future); !errors.Is(err, survey.ErrInvalid) || !strings.Contains(err.Error(), "9999") {
			t.Errorf("backup of a newer schema: got %v, want ErrInvalid naming version 9999", err)
		}
	})
}

// TestPostgresDumpRestore checks the README's PostgreSQL recipe: pg_dump
// -Fc, then pg_restore --clean --if-exists brings every table back.
func TestPostgresDumpRestore(t *testing.T) {
	if !surveytest.Postgres() {
		t.Skip("needs TILLID_TEST_POSTGRES")
	}
	for _, tool := range []string{"pg_dump", "pg_restore"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("no %s: %v", tool, err)
		}
	}
	f := newSubmitFixture(t, 20)
	ctx := context.Background()
	for i := range 20 {
		if err := f.s.SubmitResponse(ctx, f.submission(i)); err != nil {
			t.Fatal(err)
		}
	}
	var schema string
	if err := f.s.DB().Get(&schema, "SELECT current_schema()"); err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(os.Getenv(surveytest.EnvPostgres))
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Del("search_path")
	u.RawQuery = q.Encode()
	queries := append(stableTables, "SELECT id, round_id, unit_id, submitted_on, lang FROM responses ORDER BY id",
		"SELECT response_id, item_id, value FROM answers ORDER BY response_id, item_id",
		"SELECT response_id, item_id, body FROM comments ORDER BY response_id, item_id")
	before := make([]string, len(queries))
	for i, q := range queries {
		n, d := digest(t, f.s.DB(), q)
		before[i] = fmt.Sprint(n, d)
	}
	dump := filepath.Join(t.TempDir(), "tillid.dump")
	if out, err := exec.Command("pg_dump", "-Fc", "-n", schema, "-f", dump, u.String()).CombinedOutput(); err != nil {
		t.Fatalf("pg_dump: %v\n%s", err, out)
	}
	f.s.DB().MustExec("DELETE FROM responses")
	if out, err := exec.Command("pg_restore", "--clean", "--if-exists", "--no-owner", "-d", u.String(), dump).CombinedOutput(); err != nil {
		t.Fatalf("pg_restore: %v\n%s", err, out)
	}
	for i, q := range queries {
		n, d := digest(t, f.s.DB(), q)
		if got := fmt.Sprint(n, d); got != before[i] {
			t.Errorf("%s: got %s after pg_restore, want %s", q, got, before[i])
		}
	}
}
