package metrics

import (
	"context"
	"fmt"
	"slices"
	"strconv"

	"github.com/tillid/tillid/survey"
)

// CSVSuppressed is what an export writes in the value columns of a
// suppressed cell: never 0, never empty (empty means "not applicable").
const CSVSuppressed = "suppressed"

// ExportTable is one CSV file of a round's export: its file name and its
// rows, the header first.
type ExportTable struct {
	Name string
	Rows [][]string
}

// Export returns a round's published results as the tables of
// `tillid export csv`: results.csv (unit × index, dimension and focus
// area), items.csv (unit × item) and absence.csv (each unit's monthly
// absence from 12 months before the round opened to 12 months after it
// closed). With unitCode "" they cover every unit of the round and are
// followed by correlation.csv (the scatter points) and
// correlation_summary.csv; with a unit code they cover that unit's
// subtree only, and the correlation, which spans every unit, is left out.
// Every survey number comes through the anonymity door.
func (s *Store) Export(ctx context.Context, roundID int64, unitCode string) ([]ExportTable, error) {
	rr, err := s.RoundResults(ctx, roundID)
	if err != nil {
		return nil, err
	}
	corr, err := s.Correlation(ctx, roundID)
	if err != nil {
		return nil, err
	}
	if unitCode != "" {
		if rr, err = subtreeResults(rr, unitCode); err != nil {
			return nil, err
		}
	}
	units, err := s.survey.FindUnits(ctx)
	if err != nil {
		return nil, fmt.Errorf("metrics: export: %w", err)
	}
	ids := make(map[string]int64, len(units))
	for _, u := range units {
		ids[u.Code] = u.ID
	}
	roundUnits := make([]int64, len(rr.Units))
	for i, u := range rr.Units {
		roundUnits[i] = ids[u.Code]
	}
	absence, err := s.AbsenceSeriesByUnit(ctx, roundUnits, corr.Before.From, corr.After.To)
	if err != nil {
		return nil, err
	}
	tables := []ExportTable{
		{"results.csv", csvResultRows(rr)},
		{"items.csv", csvItemRows(rr)},
		{"absence.csv", csvAbsenceRows(rr, roundUnits, absence)},
	}
	if unitCode == "" {
		tables = append(tables, correlationTables(corr)...)
	}
	return tables, nil
}

// ExportCorrelation returns the correlation tables of a round's export:
// correlation.csv and correlation_summary.csv (see Export).
func (s *Store) ExportCorrelation(ctx context.Context, roundID int64) ([]ExportTable, error) {
	corr, err := s.Correlation(ctx, roundID)
	if err != nil {
		return nil, err
	}
	return correlationTables(corr), nil
}

// correlationTables are correlation.csv and correlation_summary.csv.
func correlationTables(corr *CorrelationResult) []ExportTable {
	return []ExportTable{{"correlation.csv", csvCorrelationRows(corr)}, {"correlation_summary.csv", csvCorrelationSummaryRows(corr)}}
}

// subtreeResults returns rr narrowed to the unit with code and the units
// below it; ErrNotFound (survey's) when the unit is not in the round.
func subtreeResults(rr *RoundResults, code string) (*RoundResults, error) {
	parent := make(map[string]string, len(rr.Units))
	for _, u := range rr.Units {
		parent[u.Code] = u.ParentCode
	}
	if _, ok := parent[code]; !ok {
		return nil, fmt.Errorf("metrics: export: unit %s in round %d: %w", code, rr.Round.ID, survey.ErrNotFound)
	}
	out := &RoundResults{Round: rr.Round, Measures: rr.Measures}
	for _, u := range rr.Units {
		for c := u.Code; c != ""; c = parent[c] {
			if c == code {
				out.Units = append(out.Units, u)
				break
			}
		}
	}
	return out, nil
}

// csvResultRows is results.csv: per unit its respondents, index, dimensions
// and focus areas.
func csvResultRows(rr *RoundResults) [][]string {
	names := csvMeasures(rr.Measures)
	rows := [][]string{{"round_id", "unit_code", "unit_name", "parent_code", "measure_kind", "measure_key", "measure_name_da", "measure_name_en",
		"suppressed", "reason", "n", "mean", "sd", "ci_low", "ci_high", "change_round_id", "change_delta", "change_p", "change_significant"}}
	for _, u := range rr.Units {
		head := []string{csvID(rr.Round.ID), u.Code, u.Name, u.ParentCode}
		rows = append(rows, slices.Concat(head, []string{string(KindRespondents), "", "Besvarelser", "Respondents"}, csvCell(u.Cell), []string{"", "", "", "", "", "", "", ""}))
		var scores []Score
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
func csvItemRows(rr *RoundResults) [][]string {
	names := csvMeasures(rr.Measures)
	rows := [][]string{{"round_id", "unit_code", "item_key", "item_type", "dimension", "focus_area", "text_da", "text_en", "suppressed", "reason",
		"n", "valid", "mean", "sd", "share", "ci_low", "ci_high", "d0", "d1", "d2", "d3", "d4", "d5", "change_round_id", "change_delta", "change_p", "change_significant"}}
	for _, u := range rr.Units {
		for _, it := range u.Items {
			n := names[string(KindItem)+":"+it.Key]
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

// csvAbsenceRows is absence.csv: each round unit's monthly absence; ids
// are the units' ids in rr.Units' order.
func csvAbsenceRows(rr *RoundResults, ids []int64, series map[int64][]AbsencePoint) [][]string {
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
func csvCorrelationRows(c *CorrelationResult) [][]string {
	rows := [][]string{{"unit_code", "unit_name", "n", "index", "absence_before_pct", "absence_after_pct"}}
	for _, p := range c.Points {
		rows = append(rows, []string{p.UnitCode, p.UnitName, strconv.Itoa(p.N), csvNum(&p.Index), csvNum(p.AbsenceBefore), csvNum(p.AbsenceAfter)})
	}
	return rows
}

// csvCorrelationSummaryRows is correlation_summary.csv: the coefficients of
// each window.
func csvCorrelationSummaryRows(c *CorrelationResult) [][]string {
	rows := [][]string{{"window", "from", "to", "months_with_data", "method", "n", "r", "ci_low", "ci_high"}}
	for _, w := range []struct {
		name string
		win  AbsenceWindow
	}{{"before", c.Before}, {"after", c.After}} {
		for _, k := range []struct {
			method string
			coef   Coefficient
		}{{"pearson", w.win.Pearson}, {"spearman", w.win.Spearman}} {
			rows = append(rows, []string{w.name, w.win.From, w.win.To, strconv.Itoa(w.win.MonthsWithData), k.method,
				strconv.Itoa(k.coef.N), csvNum(k.coef.R), csvLow(k.coef.CI), csvHigh(k.coef.CI)})
		}
	}
	return rows
}

// csvMeasures maps "kind:key" to its measure.
func csvMeasures(ms []Measure) map[string]Measure {
	out := make(map[string]Measure, len(ms))
	for _, m := range ms {
		out[string(m.Kind)+":"+m.Key] = m
	}
	return out
}

// csvCell are the suppressed, reason and n columns of a cell.
func csvCell(c Cell) []string {
	return []string{strconv.FormatBool(c.Suppressed), string(c.Reason), csvShown(c, csvInt(c.N))[0]}
}

// csvShown returns values, or the word "suppressed" in each column of a
// suppressed cell.
func csvShown(c Cell, values ...string) []string {
	if !c.Suppressed {
		return values
	}
	out := make([]string, len(values))
	for i := range out {
		out[i] = CSVSuppressed
	}
	return out
}

// csvChange are the change flag's columns, empty without a comparison.
func csvChange(ch *Change) []string {
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

func csvLow(ci *Interval) string {
	if ci == nil {
		return ""
	}
	return csvNum(&ci.Low)
}

func csvHigh(ci *Interval) string {
	if ci == nil {
		return ""
	}
	return csvNum(&ci.High)
}
