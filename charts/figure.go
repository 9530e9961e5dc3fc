package charts

import (
	"fmt"
	"image"
	"image/color"
	"io"
	"strings"
	"sync"

	"git.sr.ht/~sbinet/gg"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgpdf"
	"gonum.org/v1/plot/vg/vgsvg"
)

// PageWidth is the width every figure is laid out on; PNG resolution is
// chosen so that the image is Options.Width pixels wide (160 dpi at the
// default 1600 px), and SVG and PDF are PageWidth wide.
const PageWidth = 10 * vg.Inch

// DefaultOptions are the options Render uses in place of zero fields.
var DefaultOptions = Options{Format: "png", Width: 1600, Height: 900}

// Options say how Render writes a figure.
type Options struct {
	Format string // "png", "svg" or "pdf"
	Width  int    // width in pixels (PNG); SVG and PDF keep the aspect Width:Height
	Height int    // height in pixels (PNG)
}

// Header holds the texts every figure carries: a title, a subtitle naming
// the unit, the round(s) and n, and a source line.
type Header struct {
	Lang         string // "da" (the default when empty) or "en"; the language of the package's own labels
	Title        string // replaces the figure's default title when set
	Unit         string // the unit (or subtree) shown, named in the subtitle
	Rounds       string // the round or rounds shown, named in the subtitle
	N            int    // respondents (or units) behind the figure, "n = N" in the subtitle when > 0
	Municipality string // named in the source line
}

// Figure is a chart built from validated data, ready to be rendered in any format.
type Figure struct {
	title    string
	subtitle string
	source   string
	legend   []legendEntry
	body     func(c draw.Canvas)
	t        *texts
}

// newFigure resolves the header texts of a figure with the given default title.
func newFigure(h Header, title func(*texts) string) (*Figure, error) {
	t, err := textsFor(h.Lang)
	if err != nil {
		return nil, err
	}
	f := &Figure{title: h.Title, subtitle: subtitle(h, t), source: t.source, t: t}
	if f.title == "" {
		f.title = title(t)
	}
	if h.Municipality != "" {
		f.source += ", " + h.Municipality
	}
	return f, nil
}

// subtitle names the unit, the rounds, any extra parts and n.
func subtitle(h Header, t *texts, extra ...string) string {
	var parts []string
	for _, s := range append([]string{h.Unit, h.Rounds}, extra...) {
		if s != "" {
			parts = append(parts, s)
		}
	}
	if h.N > 0 {
		parts = append(parts, "n = "+t.num(float64(h.N), 0))
	}
	return strings.Join(parts, " · ")
}

// addLegend appends an entry to the figure's legend row.
func (f *Figure) addLegend(label string, thumb plot.Thumbnailer) {
	f.legend = append(f.legend, legendEntry{label: label, thumb: thumb})
}

// addKeys appends the legend entries of interval whiskers, labelled ci,
// and of suppressed cells, for those the figure has.
func (f *Figure) addKeys(ci string, whiskers, vertical, suppressed bool) {
	if whiskers {
		f.addLegend(ci, whiskerThumb(vertical))
	}
	if suppressed {
		f.addLegend(f.t.suppressed, thumb(suppressedSwatch))
	}
}

// Render writes fig to w in the format and size of o; a zero Format or
// Width is taken from DefaultOptions, a zero Height from its aspect.
func Render(w io.Writer, fig *Figure, o Options) error {
	if fig == nil {
		return fmt.Errorf("charts: render: nil figure")
	}
	if o.Format == "" {
		o.Format = DefaultOptions.Format
	}
	if o.Width == 0 {
		o.Width = DefaultOptions.Width
	}
	if o.Height == 0 { // keep the default aspect
		o.Height = o.Width * DefaultOptions.Height / DefaultOptions.Width
	}
	if o.Width < 200 || o.Height < 100 || o.Height > 3*o.Width {
		return fmt.Errorf("charts: render: size %d×%d out of range", o.Width, o.Height)
	}
	// Lay out every format on the same page in points, so that the PNG,
	// the SVG and the PDF of a figure look alike.
	height := PageWidth * vg.Length(o.Height) / vg.Length(o.Width)
	switch strings.ToLower(o.Format) {
	case "png":
		return renderPNG(w, fig, o.Width, o.Height)
	case "svg":
		c := vgsvg.New(PageWidth, height)
		dc := draw.New(c)
		dc.SetColor(rgb(0xFFFFFF)) // the PNG's and the PDF's background
		dc.Fill(dc.Rectangle.Path())
		fig.draw(dc)
		_, err := c.WriteTo(w)
		return err
	case "pdf":
		c := pdfCanvas{vgpdf.New(PageWidth, height)}
		fig.draw(draw.New(c))
		_, err := c.WriteTo(w)
		return err
	}
	return fmt.Errorf("charts: render: unknown format %q", o.Format)
}

// renderPNG draws fig on a width×height image at the resolution that maps
// PageWidth onto width pixels, and encodes it.
func renderPNG(w io.Writer, fig *Figure, width, height int) error {
	img := pageImages.get(width, height)
	defer pageImages.Put(img)
	// A context of our own spares vgimg copying the image into a new one.
	ctx := gg.NewContextForRGBA(img)
	ctx.SetLineCapButt()
	ctx.InvertY()
	dpi := max(1, (width*72+int(PageWidth)/2)/int(PageWidth))
	c := vgimg.NewWith(vgimg.UseImageWithContext(img, ctx), vgimg.UseDPI(dpi))
	fig.draw(draw.New(c))
	if err := writePNG(w, img); err != nil {
		return fmt.Errorf("charts: render: %w", err)
	}
	return nil
}

// imagePool recycles page images, 5.8 MB at the default size.
type imagePool struct{ sync.Pool }

// pageImages holds the images of finished PNG renders.
var pageImages imagePool

// get returns an image of the size, whose pixels the canvas will clear.
func (p *imagePool) get(width, height int) *image.RGBA {
	if img, ok := p.Get().(*image.RGBA); ok && img.Rect.Dx() == width && img.Rect.Dy() == height {
		return img
	}
	return image.NewRGBA(image.Rect(0, 0, width, height))
}

const (
	pageMargin = vg.Length(16)
	blockGap   = vg.Length(8)
)

// draw draws the whole figure: header, legend row, body and source line.
func (f *Figure) draw(c draw.Canvas) {
	c = draw.Crop(c, pageMargin, -pageMargin, pageMargin*0.75, -pageMargin)

	top := c.Max.Y
	titleSty := aligned(bold(textStyle(titleSize, inkColor)), draw.XLeft, draw.YTop)
	c.FillText(titleSty, vg.Point{X: c.Min.X, Y: top}, f.title)
	top -= titleSty.Height(f.title) + 3
	if f.subtitle != "" {
		sty := aligned(textStyle(subtitleSize, mutedColor), draw.XLeft, draw.YTop)
		c.FillText(sty, vg.Point{X: c.Min.X, Y: top}, f.subtitle)
		top -= sty.Height(f.subtitle)
	}
	top -= blockGap

	srcSty := textStyle(noteSize, faintColor)
	c.FillText(srcSty, vg.Point{X: c.Min.X, Y: c.Min.Y + srcSty.FontExtents().Descent}, f.source)
	bottom := c.Min.Y + srcSty.Height(f.source) + blockGap

	if len(f.legend) > 0 {
		top -= drawLegend(c, top, f.legend) + blockGap
	}
	body := c
	body.Min.Y, body.Max.Y = bottom, top
	f.body(body)
}

// legendEntry is one swatch and its label in a figure's legend row.
type legendEntry struct {
	label string
	thumb plot.Thumbnailer
}

// drawLegend lays the entries out left to right below top, wrapping at the
// canvas width, and returns the height used.
func drawLegend(c draw.Canvas, top vg.Length, entries []legendEntry) vg.Length {
	const thumbW, thumbGap, entryGap = vg.Length(18), vg.Length(4), vg.Length(14)
	sty := aligned(textStyle(labelSize, inkColor), draw.XLeft, draw.YCenter)
	lineH := sty.Height("Åg") * 1.35
	x, y := c.Min.X, top-lineH/2
	for _, e := range entries {
		w := thumbW + thumbGap + sty.Width(e.label)
		if x > c.Min.X && x+w > c.Max.X {
			x, y = c.Min.X, y-lineH
		}
		h := sty.Height("Åg") * 0.8
		thumb := draw.Canvas{Canvas: c.Canvas, Rectangle: vg.Rectangle{
			Min: vg.Point{X: x, Y: y - h/2},
			Max: vg.Point{X: x + thumbW, Y: y + h/2},
		}}
		e.thumb.Thumbnail(&thumb)
		c.FillText(sty, vg.Point{X: x + thumbW + thumbGap, Y: y}, e.label)
		x += w + entryGap
	}
	return top - (y - lineH/2)
}

// thumb adapts a drawing function to plot.Thumbnailer.
type thumb func(c *draw.Canvas)

// Thumbnail implements plot.Thumbnailer.
func (f thumb) Thumbnail(c *draw.Canvas) { f(c) }

// swatch is a legend thumbnail filled with clr.
func swatch(clr color.Color) thumb {
	return func(c *draw.Canvas) {
		c.SetColor(clr)
		c.Fill(draw.Crop(*c, 3, -3, 0, 0).Rectangle.Path())
	}
}

// suppressedSwatch is the legend thumbnail of suppressed cells.
func suppressedSwatch(c *draw.Canvas) {
	hatch(*c, draw.Crop(*c, 3, -3, 0, 0).Rectangle)
}

// whiskerThumb is the legend thumbnail of an interval whisker.
func whiskerThumb(vertical bool) thumb {
	return func(c *draw.Canvas) {
		mid := c.Center()
		if vertical {
			drawWhisker(*c, mid.Sub(vg.Point{Y: 5}), mid.Add(vg.Point{Y: 5}), false)
			return
		}
		drawWhisker(*c, vg.Point{X: c.Min.X + 2, Y: mid.Y}, vg.Point{X: c.Max.X - 2, Y: mid.Y}, true)
	}
}

// wrap breaks s into at most maxLines lines no wider than width,
// shortening the last one with an ellipsis when s does not fit.
func wrap(sty text.Style, s string, width vg.Length, maxLines int) []string {
	var lines []string
	line := ""
	words := strings.Fields(s)
	for i, w := range words {
		try := strings.TrimSpace(line + " " + w)
		if sty.Width(try) <= width || line == "" && len(lines) == maxLines-1 {
			line = try
			continue
		}
		if line != "" {
			lines = append(lines, line)
		}
		if len(lines) == maxLines-1 {
			line = strings.Join(words[i:], " ")
			break
		}
		line = w
	}
	if line != "" {
		lines = append(lines, line)
	}
	if n := len(lines); n > 0 && sty.Width(lines[n-1]) > width {
		r := []rune(lines[n-1])
		for len(r) > 1 && sty.Width(string(r)+"…") > width {
			r = r[:len(r)-1]
		}
		lines[n-1] = strings.TrimSpace(string(r)) + "…"
	}
	return lines
}
