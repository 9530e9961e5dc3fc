package charts

import (
	"cmp"
	"fmt"
	"slices"

	"gonum.org/v1/plot"
)

// APVData is the input of APV.
type APVData struct {
	Header
	Items []Bar // per problem3 item: the share reporting a problem (%) and its Wilson 95 % interval
}

// APVColor fills the bars of APV.
var APVColor = rgb(0xE69F00)

// APV returns the share reporting a problem per APV item as horizontal
// bars with their intervals, largest first, suppressed items last.
func APV(d APVData) (*Figure, error) {
	if len(d.Items) == 0 {
		return nil, fmt.Errorf("charts: apv: %w", ErrNoData)
	}
	f, err := newFigure(d.Header, func(t *texts) string { return t.apvTitle })
	if err != nil {
		return nil, err
	}
	t := f.t
	items := slices.Clone(d.Items)
	slices.SortStableFunc(items, func(a, b Bar) int {
		if a.Suppressed || b.Suppressed {
			return cmp.Compare(btoi(a.Suppressed), btoi(b.Suppressed))
		}
		return cmp.Compare(b.Value, a.Value)
	})
	b := &bars{thick: barsThick}
	labels := make([]rowLabel, len(items))
	top := 0.0
	var whiskers, suppressed bool
	for i, it := range items {
		if err := it.check(); err != nil {
			return nil, fmt.Errorf("charts: apv: %q: %w", it.Name, err)
		}
		pos := rowPos(i, len(items))
		labels[i] = rowLabel{y: pos, name: it.Name}
		r := scoreBar(pos, it.Score, APVColor)
		r.after = t.pct(it.Value, 0)
		b.bars = append(b.bars, r)
		top = max(top, r.v1, r.hi)
		whiskers = whiskers || r.hi > r.lo
		suppressed = suppressed || it.Suppressed
	}
	f.addKeys(t.wilson, whiskers, false, suppressed)
	_, hi, step := niceRange(0, max(top, 10), 0, 100)
	p := barPanel(b, len(items), 0, hi, step, false, t.problemShare, t)
	f.body = rowsBody(labels, []*plot.Plot{p}, []float64{1})
	return f, nil
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
