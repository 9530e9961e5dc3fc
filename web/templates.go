package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"sync"

	"github.com/gin-gonic/gin"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// staticFiles serves the embedded CSS under /static/.
func staticFiles() http.FileSystem {
	sub, err := fs.Sub(staticFS, "static")
	if err != nil {
		panic(err) // the embedded folder is fixed at build time
	}
	return http.FS(sub)
}

// The pages of the employee's form; each is parsed with the layout into
// its own template set.
const (
	pageForm    = "form.html"
	pageKode    = "kode.html"
	pageMessage = "message.html"
	pageLogin   = "login.html"   // staff sign-in (auth_handlers.go)
	pageAccount = "account.html" // the signed-in user (auth_handlers.go)
)

var pageNames = []string{pageForm, pageKode, pageMessage, pageLogin, pageAccount,
	// HR administration (admin_forms.go)
	pageAdminUnits, pageAdminUnitsImport, pageAdminUnit, pageAdminQuestionnaires, pageAdminAbsence, pageAdminAbsenceImport, pageAdminAudit,
	// Reading results (results.go)
	pageResults, pageResultsUnit, pageResultsTrend, pageResultsHeatmap, pageResultsCorrelation,
	// The action plan (plans.go)
	pagePlans, pagePlanUnit,
	// Rounds and invitations (admin_rounds.go, admin_invitations.go)
	pageAdminRounds, pageAdminRoundNew, pageAdminRound, pageAdminRoundClose, pageAdminInvitations, pageAdminInvitationsPreview,
	// The privacy notice and the accessibility statement (privacy.go)
	pagePrivacy, pageAccessibility}

// templates holds one parsed template set per page and language: the
// language is bound into the t and tf funcs at start-up, so rendering
// parses nothing.
type templates map[string]map[string]*template.Template

// loadTemplates parses every page with the layout and the shared pieces
// of the administration and the results pages, once per language.
func loadTemplates() (templates, error) {
	ts := templates{}
	for _, page := range pageNames {
		ts[page] = map[string]*template.Template{}
		for _, lang := range langs {
			t, err := template.New(page).Funcs(templateFuncs(lang)).ParseFS(templateFS, "templates/layout.html", "templates/admin_partials.html", "templates/results_partials.html", "templates/"+page)
			if err != nil {
				return nil, fmt.Errorf("web: parse template %s: %w", page, err)
			}
			ts[page][lang] = t
		}
	}
	return ts, nil
}

// templateFuncs returns the funcs of a template set in lang: t "key"
// translates, tf "key" args… translates and formats.
func templateFuncs(lang string) template.FuncMap {
	return template.FuncMap{
		"t":  func(key string) string { return translate(lang, key) },
		"tf": func(key string, args ...any) string { return tprintf(lang, key, args...) },
	}
}

// bufPool recycles the buffers pages are rendered into.
var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// render executes page in lang into a buffer and writes it with status;
// a template error becomes a clean 500 and is logged.
func (s *Server) render(c *gin.Context, status int, page, lang string, data any) {
	buf := bufPool.Get().(*bytes.Buffer)
	buf.Reset()
	defer func() {
		if buf.Cap() <= 1<<20 {
			bufPool.Put(buf)
		}
	}()
	if err := s.templates[page][lang].ExecuteTemplate(buf, "layout", data); err != nil {
		s.Logger.Error("render page", "page", page, "err", err)
		c.Data(http.StatusInternalServerError, "text/plain; charset=utf-8", []byte("500 Internal Server Error\n"))
		return
	}
	c.Header("Cache-Control", "no-store")
	c.Data(status, "text/html; charset=utf-8", buf.Bytes())
}
