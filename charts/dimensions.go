package charts

import (
	"fmt"
	"image/color"

	"gonum.org/v1/plot"
)

// DimensionsData is the input of Dimensions.
type DimensionsData struct {
	Header
	Groups     []string          // the compared groups, e.g. the unit, its parent and the municipality
	Dimensions []DimensionScores // top to bottom
}

// DimensionScores is one dimension's score in each compared group.
type DimensionScores struct {
	Name   string
	Scores []Score // in the order of DimensionsData.Groups
}

// barsThick is the share of a row that its bars fill.
const barsThick = 0.8

// Dimensions returns the unit's dimension scores beside those of the other
// groups as grouped horizontal bars with their intervals, on 0–100.
func Dimensions(d DimensionsData) (*Figure, error) {
	if len(d.Groups) == 0 || len(d.Dimensions) == 0 {
		return nil, fmt.Errorf("charts: dimensions: %w", ErrNoData)
	}
	f, err := newFigure(d.Header, func(t *texts) string { return t.dimTitle })
	if err != nil {
		return nil, err
	}
	t := f.t
	g := len(d.Groups)
	b := &bars{thick: barsThick / float64(g)}
	labels := make([]rowLabel, len(d.Dimensions))
	var whiskers, suppressed bool
	for i, dim := range d.Dimensions {
		if len(dim.Scores) != g {
			return nil, fmt.Errorf("charts: dimensions: %q has %d scores for %d groups", dim.Name, len(dim.Scores), g)
		}
		pos := rowPos(i, len(d.Dimensions))
		labels[i] = rowLabel{y: pos, name: dim.Name}
		for j, s := range dim.Scores {
			if err := s.check(); err != nil {
				return nil, fmt.Errorf("charts: dimensions: %q, %q: %w", dim.Name, d.Groups[j], err)
			}
			r := scoreBar(pos+(float64(g-1)/2-float64(j))*b.thick, s, SeriesColors[j%len(SeriesColors)])
			r.after = t.num(s.Value, 0)
			b.bars = append(b.bars, r)
			whiskers = whiskers || r.hi > r.lo
			suppressed = suppressed || s.Suppressed
		}
	}
	for j, name := range d.Groups {
		f.addLegend(name, swatch(SeriesColors[j%len(SeriesColors)]))
	}
	f.addKeys(t.ci, whiskers, false, suppressed)
	p := barPanel(b, len(d.Dimensions), 0, 100, 20, false, t.score, t)
	f.body = rowsBody(labels, []*plot.Plot{p}, []float64{1})
	return f, nil
}

// scoreBar is the bar of s at pos, from 0, with its interval.
func scoreBar(pos float64, s Score, fill color.Color) bar {
	lo, hi := s.interval()
	return bar{pos: pos, v1: s.Value, fill: fill, lo: lo, hi: hi, suppressed: s.Suppressed}
}
