package charts

import (
	"fmt"
	"strconv"

	"gonum.org/v1/plot"
)

// ResponseData is the input of ResponseRate.
type ResponseData struct {
	Header
	Units []ResponseUnit // a subtree, parents before their children
}

// ResponseUnit is one unit's response count.
type ResponseUnit struct {
	Name       string
	Depth      int // indentation below the subtree's root
	Answered   int
	Invited    int
	Suppressed bool // the counts may not be shown
}

// ResponseColor fills the bars of ResponseRate.
var ResponseColor = rgb(0x0072B2)

// ResponseRate returns the response rate per unit as horizontal bars
// labelled answered/invited.
func ResponseRate(d ResponseData) (*Figure, error) {
	if len(d.Units) == 0 {
		return nil, fmt.Errorf("charts: response rate: %w", ErrNoData)
	}
	f, err := newFigure(d.Header, func(t *texts) string { return t.responseTitle })
	if err != nil {
		return nil, err
	}
	t := f.t
	b := &bars{thick: barsThick}
	labels := make([]rowLabel, len(d.Units))
	suppressed := false
	for i, u := range d.Units {
		if !u.Suppressed && (u.Invited <= 0 || u.Answered < 0 || u.Answered > u.Invited) {
			return nil, fmt.Errorf("charts: response rate: %q: %d answered of %d invited", u.Name, u.Answered, u.Invited)
		}
		pos := rowPos(i, len(d.Units))
		labels[i] = rowLabel{y: pos, name: u.Name, depth: u.Depth}
		r := bar{pos: pos, fill: ResponseColor, suppressed: u.Suppressed}
		if !u.Suppressed {
			r.v1 = 100 * float64(u.Answered) / float64(u.Invited)
			r.after = strconv.Itoa(u.Answered) + "/" + strconv.Itoa(u.Invited) + " (" + t.pct(r.v1, 0) + ")"
		}
		b.bars = append(b.bars, r)
		suppressed = suppressed || u.Suppressed
	}
	f.addKeys("", false, false, suppressed)
	p := barPanel(b, len(d.Units), 0, 100, 20, false, t.responseRate, t)
	f.body = rowsBody(labels, []*plot.Plot{p}, []float64{1})
	return f, nil
}
