package web

import (
	"encoding/csv"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/tillid/tillid/charts/report"
	"github.com/tillid/tillid/metrics"
	"github.com/tillid/tillid/survey"
	"github.com/tillid/tillid/web/auth"
)

// This file is reading results: the landing page with a round and unit
// picker (an open round shows its progress only), a unit's results in a
// closed round, its trend next to sickness absence, the heatmap of its
// subtree, the correlation with absence across units, and CSV downloads
// of the tables `tillid export csv` writes. Every number shown comes from
// metrics, through the anonymity door: a suppressed cell reaches the
// templates as its label only ("for få svar"), never as a number.

// The results pages.
const (
	pageResults            = "results.html"
	pageResultsUnit        = "results_unit.html"
	pageResultsTrend       = "results_trend.html"
	pageResultsHeatmap     = "results_heatmap.html"
	pageResultsCorrelation = "results_correlation.html"
)

// The audit actions of reading results.
const (
	auditResultsView = "results.view"
	auditExport      = "export"
)

// heatmapDepth is how many levels below the chosen unit the heatmap shows
// by default, as the committee's report does; maxHeatmapDepth bounds ?depth.
const (
	heatmapDepth    = 2
	maxHeatmapDepth = 5
)

// resultCell is one published number ready to show. A suppressed cell
// carries its label in Hidden and nothing else, so no template can print
// a number the anonymity door held back.
type resultCell struct {
	Hidden string // the suppressed label; "" when shown
	Value  string // the score, share or count; "–" when not measured
	CI     string // the 95 % interval, "68,1–76,7"
	N      string // the respondents behind the value
	Change changeFlag
}

// resultCellTemplate writes a resultCell as a table cell (see TD).
var resultCellTemplate = template.Must(template.New("cell").Parse(
	`{{if .Hidden}}<td class="suppressed">{{.Hidden}}</td>` +
		`{{else}}<td class="number">{{.Value}}` +
		`{{with .Change}}{{if .Arrow}} <span class="flag" aria-hidden="true">{{.Arrow}}</span><span class="visually-hidden"> ({{.Text}})</span>{{end}}{{end}}` +
		`{{if .CI}}<span class="ci">{{.CI}}</span>{{end}}</td>{{end}}`))

// TD writes the cell as a table cell: the value with its change arrow
// and interval, or the suppressed label. Every results table shows a
// compact cell through it, so a suppressed cell looks the same everywhere.
func (c resultCell) TD() (template.HTML, error) {
	var b strings.Builder
	if err := resultCellTemplate.Execute(&b, c); err != nil {
		return "", err
	}
	return template.HTML(b.String()), nil
}

// changeFlag is a cell's change since the previous comparable round.
type changeFlag struct {
	Delta string // "+2,1"; "" without a comparison
	Arrow string // ↑ or ↓ when the change is significant
	Text  string // the flag in words, for screen readers
}

// resultsChart is a chart image with its text alternative; the same numbers
// are in a table next to it.
type resultsChart struct {
	Src, Alt string
}

// resultsOption is a choice of a picker.
type resultsOption struct {
	Value, Label string
	Selected     bool
}

// resultsLink is a labelled URL.
type resultsLink struct {
	URL, Label string
}

// numFormat writes the numbers of one UI language: a decimal comma in
// Danish, percent with a space.
type numFormat struct{ lang string }

// num writes v with one decimal.
func (f numFormat) num(v float64) string {
	s := strconv.FormatFloat(v, 'f', 1, 64)
	if f.lang == langDA {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

// pct writes a percentage.
func (f numFormat) pct(v float64) string { return tprintf(f.lang, "results.percent", f.num(v)) }

// optional writes *v with write, or "–" for nil.
func (f numFormat) optional(v *float64, write func(float64) string) string {
	if v == nil {
		return "–"
	}
	return write(*v)
}

// roundPeriod writes the dates a round was open, YYYY-MM-DD as stored.
func roundPeriod(lang, opens, closes string) string {
	out := make([]string, 2)
	for i, d := range []string{opens, closes} {
		out[i] = d
		if date, err := survey.ParseDate(d); err == nil {
			out[i] = formatDate(lang, date)
		}
	}
	return out[0] + " – " + out[1]
}

// formatCount writes *n, or "–" for nil.
func formatCount(n *int) string {
	if n == nil {
		return "–"
	}
	return strconv.Itoa(*n)
}

// hidden returns the cell of a suppressed group: its label only. A group
// hidden so that a smaller one cannot be worked out (complementary
// suppression) reads "for få svar" too; the unit's own page says why.
func (f numFormat) hidden(c metrics.Cell) resultCell {
	if c.Reason == metrics.ReasonRoundOpen {
		return resultCell{Hidden: translate(f.lang, "results.round_open")}
	}
	return resultCell{Hidden: translate(f.lang, "results.too_few")}
}

// interval writes a 95 % interval with write, "" without one.
func (f numFormat) interval(ci *metrics.Interval, write func(float64) string) string {
	if ci == nil {
		return ""
	}
	return write(ci.Low) + "–" + write(ci.High)
}

// change returns the flag of a change; percentage shares and scores both
// change in points.
func (f numFormat) change(ch *metrics.Change) changeFlag {
	if ch == nil {
		return changeFlag{}
	}
	fl := changeFlag{Delta: f.num(ch.Delta), Text: translate(f.lang, "results.change.none")}
	if ch.Delta > 0 {
		fl.Delta = "+" + fl.Delta
	}
	switch {
	case ch.Significant && ch.Delta > 0:
		fl.Arrow, fl.Text = "↑", translate(f.lang, "results.change.up")
	case ch.Significant && ch.Delta < 0:
		fl.Arrow, fl.Text = "↓", translate(f.lang, "results.change.down")
	}
	return fl
}

// score returns a published score's cell; nil is a measure the group
// does not have.
func (f numFormat) score(s *metrics.Score) resultCell {
	switch {
	case s == nil:
		return resultCell{Value: "–"}
	case s.Suppressed:
		return f.hidden(s.Cell)
	case s.Mean == nil:
		return resultCell{Value: "–", N: formatCount(s.N)}
	}
	return resultCell{Value: f.num(*s.Mean), CI: f.interval(s.CI, f.num), N: formatCount(s.N), Change: f.change(s.Change)}
}

// item returns an item's cell: a likert item's mean score, a problem or
// yes/no item's share in percent, over the answers counted in it.
func (f numFormat) item(it metrics.ItemScore) resultCell {
	if it.Suppressed {
		return f.hidden(it.Cell)
	}
	c := resultCell{Value: "–", N: formatCount(it.Valid), Change: f.change(it.Change)}
	switch {
	case it.Mean != nil:
		c.Value, c.CI = f.num(*it.Mean), f.interval(it.CI, f.num)
	case it.Share != nil:
		c.Value, c.CI = f.pct(*it.Share), f.interval(it.CI, f.pct)
	}
	return c
}

// respondents returns the cell of a group's respondent count.
func (f numFormat) respondents(c metrics.Cell) resultCell {
	if c.Suppressed {
		return f.hidden(c)
	}
	return resultCell{Value: formatCount(c.N), N: formatCount(c.N)}
}

// measureLabel names a measure in lang.
func measureLabel(lang string, m metrics.Measure) string {
	if lang == langEN && m.NameEN != "" {
		return m.NameEN
	}
	return m.NameDA
}

// measureLabels names measures in lang.
func measureLabels(lang string, ms []metrics.Measure) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = measureLabel(lang, m)
	}
	return out
}

// unitResultsPath is the URL of a unit's results in a round.
func unitResultsPath(roundID int64, code string) string {
	return "/results/rounds/" + strconv.FormatInt(roundID, 10) + "/units/" + url.PathEscape(code)
}

// resultsTrendPath is the URL of a unit's trend.
func resultsTrendPath(code string) string { return "/results/units/" + url.PathEscape(code) + "/trend" }

// resultsCorrelationPath is the URL of a round's correlation page.
func resultsCorrelationPath(roundID int64) string {
	return "/results/rounds/" + strconv.FormatInt(roundID, 10) + "/correlation"
}

// resultsPickerPath is the landing page with a round and a unit picked.
func resultsPickerPath(roundID int64, code string) string {
	return "/results?" + url.Values{"round": {strconv.FormatInt(roundID, 10)}, "unit": {code}}.Encode()
}

// resultsChartSrc is the chart endpoint's URL of a figure of a unit (charts.go).
func resultsChartSrc(roundID int64, code, figure, lang string) string {
	return "/charts/rounds/" + strconv.FormatInt(roundID, 10) + "/units/" + url.PathEscape(code) + "/" + figure + ".png?lang=" + lang
}

// resultsLayout is the layout of a results page whose language link
// keeps the page's query (the picked round, unit or depth).
func resultsLayout(c *gin.Context, u auth.User, lang, title string) layout {
	l := staffLayout(c, u, lang, title, c.Request.URL.Path)
	q := c.Request.URL.Query()
	q.Set("lang", otherLang(lang))
	l.LangURL = c.Request.URL.Path + "?" + q.Encode()
	return l
}

// resultsError ends a results request that failed: a malformed id is a
// page that does not exist; 5xx errors are logged.
func (s *Server) resultsError(c *gin.Context, err error) {
	status := statusOf(err)
	switch {
	case errors.Is(err, errNotVisible):
		status = http.StatusForbidden
	case status == http.StatusBadRequest:
		status = http.StatusNotFound
	}
	s.denied(c, status, err)
}

// resultsRoundID returns the round id of the :id parameter, rendering the
// results error page when it is none; ok is false then.
func (s *Server) resultsRoundID(c *gin.Context) (int64, bool) {
	id, err := roundParam(c)
	if err != nil {
		s.resultsError(c, err)
		return 0, false
	}
	return id, true
}

// auditResults logs that the signed-in user read or exported results.
func (s *Server) auditResults(c *gin.Context, action, target, detail string) error {
	u, _, _ := s.currentUser(c) // require has signed the user in
	return s.Auth.Audit(c.Request.Context(), u.ID, action, target, detail)
}

// resultsTarget names a round and unit in the audit log.
func resultsTarget(roundID int64, code string) string {
	t := "round " + strconv.FormatInt(roundID, 10)
	if code != "" {
		t += " unit " + code
	}
	return t
}

// resultsTreeUnit is a unit of a round's tree as metrics lists it.
type resultsTreeUnit struct {
	Code, Name, ParentCode string
}

// resultsTree orders a round's units as a tree.
type resultsTree struct {
	units    map[string]resultsTreeUnit
	children map[string][]string // in code order
	roots    []string
}

// newResultsTree builds the tree of units listed in code order; a unit
// whose parent is not listed is a root.
func newResultsTree(units []resultsTreeUnit) *resultsTree {
	t := &resultsTree{units: map[string]resultsTreeUnit{}, children: map[string][]string{}}
	for _, u := range units {
		t.units[u.Code] = u
	}
	for _, u := range units {
		if _, ok := t.units[u.ParentCode]; ok {
			t.children[u.ParentCode] = append(t.children[u.ParentCode], u.Code)
		} else {
			t.roots = append(t.roots, u.Code)
		}
	}
	return t
}

// walk calls visit for code and the units below it, down to maxDepth
// levels, in tree order (parents before their children).
func (t *resultsTree) walk(code string, maxDepth int, visit func(code string, depth int)) {
	var rec func(string, int)
	rec = func(c string, d int) {
		visit(c, d)
		if d < maxDepth {
			for _, ch := range t.children[c] {
				rec(ch, d+1)
			}
		}
	}
	rec(code, 0)
}

// --- The landing page: /results?round=R&unit=CODE ---

// resultsIndexPage is the landing page: pickers, then a closed round's
// summary of the unit and its children, or an open round's progress.
type resultsIndexPage struct {
	layout
	Rounds, Units []resultsOption
	Notice        string
	RoundName     string
	Period        string
	Threshold     int
	Open          bool
	UnitName      string
	// Rows are the picked unit and its children: progress counts of an
	// open round, respondents and index of a closed one.
	Rows  []summaryRow
	Links []resultsLink
}

// summaryRow is a unit's line on the landing page.
type summaryRow struct {
	Name, URL                             string
	Invited, Answered, Rate, Index, Count resultCell
}

// handleResultsIndex shows the round and unit pickers and what the
// picked round has for the picked unit: a manager picks among the
// assigned units and their subtrees only.
func (s *Server) handleResultsIndex(c *gin.Context) {
	ctx := c.Request.Context()
	lang := s.requestLang(c)
	u, _, _ := s.currentUser(c) // require has signed the user in
	p := resultsIndexPage{layout: resultsLayout(c, u, lang, translate(lang, "results.title"))}
	rounds, err := s.Survey.FindRounds(ctx)
	if err != nil {
		s.resultsError(c, err)
		return
	}
	rounds = slices.DeleteFunc(rounds, func(r survey.Round) bool { return r.Status == survey.RoundDraft })
	round, err := pickRound(rounds, c.Query("round"))
	if err != nil {
		s.resultsError(c, err)
		return
	}
	if round == nil {
		p.Notice = translate(lang, "results.no_rounds")
		s.render(c, http.StatusOK, pageResults, lang, p)
		return
	}
	for _, r := range rounds {
		p.Rounds = append(p.Rounds, resultsOption{Value: strconv.FormatInt(r.ID, 10), Label: r.Name + " (" + translate(lang, resultsStatusKeys[r.Status]) + ")", Selected: r.ID == round.ID})
	}
	p.RoundName, p.Threshold, p.Open = round.Name, round.Threshold, round.Status != survey.RoundClosed
	p.Period = roundPeriod(lang, round.OpensOn.String(), round.ClosesOn.String())
	progress, err := s.Metrics.RoundProgress(ctx, round.ID)
	if err != nil {
		s.resultsError(c, err)
		return
	}
	units := make([]resultsTreeUnit, len(progress.Units))
	for i, pu := range progress.Units {
		units[i] = resultsTreeUnit{pu.Code, pu.Name, pu.ParentCode}
	}
	tree := newResultsTree(units)
	snap, err := s.Units.Snapshot(ctx)
	if err != nil {
		s.resultsError(c, err)
		return
	}
	visible := visibleUnits(u, snap, tree)
	code, notice, err := pickUnit(c.Query("unit"), u, snap, visible)
	if err != nil {
		s.resultsError(c, err)
		return
	}
	if notice != "" {
		p.Notice = tprintf(lang, notice, c.Query("unit"))
	}
	for _, v := range visible {
		label := strings.Repeat("– ", v.depth) + tree.units[v.code].Name
		p.Units = append(p.Units, resultsOption{Value: v.code, Label: label, Selected: v.code == code})
	}
	if code == "" {
		p.Notice = translate(lang, "results.no_units")
		s.render(c, http.StatusOK, pageResults, lang, p)
		return
	}
	p.UnitName = tree.units[code].Name
	rows := append([]string{code}, tree.children[code]...)
	if p.Open {
		p.Rows = progressRows(numFormat{lang}, progress, round.ID, rows)
		s.render(c, http.StatusOK, pageResults, lang, p)
		return
	}
	rr, err := s.Metrics.RoundResults(ctx, round.ID)
	if err != nil {
		s.resultsError(c, err)
		return
	}
	p.Rows = indexRows(numFormat{lang}, rr, rows)
	p.Links = resultsLinks(lang, u, round.ID, code)
	if err := s.auditResults(c, auditResultsView, resultsTarget(round.ID, code), "summary"); err != nil {
		s.resultsError(c, err)
		return
	}
	s.render(c, http.StatusOK, pageResults, lang, p)
}

// progressRows are the response counts of the units with codes in an
// open round, each linking to its own progress.
func progressRows(f numFormat, progress *metrics.RoundProgress, roundID int64, codes []string) []summaryRow {
	var out []summaryRow
	for _, pu := range progress.Units {
		if !slices.Contains(codes, pu.Code) {
			continue
		}
		r := summaryRow{Name: pu.Name, URL: resultsPickerPath(roundID, pu.Code)}
		if pu.Suppressed {
			r.Invited = f.hidden(metrics.Cell{Suppressed: true, Reason: pu.Reason})
			r.Answered, r.Rate = r.Invited, r.Invited
		} else {
			r.Invited, r.Answered = resultCell{Value: formatCount(pu.Invited)}, resultCell{Value: formatCount(pu.Answered)}
			r.Rate = resultCell{Value: f.optional(pu.Rate, f.pct)}
		}
		out = append(out, r)
	}
	return out
}

// indexRows are the respondents and index of the units with codes in a
// closed round, in the order of codes, each linking to its results.
func indexRows(f numFormat, rr *metrics.RoundResults, codes []string) []summaryRow {
	var out []summaryRow
	for _, code := range codes {
		if i := slices.IndexFunc(rr.Units, func(x metrics.UnitResults) bool { return x.Code == code }); i >= 0 {
			ur := rr.Units[i]
			out = append(out, summaryRow{Name: ur.Name, URL: unitResultsPath(rr.Round.ID, code), Count: f.respondents(ur.Cell), Index: f.score(ur.Index)})
		}
	}
	return out
}

// resultsStatusKeys name the states of the rounds the picker offers.
var resultsStatusKeys = map[survey.RoundStatus]string{survey.RoundOpen: "results.status.open", survey.RoundClosed: "results.status.closed"}

// pickRound returns the round with the id in the query, else the newest
// closed round, else the newest; nil without rounds. rounds are newest first.
func pickRound(rounds []survey.Round, query string) (*survey.Round, error) {
	if query != "" {
		id, err := strconv.ParseInt(query, 10, 64)
		if err != nil {
			return nil, survey.Invalidf("round %q: want a number", query)
		}
		if i := slices.IndexFunc(rounds, func(r survey.Round) bool { return r.ID == id }); i >= 0 {
			return &rounds[i], nil
		}
		return nil, fmt.Errorf("web: round %d: %w", id, survey.ErrNotFound)
	}
	if i := slices.IndexFunc(rounds, func(r survey.Round) bool { return r.Status == survey.RoundClosed }); i >= 0 {
		return &rounds[i], nil
	}
	if len(rounds) > 0 {
		return &rounds[0], nil
	}
	return nil, nil
}

// pickableUnit is a unit of the picker with its level in the round's tree.
type pickableUnit struct {
	code  string
	depth int
}

// visibleUnits returns the round's units u may see, in tree order.
func visibleUnits(u auth.User, snap *auth.UnitSnapshot, tree *resultsTree) []pickableUnit {
	var out []pickableUnit
	for _, root := range tree.roots {
		tree.walk(root, len(tree.units), func(code string, depth int) {
			if id, ok := snap.IDByCode(code); ok && u.CanSeeUnit(id, snap.Ancestors) {
				out = append(out, pickableUnit{code, depth})
			}
		})
	}
	return out
}

// errNotVisible is a unit outside the signed-in manager's scope.
var errNotVisible = errors.New("web: unit outside the user's scope")

// pickUnit returns query, the unit asked for, when u may see it, else the
// default: a manager's first assigned unit in the round, the top of the
// round for everyone else ("" when u sees none). notice is the message
// key to show when query named a unit that is not in the round; a unit
// that u may not see is errNotVisible.
func pickUnit(query string, u auth.User, snap *auth.UnitSnapshot, visible []pickableUnit) (code, notice string, err error) {
	if query != "" {
		if slices.ContainsFunc(visible, func(v pickableUnit) bool { return v.code == query }) {
			return query, "", nil
		}
		if id, ok := snap.IDByCode(query); ok && !u.CanSeeUnit(id, snap.Ancestors) {
			return "", "", fmt.Errorf("web: results of %s: %w", query, errNotVisible)
		}
		notice = "results.not_in_round"
	}
	if len(visible) == 0 {
		return "", notice, nil
	}
	for _, id := range u.UnitIDs {
		for _, v := range visible {
			if vid, _ := snap.IDByCode(v.code); vid == id {
				return v.code, notice, nil
			}
		}
	}
	return visible[0].code, notice, nil
}

// resultsLinks are the ways on from a unit's results in a round.
func resultsLinks(lang string, u auth.User, roundID int64, code string) []resultsLink {
	id := strconv.FormatInt(roundID, 10)
	links := []resultsLink{
		{unitResultsPath(roundID, code), translate(lang, "results.link.unit")},
		{resultsTrendPath(code), translate(lang, "results.link.trend")},
		{unitResultsPath(roundID, code) + "/heatmap", translate(lang, "results.link.heatmap")},
	}
	if u.CanSeeAllUnits() {
		links = append(links, resultsLink{resultsCorrelationPath(roundID), translate(lang, "results.link.correlation")})
	}
	return append(links, resultsLink{"/rounds/" + id + "/units/" + url.PathEscape(code) + "/report.zip?lang=" + lang, translate(lang, "results.link.report")})
}

// --- A unit's results in a closed round ---

// resultsUnitPage is a unit's results in a closed round.
type resultsUnitPage struct {
	layout
	RoundName, Period, UnitName      string
	Threshold                        int
	PreviousRound                    string
	Respondents                      resultCell
	Suppressed                       bool   // the whole unit's result is hidden
	HiddenText                       string // why, when Suppressed
	SocialCapital, FocusAreas        scoreTable
	Items, APV                       questionTable
	Dimensions, ItemsChart, APVChart resultsChart
	CommentsHidden                   string
	Comments                         []commentGroup
	Children                         []summaryRow
	Links, Downloads                 []resultsLink
}

// scoreTable is a table of measures of a unit, with its parent's and
// the municipality's column when the unit has them.
type scoreTable struct {
	ID, Caption, ParentName, RootName string
	Rows                              []scoreRow
}

// questionTable is a table of questions; Header names the value column.
type questionTable struct {
	ID, Caption, Header string
	Rows                []questionRow
}

// scoreRow is a measure of a unit next to its parent and the municipality.
type scoreRow struct {
	Name               string
	Unit, Parent, Root resultCell
}

// questionRow is one question's result.
type questionRow struct {
	Name string
	Cell resultCell
}

// commentGroup is the comments written in one text question.
type commentGroup struct {
	Question string
	Texts    []string
}

// handleResultsUnit shows a unit's results in a closed round; an open
// round's page is its progress on the landing page.
func (s *Server) handleResultsUnit(c *gin.Context) {
	ctx := c.Request.Context()
	lang := s.requestLang(c)
	u, _, _ := s.currentUser(c) // require has signed the user in
	id, ok := s.resultsRoundID(c)
	if !ok {
		return
	}
	code := c.Param("code")
	ur, err := s.Metrics.UnitResult(ctx, id, code)
	if err != nil {
		s.resultsError(c, err)
		return
	}
	if !ur.Round.Closed() {
		c.Redirect(http.StatusSeeOther, resultsPickerPath(id, code))
		return
	}
	rr, err := s.Metrics.RoundResults(ctx, id)
	if err != nil {
		s.resultsError(c, err)
		return
	}
	if err := s.auditResults(c, auditResultsView, resultsTarget(id, code), "unit"); err != nil {
		s.resultsError(c, err)
		return
	}
	p := newResultsUnitPage(lang, ur, rr)
	p.layout = resultsLayout(c, u, lang, ur.Unit.Name+" – "+ur.Round.Name)
	p.Links = resultsLinks(lang, u, id, code)[1:] // without the page itself
	for _, name := range []string{"results.csv", "items.csv", "absence.csv"} {
		p.Downloads = append(p.Downloads, resultsLink{unitResultsPath(id, code) + "/csv/" + name, name})
	}
	s.render(c, http.StatusOK, pageResultsUnit, lang, p)
}

// newResultsUnitPage lays a unit's results out for the page.
func newResultsUnitPage(lang string, ur *metrics.UnitResult, rr *metrics.RoundResults) resultsUnitPage {
	f := numFormat{lang}
	p := resultsUnitPage{RoundName: ur.Round.Name, UnitName: ur.Unit.Name, Threshold: ur.Round.Threshold,
		Respondents: f.respondents(ur.Unit.Cell), Suppressed: ur.Unit.Suppressed}
	if ur.Unit.Reason == metrics.ReasonComplementary {
		p.HiddenText = tprintf(lang, "results.unit_hidden_complementary", ur.Round.Threshold)
	} else {
		p.HiddenText = tprintf(lang, "results.unit_hidden", ur.Round.Threshold)
	}
	p.Period = roundPeriod(lang, ur.Round.OpensOn, ur.Round.ClosesOn)
	p.SocialCapital = scoreTable{ID: "scores-caption", Caption: translate(lang, "results.caption.social_capital")}
	p.FocusAreas = scoreTable{ID: "focus-caption", Caption: translate(lang, "results.caption.focus_areas")}
	p.Items = questionTable{ID: "items-caption", Caption: translate(lang, "results.caption.items"), Header: translate(lang, "results.col.score")}
	p.APV = questionTable{ID: "apv-caption", Caption: translate(lang, "results.caption.apv"), Header: translate(lang, "results.col.share")}
	parent, root := ur.Parent, ur.Root
	if root != nil && root.Code == ur.Unit.Code {
		root = nil
	}
	if root != nil && parent != nil && root.Code == parent.Code {
		parent = nil
	}
	for _, t := range []*scoreTable{&p.SocialCapital, &p.FocusAreas} {
		if parent != nil {
			t.ParentName = parent.Name
		}
		if root != nil {
			t.RootName = root.Name
		}
	}
	if ur.PreviousRound != nil {
		p.PreviousRound = ur.PreviousRound.Name
	}
	var likert, apv bool
	for _, m := range ur.Measures {
		switch m.Kind {
		case metrics.KindIndex, metrics.KindDimension, metrics.KindFocusArea:
			row := scoreRow{Name: measureLabel(lang, m), Unit: f.score(ur.Unit.Score(m)), Parent: f.score(parent.Score(m)), Root: f.score(root.Score(m))}
			if m.Kind == metrics.KindFocusArea {
				p.FocusAreas.Rows = append(p.FocusAreas.Rows, row)
			} else {
				p.SocialCapital.Rows = append(p.SocialCapital.Rows, row)
			}
		case metrics.KindItem:
			i := slices.IndexFunc(ur.Unit.Items, func(it metrics.ItemScore) bool { return it.Key == m.Key })
			if i < 0 || m.Type == survey.Text {
				continue
			}
			row := questionRow{Name: measureLabel(lang, m), Cell: f.item(ur.Unit.Items[i])}
			if m.Type == survey.Problem3 {
				p.APV.Rows, apv = append(p.APV.Rows, row), true
			} else {
				p.Items.Rows, likert = append(p.Items.Rows, row), likert || m.Type == survey.Likert5
			}
		}
	}
	if !p.Suppressed {
		if len(p.SocialCapital.Rows) > 0 {
			p.Dimensions = resultsChart{resultsChartSrc(ur.Round.ID, ur.Unit.Code, "dimensions", lang), tprintf(lang, "results.alt.dimensions", ur.Unit.Name)}
		}
		if likert {
			p.ItemsChart = resultsChart{resultsChartSrc(ur.Round.ID, ur.Unit.Code, "items", lang), tprintf(lang, "results.alt.items", ur.Unit.Name)}
		}
		if apv {
			p.APVChart = resultsChart{resultsChartSrc(ur.Round.ID, ur.Unit.Code, "apv", lang), tprintf(lang, "results.alt.apv", ur.Unit.Name)}
		}
	}
	if ur.Comments.Reason == metrics.ReasonDeleted {
		p.CommentsHidden = translate(lang, "ops.comments.deleted")
	} else if ur.Comments.Suppressed {
		p.CommentsHidden = tprintf(lang, "results.comments.hidden", ur.Round.Threshold)
	}
	for _, g := range ur.Comments.Items {
		q := g.TextDA
		if lang == langEN && g.TextEN != "" {
			q = g.TextEN
		}
		p.Comments = append(p.Comments, commentGroup{Question: q, Texts: g.Texts})
	}
	for _, ch := range rr.Units {
		if ch.ParentCode == ur.Unit.Code {
			p.Children = append(p.Children, summaryRow{Name: ch.Name, URL: unitResultsPath(ur.Round.ID, ch.Code), Count: f.respondents(ch.Cell), Index: f.score(ch.Index)})
		}
	}
	return p
}

// --- A unit's trend ---

// resultsTrendPage is a unit's results over the closed rounds with its
// sickness absence.
type resultsTrendPage struct {
	layout
	UnitName     string
	Predecessors []string
	Measures     []string
	Rounds       []trendRow
	Absence      []monthAbsenceRow
	Chart        resultsChart
	Back         resultsLink
}

// trendRow is one round of a trend.
type trendRow struct {
	Name, Month, Predecessor string
	Respondents              resultCell
	Cells                    []resultCell
}

// monthAbsenceRow is one month of sickness absence.
type monthAbsenceRow struct {
	Month, Percent, Rolling12, Days, Possible string
}

// handleResultsTrend shows a unit's index and dimensions over every
// closed round, its predecessors' rounds marked, and its monthly absence.
func (s *Server) handleResultsTrend(c *gin.Context) {
	lang := s.requestLang(c)
	u, _, _ := s.currentUser(c) // require has signed the user in
	code := c.Param("code")
	t, err := s.Metrics.Trend(c.Request.Context(), code)
	if err != nil {
		s.resultsError(c, err)
		return
	}
	if err := s.auditResults(c, auditResultsView, "unit "+code, "trend"); err != nil {
		s.resultsError(c, err)
		return
	}
	f := numFormat{lang}
	ms := metrics.ScoreMeasures(t.Measures)
	p := resultsTrendPage{layout: resultsLayout(c, u, lang, tprintf(lang, "results.trend.title", t.Unit.Name)),
		UnitName: t.Unit.Name, Predecessors: t.Unit.Predecessors, Measures: measureLabels(lang, ms)}
	for _, r := range t.Rounds {
		row := trendRow{Name: r.Round.Name, Month: r.Month, Respondents: f.respondents(r.Result.Cell)}
		if r.Predecessor {
			row.Predecessor = strings.Join(r.Units, ", ")
		}
		for _, m := range ms {
			row.Cells = append(row.Cells, f.score(r.Result.Score(m)))
		}
		p.Rounds = append(p.Rounds, row)
	}
	for _, a := range t.Absence {
		p.Absence = append(p.Absence, monthAbsenceRow{Month: a.Period, Percent: f.pct(a.Percent), Rolling12: f.optional(a.Rolling12, f.pct),
			Days: f.num(a.AbsenceDays), Possible: f.num(a.PossibleDays)})
	}
	if n := len(t.Rounds); n > 0 {
		last := t.Rounds[n-1].Round.ID
		p.Chart = resultsChart{resultsChartSrc(last, code, "trend", lang), tprintf(lang, "results.alt.trend", t.Unit.Name)}
		p.Back = resultsLink{unitResultsPath(last, code), tprintf(lang, "results.trend.back", t.Rounds[n-1].Round.Name)}
	}
	s.render(c, http.StatusOK, pageResultsTrend, lang, p)
}

// --- The heatmap of a unit's subtree ---

// resultsHeatmapPage is the units of a subtree × the index and dimensions.
type resultsHeatmapPage struct {
	layout
	RoundName, UnitName, UnitURL string
	Depths                       []resultsOption
	Measures                     []string
	Rows                         []heatmapRow
	Chart                        resultsChart
}

// heatmapRow is one unit of the heatmap.
type heatmapRow struct {
	Name, URL   string
	Level       int
	Respondents resultCell
	Cells       []resultCell
}

// handleResultsHeatmap shows the index and dimensions of a unit and the
// units below it (?depth levels, heatmapDepth by default) in a closed round.
func (s *Server) handleResultsHeatmap(c *gin.Context) {
	lang := s.requestLang(c)
	u, _, _ := s.currentUser(c) // require has signed the user in
	id, ok := s.resultsRoundID(c)
	if !ok {
		return
	}
	depth, err := strconv.Atoi(c.DefaultQuery("depth", strconv.Itoa(heatmapDepth)))
	if err != nil || depth < 1 || depth > maxHeatmapDepth {
		s.resultsError(c, survey.Invalidf("depth %q: want 1 to %d", c.Query("depth"), maxHeatmapDepth))
		return
	}
	code := c.Param("code")
	rr, err := s.Metrics.RoundResults(c.Request.Context(), id)
	if err != nil {
		s.resultsError(c, err)
		return
	}
	if !rr.Round.Closed() {
		c.Redirect(http.StatusSeeOther, resultsPickerPath(id, code))
		return
	}
	units := make([]resultsTreeUnit, len(rr.Units))
	byCode := make(map[string]*metrics.UnitResults, len(rr.Units))
	for i := range rr.Units {
		units[i] = resultsTreeUnit{rr.Units[i].Code, rr.Units[i].Name, rr.Units[i].ParentCode}
		byCode[rr.Units[i].Code] = &rr.Units[i]
	}
	top, ok := byCode[code]
	if !ok {
		s.resultsError(c, fmt.Errorf("web: unit %s in round %d: %w", code, id, survey.ErrNotFound))
		return
	}
	if err := s.auditResults(c, auditResultsView, resultsTarget(id, code), "heatmap"); err != nil {
		s.resultsError(c, err)
		return
	}
	f := numFormat{lang}
	ms := metrics.ScoreMeasures(rr.Measures)
	p := resultsHeatmapPage{layout: resultsLayout(c, u, lang, tprintf(lang, "results.heatmap.title", top.Name)),
		RoundName: rr.Round.Name, UnitName: top.Name, UnitURL: unitResultsPath(id, code), Measures: measureLabels(lang, ms),
		Chart: resultsChart{resultsChartSrc(id, code, "heatmap", lang), tprintf(lang, "results.alt.heatmap", top.Name)}}
	for d := 1; d <= maxHeatmapDepth; d++ {
		p.Depths = append(p.Depths, resultsOption{Value: strconv.Itoa(d), Label: strconv.Itoa(d), Selected: d == depth})
	}
	newResultsTree(units).walk(code, depth, func(uc string, level int) {
		ur := byCode[uc]
		row := heatmapRow{Name: ur.Name, URL: unitResultsPath(id, uc), Level: min(level, maxHeatmapDepth), Respondents: f.respondents(ur.Cell)}
		for _, m := range ms {
			row.Cells = append(row.Cells, f.score(ur.Score(m)))
		}
		p.Rows = append(p.Rows, row)
	})
	s.render(c, http.StatusOK, pageResultsHeatmap, lang, p)
}

// --- The correlation with sickness absence ---

// resultsCorrelationPage is a round's index against sickness absence
// across units.
type resultsCorrelationPage struct {
	layout
	RoundName string
	Threshold int
	Windows   []correlationWindow
	Points    []correlationPoint
	Chart     *resultsChart
	Downloads []resultsLink
}

// correlationWindow is one window of months with its coefficients.
type correlationWindow struct {
	Name, Period, Months string
	Pearson, Spearman    coefficientView
}

// coefficientView is a correlation coefficient ready to show.
type coefficientView struct {
	R, CI, N string
}

// correlationPoint is one unit of the scatter chart.
type correlationPoint struct {
	Name, N, Index, Before, After string
}

// handleResultsCorrelation shows how a closed round's index relates to
// sickness absence across units, with what that does and does not mean.
func (s *Server) handleResultsCorrelation(c *gin.Context) {
	ctx := c.Request.Context()
	lang := s.requestLang(c)
	u, _, _ := s.currentUser(c) // require has signed the user in
	id, ok := s.resultsRoundID(c)
	if !ok {
		return
	}
	cr, err := s.Metrics.Correlation(ctx, id)
	if err != nil {
		s.resultsError(c, err)
		return
	}
	if !cr.Round.Closed() {
		c.Redirect(http.StatusSeeOther, "/results?round="+strconv.FormatInt(id, 10))
		return
	}
	rp, err := s.Metrics.RoundProgress(ctx, id)
	if err != nil {
		s.resultsError(c, err)
		return
	}
	if err := s.auditResults(c, auditResultsView, resultsTarget(id, ""), "correlation"); err != nil {
		s.resultsError(c, err)
		return
	}
	f := numFormat{lang}
	p := resultsCorrelationPage{layout: resultsLayout(c, u, lang, tprintf(lang, "results.correlation.title", cr.Round.Name)),
		RoundName: cr.Round.Name, Threshold: cr.Round.Threshold}
	coef := func(k metrics.Coefficient) coefficientView {
		v := coefficientView{R: "–", CI: "–", N: strconv.Itoa(k.N)}
		if k.R != nil {
			v.R = strconv.FormatFloat(*k.R, 'f', 2, 64)
		}
		if k.CI != nil {
			v.CI = strconv.FormatFloat(k.CI.Low, 'f', 2, 64) + " – " + strconv.FormatFloat(k.CI.High, 'f', 2, 64)
		}
		if lang == langDA {
			v.R, v.CI = strings.ReplaceAll(v.R, ".", ","), strings.ReplaceAll(v.CI, ".", ",")
		}
		return v
	}
	for _, w := range []struct {
		key string
		win metrics.AbsenceWindow
	}{{"results.correlation.after", cr.After}, {"results.correlation.before", cr.Before}} {
		p.Windows = append(p.Windows, correlationWindow{Name: translate(lang, w.key), Period: w.win.From + " – " + w.win.To,
			Months: strconv.Itoa(w.win.MonthsWithData), Pearson: coef(w.win.Pearson), Spearman: coef(w.win.Spearman)})
	}
	for _, pt := range cr.Points {
		p.Points = append(p.Points, correlationPoint{Name: pt.UnitName, N: strconv.Itoa(pt.N), Index: f.num(pt.Index),
			Before: f.optional(pt.AbsenceBefore, f.pct), After: f.optional(pt.AbsenceAfter, f.pct)})
	}
	if cr.After.Pearson.R != nil {
		if i := slices.IndexFunc(rp.Units, func(x metrics.UnitProgress) bool { return x.ParentCode == "" }); i >= 0 {
			p.Chart = &resultsChart{resultsChartSrc(id, rp.Units[i].Code, "scatter", lang), translate(lang, "results.alt.scatter")}
		}
	}
	for _, name := range []string{"correlation.csv", "correlation_summary.csv"} {
		p.Downloads = append(p.Downloads, resultsLink{resultsCorrelationPath(id) + "/csv/" + name, name})
	}
	s.render(c, http.StatusOK, pageResultsCorrelation, lang, p)
}

// --- CSV downloads ---

// handleResultsCSV downloads one table of `tillid export csv` for a unit's
// subtree in a round: results.csv, items.csv or absence.csv.
func (s *Server) handleResultsCSV(c *gin.Context) {
	id, ok := s.resultsRoundID(c)
	if !ok {
		return
	}
	tables, err := s.Metrics.Export(c.Request.Context(), id, c.Param("code"))
	if err != nil {
		s.resultsError(c, err)
		return
	}
	s.sendExportTable(c, resultsTarget(id, c.Param("code")), tables)
}

// handleResultsCorrelationCSV downloads a round's correlation tables:
// correlation.csv or correlation_summary.csv.
func (s *Server) handleResultsCorrelationCSV(c *gin.Context) {
	id, ok := s.resultsRoundID(c)
	if !ok {
		return
	}
	tables, err := s.Metrics.ExportCorrelation(c.Request.Context(), id)
	if err != nil {
		s.resultsError(c, err)
		return
	}
	s.sendExportTable(c, resultsTarget(id, ""), tables)
}

// sendExportTable answers with the table named by the :file parameter as a CSV
// attachment, and logs the export.
func (s *Server) sendExportTable(c *gin.Context, target string, tables []metrics.ExportTable) {
	name := c.Param("file")
	i := slices.IndexFunc(tables, func(t metrics.ExportTable) bool { return t.Name == name })
	if i < 0 {
		s.resultsError(c, fmt.Errorf("web: table %q: %w", name, survey.ErrNotFound))
		return
	}
	if err := s.auditResults(c, auditExport, target, name); err != nil {
		s.resultsError(c, err)
		return
	}
	file := "tillid-" + report.Slug(target) + "-" + name
	c.Header("Content-Type", "text/csv; charset=utf-8")
	c.Header("Content-Disposition", `attachment; filename="`+file+`"`)
	c.Header("Cache-Control", "no-store")
	c.Status(http.StatusOK)
	w := csv.NewWriter(c.Writer)
	if err := w.WriteAll(tables[i].Rows); err != nil {
		// The status is sent: the cut-off file tells the client.
		s.Logger.Error("csv download failed", "err", err, "target", target)
	}
}
