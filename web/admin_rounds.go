package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/tillid/tillid/metrics"
	"github.com/tillid/tillid/survey"
	"github.com/tillid/tillid/web/auth"
	"github.com/tillid/tillid/web/mail"
)

// This file is HR's pages for rounds (målinger): the list, the form that
// creates one, opening and closing (with a confirmation step; closing
// computes the results), and a round's live response rates. Every count
// shown comes from metrics.RoundProgress, which hides groups with fewer
// than k invited.

// The pages of rounds and invitations (templates/admin_rounds*.html,
// admin_invitations*.html).
const (
	pageAdminRounds             = "admin_rounds.html"
	pageAdminRoundNew           = "admin_rounds_new.html"
	pageAdminRound              = "admin_rounds_show.html"
	pageAdminRoundClose         = "admin_rounds_close.html"
	pageAdminInvitations        = "admin_invitations.html"
	pageAdminInvitationsPreview = "admin_invitations_preview.html"
)

// The audit actions of rounds and invitations; details never hold a
// token or a code.
const (
	actionRoundCreate       = "round.create"
	actionRoundOpen         = "round.open"
	actionRoundClose        = "round.close"
	actionInvitationsImport = "invitations.import"
	actionMailSend          = "mail.send"
	actionCodesPrint        = "codesheet.print"
)

// roundNotices are the notices a round page shows after a change (?done=).
var roundNotices = map[string]string{
	"created":    "rounds.done.created",
	"opened":     "rounds.done.opened",
	"closed":     "rounds.done.closed",
	"invited":    "rounds.done.invited",
	"reminding":  "rounds.done.reminding",
	"noreminder": "rounds.done.noreminder",
}

// roundStatusKeys and jobKindKeys name the messages of states and kinds.
var (
	roundStatusKeys = map[survey.RoundStatus]string{survey.RoundDraft: "rounds.status.draft", survey.RoundOpen: "rounds.status.open", survey.RoundClosed: "rounds.status.closed"}
	jobKindKeys     = map[mail.Kind]string{mail.KindInvitation: "rounds.job.invitation", mail.KindReminder: "rounds.job.reminder"}
)

// roundView is a round as the pages show it.
type roundView struct {
	ID                  int64
	Name, Questionnaire string
	Opens, Closes       string
	Threshold           int
	Status              survey.RoundStatus
	StatusText          string
	Draft, Open, Closed bool
	Top                 []progressView // the top units' counts (list page)
}

// progressView is one unit's invited and answered counts, or suppressed.
type progressView struct {
	Code, Name        string
	Depth             int
	Suppressed        bool
	Invited, Answered int
	Rate              string
}

// newRoundView describes r in lang; titles maps questionnaire ids to
// their label.
func newRoundView(lang string, r survey.Round, titles map[int64]string) roundView {
	return roundView{
		ID: r.ID, Name: r.Name, Questionnaire: titles[r.QuestionnaireID],
		Opens: formatDate(lang, r.OpensOn), Closes: formatDate(lang, r.ClosesOn), Threshold: r.Threshold,
		Status: r.Status, StatusText: translate(lang, roundStatusKeys[r.Status]),
		Draft: r.Status == survey.RoundDraft, Open: r.Status == survey.RoundOpen, Closed: r.Status == survey.RoundClosed,
	}
}

// questionnaireTitles labels every questionnaire version: "Title (key v2)".
func (s *Server) questionnaireTitles(c *gin.Context, lang string) ([]survey.Questionnaire, map[int64]string, error) {
	qs, err := s.Survey.FindQuestionnaires(c.Request.Context())
	if err != nil {
		return nil, nil, err
	}
	titles := make(map[int64]string, len(qs))
	for _, q := range qs {
		titles[q.ID] = fmt.Sprintf("%s (%s v%d)", q.Title(lang), q.Key, q.Version)
	}
	return qs, titles, nil
}

// progressViews lists a round's progress in tree order (parents before
// their children, siblings by code) with each unit's depth.
func progressViews(lang string, p *metrics.RoundProgress) []progressView {
	children := map[string][]metrics.UnitProgress{}
	for _, u := range p.Units {
		children[u.ParentCode] = append(children[u.ParentCode], u)
	}
	var out []progressView
	var walk func(parent string, depth int)
	walk = func(parent string, depth int) {
		for _, u := range children[parent] { // code order, as metrics returns them
			v := progressView{Code: u.Code, Name: u.Name, Depth: depth, Suppressed: u.Suppressed || u.Invited == nil || u.Answered == nil}
			if !v.Suppressed {
				v.Invited, v.Answered = *u.Invited, *u.Answered
				if u.Rate != nil {
					v.Rate = adminNumber(lang, *u.Rate) + " %"
				}
			}
			out = append(out, v)
			walk(u.Code, depth+1)
		}
	}
	walk("", 0)
	return out
}

// topUnits returns the views of depth 0: the round's top units.
func topUnits(vs []progressView) []progressView {
	return slices.DeleteFunc(slices.Clone(vs), func(v progressView) bool { return v.Depth > 0 })
}

// adminRound loads the round of the :id parameter, rendering the 404 (or
// 500) page when there is none; ok is false then.
func (s *Server) adminRound(c *gin.Context) (survey.Round, bool) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		s.adminFail(c, survey.ErrNotFound)
		return survey.Round{}, false
	}
	r, err := s.Survey.FindRoundByID(c.Request.Context(), id)
	if err != nil {
		s.adminFail(c, err)
		return survey.Round{}, false
	}
	return r, true
}

// roundPath is the page of round id.
func roundPath(id int64) string { return "/admin/rounds/" + strconv.FormatInt(id, 10) }

// roundsListPage is the list of rounds.
type roundsListPage struct {
	layout
	Notice string
	Rounds []roundView
}

// handleRoundsList lists every round, newest first, with its top units'
// invited and answered counts.
func (s *Server) handleRoundsList(c *gin.Context) {
	lang := s.requestLang(c)
	u, _, _ := s.currentUser(c)
	ctx := c.Request.Context()
	rounds, err := s.Survey.FindRounds(ctx)
	if err != nil {
		s.adminFail(c, err)
		return
	}
	_, titles, err := s.questionnaireTitles(c, lang)
	if err != nil {
		s.adminFail(c, err)
		return
	}
	p := roundsListPage{layout: staffLayout(c, u, lang, translate(lang, "rounds.title"), "/admin/rounds"), Notice: adminNotice(c, lang, roundNotices)}
	for _, r := range rounds {
		v := newRoundView(lang, r, titles)
		prog, err := s.Metrics.RoundProgress(ctx, r.ID)
		if err != nil {
			s.adminFail(c, err)
			return
		}
		v.Top = topUnits(progressViews(lang, prog))
		p.Rounds = append(p.Rounds, v)
	}
	s.render(c, http.StatusOK, pageAdminRounds, lang, p)
}

// roundForm is the create form as posted.
type roundForm struct {
	Name, Questionnaire, Opens, Closes, Threshold string
	Units                                         []string
}

// unitNode is a unit of the form's tree of checkboxes.
type unitNode struct {
	Code, Name string
	Checked    bool
	Children   []unitNode
}

// questionnaireOption is a questionnaire version in the form's select.
type questionnaireOption struct {
	ID       int64
	Label    string
	Selected bool
}

// roundNewPage is the form that creates a round.
type roundNewPage struct {
	layout
	Errors         adminErrors
	Form           roundForm
	Questionnaires []questionnaireOption
	Tree           []unitNode
	MinThreshold   int
}

// unitTree nests the open units under their parents, by code, with the
// codes in checked ticked.
func unitTree(units []survey.Unit, checked []string) []unitNode {
	byParent := map[int64][]survey.Unit{}
	for _, u := range units {
		if !u.Closed() {
			byParent[u.ParentID.Int64] = append(byParent[u.ParentID.Int64], u) // roots under 0
		}
	}
	var build func(parent int64) []unitNode
	build = func(parent int64) []unitNode {
		us := byParent[parent]
		slices.SortFunc(us, func(a, b survey.Unit) int { return strings.Compare(a.Code, b.Code) })
		nodes := make([]unitNode, len(us))
		for i, u := range us {
			nodes[i] = unitNode{Code: u.Code, Name: u.Name, Checked: slices.Contains(checked, u.Code), Children: build(u.ID)}
		}
		return nodes
	}
	return build(0)
}

// renderRoundNew renders the create form with f's values and errs.
func (s *Server) renderRoundNew(c *gin.Context, status int, lang string, u auth.User, f roundForm, errs adminErrors) {
	ctx := c.Request.Context()
	qs, titles, err := s.questionnaireTitles(c, lang)
	if err != nil {
		s.adminFail(c, err)
		return
	}
	units, err := s.Survey.FindUnits(ctx)
	if err != nil {
		s.adminFail(c, err)
		return
	}
	p := roundNewPage{layout: staffLayout(c, u, lang, translate(lang, "rounds.new.title"), "/admin/rounds/new"),
		Errors: errs, Form: f, Tree: unitTree(units, f.Units), MinThreshold: survey.MinThreshold}
	for i := len(qs) - 1; i >= 0; i-- { // newest version of each key first
		q := qs[i]
		p.Questionnaires = append(p.Questionnaires, questionnaireOption{ID: q.ID, Label: titles[q.ID], Selected: strconv.FormatInt(q.ID, 10) == f.Questionnaire})
	}
	s.render(c, status, pageAdminRoundNew, lang, p)
}

// handleRoundNew shows the create form: the threshold 5, opening today
// and closing in three weeks.
func (s *Server) handleRoundNew(c *gin.Context) {
	lang := s.requestLang(c)
	u, _, _ := s.currentUser(c)
	today := survey.DateOf(time.Now().In(survey.Zone))
	f := roundForm{Opens: today.String(), Closes: today.AddDate(0, 0, 21).Format(survey.DateLayout), Threshold: strconv.Itoa(survey.DefaultThreshold)}
	s.renderRoundNew(c, http.StatusOK, lang, u, f, nil)
}

// roundFields maps the fields of survey's round errors to the form's
// inputs and their messages.
var roundFields = map[string]struct{ id, key string }{
	"name":             {"name", "rounds.err.name"},
	"questionnaire_id": {"questionnaire", "rounds.err.questionnaire"},
	"opens_on":         {"opens", "rounds.err.opens"},
	"closes_on":        {"closes", "rounds.err.closes"},
	"threshold":        {"threshold", "rounds.err.threshold"},
	"units":            {"units", "rounds.err.units"},
}

// addRoundError adds the message of survey's field to errs once.
func addRoundError(errs *adminErrors, lang, field string) {
	f := roundFields[field]
	if f.id == "" || errs.For(f.id) != "" {
		return
	}
	text := translate(lang, f.key)
	if field == "threshold" {
		text = tprintf(lang, f.key, survey.MinThreshold)
	}
	*errs = append(*errs, adminFieldError{Field: f.id, Text: text})
}

// round reads the posted form into a round, with the fields it cannot
// parse named in errs.
func (f roundForm) round(lang string) (survey.Round, adminErrors) {
	var r survey.Round
	var errs adminErrors
	r.Name = f.Name
	var err error
	if r.QuestionnaireID, err = strconv.ParseInt(f.Questionnaire, 10, 64); err != nil {
		addRoundError(&errs, lang, "questionnaire_id")
	}
	if r.OpensOn, err = survey.ParseDate(f.Opens); err != nil {
		addRoundError(&errs, lang, "opens_on")
	}
	if r.ClosesOn, err = survey.ParseDate(f.Closes); err != nil {
		addRoundError(&errs, lang, "closes_on")
	}
	if r.Threshold, err = strconv.Atoi(strings.TrimSpace(f.Threshold)); err != nil {
		addRoundError(&errs, lang, "threshold")
	}
	return r, errs
}

// handleRoundCreate creates a draft round from the form; problems are
// shown next to their fields (422).
func (s *Server) handleRoundCreate(c *gin.Context) {
	lang := s.formLang(c)
	u, _, _ := s.currentUser(c)
	f := roundForm{Name: c.PostForm("name"), Questionnaire: c.PostForm("questionnaire"), Opens: c.PostForm("opens"),
		Closes: c.PostForm("closes"), Threshold: c.PostForm("threshold"), Units: c.PostFormArray("units")}
	r, errs := f.round(lang)
	if len(errs) == 0 {
		err := s.Survey.CreateRound(c.Request.Context(), &r, f.Units)
		lines, _, invalid := importRejection(err)
		switch {
		case invalid:
			for _, l := range lines {
				addRoundError(&errs, lang, l.Column)
			}
			if len(errs) == 0 {
				errs = adminErrors{{Text: err.Error()}}
			}
		case err != nil:
			s.adminFail(c, err)
			return
		}
	}
	if len(errs) > 0 {
		s.renderRoundNew(c, http.StatusUnprocessableEntity, lang, u, f, errs)
		return
	}
	s.adminAudit(c, u, actionRoundCreate, strconv.FormatInt(r.ID, 10), fmt.Sprintf("name=%q questionnaire=%d opens=%s closes=%s threshold=%d units=%s",
		r.Name, r.QuestionnaireID, r.OpensOn, r.ClosesOn, r.Threshold, strings.Join(f.Units, ",")))
	c.Redirect(http.StatusSeeOther, roundPath(r.ID)+"?done=created")
}

// jobView is a mail job on a round's page.
type jobView struct {
	Kind                string
	Started             string
	Total, Sent, Failed int
	Running, Stalled    bool
	Failures            []mail.Failure
}

// roundShowPage is a round's live page.
type roundShowPage struct {
	layout
	Notice   string
	Round    roundView
	Progress []progressView
	ChartURL string
	Jobs     []jobView
}

// handleRoundShow shows a round: its state and actions, the response
// rates per unit of its tree, the response-rate chart and the progress
// of its e-mail jobs. "Opdater" reloads it; no script refreshes it.
func (s *Server) handleRoundShow(c *gin.Context) {
	lang := s.requestLang(c)
	u, _, _ := s.currentUser(c)
	r, ok := s.adminRound(c)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	_, titles, err := s.questionnaireTitles(c, lang)
	if err != nil {
		s.adminFail(c, err)
		return
	}
	prog, err := s.Metrics.RoundProgress(ctx, r.ID)
	if err != nil {
		s.adminFail(c, err)
		return
	}
	jobs, err := s.mailJobs.FindJobs(ctx, r.ID)
	if err != nil {
		s.adminFail(c, err)
		return
	}
	p := roundShowPage{layout: staffLayout(c, u, lang, r.Name, roundPath(r.ID)), Notice: adminNotice(c, lang, roundNotices),
		Round: newRoundView(lang, r, titles), Progress: progressViews(lang, prog)}
	if top := topUnits(p.Progress); r.Status != survey.RoundDraft && len(top) > 0 {
		p.ChartURL = fmt.Sprintf("/charts/rounds/%d/units/%s/response.png?lang=%s", r.ID, url.PathEscape(top[0].Code), lang)
	}
	now := time.Now()
	for _, j := range jobs {
		v := jobView{Kind: translate(lang, jobKindKeys[j.Kind]), Started: adminDateTime(lang, j.CreatedAt),
			Total: j.Total, Sent: j.Sent, Failed: j.Failed, Running: !j.Done() && !j.Stalled(now), Stalled: j.Stalled(now)}
		if j.Failed > 0 {
			if v.Failures, err = s.mailJobs.FindFailures(ctx, j.ID); err != nil {
				s.adminFail(c, err)
				return
			}
		}
		p.Jobs = append(p.Jobs, v)
	}
	s.render(c, http.StatusOK, pageAdminRound, lang, p)
}

// adminDateTime writes Unix time sec as a date and a clock time in Copenhagen.
func adminDateTime(lang string, sec int64) string {
	return adminDate(lang, sec) + " " + time.Unix(sec, 0).In(survey.Zone).Format("15:04")
}

// roundConflict renders the round's page state error: the round is not in
// the state the action needs (409).
func (s *Server) roundConflict(c *gin.Context, lang string, r survey.Round) {
	s.message(c, http.StatusConflict, lang, messagePage{
		Heading: translate(lang, "rounds.conflict.title"), Text: tprintf(lang, "rounds.conflict.text", r.Name, translate(lang, roundStatusKeys[r.Status])),
		LinkURL: roundPath(r.ID), LinkText: translate(lang, "rounds.back"),
	})
}

// roundFail renders the failure of an action on round r: the conflict
// page when the round is not in the state the action needs, else the
// failure page of err.
func (s *Server) roundFail(c *gin.Context, lang string, r survey.Round, err error) {
	if errors.Is(err, survey.ErrConflict) {
		s.roundConflict(c, lang, r)
		return
	}
	s.adminFail(c, err)
}

// handleRoundOpen opens a draft round for answers.
func (s *Server) handleRoundOpen(c *gin.Context) {
	lang := s.formLang(c)
	u, _, _ := s.currentUser(c)
	r, ok := s.adminRound(c)
	if !ok {
		return
	}
	if err := s.Survey.OpenRound(c.Request.Context(), r.ID); err != nil {
		s.roundFail(c, lang, r, err)
		return
	}
	s.adminAudit(c, u, actionRoundOpen, strconv.FormatInt(r.ID, 10), fmt.Sprintf("name=%q", r.Name))
	c.Redirect(http.StatusSeeOther, roundPath(r.ID)+"?done=opened")
}

// roundClosePage asks to confirm closing a round.
type roundClosePage struct {
	layout
	Round roundView
}

// handleRoundCloseConfirm asks HR to confirm closing an open round.
func (s *Server) handleRoundCloseConfirm(c *gin.Context) {
	lang := s.requestLang(c)
	u, _, _ := s.currentUser(c)
	r, ok := s.adminRound(c)
	if !ok {
		return
	}
	if r.Status != survey.RoundOpen {
		s.roundConflict(c, lang, r)
		return
	}
	p := roundClosePage{layout: staffLayout(c, u, lang, tprintf(lang, "rounds.close.title", r.Name), roundPath(r.ID)+"/close"),
		Round: newRoundView(lang, r, nil)}
	s.render(c, http.StatusOK, pageAdminRoundClose, lang, p)
}

// handleRoundClose closes an open round and computes its results, so
// that the results pages are ready. A failed computation is logged: the
// results are computed again the first time they are read.
func (s *Server) handleRoundClose(c *gin.Context) {
	lang := s.formLang(c)
	u, _, _ := s.currentUser(c)
	r, ok := s.adminRound(c)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	if err := s.Survey.CloseRound(ctx, r.ID); err != nil {
		s.roundFail(c, lang, r, err)
		return
	}
	s.adminAudit(c, u, actionRoundClose, strconv.FormatInt(r.ID, 10), fmt.Sprintf("name=%q", r.Name))
	if err := s.Metrics.ComputeRound(ctx, r.ID); err != nil {
		s.Logger.Error("compute results of closed round", "round", r.ID, "err", err)
	}
	c.Redirect(http.StatusSeeOther, roundPath(r.ID)+"?done=closed")
}
