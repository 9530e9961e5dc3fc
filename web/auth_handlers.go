package web

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"html/template"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/gorilla/csrf"

	"github.com/tillid/tillid/web/auth"
)

// This file is staff sign-in: the login page with e-mail and password,
// sign-in through the municipality's identity provider (OIDC), sign-out
// and "sign out everywhere", and the account page.

// homePath is where a sign-in without a requested page lands.
const homePath = "/results"

// oidcCookie keeps an OIDC sign-in's state, nonce and PKCE verifier in
// the browser between the redirect to the provider and the callback.
const (
	oidcCookie     = "tillid_oidc"
	oidcCookiePath = "/login/oidc"
	oidcFlowMaxAge = 10 * time.Minute
)

// discoveryTimeout bounds the start-up call to the identity provider.
const discoveryTimeout = 15 * time.Second

// setupAuth builds the auth store over the survey database, the cached
// unit tree and, when configured, the OIDC client.
func (s *Server) setupAuth() error {
	s.Auth = auth.NewStore(s.Survey.DB())
	if s.Config.IdleTimeout > 0 {
		s.Auth.IdleTimeout = s.Config.IdleTimeout
	}
	if s.Config.AbsoluteTimeout > 0 {
		s.Auth.AbsoluteTimeout = s.Config.AbsoluteTimeout
	}
	s.Units = auth.NewUnitTree(s.Survey)
	if s.Config.OIDC == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), discoveryTimeout)
	defer cancel()
	var err error
	s.OIDC, err = auth.NewOIDC(ctx, *s.Config.OIDC)
	return err
}

// safeNext returns next when it is a path on this site, else homePath:
// no scheme, no host, no "//" or "\" that a browser would read as another
// host, so the sign-in is no open redirect.
func safeNext(next string) string {
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || !strings.HasPrefix(next, "/") ||
		strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\r\n\t") || strings.HasPrefix(u.Path, "/login") {
		return homePath
	}
	return next
}

// setSessionCookie sets (or, with an empty token, clears) the session
// cookie: a browser-session cookie, HttpOnly, SameSite=Lax, Secure on https.
func (s *Server) setSessionCookie(c *gin.Context, token string) {
	ck := &http.Cookie{Name: sessionCookie, Value: token, Path: "/", Secure: s.secureCookies(), HttpOnly: true, SameSite: http.SameSiteLaxMode}
	if token == "" {
		ck.MaxAge = -1
	}
	http.SetCookie(c.Writer, ck)
}

// startSession signs the user in: the session of the old cookie, if any,
// ends and a new one with a new token begins (the id is rotated).
func (s *Server) startSession(c *gin.Context, userID int64) error {
	ctx := c.Request.Context()
	if old, err := c.Cookie(sessionCookie); err == nil && old != "" {
		if err := s.Auth.DeleteSession(ctx, old); err != nil {
			return err
		}
	}
	token, err := s.Auth.CreateSession(ctx, userID)
	if err != nil {
		return err
	}
	s.setSessionCookie(c, token)
	return nil
}

// signIn starts a session for the user and redirects to next (if it is
// a local path); a failure answers 500.
func (s *Server) signIn(c *gin.Context, userID int64, next string) {
	if err := s.startSession(c, userID); err != nil {
		s.denied(c, http.StatusInternalServerError, err)
		return
	}
	c.Redirect(http.StatusSeeOther, safeNext(next))
}

// formLang is the language of a posted form: its lang field, else the request's.
func (s *Server) formLang(c *gin.Context) string {
	if l := c.PostForm("lang"); validLang(l) {
		return l
	}
	return s.requestLang(c)
}

// loginError is a problem shown in the login page's error summary; Field
// is the id of the input it belongs to, "" for the form as a whole.
type loginError struct{ Field, Text string }

// loginPage is the sign-in form.
type loginPage struct {
	layout
	CSRFField template.HTML
	Next      string
	Email     string
	OIDCURL   string
	Notice    string
	Errors    []loginError
}

// FieldError returns the problem of the input with id field, or "".
func (p loginPage) FieldError(field string) string {
	for _, e := range p.Errors {
		if e.Field == field {
			return e.Text
		}
	}
	return ""
}

// renderLogin renders the login page with status.
func (s *Server) renderLogin(c *gin.Context, status int, lang string, p loginPage) {
	next := safeNext(p.Next)
	p.layout = layout{Lang: lang, OtherLang: otherLang(lang), Title: translate(lang, "login.title"),
		LangURL: "/login?" + url.Values{"next": {next}, "lang": {otherLang(lang)}}.Encode()}
	p.CSRFField, p.Next = csrf.TemplateField(c.Request), next
	if s.OIDC != nil {
		p.OIDCURL = "/login/oidc?" + url.Values{"next": {next}}.Encode()
	}
	s.render(c, status, pageLogin, lang, p)
}

// handleLoginShow shows the sign-in form, or sends a signed-in user on.
func (s *Server) handleLoginShow(c *gin.Context) {
	lang := s.requestLang(c)
	if _, ok, err := s.currentUser(c); err == nil && ok {
		c.Redirect(http.StatusSeeOther, safeNext(c.Query("next")))
		return
	}
	p := loginPage{Next: c.Query("next")}
	switch c.Query("out") {
	case "1":
		p.Notice = translate(lang, "login.logged_out")
	case "all":
		p.Notice = translate(lang, "login.logged_out_all")
	}
	s.renderLogin(c, http.StatusOK, lang, p)
}

// handleLoginSubmit checks e-mail and password (rate-limited per account
// and per client address) and starts a session; the password is never
// shown again or logged.
func (s *Server) handleLoginSubmit(c *gin.Context) {
	lang := s.formLang(c)
	p := loginPage{Next: c.PostForm("next"), Email: strings.TrimSpace(c.PostForm("email"))}
	password := c.PostForm("password")
	if p.Email == "" {
		p.Errors = append(p.Errors, loginError{"email", translate(lang, "login.email_required")})
	}
	if password == "" {
		p.Errors = append(p.Errors, loginError{"password", translate(lang, "login.password_required")})
	}
	if len(p.Errors) > 0 {
		s.renderLogin(c, http.StatusUnprocessableEntity, lang, p)
		return
	}
	u, err := s.Auth.Login(c.Request.Context(), p.Email, password, c.ClientIP())
	var limited *auth.RateLimitError
	switch {
	case errors.As(err, &limited):
		c.Header("Retry-After", strconv.Itoa(int(math.Ceil(limited.RetryAfter.Seconds()))))
		p.Errors = []loginError{{"", tprintf(lang, "login.ratelimited", int(math.Ceil(limited.RetryAfter.Minutes())))}}
		s.renderLogin(c, http.StatusTooManyRequests, lang, p)
		return
	case errors.Is(err, auth.ErrBadCredentials):
		p.Errors = []loginError{{"email", translate(lang, "login.bad")}}
		s.renderLogin(c, http.StatusUnauthorized, lang, p)
		return
	case err != nil:
		s.denied(c, http.StatusInternalServerError, err)
		return
	}
	s.signIn(c, u.ID, p.Next)
}

// handleLogout ends this browser's session.
func (s *Server) handleLogout(c *gin.Context) {
	ctx := c.Request.Context()
	if u, ok, err := s.currentUser(c); err == nil && ok {
		token, _ := c.Cookie(sessionCookie)
		if err := s.Auth.DeleteSession(ctx, token); err != nil {
			s.denied(c, http.StatusInternalServerError, err)
			return
		}
		if err := s.Auth.Audit(ctx, u.ID, auth.ActionLogout, u.Email, ""); err != nil {
			s.denied(c, http.StatusInternalServerError, err)
			return
		}
	}
	s.setSessionCookie(c, "")
	c.Redirect(http.StatusSeeOther, "/login?out=1&lang="+s.formLang(c))
}

// handleLogoutAll ends every session of the signed-in user, on every
// device ("log out everywhere").
func (s *Server) handleLogoutAll(c *gin.Context) {
	ctx := c.Request.Context()
	u, _, _ := s.currentUser(c) // require has signed the user in
	n, err := s.Auth.DeleteUserSessions(ctx, u.ID)
	if err == nil {
		err = s.Auth.Audit(ctx, u.ID, auth.ActionLogoutAll, u.Email, "sessions="+strconv.FormatInt(n, 10))
	}
	if err != nil {
		s.denied(c, http.StatusInternalServerError, err)
		return
	}
	s.setSessionCookie(c, "")
	c.Redirect(http.StatusSeeOther, "/login?out=all&lang="+s.formLang(c))
}

// oidcState is what the oidc cookie holds.
type oidcState struct {
	Flow auth.OIDCFlow
	Next string
	Lang string
}

// handleOIDCStart sends the browser to the identity provider, keeping the
// flow's secrets in a short-lived cookie.
func (s *Server) handleOIDCStart(c *gin.Context) {
	if s.OIDC == nil {
		s.denied(c, http.StatusNotFound, nil)
		return
	}
	st := oidcState{Flow: auth.NewOIDCFlow(), Next: safeNext(c.Query("next")), Lang: s.requestLang(c)}
	raw, err := json.Marshal(st)
	if err != nil {
		s.denied(c, http.StatusInternalServerError, err)
		return
	}
	http.SetCookie(c.Writer, &http.Cookie{Name: oidcCookie, Value: base64.RawURLEncoding.EncodeToString(raw), Path: oidcCookiePath,
		MaxAge: int(oidcFlowMaxAge / time.Second), Secure: s.secureCookies(), HttpOnly: true, SameSite: http.SameSiteLaxMode})
	c.Redirect(http.StatusFound, s.OIDC.AuthCodeURL(st.Flow))
}

// handleOIDCCallback completes an identity-provider sign-in: it checks
// state, nonce and the ID token, creates or updates the user from the
// claims (role, and a manager's units by code) and starts a session.
func (s *Server) handleOIDCCallback(c *gin.Context) {
	if s.OIDC == nil {
		s.denied(c, http.StatusNotFound, nil)
		return
	}
	ctx := c.Request.Context()
	var st oidcState
	if ck, err := c.Cookie(oidcCookie); err == nil {
		if raw, err := base64.RawURLEncoding.DecodeString(ck); err == nil {
			json.Unmarshal(raw, &st) // a bad cookie leaves st empty and fails below
		}
	}
	http.SetCookie(c.Writer, &http.Cookie{Name: oidcCookie, Path: oidcCookiePath, MaxAge: -1, Secure: s.secureCookies(), HttpOnly: true, SameSite: http.SameSiteLaxMode})
	lang := st.Lang
	if !validLang(lang) {
		lang = s.requestLang(c)
	}
	failed := func(status int, key string, err error) {
		if aerr := s.Auth.Audit(ctx, 0, auth.ActionLoginFailed, "", "oidc: "+err.Error()+" address="+c.ClientIP()); aerr != nil {
			s.denied(c, http.StatusInternalServerError, aerr)
			return
		}
		s.renderLogin(c, status, lang, loginPage{Next: st.Next, Errors: []loginError{{"", translate(lang, key)}}})
	}
	if e := c.Query("error"); e != "" {
		failed(http.StatusBadRequest, "login.oidc_failed", errors.New("provider answered "+e))
		return
	}
	id, err := s.OIDC.Exchange(ctx, st.Flow, c.Query("state"), c.Query("code"))
	switch {
	case errors.Is(err, auth.ErrNoRole):
		failed(http.StatusForbidden, "login.norole", err)
		return
	case err != nil:
		failed(http.StatusBadRequest, "login.oidc_failed", err)
		return
	}
	tree, err := s.Units.Snapshot(ctx)
	if err != nil {
		s.denied(c, http.StatusInternalServerError, err)
		return
	}
	var unitIDs []int64
	for _, code := range id.UnitCodes {
		if uid, ok := tree.IDByCode(code); ok {
			unitIDs = append(unitIDs, uid)
		}
	}
	u, err := s.Auth.SignInOIDC(ctx, id, unitIDs, c.ClientIP())
	switch {
	case errors.Is(err, auth.ErrBadCredentials):
		failed(http.StatusForbidden, "login.norole", err)
		return
	case err != nil:
		s.denied(c, http.StatusInternalServerError, err)
		return
	}
	s.signIn(c, u.ID, st.Next)
}

// accountPage shows the signed-in user and the sign-out buttons.
type accountPage struct {
	layout
	RoleName string
	Units    []string
}

// handleAccount shows who is signed in, with which role and units.
func (s *Server) handleAccount(c *gin.Context) {
	lang := s.requestLang(c)
	u, _, _ := s.currentUser(c) // require has signed the user in
	roleKey := "role." + string(u.Role)
	p := accountPage{layout: staffLayout(c, u, lang, translate(lang, "account.title"), "/account"),
		RoleName: translate(lang, roleKey)}
	for _, id := range u.UnitIDs {
		unit, err := s.Survey.FindUnitByID(c.Request.Context(), id)
		if err != nil {
			s.denied(c, http.StatusInternalServerError, err)
			return
		}
		p.Units = append(p.Units, unit.Code+" – "+unit.Name)
	}
	s.render(c, http.StatusOK, pageAccount, lang, p)
}
