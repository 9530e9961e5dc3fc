package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/tillid/tillid/survey"
)

// This file is HR's questionnaire page: the stored versions with the
// rounds that use them, the upload of a new version (a YAML file or
// pasted text), the YAML of a version or of the default to start from,
// and the preview of a version exactly as an employee sees it. Versions
// never change: an upload is always a new version.

// actionQuestionnaireCreate is the audit action of a stored version.
const actionQuestionnaireCreate = "questionnaire.create"

// questionnaireNotices are the notices after a change, by ?done= key.
var questionnaireNotices = map[string]string{"created": "admin.questionnaires.done_created"}

// questionnaireView is one stored version as the list shows it.
type questionnaireView struct {
	survey.QuestionnaireVersion
	Title, CreatedOn string
	Rounds           []string // names of the rounds that use the version
}

// questionnairesPage lists the versions and holds the upload form with
// the problems of a rejected file.
type questionnairesPage struct {
	layout
	Versions []questionnaireView
	Notice   string
	Source   string // the rejected YAML, to correct in the text box
	Problem  string
	Errors   survey.ImportErrors
}

// renderQuestionnaires renders the questionnaire page with status.
func (s *Server) renderQuestionnaires(c *gin.Context, status int, lang string, p questionnairesPage) {
	ctx := c.Request.Context()
	u, _, _ := s.currentUser(c)
	versions, err := s.Survey.FindQuestionnaireVersions(ctx)
	if err != nil {
		s.adminFail(c, err)
		return
	}
	rounds, err := s.Survey.FindRounds(ctx)
	if err != nil {
		s.adminFail(c, err)
		return
	}
	used := map[int64][]string{}
	for _, r := range rounds {
		used[r.QuestionnaireID] = append(used[r.QuestionnaireID], r.Name)
	}
	p.layout = staffLayout(c, u, lang, translate(lang, "admin.questionnaires.title"), "/admin/questionnaires")
	for _, v := range versions {
		p.Versions = append(p.Versions, questionnaireView{QuestionnaireVersion: v, Title: v.Title(lang), CreatedOn: adminDate(lang, v.CreatedAt), Rounds: used[v.ID]})
	}
	s.render(c, status, pageAdminQuestionnaires, lang, p)
}

// handleQuestionnairesList lists the stored versions.
func (s *Server) handleQuestionnairesList(c *gin.Context) {
	lang := s.requestLang(c)
	s.renderQuestionnaires(c, http.StatusOK, lang, questionnairesPage{Notice: adminNotice(c, lang, questionnaireNotices)})
}

// questionnaireSource returns the YAML posted as text, else as a file;
// problem is the message key of what is wrong, "" when there is a source.
func questionnaireSource(c *gin.Context) (src []byte, problem string) {
	if text := c.PostForm("source"); strings.TrimSpace(text) != "" {
		return []byte(text), ""
	}
	up, problem := readAdminUpload(c)
	return up.Data, problem
}

// handleQuestionnaireCreate validates an uploaded or pasted questionnaire
// and stores it as the next version of its key; a rejected file is shown
// again with every problem and its line.
func (s *Server) handleQuestionnaireCreate(c *gin.Context) {
	lang := s.formLang(c)
	u, _, _ := s.currentUser(c)
	src, problem := questionnaireSource(c)
	if problem != "" {
		s.renderQuestionnaires(c, http.StatusUnprocessableEntity, lang, questionnairesPage{Problem: translate(lang, problem)})
		return
	}
	q, err := survey.ParseQuestionnaire(src)
	if err == nil {
		err = s.Survey.CreateQuestionnaire(c.Request.Context(), q, src)
	}
	if lines, problem, ok := importRejection(err); ok {
		s.renderQuestionnaires(c, http.StatusUnprocessableEntity, lang, questionnairesPage{Source: string(src), Errors: lines, Problem: problem})
		return
	}
	if err != nil {
		s.adminFail(c, err)
		return
	}
	s.adminAudit(c, u, actionQuestionnaireCreate, q.Key, "version="+strconv.Itoa(q.Version))
	c.Redirect(http.StatusSeeOther, "/admin/questionnaires?done=created")
}

// sendYAML answers with a YAML file to download.
func sendYAML(c *gin.Context, name string, src []byte) {
	c.Header("Content-Disposition", `attachment; filename="`+name+`"`)
	c.Header("Cache-Control", "no-store")
	c.Data(http.StatusOK, "application/yaml; charset=utf-8", src)
}

// handleQuestionnaireDefault downloads the default questionnaire's YAML,
// the place to start a new questionnaire from.
func (s *Server) handleQuestionnaireDefault(c *gin.Context) {
	sendYAML(c, "tillid-standard.yaml", survey.DefaultQuestionnaire())
}

// questionnaireByParam returns the version named by the route's :id.
func (s *Server) questionnaireByParam(c *gin.Context) (*survey.Questionnaire, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return nil, fmt.Errorf("web: questionnaire %q: %w", c.Param("id"), survey.ErrNotFound)
	}
	return s.Survey.FindQuestionnaireByID(c.Request.Context(), id)
}

// handleQuestionnaireSource downloads the YAML a version was stored from.
func (s *Server) handleQuestionnaireSource(c *gin.Context) {
	q, err := s.questionnaireByParam(c)
	if err != nil {
		s.adminFail(c, err)
		return
	}
	src, err := s.Survey.FindQuestionnaireSource(c.Request.Context(), q.ID)
	if err != nil {
		s.adminFail(c, err)
		return
	}
	sendYAML(c, fmt.Sprintf("%s-v%d.yaml", q.Key, q.Version), src)
}

// handleQuestionnairePreview shows a version as an employee sees its
// form, in the language chosen (?lang=), with a preview banner and the
// submit button disabled; no invitation is involved.
func (s *Server) handleQuestionnairePreview(c *gin.Context) {
	lang := s.requestLang(c)
	q, err := s.questionnaireByParam(c)
	if err != nil {
		s.adminFail(c, err)
		return
	}
	path := c.Request.URL.Path
	p := newFormPage(c, lang, "", survey.Round{Threshold: survey.DefaultThreshold}, q, answers{})
	p.Preview, p.Action = true, path
	// The language switch is a link: there are no answers to keep.
	p.LangForm, p.LangURL = "", path+"?lang="+otherLang(lang)
	s.render(c, http.StatusOK, pageForm, lang, p)
}
