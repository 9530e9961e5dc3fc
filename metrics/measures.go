package metrics

import "slices"

// Score returns u's score of the measure m (the index, a dimension or a
// focus area), nil when u is nil or has no such score.
func (u *UnitResults) Score(m Measure) *Score {
	if u == nil {
		return nil
	}
	if m.Kind == KindIndex {
		return u.Index
	}
	list := u.Dimensions
	if m.Kind == KindFocusArea {
		list = u.FocusAreas
	}
	if i := slices.IndexFunc(list, func(s Score) bool { return s.Key == m.Key }); i >= 0 {
		return &list[i]
	}
	return nil
}

// ScoreMeasures returns the index and the dimensions among ms, in order:
// the social-capital measures charted over time and in the heatmap.
func ScoreMeasures(ms []Measure) []Measure {
	var out []Measure
	for _, m := range ms {
		if m.Kind == KindIndex || m.Kind == KindDimension {
			out = append(out, m)
		}
	}
	return out
}
