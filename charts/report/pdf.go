package report

import (
	"fmt"
	"io"
	"strings"

	"codeberg.org/go-pdf/fpdf"
)

// The PDF's layout on landscape A4, in millimetres.
const (
	pdfMargin       = 15.0
	pdfWidth        = 297.0
	pdfHeight       = 210.0
	pdfFooter       = 12.0 // room for the footer at the bottom
	contentsPerPage = 22   // lines of the contents on one page
)

// pdfSubstitutes replace the characters of the report's texts that code
// page 1252 lacks.
var pdfSubstitutes = strings.NewReplacer("ρ", "rho", "−", "-", "≥", ">=", "≤", "<=")

// pdfInk and the other colours of the PDF, as RGB.
var (
	pdfInk   = [3]int{0x1a, 0x1a, 0x1a}
	pdfMuted = [3]int{0x55, 0x55, 0x55}
	pdfRule  = [3]int{0x00, 0x72, 0xb2}
	pdfPanel = [3]int{0xf2, 0xf2, 0xf2}
)

// writePDF writes the whole report as one PDF: a cover page, the
// contents, then one page per figure (its PNG fitted to the page) with
// page numbers. fpdf's core fonts are code page 1252, so every text
// passes through its translator and Danish letters print.
func (r *Report) writePDF(w io.Writer) error {
	words := r.sc.w
	pdf := fpdf.New("L", "mm", "A4", "")
	pdf.SetCreationDate(r.Created)
	pdf.SetModificationDate(r.Created)
	pdf.SetMargins(pdfMargin, pdfMargin, pdfMargin)
	pdf.SetAutoPageBreak(false, 0)
	pdf.SetTitle(words.reportTitle+": "+r.TopName+" – "+r.Round.Name, true)
	pdf.SetAuthor(r.Municipality, true)
	pdf.SetCreator("tillid", true)
	pdf.AliasNbPages("{nb}")
	cp1252 := pdf.UnicodeTranslatorFromDescriptor("")
	tr := func(s string) string { return cp1252(pdfSubstitutes.Replace(s)) }
	color := func(set func(r, g, b int), c [3]int) { set(c[0], c[1], c[2]) }
	footer := r.Municipality + " · " + r.Round.Name
	if r.TopName != r.Municipality {
		footer = r.Municipality + " · " + r.TopName + " · " + r.Round.Name
	}
	pdf.SetFooterFunc(func() {
		if pdf.PageNo() == 1 {
			return
		}
		pdf.SetY(pdfHeight - pdfFooter)
		pdf.SetFont("Helvetica", "", 8)
		color(pdf.SetTextColor, pdfMuted)
		pdf.CellFormat(0, 5, tr(footer), "", 0, "L", false, 0, "")
		pdf.SetX(pdfMargin)
		pdf.CellFormat(0, 5, tr(fmt.Sprintf(words.page, pdf.PageNo(), "{nb}")), "", 0, "R", false, 0, "")
	})

	// The cover.
	pdf.AddPage()
	color(pdf.SetTextColor, pdfMuted)
	pdf.SetFont("Helvetica", "", 13)
	pdf.SetY(28)
	pdf.CellFormat(0, 7, tr(r.Municipality), "", 1, "L", false, 0, "")
	color(pdf.SetTextColor, pdfInk)
	pdf.SetFont("Helvetica", "B", 26)
	pdf.MultiCell(0, 12, tr(words.reportTitle+": "+r.TopName), "", "L", false)
	pdf.SetFont("Helvetica", "", 14)
	pdf.MultiCell(0, 8, tr(r.sc.q.Title(r.Lang)), "", "L", false)
	color(pdf.SetDrawColor, pdfRule)
	pdf.SetLineWidth(0.8)
	pdf.Line(pdfMargin, pdf.GetY()+4, pdfWidth-pdfMargin, pdf.GetY()+4)
	pdf.Ln(12)
	facts := [][2]string{
		{words.round, r.Round.Name + " (" + words.date(r.Round.OpensOn) + " – " + words.date(r.Round.ClosesOn) + ")"},
		{words.generated, words.date(r.Created.Format("2006-01-02"))},
		{words.threshold, fmt.Sprintf("k = %d", r.Threshold)},
		{words.response, r.ResponseRate},
		{words.figures, fmt.Sprintf("%d", len(r.Pages))},
	}
	for _, f := range facts {
		pdf.SetFont("Helvetica", "B", 12)
		pdf.CellFormat(60, 8, tr(f[0]), "", 0, "L", false, 0, "")
		pdf.SetFont("Helvetica", "", 12)
		pdf.CellFormat(0, 8, tr(f[1]), "", 1, "L", false, 0, "")
	}
	pdf.Ln(8)
	pdf.SetFont("Helvetica", "", 10)
	color(pdf.SetTextColor, pdfMuted)
	pdf.MultiCell(170, 5, tr(fmt.Sprintf(words.anonymity, r.Threshold)), "", "L", false)

	// The contents: each unit and the page its figures start on.
	contentsPages := (len(r.units) + contentsPerPage - 1) / contentsPerPage
	first := 1 + contentsPages // pages before the figures
	for i, pu := range r.units {
		if i%contentsPerPage == 0 {
			pdf.AddPage()
			pdf.SetFont("Helvetica", "B", 18)
			color(pdf.SetTextColor, pdfInk)
			pdf.CellFormat(0, 12, tr(words.contents), "", 1, "L", false, 0, "")
			pdf.Ln(2)
		}
		p := r.Pages[pu.pages[0]]
		pdf.SetFont("Helvetica", "", 11)
		if p.Depth == 0 {
			pdf.SetFont("Helvetica", "B", 11)
		}
		indent := 8 * float64(p.Depth)
		pdf.SetX(pdfMargin + indent)
		name := p.UnitName
		if p.Kind == Notice {
			name += " (" + words.title[Notice] + ")"
		}
		pdf.CellFormat(200-indent, 7, tr(name), "", 0, "L", false, 0, "")
		pdf.CellFormat(0, 7, fmt.Sprintf("%d", first+p.Number), "", 1, "R", false, 0, "")
	}

	for _, p := range r.Pages {
		r.pdfPage(pdf, tr, p)
	}
	if err := pdf.Output(w); err != nil {
		return fmt.Errorf("report: pdf: %w", err)
	}
	return nil
}

// pdfPage adds one figure's page: the unit, the figure's number and
// title, its explanation and the figure fitted to the rest of the page,
// or the notice of a suppressed unit.
func (r *Report) pdfPage(pdf *fpdf.Fpdf, tr func(string) string, p Page) {
	pdf.AddPage()
	pdf.SetTextColor(pdfInk[0], pdfInk[1], pdfInk[2])
	pdf.SetFont("Helvetica", "B", 15)
	pdf.SetY(pdfMargin - 3)
	pdf.MultiCell(0, 7, tr(p.UnitName), "", "L", false)
	pdf.SetFont("Helvetica", "", 10)
	pdf.SetTextColor(pdfMuted[0], pdfMuted[1], pdfMuted[2])
	pdf.CellFormat(0, 5, tr(fmt.Sprintf("%d. %s · %s", p.Number, p.Title, r.Round.Name)), "", 1, "L", false, 0, "")
	if p.Kind == Notice {
		pdf.Ln(20)
		pdf.SetFillColor(pdfPanel[0], pdfPanel[1], pdfPanel[2])
		pdf.SetTextColor(pdfInk[0], pdfInk[1], pdfInk[2])
		pdf.SetFont("Helvetica", "", 14)
		pdf.SetX(pdfMargin + 25)
		pdf.MultiCell(pdfWidth-2*pdfMargin-50, 8, tr(p.Text), "", "L", true)
		return
	}
	if p.Text != "" {
		pdf.SetFont("Helvetica", "", 9)
		pdf.MultiCell(0, 4.2, tr(p.Text), "", "L", false)
	}
	top := pdf.GetY() + 2
	boxW, boxH := pdfWidth-2*pdfMargin, pdfHeight-pdfFooter-1-top
	w, h := boxW, boxW*float64(p.Height)/float64(p.Width)
	if h > boxH {
		w, h = boxH*float64(p.Width)/float64(p.Height), boxH
	}
	pdf.ImageOptions(p.PNG, pdfMargin+(boxW-w)/2, top, w, h, false, fpdf.ImageOptions{ImageType: "PNG"}, 0, "")
	pdf.SetDrawColor(0xdd, 0xdd, 0xdd)
	pdf.SetLineWidth(0.2)
	pdf.Rect(pdfMargin+(boxW-w)/2, top, w, h, "D")
}
