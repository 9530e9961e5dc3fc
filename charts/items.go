package charts

import (
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg/draw"
)

// ItemsData is the input of Items.
type ItemsData struct {
	Header
	Categories []string           // the answer categories, most negative first, without "don't know"
	Items      []ItemDistribution // top to bottom
}

// ItemDistribution is the answer distribution of one Likert item.
type ItemDistribution struct {
	Name       string
	Shares     []float64 // % of the substantive answers per category, summing to 100
	DontKnow   float64   // % of all answers that were "don't know"
	Suppressed bool
}

// DontKnowColor fills the "don't know" bars of Items.
var DontKnowColor = rgb(0x8C8C8C)

// sumTolerance is how far shares may sum from 100 through rounding.
const sumTolerance = 1.5

// minInsideShare is the smallest share whose number is printed in its bar.
const minInsideShare = 7

// Items returns diverging stacked bars of the answers per Likert item:
// negative categories left of the centre line, positive ones right, a
// neutral middle category split across it, and "don't know" apart.
func Items(d ItemsData) (*Figure, error) {
	k := len(d.Categories)
	if k < 2 || len(d.Items) == 0 {
		return nil, fmt.Errorf("charts: items: %w", ErrNoData)
	}
	f, err := newFigure(d.Header, func(t *texts) string { return t.itemsTitle })
	if err != nil {
		return nil, err
	}
	t := f.t
	colors := likertColors(k)
	n := len(d.Items)
	likert := &bars{thick: barsThick}
	dontKnow := &bars{thick: barsThick}
	labels := make([]rowLabel, n)
	reach, dkTop := 50.0, 10.0
	suppressed := false
	for i, it := range d.Items {
		pos := rowPos(i, n)
		labels[i] = rowLabel{y: pos, name: it.Name}
		if it.Suppressed {
			likert.bars = append(likert.bars, bar{pos: pos, suppressed: true})
			dontKnow.bars = append(dontKnow.bars, bar{pos: pos, suppressed: true})
			suppressed = true
			continue
		}
		if err := checkShares(it, k); err != nil {
			return nil, fmt.Errorf("charts: items: %q: %w", it.Name, err)
		}
		// The bar starts left of the centre by the negative shares and half the neutral one.
		x := 0.0
		for c := range k / 2 {
			x -= it.Shares[c]
		}
		if k%2 == 1 {
			x -= it.Shares[k/2] / 2
		}
		reach = max(reach, -x)
		for c, s := range it.Shares {
			r := bar{pos: pos, v0: x, v1: x + s, fill: colors[c]}
			if s >= minInsideShare {
				r.inside = t.num(s, 0)
			}
			likert.bars = append(likert.bars, r)
			x += s
		}
		reach = max(reach, x)
		dontKnow.bars = append(dontKnow.bars, bar{pos: pos, v1: it.DontKnow, fill: DontKnowColor, after: t.num(it.DontKnow, 0)})
		dkTop = max(dkTop, it.DontKnow)
	}
	for c, name := range d.Categories {
		f.addLegend(name, swatch(colors[c]))
	}
	f.addLegend(t.dontKnow, swatch(DontKnowColor))
	f.addKeys("", false, false, suppressed)

	lim := math.Ceil(reach/25) * 25
	centre, err := plotter.NewLine(plotter.XYs{{X: 0, Y: -0.5}, {X: 0, Y: float64(n) - 0.5}})
	if err != nil {
		return nil, fmt.Errorf("charts: items: %w", err)
	}
	centre.LineStyle = draw.LineStyle{Color: inkColor, Width: 1}
	main := barPanel(likert, n, -lim, lim, 25, true, t.shareAnswers, t, centre)
	_, dkMax, _ := niceRange(0, dkTop*1.25, 0, 100)
	side := barPanel(dontKnow, n, 0, dkMax, dkMax, false, t.dontKnowAxis, t)
	f.body = rowsBody(labels, []*plot.Plot{main, side}, []float64{4, 1})
	return f, nil
}

// checkShares reports shares that do not fit the k categories.
func checkShares(it ItemDistribution, k int) error {
	if len(it.Shares) != k {
		return fmt.Errorf("%d shares for %d categories", len(it.Shares), k)
	}
	sum := 0.0
	for _, s := range append([]float64{it.DontKnow}, it.Shares...) {
		if err := checkPercent(s); err != nil {
			return err
		}
		sum += s
	}
	if sum -= it.DontKnow; math.Abs(sum-100) > sumTolerance {
		return fmt.Errorf("shares sum to %g, not 100", sum)
	}
	return nil
}

// likertColors returns k colours from DivergingColors, low to high, with
// the middle of an odd k in NeutralColor.
func likertColors(k int) []color.Color {
	cs := make([]color.Color, k)
	for i := range cs {
		cs[i] = divergingAt((float64(i) + 0.5) / float64(k))
	}
	if k%2 == 1 {
		cs[k/2] = NeutralColor
	}
	return cs
}

// divergingAt interpolates DivergingColors at u in [0, 1].
func divergingAt(u float64) color.Color {
	u = math.Max(0, math.Min(1, u)) * float64(len(DivergingColors)-1)
	i := min(int(u), len(DivergingColors)-2)
	a, b := color.RGBAModel.Convert(DivergingColors[i]).(color.RGBA), color.RGBAModel.Convert(DivergingColors[i+1]).(color.RGBA)
	f := u - float64(i)
	mix := func(x, y uint8) uint8 { return uint8(math.Round(float64(x) + f*(float64(y)-float64(x)))) }
	return color.RGBA{R: mix(a.R, b.R), G: mix(a.G, b.G), B: mix(a.B, b.B), A: 0xFF}
}
