package metrics

import (
	"context"
	"fmt"
	"math"
	"sort"

	"gonum.org/v1/gonum/stat"
)

// Coefficient is a correlation coefficient over n units with its 95 %
// confidence interval. R is nil when it is undefined (fewer than 3 pairs,
// or a variable that does not vary) and CI is nil when n < 4.
type Coefficient struct {
	N  int       `json:"n"`
	R  *float64  `json:"r"`
	CI *Interval `json:"ci"`
}

// Pearson returns Pearson's product-moment correlation of the pairs
// (x[i], y[i]) with a Fisher-z interval (standard error 1/√(n−3)).
func Pearson(x, y []float64) Coefficient {
	return coefficient(x, y, 1)
}

// Spearman returns Spearman's rank correlation ρ of the pairs (x[i],
// y[i]): Pearson's r of their ranks, tied values sharing their mean rank.
// Its Fisher-z interval uses the Fieller–Hartley–Pearson standard error
// √(1.06/(n−3)).
func Spearman(x, y []float64) Coefficient {
	return coefficient(ranks(x), ranks(y), 1.06)
}

// coefficient computes r over the pairs and its interval; varFactor
// scales the variance of Fisher's z (1 for Pearson, 1.06 for Spearman).
func coefficient(x, y []float64, varFactor float64) Coefficient {
	c := Coefficient{N: len(x)}
	if len(x) < 3 || len(x) != len(y) || constant(x) || constant(y) {
		return c
	}
	r := max(-1, min(1, stat.Correlation(x, y, nil)))
	c.R = &r
	if c.N > 3 {
		c.CI = fisherCI(r, c.N, varFactor)
	}
	return c
}

// fisherCI returns the 95 % interval of a correlation r over n pairs:
// z = atanh(r) is nearly normal with variance varFactor/(n−3).
func fisherCI(r float64, n int, varFactor float64) *Interval {
	z := math.Atanh(max(-1+1e-15, min(1-1e-15, r)))
	half := zCrit * math.Sqrt(varFactor/float64(n-3))
	return &Interval{Low: math.Tanh(z - half), High: math.Tanh(z + half)}
}

// constant reports whether xs has no variation.
func constant(xs []float64) bool {
	for _, x := range xs[1:] {
		if x != xs[0] {
			return false
		}
	}
	return true
}

// ranks returns the 1-based rank of each value, ties getting the mean of
// the ranks they span.
func ranks(xs []float64) []float64 {
	order := make([]int, len(xs))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return xs[order[a]] < xs[order[b]] })
	out := make([]float64, len(xs))
	for i := 0; i < len(order); {
		j := i
		for j+1 < len(order) && xs[order[j+1]] == xs[order[i]] {
			j++
		}
		mean := float64(i+j)/2 + 1
		for k := i; k <= j; k++ {
			out[order[k]] = mean
		}
		i = j + 1
	}
	return out
}

// CorrelationResult relates a closed round's social-capital index to
// sickness absence across units: in the 12 months after the round closed
// and in the 12 months before it opened.
//
// The units are those with their own shown index at the lowest shown
// level: a unit whose index passed the anonymity door while none of the
// units below it did. Such units never contain one another, so no
// respondent and no absence day counts twice; a parent whose children are
// shown is represented by them. Each unit's absence is its subtree's in
// today's unit tree (see AbsenceSeries), summed over the window's months
// that have data.
type CorrelationResult struct {
	Round  RoundInfo          `json:"round"`
	After  AbsenceWindow      `json:"after"`
	Before AbsenceWindow      `json:"before"`
	Points []CorrelationPoint `json:"points"`
}

// AbsenceWindow is one window of months (YYYY-MM, inclusive) and the
// correlation between the index and absence % in it over the points that
// have absence data there. MonthsWithData counts the window's months with
// any data for the points' units.
type AbsenceWindow struct {
	From           string      `json:"from"`
	To             string      `json:"to"`
	MonthsWithData int         `json:"months_with_data"`
	Pearson        Coefficient `json:"pearson"`
	Spearman       Coefficient `json:"spearman"`
}

// CorrelationPoint is one unit of the scatter chart: its index (0..100)
// over N respondents and its absence % in each window (nil without data).
type CorrelationPoint struct {
	UnitCode      string   `json:"unit_code"`
	UnitName      string   `json:"unit_name"`
	N             int      `json:"n"`
	Index         float64  `json:"index"`
	AbsenceAfter  *float64 `json:"absence_after_pct"`
	AbsenceBefore *float64 `json:"absence_before_pct"`
}

// Correlation returns the correlation of a round's social-capital index
// with sickness absence across units (see CorrelationResult). Its numbers
// come from RoundResults, so suppressed units stay out; a round that is
// not closed, or a questionnaire without an index, has no points.
func (s *Store) Correlation(ctx context.Context, roundID int64) (*CorrelationResult, error) {
	rr, err := s.RoundResults(ctx, roundID)
	if err != nil {
		return nil, err
	}
	closes, opens := rr.Round.ClosesOn[:len(monthLayout)], rr.Round.OpensOn[:len(monthLayout)]
	res := &CorrelationResult{
		Round:  rr.Round,
		After:  AbsenceWindow{From: addMonths(closes, 1), To: addMonths(closes, 12)},
		Before: AbsenceWindow{From: addMonths(opens, -12), To: addMonths(opens, -1)},
		Points: lowestShown(rr.Units),
	}
	g, err := s.loadUnitGraph(ctx)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(res.Points))
	for i, p := range res.Points {
		ids[i] = g.byCode[p.UnitCode]
	}
	for _, w := range []struct {
		win *AbsenceWindow
		set func(p *CorrelationPoint, v *float64)
	}{
		{&res.After, func(p *CorrelationPoint, v *float64) { p.AbsenceAfter = v }},
		{&res.Before, func(p *CorrelationPoint, v *float64) { p.AbsenceBefore = v }},
	} {
		if err := s.windowAbsence(ctx, ids, w.win, res.Points, w.set); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// lowestShown returns the units whose index is shown while no unit below
// them in the round's tree has a shown index, in code order.
func lowestShown(units []UnitResults) []CorrelationPoint {
	shown := func(u UnitResults) bool { return u.Index != nil && !u.Index.Suppressed && u.Index.Mean != nil }
	parent := make(map[string]string, len(units))
	for _, u := range units {
		parent[u.Code] = u.ParentCode
	}
	covered := make(map[string]bool) // has a shown unit below it
	for _, u := range units {
		if !shown(u) {
			continue
		}
		for p := u.ParentCode; p != "" && !covered[p]; p = parent[p] {
			covered[p] = true
		}
	}
	points := []CorrelationPoint{}
	for _, u := range units {
		if shown(u) && !covered[u.Code] {
			points = append(points, CorrelationPoint{UnitCode: u.Code, UnitName: u.Name, N: *u.Index.N, Index: *u.Index.Mean})
		}
	}
	return points
}

// windowAbsence sets each point's absence % over the window's months
// (through set; ids are the points' units) and the window's coefficients.
func (s *Store) windowAbsence(ctx context.Context, ids []int64, win *AbsenceWindow, points []CorrelationPoint, set func(*CorrelationPoint, *float64)) error {
	series, err := s.absenceSeries(ctx, ids, win.From, win.To, false)
	if err != nil {
		return fmt.Errorf("metrics: correlation: %w", err)
	}
	months := make(map[string]bool)
	var index, absence []float64
	for i := range points {
		var abs, poss float64
		for _, m := range series[ids[i]] {
			abs, poss = abs+m.AbsenceDays, poss+m.PossibleDays
			months[m.Period] = true
		}
		if poss == 0 {
			set(&points[i], nil)
			continue
		}
		pct := 100 * abs / poss
		set(&points[i], &pct)
		index, absence = append(index, points[i].Index), append(absence, pct)
	}
	win.MonthsWithData = len(months)
	win.Pearson, win.Spearman = Pearson(index, absence), Spearman(index, absence)
	return nil
}
