package charts

import (
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg/draw"
)

// ScatterData is the input of Scatter.
type ScatterData struct {
	Header
	Points     []ScatterPoint
	R, Rho     float64 // Pearson's r and Spearman's ρ of the points, printed in the subtitle
	Suppressed int     // units left out because their index was suppressed, noted under the figure
}

// ScatterPoint is one unit's social-capital index and its sickness absence
// in the following 12 months.
type ScatterPoint struct {
	Index   float64 // 0–100
	Absence float64 // %
}

var (
	// ScatterGlyph draws the units of Scatter.
	ScatterGlyph = draw.GlyphStyle{Color: rgb(0x0072B2), Radius: 3.5, Shape: draw.CircleGlyph{}}

	// ScatterFitStyle draws the least-squares line of Scatter.
	ScatterFitStyle = draw.LineStyle{Color: fitLineColor, Width: 1.8}
)

// Scatter returns one point per unit, social-capital index against the
// following year's sickness absence, with the least-squares line; r, ρ
// and n go in the subtitle.
func Scatter(d ScatterData) (*Figure, error) {
	if len(d.Points) == 0 {
		return nil, fmt.Errorf("charts: scatter: %w", ErrNoData)
	}
	for _, c := range []float64{d.R, d.Rho} {
		if math.IsNaN(c) || math.Abs(c) > 1 {
			return nil, fmt.Errorf("charts: scatter: correlation %g outside −1…1", c)
		}
	}
	if d.N == 0 {
		d.N = len(d.Points)
	}
	f, err := newFigure(d.Header, func(t *texts) string { return t.scatterTitle })
	if err != nil {
		return nil, err
	}
	t := f.t
	f.subtitle = subtitle(d.Header, t, "r = "+t.num(d.R, 2), "ρ = "+t.num(d.Rho, 2))
	if d.Suppressed > 0 {
		f.source = fmt.Sprintf("%d %s. %s", d.Suppressed, t.notShown, f.source)
	}
	xys := make(plotter.XYs, len(d.Points))
	xs, ys := make([]float64, len(d.Points)), make([]float64, len(d.Points))
	for i, q := range d.Points {
		if err := checkPercent(q.Index); err != nil {
			return nil, fmt.Errorf("charts: scatter: point %d index: %w", i, err)
		}
		if err := checkPercent(q.Absence); err != nil {
			return nil, fmt.Errorf("charts: scatter: point %d absence: %w", i, err)
		}
		xys[i] = plotter.XY{X: q.Index, Y: q.Absence}
		xs[i], ys[i] = q.Index, q.Absence
	}
	p := newPlot()
	p.Add(grid(true), grid(false))
	xmin, xmax, xstep := niceRange(slices.Min(xs), slices.Max(xs), 0, 100)
	ymin, ymax, ystep := niceRange(slices.Min(ys), slices.Max(ys), 0, 100)
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = xmin, xmax, ymin, ymax
	p.X.Tick.Marker = linearTicks{lo: xmin, hi: xmax, step: xstep, t: t}
	p.Y.Tick.Marker = linearTicks{lo: ymin, hi: ymax, step: ystep, t: t}
	p.X.Label.Text, p.Y.Label.Text = t.index, t.absenceNext

	dots, err := plotter.NewScatter(xys)
	if err != nil {
		return nil, fmt.Errorf("charts: scatter: %w", err)
	}
	dots.GlyphStyle = ScatterGlyph
	f.addLegend(t.units, dots)
	if lo, hi := slices.Min(xs), slices.Max(xs); hi > lo {
		alpha, beta := stat.LinearRegression(xs, ys, nil, false)
		fit, err := plotter.NewLine(plotter.XYs{{X: lo, Y: alpha + beta*lo}, {X: hi, Y: alpha + beta*hi}})
		if err != nil {
			return nil, fmt.Errorf("charts: scatter: fit: %w", err)
		}
		fit.LineStyle = ScatterFitStyle
		p.Add(fit)
		f.addLegend(t.fit, fit)
	}
	p.Add(dots)
	// The fitted line may leave the data's range; keep the axes set above.
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = xmin, xmax, ymin, ymax
	f.body = stackBody([]*plot.Plot{p}, []float64{1})
	return f, nil
}
