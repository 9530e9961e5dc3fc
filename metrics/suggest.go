package metrics

import (
	"cmp"
	"slices"

	"github.com/tillid/tillid/survey"
)

// The APV rule of thumb for what an action plan should address: an APV
// item when at least SuggestShare percent report a problem, a dimension
// when its score is below SuggestScore.
const (
	SuggestShare = 25.0
	SuggestScore = 60.0
)

// Suggestion is a problem a unit's results point to: an APV item with a
// high problem share (Value is the share in percent) or a dimension with
// a low score (Value is the score 0..100).
type Suggestion struct {
	Measure Measure
	Value   float64
}

// Suggestions returns the problems r's shown cells point to, the worst
// first. Suppressed cells suggest nothing; when the unit's whole result
// is suppressed, reason says why and there are no suggestions.
func (r *UnitResult) Suggestions() (sugs []Suggestion, reason Reason) {
	if r.Unit.Suppressed {
		return nil, r.Unit.Reason
	}
	measures := map[Kind]map[string]Measure{}
	for _, m := range r.Measures {
		if measures[m.Kind] == nil {
			measures[m.Kind] = map[string]Measure{}
		}
		measures[m.Kind][m.Key] = m
	}
	type scored struct {
		Suggestion
		badness float64
	}
	var all []scored
	for _, it := range r.Unit.Items {
		if it.Type == survey.Problem3 && !it.Suppressed && it.Share != nil && *it.Share >= SuggestShare {
			all = append(all, scored{Suggestion{measures[KindItem][it.Key], *it.Share}, *it.Share})
		}
	}
	for _, d := range r.Unit.Dimensions {
		if !d.Suppressed && d.Mean != nil && *d.Mean < SuggestScore {
			all = append(all, scored{Suggestion{measures[KindDimension][d.Key], *d.Mean}, 100 - *d.Mean})
		}
	}
	slices.SortStableFunc(all, func(a, b scored) int { return cmp.Compare(b.badness, a.badness) })
	for _, a := range all {
		sugs = append(sugs, a.Suggestion)
	}
	return sugs, ""
}
