package charts

import (
	"image/color"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// panelGap separates the aligned panels of one figure.
const panelGap = vg.Length(12)

// align splits c into one tile per plot, stacked top to bottom when
// vertical (else left to right) in proportion to weights, and crops the
// tiles so that the plots' data areas line up across the other direction:
// plot.Align's job, with unequal tile sizes.
func align(c draw.Canvas, plots []*plot.Plot, weights []float64, vertical bool) []draw.Canvas {
	var total float64
	for _, w := range weights {
		total += w
	}
	avail := c.Max.X - c.Min.X
	if vertical {
		avail = c.Max.Y - c.Min.Y
	}
	avail -= panelGap * vg.Length(len(plots)-1)

	tiles := make([]draw.Canvas, len(plots))
	pos := c.Min.X
	if vertical {
		pos = c.Max.Y
	}
	for i, w := range weights {
		size := avail * vg.Length(w/total)
		tiles[i] = c
		if vertical {
			tiles[i].Max.Y, tiles[i].Min.Y = pos, pos-size
			pos -= size + panelGap
		} else {
			tiles[i].Min.X, tiles[i].Max.X = pos, pos+size
			pos += size + panelGap
		}
	}

	// Insets of each data area from its tile, across the stacking direction.
	lo := make([]vg.Length, len(plots))
	hi := make([]vg.Length, len(plots))
	var maxLo, maxHi vg.Length
	for i, p := range plots {
		d := p.DataCanvas(tiles[i])
		if vertical {
			lo[i], hi[i] = d.Min.X-tiles[i].Min.X, tiles[i].Max.X-d.Max.X
		} else {
			lo[i], hi[i] = d.Min.Y-tiles[i].Min.Y, tiles[i].Max.Y-d.Max.Y
		}
		maxLo, maxHi = max(maxLo, lo[i]), max(maxHi, hi[i])
	}
	for i := range tiles {
		if vertical {
			tiles[i].Min.X += maxLo - lo[i]
			tiles[i].Max.X -= maxHi - hi[i]
		} else {
			tiles[i].Min.Y += maxLo - lo[i]
			tiles[i].Max.Y -= maxHi - hi[i]
		}
	}
	return tiles
}

// stackBody draws plots top to bottom with aligned data areas.
func stackBody(plots []*plot.Plot, weights []float64) func(draw.Canvas) {
	return func(c draw.Canvas) {
		for i, tile := range align(c, plots, weights, true) {
			plots[i].Draw(tile)
		}
	}
}

// rowLabel names the category at position y of a horizontal chart,
// indented by depth steps.
type rowLabel struct {
	y     float64
	name  string
	depth int
}

// afterRoom is kept right of bar panels for the texts after the bars.
const afterRoom = vg.Length(24)

// maxLabelShare is the largest share of the body width given to row labels.
const maxLabelShare = 0.36

// rowsBody draws row labels in a left column and plots side by side whose
// category axes run along the rows; the first plot positions the labels.
func rowsBody(labels []rowLabel, plots []*plot.Plot, weights []float64) func(draw.Canvas) {
	return func(c draw.Canvas) {
		sty := aligned(textStyle(labelSize, inkColor), draw.XLeft, draw.YCenter)
		// Shrink the label font when the rows are tight.
		rows := plots[0].Y.Max - plots[0].Y.Min
		rowH := (c.Max.Y - c.Min.Y) / vg.Length(rows)
		if h := sty.Height("Åg"); rowH < h*1.15 {
			sty.Font.Size = max(5, sty.Font.Size*rowH/(h*1.15))
		}
		var width vg.Length
		for _, l := range labels {
			width = max(width, indentPerStep*vg.Length(l.depth)+sty.Width(l.name))
		}
		width = min(width, (c.Max.X-c.Min.X)*maxLabelShare)

		plotsC := c
		plotsC.Min.X += width + 6
		plotsC.Max.X -= afterRoom
		tiles := align(plotsC, plots, weights, false)
		for i, p := range plots {
			p.Draw(tiles[i])
		}

		d := plots[0].DataCanvas(tiles[0])
		lines := 1
		if (d.Max.Y-d.Min.Y)/vg.Length(rows) > 2.4*sty.Height("Åg") {
			lines = 2
		}
		for _, l := range labels {
			indent := indentPerStep * vg.Length(l.depth)
			txt := strings.Join(wrap(sty, l.name, width-indent, lines), "\n")
			c.FillText(sty, vg.Point{X: c.Min.X + indent, Y: d.Y(plots[0].Y.Norm(l.y))}, txt)
		}
	}
}

// hatch fills r as suppressed: a light background with diagonal hatching.
func hatch(c draw.Canvas, r vg.Rectangle) {
	c.SetColor(SuppressedColor)
	c.Fill(r.Path())
	c.SetLineStyle(draw.LineStyle{Color: SuppressedHatchColor, Width: 0.5})
	// Lines x - y = k, clipped to r, for k across the rectangle, each
	// stroked alone: the rasterizer slows down with the cells of a path.
	w, h := r.Max.X-r.Min.X, r.Max.Y-r.Min.Y
	for k := hatchSpacing / 2; k < w+h; k += hatchSpacing {
		// From the left or bottom edge to the top or right edge.
		var p vg.Path
		p.Move(vg.Point{X: r.Min.X + max(0, k-h), Y: r.Min.Y + max(0, h-k)})
		p.Line(vg.Point{X: r.Min.X + min(w, k), Y: r.Min.Y + min(h, h-k+w)})
		c.Stroke(p)
	}
}

// drawWhisker strokes an interval from a to b with short caps at both ends.
func drawWhisker(c draw.Canvas, a, b vg.Point, horizontal bool) {
	var p vg.Path
	p.Move(a)
	p.Line(b)
	for _, e := range []vg.Point{a, b} {
		if horizontal {
			p.Move(vg.Point{X: e.X, Y: e.Y - whiskerCap})
			p.Line(vg.Point{X: e.X, Y: e.Y + whiskerCap})
		} else {
			p.Move(vg.Point{X: e.X - whiskerCap, Y: e.Y})
			p.Line(vg.Point{X: e.X + whiskerCap, Y: e.Y})
		}
	}
	c.SetLineStyle(whiskerStyle)
	c.Stroke(p)
}

// fitNote returns note, or a dash when note is too wide for width.
func fitNote(sty text.Style, note string, width vg.Length) string {
	if sty.Width(note) > width-4 {
		return "–"
	}
	return note
}

// isDark reports whether clr needs light text on it.
func isDark(clr color.Color) bool {
	r, g, b, _ := clr.RGBA()
	return 0.299*float64(r)+0.587*float64(g)+0.114*float64(b) < 0.55*0xFFFF
}

// onColor returns the text colour readable on fill.
func onColor(fill color.Color) color.Color {
	if isDark(fill) {
		return rgb(0xFFFFFF)
	}
	return inkColor
}

// barPanel returns a plot of horizontal bars over n rows, its value axis
// running from lo to hi with ticks every step (labelled as absolute
// values when abs), titled label, with under drawn beneath the bars.
func barPanel(b *bars, n int, lo, hi, step float64, abs bool, label string, t *texts, under ...plot.Plotter) *plot.Plot {
	p := newPlot()
	p.Add(grid(true))
	p.Add(under...)
	p.Add(b)
	categoryAxis(&p.Y, n)
	p.X.Min, p.X.Max = lo, hi
	p.X.Tick.Marker = linearTicks{lo: lo, hi: hi, step: step, abs: abs, t: t}
	p.X.Label.Text = label
	b.suppressed = t.suppressed
	return p
}

// rowPos places row i of n at the top when i is 0.
func rowPos(i, n int) float64 { return float64(n - 1 - i) }
