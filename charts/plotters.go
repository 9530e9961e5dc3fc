package charts

import (
	"image/color"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// bar is one rectangle of a bar chart: from v0 to v1 on the value axis,
// centred on pos on the category axis.
type bar struct {
	pos        float64
	v0, v1     float64
	fill       color.Color
	lo, hi     float64 // an interval whisker, drawn when hi > lo
	inside     string  // text centred in the bar
	after      string  // text right of a horizontal bar and its whisker
	suppressed bool    // drawn as a hatched band across the whole value axis
}

// bars draws bars growing rightwards, or upwards when vertical.
type bars struct {
	bars       []bar
	thick      float64 // thickness in category-axis units
	vertical   bool
	suppressed string // the label of suppressed bars
}

// Plot implements plot.Plotter.
func (b *bars) Plot(c draw.Canvas, p *plot.Plot) {
	tx, ty := p.Transforms(&c)
	at := func(v, pos float64) vg.Point {
		if b.vertical {
			return vg.Point{X: tx(pos), Y: ty(v)}
		}
		return vg.Point{X: tx(v), Y: ty(pos)}
	}
	span := func(v0, v1, pos float64) vg.Rectangle {
		a, z := at(v0, pos-b.thick/2), at(v1, pos+b.thick/2)
		return vg.Rectangle{
			Min: vg.Point{X: min(a.X, z.X), Y: min(a.Y, z.Y)},
			Max: vg.Point{X: max(a.X, z.X), Y: max(a.Y, z.Y)},
		}
	}
	value := p.X
	if b.vertical {
		value = p.Y
	}
	note := aligned(textStyle(noteSize, inkColor), draw.XCenter, draw.YCenter)
	after := aligned(textStyle(noteSize, mutedColor), draw.XLeft, draw.YCenter)
	for _, r := range b.bars {
		if r.suppressed {
			rect := span(value.Min, value.Max, r.pos)
			hatch(c, rect)
			c.FillText(note, rect.Min.Add(rect.Max).Scale(0.5), fitNote(note, b.suppressed, rect.Max.X-rect.Min.X))
			continue
		}
		rect := span(r.v0, r.v1, r.pos)
		c.SetColor(r.fill)
		c.Fill(rect.Path())
		if r.inside != "" {
			sty := note
			sty.Color = onColor(r.fill)
			c.FillText(sty, rect.Min.Add(rect.Max).Scale(0.5), r.inside)
		}
		end := max(r.v0, r.v1)
		if r.hi > r.lo {
			drawWhisker(c, at(r.lo, r.pos), at(r.hi, r.pos), !b.vertical)
			end = max(end, r.hi)
		}
		if r.after != "" {
			c.FillText(after, at(end, r.pos).Add(vg.Point{X: 4}), r.after)
		}
	}
}

// scorePoint is a shown (not suppressed) point of a score series.
type scorePoint struct {
	x, y, lo, hi float64
	significant  bool
}

// scoreLine draws one score series: lines joining consecutive shown
// rounds (broken at suppressed ones), interval whiskers, the points, and a
// ring around each point flagged as a significant change.
type scoreLine struct {
	runs  [][]scorePoint
	line  draw.LineStyle
	glyph draw.GlyphStyle
}

// significantRing marks a significant change around a point.
var significantRing = draw.GlyphStyle{Color: inkColor, Radius: 6.5, Shape: draw.RingGlyph{}}

// Plot implements plot.Plotter.
func (s *scoreLine) Plot(c draw.Canvas, p *plot.Plot) {
	tx, ty := p.Transforms(&c)
	for _, run := range s.runs {
		pts := make([]vg.Point, len(run))
		for i, q := range run {
			pts[i] = vg.Point{X: tx(q.x), Y: ty(q.y)}
		}
		if len(pts) > 1 {
			c.StrokeLines(s.line, pts)
		}
		for i, q := range run {
			if q.hi > q.lo {
				drawWhisker(c, vg.Point{X: pts[i].X, Y: ty(q.lo)}, vg.Point{X: pts[i].X, Y: ty(q.hi)}, false)
			}
		}
		for i, q := range run {
			c.DrawGlyph(s.glyph, pts[i])
			if q.significant {
				c.DrawGlyph(significantRing, pts[i])
			}
		}
	}
}

// Thumbnail implements plot.Thumbnailer.
func (s *scoreLine) Thumbnail(c *draw.Canvas) {
	mid := c.Center()
	c.StrokeLine2(s.line, c.Min.X, mid.Y, c.Max.X, mid.Y)
	c.DrawGlyph(s.glyph, mid)
}

// suppressedMarks labels suppressed rounds at the bottom of a panel.
type suppressedMarks struct {
	xs    []float64
	label string
}

// suppressedMarkSize is the side of the hatched square marking a suppressed round.
const suppressedMarkSize = vg.Length(9)

// Plot implements plot.Plotter.
func (s *suppressedMarks) Plot(c draw.Canvas, p *plot.Plot) {
	tx, _ := p.Transforms(&c)
	sty := aligned(textStyle(noteSize, mutedColor), draw.XCenter, draw.YBottom)
	for _, x := range s.xs {
		mid := tx(x)
		r := vg.Rectangle{
			Min: vg.Point{X: mid - suppressedMarkSize/2, Y: c.Min.Y + 3},
			Max: vg.Point{X: mid + suppressedMarkSize/2, Y: c.Min.Y + 3 + suppressedMarkSize},
		}
		hatch(c, r)
		c.SetLineStyle(draw.LineStyle{Color: SuppressedHatchColor, Width: 0.6})
		c.Stroke(r.Path())
		c.FillText(sty, vg.Point{X: mid, Y: r.Max.Y + 2}, s.label)
	}
}
