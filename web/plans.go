package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/tillid/tillid/charts/report"
	"github.com/tillid/tillid/metrics"
	"github.com/tillid/tillid/survey"
	"github.com/tillid/tillid/web/auth"
	"github.com/tillid/tillid/web/planpdf"
)

// This file is the APV action plan (handlingsplan): the municipality's
// overview of the plans of a round (/plans), a unit's plan with its
// entries, their history and the forms to add and edit them
// (/plans/rounds/:id/units/:code…), its PDF, and the read-only page the
// unit's employees reach without signing in (/handlingsplan/:key).
// Managers write their subtree's plans, HR every plan; the committee reads.

// The pages of the action plan.
const (
	pagePlans    = "plans.html"      // the overview of a round
	pagePlanUnit = "plans_unit.html" // a unit's plan: staff view, edit form, employees' view
)

// The audit actions of the action plan.
const (
	actionPlanCreate = "plan.create"
	actionPlanChange = "plan.change"
	actionPlanExport = "plan.export"
)

// Message keys of the plan's fields, values and validation codes.
var (
	planFieldKeys = map[string]string{
		"problem": "plans.field.problem", "problem_text": "plans.field.problem_text", "risk": "plans.field.risk",
		"risk_level": "plans.field.risk_level", "action": "plans.field.action", "responsible": "plans.field.responsible",
		"deadline": "plans.field.deadline", "follow_up_on": "plans.field.follow_up_on", "status": "plans.field.status",
	}
	planStatusKeys = map[survey.PlanStatus]string{
		survey.PlanPlanned: "plans.status.planned", survey.PlanInProgress: "plans.status.in_progress",
		survey.PlanDone: "plans.status.done", survey.PlanAbandoned: "plans.status.abandoned",
	}
	planRiskKeys = map[survey.RiskLevel]string{
		survey.RiskLow: "plans.risk.low", survey.RiskMedium: "plans.risk.medium", survey.RiskHigh: "plans.risk.high",
	}
	planErrorKeys = map[string]string{
		"required": "plans.error.required", "too_long": "plans.error.too_long",
		"invalid": "plans.error.invalid", "date": "plans.error.date",
	}
	planNoticeKeys = map[string]string{"created": "plans.notice.created", "saved": "plans.notice.saved"}
	planReasonKeys = map[metrics.Reason]string{
		metrics.ReasonRoundOpen: "plans.suggest.round_open", metrics.ReasonTooFew: "plans.suggest.too_few",
		metrics.ReasonComplementary: "plans.suggest.too_few",
	}
)

// planPath is the staff page of a unit's plan in a round.
func planPath(roundID int64, code string) string {
	return "/plans/rounds/" + strconv.FormatInt(roundID, 10) + "/units/" + url.PathEscape(code)
}

// planEntryPath is the edit page of entry id of sc's plan.
func planEntryPath(sc planScope, id int64) string {
	return planPath(sc.Round.ID, sc.Unit.Code) + "/entries/" + strconv.FormatInt(id, 10)
}

// planScope is what a plan page is about: the round, the unit, the
// round's questionnaire and the public key of the unit's plan.
type planScope struct {
	Round survey.Round
	Unit  survey.Unit
	Q     *survey.Questionnaire
	Key   string
}

// staffPlanScope reads the scope of a staff plan route (:id, :code); a
// unit outside the round is survey.ErrNotFound.
func (s *Server) staffPlanScope(c *gin.Context) (planScope, error) {
	ctx := c.Request.Context()
	id, err := roundParam(c)
	if err != nil {
		return planScope{}, err
	}
	unit, err := s.Survey.FindUnitByCode(ctx, c.Param("code"))
	if err != nil {
		return planScope{}, err
	}
	key, err := s.Survey.PlanKey(ctx, id, unit.ID)
	if err != nil {
		return planScope{}, err
	}
	return s.planScopeOf(ctx, id, unit, key)
}

// planScopeOf completes a scope from the round id, the unit and the key.
func (s *Server) planScopeOf(ctx context.Context, roundID int64, unit survey.Unit, key string) (planScope, error) {
	r, err := s.Survey.FindRoundByID(ctx, roundID)
	if err != nil {
		return planScope{}, err
	}
	q, err := s.Survey.FindQuestionnaireByID(ctx, r.QuestionnaireID)
	if err != nil {
		return planScope{}, err
	}
	return planScope{Round: r, Unit: unit, Q: q, Key: key}, nil
}

// planFail renders the page of an error a plan page cannot show itself.
func (s *Server) planFail(c *gin.Context, err error) {
	status := statusOf(err)
	if status == http.StatusBadRequest {
		status = http.StatusNotFound // a malformed id names nothing
	}
	s.denied(c, status, err)
}

// planFieldError is a problem shown in the plan form's error summary and
// at its field (the id of the input).
type planFieldError struct{ Field, Text string }

// planForm is the form to add an entry or edit one.
type planForm struct {
	Action  string
	Input   survey.PlanInput
	Version int
	Errors  []planFieldError
	// Conflict says the entry was changed by somebody else meanwhile.
	Conflict bool
}

// Error returns the problem of the field with id field, or "".
func (f planForm) Error(field string) string { return f.ErrorOf(field).Text }

// ErrorOf returns the problem of the field with id field; its Text is ""
// when the field has none.
func (f planForm) ErrorOf(field string) planFieldError {
	for _, e := range f.Errors {
		if e.Field == field {
			return e
		}
	}
	return planFieldError{Field: field}
}

// planInputOf reads a posted entry form.
func planInputOf(c *gin.Context) survey.PlanInput {
	return survey.PlanInput{
		Problem: c.PostForm("problem"), ProblemText: c.PostForm("problem_text"),
		Risk: c.PostForm("risk"), RiskLevel: c.PostForm("risk_level"),
		Action: c.PostForm("action"), Responsible: c.PostForm("responsible"),
		Deadline: c.PostForm("deadline"), FollowUpOn: c.PostForm("follow_up_on"), Status: c.PostForm("status"),
	}
}

// planFormErrors translates the field problems of a rejected entry; ok
// is false when err is no validation error.
func planFormErrors(lang string, err error) (errs []planFieldError, ok bool) {
	var pe survey.PlanErrors
	if !errors.As(err, &pe) {
		return nil, false
	}
	for _, e := range pe {
		args := []any{translate(lang, planFieldKeys[e.Field])}
		if e.Max > 0 {
			args = append(args, e.Max) // too_long names the limit
		}
		errs = append(errs, planFieldError{Field: e.Field, Text: tprintf(lang, planErrorKeys[e.Code], args...)})
	}
	return errs, true
}

// planOption is one choice of a select.
type planOption struct{ Value, Label string }

// planOptionGroup is an optgroup of the problem select.
type planOptionGroup struct {
	Label   string
	Options []planOption
}

// planProblemOptions lists the problems an entry can be tied to: the
// scored items of q by section, then its dimensions.
func planProblemOptions(q *survey.Questionnaire, lang string) []planOptionGroup {
	var gs []planOptionGroup
	for _, sec := range q.Sections {
		g := planOptionGroup{Label: sec.Title(lang)}
		for _, it := range sec.Items {
			if it.Type != survey.Text {
				g.Options = append(g.Options, planOption{string(survey.ProblemItem) + ":" + it.Key, it.Text(lang)})
			}
		}
		if len(g.Options) > 0 {
			gs = append(gs, g)
		}
	}
	dims := planOptionGroup{Label: translate(lang, "plans.form.dimensions")}
	for _, d := range q.Dimensions {
		dims.Options = append(dims.Options, planOption{string(survey.ProblemDimension) + ":" + d.Key, d.Name(lang)})
	}
	return append(gs, dims)
}

// planChoices returns the options of the risk level and status inputs.
func planChoices[T ~string](lang string, values []T, keys map[T]string) []planOption {
	opts := make([]planOption, len(values))
	for i, v := range values {
		opts[i] = planOption{string(v), translate(lang, keys[v])}
	}
	return opts
}

// planSuggestion is a problem the unit's results point to.
type planSuggestion struct {
	Problem, Name, Value string
	URL                  string
}

// planSuggestions turns the problems metrics finds in res into links for
// the plan form; reason is why the unit's whole result is suppressed, ""
// when it is shown.
func planSuggestions(res *metrics.UnitResult, lang string) (sugs []planSuggestion, reason metrics.Reason) {
	found, reason := res.Suggestions()
	for _, f := range found {
		m := f.Measure
		name, kind, value := m.NameDA, survey.ProblemDimension, tprintf(lang, "plans.suggest.score", wholeNumber(f.Value))
		if lang == langEN && m.NameEN != "" {
			name = m.NameEN
		}
		if m.Kind == metrics.KindItem {
			kind, value = survey.ProblemItem, tprintf(lang, "plans.suggest.share", wholeNumber(f.Value))
		}
		sugs = append(sugs, planSuggestion{Problem: string(kind) + ":" + m.Key, Name: name, Value: value})
	}
	return sugs, reason
}

// wholeNumber writes v rounded to a whole number, the precision a plan
// needs (and the same in Danish and English).
func wholeNumber(v float64) string {
	return strconv.FormatFloat(v, 'f', 0, 64)
}

// planChangeView is one saved edit in an entry's history.
type planChangeView struct {
	Who, When string
	Created   bool
	Fields    []planFieldView
}

// planFieldView is one changed field, its values as a reader sees them.
type planFieldView struct{ Label, From, To string }

// planEntryView is an entry as the pages show it.
type planEntryView struct {
	ID                     int64
	Problem, ProblemText   string
	Risk, RiskLevel        string
	RiskKey                survey.RiskLevel
	Action, Responsible    string
	Deadline, FollowUp     string
	Status                 string
	StatusKey              survey.PlanStatus
	Overdue                bool
	EditURL                string
	History                []planChangeView
	UpdatedBy, UpdatedWhen string
	ShowHistory            bool
}

// planValue writes a field's stored value (as PlanInput holds it) for a
// reader in lang.
func planValue(lang string, q *survey.Questionnaire, field, v string) string {
	switch field {
	case "problem":
		kind, key, _ := strings.Cut(v, ":")
		if name := (survey.PlanEntry{ProblemKind: survey.ProblemKind(kind), ProblemKey: key}).ProblemName(q, lang); name != "" {
			return name
		}
		if v == string(survey.ProblemFree) {
			return translate(lang, "plans.form.free")
		}
	case "risk_level":
		if k, ok := planRiskKeys[survey.RiskLevel(v)]; ok {
			return translate(lang, k)
		}
	case "status":
		if k, ok := planStatusKeys[survey.PlanStatus(v)]; ok {
			return translate(lang, k)
		}
	case "deadline", "follow_up_on":
		if d, err := survey.ParseDate(v); err == nil {
			return formatDate(lang, d)
		}
	}
	return v
}

// planProblem returns an entry's problem: the item or dimension it is
// tied to with its description, or the free text alone.
func planProblem(lang string, q *survey.Questionnaire, e survey.PlanEntry) (title, text string) {
	if name := e.ProblemName(q, lang); name != "" {
		return name, e.ProblemText
	}
	return e.ProblemText, ""
}

// planTime writes Unix time sec as a date and a time of day in Copenhagen.
func planTime(lang string, sec int64) string {
	t := time.Unix(sec, 0).In(survey.Zone)
	return tprintf(lang, "plans.history.when", formatDate(lang, survey.DateOf(t)), t.Format("15:04"))
}

// planEntryViews builds the views of entries, with an edit link when
// editable; names (user id → name) is nil on the employees' page, which
// shows no history and no names.
func (s *Server) planEntryViews(ctx context.Context, lang string, sc planScope, entries []survey.PlanEntry, names map[int64]string, editable bool) ([]planEntryView, error) {
	today := survey.DateOf(time.Now().In(survey.Zone))
	views := make([]planEntryView, len(entries))
	who := func(id int64) string {
		if n, ok := names[id]; ok {
			return n
		}
		return translate(lang, "plans.history.unknown")
	}
	for i, e := range entries {
		v := planEntryView{
			ID: e.ID, Risk: e.Risk, RiskKey: e.RiskLevel, RiskLevel: translate(lang, planRiskKeys[e.RiskLevel]),
			Action: e.Action, Responsible: e.Responsible,
			Deadline: formatDate(lang, e.Deadline), FollowUp: formatDate(lang, e.FollowUpOn),
			StatusKey: e.Status, Status: translate(lang, planStatusKeys[e.Status]), Overdue: e.Overdue(today),
		}
		if editable {
			v.EditURL = planEntryPath(sc, e.ID)
		}
		v.Problem, v.ProblemText = planProblem(lang, sc.Q, e)
		if names != nil {
			hist, err := s.Survey.FindPlanEntryHistory(ctx, e.ID)
			if err != nil {
				return nil, err
			}
			for _, h := range hist {
				cv := planChangeView{Who: who(h.By), When: planTime(lang, h.At), Created: h.Version == 1}
				for _, f := range h.Fields {
					cv.Fields = append(cv.Fields, planFieldView{Label: translate(lang, planFieldKeys[f.Field]),
						From: planValue(lang, sc.Q, f.Field, f.From), To: planValue(lang, sc.Q, f.Field, f.To)})
				}
				v.History = append(v.History, cv)
			}
			v.ShowHistory = true
			v.UpdatedBy, v.UpdatedWhen = who(e.UpdatedBy), planTime(lang, e.UpdatedAt)
		}
		views[i] = v
	}
	return views, nil
}

// planUserNames maps every staff user's id to their name, for the
// history of the staff pages.
func (s *Server) planUserNames(ctx context.Context) (map[int64]string, error) {
	users, err := s.Auth.FindUsers(ctx)
	if err != nil {
		return nil, err
	}
	names := make(map[int64]string, len(users))
	for _, u := range users {
		names[u.ID] = u.Name
	}
	return names, nil
}

// planUnitPage is a unit's plan in a round: the staff view with the add
// form, the edit form of one entry (Edit), or the employees' read-only
// view (Public).
type planUnitPage struct {
	layout
	Scope        planScope
	RoundName    string
	Municipality string
	Entries      []planEntryView
	Notice       string
	CanEdit      bool
	Public       bool
	Edit         *planEntryView // the entry being edited
	Form         planForm
	Problems     []planOptionGroup
	RiskLevels   []planOption
	Statuses     []planOption
	Suggestions  []planSuggestion
	SuggestNote  string
	PublicURL    string
	PDFURL       string
	BackURL      string
	MaxText      int
	MaxResp      int
	SuggestShare int
	SuggestScore int
}

// canEditPlans reports whether u writes plans: HR and managers (whose
// scope requireUnit has checked); the committee reads.
func canEditPlans(u auth.User) bool {
	return u.Role == auth.RoleAdministrator || u.Role == auth.RoleManager
}

// newPlanUnitPage builds the parts every view of a unit's plan shares.
func (s *Server) newPlanUnitPage(ctx context.Context, l layout, sc planScope, names map[int64]string, editable bool) (planUnitPage, error) {
	entries, err := s.Survey.FindPlanEntries(ctx, survey.PlanFilter{RoundID: sc.Round.ID, UnitID: sc.Unit.ID})
	if err != nil {
		return planUnitPage{}, err
	}
	views, err := s.planEntryViews(ctx, l.Lang, sc, entries, names, editable)
	if err != nil {
		return planUnitPage{}, err
	}
	muni, err := s.planMunicipality(ctx, sc.Unit)
	if err != nil {
		return planUnitPage{}, err
	}
	return planUnitPage{
		layout: l, Scope: sc, RoundName: sc.Round.Name, Municipality: muni, Entries: views,
		PDFURL:  planPath(sc.Round.ID, sc.Unit.Code) + "/plan.pdf?lang=" + l.Lang,
		BackURL: planPath(sc.Round.ID, sc.Unit.Code),
		MaxText: survey.MaxPlanText, MaxResp: survey.MaxPlanResponsible, SuggestShare: metrics.SuggestShare, SuggestScore: metrics.SuggestScore,
	}, nil
}

// planMunicipality returns the name of the root of unit's tree.
func (s *Server) planMunicipality(ctx context.Context, unit survey.Unit) (string, error) {
	tree, err := s.Units.Snapshot(ctx)
	if err != nil {
		return "", err
	}
	as := tree.Ancestors(unit.ID)
	if len(as) == 0 {
		return unit.Name, nil
	}
	root, err := s.Survey.FindUnitByID(ctx, as[len(as)-1])
	if err != nil {
		return "", err
	}
	return root.Name, nil
}

// withForm adds the entry form's choices to p.
func (p *planUnitPage) withForm(form planForm) {
	lang := p.Lang
	p.Form = form
	p.Problems = planProblemOptions(p.Scope.Q, lang)
	p.RiskLevels = planChoices(lang, survey.RiskLevels, planRiskKeys)
	p.Statuses = planChoices(lang, survey.PlanStatuses, planStatusKeys)
}

// renderPlanUnit renders the staff view of a unit's plan with the add
// form (empty, or as posted with its problems) and the suggestions.
func (s *Server) renderPlanUnit(c *gin.Context, status int, sc planScope, form planForm) {
	ctx := c.Request.Context()
	lang := s.formLang(c)
	u, _, _ := s.currentUser(c) // require has signed the user in
	path := planPath(sc.Round.ID, sc.Unit.Code)
	names, err := s.planUserNames(ctx)
	if err != nil {
		s.planFail(c, err)
		return
	}
	p, err := s.newPlanUnitPage(ctx, staffLayout(c, u, lang, tprintf(lang, "plans.unit.title", sc.Unit.Name), path), sc, names, canEditPlans(u))
	if err != nil {
		s.planFail(c, err)
		return
	}
	p.CanEdit = canEditPlans(u)
	p.PublicURL = strings.TrimRight(s.Config.BaseURL, "/") + "/handlingsplan/" + sc.Key
	if key, ok := planNoticeKeys[c.Query("done")]; ok {
		p.Notice = translate(lang, key)
	}
	if p.CanEdit {
		form.Action = path + "/entries"
		p.withForm(form)
		res, err := s.Metrics.UnitResult(ctx, sc.Round.ID, sc.Unit.Code)
		if err != nil {
			s.planFail(c, err)
			return
		}
		var reason metrics.Reason
		p.Suggestions, reason = planSuggestions(res, lang)
		for i := range p.Suggestions {
			p.Suggestions[i].URL = path + "?" + url.Values{"problem": {p.Suggestions[i].Problem}, "lang": {lang}}.Encode() + "#new-entry"
		}
		switch {
		case reason != "":
			p.SuggestNote = translate(lang, planReasonKeys[reason])
		case len(p.Suggestions) == 0:
			p.SuggestNote = translate(lang, "plans.suggest.none")
		}
	}
	s.render(c, status, pagePlanUnit, lang, p)
}

// handlePlanShow shows a unit's plan in a round: its entries with their
// history, the employees' link, the PDF and, for those who write plans,
// suggested problems and the form to add an entry (?problem= picks one).
func (s *Server) handlePlanShow(c *gin.Context) {
	sc, err := s.staffPlanScope(c)
	if err != nil {
		s.planFail(c, err)
		return
	}
	s.renderPlanUnit(c, http.StatusOK, sc, planForm{Input: survey.PlanInput{Problem: c.Query("problem"), Status: string(survey.PlanPlanned)}})
}

// handlePlanEntryCreate adds an entry to a unit's plan; a rejected entry
// shows the form again with its problems (422).
func (s *Server) handlePlanEntryCreate(c *gin.Context) {
	sc, err := s.staffPlanScope(c)
	if err != nil {
		s.planFail(c, err)
		return
	}
	u, _, _ := s.currentUser(c)
	in := planInputOf(c)
	e, err := s.Survey.CreatePlanEntry(c.Request.Context(), sc.Round.ID, sc.Unit.ID, in, u.ID)
	if errs, ok := planFormErrors(s.formLang(c), err); ok {
		s.renderPlanUnit(c, http.StatusUnprocessableEntity, sc, planForm{Input: in, Errors: errs})
		return
	}
	if err != nil {
		s.planFail(c, err)
		return
	}
	s.adminAudit(c, u, actionPlanCreate, sc.Unit.Code, fmt.Sprintf("round=%d entry=%d", sc.Round.ID, e.ID))
	s.planRedirect(c, sc, "created", e.ID)
}

// planRedirect sends the browser back to the plan after a saved form,
// with the notice done, in the form's language, at entry id.
func (s *Server) planRedirect(c *gin.Context, sc planScope, done string, id int64) {
	q := url.Values{"done": {done}, "lang": {s.formLang(c)}}
	c.Redirect(http.StatusSeeOther, planPath(sc.Round.ID, sc.Unit.Code)+"?"+q.Encode()+"#entry-"+strconv.FormatInt(id, 10))
}

// staffPlanEntry reads the scope and the :entry of a staff plan entry
// route; an entry of another unit's plan is survey.ErrNotFound.
func (s *Server) staffPlanEntry(c *gin.Context) (planScope, survey.PlanEntry, error) {
	sc, err := s.staffPlanScope(c)
	if err != nil {
		return planScope{}, survey.PlanEntry{}, err
	}
	id, err := strconv.ParseInt(c.Param("entry"), 10, 64)
	if err != nil {
		return planScope{}, survey.PlanEntry{}, fmt.Errorf("plan entry %q: %w", c.Param("entry"), survey.ErrNotFound)
	}
	e, err := s.Survey.FindPlanEntryByID(c.Request.Context(), id)
	if err != nil {
		return planScope{}, survey.PlanEntry{}, err
	}
	if e.RoundID != sc.Round.ID || e.UnitID != sc.Unit.ID {
		return planScope{}, survey.PlanEntry{}, fmt.Errorf("plan entry %d is not in this plan: %w", id, survey.ErrNotFound)
	}
	return sc, e, nil
}

// renderPlanEntry renders the edit form of entry e with its history.
func (s *Server) renderPlanEntry(c *gin.Context, status int, sc planScope, e survey.PlanEntry, form planForm) {
	ctx := c.Request.Context()
	lang := s.formLang(c)
	u, _, _ := s.currentUser(c)
	names, err := s.planUserNames(ctx)
	if err != nil {
		s.planFail(c, err)
		return
	}
	views, err := s.planEntryViews(ctx, lang, sc, []survey.PlanEntry{e}, names, true)
	if err != nil {
		s.planFail(c, err)
		return
	}
	l := staffLayout(c, u, lang, tprintf(lang, "plans.edit.title", sc.Unit.Name), planEntryPath(sc, e.ID))
	p := planUnitPage{layout: l, Scope: sc, RoundName: sc.Round.Name, Edit: &views[0],
		BackURL: planPath(sc.Round.ID, sc.Unit.Code), CanEdit: true, MaxText: survey.MaxPlanText, MaxResp: survey.MaxPlanResponsible}
	form.Action, form.Version = planEntryPath(sc, e.ID), e.Version
	p.withForm(form)
	s.render(c, status, pagePlanUnit, lang, p)
}

// handlePlanEntryEdit shows the form to edit an entry, with its history.
func (s *Server) handlePlanEntryEdit(c *gin.Context) {
	sc, e, err := s.staffPlanEntry(c)
	if err != nil {
		s.planFail(c, err)
		return
	}
	s.renderPlanEntry(c, http.StatusOK, sc, e, planForm{Input: e.Input()})
}

// handlePlanEntryUpdate saves an edited entry. A rejected edit shows the
// form again with its problems (422); an entry somebody else saved since
// the form was opened shows their version and keeps nothing (409).
func (s *Server) handlePlanEntryUpdate(c *gin.Context) {
	ctx := c.Request.Context()
	sc, e, err := s.staffPlanEntry(c)
	if err != nil {
		s.planFail(c, err)
		return
	}
	u, _, _ := s.currentUser(c)
	in := planInputOf(c)
	version, _ := strconv.Atoi(c.PostForm("version"))
	ref := survey.PlanEntryRef{ID: e.ID, RoundID: sc.Round.ID, UnitID: sc.Unit.ID, Version: version}
	saved, err := s.Survey.UpdatePlanEntry(ctx, ref, in, u.ID)
	if errs, ok := planFormErrors(s.formLang(c), err); ok {
		s.renderPlanEntry(c, http.StatusUnprocessableEntity, sc, e, planForm{Input: in, Errors: errs})
		return
	}
	if errors.Is(err, survey.ErrConflict) {
		s.renderPlanEntry(c, http.StatusConflict, sc, e, planForm{Input: e.Input(), Conflict: true})
		return
	}
	if err != nil {
		s.planFail(c, err)
		return
	}
	if saved.Version != version {
		hist, err := s.Survey.FindPlanEntryHistory(ctx, e.ID)
		if err != nil {
			s.planFail(c, err)
			return
		}
		var fields []string
		for _, f := range hist[len(hist)-1].Fields {
			fields = append(fields, f.Field)
		}
		s.adminAudit(c, u, actionPlanChange, sc.Unit.Code, fmt.Sprintf("round=%d entry=%d version=%d fields=%s", sc.Round.ID, e.ID, saved.Version, strings.Join(fields, ",")))
	}
	s.planRedirect(c, sc, "saved", e.ID)
}

// handlePlanPDF downloads a unit's plan as a PDF (?lang=en for English).
func (s *Server) handlePlanPDF(c *gin.Context) {
	sc, err := s.staffPlanScope(c)
	if err != nil {
		s.planFail(c, err)
		return
	}
	u, _, _ := s.currentUser(c)
	if s.writePlanPDF(c, sc) {
		s.adminAudit(c, u, actionPlanExport, sc.Unit.Code, fmt.Sprintf("round=%d format=pdf", sc.Round.ID))
	}
}

// writePlanPDF answers with the plan of sc as a PDF; ok is false when an
// error page was rendered instead.
func (s *Server) writePlanPDF(c *gin.Context, sc planScope) (ok bool) {
	ctx := c.Request.Context()
	lang := s.requestLang(c)
	p, err := s.newPlanUnitPage(ctx, newLayout(lang, "", ""), sc, nil, false)
	if err != nil {
		s.planFail(c, err)
		return false
	}
	now := time.Now().In(survey.Zone)
	doc := planpdf.Document{
		Title: translate(lang, "plans.pdf.title") + ": " + sc.Unit.Name,
		Facts: [][2]string{
			{translate(lang, "plans.pdf.municipality"), p.Municipality},
			{translate(lang, "plans.pdf.unit"), sc.Unit.Code + " – " + sc.Unit.Name},
			{translate(lang, "plans.pdf.round"), sc.Round.Name + " (" + formatDate(lang, sc.Round.OpensOn) + " – " + formatDate(lang, sc.Round.ClosesOn) + ")"},
			{translate(lang, "plans.pdf.date"), formatDate(lang, survey.DateOf(now))},
		},
		Empty:   translate(lang, "plans.unit.empty"),
		Footer:  p.Municipality + " · " + sc.Unit.Name + " · " + sc.Round.Name,
		Page:    translate(lang, "plans.pdf.page"),
		Created: now,
	}
	for i, f := range []string{"problem", "risk", "action", "responsible", "deadline", "follow_up_on", "status"} {
		doc.Header[i] = translate(lang, planFieldKeys[f])
	}
	for _, e := range p.Entries {
		problem, risk := e.Problem, e.RiskLevel
		if e.ProblemText != "" {
			problem += " – " + e.ProblemText
		}
		if e.Risk != "" {
			risk += ": " + e.Risk
		}
		doc.Rows = append(doc.Rows, [planpdf.Columns]string{problem, risk, e.Action, e.Responsible, e.Deadline, e.FollowUp, e.Status})
	}
	var buf bytes.Buffer
	if err := planpdf.Write(&buf, doc); err != nil {
		s.planFail(c, err)
		return false
	}
	name := "handlingsplan-" + report.Slug(sc.Unit.Name) + "-" + strconv.FormatInt(sc.Round.ID, 10) + ".pdf"
	c.Header("Content-Disposition", `attachment; filename="`+name+`"`)
	c.Header("Cache-Control", "no-store")
	c.Data(http.StatusOK, "application/pdf", buf.Bytes())
	return true
}

// publicPlanScope reads the scope of an employees' plan route (:key).
func (s *Server) publicPlanScope(c *gin.Context) (planScope, error) {
	ctx := c.Request.Context()
	f, err := s.Survey.FindPlanByKey(ctx, c.Param("key"))
	if err != nil {
		return planScope{}, err
	}
	unit, err := s.Survey.FindUnitByID(ctx, f.UnitID)
	if err != nil {
		return planScope{}, err
	}
	return s.planScopeOf(ctx, f.RoundID, unit, c.Param("key"))
}

// handlePlanPublic shows a unit's plan to its employees without sign-in,
// reached by the unit's link: the entries without who edited them.
func (s *Server) handlePlanPublic(c *gin.Context) {
	lang := s.requestLang(c)
	sc, err := s.publicPlanScope(c)
	if err != nil {
		s.planFail(c, err)
		return
	}
	path := "/handlingsplan/" + url.PathEscape(sc.Key)
	p, err := s.newPlanUnitPage(c.Request.Context(), newLayout(lang, tprintf(lang, "plans.unit.title", sc.Unit.Name), path), sc, nil, false)
	if err != nil {
		s.planFail(c, err)
		return
	}
	p.Public, p.PDFURL = true, path+"/plan.pdf?lang="+lang
	s.render(c, http.StatusOK, pagePlanUnit, lang, p)
}

// handlePlanPublicPDF is the employees' printable plan as a PDF.
func (s *Server) handlePlanPublicPDF(c *gin.Context) {
	sc, err := s.publicPlanScope(c)
	if err != nil {
		s.planFail(c, err)
		return
	}
	s.writePlanPDF(c, sc)
}

// planRoundOption is a round in the overview's picker.
type planRoundOption struct {
	ID       int64
	Name     string
	Selected bool
}

// planOverviewRow is one unit of the overview.
type planOverviewRow struct {
	survey.PlanUnitSummary
	URL string
}

// plansPage is the overview of the plans of a round.
type plansPage struct {
	layout
	Rounds  []planRoundOption
	Round   *survey.Round
	Rows    []planOverviewRow
	Without []planOverviewRow
	Total   survey.PlanUnitSummary
}

// planDefaultRound picks the round the overview shows without ?round=:
// the newest closed one, else the newest.
func planDefaultRound(rounds []survey.Round) survey.Round {
	for _, r := range rounds {
		if r.Status == survey.RoundClosed {
			return r
		}
	}
	return rounds[0]
}

// handlePlansOverview shows, for a round (?round=ID), every unit's plan
// the user may see with its entries by status, the overdue ones and the
// units without a plan.
func (s *Server) handlePlansOverview(c *gin.Context) {
	ctx := c.Request.Context()
	lang := s.requestLang(c)
	u, _, _ := s.currentUser(c)
	p := plansPage{layout: staffLayout(c, u, lang, translate(lang, "plans.title"), "/plans")}
	rounds, err := s.Survey.FindRounds(ctx)
	if err != nil {
		s.planFail(c, err)
		return
	}
	if len(rounds) == 0 {
		s.render(c, http.StatusOK, pagePlans, lang, p)
		return
	}
	round := planDefaultRound(rounds)
	if q := c.Query("round"); q != "" {
		i := slices.IndexFunc(rounds, func(r survey.Round) bool { return strconv.FormatInt(r.ID, 10) == q })
		if i < 0 {
			s.planFail(c, fmt.Errorf("round %q: %w", q, survey.ErrNotFound))
			return
		}
		round = rounds[i]
	}
	p.Round = &round
	p.LangURL = "/plans?" + url.Values{"round": {strconv.FormatInt(round.ID, 10)}, "lang": {otherLang(lang)}}.Encode()
	for _, r := range rounds {
		p.Rounds = append(p.Rounds, planRoundOption{ID: r.ID, Name: r.Name, Selected: r.ID == round.ID})
	}
	units, err := s.Survey.PlanOverview(ctx, round.ID)
	if err != nil {
		s.planFail(c, err)
		return
	}
	tree, err := s.Units.Snapshot(ctx)
	if err != nil {
		s.planFail(c, err)
		return
	}
	for _, us := range units {
		if !u.CanSeeUnit(us.UnitID, tree.Ancestors) {
			continue
		}
		row := planOverviewRow{PlanUnitSummary: us, URL: planPath(round.ID, us.Code) + "?lang=" + lang}
		p.Rows = append(p.Rows, row)
		if us.Entries == 0 {
			p.Without = append(p.Without, row)
		}
		t := &p.Total
		t.Entries += us.Entries
		t.Planned += us.Planned
		t.InProgress += us.InProgress
		t.Done += us.Done
		t.Abandoned += us.Abandoned
		t.Overdue += us.Overdue
	}
	s.render(c, http.StatusOK, pagePlans, lang, p)
}
