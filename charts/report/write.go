package report

import (
	"bufio"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"sync"

	"golang.org/x/sync/errgroup"

	"github.com/tillid/tillid/charts"
	"github.com/tillid/tillid/metrics"
)

// Write renders the report into dir, creating it if needed: every figure
// in the configured format with the CSV behind it, index.html and the
// PDF (unless NoPDF). Units are drawn by Workers goroutines at once, each writing its
// files as it finishes them, so memory holds a few figures whatever the
// report's size; the PDF is assembled from the PNG files at the end (kept
// in a temporary folder when the figures are SVG or PDF).
func (r *Report) Write(ctx context.Context, dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	pngDir := dir
	if r.Format != "png" && r.PDF != "" {
		tmp, err := os.MkdirTemp("", "tillid-report-*")
		if err != nil {
			return fmt.Errorf("report: %w", err)
		}
		defer os.RemoveAll(tmp)
		pngDir = tmp
	}
	out := &output{r: r}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(r.Workers)
	for _, pu := range r.units {
		if gctx.Err() != nil {
			break
		}
		g.Go(func() error { return r.writeUnit(gctx, pu, dir, pngDir, out) })
	}
	if err := g.Wait(); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := writeFile(filepath.Join(dir, "index.html"), r.writeHTML); err != nil {
		return err
	}
	if err := out.done("index.html"); err != nil {
		return err
	}
	if r.PDF == "" {
		return nil
	}
	if err := writeFile(filepath.Join(dir, r.PDF), r.writePDF); err != nil {
		return err
	}
	return out.done(r.PDF)
}

// output reports finished files and pages, one call at a time.
type output struct {
	r     *Report
	mu    sync.Mutex
	pages int
}

// done reports finished files to OnFile.
func (o *output) done(names ...string) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.r.OnFile == nil {
		return nil
	}
	for _, n := range names {
		if err := o.r.OnFile(n); err != nil {
			return err
		}
	}
	return nil
}

// page reports a finished page to Progress.
func (o *output) page() {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.pages++
	if o.r.Progress != nil {
		o.r.Progress(o.pages, len(o.r.Pages))
	}
}

// writeUnit reads one unit's results and trend and writes its pages.
func (r *Report) writeUnit(ctx context.Context, pu planUnit, dir, pngDir string, out *output) error {
	u := &r.results.Units[pu.index]
	var ur *metrics.UnitResult
	var tr *metrics.Trend
	var err error
	for _, i := range pu.pages {
		p := &r.Pages[i]
		var c *Chart
		switch p.Kind {
		case Notice:
			if err := writeFile(filepath.Join(dir, p.CSV), func(w io.Writer) error { return writeCSV(w, r.sc.noticeTable(u, r.results.Measures)) }); err != nil {
				return err
			}
			if err := out.done(p.CSV); err != nil {
				return err
			}
			out.page()
			continue
		case Trend:
			if tr, err = r.b.Metrics.Trend(ctx, u.Code); err != nil {
				return err
			}
			if c, err = r.sc.trendChart(tr); err != nil {
				return err
			}
		case Dimensions, Items, APV:
			if ur == nil {
				if ur, err = r.b.Metrics.UnitResult(ctx, r.RoundID, u.Code); err != nil {
					return err
				}
			}
			c = r.sc.unitChart(ur, p.Kind, p.Section)
		case Heatmap:
			c = r.sc.heatmapChart(r.results, u.Code)
		case Response:
			c = r.sc.responseChart(r.progress, u.Code)
		case Scatter:
			c = r.scatter
		}
		if c == nil {
			return fmt.Errorf("report: %s of %s: nothing to draw", p.Kind, u.Code)
		}
		if err := r.writePage(p, c, dir, pngDir); err != nil {
			return err
		}
		if err := out.done(p.Figure, p.CSV); err != nil {
			return err
		}
		out.page()
	}
	return nil
}

// writePage writes a page's figure, its PNG for the PDF and its CSV.
func (r *Report) writePage(p *Page, c *Chart, dir, pngDir string) error {
	p.Width, p.Height = c.Width, c.Height
	if r.PDF != "" {
		p.PNG = filepath.Join(pngDir, p.Base+".png")
	}
	render := func(format string) func(io.Writer) error {
		return func(w io.Writer) error { return c.Render(w, format) }
	}
	if err := writeFile(filepath.Join(dir, p.Figure), render(r.Format)); err != nil {
		return err
	}
	if r.Format != "png" && r.PDF != "" {
		if err := writeFile(p.PNG, render("png")); err != nil {
			return err
		}
	}
	return writeFile(filepath.Join(dir, p.CSV), c.WriteCSV)
}

// writeFile creates path and writes it with fn through a buffer.
func writeFile(path string, fn func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	bw := bufio.NewWriterSize(f, 64<<10)
	err = fn(bw)
	if err == nil {
		err = bw.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("report: write %s: %w", filepath.Base(path), err)
	}
	return nil
}

// suppressedCell is what a CSV says in place of a suppressed number.
const suppressedCell = "suppressed"

// writeCSV writes rows as UTF-8 CSV with a byte-order mark, so that
// spreadsheet programs read æ, ø and å right.
func writeCSV(w io.Writer, rows [][]string) error {
	if _, err := io.WriteString(w, "\uFEFF"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	if err := cw.WriteAll(rows); err != nil {
		return fmt.Errorf("report: csv: %w", err)
	}
	return nil
}

// num formats a number for a CSV with two decimals.
func num(v float64) string { return strconv.FormatFloat(v, 'f', 2, 64) }

// scoreCells are the value, interval and n columns of a score.
func scoreCells(s charts.Score) []string {
	if s.Suppressed {
		return suppressedCells(4)
	}
	cells := []string{num(s.Value), "", "", ""}
	if s.Hi > s.Lo {
		cells[1], cells[2] = num(s.Lo), num(s.Hi)
	}
	if s.N > 0 {
		cells[3] = strconv.Itoa(s.N)
	}
	return cells
}

// suppressedCells returns n cells saying suppressed.
func suppressedCells(n int) []string {
	cells := make([]string, n)
	for i := range cells {
		cells[i] = suppressedCell
	}
	return cells
}

// noticeTable is the CSV of a unit whose result is suppressed: every
// measure, each suppressed, with the reason the unit is.
func (sc scope) noticeTable(u *metrics.UnitResults, measures []metrics.Measure) [][]string {
	reason := string(u.Reason)
	table := [][]string{{"unit_code", "unit", "measure", "value", "reason"}, {u.Code, u.Name, "respondents", suppressedCell, reason}}
	for _, m := range metrics.ScoreMeasures(measures) {
		table = append(table, []string{u.Code, u.Name, sc.measureName(m), suppressedCell, reason})
	}
	for _, it := range sc.q.Items {
		if it.Type.Choices() != nil {
			table = append(table, []string{u.Code, u.Name, it.Text(sc.lang), suppressedCell, reason})
		}
	}
	return table
}
