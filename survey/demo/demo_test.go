package demo

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/tillid/tillid/metrics"
	"github.com/tillid/tillid/survey"
	"github.com/tillid/tillid/survey/surveytest"
)

// testNow is a fixed "today" so runs compare.
var testNow = time.Date(2026, time.May, 20, 10, 0, 0, 0, time.UTC)

func TestBuildOrg(t *testing.T) {
	for _, tc := range []struct {
		size                string
		minUnits, maxUnits  int
		employees, maxLevel int
	}{
		{SizeDefault, 60, 200, 2000, 3},
		{SizeCopenhagen, 1400, 1600, 45000, 4},
	} {
		t.Run(tc.size, func(t *testing.T) {
			g, err := newGenerator(nil, nil, Config{Size: tc.size, Seed: 1, Now: testNow})
			if err != nil {
				t.Fatal(err)
			}
			o := g.org
			if n := len(o.units); n < tc.minUnits || n > tc.maxUnits {
				t.Errorf("got %d units, want %d..%d", n, tc.minUnits, tc.maxUnits)
			}
			if got := o.employees(); got < tc.employees*97/100 || got > tc.employees*103/100 {
				t.Errorf("got %d employees, want about %d", got, tc.employees)
			}
			codes := make(map[string]bool)
			var small, large, ownAndSub, maxLevel int
			hasChildren := make(map[int]bool)
			for _, u := range o.units {
				if u.parent >= 0 {
					hasChildren[u.parent] = true
				}
			}
			for i, u := range o.units {
				if codes[u.code] {
					t.Errorf("code %s repeated", u.code)
				}
				codes[u.code] = true
				if len(u.code) != len(o.units[0].code) {
					t.Errorf("code %q: got length %d, want %d", u.code, len(u.code), len(o.units[0].code))
				}
				if u.parent >= 0 && !strings.HasPrefix(u.code, strings.TrimRight(o.units[u.parent].code, "0")) && u.level > 1 {
					t.Errorf("code %q does not extend its parent's %q", u.code, o.units[u.parent].code)
				}
				maxLevel = max(maxLevel, u.level)
				switch {
				case hasChildren[i] && u.staff > 0:
					ownAndSub++
				case !hasChildren[i] && u.staff >= 3 && u.staff <= 6:
					small++
				case !hasChildren[i] && u.staff >= 30:
					large++
				}
			}
			if maxLevel != tc.maxLevel {
				t.Errorf("got deepest level %d, want %d", maxLevel, tc.maxLevel)
			}
			if small == 0 || large == 0 || ownAndSub == 0 {
				t.Errorf("got %d teams of 3–6, %d of 30+, %d units with own staff and sub-units; want some of each", small, large, ownAndSub)
			}
		})
	}
}

func TestSchedule(t *testing.T) {
	for _, tc := range []struct {
		size   string
		closed int
	}{{SizeDefault, 3}, {SizeCopenhagen, 10}} {
		t.Run(tc.size, func(t *testing.T) {
			g, err := newGenerator(nil, nil, Config{Size: tc.size, Seed: 1, Now: testNow})
			if err != nil {
				t.Fatal(err)
			}
			s, today := g.sched, survey.DateOf(testNow).Time
			if got := len(s.rounds) - 1; got != tc.closed {
				t.Fatalf("got %d closed rounds, want %d", got, tc.closed)
			}
			for i, r := range s.rounds[:tc.closed] {
				if !r.closes.Before(today) || r.open {
					t.Errorf("round %d (%s): closes %s, open %v; want closed before %s", i, r.name, r.closes, r.open, today)
				}
				if i > 0 && !r.opens.After(s.rounds[i-1].closes) {
					t.Errorf("round %d opens %s before round %d closes", i, r.opens, i-1)
				}
			}
			open := s.rounds[tc.closed]
			if !open.open || !open.opens.Equal(today.AddDate(0, 0, -4)) || !open.closes.Equal(today.AddDate(0, 0, 14)) {
				t.Errorf("got open round %+v, want open from 4 days ago to 14 days ahead", open)
			}
			if first, last := s.rounds[0].month, s.rounds[tc.closed-1].month; s.reorgMonth <= first || s.reorgMonth > last {
				t.Errorf("got reorganisation in month %d, want after the first round (%d) and by the last closed one (%d)", s.reorgMonth, first, last)
			}
			if got := s.absence[1] - s.absence[0]; got != absenceMonths {
				t.Errorf("got %d absence months, want %d", got, absenceMonths)
			}
		})
	}
}

func TestGenerate(t *testing.T) {
	ctx := context.Background()
	db := surveytest.Open(t)
	ss := survey.NewStore(db)
	ms := metrics.NewStore(db, ss)
	res, err := Generate(ctx, ss, ms, Config{Seed: 1, Now: testNow, BaseURL: "http://demo.test"})
	if err != nil {
		t.Fatal(err)
	}

	t.Run("Tree", func(t *testing.T) {
		units, err := ss.FindUnits(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(units) < 60 || len(units) != res.Units {
			t.Errorf("got %d units (result says %d), want at least 60", len(units), res.Units)
		}
		byID := make(map[int64]survey.Unit)
		for _, u := range units {
			byID[u.ID] = u
		}
		var depth func(u survey.Unit) int
		depth = func(u survey.Unit) int {
			if !u.ParentID.Valid {
				return 1
			}
			return depth(byID[u.ParentID.Int64]) + 1
		}
		deepest := 0
		for _, u := range units {
			deepest = max(deepest, depth(u))
		}
		if deepest != 4 {
			t.Errorf("got %d levels, want 4", deepest)
		}
	})

	t.Run("Reorganisation", func(t *testing.T) {
		old, err := ss.FindUnitByCode(ctx, res.ClosedUnit)
		if err != nil {
			t.Fatal(err)
		}
		succ, err := ss.FindUnitByCode(ctx, res.SuccessorUnit)
		if err != nil {
			t.Fatal(err)
		}
		if !old.Closed() || old.SuccessorID.Int64 != succ.ID || succ.Closed() {
			t.Errorf("got closed unit %+v, successor %+v; want the first closed and succeeded by the second", old, succ)
		}
		// The closed unit answered the rounds before the reorganisation,
		// its successor those after it.
		var before, after int
		if err := db.Get(&before, db.Rebind("SELECT COUNT(*) FROM responses WHERE unit_id = ?"), old.ID); err != nil {
			t.Fatal(err)
		}
		if err := db.Get(&after, db.Rebind("SELECT COUNT(*) FROM responses r JOIN rounds ro ON ro.id = r.round_id WHERE r.unit_id = ? AND ro.status = 'closed'"), succ.ID); err != nil {
			t.Fatal(err)
		}
		if before == 0 || after == 0 {
			t.Errorf("got %d responses in the closed unit and %d in closed rounds of its successor, want some of each", before, after)
		}
	})

	t.Run("OpenRound", func(t *testing.T) {
		r, err := ss.FindRoundByID(ctx, res.OpenRoundID)
		if err != nil {
			t.Fatal(err)
		}
		if r.Status != survey.RoundOpen {
			t.Errorf("got status %s, want open", r.Status)
		}
		invited, used := inviteTotals(t, ss, res.OpenRoundID)
		if invited != res.Employees || used == 0 || used >= invited {
			t.Errorf("got %d invited, %d used; want %d invited, some used", invited, used, res.Employees)
		}
		if len(res.Links) != resultLinks || len(res.Codes) != resultCodes {
			t.Fatalf("got %d links and %d codes, want %d and %d", len(res.Links), len(res.Codes), resultLinks, resultCodes)
		}
		secrets := slices.Clone(res.Codes)
		for _, l := range res.Links {
			token, ok := strings.CutPrefix(l, "http://demo.test/s/")
			if !ok {
				t.Fatalf("got link %q, want http://demo.test/s/TOKEN", l)
			}
			secrets = append(secrets, token)
		}
		for _, s := range secrets {
			inv, err := ss.FindInvitationBySecret(ctx, s)
			if err != nil || inv.Used || inv.RoundID != res.OpenRoundID {
				t.Errorf("secret %d: got %+v, %v; want an unused invitation of the open round", len(s), inv, err)
			}
		}
	})

	t.Run("ClosedRounds", func(t *testing.T) {
		if len(res.ClosedRounds) != 3 {
			t.Fatalf("got %d closed rounds, want 3", len(res.ClosedRounds))
		}
		for _, id := range res.ClosedRounds {
			r, err := ss.FindRoundByID(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if r.Status != survey.RoundClosed {
				t.Errorf("round %d: got status %s, want closed", id, r.Status)
			}
			invited, used := inviteTotals(t, ss, id)
			var responses int
			if err := db.Get(&responses, db.Rebind("SELECT COUNT(*) FROM responses WHERE round_id = ?"), id); err != nil {
				t.Fatal(err)
			}
			if rate := float64(used) / float64(invited); responses != used || rate < 0.6 || rate > 0.9 {
				t.Errorf("round %d: got %d responses, %d of %d invitations used; want as many responses as used, rate 60–90 %%", id, responses, used, invited)
			}
		}
		// Every answer value is valid for its item's type.
		var vals []struct {
			Type  survey.ItemType `db:"type"`
			Value int             `db:"value"`
			N     int             `db:"n"`
		}
		if err := db.Select(&vals, "SELECT i.type, a.value, COUNT(*) AS n FROM answers a JOIN items i ON i.id = a.item_id GROUP BY i.type, a.value"); err != nil {
			t.Fatal(err)
		}
		total, dontKnow := 0, 0
		for _, v := range vals {
			if !survey.ValidValue(v.Type, v.Value) {
				t.Errorf("got %d answers of value %d to %s items, want none", v.N, v.Value, v.Type)
			}
			total += v.N
			if v.Value == 0 {
				dontKnow += v.N
			}
		}
		if total != res.Answers || dontKnow == 0 {
			t.Errorf("got %d answers (result says %d), %d don't know; want equal, some don't know", total, res.Answers, dontKnow)
		}
		var comments int
		if err := db.Get(&comments, "SELECT COUNT(*) FROM comments"); err != nil {
			t.Fatal(err)
		}
		if comments == 0 || comments != res.Comments {
			t.Errorf("got %d comments (result says %d), want some", comments, res.Comments)
		}
	})

	t.Run("ResultsKept", func(t *testing.T) {
		rr, err := ms.RoundResults(ctx, res.ClosedRounds[0])
		if err != nil {
			t.Fatal(err)
		}
		if len(rr.Units) == 0 {
			t.Errorf("got no units in the results of round %d", res.ClosedRounds[0])
		}
	})

	t.Run("Absence", func(t *testing.T) {
		var rows []struct {
			Code string `db:"code"`
			N    int    `db:"n"`
		}
		if err := db.Select(&rows, "SELECT u.code, COUNT(*) AS n FROM absence a JOIN units u ON u.id = a.unit_id GROUP BY u.code"); err != nil {
			t.Fatal(err)
		}
		total := 0
		for _, r := range rows {
			total += r.N
			switch r.Code {
			case res.ClosedUnit, res.SuccessorUnit:
			default:
				if r.N != absenceMonths {
					t.Errorf("unit %s: got %d months of absence, want %d", r.Code, r.N, absenceMonths)
				}
			}
		}
		if total != res.AbsenceRows || len(rows) < res.Units-2 {
			t.Errorf("got %d absence rows in %d units (result says %d rows, %d units)", total, len(rows), res.AbsenceRows, res.Units)
		}
		var lineage int
		err := db.Get(&lineage, db.Rebind("SELECT COUNT(DISTINCT a.month) FROM absence a JOIN units u ON u.id = a.unit_id WHERE u.code IN (?, ?)"), res.ClosedUnit, res.SuccessorUnit)
		if err != nil {
			t.Fatal(err)
		}
		if lineage != absenceMonths {
			t.Errorf("got %d months of absence over the reorganised lineage, want %d", lineage, absenceMonths)
		}
	})

	t.Run("NoLinkToInvitations", func(t *testing.T) {
		cols := columns(t, db, "responses")
		if want := []string{"id", "lang", "round_id", "submitted_on", "unit_id"}; !slices.Equal(cols, want) {
			t.Errorf("got responses columns %v, want %v", cols, want)
		}
		cols = columns(t, db, "invitations")
		if want := []string{"code_hash", "email", "id", "round_id", "token_hash", "unit_id", "used"}; !slices.Equal(cols, want) {
			t.Errorf("got invitations columns %v, want %v (no time of use)", cols, want)
		}
		// Response ids are random: neither invitation ids nor derived from their hashes.
		var linked int
		err := db.Get(&linked, "SELECT COUNT(*) FROM responses r WHERE r.id IN (SELECT CAST(id AS TEXT) FROM invitations) OR LENGTH(r.id) <> 32")
		if err != nil {
			t.Fatal(err)
		}
		var dates []string
		if err := db.Select(&dates, "SELECT DISTINCT submitted_on FROM responses"); err != nil {
			t.Fatal(err)
		}
		if linked != 0 || slices.ContainsFunc(dates, func(d string) bool { _, err := survey.ParseDate(d); return err != nil }) {
			t.Errorf("got %d responses with non-random ids, dates %v; want none, dates only", linked, dates)
		}
	})

	t.Run("ErrConflict", func(t *testing.T) {
		_, err := Generate(ctx, ss, ms, Config{Seed: 1, Now: testNow})
		if !errors.Is(err, survey.ErrConflict) {
			t.Errorf("got %v, want ErrConflict for a second demo in one database", err)
		}
	})

	t.Run("ErrInvalidSize", func(t *testing.T) {
		_, err := Generate(ctx, ss, ms, Config{Size: "aarhus"})
		if !errors.Is(err, survey.ErrInvalid) {
			t.Errorf("got %v, want ErrInvalid", err)
		}
	})

	t.Run("SameSeedSameData", func(t *testing.T) {
		db2 := surveytest.Open(t)
		ss2 := survey.NewStore(db2)
		if _, err := Generate(ctx, ss2, metrics.NewStore(db2, ss2), Config{Seed: 1, Now: testNow}); err != nil {
			t.Fatal(err)
		}
		for _, q := range []string{
			"SELECT code || '|' || name || '|' || COALESCE(closed_on, '') || '|' || COALESCE((SELECT p.code FROM units p WHERE p.id = u.parent_id), '') FROM units u ORDER BY code",
			"SELECT ro.name || '|' || u.code || '|' || r.submitted_on || '|' || CAST(COUNT(*) AS TEXT) FROM responses r JOIN rounds ro ON ro.id = r.round_id JOIN units u ON u.id = r.unit_id GROUP BY ro.name, u.code, r.submitted_on ORDER BY 1",
			"SELECT u.code || '|' || CAST(i.position AS TEXT) || '|' || CAST(a.value AS TEXT) || '|' || CAST(COUNT(*) AS TEXT) FROM answers a JOIN responses r ON r.id = a.response_id JOIN units u ON u.id = r.unit_id JOIN items i ON i.id = a.item_id GROUP BY u.code, i.position, a.value ORDER BY 1",
			"SELECT u.code || '|' || a.month || '|' || CAST(a.absence_days AS TEXT) FROM absence a JOIN units u ON u.id = a.unit_id ORDER BY 1",
		} {
			var a, b []string
			if err := db.Select(&a, q); err != nil {
				t.Fatal(err)
			}
			if err := db2.Select(&b, q); err != nil {
				t.Fatal(err)
			}
			if len(a) == 0 || !slices.Equal(a, b) {
				t.Errorf("%s: got %d rows and %d rows (first difference %s), want the same", q[:40], len(a), len(b), firstDiff(a, b))
			}
		}
	})
}

func inviteTotals(t *testing.T, ss *survey.Store, roundID int64) (invited, used int) {
	t.Helper()
	counts, err := ss.InvitationCounts(context.Background(), roundID)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range counts {
		invited += c.Invited
		used += c.Used
	}
	return invited, used
}

// columns returns the sorted column names of table.
func columns(t *testing.T, db *sqlx.DB, table string) []string {
	t.Helper()
	rows, err := db.Queryx("SELECT * FROM " + table + " WHERE 1 = 0")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(cols)
	return cols
}

func firstDiff(a, b []string) string {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return fmt.Sprintf("%q vs %q", a[i], b[i])
		}
	}
	return "in length"
}

// BenchmarkGenerate measures the default demo; run the Copenhagen size
// with `tillid demo --size copenhagen`.
func BenchmarkGenerate(b *testing.B) {
	ctx := context.Background()
	var answers int
	for b.Loop() {
		b.StopTimer()
		db := surveytest.Open(b)
		ss := survey.NewStore(db)
		b.StartTimer()
		res, err := Generate(ctx, ss, metrics.NewStore(db, ss), Config{Seed: 1, Now: testNow})
		if err != nil {
			b.Fatal(err)
		}
		answers += res.Answers
	}
	b.ReportMetric(float64(answers)/b.Elapsed().Seconds(), "answers/s")
}
