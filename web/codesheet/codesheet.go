// Package codesheet prints invitations for staff without a work e-mail:
// A4 pages of eight slips with cut lines, each with the municipality, the
// round, where to type the code, the printed code in large letters, a QR
// code of the personal link and a short promise of anonymity, in Danish
// with English below. The codes exist only in the PDF it writes.
package codesheet

import (
	"bytes"
	"fmt"
	"io"
	"strconv"

	"codeberg.org/go-pdf/fpdf"
	qrcode "github.com/skip2/go-qrcode"
)

// PerPage is the number of slips on an A4 page: two columns, four rows.
const PerPage = 8

// Sheet is one run of slips for a round.
type Sheet struct {
	Municipality, RoundName string
	// CodeURL is where a code is typed, e.g. https://tillid.example/kode.
	CodeURL            string
	ClosesDA, ClosesEN string
	// Threshold is the round's anonymity threshold k.
	Threshold int
	Slips     []Slip
}

// Slip is one employee's invitation.
type Slip struct {
	// Unit names the unit the invitation counts for, so that HR hands
	// the slip to the right workplace.
	Unit string
	// Code is the printed code (XXXX-XXXX-XX); Link is the personal
	// link encoded in the QR code.
	Code, Link string
}

// Geometry of a slip on A4 portrait, in mm.
const (
	pageW, pageH = 210.0, 297.0
	cols, rows   = 2, 4
	slipW, slipH = pageW / cols, pageH / rows
	pad          = 6.0
	qrSize       = 26.0
)

// Write writes the sheet's slips as a PDF to w.
func Write(w io.Writer, s Sheet) error {
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetTitle(s.Municipality+" – "+s.RoundName, true)
	pdf.SetCreator("tillid", true)
	pdf.SetAutoPageBreak(false, 0)
	pdf.SetMargins(0, 0, 0)
	tr := pdf.UnicodeTranslatorFromDescriptor("") // cp1252: æ, ø, å, –
	for i, slip := range s.Slips {
		if i%PerPage == 0 {
			pdf.AddPage()
			cutLines(pdf)
		}
		x := float64(i%cols) * slipW
		y := float64(i%PerPage/cols) * slipH
		if err := writeSlip(pdf, tr, s, slip, "qr"+strconv.Itoa(i), x, y); err != nil {
			return err
		}
	}
	if err := pdf.Output(w); err != nil {
		return fmt.Errorf("codesheet: %w", err)
	}
	return nil
}

// cutLines draws the dashed lines to cut a page into slips along.
func cutLines(pdf *fpdf.Fpdf) {
	pdf.SetDrawColor(150, 150, 150)
	pdf.SetLineWidth(0.2)
	pdf.SetDashPattern([]float64{2, 2}, 0)
	for c := 1; c < cols; c++ {
		pdf.Line(float64(c)*slipW, 0, float64(c)*slipW, pageH)
	}
	for r := 1; r < rows; r++ {
		pdf.Line(0, float64(r)*slipH, pageW, float64(r)*slipH)
	}
	pdf.SetDashPattern(nil, 0)
}

// writeSlip draws one slip with its top-left corner at x, y.
func writeSlip(pdf *fpdf.Fpdf, tr func(string) string, s Sheet, slip Slip, qrName string, x, y float64) error {
	png, err := qrcode.Encode(slip.Link, qrcode.Medium, 256)
	if err != nil {
		return fmt.Errorf("codesheet: QR code: %w", err)
	}
	pdf.RegisterImageOptionsReader(qrName, fpdf.ImageOptions{ImageType: "PNG"}, bytes.NewReader(png))
	pdf.ImageOptions(qrName, x+slipW-pad-qrSize, y+pad+4, qrSize, qrSize, false, fpdf.ImageOptions{ImageType: "PNG"}, 0, "")

	textW := slipW - 2*pad - qrSize - 3
	left := x + pad
	pdf.SetTextColor(0, 0, 0)
	pdf.SetXY(left, y+pad)
	pdf.SetFont("Helvetica", "B", 9)
	pdf.CellFormat(slipW-2*pad, 4, tr(s.Municipality+" – "+s.RoundName), "", 1, "L", false, 0, "")

	pdf.SetX(left)
	pdf.SetFont("Helvetica", "", 8)
	pdf.MultiCell(textW, 3.4, tr("Du er inviteret til at svare på et anonymt spørgeskema om trivsel og arbejdsmiljø. Gå til"), "", "L", false)
	pdf.SetX(left)
	pdf.SetFont("Helvetica", "B", 8)
	pdf.MultiCell(textW, 3.4, tr(s.CodeURL), "", "L", false)
	pdf.SetX(left)
	pdf.SetFont("Helvetica", "", 8)
	pdf.MultiCell(textW, 3.4, tr("og skriv din kode – eller scan QR-koden:"), "", "L", false)

	pdf.SetX(left)
	pdf.SetFont("Courier", "B", 19)
	pdf.CellFormat(textW, 9, slip.Code, "", 1, "L", false, 0, "")

	pdf.SetX(left)
	pdf.SetFont("Helvetica", "", 7)
	pdf.MultiCell(textW, 3, tr(fmt.Sprintf("Åben til og med %s. Du er anonym: dine svar kan ikke spores tilbage til dig, og resultater vises kun for grupper med mindst %d svar. Koden kan kun bruges én gang – hold den for dig selv.", s.ClosesDA, s.Threshold)), "", "L", false)

	pdf.SetXY(left, max(pdf.GetY(), y+pad+4+qrSize)+1)
	pdf.SetFont("Helvetica", "I", 7)
	pdf.SetTextColor(60, 60, 60)
	pdf.MultiCell(slipW-2*pad, 3, tr(fmt.Sprintf("You are invited to answer an anonymous survey on well-being and the working environment. Go to %s and type your code, or scan the QR code. Open until %s. Your answers cannot be traced back to you, and results are shown only for groups of at least %d. The code works once – keep it to yourself.", s.CodeURL, s.ClosesEN, s.Threshold)), "", "L", false)

	pdf.SetXY(left, y+slipH-pad-3)
	pdf.SetFont("Helvetica", "", 6.5)
	pdf.SetTextColor(110, 110, 110)
	pdf.CellFormat(slipW-2*pad, 3, tr("Enhed / Unit: "+slip.Unit), "", 0, "L", false, 0, "")
	return nil
}
