package metrics

import (
	"errors"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/tillid/tillid/survey"
)

// correlationFixture builds, on the results tests' fixture, the tree
//
//	ROOT ─┬─ A ─┬─ A1 (6 answers, index 100)
//	      │     ├─ A2 (6, index 50)
//	      │     └─ A3 (6, index 25; closed after the round, succeeded by A4)
//	      ├─ B (7, index 0: hidden, complementary to C)
//	      ├─ C (3, index 75: too few)
//	      └─ D (8, index 75)
//
// with one round closed on 2024-03-31 and absence in the 12 months after
// it that falls as the index rises; A1 and A2 also have absence in 2023.
func correlationFixture(t *testing.T) (*fixture, int64) {
	f := newFixture(t)
	f.unit("ROOT", "")
	for _, c := range []string{"A", "B", "C", "D"} {
		f.unit(c, "ROOT")
	}
	for _, c := range []string{"A1", "A2", "A3"} {
		f.unit(c, "A")
	}
	round := f.round("Måling 2024", "2024-03-31", survey.RoundClosed, "ROOT")
	for _, r := range []struct {
		unit     string
		n, value int
	}{{"A1", 6, 5}, {"A2", 6, 3}, {"A3", 6, 2}, {"B", 7, 1}, {"C", 3, 4}, {"D", 8, 4}} {
		f.respond(round, r.unit, r.n, all(r.value), "")
	}
	f.unit("A4", "A")
	if err := f.ss.CloseUnit(f.ctx, "A3", survey.Date{Time: time.Date(2024, 6, 30, 0, 0, 0, 0, time.UTC)}, "A4"); err != nil {
		t.Fatal(err)
	}
	var rows []AbsenceRow
	add := func(unit string, from time.Time, months int, days float64) {
		for m := range months {
			rows = append(rows, AbsenceRow{UnitCode: unit, Month: from.AddDate(0, m, 0).Format(monthLayout), AbsenceDays: days, PossibleDays: 100})
		}
	}
	after := time.Date(2024, 4, 1, 0, 0, 0, 0, time.UTC)
	add("A1", after, 12, 2)
	add("A2", after, 12, 5)
	add("A3", after, 3, 6) // until A3 closes at the end of June…
	add("A4", after.AddDate(0, 3, 0), 9, 6)
	add("B", after, 12, 9)
	add("C", after, 12, 1)
	add("D", after, 12, 3)
	add("A1", time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC), 12, 4)
	add("A2", time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC), 12, 1)
	if _, err := f.ms.ImportAbsence(f.ctx, rows); err != nil {
		t.Fatal(err)
	}
	return f, round
}

func TestCorrelation(t *testing.T) {
	f, round := correlationFixture(t)
	res, err := f.ms.Correlation(f.ctx, round)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("LowestShownUnits", func(t *testing.T) {
		var codes []string
		for _, p := range res.Points {
			codes = append(codes, p.UnitCode)
		}
		// A is represented by its children; B (complementary) and C (too
		// few) are suppressed and stay out.
		if want := []string{"A1", "A2", "A3", "D"}; !slices.Equal(codes, want) {
			t.Fatalf("got units %v, want %v", codes, want)
		}
		rr, err := f.ms.RoundResults(f.ctx, round)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range res.Points {
			u := unitOf(t, rr, p.UnitCode)
			if u.Index.Suppressed || *u.Index.Mean != p.Index || *u.Index.N != p.N {
				t.Errorf("%s: got index %v (n %d), want the shown %v (n %v)", p.UnitCode, p.Index, p.N, deref(u.Index.Mean), deref(u.Index.N))
			}
		}
	})
	t.Run("After", func(t *testing.T) {
		want := map[string]float64{"A1": 2, "A2": 5, "A3": 6, "D": 3} // A3 continues on A4
		for _, p := range res.Points {
			if p.AbsenceAfter == nil || math.Abs(*p.AbsenceAfter-want[p.UnitCode]) > 1e-9 {
				t.Errorf("%s: got absence %v, want %v", p.UnitCode, deref(p.AbsenceAfter), want[p.UnitCode])
			}
		}
		w := res.After
		if w.From != "2024-04" || w.To != "2025-03" || w.MonthsWithData != 12 {
			t.Errorf("got window %s to %s with %d months, want 2024-04 to 2025-03 with 12", w.From, w.To, w.MonthsWithData)
		}
		if w.Spearman.N != 4 || w.Spearman.R == nil || math.Abs(*w.Spearman.R+1) > 1e-9 || w.Spearman.CI == nil {
			t.Errorf("got ρ %v (n %d, ci %v), want -1 over 4 units with an interval", deref(w.Spearman.R), w.Spearman.N, w.Spearman.CI)
		}
		if w.Pearson.R == nil || *w.Pearson.R >= -0.8 {
			t.Errorf("got r %v, want strongly negative", deref(w.Pearson.R))
		}
	})
	t.Run("Before", func(t *testing.T) {
		w := res.Before
		if w.From != "2023-01" || w.To != "2023-12" || w.Pearson.N != 2 || w.Pearson.R != nil {
			t.Errorf("got %+v, want 2023 with two units and no coefficient", w)
		}
		if p := res.Points[3]; p.AbsenceBefore != nil {
			t.Errorf("D: got absence before %v, want none", *p.AbsenceBefore)
		}
	})
	t.Run("OpenRound", func(t *testing.T) {
		open := f.round("Måling 2025", "2025-03-31", survey.RoundOpen, "ROOT")
		res, err := f.ms.Correlation(f.ctx, open)
		if err != nil || len(res.Points) != 0 || res.After.Pearson.R != nil {
			t.Errorf("got %+v, %v, want no points", res, err)
		}
	})
}

func TestTrend(t *testing.T) {
	f, round := correlationFixture(t)
	later := f.round("Måling 2025", "2025-03-31", survey.RoundClosed, "ROOT")
	f.respond(later, "A4", 6, all(4), "")
	t.Run("Lineage", func(t *testing.T) {
		tr, err := f.ms.Trend(f.ctx, "A4")
		if err != nil {
			t.Fatal(err)
		}
		if tr.Unit.Code != "A4" || !slices.Equal(tr.Unit.Predecessors, []string{"A3"}) {
			t.Errorf("got unit %+v, want A4 continuing A3", tr.Unit)
		}
		if len(tr.Rounds) != 2 {
			t.Fatalf("got %d rounds, want 2", len(tr.Rounds))
		}
		first, second := tr.Rounds[0], tr.Rounds[1]
		if first.Round.ID != round || first.Month != "2024-03" || !first.Predecessor || !slices.Equal(first.Units, []string{"A3"}) {
			t.Errorf("first round: got %d %s predecessor=%v %v, want %d 2024-03 from A3", first.Round.ID, first.Month, first.Predecessor, first.Units, round)
		}
		wantShown(t, "A3's index on A4", first.Result.Index.Cell, 6)
		if second.Predecessor || *second.Result.Index.Mean != 75 {
			t.Errorf("second round: got predecessor=%v index %v, want A4's own 75", second.Predecessor, deref(second.Result.Index.Mean))
		}
		// A3's three months then A4's nine, one series.
		if len(tr.Absence) != 12 || tr.Absence[0].Period != "2024-04" || tr.Absence[11].Rolling12 == nil || *tr.Absence[11].Rolling12 != 6 {
			t.Errorf("got %d absence months, want 12 from 2024-04 with a rolling 6 %%", len(tr.Absence))
		}
		if len(tr.Measures) == 0 || tr.Measures[0].Kind != KindIndex {
			t.Errorf("got measures %v, want the catalog starting with the index", tr.Measures)
		}
	})
	t.Run("Suppressed", func(t *testing.T) {
		tr, err := f.ms.Trend(f.ctx, "C")
		if err != nil {
			t.Fatal(err)
		}
		if len(tr.Rounds) != 2 {
			t.Fatalf("got %d rounds, want 2", len(tr.Rounds))
		}
		wantHidden(t, "C's index", tr.Rounds[0].Result.Index.Cell, ReasonTooFew)
		if tr.Rounds[0].Result.Index.Mean != nil {
			t.Errorf("got a mean %v on a suppressed cell", *tr.Rounds[0].Result.Index.Mean)
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		if _, err := f.ms.Trend(f.ctx, "NOPE"); !errors.Is(err, survey.ErrNotFound) {
			t.Errorf("got %v, want ErrNotFound", err)
		}
	})
}

func TestRolling12Gap(t *testing.T) {
	// 2023-01 … 2024-06 without 2023-06: only windows after the gap are full.
	var points []AbsencePoint
	for m := range 18 {
		month := time.Date(2023, time.Month(1+m), 1, 0, 0, 0, 0, time.UTC).Format(monthLayout)
		if month != "2023-06" {
			points = append(points, AbsencePoint{Period: month, AbsenceDays: float64(m), PossibleDays: 100})
		}
	}
	rolling12(points)
	for _, p := range points {
		wantFull := p.Period == "2024-06"
		if (p.Rolling12 != nil) != wantFull {
			t.Errorf("%s: got rolling %v, want a value %v", p.Period, deref(p.Rolling12), wantFull)
		}
	}
	// 2023-07 … 2024-06 are m = 6 … 17: 138 days of 1,200.
	if r := points[len(points)-1].Rolling12; r == nil || math.Abs(*r-11.5) > 1e-9 {
		t.Errorf("2024-06: got %v, want 11.5", deref(r))
	}
}
