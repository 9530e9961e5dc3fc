package web

import (
	"bytes"
	"html/template"
	"net/http"
	"net/url"
	"sync"

	"github.com/gin-gonic/gin"
	"github.com/gorilla/csrf"

	"github.com/tillid/tillid/survey"
)

// A blank form — one nobody has answered yet, the page every employee
// gets first — is the same for every invitation of a round except for its
// action URL (the secret) and its CSRF field. Executing the template
// (some 200 radio buttons, each attribute escaped through reflection) was
// most of the server's CPU per submission under load (bench/README.md),
// so each blank form is rendered once per questionnaire version, language
// and threshold with markers in those two places, and every request
// writes the pieces around its own secret and token.

// The markers where a blank form's action secret and CSRF field go; both
// pass html/template's escaping unchanged.
const (
	actionMarker = "TILLID-ACTION-MARKER"
	csrfMarker   = "<!--TILLID-CSRF-MARKER-->"
)

// blankKey is what a blank form depends on.
type blankKey struct {
	questionnaire int64
	lang          string
	threshold     int
}

// blankForm is a rendered blank form cut at its markers.
type blankForm struct{ head, middle, tail []byte }

// renderBlankForm writes the blank form of round r's questionnaire in
// lang for secret, rendering it on first use; only then is the
// questionnaire read.
func (s *Server) renderBlankForm(c *gin.Context, lang, secret string, r survey.Round) {
	key := blankKey{r.QuestionnaireID, lang, r.Threshold}
	v, ok := s.blankForms.Load(key)
	if !ok {
		q, err := s.Survey.FindQuestionnaireByID(c.Request.Context(), r.QuestionnaireID)
		if err != nil {
			s.fail(c, lang, err)
			return
		}
		p := newFormPage(c, lang, actionMarker, r, q, answers{})
		p.CSRFField = csrfMarker
		var buf bytes.Buffer
		if err := s.templates[pageForm][lang].ExecuteTemplate(&buf, "layout", p); err != nil {
			s.Logger.Error("render page", "page", pageForm, "err", err)
			c.Data(http.StatusInternalServerError, "text/plain; charset=utf-8", []byte("500 Internal Server Error\n"))
			return
		}
		page := buf.Bytes()
		if bytes.Count(page, []byte(actionMarker)) != 1 || bytes.Count(page, []byte(csrfMarker)) != 1 {
			// The template changed shape: render every time, as before.
			s.render(c, http.StatusOK, pageForm, lang, newFormPage(c, lang, secret, r, q, answers{}))
			return
		}
		head, rest, _ := bytes.Cut(page, []byte(actionMarker))
		middle, tail, _ := bytes.Cut(rest, []byte(csrfMarker))
		v, _ = s.blankForms.LoadOrStore(key, &blankForm{head, middle, tail})
	}
	f := v.(*blankForm)
	// The secret was found by FindInvitationBySecret, so it is a token or
	// a code; escaping it for the path and the attribute is what the
	// template does to the action.
	action := template.HTMLEscapeString(url.PathEscape(secret))
	field := csrf.TemplateField(c.Request)
	// The page (tens of kB) is put together in a pooled buffer: a new one
	// per visit was most of the server's allocations under load.
	buf := pageBuffers.Get().(*[]byte)
	out := append(append(append(append(append((*buf)[:0], f.head...), action...), f.middle...), field...), f.tail...)
	c.Header("Cache-Control", "no-store")
	c.Data(http.StatusOK, "text/html; charset=utf-8", out) // written before Data returns
	*buf = out
	pageBuffers.Put(buf)
}

// pageBuffers holds the buffers renderBlankForm assembles pages in.
var pageBuffers = sync.Pool{New: func() any { return new([]byte) }}
