package report_test

import (
	"bytes"
	"compress/zlib"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tillid/tillid/charts/report"
	"github.com/tillid/tillid/charts/report/reporttest"
	"github.com/tillid/tillid/survey"
)

// newBuilder returns a builder over a fresh fixture, dated 1 June 2024.
func newBuilder(t *testing.T) (*report.Builder, *reporttest.Fixture) {
	t.Helper()
	f := reporttest.New(t)
	b := report.NewBuilder(f.Survey, f.Metrics)
	b.Now = func() time.Time { return time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC) }
	return b, f
}

// write plans and writes a report of the fixture's whole tree into a
// temporary folder, returning the report, the folder and the files
// reported through OnFile.
func write(t *testing.T, b *report.Builder, cfg report.Config) (*report.Report, string, []string) {
	t.Helper()
	var files []string
	cfg.OnFile = func(name string) error { files = append(files, name); return nil }
	r, err := b.Plan(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := r.Write(context.Background(), dir); err != nil {
		t.Fatal(err)
	}
	return r, dir, files
}

func TestReport(t *testing.T) {
	t.Parallel()
	b, f := newBuilder(t)
	r, dir, files := write(t, b, report.Config{RoundID: f.Round, Unit: reporttest.Root, Depth: report.DefaultDepth})

	t.Run("Pages", func(t *testing.T) {
		var got []string
		for _, p := range r.Pages {
			got = append(got, p.UnitCode+" "+string(p.Kind))
		}
		// Every unit of the tree, depth first; LOV (too few) and NORD
		// (complementary) get a notice, the top unit the scatter.
		want := []string{
			"KOM trend", "KOM dimensions", "KOM items", "KOM items", "KOM items", "KOM apv", "KOM heatmap", "KOM response", "KOM scatter",
			"AELD trend", "AELD dimensions", "AELD items", "AELD items", "AELD items", "AELD apv", "AELD heatmap", "AELD response",
			"LOV notice", "NORD notice",
			"SYD trend", "SYD dimensions", "SYD items", "SYD items", "SYD items", "SYD apv",
			"KULT trend", "KULT dimensions", "KULT items", "KULT items", "KULT items", "KULT apv", "KULT heatmap", "KULT response",
			"BIB trend", "BIB dimensions", "BIB items", "BIB items", "BIB items", "BIB apv",
			"MUS trend", "MUS dimensions", "MUS items", "MUS items", "MUS items", "MUS apv",
		}
		if !slices.Equal(got, want) {
			t.Errorf("got pages\n%v\nwant\n%v", got, want)
		}
	})

	t.Run("Files", func(t *testing.T) {
		for _, name := range []string{"01-trend-aabaek-kommune-test.png", "01-trend-aabaek-kommune-test.csv",
			"20-trend-aeldreplejen-syd.png", "23-spoergsmaal-retfaerdighed-samarbejde-aeldreplejen-syd.png",
			"18-for-faa-svar-plejecenter-loevehoej.csv", "09-fravaer-og-social-kapital-aabaek-kommune-test.png", "index.html", "rapport-aabaek-kommune-test-foraar-2024.pdf"} {
			if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
				t.Errorf("got %v, want file %s", err, name)
			}
			if !slices.Contains(files, name) {
				t.Errorf("OnFile was not called with %s", name)
			}
		}
		entries, _ := os.ReadDir(dir)
		if got, want := len(entries), 2*len(r.Pages)-2+2; got != want { // two notices have no figure
			t.Errorf("got %d files, want %d", got, want)
		}
		if got, want := len(files), len(entries); got != want {
			t.Errorf("got %d OnFile calls, want %d", got, want)
		}
		png, _ := os.ReadFile(filepath.Join(dir, r.Pages[0].Figure))
		if !bytes.HasPrefix(png, []byte("\x89PNG")) {
			t.Errorf("got %q, want a PNG", png[:min(8, len(png))])
		}
	})

	t.Run("Index", func(t *testing.T) {
		html := read(t, dir, "index.html")
		for _, p := range r.Pages {
			if p.Figure != "" && !strings.Contains(html, `src="`+p.Figure+`"`) {
				t.Errorf("index.html does not show %s", p.Figure)
			}
			if !strings.Contains(html, `href="`+p.CSV+`"`) {
				t.Errorf("index.html does not link %s", p.CSV)
			}
		}
		for _, want := range []string{`<html lang="da">`, "Plejecenter Løvehøj", "for få svar fra Plejecenter Løvehøj", "k = 5", r.PDF} {
			if !strings.Contains(html, want) {
				t.Errorf("index.html lacks %q", want)
			}
		}
		if regexp.MustCompile(`(src|href)="(https?:)?//`).MatchString(html) {
			t.Error("index.html refers to an external asset")
		}
	})

	t.Run("SuppressedCSV", func(t *testing.T) {
		for _, name := range []string{"18-for-faa-svar-plejecenter-loevehoej.csv", "19-for-faa-svar-aeldreplejen-nord.csv"} {
			csv := read(t, dir, name)
			lines := strings.Split(strings.TrimSpace(csv), "\n")[1:]
			if len(lines) < 10 {
				t.Fatalf("%s: got %d rows, want every measure", name, len(lines))
			}
			for _, l := range lines {
				cells := strings.Split(l, ",")
				if got := cells[len(cells)-2]; got != "suppressed" {
					t.Errorf("%s: got %q in %q, want suppressed", name, got, l)
				}
			}
		}
		// A shown unit's heatmap lists its hidden children as suppressed, never 0.
		heat := read(t, dir, "16-heatmap-aeldre-og-sundhed.csv")
		for _, code := range []string{"LOV", "NORD"} {
			line := lineOf(heat, code+",")
			if !strings.Contains(line, "suppressed") || strings.Contains(line, ",0.00") {
				t.Errorf("heatmap row %q: want suppressed cells", line)
			}
		}
	})

	t.Run("PDF", func(t *testing.T) {
		pdf := read(t, dir, r.PDF)
		if !strings.HasPrefix(pdf, "%PDF-") {
			t.Fatalf("got %q, want %%PDF-", pdf[:8])
		}
		pages := len(regexp.MustCompile(`/Type /Page\b[^s]`).FindAllString(pdf, -1))
		if want := 1 + 1 + len(r.Pages); pages != want { // cover, contents, figures
			t.Errorf("got %d pages, want %d", pages, want)
		}
		text := pdfText(t, pdf)
		// Danish letters in code page 1252, and the notice of the suppressed unit.
		for _, want := range []string{"Plejecenter L\xf8veh\xf8j", "for f\xe5 svar fra Plejecenter L\xf8veh\xf8j", "Side 3 af", "k = 5", "\xc5b\xe6k Kommune"} {
			if !strings.Contains(text, want) {
				t.Errorf("the PDF's text lacks %q", want)
			}
		}
	})
}

func TestReportEnglishSVG(t *testing.T) {
	t.Parallel()
	b, f := newBuilder(t)
	r, dir, _ := write(t, b, report.Config{RoundID: f.Round, Unit: reporttest.Care, Depth: 1, Lang: "en", Format: "svg", Workers: 1})
	for _, name := range []string{"01-trend-aeldre-og-sundhed.svg", "03-items-tillid-aeldre-og-sundhed.svg", "report-aeldre-og-sundhed-foraar-2024.pdf"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Errorf("got %v, want %s", err, name)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, r.Pages[0].Base+".png")); err == nil {
		t.Error("an SVG report left a PNG in its folder")
	}
	if svg := read(t, dir, r.Pages[0].Figure); !strings.Contains(svg, "<svg") || !strings.Contains(svg, "Social capital") {
		t.Errorf("got %.80q, want an English SVG", svg)
	}
	if text := pdfText(t, read(t, dir, r.PDF)); !strings.Contains(text, "Too few responses") {
		t.Error("the English PDF lacks its notice page")
	}
}

func TestReportNoPDF(t *testing.T) {
	t.Parallel()
	b, f := newBuilder(t)
	var progress []int
	cfg := report.Config{RoundID: f.Round, Unit: reporttest.South, NoPDF: true, Progress: func(done, total int) { progress = append(progress, done, total) }}
	r, dir, files := write(t, b, cfg)
	if r.PDF != "" || slices.ContainsFunc(files, func(n string) bool { return strings.HasSuffix(n, ".pdf") }) {
		t.Errorf("got PDF %q in %v, want none", r.PDF, files)
	}
	if html := read(t, dir, "index.html"); strings.Contains(html, ".pdf") {
		t.Error("index.html links a PDF that was not written")
	}
	if want := []int{1, 6, 2, 6, 3, 6, 4, 6, 5, 6, 6, 6}; !slices.Equal(progress, want) {
		t.Errorf("got progress %v, want %v", progress, want)
	}
}

func TestPlanErrors(t *testing.T) {
	t.Parallel()
	b, f := newBuilder(t)
	ctx := context.Background()
	t.Run("ErrUnknownUnit", func(t *testing.T) {
		_, err := b.Plan(ctx, report.Config{RoundID: f.Round, Unit: "NOPE"})
		if !errors.Is(err, survey.ErrNotFound) {
			t.Errorf("got %v, want ErrNotFound", err)
		}
	})
	t.Run("ErrFormat", func(t *testing.T) {
		_, err := b.Plan(ctx, report.Config{RoundID: f.Round, Unit: reporttest.Root, Format: "gif"})
		if !errors.Is(err, survey.ErrInvalid) {
			t.Errorf("got %v, want ErrInvalid", err)
		}
	})
	t.Run("ErrRoundOpen", func(t *testing.T) {
		q, _ := f.Survey.EnsureDefaultQuestionnaire(ctx)
		d, _ := survey.ParseDate("2025-03-01")
		r := survey.Round{Name: "Forår 2025", QuestionnaireID: q.ID, OpensOn: d, ClosesOn: d, Threshold: 5}
		if err := f.Survey.CreateRound(ctx, &r, []string{reporttest.Root}); err != nil {
			t.Fatal(err)
		}
		_, err := b.Plan(ctx, report.Config{RoundID: r.ID, Unit: reporttest.Root})
		if !errors.Is(err, survey.ErrConflict) {
			t.Errorf("got %v, want ErrConflict", err)
		}
	})
}

func TestSlug(t *testing.T) {
	for in, want := range map[string]string{
		"Ældreplejen Syd":      "aeldreplejen-syd",
		"Plejecenter Løvehøj":  "plejecenter-loevehoej",
		"Åbæk Kommune (test)":  "aabaek-kommune-test",
		"  Café  Über—Næstved": "cafe-uber-naestved",
		"":                     "",
	} {
		if got := report.Slug(in); got != want {
			t.Errorf("Slug(%q): got %q, want %q", in, got, want)
		}
	}
}

func read(t *testing.T, dir, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// lineOf returns the first line of text that contains s.
func lineOf(text, s string) string {
	for l := range strings.SplitSeq(text, "\n") {
		if strings.Contains(l, s) {
			return l
		}
	}
	return ""
}

// pdfText returns the PDF's page contents, inflated.
func pdfText(t *testing.T, pdf string) string {
	t.Helper()
	var out strings.Builder
	for _, m := range regexp.MustCompile(`(?s)stream\n(.*?)\nendstream`).FindAllStringSubmatch(pdf, -1) {
		zr, err := zlib.NewReader(strings.NewReader(m[1]))
		if err != nil {
			continue // an image
		}
		b, err := io.ReadAll(zr)
		if err == nil && !bytes.Contains(b, []byte("\x00")) {
			out.Write(b)
		}
	}
	return out.String()
}
