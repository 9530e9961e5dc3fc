package charts

import (
	"fmt"
	"image/color"
	"math"
	"slices"
	"strconv"
	"strings"

	xfont "golang.org/x/image/font"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/font/liberation"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

var (
	// SeriesColors are the colour-blind-safe (Okabe–Ito) colours given to
	// score series and compared groups, in order.
	SeriesColors = []color.Color{
		rgb(0x0072B2), rgb(0xE69F00), rgb(0x009E73), rgb(0xD55E00),
		rgb(0xCC79A7), rgb(0x56B4E9), rgb(0x000000),
	}

	// DivergingColors is the colour-blind-safe diverging scale (ColorBrewer
	// RdYlBu) from low (warm) to high (cool), used by the heatmap and the
	// Likert bars.
	DivergingColors = []color.Color{
		rgb(0xA50026), rgb(0xD73027), rgb(0xF46D43), rgb(0xFDAE61),
		rgb(0xFEE090), rgb(0xFFFFBF), rgb(0xE0F3F8), rgb(0xABD9E9),
		rgb(0x74ADD1), rgb(0x4575B4), rgb(0x313695),
	}

	// NeutralColor fills the neutral middle category of Likert bars and
	// the "don't know" bars.
	NeutralColor color.Color = rgb(0xBDBDBD)

	// SuppressedColor is the background of a cell, bar or marker suppressed
	// for too few responses; it is hatched with SuppressedHatchColor.
	SuppressedColor color.Color = rgb(0xF0F0F0)

	// SuppressedHatchColor is the colour of the hatching of suppressed cells.
	SuppressedHatchColor color.Color = rgb(0xA8A8A8)
)

// The typeface of all text. vgpdf cannot embed a bold face registered as
// bold, so the bold sans is registered again as a variant of its own.
var (
	sans       = font.Font{Typeface: "Liberation", Variant: "Sans"}
	sansBold   = font.Font{Typeface: "Liberation", Variant: "SansBold"}
	textFonts  = newFontCache()
	plainTexts = text.Plain{Fonts: textFonts}
)

// newFontCache returns the Liberation faces and the bold sans as sansBold.
func newFontCache() *font.Cache {
	coll := slices.Clone(liberation.Collection())
	for _, f := range coll {
		if f.Font.Variant == sans.Variant && f.Font.Weight == xfont.WeightBold && f.Font.Style == xfont.StyleNormal {
			coll = append(coll, font.Face{Font: sansBold, Face: f.Face})
			break
		}
	}
	return font.NewCache(coll)
}

// Fixed inks and sizes of the figure furniture.
var (
	inkColor      = rgb(0x222222)
	mutedColor    = rgb(0x555555)
	faintColor    = rgb(0x767676)
	gridColor     = rgb(0xE3E3E3)
	axisColor     = rgb(0x9A9A9A)
	whiskerColor  = rgb(0x333333)
	fitLineColor  = rgb(0xD55E00)
	whiskerStyle  = draw.LineStyle{Color: whiskerColor, Width: 0.8}
	whiskerCap    = vg.Points(2.5)
	hatchSpacing  = vg.Points(3.5)
	indentPerStep = vg.Points(10)
)

const (
	titleSize    = 14
	subtitleSize = 10
	labelSize    = 9.5
	tickSize     = 8.5
	noteSize     = 7.5
)

func rgb(v uint32) color.RGBA {
	return color.RGBA{R: uint8(v >> 16), G: uint8(v >> 8), B: uint8(v), A: 0xFF}
}

// textStyle returns the figure font at size in colour clr, left and bottom aligned.
func textStyle(size vg.Length, clr color.Color) text.Style {
	return text.Style{
		Color:   clr,
		Font:    font.From(sans, size),
		Handler: plainTexts,
	}
}

// bold returns sty in the bold weight.
func bold(sty text.Style) text.Style {
	sty.Font = font.From(sansBold, sty.Font.Size)
	return sty
}

// aligned returns sty with the given alignment.
func aligned(sty text.Style, x text.XAlignment, y text.YAlignment) text.Style {
	sty.XAlign, sty.YAlign = x, y
	return sty
}

// newPlot returns a plot styled like every panel of the package: no title,
// small grey axes, a light grid drawn by the caller's grid plotter.
func newPlot() *plot.Plot {
	p := plot.New()
	p.BackgroundColor = nil // drawn once, on the page
	p.TextHandler = plainTexts
	p.Legend.TextStyle = textStyle(labelSize, inkColor)
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.Label.TextStyle = textStyle(labelSize, inkColor)
		a.Label.Padding = 4
		a.Tick.Label = textStyle(tickSize, mutedColor)
		a.Tick.Color = axisColor
		a.Tick.Length = 3
		a.Color = axisColor
		a.Width = 0.6
		a.Padding = 2
	}
	p.X.Tick.Label.XAlign, p.X.Tick.Label.YAlign = draw.XCenter, draw.YTop
	p.Y.Tick.Label.XAlign, p.Y.Tick.Label.YAlign = draw.XRight, draw.YCenter
	return p
}

// categoryAxis hides an axis that only positions categories labelled
// elsewhere, over n categories centred on 0…n-1.
func categoryAxis(a *plot.Axis, n int) {
	a.Min, a.Max = -0.5, float64(n)-0.5
	a.Tick.Marker = plot.ConstantTicks{}
	a.Width = 0
	a.Padding = 0
}

// grid returns light grid lines at the X ticks when vertical, else at the Y ticks.
func grid(vertical bool) *plotter.Grid {
	g := plotter.NewGrid()
	g.Vertical.Color, g.Horizontal.Color = gridColor, gridColor
	g.Vertical.Width, g.Horizontal.Width = 0.6, 0.6
	if vertical {
		g.Horizontal.Color = nil
	} else {
		g.Vertical.Color = nil
	}
	return g
}

// linearTicks are major ticks every step between lo and hi, labelled with
// the locale's number format, optionally as absolute values.
type linearTicks struct {
	lo, hi, step float64
	abs          bool
	t            *texts
}

// Ticks implements plot.Ticker.
func (lt linearTicks) Ticks(float64, float64) []plot.Tick {
	// As many decimals as the step has, so neighbouring labels differ:
	// a step of 0.5 labels 4,0  4,5  5,0 rather than 4  4  5.
	prec := 0
	for f := lt.step; prec < 6 && math.Abs(f-math.Round(f)) > 1e-9; f *= 10 {
		prec++
	}
	var ts []plot.Tick
	for v := lt.lo; v <= lt.hi+lt.step/1e6; v += lt.step {
		l := v
		if lt.abs {
			l = math.Abs(v)
		}
		ts = append(ts, plot.Tick{Value: v, Label: lt.t.num(l, prec)})
	}
	return ts
}

// niceRange widens [lo, hi] to multiples of a round step giving about
// five ticks, kept within [floor, ceil].
func niceRange(lo, hi, floor, ceil float64) (min, max, step float64) {
	if hi-lo < 1e-9 {
		lo, hi = lo-1, hi+1
	}
	raw := (hi - lo) / 5
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step = mag
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if m*mag >= raw {
			step = m * mag
			break
		}
	}
	min = math.Max(floor, math.Floor(lo/step)*step)
	max = math.Min(ceil, math.Ceil(hi/step)*step)
	return min, max, step
}

// texts are the words of a figure in one language.
type texts struct {
	decimal       string
	suppressed    string
	source        string
	score         string
	absence       string
	monthly       string
	rolling       string
	significant   string
	ci            string
	wilson        string
	shareAnswers  string
	dontKnow      string
	dontKnowAxis  string
	problemShare  string
	responseRate  string
	index         string
	absenceNext   string
	units         string
	fit           string
	notShown      string
	trendTitle    string
	dimTitle      string
	itemsTitle    string
	apvTitle      string
	heatTitle     string
	scatterTitle  string
	responseTitle string
	months        [12]string
}

var textsDA = texts{
	decimal:       ",",
	suppressed:    "for få svar",
	source:        "Kilde: tillid",
	score:         "Score (0–100)",
	absence:       "Fravær (%)",
	monthly:       "Sygefravær pr. måned",
	rolling:       "Løbende 12 måneder",
	significant:   "Signifikant ændring (p < 0,05)",
	ci:            "95 %-konfidensinterval",
	wilson:        "95 %-interval (Wilson)",
	shareAnswers:  "Andel af svarene (%)",
	dontKnow:      "Ved ikke",
	dontKnowAxis:  "Ved ikke (%)",
	problemShare:  "Andel der oplever et problem (%)",
	responseRate:  "Svarprocent (%)",
	index:         "Social kapital-indeks (0–100)",
	absenceNext:   "Sygefravær næste 12 mdr. (%)",
	units:         "Enhed",
	fit:           "Lineær regression",
	notShown:      "enheder med for få svar er ikke vist",
	trendTitle:    "Social kapital og sygefravær over tid",
	dimTitle:      "Social kapital fordelt på dimensioner",
	itemsTitle:    "Svarfordeling pr. spørgsmål",
	apvTitle:      "Arbejdspladsvurdering: andel der oplever problemer",
	heatTitle:     "Social kapital pr. enhed og dimension",
	scatterTitle:  "Sygefravær og social kapital",
	responseTitle: "Svarprocent pr. enhed",
	months:        [12]string{"jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec"},
}

var textsEN = texts{
	decimal:       ".",
	suppressed:    "too few responses",
	source:        "Source: tillid",
	score:         "Score (0–100)",
	absence:       "Absence (%)",
	monthly:       "Monthly sickness absence",
	rolling:       "Rolling 12 months",
	significant:   "Significant change (p < 0.05)",
	ci:            "95% confidence interval",
	wilson:        "95% interval (Wilson)",
	shareAnswers:  "Share of answers (%)",
	dontKnow:      "Don't know",
	dontKnowAxis:  "Don't know (%)",
	problemShare:  "Share reporting a problem (%)",
	responseRate:  "Response rate (%)",
	index:         "Social capital index (0–100)",
	absenceNext:   "Absence, next 12 months (%)",
	units:         "Unit",
	fit:           "Linear regression",
	notShown:      "units with too few responses are not shown",
	trendTitle:    "Social capital and sickness absence over time",
	dimTitle:      "Social capital by dimension",
	itemsTitle:    "Answers per question",
	apvTitle:      "Workplace assessment: share reporting a problem",
	heatTitle:     "Social capital by unit and dimension",
	scatterTitle:  "Sickness absence and social capital",
	responseTitle: "Response rate by unit",
	months:        [12]string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"},
}

// textsFor returns the texts of lang, Danish when lang is empty.
func textsFor(lang string) (*texts, error) {
	switch lang {
	case "", "da":
		return &textsDA, nil
	case "en":
		return &textsEN, nil
	}
	return nil, fmt.Errorf("charts: unknown language %q (want \"da\" or \"en\")", lang)
}

// num formats v with prec decimals in the language's notation.
func (t *texts) num(v float64, prec int) string {
	s := strconv.FormatFloat(v, 'f', prec, 64)
	if s == "-0" || strings.HasPrefix(s, "-0") && strings.Trim(s, "-0.") == "" {
		s = s[1:]
	}
	s = strings.Replace(s, "-", "−", 1)
	return strings.Replace(s, ".", t.decimal, 1)
}

// pct formats a percentage with prec decimals: "12,5 %" in Danish, "12.5%" in English.
func (t *texts) pct(v float64, prec int) string {
	if t.decimal == "," {
		return t.num(v, prec) + " %"
	}
	return t.num(v, prec) + "%"
}
