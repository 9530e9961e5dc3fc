package codesheet_test

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"io"
	"regexp"
	"strings"
	"testing"

	"github.com/tillid/tillid/web/codesheet"
)

// pdfText returns the inflated content of every compressed stream of a
// PDF: enough to find the text fpdf wrote.
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	var b strings.Builder
	for _, m := range regexp.MustCompile(`(?s)stream\n(.*?)\nendstream`).FindAllSubmatch(pdf, -1) {
		r, err := zlib.NewReader(bytes.NewReader(m[1]))
		if err != nil {
			continue // an image, not a content stream
		}
		data, _ := io.ReadAll(r)
		b.Write(data)
	}
	return b.String()
}

func TestWrite(t *testing.T) {
	sheet := codesheet.Sheet{Municipality: "Tillid Kommune", RoundName: "Trivsel 2026", CodeURL: "https://tillid.example/kode",
		ClosesDA: "21. marts 2026", ClosesEN: "21 March 2026", Threshold: 5}
	for i := range codesheet.PerPage + 1 {
		sheet.Slips = append(sheet.Slips, codesheet.Slip{Unit: "Hjemmeplejen Nord", Code: fmt.Sprintf("ABCD-EFGH-%02d", i), Link: fmt.Sprintf("https://tillid.example/s/TOKEN%02d", i)})
	}
	var buf bytes.Buffer
	if err := codesheet.Write(&buf, sheet); err != nil {
		t.Fatal(err)
	}
	pdf := buf.Bytes()
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Fatalf("got %q…, want a PDF", pdf[:8])
	}
	if got := len(regexp.MustCompile(`/Type /Page\b[^s]`).FindAll(pdf, -1)); got != 2 {
		t.Errorf("got %d pages, want 2 for %d slips", got, len(sheet.Slips))
	}
	text := pdfText(t, pdf)
	for _, want := range []string{"(ABCD-EFGH-00)", "(ABCD-EFGH-08)", "https://tillid.example/kode", "21 March 2026", "mindst 5 svar", "Hjemmeplejen Nord"} {
		if !strings.Contains(text, want) {
			t.Errorf("PDF text lacks %q", want)
		}
	}
	if !strings.Contains(text, "(\xc5ben til og med") {
		t.Errorf("PDF text lacks \"Åben til og med\" in cp1252")
	}
}
