package main

import (
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"time"

	"github.com/tillid/tillid/metrics"
)

// runExport writes a round's results out of tillid: tillid export csv.
func runExport(ctx context.Context, m *Main, args []string) error {
	if len(args) == 0 {
		fmt.Fprintln(m.Stderr, "usage: tillid export csv --round R --out DIR")
		return fmt.Errorf("export: want a format: csv")
	}
	switch args[0] {
	case "csv":
		return exportCSV(ctx, m, args[1:])
	case "report":
		return m.runExportReport(ctx, args[1:])
	}
	return fmt.Errorf("export: unknown format %q: want csv", args[0])
}

// csvSuppressed is what a CSV export writes in the value columns of a
// suppressed cell: never 0, never empty (empty means "not applicable").
const csvSuppressed = "suppressed"

// exportCSV writes a round's published results as CSV files to a folder:
// results.csv (unit × index, dimension and focus area), items.csv (unit ×
// item), absence.csv (each unit's monthly absence from 12 months before
// the round opened to 12 months after it closed), correlation.csv (the
// scatter points) and correlation_summary.csv. Every survey number comes
// through metrics' anonymity door.
func exportCSV(ctx context.Context, m *Main, args []string) error {
	fs := m.flagSet("export csv")
	roundID := fs.Int64("round", 0, "the round to export (required)")
	out := fs.String("out", "tillid-export", "folder to write the CSV files to (created if missing)")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: tillid export csv --round R [--out DIR] [--db DSN]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *roundID <= 0 || fs.NArg() > 0 {
		fs.Usage()
		return fmt.Errorf("export csv: want --round R and no other arguments")
	}
	if err := m.openStore(ctx); err != nil {
		return err
	}
	rr, err := m.Metrics.RoundResults(ctx, *roundID)
	if err != nil {
		return err
	}
	corr, err := m.Metrics.Correlation(ctx, *roundID)
	if err != nil {
		return err
	}
	units, err := m.Store.FindUnits(ctx)
	if err != nil {
		return err
	}
	ids := make(map[string]int64, len(units))
	for _, u := range units {
		ids[u.Code] = u.ID
	}
	roundUnits := make([]int64, len(rr.Units))
	for i, u := range rr.Units {
		roundUnits[i] = ids[u.Code]
	}
	absence, err := m.Metrics.AbsenceSeriesByUnit(ctx, roundUnits, corr.Before.From, corr.After.To)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return fmt.Errorf("export csv: %w", err)
	}
	files := []struct {
		name string
		rows [][]string
	}{
		{"results.csv", csvResultRows(rr)},
		{"items.csv", csvItemRows(rr)},
		{"absence.csv", csvAbsenceRows(rr, roundUnits, absence)},
		{"correlation.csv", csvCorrelationRows(corr)},
		{"correlation_summary.csv", csvCorrelationSummaryRows(corr)},
	}
	for _, f := range files {
		if err := writeCSVFile(filepath.Join(*out, f.name), f.rows); err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "%s: %d rows\n", filepath.Join(*out, f.name), len(f.rows)-1)
	}
	return nil
}

// csvResultRows is results.csv: per unit its respondents, index, dimensions
// and focus areas.
func csvResultRows(rr *metrics.RoundResults) [][]string {
	names := csvMeasures(rr.Measures)
	rows := [][]string{{"round_id", "unit_code", "unit_name", "parent_code", "measure_kind", "measure_key", "measure_name_da", "measure_name_en",
		"suppressed", "reason", "n", "mean", "sd", "ci_low", "ci_high", "change_round_id", "change_delta", "change_p", "change_significant"}}
	for _, u := range rr.Units {
		head := []string{csvID(rr.Round.ID), u.Code, u.Name, u.ParentCode}
		rows = append(rows, slices.Concat(head, []string{string(metrics.KindRespondents), "", "Besvarelser", "Respondents"}, csvCell(u.Cell), []string{"", "", "", "", "", "", "", ""}))
		var scores []metrics.Score
		if u.Index != nil {
			scores = append(scores, *u.Index)
		}
		for _, s := range append(append(scores, u.Dimensions...), u.FocusAreas...) {
			n := names[string(s.Kind)+":"+s.Key]
			rows = append(rows, slices.Concat(head, []string{string(s.Kind), s.Key, n.NameDA, n.NameEN}, csvCell(s.Cell),
				csvShown(s.Cell, csvNum(s.Mean), csvNum(s.SD), csvLow(s.CI), csvHigh(s.CI)), csvChange(s.Change)))
		}
	}
	return rows
}

// csvItemRows is items.csv: per unit and item its score or share and its
// answer counts per value (d0 = "don't know").
func csvItemRows(rr *metrics.RoundResults) [][]string {
	names := csvMeasures(rr.Measures)
	rows := [][]string{{"round_id", "unit_code", "item_key", "item_type", "dimension", "focus_area", "text_da", "text_en", "suppressed", "reason",
		"n", "valid", "mean", "sd", "share", "ci_low", "ci_high", "d0", "d1", "d2", "d3", "d4", "d5", "change_round_id", "change_delta", "change_p", "change_significant"}}
	for _, u := range rr.Units {
		for _, it := range u.Items {
			n := names[string(metrics.KindItem)+":"+it.Key]
			d := make([]string, 6)
			for v := range d {
				if v < len(it.Distribution) {
					d[v] = strconv.Itoa(it.Distribution[v])
				}
			}
			rows = append(rows, slices.Concat([]string{csvID(rr.Round.ID), u.Code, it.Key, string(it.Type), it.Dimension, it.FocusArea, n.NameDA, n.NameEN},
				csvCell(it.Cell), csvShown(it.Cell, csvInt(it.Valid), csvNum(it.Mean), csvNum(it.SD), csvNum(it.Share), csvLow(it.CI), csvHigh(it.CI)),
				csvShown(it.Cell, d...), csvChange(it.Change)))
		}
	}
	return rows
}

// csvAbsenceRows is absence.csv: each round unit's monthly absence.
func csvAbsenceRows(rr *metrics.RoundResults, ids []int64, series map[int64][]metrics.AbsencePoint) [][]string {
	rows := [][]string{{"unit_code", "month", "absence_days", "own_illness_days", "work_injury_days", "possible_days", "absence_pct", "rolling_12_pct", "fte", "days_per_fte", "units"}}
	for i, u := range rr.Units {
		for _, p := range series[ids[i]] {
			rows = append(rows, []string{u.Code, p.Period, csvNum(&p.AbsenceDays), csvNum(&p.OwnIllnessDays), csvNum(&p.WorkInjuryDays), csvNum(&p.PossibleDays),
				csvNum(&p.Percent), csvNum(p.Rolling12), csvNum(p.FTE), csvNum(p.DaysPerFTE), strconv.Itoa(p.Units)})
		}
	}
	return rows
}

// csvCorrelationRows is correlation.csv: the units of the scatter chart.
func csvCorrelationRows(c *metrics.CorrelationResult) [][]string {
	rows := [][]string{{"unit_code", "unit_name", "n", "index", "absence_before_pct", "absence_after_pct"}}
	for _, p := range c.Points {
		rows = append(rows, []string{p.UnitCode, p.UnitName, strconv.Itoa(p.N), csvNum(&p.Index), csvNum(p.AbsenceBefore), csvNum(p.AbsenceAfter)})
	}
	return rows
}

// csvCorrelationSummaryRows is correlation_summary.csv: the coefficients of
// each window.
func csvCorrelationSummaryRows(c *metrics.CorrelationResult) [][]string {
	rows := [][]string{{"window", "from", "to", "months_with_data", "method", "n", "r", "ci_low", "ci_high"}}
	for _, w := range []struct {
		name string
		win  metrics.AbsenceWindow
	}{{"before", c.Before}, {"after", c.After}} {
		for _, k := range []struct {
			method string
			coef   metrics.Coefficient
		}{{"pearson", w.win.Pearson}, {"spearman", w.win.Spearman}} {
			rows = append(rows, []string{w.name, w.win.From, w.win.To, strconv.Itoa(w.win.MonthsWithData), k.method,
				strconv.Itoa(k.coef.N), csvNum(k.coef.R), csvLow(k.coef.CI), csvHigh(k.coef.CI)})
		}
	}
	return rows
}

// csvMeasures maps "kind:key" to its measure.
func csvMeasures(ms []metrics.Measure) map[string]metrics.Measure {
	out := make(map[string]metrics.Measure, len(ms))
	for _, m := range ms {
		out[string(m.Kind)+":"+m.Key] = m
	}
	return out
}

// csvCell are the suppressed, reason and n columns of a cell.
func csvCell(c metrics.Cell) []string {
	return []string{strconv.FormatBool(c.Suppressed), string(c.Reason), csvShown(c, csvInt(c.N))[0]}
}

// csvShown returns values, or the word "suppressed" in each column of a
// suppressed cell.
func csvShown(c metrics.Cell, values ...string) []string {
	if !c.Suppressed {
		return values
	}
	out := make([]string, len(values))
	for i := range out {
		out[i] = csvSuppressed
	}
	return out
}

// csvChange are the change flag's columns, empty without a comparison.
func csvChange(ch *metrics.Change) []string {
	if ch == nil {
		return []string{"", "", "", ""}
	}
	return []string{csvID(ch.RoundID), csvNum(&ch.Delta), csvNum(ch.P), strconv.FormatBool(ch.Significant)}
}

func csvID(v int64) string { return strconv.FormatInt(v, 10) }

// csvNum formats a number with a decimal point, or "" for nil.
func csvNum(v *float64) string {
	if v == nil {
		return ""
	}
	return strconv.FormatFloat(*v, 'f', -1, 64)
}

func csvInt(v *int) string {
	if v == nil {
		return ""
	}
	return strconv.Itoa(*v)
}

func csvLow(ci *metrics.Interval) string {
	if ci == nil {
		return ""
	}
	return csvNum(&ci.Low)
}

func csvHigh(ci *metrics.Interval) string {
	if ci == nil {
		return ""
	}
	return csvNum(&ci.High)
}

// writeCSVFile writes rows to a new file at path, replacing it atomically.
func writeCSVFile(path string, rows [][]string) error {
	tmp := fmt.Sprintf("%s.%d.tmp", path, time.Now().UnixNano())
	f, err := os.Create(tmp)
	if err != nil {
		return fmt.Errorf("export csv: %w", err)
	}
	defer os.Remove(tmp)
	w := csv.NewWriter(f)
	w.WriteAll(rows)
	if err := w.Error(); err != nil {
		f.Close()
		return fmt.Errorf("export csv: write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("export csv: write %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("export csv: %w", err)
	}
	return nil
}
