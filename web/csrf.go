package web

import (
	"context"
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/gorilla/csrf"
)

// csrfFieldName is the form field that carries the CSRF token.
const csrfFieldName = "csrf_token"

// ginContextKey holds the gin context in the request context while
// gorilla/csrf, a net/http middleware, runs inside gin.
type ginContextKey struct{}

// csrfProtect returns the middleware that protects every POST with
// gorilla/csrf. Its key is the database secret "csrf", so every app
// instance accepts the tokens of the others. Plain-HTTP requests (no TLS
// and an http BaseURL) are marked so that the strict HTTPS Referer check
// does not reject them; a failure renders the 403 page of csrfFailed.
func (s *Server) csrfProtect(ctx context.Context) (gin.HandlerFunc, error) {
	key, err := s.Survey.Secret(ctx, "csrf", 32)
	if err != nil {
		return nil, err
	}
	secure := s.secureCookies()
	protect := csrf.Protect(key,
		csrf.Secure(secure),
		csrf.HttpOnly(true),
		csrf.SameSite(csrf.SameSiteLaxMode),
		csrf.Path("/"),
		csrf.CookieName("tillid_csrf"),
		csrf.FieldName(csrfFieldName),
		csrf.ErrorHandler(http.HandlerFunc(s.csrfFailed)),
	)
	next := protect(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		c := r.Context().Value(ginContextKey{}).(*gin.Context)
		c.Request = r
		c.Next()
	}))
	return func(c *gin.Context) {
		r := c.Request.WithContext(context.WithValue(c.Request.Context(), ginContextKey{}, c))
		if r.TLS == nil && !secure {
			r = csrf.PlaintextHTTPRequest(r)
		}
		// Forms are posted back to their own origin: a same-origin
		// Referrer-Policy makes the browser send the real Origin header
		// (with "no-referrer" it sends "Origin: null", which gorilla/csrf
		// rejects) while still sending nothing to other sites.
		c.Header("Referrer-Policy", "same-origin")
		next.ServeHTTP(c.Writer, r)
		c.Abort() // the rest of the chain ran inside next, or must not run
	}, nil
}

// csrfFailed answers a POST whose CSRF token or origin is missing or
// wrong: a 403 page in the visitor's language with a link back to the
// page; nothing of the request is kept.
func (s *Server) csrfFailed(_ http.ResponseWriter, r *http.Request) {
	c := r.Context().Value(ginContextKey{}).(*gin.Context)
	c.Request = r // gorilla/csrf has read the form from r
	lang := s.formLang(c)
	s.message(c, http.StatusForbidden, lang, messagePage{
		Heading:  translate(lang, "csrf.title"),
		Text:     translate(lang, "csrf.text"),
		LinkURL:  c.Request.URL.Path,
		LinkText: translate(lang, "csrf.link"),
	})
}
