package charts

import (
	"fmt"
	"image/color"
	"strings"

	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// HeatmapData is the input of Heatmap.
type HeatmapData struct {
	Header
	Columns []string     // the dimensions
	Rows    []HeatmapRow // the units of a subtree, parents before their children
	Mid     float64      // the score given the neutral colour; 50 when zero
	Spread  float64      // scores beyond Mid ± Spread take the end colours; 25 when zero
}

// HeatmapRow is one unit's scores, one per column.
type HeatmapRow struct {
	Name  string
	Depth int // indentation below the subtree's root
	Cells []Score
}

// Heatmap returns a grid of units by dimensions, each cell coloured on a
// diverging scale (low warm, high cool) and labelled with its score.
func Heatmap(d HeatmapData) (*Figure, error) {
	if len(d.Columns) == 0 || len(d.Rows) == 0 {
		return nil, fmt.Errorf("charts: heatmap: %w", ErrNoData)
	}
	if d.Mid == 0 {
		d.Mid = 50
	}
	if d.Spread == 0 {
		d.Spread = 25
	}
	if d.Spread < 0 {
		return nil, fmt.Errorf("charts: heatmap: negative spread %g", d.Spread)
	}
	f, err := newFigure(d.Header, func(t *texts) string { return t.heatTitle })
	if err != nil {
		return nil, err
	}
	suppressed := false
	for _, r := range d.Rows {
		if len(r.Cells) != len(d.Columns) {
			return nil, fmt.Errorf("charts: heatmap: %q has %d cells for %d columns", r.Name, len(r.Cells), len(d.Columns))
		}
		for j, s := range r.Cells {
			if err := s.check(); err != nil {
				return nil, fmt.Errorf("charts: heatmap: %q, %q: %w", r.Name, d.Columns[j], err)
			}
			suppressed = suppressed || s.Suppressed
		}
	}
	f.addKeys("", false, false, suppressed)
	f.body = func(c draw.Canvas) { drawHeatmap(c, d, f.t) }
	return f, nil
}

// heatmap layout, in points.
const (
	keyWidth    = vg.Length(54) // the colour key column
	keyStrip    = vg.Length(10)
	maxCellH    = vg.Length(26)
	cellGap     = vg.Length(1.5)
	keySteps    = 40
	headerLines = 3
)

// scaleColor is the colour of score v on d's diverging scale.
func (d HeatmapData) scaleColor(v float64) color.Color {
	return divergingAt(0.5 + (v-d.Mid)/(2*d.Spread))
}

// drawHeatmap draws the row names, the column names, the cells and the
// colour key of d on c.
func drawHeatmap(c draw.Canvas, d HeatmapData, t *texts) {
	rows, cols := len(d.Rows), len(d.Columns)
	nameSty := aligned(textStyle(labelSize, inkColor), draw.XLeft, draw.YCenter)
	headSty := aligned(textStyle(labelSize, inkColor), draw.XCenter, draw.YBottom)

	var labelW vg.Length
	for _, r := range d.Rows {
		labelW = max(labelW, indentPerStep*vg.Length(r.Depth)+nameSty.Width(r.Name))
	}
	labelW = min(labelW, (c.Max.X-c.Min.X)*maxLabelShare)
	x0 := c.Min.X + labelW + 8
	cellW := (c.Max.X - keyWidth - 12 - x0) / vg.Length(cols)

	heads := make([]string, cols)
	var headH vg.Length
	for j, name := range d.Columns {
		heads[j] = strings.Join(wrap(headSty, name, cellW-6, headerLines), "\n")
		headH = max(headH, headSty.Height(heads[j]))
	}
	top := c.Max.Y - headH - 4
	cellH := min((top-c.Min.Y)/vg.Length(rows), maxCellH)
	if h := nameSty.Height("Åg"); cellH < h*1.2 {
		nameSty.Font.Size = max(5, nameSty.Font.Size*cellH/(h*1.2))
	}
	cellSty := aligned(textStyle(min(labelSize, nameSty.Font.Size), inkColor), draw.XCenter, draw.YCenter)
	noteSty := cellSty
	noteSty.Font.Size = min(noteSize, cellSty.Font.Size)

	for j := range d.Columns {
		c.FillText(headSty, vg.Point{X: x0 + (vg.Length(j)+0.5)*cellW, Y: top + 3}, heads[j])
	}
	for i, r := range d.Rows {
		y1 := top - vg.Length(i)*cellH
		mid := y1 - cellH/2
		indent := indentPerStep * vg.Length(r.Depth)
		c.FillText(nameSty, vg.Point{X: c.Min.X + indent, Y: mid}, wrap(nameSty, r.Name, labelW-indent, 1)[0])
		for j, s := range r.Cells {
			cell := vg.Rectangle{
				Min: vg.Point{X: x0 + vg.Length(j)*cellW + cellGap/2, Y: y1 - cellH + cellGap/2},
				Max: vg.Point{X: x0 + vg.Length(j+1)*cellW - cellGap/2, Y: y1 - cellGap/2},
			}
			centre := vg.Point{X: (cell.Min.X + cell.Max.X) / 2, Y: mid}
			if s.Suppressed {
				hatch(c, cell)
				c.FillText(noteSty, centre, fitNote(noteSty, t.suppressed, cell.Max.X-cell.Min.X))
				continue
			}
			fill := d.scaleColor(s.Value)
			c.SetColor(fill)
			c.Fill(cell.Path())
			sty := cellSty
			sty.Color = onColor(fill)
			c.FillText(sty, centre, t.num(s.Value, 0))
		}
	}
	drawColorKey(c, d, t, top, top-min(vg.Length(rows)*cellH, 180))
}

// drawColorKey draws the diverging scale of d as a vertical strip at the
// right of c between top and bottom, labelled at its ends and middle.
func drawColorKey(c draw.Canvas, d HeatmapData, t *texts, top, bottom vg.Length) {
	x := c.Max.X - keyWidth
	title := aligned(textStyle(tickSize, inkColor), draw.XLeft, draw.YBottom)
	c.FillText(title, vg.Point{X: x, Y: top + 3}, "Score")
	lo, hi := d.Mid-d.Spread, d.Mid+d.Spread
	step := (top - bottom) / keySteps
	for k := range keySteps {
		v := lo + (hi-lo)*(float64(k)+0.5)/keySteps
		c.SetColor(d.scaleColor(v))
		y := bottom + vg.Length(k)*step
		c.Fill(vg.Rectangle{Min: vg.Point{X: x, Y: y}, Max: vg.Point{X: x + keyStrip, Y: y + step + 0.3}}.Path())
	}
	sty := aligned(textStyle(tickSize, mutedColor), draw.XLeft, draw.YCenter)
	for _, l := range []struct {
		y   vg.Length
		txt string
	}{
		{top, "≥ " + t.num(hi, 0)},
		{(top + bottom) / 2, t.num(d.Mid, 0)},
		{bottom, "≤ " + t.num(lo, 0)},
	} {
		c.StrokeLine2(draw.LineStyle{Color: mutedColor, Width: 0.6}, x+keyStrip, l.y, x+keyStrip+3, l.y)
		c.FillText(sty, vg.Point{X: x + keyStrip + 5, Y: l.y}, l.txt)
	}
}
