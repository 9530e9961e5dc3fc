package migrations_test

import (
	"context"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/jmoiron/sqlx"

	"github.com/tillid/tillid/metrics"
	"github.com/tillid/tillid/migrations"
	"github.com/tillid/tillid/survey"
	"github.com/tillid/tillid/survey/surveytest"
)

// TestUpgrade takes a database made by each earlier release's schema WITH
// data (testdata/vN/DIALECT.sql, loaded at schema version N), migrates it
// up to the latest version and checks that every row survived and that
// the stores read it: a release adds a fixture for its own version.
// Runs on SQLite, and on PostgreSQL with TILLID_TEST_POSTGRES.
func TestUpgrade(t *testing.T) {
	dirs, err := filepath.Glob(filepath.Join("testdata", "v*"))
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no fixtures in testdata/v*: %v", err)
	}
	for _, dir := range dirs {
		version, err := strconv.ParseInt(strings.TrimPrefix(filepath.Base(dir), "v"), 10, 64)
		if err != nil {
			t.Fatalf("%s: want testdata/vN: %v", dir, err)
		}
		t.Run(filepath.Base(dir), func(t *testing.T) { upgrade(t, dir, version) })
	}
}

// tableRows is a table's rows at the fixture's version: the columns it
// had then, and each row as text, in order.
type tableRows struct {
	cols []string
	rows []string
}

// readTable reads every row of table, in the given columns (all when nil),
// ordered by all of them.
func readTable(t *testing.T, db *sqlx.DB, table string, cols []string) tableRows {
	t.Helper()
	sel := "*"
	if cols != nil {
		sel = strings.Join(cols, ", ")
	}
	q := "SELECT " + sel + " FROM " + table
	probe, err := db.Queryx(q + " WHERE 1 = 0")
	if err != nil {
		t.Fatalf("%s: %v", table, err)
	}
	names, err := probe.Columns()
	probe.Close()
	if err != nil {
		t.Fatal(err)
	}
	order := make([]string, len(names))
	for i := range names {
		order[i] = strconv.Itoa(i + 1)
	}
	rows, err := db.Queryx(q + " ORDER BY " + strings.Join(order, ", "))
	if err != nil {
		t.Fatalf("%s: %v", table, err)
	}
	defer rows.Close()
	out := tableRows{cols: names}
	for rows.Next() {
		vals, err := rows.SliceScan()
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		for _, v := range vals {
			if raw, ok := v.([]byte); ok {
				v = hex.EncodeToString(raw)
			}
			fmt.Fprintf(&b, "%v|", v)
		}
		out.rows = append(out.rows, b.String())
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// tables lists the database's tables apart from goose's own.
func tables(t *testing.T, db *sqlx.DB) []string {
	t.Helper()
	q := "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
	if survey.Dialect(db) == "postgres" {
		q = "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
	}
	var names []string
	if err := db.Select(&names, q); err != nil {
		t.Fatal(err)
	}
	names = slices.DeleteFunc(names, func(n string) bool { return n == "goose_db_version" })
	slices.Sort(names)
	return names
}

// linkToken finds the fixture's "-- link token: TOKEN" comments.
var linkToken = regexp.MustCompile(`(?m)^-- link token: (\S+)$`)

func upgrade(t *testing.T, dir string, version int64) {
	ctx := context.Background()
	db, err := survey.Open(ctx, surveytest.DSN(t))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	dialect := survey.Dialect(db)
	fixture, err := os.ReadFile(filepath.Join(dir, dialect+".sql"))
	if err != nil {
		t.Fatal(err)
	}
	p, err := migrations.NewProvider(db.DB, dialect)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(ctx, version); err != nil {
		t.Fatalf("migrate up to %d: %v", version, err)
	}
	if _, err := db.Exec(string(fixture)); err != nil {
		t.Fatalf("load %s: %v", dir, err)
	}
	before := map[string]tableRows{}
	for _, table := range tables(t, db) {
		before[table] = readTable(t, db, table, nil)
	}

	if err := survey.Migrate(ctx, db); err != nil {
		t.Fatalf("migrate up from %d: %v", version, err)
	}
	if pending, err := migrations.Pending(ctx, db.DB, dialect); err != nil || pending {
		t.Fatalf("got pending=%v (%v) after the upgrade, want none", pending, err)
	}
	for table, want := range before {
		got := readTable(t, db, table, want.cols)
		if !slices.Equal(got.rows, want.rows) {
			t.Errorf("%s: got %d rows after the upgrade, want the %d of version %d unchanged", table, len(got.rows), len(want.rows), version)
		}
	}

	// The stores read the upgraded data.
	ss := survey.NewStore(db)
	ms := metrics.NewStore(db, ss)
	units, err := ss.FindUnits(ctx)
	if err != nil || len(units) != len(before["units"].rows) {
		t.Errorf("FindUnits: got %d units (%v), want %d", len(units), err, len(before["units"].rows))
	}
	var qids []int64
	if err := db.Select(&qids, "SELECT id FROM questionnaires ORDER BY id"); err != nil {
		t.Fatal(err)
	}
	for _, id := range qids {
		q, err := ss.FindQuestionnaireByID(ctx, id)
		if err != nil {
			t.Errorf("FindQuestionnaireByID(%d): %v", id, err)
			continue
		}
		for _, it := range q.Items {
			if it.ID == 0 {
				t.Errorf("questionnaire %d item %s: no stored id", id, it.Key)
			}
		}
	}
	for _, m := range linkToken.FindAllSubmatch(fixture, -1) {
		if _, err := ss.FindInvitationBySecret(ctx, string(m[1])); err != nil {
			t.Errorf("an invitation link of version %d: got %v, want it found", version, err)
		}
	}
	rounds, err := ss.FindRounds(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rounds {
		checkRound(t, ss, ms, db, r)
	}
}

// checkRound checks a round's counts through the stores, closes it if it
// is open and reads its results.
func checkRound(t *testing.T, ss *survey.Store, ms *metrics.Store, db *sqlx.DB, r survey.Round) {
	t.Helper()
	ctx := context.Background()
	var want struct {
		Invited   int `db:"invited"`
		Used      int `db:"used"`
		Responses int `db:"responses"`
	}
	err := db.Get(&want, db.Rebind(`SELECT
		(SELECT COUNT(*) FROM invitations WHERE round_id = ?) AS invited,
		(SELECT COUNT(*) FROM invitations WHERE round_id = ? AND used = TRUE) AS used,
		(SELECT COUNT(*) FROM responses WHERE round_id = ?) AS responses`), r.ID, r.ID, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	counts, err := ss.InvitationCounts(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	var invited, used int
	for _, c := range counts {
		invited, used = invited+c.Invited, used+c.Used
	}
	if invited != want.Invited || used != want.Used {
		t.Errorf("round %d: got %d invited, %d used, want %d and %d", r.ID, invited, used, want.Invited, want.Used)
	}
	if r.Status == survey.RoundOpen {
		if err := ss.CloseRound(ctx, r.ID); err != nil {
			t.Fatal(err)
		}
	}
	if r.Status == survey.RoundDraft {
		return
	}
	rr, err := ms.RoundResults(ctx, r.ID)
	if err != nil {
		t.Fatalf("RoundResults(%d): %v", r.ID, err)
	}
	for _, u := range rr.Units {
		if u.ParentCode == "" && (u.Suppressed || u.N == nil || *u.N != want.Responses) {
			t.Errorf("round %d, root %s: got %+v, want all %d responses shown", r.ID, u.Code, u.Cell, want.Responses)
		}
	}
	shown := 0
	for _, u := range rr.Units {
		if u.Suppressed {
			continue
		}
		shown++
		ur, err := ms.UnitResult(ctx, r.ID, u.Code)
		if err != nil {
			t.Fatalf("UnitResult(%d, %s): %v", r.ID, u.Code, err)
		}
		if ur.Unit.Index == nil || ur.Unit.Index.Mean == nil {
			t.Errorf("round %d, unit %s: got no index, want one", r.ID, u.Code)
		}
	}
	if want.Responses > 0 && shown == 0 {
		t.Errorf("round %d: got no unit shown, want the root at least", r.ID)
	}
}
