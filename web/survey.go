package web

import (
	"context"
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/gin-gonic/gin"
	"github.com/gorilla/csrf"

	"github.com/tillid/tillid/survey"
)

// This file is the employee's form: the invitation link /s/:secret (intro
// and questions on one page), the code page /kode and the thank-you page
// /tak. Secrets (tokens and codes) are never logged: the request logger
// redacts /s/…, and no handler here logs a path, a form or a secret.

// layout is what the layout template needs on every page.
type layout struct {
	Lang, OtherLang string
	Title           string
	// LangURL links to the same page in the other language (pages
	// without answers to keep).
	LangURL string
	// LangForm names the form whose language button re-posts the answers.
	LangForm string
	// staffFields are set on signed-in staff pages (staff.go).
	staffFields
}

// newLayout returns the layout of a page at path in lang, with a
// language link.
func newLayout(lang, title, path string) layout {
	other := otherLang(lang)
	return layout{Lang: lang, OtherLang: other, Title: title, LangURL: path + "?lang=" + other}
}

// messagePage is a page with a heading, a text and maybe a link: the
// thank-you page and every page that explains why a form cannot be shown.
type messagePage struct {
	layout
	Heading, Text     string
	LinkURL, LinkText string
	Success           bool
}

// message renders a messagePage; its title is its heading.
func (s *Server) message(c *gin.Context, status int, lang string, p messagePage) {
	p.layout = newLayout(lang, p.Heading, c.Request.URL.Path)
	s.render(c, status, pageMessage, lang, p)
}

// formPage is the intro and the questions of one invitation's form.
type formPage struct {
	layout
	Action     string
	CSRFField  template.HTML
	Intro      string
	Minutes    int
	Threshold  int
	MaxComment int
	Sections   []sectionView
	Errors     []itemView
	// Preview marks HR's read-only preview of a questionnaire
	// (admin_questionnaires.go): a banner, and no submit.
	Preview bool
}

type sectionView struct {
	Key, Title string
	Items      []itemView
}

type itemView struct {
	Key      string
	Num      int
	Text     string
	Type     survey.ItemType
	Required bool
	Choices  []choiceView
	Value    string // a text item's answer
	Error    string
}

// IsText reports whether the item is answered in a text box.
func (v itemView) IsText() bool { return v.Type == survey.Text }

type choiceView struct {
	Value   int
	Label   string
	Checked bool
}

// answerField is the form field of an item's answer.
func answerField(key string) string { return "a_" + key }

// answers is what an employee posted for a questionnaire: the value per
// item key as posted (kept to show the form again), the submission built
// from the valid ones, and the message key of each item's problem.
type answers struct {
	values   map[string]string
	problems map[string]string
	sub      survey.Submission
}

// parseAnswers reads the answers to q's items from form, ignoring every
// other field: scored values are checked with survey.ValidValue, text is
// trimmed and capped at survey.MaxCommentLen characters, and required
// items left blank are problems.
func parseAnswers(form url.Values, q *survey.Questionnaire) answers {
	a := answers{values: make(map[string]string, len(q.Items)), problems: map[string]string{}}
	a.sub.Answers = make([]survey.Answer, 0, len(q.Items))
	for _, it := range q.Items {
		raw := strings.TrimSpace(form.Get(answerField(it.Key)))
		if it.Type == survey.Text {
			// Trimmed again: dropping invalid bytes can uncover space (FuzzParseAnswers).
			raw = capText(strings.TrimSpace(strings.ToValidUTF8(raw, "")), survey.MaxCommentLen)
		}
		a.values[it.Key] = raw
		switch {
		case raw == "":
			if it.Required {
				a.problems[it.Key] = "errors.required"
			}
		case it.Type == survey.Text:
			a.sub.Comments = append(a.sub.Comments, survey.Comment{ItemID: it.ID, Body: raw})
		default:
			v, err := strconv.Atoi(raw)
			if err != nil || !survey.ValidValue(it.Type, v) {
				a.problems[it.Key] = "errors.invalid"
				continue
			}
			a.sub.Answers = append(a.sub.Answers, survey.Answer{ItemID: it.ID, Value: v})
		}
	}
	return a
}

// empty reports whether nothing at all was answered.
func (a answers) empty() bool { return len(a.sub.Answers) == 0 && len(a.sub.Comments) == 0 }

// capText cuts s to at most n characters and trims trailing space.
func capText(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return strings.TrimRightFunc(string([]rune(s)[:n]), unicode.IsSpace)
}

// newFormPage builds the form of q in lang with the given answers and
// their problems shown.
func newFormPage(c *gin.Context, lang, secret string, r survey.Round, q *survey.Questionnaire, a answers) formPage {
	action := "/s/" + url.PathEscape(secret)
	p := formPage{
		layout:     layout{Lang: lang, OtherLang: otherLang(lang), Title: q.Title(lang), LangForm: "answers"},
		Action:     action,
		CSRFField:  csrf.TemplateField(c.Request),
		Intro:      q.Intro(lang),
		Minutes:    q.Minutes,
		Threshold:  r.Threshold,
		MaxComment: survey.MaxCommentLen,
		Sections:   make([]sectionView, len(q.Sections)),
	}
	for i, sec := range q.Sections {
		sv := sectionView{Key: sec.Key, Title: sec.Title(lang), Items: make([]itemView, len(sec.Items))}
		for j, it := range sec.Items {
			v := itemView{Key: it.Key, Num: it.Position, Text: it.Text(lang), Type: it.Type, Required: it.Required}
			if msg, bad := a.problems[it.Key]; bad {
				v.Error = translate(lang, msg)
			}
			if it.Type == survey.Text {
				v.Value = a.values[it.Key]
			} else {
				chosen := a.values[it.Key]
				for _, ch := range it.Type.Choices() {
					val := strconv.Itoa(ch.Value)
					v.Choices = append(v.Choices, choiceView{Value: ch.Value, Label: ch.Label(lang), Checked: chosen == val && v.Error == ""})
				}
			}
			if v.Error != "" {
				p.Errors = append(p.Errors, v)
			}
			sv.Items[j] = v
		}
		p.Sections[i] = sv
	}
	return p
}

// invitationFor looks up the invitation of secret with its round (one
// query) and renders the page that says why it cannot be answered: unknown (404),
// not yet open (403), closed (410) or already answered (200). ok is true
// when the form can be shown. Failed lookups count against the client's
// guessing allowance.
func (s *Server) invitationFor(c *gin.Context, lang, secret string) (inv survey.Invitation, r survey.Round, ok bool) {
	ctx := c.Request.Context()
	client := c.ClientIP()
	if s.guard.blocked(client) {
		s.tooManyAttempts(c, lang)
		return inv, r, false
	}
	inv, r, err := s.Survey.FindInvitationRound(ctx, secret)
	if errors.Is(err, survey.ErrNotFound) {
		s.guard.allow(client)
		s.message(c, http.StatusNotFound, lang, messagePage{
			Heading: translate(lang, "notfound.title"), Text: translate(lang, "notfound.text"),
			LinkURL: "/kode", LinkText: translate(lang, "notfound.link"),
		})
		return inv, r, false
	}
	if err != nil {
		s.fail(c, lang, err)
		return inv, r, false
	}
	if !s.roundAnswerable(c, lang, r) {
		return inv, r, false
	}
	if inv.Used {
		s.alreadyAnswered(c, lang)
		return inv, r, false
	}
	return inv, r, true
}

// roundAnswerable renders the page of a draft (403, with the opening
// date) or closed (410) round and reports whether r is open.
func (s *Server) roundAnswerable(c *gin.Context, lang string, r survey.Round) bool {
	switch r.Status {
	case survey.RoundOpen:
		return true
	case survey.RoundClosed:
		s.message(c, http.StatusGone, lang, messagePage{
			Heading: translate(lang, "closed.title"),
			Text:    tprintf(lang, "closed.text", r.Name, formatDate(lang, r.ClosesOn)),
		})
	default:
		s.message(c, http.StatusForbidden, lang, messagePage{
			Heading: translate(lang, "notopen.title"),
			Text:    tprintf(lang, "notopen.text", r.Name, formatDate(lang, r.OpensOn)),
		})
	}
	return false
}

// alreadyAnswered renders the 200 page for an invitation that was used:
// the answer to a double click, a back-button resubmit or a retry.
func (s *Server) alreadyAnswered(c *gin.Context, lang string) {
	s.message(c, http.StatusOK, lang, messagePage{
		Heading: translate(lang, "already.title"), Text: translate(lang, "already.text"), Success: true,
	})
}

// tooManyAttempts renders the 429 page of a client that guessed too often.
func (s *Server) tooManyAttempts(c *gin.Context, lang string) {
	c.Header("Retry-After", "900")
	s.message(c, http.StatusTooManyRequests, lang, messagePage{
		Heading: translate(lang, "ratelimit.title"), Text: translate(lang, "ratelimit.text"),
	})
}

// statusClientGone is the status logged for a request whose client went
// away before it was answered (nginx's 499); nobody receives it.
const statusClientGone = 499

// fail renders err's status as a page; 5xx errors are logged (survey's
// errors never contain a secret, and the path is not logged here). An
// error because the client went away (its request's context ended) is
// no server failure: it is not logged and its status is 499.
func (s *Server) fail(c *gin.Context, lang string, err error) {
	if c.Request.Context().Err() != nil && errors.Is(err, context.Canceled) {
		c.Status(statusClientGone)
		return
	}
	status := statusOf(err)
	key := "error"
	switch {
	case status >= 500:
		status = http.StatusInternalServerError
		s.Logger.Error("employee form failed", "err", err)
	case status == http.StatusBadRequest:
		key = "invalid"
	}
	s.message(c, status, lang, messagePage{Heading: translate(lang, key+".title"), Text: translate(lang, key+".text")})
}

// handleSurveyShow shows the intro and the questions of an invitation.
func (s *Server) handleSurveyShow(c *gin.Context) {
	lang := s.requestLang(c)
	secret := c.Param("secret")
	_, r, ok := s.invitationFor(c, lang, secret)
	if !ok {
		return
	}
	// Rendered once per questionnaire, language and threshold (formcache.go).
	s.renderBlankForm(c, lang, secret, r)
}

// handleSurveySubmit takes the posted form: a language button shows the
// same answers in the other language; missing answers show the form
// again (422); otherwise the response is stored once and the employee is
// sent to /tak.
func (s *Server) handleSurveySubmit(c *gin.Context) {
	lang := s.formLang(c)
	secret := c.Param("secret")
	inv, r, ok := s.invitationFor(c, lang, secret)
	if !ok {
		s.countRefused(inv)
		return
	}
	ctx := c.Request.Context()
	q, err := s.Survey.FindQuestionnaireByID(ctx, r.QuestionnaireID)
	if err != nil {
		s.fail(c, lang, err)
		return
	}
	a := parseAnswers(c.Request.PostForm, q)
	if to, ok := strings.CutPrefix(c.PostForm("action"), "lang:"); ok && validLang(to) {
		s.rememberLang(c, to)
		a.problems = nil
		s.render(c, http.StatusOK, pageForm, to, newFormPage(c, to, secret, r, q, a))
		return
	}
	if a.empty() && len(a.problems) == 0 {
		// Nothing at all is no answer: ask for the first question.
		a.problems[q.Items[0].Key] = "errors.required"
	}
	if len(a.problems) > 0 {
		s.render(c, http.StatusUnprocessableEntity, pageForm, lang, newFormPage(c, lang, secret, r, q, a))
		return
	}
	a.sub.InvitationID, a.sub.Lang = inv.ID, lang
	err = s.Survey.SubmitResponse(ctx, a.sub)
	s.countSubmission(err)
	switch {
	case errors.Is(err, survey.ErrAlreadyAnswered):
		s.alreadyAnswered(c, lang)
		return
	case errors.Is(err, survey.ErrRoundNotOpen):
		// The round closed between the lookup and the submission.
		if r, err = s.Survey.FindRoundByID(ctx, r.ID); err != nil {
			s.fail(c, lang, err)
		} else if s.roundAnswerable(c, lang, r) {
			s.fail(c, lang, survey.ErrConflict)
		}
		return
	case err != nil:
		s.fail(c, lang, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/tak?lang="+lang)
}

// handleTak thanks the employee; it carries no secret.
func (s *Server) handleTak(c *gin.Context) {
	lang := s.requestLang(c)
	s.message(c, http.StatusOK, lang, messagePage{
		Heading: translate(lang, "tak.title"), Text: translate(lang, "tak.text"), Success: true,
	})
}

// kodePage is the page where a printed code is typed.
type kodePage struct {
	layout
	CSRFField template.HTML
	Code      string
	Error     string
}

// renderKode renders the code page with status, the code typed so far
// and the message key of its problem, if any.
func (s *Server) renderKode(c *gin.Context, status int, lang, code, problem string) {
	p := kodePage{layout: newLayout(lang, translate(lang, "kode.title"), "/kode"), CSRFField: csrf.TemplateField(c.Request), Code: code}
	if problem != "" {
		p.Error = translate(lang, problem)
	}
	s.render(c, status, pageKode, lang, p)
}

// handleKodeShow shows the page to type a printed code.
func (s *Server) handleKodeShow(c *gin.Context) {
	s.renderKode(c, http.StatusOK, s.requestLang(c), "", "")
}

// handleKodeSubmit looks a typed code up and redirects to its form
// (303). Every attempt counts against the client's allowance, so codes
// cannot be guessed; the code is never logged.
func (s *Server) handleKodeSubmit(c *gin.Context) {
	lang := s.formLang(c)
	if !s.guard.allow(c.ClientIP()) {
		s.tooManyAttempts(c, lang)
		return
	}
	code := strings.TrimSpace(c.PostForm("code"))
	if code == "" {
		s.renderKode(c, http.StatusUnprocessableEntity, lang, "", "kode.empty")
		return
	}
	_, err := s.Survey.FindInvitationBySecret(c.Request.Context(), code)
	if errors.Is(err, survey.ErrNotFound) {
		s.renderKode(c, http.StatusNotFound, lang, capText(code, 40), "kode.unknown")
		return
	}
	if err != nil {
		s.fail(c, lang, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/s/"+url.PathEscape(normalizeTypedCode(code))+"?lang="+lang)
}

// normalizeTypedCode gives a code that was found a canonical URL form:
// upper case, without white space (the store reads the rest).
func normalizeTypedCode(code string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return unicode.ToUpper(r)
	}, code)
}
