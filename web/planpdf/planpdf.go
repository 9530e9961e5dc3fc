// Package planpdf writes a unit's APV action plan (handlingsplan) as a
// PDF for the meeting papers and the notice board: a heading with the
// municipality, the unit, the round and the date, then the entries in a
// table on landscape A4. It takes plain, already translated texts and
// knows nothing of tillid's stores.
package planpdf

import (
	"fmt"
	"io"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"
)

// Columns is the number of columns of the plan's table: problem, risk,
// action, responsible, deadline, follow-up and status.
const Columns = 7

// Document is what the PDF shows, every text in the reader's language.
type Document struct {
	Title   string      // e.g. "Handlingsplan"
	Facts   [][2]string // label and value under the title: municipality, unit, round, date
	Header  [Columns]string
	Rows    [][Columns]string
	Empty   string // shown instead of the table when there are no rows
	Footer  string // left of the page number on every page
	Page    string // the page number's format, with %d for the page and %s for the count
	Created time.Time
}

// The layout on landscape A4, in millimetres.
const (
	margin     = 15.0
	pageHeight = 210.0
	footerRoom = 12.0
	lineHeight = 4.5
	cellPad    = 1.5
)

// widths are the columns' widths; they fill the 267 mm between the margins.
var widths = [Columns]float64{58, 44, 62, 33, 22, 22, 26}

// substitutes replace characters code page 1252 lacks.
var substitutes = strings.NewReplacer("−", "-", "≥", ">=", "≤", "<=", "→", "->")

// Write writes d as a PDF to w. fpdf's core fonts are code page 1252, so
// every text passes through its translator and Danish letters print.
func Write(w io.Writer, d Document) error {
	pdf := fpdf.New("L", "mm", "A4", "")
	pdf.SetCreationDate(d.Created)
	pdf.SetModificationDate(d.Created)
	pdf.SetMargins(margin, margin, margin)
	pdf.SetAutoPageBreak(false, 0)
	pdf.SetTitle(d.Title, true)
	pdf.SetCreator("tillid", true)
	pdf.AliasNbPages("{nb}")
	cp1252 := pdf.UnicodeTranslatorFromDescriptor("")
	tr := func(s string) string { return cp1252(substitutes.Replace(s)) }
	pdf.SetFooterFunc(func() {
		pdf.SetY(pageHeight - footerRoom)
		pdf.SetFont("Helvetica", "", 8)
		pdf.SetTextColor(0x55, 0x55, 0x55)
		pdf.CellFormat(0, 5, tr(d.Footer), "", 0, "L", false, 0, "")
		pdf.SetX(margin)
		pdf.CellFormat(0, 5, tr(fmt.Sprintf(d.Page, pdf.PageNo(), "{nb}")), "", 0, "R", false, 0, "")
	})

	pdf.AddPage()
	pdf.SetTextColor(0x1a, 0x1a, 0x1a)
	pdf.SetFont("Helvetica", "B", 20)
	pdf.CellFormat(0, 10, tr(d.Title), "", 1, "L", false, 0, "")
	pdf.Ln(2)
	for _, f := range d.Facts {
		pdf.SetFont("Helvetica", "B", 10)
		pdf.CellFormat(35, 6, tr(f[0]), "", 0, "L", false, 0, "")
		pdf.SetFont("Helvetica", "", 10)
		pdf.CellFormat(0, 6, tr(f[1]), "", 1, "L", false, 0, "")
	}
	pdf.Ln(4)
	if len(d.Rows) == 0 {
		pdf.SetFont("Helvetica", "", 11)
		pdf.MultiCell(0, 6, tr(d.Empty), "", "L", false)
	} else {
		t := table{pdf: pdf, cp1252: cp1252}
		t.row(d.Header, true)
		for _, r := range d.Rows {
			if !t.fits(r) {
				pdf.AddPage()
				t.row(d.Header, true)
			}
			t.row(r, false)
		}
	}
	if err := pdf.Output(w); err != nil {
		return fmt.Errorf("planpdf: %w", err)
	}
	return nil
}

// table draws rows whose cells wrap their text; a row is as high as its
// longest cell.
type table struct {
	pdf    *fpdf.Fpdf
	cp1252 func(string) string
}

// maxLines caps a cell so that one row always fits on a page below the
// header row: (210 - 2×15 - 12 - 20) / 4.5 lines.
const maxLines = 32

// font sets the font of a header or a body row.
func (t table) font(header bool) {
	if header {
		t.pdf.SetFont("Helvetica", "B", 9)
		return
	}
	t.pdf.SetFont("Helvetica", "", 9)
}

// lines splits the cells of r into the lines they print as, in code
// page 1252. SplitText measures runes, so it splits the UTF-8 text and
// each line is translated after.
func (t table) lines(r [Columns]string, header bool) (cells [Columns][]string, height float64) {
	t.font(header)
	n := 1
	for i, text := range r {
		var ls []string
		for _, para := range strings.Split(substitutes.Replace(text), "\n") {
			for _, l := range t.pdf.SplitText(para, widths[i]-2*cellPad) {
				ls = append(ls, t.cp1252(l))
			}
		}
		if len(ls) > maxLines {
			ls = append(ls[:maxLines-1], "...")
		}
		cells[i] = ls
		n = max(n, len(ls))
	}
	return cells, float64(n)*lineHeight + 2*cellPad
}

// fits reports whether r fits on the current page.
func (t table) fits(r [Columns]string) bool {
	_, h := t.lines(r, false)
	return t.pdf.GetY()+h <= pageHeight-margin-footerRoom
}

// row draws r at the current position and moves below it.
func (t table) row(r [Columns]string, header bool) {
	cells, h := t.lines(r, header)
	x, y := margin, t.pdf.GetY()
	if header {
		t.pdf.SetFillColor(0xe3, 0xee, 0xf8)
	}
	t.pdf.SetDrawColor(0x99, 0x99, 0x99)
	for i, ls := range cells {
		style := "D"
		if header {
			style = "FD"
		}
		t.pdf.Rect(x, y, widths[i], h, style)
		for j, l := range ls {
			t.pdf.SetXY(x+cellPad, y+cellPad+float64(j)*lineHeight)
			t.pdf.CellFormat(widths[i]-2*cellPad, lineHeight, l, "", 0, "L", false, 0, "")
		}
		x += widths[i]
	}
	t.pdf.SetXY(margin, y+h)
}
