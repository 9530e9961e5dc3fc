package planpdf_test

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/tillid/tillid/web/planpdf"
)

// pageObject matches a page object of a PDF (never compressed).
var pageObject = regexp.MustCompile(`/Type /Page\b[^s]`)

func doc(rows int, text string) planpdf.Document {
	d := planpdf.Document{
		Title:   "Handlingsplan",
		Facts:   [][2]string{{"Kommune", "Tillid Kommune"}, {"Enhed", "Hjemmeplejen Nord"}},
		Header:  [planpdf.Columns]string{"Problem", "Risiko", "Handling", "Ansvarlig", "Frist", "Opfølgning", "Status"},
		Empty:   "Ingen punkter endnu.",
		Footer:  "Tillid Kommune · Hjemmeplejen Nord",
		Page:    "Side %d af %s",
		Created: time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC),
	}
	for range rows {
		d.Rows = append(d.Rows, [planpdf.Columns]string{text, "Høj: risiko for stress", "Fast vikar i ferien\nog en ekstra vagt", "Afdelingsleder", "1. juli 2024", "", "Planlagt"})
	}
	return d
}

func TestWrite(t *testing.T) {
	for _, tc := range []struct {
		name      string
		doc       planpdf.Document
		wantPages int
	}{
		{"Empty", doc(0, ""), 1},
		{"OnePage", doc(3, "Arbejdsmængde – æøå ÆØÅ"), 1},
		{"ManyRows", doc(40, "Travlhed i perioder med mange borgere og få kolleger på vagt"), 4},
		{"LongCell", doc(2, strings.Repeat("Meget lang beskrivelse af problemet. ", 60)), 3}, // cut to fit a page each
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := planpdf.Write(&buf, tc.doc); err != nil {
				t.Fatal(err)
			}
			if !bytes.HasPrefix(buf.Bytes(), []byte("%PDF-")) {
				t.Fatalf("got %q…, want a PDF", buf.Bytes()[:min(8, buf.Len())])
			}
			if got := len(pageObject.FindAll(buf.Bytes(), -1)); got != tc.wantPages {
				t.Errorf("got %d pages, want %d", got, tc.wantPages)
			}
		})
	}
}
