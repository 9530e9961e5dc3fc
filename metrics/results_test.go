package metrics

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"sync"
	"testing"

	"github.com/jmoiron/sqlx"

	"github.com/tillid/tillid/survey"
	"github.com/tillid/tillid/survey/surveytest"
)

// testYAML is testQuestionnaire as a questionnaire file.
const testYAML = `key: test
title: {da: "Test", en: "Test"}
intro: {da: "Test", en: "Test"}
minutes: 1
focus_areas:
  - {key: sc, name: {da: "Social kapital", en: "Social capital"}}
dimensions:
  - {key: vertical, name: {da: "Tillid ledelse", en: "Vertical trust"}, social_capital: true}
  - {key: horizontal, name: {da: "Tillid kolleger", en: "Horizontal trust"}, social_capital: true}
  - {key: workload, name: {da: "Arbejdsmængde", en: "Workload"}}
  - {key: apv, name: {da: "APV", en: "APV"}}
sections:
  - key: all
    title: {da: "Alt", en: "All"}
    items:
      - {key: v1, type: likert5, text: {da: "v1", en: "v1"}, dimension: vertical, focus_area: sc}
      - {key: v2, type: likert5, text: {da: "v2", en: "v2"}, dimension: vertical, focus_area: sc, reverse: true}
      - {key: h1, type: likert5, text: {da: "h1", en: "h1"}, dimension: horizontal}
      - {key: h2, type: likert5, text: {da: "h2", en: "h2"}, dimension: horizontal}
      - {key: h3, type: likert5, text: {da: "h3", en: "h3"}, dimension: horizontal, focus_area: sc}
      - {key: w1, type: likert5, text: {da: "w1", en: "w1"}, dimension: workload}
      - {key: p1, type: problem3, text: {da: "p1", en: "p1"}, dimension: apv}
      - {key: y1, type: yesno, text: {da: "y1", en: "y1"}}
      - {key: c1, type: text, text: {da: "Kommentar", en: "Comment"}}
`

// fixture is a migrated database with the test questionnaire, to which a
// test adds units, rounds and responses directly.
type fixture struct {
	t     *testing.T
	ctx   context.Context
	db    *sqlx.DB
	ss    *survey.Store
	ms    *Store
	q     *survey.Questionnaire
	units map[string]int64
	seq   int
}

// newFixture runs t in parallel with the other database tests: each has
// its own database.
func newFixture(t *testing.T) *fixture {
	t.Helper()
	t.Parallel()
	db := surveytest.Open(t)
	f := &fixture{t: t, ctx: context.Background(), db: db, ss: survey.NewStore(db), units: make(map[string]int64)}
	f.ms = NewStore(db, f.ss)
	q, err := survey.ParseQuestionnaire([]byte(testYAML))
	if err != nil {
		t.Fatal(err)
	}
	if err := f.ss.CreateQuestionnaire(f.ctx, q, []byte(testYAML)); err != nil {
		t.Fatal(err)
	}
	f.q = q
	return f
}

// unit creates an open unit under parent ("" for a root).
func (f *fixture) unit(code, parent string) {
	f.t.Helper()
	u := &survey.Unit{Code: code, Name: "Enhed " + code}
	if parent != "" {
		u.ParentID.Int64, u.ParentID.Valid = f.units[parent], true
	}
	if err := f.ss.CreateUnit(f.ctx, u); err != nil {
		f.t.Fatal(err)
	}
	f.units[code] = u.ID
}

// round creates a round over codes (and their subunits) closing on
// closes and moves it to status.
func (f *fixture) round(name, closes string, status survey.RoundStatus, codes ...string) int64 {
	f.t.Helper()
	opens, _ := survey.ParseDate(closes[:4] + "-01-01")
	cl, _ := survey.ParseDate(closes)
	r := &survey.Round{Name: name, QuestionnaireID: f.q.ID, OpensOn: opens, ClosesOn: cl, Threshold: 5}
	if err := f.ss.CreateRound(f.ctx, r, codes); err != nil {
		f.t.Fatal(err)
	}
	if status != survey.RoundDraft {
		if err := f.ss.OpenRound(f.ctx, r.ID); err != nil {
			f.t.Fatal(err)
		}
	}
	if status == survey.RoundClosed {
		if err := f.ss.CloseRound(f.ctx, r.ID); err != nil {
			f.t.Fatal(err)
		}
	}
	return r.ID
}

// respond stores count responses in unit with answers (item key → value)
// and, when comment is not empty, a comment.
func (f *fixture) respond(round int64, unit string, count int, answers map[string]int, comment string) {
	f.t.Helper()
	tx := f.db.MustBegin()
	defer tx.Rollback()
	for range count {
		f.seq++
		id := fmt.Sprintf("r%06d", f.seq)
		tx.MustExec(tx.Rebind("INSERT INTO responses (id, round_id, unit_id, submitted_on, lang) VALUES (?, ?, ?, '2024-03-01', 'da')"), id, round, f.units[unit])
		for key, v := range answers {
			it, _ := f.q.ItemByKey(key)
			tx.MustExec(tx.Rebind("INSERT INTO answers (response_id, item_id, value) VALUES (?, ?, ?)"), id, it.ID, v)
		}
		if comment != "" {
			it, _ := f.q.ItemByKey("c1")
			tx.MustExec(tx.Rebind("INSERT INTO comments (response_id, item_id, body) VALUES (?, ?, ?)"), id, it.ID, comment)
		}
	}
	if err := tx.Commit(); err != nil {
		f.t.Fatal(err)
	}
}

// all answers every scored item with v.
func all(v int) map[string]int {
	return map[string]int{"v1": v, "v2": 6 - v, "h1": v, "h2": v, "h3": v, "w1": v, "p1": min(v, 3), "y1": 1}
}

// unitOf returns the unit with code in rr.
func unitOf(t *testing.T, rr *RoundResults, code string) UnitResults {
	t.Helper()
	i := slices.IndexFunc(rr.Units, func(u UnitResults) bool { return u.Code == code })
	if i < 0 {
		t.Fatalf("unit %s not in results", code)
	}
	return rr.Units[i]
}

// score returns the dimension, focus-area or index cell key of u.
func score(t *testing.T, u UnitResults, key string) Score {
	t.Helper()
	if key == "index" {
		return *u.Index
	}
	for _, s := range slices.Concat(u.Dimensions, u.FocusAreas) {
		if s.Key == key {
			return s
		}
	}
	t.Fatalf("measure %s not in unit %s", key, u.Code)
	return Score{}
}

// item returns item key's cell of u.
func item(t *testing.T, u UnitResults, key string) ItemScore {
	t.Helper()
	i := slices.IndexFunc(u.Items, func(it ItemScore) bool { return it.Key == key })
	if i < 0 {
		t.Fatalf("item %s not in unit %s", key, u.Code)
	}
	return u.Items[i]
}

// wantShown fails unless c is shown with n.
func wantShown(t *testing.T, what string, c Cell, n int) {
	t.Helper()
	if c.Suppressed || c.Reason != "" || c.N == nil || *c.N != n {
		t.Errorf("%s: got %+v (n %v), want shown with n %d", what, c, deref(c.N), n)
	}
}

// wantHidden fails unless c is suppressed for reason, with no n.
func wantHidden(t *testing.T, what string, c Cell, reason Reason) {
	t.Helper()
	if !c.Suppressed || c.Reason != reason || c.N != nil {
		t.Errorf("%s: got %+v (n %v), want suppressed %s", what, c, deref(c.N), reason)
	}
}

func deref[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}

func TestRoundResults(t *testing.T) {
	t.Run("HandComputed", func(t *testing.T) {
		f := newFixture(t)
		f.unit("ROOT", "")
		f.unit("A", "ROOT")
		f.unit("B", "ROOT")
		r := f.round("2024", "2024-03-31", survey.RoundClosed, "ROOT")
		// A: six respondents. Scores per respondent (vertical v1, v2
		// reversed; horizontal h1..h3; workload w1; focus area v1, v2, h3):
		f.respond(r, "A", 1, map[string]int{"v1": 5, "v2": 1, "h1": 5, "h2": 5, "h3": 5, "w1": 5, "p1": 1, "y1": 1}, "") // all 100
		f.respond(r, "A", 1, map[string]int{"v1": 1, "v2": 5, "h1": 1, "h2": 1, "h3": 1, "w1": 1, "p1": 3, "y1": 2}, "") // all 0
		f.respond(r, "A", 1, map[string]int{"v1": 3, "v2": 3, "h1": 3, "h2": 3, "h3": 3, "w1": 3, "p1": 2, "y1": 1}, "") // all 50
		// vertical 75 (1 of 2), horizontal none (1 of 3), index 75, workload
		// none ("ved ikke"), focus area 75 (2 of 3).
		f.respond(r, "A", 1, map[string]int{"v1": 4, "v2": 0, "h1": 0, "h2": 0, "h3": 4, "w1": 0, "p1": 0, "y1": 0}, "")
		f.respond(r, "A", 1, nil, "")                                                                                    // answered nothing
		f.respond(r, "A", 1, map[string]int{"v1": 4, "v2": 2, "h1": 4, "h2": 4, "h3": 4, "w1": 4, "p1": 1, "y1": 1}, "") // all 75
		f.respond(r, "B", 5, all(3), "")                                                                                 // all 50
		rr, err := f.ms.RoundResults(f.ctx, r)
		if err != nil {
			t.Fatal(err)
		}
		if len(rr.Units) != 3 || rr.Units[0].Code != "A" || rr.Units[2].Code != "ROOT" || rr.Units[0].ParentCode != "ROOT" {
			t.Fatalf("got units %+v, want A, B, ROOT with parent ROOT", rr.Units)
		}
		a, b, root := unitOf(t, rr, "A"), unitOf(t, rr, "B"), unitOf(t, rr, "ROOT")
		wantShown(t, "A respondents", a.Cell, 6)
		wantShown(t, "ROOT respondents", root.Cell, 11)
		// A vertical: {100, 0, 50, 75, 75}: mean 60, SD √(5750/4).
		v := score(t, a, "vertical")
		wantShown(t, "A vertical", v.Cell, 5)
		if !near(*v.Mean, 60, 1e-9) || !near(*v.SD, math.Sqrt(5750.0/4), 1e-9) {
			t.Errorf("A vertical: got mean %v sd %v, want 60 and %v", *v.Mean, *v.SD, math.Sqrt(5750.0/4))
		}
		if ci, _ := MeanCI(Summary{5, 60, math.Sqrt(5750.0 / 4)}); v.CI == nil || !near(v.CI.Low, ci.Low, 1e-9) || !near(v.CI.High, ci.High, 1e-9) {
			t.Errorf("A vertical: got ci %+v, want %+v", v.CI, ci)
		}
		for _, key := range []string{"index", "sc"} {
			s := score(t, a, key)
			wantShown(t, "A "+key, s.Cell, 5)
			if !near(*s.Mean, 60, 1e-9) {
				t.Errorf("A %s: got mean %v, want 60", key, *s.Mean)
			}
		}
		// A horizontal and workload: 4 respondents with a score: too few,
		// so B's 5 would be ROOT's 9 minus 4: B hidden, ROOT shown.
		for _, key := range []string{"horizontal", "workload"} {
			wantHidden(t, "A "+key, score(t, a, key).Cell, ReasonTooFew)
			wantHidden(t, "B "+key, score(t, b, key).Cell, ReasonComplementary)
			wantShown(t, "ROOT "+key, score(t, root, key).Cell, 9)
		}
		// ROOT vertical: (300 + 5·50)/10.
		rv := score(t, root, "vertical")
		wantShown(t, "ROOT vertical", rv.Cell, 10)
		if !near(*rv.Mean, 55, 1e-9) {
			t.Errorf("ROOT vertical: got %v, want 55", *rv.Mean)
		}
		wantShown(t, "B vertical", score(t, b, "vertical").Cell, 5)
		// Items: v2 is reverse-worded, answers 1, 5, 3, 0, 2 → 100, 0, 50, 75.
		v2 := item(t, a, "v2")
		wantShown(t, "A v2", v2.Cell, 5)
		if *v2.Valid != 4 || *v2.DontKnow != 1 || !near(*v2.Mean, 56.25, 1e-9) || !slices.Equal(v2.Distribution, []int{1, 1, 1, 1, 0, 1}) {
			t.Errorf("A v2: got valid %v dk %v mean %v dist %v, want 4 1 56.25 [1 1 1 1 0 1]", *v2.Valid, *v2.DontKnow, *v2.Mean, v2.Distribution)
		}
		// p1: 1, 3, 2, 0, 1 → 2 of 4 report a problem; y1: 3 of 4 yes.
		p1, y1 := item(t, a, "p1"), item(t, a, "y1")
		share, ci, _ := Wilson(2, 4)
		if p1.Share == nil || !near(*p1.Share, 50, 1e-9) || !near(p1.CI.Low, ci.Low, 1e-9) || p1.Mean != nil || !slices.Equal(p1.Distribution, []int{1, 2, 1, 1}) {
			t.Errorf("A p1: got share %v ci %+v dist %v, want %v %+v [1 2 1 1]", deref(p1.Share), p1.CI, p1.Distribution, share, ci)
		}
		if y1.Share == nil || !near(*y1.Share, 75, 1e-9) || *y1.DontKnow != 1 || !slices.Equal(y1.Distribution, []int{1, 3, 1}) {
			t.Errorf("A y1: got share %v dist %v, want 75 [1 3 1]", deref(y1.Share), y1.Distribution)
		}
	})

	t.Run("ParentOf23", func(t *testing.T) {
		f := newFixture(t)
		f.unit("P", "")
		f.unit("C20", "P")
		f.unit("C3", "P")
		r := f.round("2024", "2024-03-31", survey.RoundClosed, "P")
		f.respond(r, "C20", 20, all(4), "")
		f.respond(r, "C3", 3, all(2), "")
		rr, err := f.ms.RoundResults(f.ctx, r)
		if err != nil {
			t.Fatal(err)
		}
		p, c20, c3 := unitOf(t, rr, "P"), unitOf(t, rr, "C20"), unitOf(t, rr, "C3")
		wantShown(t, "P", p.Cell, 23)
		wantHidden(t, "C3", c3.Cell, ReasonTooFew)
		wantHidden(t, "C20", c20.Cell, ReasonComplementary)
		for _, s := range slices.Concat([]Score{*c20.Index}, c20.Dimensions, c20.FocusAreas) {
			wantHidden(t, "C20 "+s.Key, s.Cell, ReasonComplementary)
			if s.Mean != nil || s.SD != nil || s.CI != nil {
				t.Errorf("C20 %s: got numbers in a suppressed cell: %+v", s.Key, s)
			}
		}
		for _, it := range c3.Items {
			wantHidden(t, "C3 "+it.Key, it.Cell, ReasonTooFew)
			if it.Distribution != nil || it.Share != nil || it.Mean != nil {
				t.Errorf("C3 %s: got numbers in a suppressed cell: %+v", it.Key, it)
			}
		}
		wantShown(t, "P vertical", score(t, p, "vertical").Cell, 23)
	})

	t.Run("TeamOfK", func(t *testing.T) {
		f := newFixture(t)
		f.unit("P", "")
		f.unit("T1", "P")
		f.unit("T2", "P")
		r := f.round("2024", "2024-03-31", survey.RoundClosed, "P")
		f.respond(r, "T1", 5, all(4), "")
		f.respond(r, "T2", 5, all(2), "")
		rr, err := f.ms.RoundResults(f.ctx, r)
		if err != nil {
			t.Fatal(err)
		}
		t1 := unitOf(t, rr, "T1")
		wantShown(t, "T1", t1.Cell, 5)
		wantShown(t, "T1 index", t1.Index.Cell, 5)
		wantShown(t, "T1 v1", item(t, t1, "v1").Cell, 5)
		wantShown(t, "T2", unitOf(t, rr, "T2").Cell, 5)
		wantShown(t, "P", unitOf(t, rr, "P").Cell, 10)
	})

	t.Run("KPlus1", func(t *testing.T) {
		// Unit U of k+1 = its manager (U's own staff) and team T of k. The
		// manager answered no horizontal item, so horizontal has n k in U
		// and in T.
		f := newFixture(t)
		f.unit("U", "")
		f.unit("T", "U")
		r := f.round("2024", "2024-03-31", survey.RoundClosed, "U")
		f.respond(r, "T", 5, all(4), "")
		f.respond(r, "U", 1, map[string]int{"v1": 2, "v2": 4, "w1": 2, "p1": 2, "y1": 2}, "")
		rr, err := f.ms.RoundResults(f.ctx, r)
		if err != nil {
			t.Fatal(err)
		}
		u, tm := unitOf(t, rr, "U"), unitOf(t, rr, "T")
		// Respondents, vertical, index: U 6 − T 5 = the manager: T hidden.
		wantShown(t, "U", u.Cell, 6)
		wantHidden(t, "T", tm.Cell, ReasonComplementary)
		for _, key := range []string{"vertical", "index", "workload"} {
			wantShown(t, "U "+key, score(t, u, key).Cell, 6)
			wantHidden(t, "T "+key, score(t, tm, key).Cell, ReasonComplementary)
		}
		// Horizontal: the same k respondents in U and T, nothing isolated.
		wantShown(t, "U horizontal", score(t, u, "horizontal").Cell, 5)
		wantShown(t, "T horizontal", score(t, tm, "horizontal").Cell, 5)
		wantShown(t, "T h1", item(t, tm, "h1").Cell, 5)
		wantHidden(t, "T v1", item(t, tm, "v1").Cell, ReasonComplementary)
		// The JSON of a suppressed cell has n null and no number.
		data, err := json.Marshal(tm)
		if err != nil {
			t.Fatal(err)
		}
		var got struct {
			N          *int             `json:"n"`
			Suppressed bool             `json:"suppressed"`
			Dimensions []map[string]any `json:"dimensions"`
		}
		if err := json.Unmarshal(data, &got); err != nil {
			t.Fatal(err)
		}
		if got.N != nil || !got.Suppressed {
			t.Errorf("T JSON: got n %v suppressed %v, want null and true", deref(got.N), got.Suppressed)
		}
		for _, d := range got.Dimensions {
			_, hasMean := d["mean"]
			if d["key"] == "vertical" && (d["n"] != nil || hasMean || d["reason"] != "complementary") {
				t.Errorf("T vertical JSON: got %v, want n null, no mean, reason complementary", d)
			}
		}
	})

	t.Run("OpenRound", func(t *testing.T) {
		f := newFixture(t)
		f.unit("P", "")
		f.unit("A", "P")
		r := f.round("2024", "2024-03-31", survey.RoundOpen, "P")
		f.respond(r, "A", 6, all(4), "")
		rr, err := f.ms.RoundResults(f.ctx, r)
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range rr.Units {
			wantHidden(t, u.Code, u.Cell, ReasonRoundOpen)
			wantHidden(t, u.Code+" index", u.Index.Cell, ReasonRoundOpen)
			for _, it := range u.Items {
				wantHidden(t, u.Code+" "+it.Key, it.Cell, ReasonRoundOpen)
			}
		}
		if err := f.ms.ComputeRound(f.ctx, r); !errors.Is(err, survey.ErrConflict) {
			t.Errorf("ComputeRound: got %v, want ErrConflict", err)
		}
	})

	t.Run("ErrNotFound", func(t *testing.T) {
		f := newFixture(t)
		if _, err := f.ms.RoundResults(f.ctx, 999); !errors.Is(err, survey.ErrNotFound) {
			t.Errorf("got %v, want ErrNotFound", err)
		}
	})
}

func TestComputeRound(t *testing.T) {
	f := newFixture(t)
	f.unit("P", "")
	f.unit("A", "P")
	r := f.round("2024", "2024-03-31", survey.RoundClosed, "P")
	f.respond(r, "A", 6, all(4), "")
	count := func() (n int) {
		f.db.Get(&n, f.db.Rebind("SELECT COUNT(*) FROM results WHERE round_id = ?"), r)
		return n
	}
	t.Run("Race", func(t *testing.T) {
		var wg sync.WaitGroup
		errs := make([]error, 4)
		for i := range errs {
			wg.Go(func() { errs[i] = f.ms.ComputeRound(f.ctx, r) })
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		// 2 units × (respondents + index + 3 dimensions + 1 focus area + 8 items).
		if got := count(); got != 2*14 {
			t.Errorf("got %d rows, want 28", got)
		}
	})
	t.Run("Idempotent", func(t *testing.T) {
		if err := f.ms.ComputeRound(f.ctx, r); err != nil {
			t.Fatal(err)
		}
		if got := count(); got != 28 {
			t.Errorf("got %d rows, want 28", got)
		}
	})
	t.Run("Forget", func(t *testing.T) {
		if err := f.ms.ForgetRound(f.ctx, r); err != nil {
			t.Fatal(err)
		}
		if got := count(); got != 0 {
			t.Fatalf("got %d rows, want 0", got)
		}
		rr, err := f.ms.RoundResults(f.ctx, r) // computes again
		if err != nil {
			t.Fatal(err)
		}
		if got := count(); got != 28 || len(rr.Units) != 2 {
			t.Errorf("got %d rows and %d units, want 28 and 2", got, len(rr.Units))
		}
	})
}

func TestRoundProgress(t *testing.T) {
	f := newFixture(t)
	f.unit("P", "")
	f.unit("A", "P")
	f.unit("B", "P")
	f.unit("C", "P")
	r := f.round("2024", "2024-03-31", survey.RoundOpen, "P")
	invite := func(unit string, n, used int) {
		for i := range n {
			f.seq++
			f.db.MustExec(f.db.Rebind("INSERT INTO invitations (round_id, unit_id, token_hash, code_hash, used) VALUES (?, ?, ?, ?, ?)"),
				r, f.units[unit], []byte(fmt.Sprintf("t%d", f.seq)), []byte(fmt.Sprintf("c%d", f.seq)), i < used)
		}
	}
	// P 13 invited = A 6 + B 5 + C 2: C is too few, and P − A − B = 2,
	// so B (the smaller) is hidden too.
	invite("A", 6, 3)
	invite("B", 5, 5)
	invite("C", 2, 1)
	rp, err := f.ms.RoundProgress(f.ctx, r)
	if err != nil {
		t.Fatal(err)
	}
	got := make(map[string]UnitProgress)
	for _, u := range rp.Units {
		got[u.Code] = u
	}
	if a := got["A"]; a.Suppressed || *a.Invited != 6 || *a.Answered != 3 || !near(*a.Rate, 50, 1e-9) {
		t.Errorf("A: got %+v, want 6 invited, 3 answered, 50 %%", a)
	}
	if p := got["P"]; p.Suppressed || *p.Invited != 13 || *p.Answered != 9 {
		t.Errorf("P: got %+v, want 13 invited, 9 answered", p)
	}
	if b := got["B"]; !b.Suppressed || b.Reason != ReasonComplementary || b.Invited != nil || b.Answered != nil || b.Rate != nil {
		t.Errorf("B: got %+v, want suppressed complementary without counts", b)
	}
	if c := got["C"]; !c.Suppressed || c.Reason != ReasonTooFew || c.Invited != nil {
		t.Errorf("C: got %+v, want suppressed too_few", c)
	}
}

func TestUnitResult(t *testing.T) {
	f := newFixture(t)
	f.unit("ROOT", "")
	f.unit("A", "ROOT")
	f.unit("TEAM", "A")
	f.unit("OLD", "ROOT")
	f.unit("BIG", "ROOT")
	f.unit("SMALL", "ROOT")
	r1 := f.round("2023", "2023-03-31", survey.RoundClosed, "ROOT")
	for _, v := range []int{1, 2, 2, 1, 2, 1} {
		f.respond(r1, "A", 1, all(v), "")
		f.respond(r1, "OLD", 1, all(v), "")
	}
	f.respond(r1, "TEAM", 5, all(2), "")
	// OLD and TEAM (inside A) close; A continues both.
	closed, _ := survey.ParseDate("2023-06-01")
	for _, code := range []string{"OLD", "TEAM"} {
		if err := f.ss.CloseUnit(f.ctx, code, closed, "A"); err != nil {
			t.Fatal(err)
		}
	}
	r2 := f.round("2024", "2024-03-31", survey.RoundClosed, "ROOT")
	for _, v := range []int{4, 5, 5, 4, 5, 4, 4, 5, 5, 4, 5, 4} {
		f.respond(r2, "A", 1, all(v), "")
	}
	f.respond(r2, "A", 3, all(4), "Godt samarbejde")
	f.respond(r2, "BIG", 5, all(3), "")
	f.respond(r2, "SMALL", 2, all(3), "Min leder ...")

	t.Run("OK", func(t *testing.T) {
		ur, err := f.ms.UnitResult(f.ctx, r2, "A")
		if err != nil {
			t.Fatal(err)
		}
		wantShown(t, "A", ur.Unit.Cell, 15)
		if ur.Parent == nil || ur.Parent.Code != "ROOT" || ur.Root == nil || ur.Root.Code != "ROOT" {
			t.Fatalf("got parent %+v root %+v, want ROOT", ur.Parent, ur.Root)
		}
		wantShown(t, "ROOT", ur.Root.Cell, 22)
		if ur.Comments.Suppressed || len(ur.Comments.Items) != 1 || len(ur.Comments.Items[0].Texts) != 3 || ur.Comments.Items[0].Texts[0] != "Godt samarbejde" {
			t.Errorf("got comments %+v, want A's 3 comments", ur.Comments)
		}
		// The previous comparable round is r1, where A (with TEAM inside
		// it) and its predecessor OLD took part: 11 + 6 respondents.
		if ur.PreviousRound == nil || ur.PreviousRound.ID != r1 {
			t.Fatalf("got previous round %+v, want %d", ur.PreviousRound, r1)
		}
		c := ur.Unit.Index.Change
		// r1 index: A 0,25,25,0,25,0 + TEAM 5×25 + OLD the same as A: 17
		// respondents, 275+125+75… → (3·25 + 5·25 + 3·25)/17 = 275/17.
		if c == nil || !near(c.Previous, 275.0/17, 1e-9) || c.P == nil || !c.Significant || c.RoundID != r1 {
			t.Errorf("got index change %+v, want previous %v, significant", c, 275.0/17)
		}
		if v1 := item(t, ur.Unit, "v1"); v1.Change == nil || !v1.Change.Significant {
			t.Errorf("got v1 change %+v, want significant", v1.Change)
		}
		if p1 := item(t, ur.Unit, "p1"); p1.Change == nil || p1.Change.P != nil {
			t.Errorf("got p1 change %+v, want a delta without a test", p1.Change)
		}
	})
	t.Run("CommentsSuppressed", func(t *testing.T) {
		ur, err := f.ms.UnitResult(f.ctx, r2, "SMALL")
		if err != nil {
			t.Fatal(err)
		}
		wantHidden(t, "SMALL", ur.Unit.Cell, ReasonTooFew)
		if !ur.Comments.Suppressed || ur.Comments.Reason != ReasonTooFew || ur.Comments.Items != nil {
			t.Errorf("got comments %+v, want suppressed too_few", ur.Comments)
		}
		// ROOT 22 − A 15 − BIG 5 = SMALL's 2: BIG, the smaller, is hidden
		// too, with its comments.
		ur, err = f.ms.UnitResult(f.ctx, r2, "BIG")
		if err != nil {
			t.Fatal(err)
		}
		wantHidden(t, "BIG", ur.Unit.Cell, ReasonComplementary)
		if !ur.Comments.Suppressed || ur.Comments.Reason != ReasonComplementary {
			t.Errorf("got comments %+v, want suppressed complementary", ur.Comments)
		}
	})
	t.Run("ErrNotInRound", func(t *testing.T) {
		if _, err := f.ms.UnitResult(f.ctx, r2, "OLD"); !errors.Is(err, survey.ErrNotFound) {
			t.Errorf("got %v, want ErrNotFound", err)
		}
	})
	t.Run("History", func(t *testing.T) {
		hist, err := f.ms.UnitHistory(f.ctx, f.units["A"])
		if err != nil {
			t.Fatal(err)
		}
		if len(hist) != 2 || hist[0].Round.ID != r1 || hist[1].Round.ID != r2 {
			t.Fatalf("got %d rounds, want r1 and r2", len(hist))
		}
		if !hist[0].Predecessor || !slices.Equal(hist[0].Units, []string{"A", "OLD"}) || hist[1].Predecessor {
			t.Errorf("got %v %v / %v, want predecessors A, OLD then A alone", hist[0].Predecessor, hist[0].Units, hist[1].Predecessor)
		}
		wantShown(t, "r1 lineage", hist[0].Result.Cell, 17)
		if c := hist[1].Result.Index.Change; c == nil || !c.Significant {
			t.Errorf("got r2 index change %+v, want significant", c)
		}
	})
	t.Run("Lineage", func(t *testing.T) {
		ids, err := f.ms.Lineage(f.ctx, f.units["A"])
		if err != nil {
			t.Fatal(err)
		}
		if len(ids) != 3 || ids[0] != f.units["A"] || !slices.Contains(ids, f.units["OLD"]) || !slices.Contains(ids, f.units["TEAM"]) {
			t.Errorf("got %v, want A, OLD, TEAM", ids)
		}
	})
}
