package charts

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg/draw"
)

// TrendData is the input of Trend.
type TrendData struct {
	Header
	Series  []ScoreSeries // the social-capital index first, then its dimensions
	Absence []MonthValue  // the unit's monthly sickness absence; optional
	Rolling []MonthValue  // its rolling 12-month sickness absence; optional
}

// ScoreSeries is one score (the index or a dimension) over the rounds.
type ScoreSeries struct {
	Name   string
	Points []ScorePoint
}

// ScorePoint is a series' score in one round.
type ScorePoint struct {
	Time  time.Time // the round's date on the time axis
	Label string    // the round's name under the axis; month and year when empty
	Score
	Significant bool // a significant change from the previous round
}

// MonthValue is a monthly sickness absence percentage.
type MonthValue struct {
	Month   time.Time
	Percent float64
}

var (
	// TrendMonthlyColor fills the monthly absence bars of Trend.
	TrendMonthlyColor = rgb(0xC6DBEF)

	// TrendRollingStyle draws the rolling 12-month absence line of Trend.
	TrendRollingStyle = draw.LineStyle{Color: rgb(0xD55E00), Width: 2}
)

// seriesGlyphs give each series a shape as well as a colour.
var seriesGlyphs = []draw.GlyphDrawer{
	draw.CircleGlyph{}, draw.BoxGlyph{}, draw.PyramidGlyph{},
}

const (
	day = 24 * 60 * 60 // seconds: the time axis is in Unix seconds
	// dodge separates the series of one round, as a share of the time span.
	dodge = 0.008
)

// Trend returns the scores per round with their intervals above the
// monthly sickness absence, on one time axis.
func Trend(d TrendData) (*Figure, error) {
	if len(d.Series) == 0 {
		return nil, fmt.Errorf("charts: trend: %w", ErrNoData)
	}
	f, err := newFigure(d.Header, func(t *texts) string { return t.trendTitle })
	if err != nil {
		return nil, err
	}
	t := f.t

	// The time span covers the rounds and the absence months.
	var times []float64
	for _, s := range d.Series {
		if len(s.Points) == 0 {
			return nil, fmt.Errorf("charts: trend: series %q: %w", s.Name, ErrNoData)
		}
		for i, q := range s.Points {
			if err := q.check(); err != nil || q.Time.IsZero() {
				return nil, fmt.Errorf("charts: trend: series %q point %d: %v (time %v)", s.Name, i, err, q.Time)
			}
			times = append(times, unix(q.Time))
		}
	}
	for _, m := range slices.Concat(d.Absence, d.Rolling) {
		if err := checkPercent(m.Percent); err != nil {
			return nil, fmt.Errorf("charts: trend: absence %s: %w", m.Month.Format("2006-01"), err)
		}
		times = append(times, midMonth(m.Month))
	}
	xmin, xmax := slices.Min(times), slices.Max(times)
	pad := math.Max(0.04*(xmax-xmin), 45*day)
	xmin, xmax = xmin-pad, xmax+pad
	span := xmax - xmin

	scores := newPlot()
	scores.Add(grid(false))
	scores.Y.Label.Text = t.score
	var lo, hi = math.Inf(1), math.Inf(-1)
	var whiskers, significant bool
	var lines []plot.Plotter
	suppressed := map[float64]bool{}
	for i, s := range d.Series {
		line := &scoreLine{
			line:  draw.LineStyle{Color: SeriesColors[i%len(SeriesColors)], Width: 1.2},
			glyph: draw.GlyphStyle{Color: SeriesColors[i%len(SeriesColors)], Radius: 3, Shape: seriesGlyphs[i%len(seriesGlyphs)]},
		}
		if i == 0 {
			line.line.Width, line.glyph.Radius = 2.4, 4
		}
		offset := (float64(i) - float64(len(d.Series)-1)/2) * dodge * span
		var run []scorePoint
		for _, q := range s.Points {
			x := unix(q.Time)
			if q.Suppressed {
				suppressed[x] = true
				if len(run) > 0 {
					line.runs = append(line.runs, run)
				}
				run = nil
				continue
			}
			qlo, qhi := q.interval()
			run = append(run, scorePoint{x: x + offset, y: q.Value, lo: qlo, hi: qhi, significant: q.Significant})
			lo, hi = min(lo, q.Value, qlo), max(hi, q.Value, qhi)
			whiskers = whiskers || qhi > qlo
			significant = significant || q.Significant
		}
		if len(run) > 0 {
			line.runs = append(line.runs, run)
		}
		lines = append(lines, line)
		f.addLegend(s.Name, line)
	}
	slices.Reverse(lines) // the index on top
	scores.Add(lines...)
	if math.IsInf(lo, 0) { // every round suppressed
		lo, hi = 0, 100
	}
	ymin, ymax, step := niceRange(lo, hi, 0, 100)
	if len(suppressed) > 0 && ymin > 0 {
		ymin -= step // room for the suppressed markers
	}
	scores.Y.Min, scores.Y.Max = ymin, ymax
	scores.Y.Tick.Marker = linearTicks{lo: ymin, hi: ymax, step: step, t: t}
	scores.X.Min, scores.X.Max = xmin, xmax
	scores.X.Tick.Marker = roundTicks(d.Series[0].Points, xmin, xmax, t)
	if len(suppressed) > 0 {
		scores.Add(&suppressedMarks{xs: slices.Sorted(maps.Keys(suppressed)), label: t.suppressed})
	}
	if significant {
		f.addLegend(t.significant, thumb(func(c *draw.Canvas) { c.DrawGlyph(significantRing, c.Center()) }))
	}
	f.addKeys(t.ci, whiskers, true, len(suppressed) > 0)

	if len(d.Absence)+len(d.Rolling) == 0 {
		f.body = stackBody([]*plot.Plot{scores}, []float64{1})
		return f, nil
	}
	absence, err := absencePanel(f, d, xmin, xmax)
	if err != nil {
		return nil, err
	}
	f.body = stackBody([]*plot.Plot{scores, absence}, []float64{5, 4})
	return f, nil
}

// absencePanel returns the monthly and rolling absence on [xmin, xmax],
// adding their legend entries to f.
func absencePanel(f *Figure, d TrendData, xmin, xmax float64) (*plot.Plot, error) {
	t := f.t
	p := newPlot()
	p.Add(grid(false))
	p.Y.Label.Text = t.absence
	top := 0.0
	if len(d.Absence) > 0 {
		b := &bars{thick: 20 * day, vertical: true}
		for _, m := range d.Absence {
			b.bars = append(b.bars, bar{pos: midMonth(m.Month), v1: m.Percent, fill: TrendMonthlyColor})
			top = max(top, m.Percent)
		}
		p.Add(b)
		f.addLegend(t.monthly, swatch(TrendMonthlyColor))
	}
	if len(d.Rolling) > 0 {
		xys := make(plotter.XYs, len(d.Rolling))
		for i, m := range d.Rolling {
			xys[i] = plotter.XY{X: midMonth(m.Month), Y: m.Percent}
			top = max(top, m.Percent)
		}
		l, err := plotter.NewLine(xys)
		if err != nil {
			return nil, fmt.Errorf("charts: trend: rolling absence: %w", err)
		}
		l.LineStyle = TrendRollingStyle
		p.Add(l)
		f.addLegend(t.rolling, l)
	}
	_, ymax, step := niceRange(0, top, 0, 100)
	p.Y.Min, p.Y.Max = 0, ymax
	p.Y.Tick.Marker = linearTicks{lo: 0, hi: ymax, step: step, t: t}
	p.X.Min, p.X.Max = xmin, xmax
	p.X.Tick.Marker = timeTicks{t: t}
	return p, nil
}

// midMonth places a month at its middle on the time axis.
func midMonth(m time.Time) float64 { return unix(m) + 15*day }
