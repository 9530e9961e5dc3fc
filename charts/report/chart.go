package report

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"runtime/debug"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/tillid/tillid/charts"
	"github.com/tillid/tillid/metrics"
	"github.com/tillid/tillid/survey"
)

// Kind names a figure of the report.
type Kind string

// The figures of the report. Notice is the page of a unit whose whole
// result is suppressed: text and a CSV, no chart.
const (
	Trend      Kind = "trend"
	Dimensions Kind = "dimensions"
	Items      Kind = "items"
	APV        Kind = "apv"
	Heatmap    Kind = "heatmap"
	Scatter    Kind = "scatter"
	Response   Kind = "response"
	Notice     Kind = "notice"
)

// Kinds lists the figures Builder.Chart draws, in the report's order.
var Kinds = []Kind{Trend, Dimensions, Items, APV, Heatmap, Response, Scatter}

// Formats lists the formats a figure is rendered in.
var Formats = []string{"png", "svg", "pdf"}

// Figure sizes in pixels (PNG); SVG and PDF keep the aspect. Charts with
// a row per unit or question grow taller with their rows.
const (
	figureWidth  = 1600
	figureHeight = 900
	maxHeight    = 1800
	rowHeight    = 56  // pixels per row of a bar chart or heatmap
	rowsOverhead = 260 // title, legend, axis and source
	heightStep   = 300 // taller charts grow in steps of this
	maxTreeRows  = 25  // rows of a heatmap or response chart before it keeps to one level
)

// Chart is one figure's data, ready to be hashed, rendered and written as
// CSV. Every number in it came from metrics, through the anonymity door.
type Chart struct {
	Kind    Kind
	Section string // Items: the key of the questionnaire section shown
	Title   string // the figure's heading
	Width   int    // PNG width in pixels
	Height  int    // PNG height in pixels
	key     string // what the figure is of: round and unit
	data    any    // the input of the charts constructor
	figure  func() (*charts.Figure, error)
	table   [][]string // the CSV: a header row, then the data
}

// newChart returns a chart of data drawn by build, sized for rows rows
// (0: the default height).
func newChart[D any](kind Kind, title string, rows int, data D, build func(D) (*charts.Figure, error), table [][]string) *Chart {
	h := figureHeight
	if rows > 0 { // in steps, so that charts' pool of page images is reused
		h = max(figureHeight, min(maxHeight, (rowsOverhead+rows*rowHeight+heightStep-1)/heightStep*heightStep))
	}
	return &Chart{Kind: kind, Title: title, Width: figureWidth, Height: h, data: data,
		figure: func() (*charts.Figure, error) { return build(data) }, table: table}
}

// Render draws the chart in format (png, svg or pdf) to w.
func (c *Chart) Render(w io.Writer, format string) error {
	fig, err := c.figure()
	if err != nil {
		return fmt.Errorf("report: %s: %w", c.Kind, err)
	}
	if err := charts.Render(w, fig, charts.Options{Format: format, Width: c.Width, Height: c.Height}); err != nil {
		return fmt.Errorf("report: %s: %w", c.Kind, err)
	}
	return nil
}

// WriteCSV writes the numbers behind the chart; a suppressed cell reads
// "suppressed", never 0.
func (c *Chart) WriteCSV(w io.Writer) error {
	return writeCSV(w, c.table)
}

// ETag returns a strong entity tag for the chart rendered in format: a
// hash of what it shows (round, unit, figure, language, size and every
// number and label drawn) and of the program's build, so it changes
// exactly when the image would.
func (c *Chart) ETag(format string) (string, error) {
	data, err := json.Marshal(c.data)
	if err != nil {
		return "", fmt.Errorf("report: etag: %w", err)
	}
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00%s\x00%s\x00%dx%d\x00", buildID(), c.key, c.Kind, c.Section, format, c.Width, c.Height)
	h.Write(data)
	return `"` + hex.EncodeToString(h.Sum(nil)[:16]) + `"`, nil
}

// buildID identifies the running program's code, so that a new release
// that draws differently invalidates cached figures.
var buildID = sync.OnceValue(func() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	id := info.Main.Version
	for _, s := range info.Settings {
		if s.Key == "vcs.revision" || s.Key == "vcs.modified" {
			id += " " + s.Value
		}
	}
	return id
})

// scope is what every figure of one round in one language shares.
type scope struct {
	w     *words
	lang  string
	round metrics.RoundInfo
	q     *survey.Questionnaire
	muni  string // the municipality: the root unit's name
}

// header returns the charts header of a figure of unit.
func (sc scope) header(title, unit string, n int) charts.Header {
	return charts.Header{Lang: sc.lang, Title: title, Unit: unit, Rounds: sc.round.Name, N: n, Municipality: sc.muni}
}

// chartScore turns a published score into a charts score: a suppressed
// cell (or one without a number) stays suppressed.
func chartScore(s *metrics.Score) charts.Score {
	if s == nil || s.Suppressed || s.Mean == nil {
		return charts.Score{Suppressed: true}
	}
	out := charts.Score{Value: *s.Mean, Lo: *s.Mean, Hi: *s.Mean}
	if s.N != nil {
		out.N = *s.N
	}
	if s.CI != nil {
		out.Lo, out.Hi = s.CI.Low, s.CI.High
	}
	return out
}

// measureName names a measure in the scope's language.
func (sc scope) measureName(m metrics.Measure) string {
	if m.Kind == metrics.KindIndex {
		return sc.w.index
	}
	return sc.w.name(m.NameDA, m.NameEN)
}

// trendChart returns the unit's index and social-capital dimensions over
// the closed rounds up to the scope's round, above its sickness absence.
func (sc scope) trendChart(t *metrics.Trend) (*Chart, error) {
	var rounds []metrics.TrendRound
	for _, r := range t.Rounds {
		if r.Round.ClosesOn <= sc.round.ClosesOn {
			rounds = append(rounds, r)
		}
	}
	if len(rounds) == 0 {
		return nil, fmt.Errorf("report: trend of %s: no closed round: %w", t.Unit.Code, charts.ErrNoData)
	}
	var series []metrics.Measure
	for _, m := range t.Measures {
		if m.Kind == metrics.KindIndex || m.Kind == metrics.KindDimension && m.SocialCapital {
			series = append(series, m)
		}
	}
	if len(series) == 0 {
		series = metrics.ScoreMeasures(t.Measures)
	}
	d := charts.TrendData{Header: sc.header(sc.w.title[Trend], t.Unit.Name, 0)}
	d.Rounds = rounds[0].Round.Name
	if len(rounds) > 1 {
		d.Rounds += " – " + rounds[len(rounds)-1].Round.Name
	}
	table := [][]string{{"month", "round", "series", "value", "ci_low", "ci_high", "n", "significant"}}
	for _, m := range series {
		s := charts.ScoreSeries{Name: sc.measureName(m)}
		for _, r := range rounds {
			at, err := time.Parse("2006-01", r.Month)
			if err != nil {
				return nil, fmt.Errorf("report: trend of %s: %w", t.Unit.Code, err)
			}
			ms := r.Result.Score(m)
			if ms == nil { // not measured in this round's questionnaire
				continue
			}
			p := charts.ScorePoint{Time: at, Label: r.Round.Name, Score: chartScore(ms)}
			p.Significant = ms.Change != nil && ms.Change.Significant
			s.Points = append(s.Points, p)
			table = append(table, append([]string{r.Month, r.Round.Name, s.Name}, append(scoreCells(p.Score), strconv.FormatBool(p.Significant))...))
		}
		if len(s.Points) > 0 {
			d.Series = append(d.Series, s)
		}
	}
	// The absence from a year before the first round to a year after this one.
	from, to := addMonths(rounds[0].Month, -12), addMonths(sc.round.ClosesOn[:7], 12)
	for _, a := range t.Absence {
		if a.Period < from || a.Period > to {
			continue
		}
		at, err := time.Parse("2006-01", a.Period)
		if err != nil {
			return nil, fmt.Errorf("report: trend of %s: absence: %w", t.Unit.Code, err)
		}
		d.Absence = append(d.Absence, charts.MonthValue{Month: at, Percent: a.Percent})
		table = append(table, []string{a.Period, "", "absence_pct", num(a.Percent), "", "", "", ""})
		if a.Rolling12 != nil {
			d.Rolling = append(d.Rolling, charts.MonthValue{Month: at, Percent: *a.Rolling12})
			table = append(table, []string{a.Period, "", "absence_rolling_12_pct", num(*a.Rolling12), "", "", "", ""})
		}
	}
	return newChart(Trend, sc.w.title[Trend], 0, d, charts.Trend, table), nil
}

// addMonths moves a YYYY-MM month by n months.
func addMonths(month string, n int) string {
	t, err := time.Parse("2006-01", month)
	if err != nil {
		return month
	}
	return t.AddDate(0, n, 0).Format("2006-01")
}

// dimensionsChart returns the unit's index and dimensions beside its
// parent's and the municipality's.
func (sc scope) dimensionsChart(ur *metrics.UnitResult) *Chart {
	groups := []*metrics.UnitResults{&ur.Unit}
	if ur.Parent != nil {
		groups = append(groups, ur.Parent)
		if ur.Root != nil && ur.Root.Code != ur.Parent.Code {
			groups = append(groups, ur.Root)
		}
	}
	d := charts.DimensionsData{Header: sc.header(sc.w.title[Dimensions], ur.Unit.Name, nOf(ur.Unit.Cell))}
	for _, g := range groups {
		d.Groups = append(d.Groups, g.Name)
	}
	table := [][]string{{"measure", "unit", "score", "ci_low", "ci_high", "n"}}
	for _, m := range metrics.ScoreMeasures(ur.Measures) {
		ds := charts.DimensionScores{Name: sc.measureName(m)}
		for _, g := range groups {
			s := chartScore(g.Score(m))
			ds.Scores = append(ds.Scores, s)
			table = append(table, append([]string{ds.Name, g.Name}, scoreCells(s)...))
		}
		d.Dimensions = append(d.Dimensions, ds)
	}
	return newChart(Dimensions, sc.w.title[Dimensions], len(d.Dimensions)*len(groups)/2, d, charts.Dimensions, table)
}

// itemSections returns the questionnaire's sections that have items of
// type t, with those items.
func itemSections(q *survey.Questionnaire, t survey.ItemType) []survey.Section {
	var out []survey.Section
	for _, s := range q.Sections {
		var items []survey.Item
		for _, it := range s.Items {
			if it.Type == t {
				items = append(items, it)
			}
		}
		if len(items) > 0 {
			s.Items = items
			out = append(out, s)
		}
	}
	return out
}

// itemsChart returns the answer distributions of the likert5 items of
// one questionnaire section.
func (sc scope) itemsChart(ur *metrics.UnitResult, sec survey.Section) *Chart {
	title := sc.w.title[Items] + ": " + sec.Title(sc.lang)
	d := charts.ItemsData{Header: sc.header(title, ur.Unit.Name, nOf(ur.Unit.Cell))}
	choices := survey.Likert5.Choices()
	header := []string{"item", "n"}
	for _, c := range choices {
		if c.Value != 0 {
			d.Categories = append(d.Categories, c.Label(sc.lang))
			header = append(header, Slug(c.EN)+"_pct")
		}
	}
	table := [][]string{append(header, "dont_know_pct")}
	for _, it := range sec.Items {
		row := charts.ItemDistribution{Name: it.Text(sc.lang), Suppressed: true}
		cells := []string{row.Name}
		if is := itemScore(ur, it.Key); is != nil && !is.Suppressed && len(is.Distribution) == len(choices) {
			row.Suppressed = false
			total, valid := 0, 0
			for v, n := range is.Distribution {
				total += n
				if v > 0 {
					valid += n
				}
			}
			cells = append(cells, strconv.Itoa(total))
			for _, n := range is.Distribution[1:] {
				share := 0.0
				if valid > 0 {
					share = 100 * float64(n) / float64(valid)
				}
				row.Shares = append(row.Shares, share)
				cells = append(cells, num(share))
			}
			row.DontKnow = 100 * float64(is.Distribution[0]) / float64(total)
			cells = append(cells, num(row.DontKnow))
			if valid == 0 { // only "don't know": there is no distribution to draw
				row.Shares = nil
			}
		} else {
			cells = append(cells, suppressedCells(len(choices)+1)...)
		}
		if row.Suppressed || row.Shares != nil {
			d.Items = append(d.Items, row)
		}
		table = append(table, cells)
	}
	c := newChart(Items, title, len(d.Items), d, charts.Items, table)
	c.Section = sec.Key
	return c
}

// itemScore returns the unit's cell of the item with key, nil without one.
func itemScore(ur *metrics.UnitResult, key string) *metrics.ItemScore {
	if i := slices.IndexFunc(ur.Unit.Items, func(s metrics.ItemScore) bool { return s.Key == key }); i >= 0 {
		return &ur.Unit.Items[i]
	}
	return nil
}

// apvChart returns the share reporting a problem per problem3 item.
func (sc scope) apvChart(ur *metrics.UnitResult) *Chart {
	d := charts.APVData{Header: sc.header(sc.w.title[APV], ur.Unit.Name, nOf(ur.Unit.Cell))}
	table := [][]string{{"item", "share_pct", "ci_low", "ci_high", "n"}}
	for _, sec := range itemSections(sc.q, survey.Problem3) {
		for _, it := range sec.Items {
			b := charts.Bar{Name: it.Text(sc.lang), Score: charts.Score{Suppressed: true}}
			if is := itemScore(ur, it.Key); is != nil && !is.Suppressed && is.Share != nil {
				b.Score = charts.Score{Value: *is.Share, Lo: *is.Share, Hi: *is.Share}
				if is.CI != nil {
					b.Lo, b.Hi = is.CI.Low, is.CI.High
				}
				if is.Valid != nil {
					b.N = *is.Valid
				}
			}
			d.Items = append(d.Items, b)
			table = append(table, append([]string{b.Name}, scoreCells(b.Score)...))
		}
	}
	return newChart(APV, sc.w.title[APV], len(d.Items), d, charts.APV, table)
}

// treeRows returns the unit with code and the units below it, parents
// before children: two levels down when that makes at most maxTreeRows
// rows, else one.
func treeRows(code string, parentOf func(i int) string, codes []string) []treeRow {
	children := map[string][]int{}
	for i := range codes {
		children[parentOf(i)] = append(children[parentOf(i)], i)
	}
	self := slices.Index(codes, code)
	if self < 0 {
		return nil
	}
	levels := 2
	if n := 1 + len(children[code]); n <= maxTreeRows {
		for _, c := range children[code] {
			n += len(children[codes[c]])
		}
		if n > maxTreeRows {
			levels = 1
		}
	} else {
		levels = 1
	}
	var rows []treeRow
	var walk func(i, depth int)
	walk = func(i, depth int) {
		rows = append(rows, treeRow{index: i, depth: depth})
		if depth < levels {
			for _, c := range children[codes[i]] {
				walk(c, depth+1)
			}
		}
	}
	walk(self, 0)
	return rows
}

// treeRow is one unit of a heatmap or response chart.
type treeRow struct {
	index, depth int
}

// heatmapChart returns the index and dimensions of the unit and the units below it.
func (sc scope) heatmapChart(rr *metrics.RoundResults, code string) *Chart {
	codes := make([]string, len(rr.Units))
	for i, u := range rr.Units {
		codes[i] = u.Code
	}
	rows := treeRows(code, func(i int) string { return rr.Units[i].ParentCode }, codes)
	ms := metrics.ScoreMeasures(rr.Measures)
	name := ""
	if len(rows) > 0 {
		name = rr.Units[rows[0].index].Name
	}
	d := charts.HeatmapData{Header: sc.header(sc.w.title[Heatmap], name, 0)}
	header := []string{"unit_code", "unit", "depth"}
	for _, m := range ms {
		d.Columns = append(d.Columns, sc.measureName(m))
		header = append(header, d.Columns[len(d.Columns)-1])
	}
	table := [][]string{header}
	for _, r := range rows {
		u := &rr.Units[r.index]
		hr := charts.HeatmapRow{Name: u.Name, Depth: r.depth}
		cells := []string{u.Code, u.Name, strconv.Itoa(r.depth)}
		for _, m := range ms {
			s := chartScore(u.Score(m))
			hr.Cells = append(hr.Cells, s)
			cells = append(cells, scoreCells(s)[0])
		}
		d.Rows = append(d.Rows, hr)
		table = append(table, cells)
	}
	return newChart(Heatmap, sc.w.title[Heatmap], len(d.Rows), d, charts.Heatmap, table)
}

// responseChart returns the response rates of the unit and the units below it.
func (sc scope) responseChart(rp *metrics.RoundProgress, code string) *Chart {
	codes := make([]string, len(rp.Units))
	for i, u := range rp.Units {
		codes[i] = u.Code
	}
	rows := treeRows(code, func(i int) string { return rp.Units[i].ParentCode }, codes)
	name := ""
	if len(rows) > 0 {
		name = rp.Units[rows[0].index].Name
	}
	d := charts.ResponseData{Header: sc.header(sc.w.title[Response], name, 0)}
	table := [][]string{{"unit_code", "unit", "depth", "invited", "answered", "rate_pct"}}
	for _, r := range rows {
		u := &rp.Units[r.index]
		ru := charts.ResponseUnit{Name: u.Name, Depth: r.depth, Suppressed: u.Suppressed || u.Invited == nil || u.Answered == nil || *u.Invited == 0}
		cells := []string{u.Code, u.Name, strconv.Itoa(r.depth)}
		if ru.Suppressed {
			cells = append(cells, suppressedCells(3)...)
		} else {
			ru.Invited, ru.Answered = *u.Invited, *u.Answered
			cells = append(cells, strconv.Itoa(ru.Invited), strconv.Itoa(ru.Answered), num(100*float64(ru.Answered)/float64(ru.Invited)))
		}
		d.Units = append(d.Units, ru)
		table = append(table, cells)
	}
	return newChart(Response, sc.w.title[Response], len(d.Units), d, charts.ResponseRate, table)
}

// scatterChart returns the index against the following year's absence of
// the correlation's units inside the subtree of code (all of them when
// code is the root), with r and ρ over those units; nil when fewer than
// three units have both.
func (sc scope) scatterChart(cr *metrics.CorrelationResult, rr *metrics.RoundResults, code string) *Chart {
	parent := make(map[string]string, len(rr.Units))
	name := code
	for _, u := range rr.Units {
		parent[u.Code] = u.ParentCode
		if u.Code == code {
			name = u.Name
		}
	}
	within := func(c string) bool {
		for ; c != ""; c = parent[c] {
			if c == code {
				return true
			}
		}
		return false
	}
	var xs, ys []float64
	hidden := 0
	table := [][]string{{"unit_code", "unit", "n", "index", "absence_after_pct"}}
	for _, p := range cr.Points {
		if !within(p.UnitCode) || p.AbsenceAfter == nil {
			continue
		}
		xs, ys = append(xs, p.Index), append(ys, *p.AbsenceAfter)
		table = append(table, []string{p.UnitCode, p.UnitName, strconv.Itoa(p.N), num(p.Index), num(*p.AbsenceAfter)})
	}
	// Units left out: suppressed, with no point above or below them.
	point, pointBelow := map[string]bool{}, map[string]bool{}
	for _, p := range cr.Points {
		point[p.UnitCode] = true
		for c := parent[p.UnitCode]; c != "" && !pointBelow[c]; c = parent[c] {
			pointBelow[c] = true
		}
	}
	for _, u := range rr.Units {
		if !within(u.Code) || u.Index == nil || !u.Index.Suppressed || pointBelow[u.Code] {
			continue
		}
		covered := false
		for c := parent[u.Code]; c != "" && !covered; c = parent[c] {
			covered = point[c]
		}
		if !covered {
			hidden++
		}
	}
	r, rho := metrics.Pearson(xs, ys), metrics.Spearman(xs, ys)
	if r.R == nil || rho.R == nil {
		return nil
	}
	d := charts.ScatterData{Header: sc.header(sc.w.title[Scatter], name, 0), R: *r.R, Rho: *rho.R, Suppressed: hidden}
	d.Rounds = fmt.Sprintf("%s · %s %s–%s", sc.round.Name, sc.w.period, cr.After.From, cr.After.To)
	for i := range xs {
		d.Points = append(d.Points, charts.ScatterPoint{Index: xs[i], Absence: ys[i]})
	}
	table = append(table, []string{"", "pearson_r", strconv.Itoa(r.N), num(*r.R), ""}, []string{"", "spearman_rho", strconv.Itoa(rho.N), num(*rho.R), ""})
	return newChart(Scatter, sc.w.title[Scatter], 0, d, charts.Scatter, table)
}

// nOf returns a shown cell's n, 0 for a suppressed one.
func nOf(c metrics.Cell) int {
	if c.Suppressed || c.N == nil {
		return 0
	}
	return *c.N
}
