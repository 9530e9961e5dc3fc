package charts

import (
	"strings"

	"golang.org/x/text/encoding/charmap"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/vgpdf"
)

// pdfCanvas passes text to vgpdf in code page 1252, the encoding of the
// fonts it embeds; given UTF-8 it prints "æ" as "Ã¦".
type pdfCanvas struct{ *vgpdf.Canvas }

// pdfSubstitutes replace the characters figures use that code page 1252 lacks.
var pdfSubstitutes = strings.NewReplacer("−", "-", "ρ", "rho", "≥", ">=", "≤", "<=")

// FillString implements vg.Canvas.
func (c pdfCanvas) FillString(f font.Face, pt vg.Point, s string) {
	s = pdfSubstitutes.Replace(s)
	b := make([]byte, 0, len(s))
	for _, r := range s {
		if e, ok := charmap.Windows1252.EncodeRune(r); ok {
			b = append(b, e)
		} else {
			b = append(b, '?')
		}
	}
	c.Canvas.FillString(f, pt, string(b))
}
