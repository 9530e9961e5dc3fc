package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/tillid/tillid/web/auth"
	"github.com/tillid/tillid/web/auth/authtest"
)

// login posts the sign-in form for role's user with password.
func (f *authFixture) login(b *browser, role auth.Role, password, next string) *http.Response {
	b.get("/login")
	rec := b.post("/login", url.Values{"email": {f.users[role].Email}, "password": {password}, "next": {next}})
	return rec.Result()
}

func TestLogin(t *testing.T) {
	ctx := context.Background()
	f := newAuthFixture(t, Config{})
	t.Run("Page", func(t *testing.T) {
		b := f.browser(t, "")
		for lang, want := range map[string]string{"da": "Adgangskode", "en": "Password"} {
			rec := b.get("/login?lang=" + lang)
			body := rec.Body.String()
			if rec.Code != http.StatusOK || !strings.Contains(body, want) || !strings.Contains(body, `<label for="password">`) || !strings.Contains(body, `name="csrf_token"`) {
				t.Errorf("%s: got %d %q, want the form with labels and a CSRF token", lang, rec.Code, body)
			}
		}
	})
	t.Run("OK", func(t *testing.T) {
		b := f.browser(t, "")
		res := f.login(b, auth.RoleCommittee, authPassword, "/account?x=1")
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/account?x=1" {
			t.Fatalf("got %d to %q, want 303 to /account?x=1", res.StatusCode, res.Header.Get("Location"))
		}
		var ck *http.Cookie
		for _, c := range res.Cookies() {
			if c.Name == sessionCookie {
				ck = c
			}
		}
		if ck == nil || !ck.HttpOnly || ck.Secure || ck.SameSite != http.SameSiteLaxMode || ck.Path != "/" || len(ck.Value) < 43 {
			t.Fatalf("got session cookie %+v, want HttpOnly, SameSite=Lax, path /, not Secure on http", ck)
		}
		rec := b.get("/account")
		if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), f.users[auth.RoleCommittee].Name) {
			t.Errorf("got %d %q, want the account page", rec.Code, rec.Body.String())
		}
		es, err := f.s.Auth.FindAudit(ctx, auth.AuditFilter{UserID: f.users[auth.RoleCommittee].ID, Action: auth.ActionLogin})
		if err != nil || len(es) != 1 {
			t.Errorf("got %v %v, want one audited sign-in", es, err)
		}
	})
	t.Run("SecureCookieOnHTTPS", func(t *testing.T) {
		f := newAuthFixture(t, Config{BaseURL: "https://tillid.kommune.dk"})
		token, err := f.s.Auth.CreateSession(ctx, f.users[auth.RoleManager].ID)
		if err != nil {
			t.Fatal(err)
		}
		b := f.browser(t, "")
		b.cookies[sessionCookie] = &http.Cookie{Name: sessionCookie, Value: token}
		rec := b.post("/logout", nil) // clears the cookie with the same attributes
		for _, c := range rec.Result().Cookies() {
			if c.Name == sessionCookie && !c.Secure {
				t.Errorf("got %+v, want a Secure cookie on https", c)
			}
		}
	})
	t.Run("ErrBadPassword", func(t *testing.T) {
		b := f.browser(t, "")
		b.get("/login")
		rec := b.post("/login", url.Values{"email": {f.users[auth.RoleManager].Email}, "password": {"forkert forkert"}})
		body := rec.Body.String()
		if rec.Code != http.StatusUnauthorized || !strings.Contains(body, "Forkert e-mailadresse eller adgangskode") || !strings.Contains(body, `role="alert"`) {
			t.Errorf("got %d %q, want 401 with the error summary", rec.Code, body)
		}
		if strings.Contains(body, "forkert forkert") {
			t.Errorf("got the password echoed in the page")
		}
		if !strings.Contains(body, `value="`+f.users[auth.RoleManager].Email+`"`) {
			t.Errorf("got the e-mail address dropped, want it kept")
		}
		if _, ok := b.cookies[sessionCookie]; ok {
			t.Errorf("got a session cookie after a failed sign-in")
		}
	})
	t.Run("ErrMissingFields", func(t *testing.T) {
		rec := f.browser(t, "").post("/login?lang=en", url.Values{"lang": {"en"}})
		body := rec.Body.String()
		if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(body, `href="#email"`) || !strings.Contains(body, `href="#password"`) || !strings.Contains(body, `aria-invalid="true"`) {
			t.Errorf("got %d %q, want 422 with both fields in the error summary", rec.Code, body)
		}
	})
	t.Run("ErrRateLimited", func(t *testing.T) {
		f := newAuthFixture(t, Config{})
		b := f.browser(t, "")
		for range f.s.Auth.MaxAccountFailures {
			f.login(b, auth.RoleManager, "forkert forkert", "")
		}
		res := f.login(b, auth.RoleManager, authPassword, "")
		if res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" {
			t.Fatalf("got %d, Retry-After %q, want 429 with Retry-After", res.StatusCode, res.Header.Get("Retry-After"))
		}
		rec := b.post("/login", url.Values{"email": {f.users[auth.RoleManager].Email}, "password": {authPassword}, "lang": {"da"}})
		if !strings.Contains(rec.Body.String(), "Vent 15 minutter") {
			t.Errorf("got %q, want the wait in minutes", rec.Body.String())
		}
	})
	t.Run("SessionRotated", func(t *testing.T) {
		b := f.browser(t, auth.RoleAdministrator)
		old := b.cookies[sessionCookie].Value
		f.login(b, auth.RoleAdministrator, authPassword, "")
		if got := b.cookies[sessionCookie].Value; got == old {
			t.Fatalf("got the same session token after sign-in, want a new one")
		}
		if _, err := f.s.Auth.SessionUser(ctx, old); !errors.Is(err, auth.ErrNoSession) {
			t.Errorf("old session: got %v, want ErrNoSession", err)
		}
	})
	t.Run("NoOpenRedirect", func(t *testing.T) {
		for _, next := range []string{"https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)", "account", "/login?next=//evil.example"} {
			res := f.login(f.browser(t, ""), auth.RoleAdministrator, authPassword, next)
			if got := res.Header.Get("Location"); got != homePath {
				t.Errorf("next %q: got Location %q, want %q", next, got, homePath)
			}
		}
	})
}

func TestLogout(t *testing.T) {
	ctx := context.Background()
	t.Run("OK", func(t *testing.T) {
		f := newAuthFixture(t, Config{})
		b := f.browser(t, auth.RoleManager)
		token := b.cookies[sessionCookie].Value
		rec := b.post("/logout", nil)
		if rec.Code != http.StatusSeeOther || !strings.HasPrefix(rec.Header().Get("Location"), "/login?out=1") {
			t.Fatalf("got %d to %q, want 303 to /login?out=1", rec.Code, rec.Header().Get("Location"))
		}
		if _, ok := b.cookies[sessionCookie]; ok {
			t.Errorf("got the session cookie kept, want it cleared")
		}
		if _, err := f.s.Auth.SessionUser(ctx, token); !errors.Is(err, auth.ErrNoSession) {
			t.Errorf("got %v, want the session ended", err)
		}
		if body := b.get(rec.Header().Get("Location")).Body.String(); !strings.Contains(body, "Du er logget ud") {
			t.Errorf("got %q, want the signed-out notice", body)
		}
		if es, _ := f.s.Auth.FindAudit(ctx, auth.AuditFilter{Action: auth.ActionLogout}); len(es) != 1 {
			t.Errorf("got %d audited sign-outs, want 1", len(es))
		}
	})
	t.Run("Everywhere", func(t *testing.T) {
		f := newAuthFixture(t, Config{})
		here, there := f.browser(t, auth.RoleAdministrator), f.browser(t, auth.RoleAdministrator)
		other := f.browser(t, auth.RoleCommittee)
		rec := here.post("/logout-all", nil)
		if rec.Code != http.StatusSeeOther || !strings.HasPrefix(rec.Header().Get("Location"), "/login?out=all") {
			t.Fatalf("got %d to %q, want 303 to /login?out=all", rec.Code, rec.Header().Get("Location"))
		}
		if rec := there.get("/account"); rec.Code != http.StatusSeeOther {
			t.Errorf("other device: got %d, want 303 to sign in", rec.Code)
		}
		if rec := other.get("/account"); rec.Code != http.StatusOK {
			t.Errorf("another user: got %d, want 200", rec.Code)
		}
	})
}

func TestLoginOIDC(t *testing.T) {
	ctx := context.Background()
	setup := func(t *testing.T) (*authFixture, *authtest.Provider) {
		t.Helper()
		p := authtest.NewProvider(t)
		f := newAuthFixture(t, Config{OIDC: &auth.OIDCConfig{
			IssuerURL:    p.URL,
			ClientID:     authtest.ClientID,
			ClientSecret: authtest.ClientSecret,
			RedirectURL:  "http://tillid.test/login/oidc/callback",
			RolesClaim:   "groups",
			RoleMap:      map[string]auth.Role{"tillid-hr": auth.RoleAdministrator, "ledere": auth.RoleManager},
			UnitsClaim:   "enheder",
		}})
		return f, p
	}
	f, p := setup(t)
	// signIn goes through start → provider → callback and returns the
	// callback's response; tamper may change the callback URL.
	signIn := func(t *testing.T, f *authFixture, b *browser, tamper func(url.Values)) *http.Response {
		t.Helper()
		start := b.get("/login/oidc?next=%2Faccount%3Fvia%3Doidc")
		if start.Code != http.StatusFound {
			t.Fatalf("start: got %d, want 302 to the provider", start.Code)
		}
		client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		res, err := client.Get(start.Header().Get("Location"))
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		back, err := url.Parse(res.Header.Get("Location"))
		if err != nil || back.Path != "/login/oidc/callback" {
			t.Fatalf("provider: got %q, want a redirect to the callback", res.Header.Get("Location"))
		}
		q := back.Query()
		if tamper != nil {
			tamper(q)
		}
		return b.get("/login/oidc/callback?" + q.Encode()).Result()
	}
	t.Run("OK", func(t *testing.T) {
		p.SignIn(map[string]any{"sub": "kmd-42", "email": "ny.leder@kommune.dk", "name": "Ny Leder", "groups": []string{"ledere"}, "enheder": []string{"PLEJE", "UKENDT"}})
		b := f.browser(t, "")
		res := signIn(t, f, b, nil)
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/account?via=oidc" {
			t.Fatalf("callback: got %d to %q, want 303 to /account?via=oidc", res.StatusCode, res.Header.Get("Location"))
		}
		u, err := f.s.Auth.FindUserByEmail(ctx, "ny.leder@kommune.dk")
		if err != nil {
			t.Fatal(err)
		}
		if u.Role != auth.RoleManager || len(u.UnitIDs) != 1 || u.UnitIDs[0] != f.units["PLEJE"] || u.HasPassword {
			t.Errorf("got %+v, want a manager of PLEJE without a password", u)
		}
		if rec := b.get("/account"); rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "PLEJE") {
			t.Errorf("got %d, want the signed-in account page listing PLEJE", rec.Code)
		}
	})
	t.Run("ErrBadState", func(t *testing.T) {
		p.SignIn(map[string]any{"sub": "kmd-1", "email": "hr2@kommune.dk", "groups": "tillid-hr"})
		b := f.browser(t, "")
		res := signIn(t, f, b, func(q url.Values) { q.Set("state", "forfalsket") })
		if res.StatusCode != http.StatusBadRequest {
			t.Errorf("got %d, want 400", res.StatusCode)
		}
		if _, ok := b.cookies[sessionCookie]; ok {
			t.Errorf("got a session after a forged state")
		}
		if _, err := f.s.Auth.FindUserByEmail(ctx, "hr2@kommune.dk"); err == nil {
			t.Errorf("got the user created after a forged state")
		}
	})
	t.Run("ErrBadNonce", func(t *testing.T) {
		p.SignIn(map[string]any{"sub": "kmd-1", "email": "hr2@kommune.dk", "groups": "tillid-hr"})
		p.ForceNonce("gammel")
		defer p.ForceNonce("")
		res := signIn(t, f, f.browser(t, ""), nil)
		if res.StatusCode != http.StatusBadRequest {
			t.Errorf("got %d, want 400", res.StatusCode)
		}
	})
	t.Run("ErrNoFlowCookie", func(t *testing.T) {
		p.SignIn(map[string]any{"sub": "kmd-1", "email": "hr2@kommune.dk", "groups": "tillid-hr"})
		b := f.browser(t, "")
		res := signIn(t, f, b, func(url.Values) { delete(b.cookies, oidcCookie) })
		if res.StatusCode != http.StatusBadRequest {
			t.Errorf("got %d, want 400 without the flow cookie", res.StatusCode)
		}
	})
	t.Run("ErrNoRole", func(t *testing.T) {
		p.SignIn(map[string]any{"sub": "kmd-7", "email": "borger@kommune.dk", "groups": []string{"alle"}})
		res := signIn(t, f, f.browser(t, ""), nil)
		if res.StatusCode != http.StatusForbidden {
			t.Errorf("got %d, want 403", res.StatusCode)
		}
	})
}

func TestSafeNext(t *testing.T) {
	for next, want := range map[string]string{
		"":                      homePath,
		"/account":              "/account",
		"/rounds/3?unit=SUND":   "/rounds/3?unit=SUND",
		"//evil.example":        homePath,
		"/\\evil.example":       homePath,
		"https://evil.example/": homePath,
		"/login":                homePath,
		"/x\r\nSet-Cookie: a=b": homePath,
	} {
		if got := safeNext(next); got != want {
			t.Errorf("safeNext(%q): got %q, want %q", next, got, want)
		}
	}
}

func TestAuthMessages(t *testing.T) {
	// Keys built at run time (denied, the role names) that the catalog
	// scan cannot see.
	keys := []string{"forbidden.title", "forbidden.text", "pagenotfound.title", "pagenotfound.text", "servererror.title", "servererror.text"}
	for _, r := range auth.Roles {
		keys = append(keys, "role."+string(r))
	}
	for _, lang := range langs {
		for _, k := range keys {
			if _, ok := catalogs[lang][k]; !ok {
				t.Errorf("%s: message %q is missing", lang, k)
			}
		}
	}
}
