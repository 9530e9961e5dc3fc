// Package report makes the committee's report: every figure of a round
// for a unit and the units below it, as image files with the CSV behind
// each, an index.html that shows them in order, and one PDF for the
// meeting papers. It also draws single figures for the web app's chart
// endpoints. It maps what package metrics publishes (already through the
// anonymity door) onto the plain data of package charts: a suppressed
// cell stays suppressed, and a unit whose whole result is suppressed gets
// a page that says so instead of figures.
package report

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"strconv"
	"time"

	"github.com/tillid/tillid/metrics"
	"github.com/tillid/tillid/survey"
)

// DefaultDepth is how many levels below the chosen unit a report covers.
const DefaultDepth = 2

// Builder makes figures and reports from the stores.
type Builder struct {
	Survey  *survey.Store
	Metrics *metrics.Store
	Now     func() time.Time // the report's date; time.Now when nil
}

// NewBuilder returns a Builder over the stores.
func NewBuilder(ss *survey.Store, ms *metrics.Store) *Builder {
	return &Builder{Survey: ss, Metrics: ms}
}

// ChartRequest names one figure of a unit in a round.
type ChartRequest struct {
	RoundID int64
	Unit    string // unit code
	Kind    Kind
	Section string // Items: one questionnaire section's key; all likert items when empty
	Lang    string // "da" (when empty) or "en"
}

// Chart returns one figure's data. survey.ErrNotFound when the round, the
// unit or the figure does not exist (an APV figure without APV items, a
// scatter with fewer than three units); survey.ErrConflict when the
// round is not closed, so it has no results yet (the response rates
// figure also draws an open round).
func (b *Builder) Chart(ctx context.Context, req ChartRequest) (*Chart, error) {
	sc, err := b.scope(ctx, req.RoundID, req.Unit, req.Lang, req.Kind == Response)
	if err != nil {
		return nil, err
	}
	var c *Chart
	switch req.Kind {
	case Trend:
		t, err := b.Metrics.Trend(ctx, req.Unit)
		if err != nil {
			return nil, err
		}
		if c, err = sc.trendChart(t); err != nil {
			return nil, err
		}
	case Dimensions, Items, APV:
		ur, err := b.Metrics.UnitResult(ctx, req.RoundID, req.Unit)
		if err != nil {
			return nil, err
		}
		c = sc.unitChart(ur, req.Kind, req.Section)
	case Heatmap, Scatter:
		rr, err := b.Metrics.RoundResults(ctx, req.RoundID)
		if err != nil {
			return nil, err
		}
		if !slices.ContainsFunc(rr.Units, func(u metrics.UnitResults) bool { return u.Code == req.Unit }) {
			return nil, fmt.Errorf("report: unit %s in round %d: %w", req.Unit, req.RoundID, survey.ErrNotFound)
		}
		if req.Kind == Heatmap {
			c = sc.heatmapChart(rr, req.Unit)
			break
		}
		cr, err := b.Metrics.Correlation(ctx, req.RoundID)
		if err != nil {
			return nil, err
		}
		c = sc.scatterChart(cr, rr, req.Unit)
	case Response:
		rp, err := b.Metrics.RoundProgress(ctx, req.RoundID)
		if err != nil {
			return nil, err
		}
		if c = sc.responseChart(rp, req.Unit); len(c.table) == 1 {
			return nil, fmt.Errorf("report: unit %s in round %d: %w", req.Unit, req.RoundID, survey.ErrNotFound)
		}
	default:
		return nil, fmt.Errorf("report: unknown figure %q: %w", req.Kind, survey.ErrNotFound)
	}
	if c == nil {
		return nil, fmt.Errorf("report: %s of %s in round %d: nothing to draw: %w", req.Kind, req.Unit, req.RoundID, survey.ErrNotFound)
	}
	c.key = fmt.Sprintf("round %d unit %s lang %s", req.RoundID, req.Unit, sc.lang)
	return c, nil
}

// unitChart returns the dimensions, items or APV figure of a unit; nil
// when the questionnaire has nothing to show in it (no APV items, an
// unknown section).
func (sc scope) unitChart(ur *metrics.UnitResult, kind Kind, section string) *Chart {
	switch kind {
	case Dimensions:
		if len(metrics.ScoreMeasures(ur.Measures)) == 0 {
			return nil
		}
		return sc.dimensionsChart(ur)
	case APV:
		if len(itemSections(sc.q, survey.Problem3)) == 0 {
			return nil
		}
		return sc.apvChart(ur)
	}
	secs := itemSections(sc.q, survey.Likert5)
	if section == "" && len(secs) > 0 {
		all := survey.Section{TitleDA: sc.q.TitleDA, TitleEN: sc.q.TitleEN}
		for _, s := range secs {
			all.Items = append(all.Items, s.Items...)
		}
		return sc.itemsChart(ur, all)
	}
	if i := slices.IndexFunc(secs, func(s survey.Section) bool { return s.Key == section }); i >= 0 {
		return sc.itemsChart(ur, secs[i])
	}
	return nil
}

// scope returns what the figures of a unit in a closed round share;
// progress also admits an open round, whose response rates are shown.
func (b *Builder) scope(ctx context.Context, roundID int64, unitCode, lang string, progress bool) (scope, error) {
	w, err := wordsFor(lang)
	if err != nil {
		return scope{}, fmt.Errorf("%w: %w", err, survey.ErrInvalid)
	}
	if lang == "" {
		lang = "da"
	}
	r, err := b.Survey.FindRoundByID(ctx, roundID)
	if err != nil {
		return scope{}, fmt.Errorf("report: %w", err)
	}
	if r.Status != survey.RoundClosed && !(progress && r.Status == survey.RoundOpen) {
		return scope{}, fmt.Errorf("report: round %d is %s, %s: results exist only for closed rounds: %w", roundID, r.Status, w.notClosed, survey.ErrConflict)
	}
	q, err := b.Survey.FindQuestionnaireByID(ctx, r.QuestionnaireID)
	if err != nil {
		return scope{}, fmt.Errorf("report: %w", err)
	}
	units, err := b.Survey.FindUnits(ctx)
	if err != nil {
		return scope{}, fmt.Errorf("report: %w", err)
	}
	byID := make(map[int64]survey.Unit, len(units))
	var unit *survey.Unit
	for i, u := range units {
		byID[u.ID] = u
		if u.Code == unitCode {
			unit = &units[i]
		}
	}
	if unit == nil {
		return scope{}, fmt.Errorf("report: unit %q: %w", unitCode, survey.ErrNotFound)
	}
	root := *unit
	for root.ParentID.Valid {
		root = byID[root.ParentID.Int64]
	}
	info := metrics.RoundInfo{ID: r.ID, Name: r.Name, Status: r.Status, OpensOn: r.OpensOn.String(), ClosesOn: r.ClosesOn.String(),
		Threshold: r.Threshold, QuestionnaireID: r.QuestionnaireID, QuestionnaireKey: q.Key}
	return scope{w: w, lang: lang, round: info, q: q, muni: root.Name}, nil
}

// Config says what report to make.
type Config struct {
	RoundID int64
	Unit    string // the code of the report's top unit
	Depth   int    // levels below the top unit (DefaultDepth in the CLI; 0: the unit alone)
	Lang    string // "da" (when empty) or "en"
	Format  string // the figures' format: "png" (when empty), "svg" or "pdf"
	Workers int    // figures rendered at once; GOMAXPROCS when zero
	// NoPDF leaves the PDF out. fpdf holds the whole PDF in memory while
	// it assembles it (about three times its size, some 170 kB a page);
	// without it, memory stays flat however many units a report covers.
	NoPDF bool
	// OnFile, when set, is called with each file's name as soon as the
	// file is complete, one call at a time (the ZIP download streams them).
	OnFile func(name string) error
	// Progress, when set, is called after each page, one call at a time.
	Progress func(done, total int)
}

// Report is a planned report: its pages in order, numbered, each with
// its file names. Write renders it.
type Report struct {
	Config
	Round        metrics.RoundInfo
	Municipality string
	TopName      string
	Created      time.Time
	Threshold    int
	ResponseRate string // the top unit's answered/invited (rate), or that it is hidden
	Pages        []Page
	PDF          string // the file name of the whole report as one PDF; "" with NoPDF

	b        *Builder
	sc       scope
	results  *metrics.RoundResults
	progress *metrics.RoundProgress
	scatter  *Chart
	units    []planUnit
}

// Page is one figure of the report, or the notice of a unit whose result
// is suppressed.
type Page struct {
	Number   int
	Kind     Kind
	Section  string // Items: the questionnaire section
	UnitCode string
	UnitName string
	Depth    int    // levels below the report's top unit
	Title    string // the heading
	Text     string // the explanation under the heading
	Base     string // the file name without extension
	Figure   string // the figure's file name; "" on a notice page
	PNG      string // the path of the PNG the PDF embeds
	CSV      string // the CSV's file name
	Width    int    // the PNG's size in pixels, set when it is drawn
	Height   int
}

// planUnit is one unit of the report and its pages (indexes into Pages).
type planUnit struct {
	index int // in results.Units
	pages []int
}

// Plan reads the round's results and lays the report out: which unit
// gets which pages, in which order, under which file names.
func (b *Builder) Plan(ctx context.Context, cfg Config) (*Report, error) {
	if cfg.Format == "" {
		cfg.Format = "png"
	}
	if !slices.Contains(Formats, cfg.Format) {
		return nil, fmt.Errorf("report: format %q: want png, svg or pdf: %w", cfg.Format, survey.ErrInvalid)
	}
	if cfg.Depth < 0 {
		return nil, fmt.Errorf("report: depth %d: must be 0 or more: %w", cfg.Depth, survey.ErrInvalid)
	}
	if cfg.Workers <= 0 {
		cfg.Workers = runtime.GOMAXPROCS(0)
	}
	sc, err := b.scope(ctx, cfg.RoundID, cfg.Unit, cfg.Lang, false)
	if err != nil {
		return nil, err
	}
	cfg.Lang = sc.lang
	now := time.Now
	if b.Now != nil {
		now = b.Now
	}
	r := &Report{Config: cfg, Round: sc.round, Municipality: sc.muni, Created: now(), Threshold: sc.round.Threshold, b: b, sc: sc}
	if r.results, err = b.Metrics.RoundResults(ctx, cfg.RoundID); err != nil {
		return nil, err
	}
	if r.progress, err = b.Metrics.RoundProgress(ctx, cfg.RoundID); err != nil {
		return nil, err
	}
	top := slices.IndexFunc(r.results.Units, func(u metrics.UnitResults) bool { return u.Code == cfg.Unit })
	if top < 0 {
		return nil, fmt.Errorf("report: unit %s did not take part in round %d: %w", cfg.Unit, cfg.RoundID, survey.ErrNotFound)
	}
	r.TopName = r.results.Units[top].Name
	r.ResponseRate = sc.w.notShown
	if i := slices.IndexFunc(r.progress.Units, func(u metrics.UnitProgress) bool { return u.Code == cfg.Unit }); i >= 0 {
		if p := r.progress.Units[i]; !p.Suppressed && p.Invited != nil && p.Answered != nil && p.Rate != nil {
			r.ResponseRate = fmt.Sprintf("%d / %d (%s %%)", *p.Answered, *p.Invited, strconv.FormatFloat(*p.Rate, 'f', 0, 64))
		}
	}
	cr, err := b.Metrics.Correlation(ctx, cfg.RoundID)
	if err != nil {
		return nil, err
	}
	r.scatter = sc.scatterChart(cr, r.results, cfg.Unit)
	r.plan(top)
	return r, nil
}

// plan walks the subtree of the top unit depth first to cfg.Depth and
// lays out each unit's pages.
func (r *Report) plan(top int) {
	children := map[string][]int{}
	for i, u := range r.results.Units {
		children[u.ParentCode] = append(children[u.ParentCode], i)
	}
	likert, apv := itemSections(r.sc.q, survey.Likert5), len(itemSections(r.sc.q, survey.Problem3)) > 0
	w := r.sc.w
	var walk func(i, depth int)
	walk = func(i, depth int) {
		u := &r.results.Units[i]
		pu := planUnit{index: i}
		add := func(kind Kind, section, title string) {
			pu.pages = append(pu.pages, len(r.Pages))
			r.Pages = append(r.Pages, Page{Kind: kind, Section: section, UnitCode: u.Code, UnitName: u.Name, Depth: depth, Title: title, Text: w.explain[kind]})
		}
		switch {
		case u.Suppressed:
			add(Notice, "", w.title[Notice])
			r.Pages[len(r.Pages)-1].Text = w.notice(u.Name, r.Threshold, u.Reason)
		default:
			add(Trend, "", w.title[Trend])
			if len(metrics.ScoreMeasures(r.results.Measures)) > 0 {
				add(Dimensions, "", w.title[Dimensions])
			}
			for _, s := range likert {
				add(Items, s.Key, w.title[Items]+": "+s.Title(r.sc.lang))
			}
			if apv {
				add(APV, "", w.title[APV])
			}
			if len(children[u.Code]) > 0 {
				add(Heatmap, "", w.title[Heatmap])
				add(Response, "", w.title[Response])
			}
			if depth == 0 && r.scatter != nil {
				add(Scatter, "", w.title[Scatter])
			}
		}
		r.units = append(r.units, pu)
		if depth < r.Depth {
			for _, c := range children[u.Code] {
				walk(c, depth+1)
			}
		}
	}
	walk(top, 0)
	digits := max(2, len(strconv.Itoa(len(r.Pages))))
	for i := range r.Pages {
		p := &r.Pages[i]
		p.Number = i + 1
		name := w.slug[p.Kind]
		if p.Section != "" {
			name += "-" + Slug(p.Section)
		}
		p.Base = fmt.Sprintf("%0*d-%s-%s", digits, p.Number, name, Slug(p.UnitName))
		p.CSV = p.Base + ".csv"
		if p.Kind != Notice {
			p.Figure = p.Base + "." + r.Format
		}
	}
	if !r.NoPDF {
		r.PDF = fmt.Sprintf("%s-%s-%s.pdf", w.report, Slug(r.TopName), Slug(r.Round.Name))
	}
}
