package web

import (
	"context"
	"database/sql"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/alexedwards/argon2id"
	"github.com/gin-gonic/gin"

	"github.com/tillid/tillid/metrics"
	"github.com/tillid/tillid/survey"
	"github.com/tillid/tillid/survey/surveytest"
	"github.com/tillid/tillid/web/auth"
)

// authPassword is every test user's password.
const authPassword = "korrekt hest batteri"

// authFixture is a server over a fresh database with the unit tree
// KOM > SUND > PLEJE and KOM > KULTUR, and one user per role; the
// manager is assigned SUND.
type authFixture struct {
	s     *Server
	units map[string]int64
	users map[auth.Role]auth.User
}

// newAuthFixture builds the fixture; cfg.BaseURL defaults to http://tillid.test.
func newAuthFixture(t *testing.T, cfg Config) *authFixture {
	t.Helper()
	ctx := context.Background()
	db := surveytest.Open(t)
	ss := survey.NewStore(db)
	if cfg.BaseURL == "" {
		cfg.BaseURL = "http://tillid.test"
	}
	s, err := NewServer(cfg, ss, metrics.NewStore(db, ss), slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	s.Auth.HashParams = &argon2id.Params{Memory: 1024, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}
	f := &authFixture{s: s, units: map[string]int64{}, users: map[auth.Role]auth.User{}}
	for _, u := range []struct{ code, parent string }{{"KOM", ""}, {"SUND", "KOM"}, {"PLEJE", "SUND"}, {"KULTUR", "KOM"}} {
		unit := survey.Unit{Code: u.code, Name: "Enhed " + u.code}
		if p, ok := f.units[u.parent]; ok {
			unit.ParentID = sql.NullInt64{Int64: p, Valid: true}
		}
		if err := ss.CreateUnit(ctx, &unit); err != nil {
			t.Fatal(err)
		}
		f.units[u.code] = unit.ID
	}
	for _, r := range auth.Roles {
		u := auth.User{Email: string(r) + "@kommune.dk", Name: "Test " + string(r), Role: r}
		if r == auth.RoleManager {
			u.UnitIDs = []int64{f.units["SUND"]}
		}
		if err := s.Auth.CreateUser(ctx, &u, authPassword); err != nil {
			t.Fatal(err)
		}
		f.users[r] = u
	}
	return f
}

// browser is a client of the fixture's server that keeps cookies and the
// last CSRF token, like a browser without JavaScript.
type browser struct {
	t       *testing.T
	h       http.Handler
	cookies map[string]*http.Cookie
	token   string
}

var csrfTokenField = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

// browser returns a client signed in as role ("" for anonymous) with a
// fresh session.
func (f *authFixture) browser(t *testing.T, role auth.Role) *browser {
	t.Helper()
	b := &browser{t: t, h: f.s, cookies: map[string]*http.Cookie{}}
	if role != "" {
		token, err := f.s.Auth.CreateSession(context.Background(), f.users[role].ID)
		if err != nil {
			t.Fatal(err)
		}
		b.cookies[sessionCookie] = &http.Cookie{Name: sessionCookie, Value: token}
	}
	return b
}

// do sends a request with the browser's cookies and keeps the response's.
func (b *browser) do(req *http.Request) *httptest.ResponseRecorder {
	for _, ck := range b.cookies {
		req.AddCookie(ck)
	}
	rec := httptest.NewRecorder()
	b.h.ServeHTTP(rec, req)
	for _, ck := range rec.Result().Cookies() {
		if ck.MaxAge < 0 {
			delete(b.cookies, ck.Name)
		} else {
			b.cookies[ck.Name] = ck
		}
	}
	if m := csrfTokenField.FindStringSubmatch(rec.Body.String()); m != nil {
		b.token = m[1]
	}
	return rec
}

func (b *browser) get(path string) *httptest.ResponseRecorder {
	return b.do(httptest.NewRequest(http.MethodGet, path, nil))
}

// post posts form with a CSRF token, fetching one from /kode first when
// the browser has none.
func (b *browser) post(path string, form url.Values) *httptest.ResponseRecorder {
	if b.token == "" {
		b.get("/kode")
	}
	if form == nil {
		form = url.Values{}
	}
	form.Set(csrfFieldName, b.token)
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

// toLogin is the expectation "an anonymous browser is sent to sign in":
// 303 to /login (?next=… for a GET) for pages, 401 for the API.
const toLogin = http.StatusUnauthorized

// routeAccess is the expected status of one route for each caller.
type routeAccess struct {
	// path is the concrete path requested for the route's pattern.
	path                            string
	anon, admin, committee, manager int
}

// all expects the same status from every caller.
func all(path string, status int) routeAccess {
	return routeAccess{path, status, status, status, status}
}

// signedIn expects status from every role and the sign-in redirect for
// anonymous callers.
func signedIn(path string, status int) routeAccess {
	return routeAccess{path, toLogin, status, status, status}
}

// hrOnly expects status from administrators, 403 from the other roles
// and the sign-in redirect for anonymous callers.
func hrOnly(path string, status int) routeAccess {
	return routeAccess{path, toLogin, status, 403, 403}
}

// routeTable lists EVERY route of the router with the status each caller
// gets, for one or more concrete paths. A route missing here fails
// TestRouteAccess: whoever adds a route decides here who may use it.
// Parameters name fixture units (the manager has SUND and PLEJE below
// it, not KULTUR) or things that exist for no one (404).
var routeTable = map[string][]routeAccess{
	"GET /healthz":             {all("/healthz", 200)},
	"GET /readyz":              {all("/readyz", 200)},
	"GET /privatliv":           {all("/privatliv", 200)},
	"GET /tilgaengelighed":     {all("/tilgaengelighed", 200)},
	"GET /static/*filepath":    {all("/static/tillid.css", 200)},
	"HEAD /static/*filepath":   {all("/static/tillid.css", 200)},
	"GET /s/:secret":           {all("/s/UKENDT-KODE", 404)},
	"POST /s/:secret":          {all("/s/UKENDT-KODE", 404)},
	"GET /kode":                {all("/kode", 200)},
	"POST /kode":               {all("/kode", 422)}, // no code typed
	"GET /tak":                 {all("/tak", 200)},
	"GET /login":               {{"/login", 200, 303, 303, 303}}, // signed in: sent on
	"POST /login":              {all("/login", 422)},             // nothing typed
	"GET /login/oidc":          {all("/login/oidc", 404)},        // no provider configured
	"GET /login/oidc/callback": {all("/login/oidc/callback", 404)},
	"POST /logout":             {all("/logout", 303)},
	"POST /logout-all":         {signedIn("/logout-all", 303)},
	"GET /account":             {signedIn("/account", 200)},

	"GET /api/v1/rounds":                 {signedIn("/api/v1/rounds", 200)},
	"GET /api/v1/rounds/:id/results":     {{"/api/v1/rounds/999/results", toLogin, 404, 404, 403}},
	"GET /api/v1/rounds/:id/correlation": {{"/api/v1/rounds/999/correlation", toLogin, 404, 404, 403}},
	"GET /api/v1/rounds/:id/units/:code": {
		signedIn("/api/v1/rounds/999/units/PLEJE", 404),
		{"/api/v1/rounds/999/units/KULTUR", toLogin, 404, 404, 403},
		signedIn("/api/v1/rounds/999/units/UKENDT", 404),
	},
	"GET /api/v1/units/:code/trend": {
		signedIn("/api/v1/units/SUND/trend", 200),
		{"/api/v1/units/KULTUR/trend", toLogin, 200, 200, 403},
		signedIn("/api/v1/units/UKENDT/trend", 404),
	},

	"GET /charts/rounds/:id/units/:code/:file": {
		signedIn("/charts/rounds/999/units/PLEJE/trend.png", 404),
		{"/charts/rounds/999/units/KULTUR/trend.png", toLogin, 404, 404, 403},
		signedIn("/charts/rounds/999/units/UKENDT/trend.png", 404),
	},
	"GET /rounds/:id/units/:code/report.zip": {
		signedIn("/rounds/999/units/PLEJE/report.zip", 404),
		{"/rounds/999/units/KULTUR/report.zip", toLogin, 404, 404, 403},
	},

	// Reading results (results.go).
	"GET /results": {signedIn("/results", 200)},
	"GET /results/rounds/:id/units/:code": {
		signedIn("/results/rounds/999/units/PLEJE", 404),
		{"/results/rounds/999/units/KULTUR", toLogin, 404, 404, 403},
		signedIn("/results/rounds/999/units/UKENDT", 404),
	},
	"GET /results/rounds/:id/units/:code/heatmap": {
		signedIn("/results/rounds/999/units/PLEJE/heatmap", 404),
		{"/results/rounds/999/units/KULTUR/heatmap", toLogin, 404, 404, 403},
	},
	"GET /results/rounds/:id/units/:code/csv/:file": {
		signedIn("/results/rounds/999/units/PLEJE/csv/results.csv", 404),
		{"/results/rounds/999/units/KULTUR/csv/results.csv", toLogin, 404, 404, 403},
	},
	"GET /results/units/:code/trend": {
		signedIn("/results/units/SUND/trend", 200),
		{"/results/units/KULTUR/trend", toLogin, 200, 200, 403},
		signedIn("/results/units/UKENDT/trend", 404),
	},
	"GET /results/rounds/:id/correlation":           {{"/results/rounds/999/correlation", toLogin, 404, 404, 403}},
	"GET /results/rounds/:id/correlation/csv/:file": {{"/results/rounds/999/correlation/csv/correlation.csv", toLogin, 404, 404, 403}},

	// HR's administration (admin_*.go); empty posts are rejected forms.
	"GET /admin":                                       {hrOnly("/admin", 303)},
	"GET /admin/units":                                 {hrOnly("/admin/units", 200)},
	"POST /admin/units":                                {hrOnly("/admin/units", 422)},
	"POST /admin/units/import":                         {hrOnly("/admin/units/import", 422)},
	"GET /admin/units/:code":                           {hrOnly("/admin/units/KULTUR", 200), hrOnly("/admin/units/UKENDT", 404)},
	"POST /admin/units/:code":                          {hrOnly("/admin/units/KULTUR", 422), hrOnly("/admin/units/UKENDT", 404)},
	"POST /admin/units/:code/close":                    {hrOnly("/admin/units/KULTUR/close", 422)},
	"GET /admin/questionnaires":                        {hrOnly("/admin/questionnaires", 200)},
	"POST /admin/questionnaires":                       {hrOnly("/admin/questionnaires", 422)},
	"GET /admin/questionnaires/default.yaml":           {hrOnly("/admin/questionnaires/default.yaml", 200)},
	"GET /admin/questionnaires/:id/questionnaire.yaml": {hrOnly("/admin/questionnaires/999/questionnaire.yaml", 404)},
	"GET /admin/questionnaires/:id/preview":            {hrOnly("/admin/questionnaires/999/preview", 404)},
	"GET /admin/absence":                               {hrOnly("/admin/absence", 200)},
	"POST /admin/absence/import":                       {hrOnly("/admin/absence/import", 422)},
	"GET /admin/audit":                                 {hrOnly("/admin/audit", 200)},

	// Rounds and invitations (admin_rounds.go, admin_invitations.go):
	// HR only; round 999 does not exist.
	"GET /admin/rounds":                           {hrOnly("/admin/rounds", 200)},
	"GET /admin/rounds/new":                       {hrOnly("/admin/rounds/new", 200)},
	"POST /admin/rounds":                          {hrOnly("/admin/rounds", 422)},
	"GET /admin/rounds/:id":                       {hrOnly("/admin/rounds/999", 404)},
	"POST /admin/rounds/:id/open":                 {hrOnly("/admin/rounds/999/open", 404)},
	"GET /admin/rounds/:id/close":                 {hrOnly("/admin/rounds/999/close", 404)},
	"POST /admin/rounds/:id/close":                {hrOnly("/admin/rounds/999/close", 404)},
	"GET /admin/rounds/:id/invitations":           {hrOnly("/admin/rounds/999/invitations", 404)},
	"POST /admin/rounds/:id/invitations/preview":  {hrOnly("/admin/rounds/999/invitations/preview", 404)},
	"POST /admin/rounds/:id/invitations":          {hrOnly("/admin/rounds/999/invitations", 404)},
	"POST /admin/rounds/:id/invitations/codes":    {hrOnly("/admin/rounds/999/invitations/codes", 404)},
	"POST /admin/rounds/:id/invitations/reminder": {hrOnly("/admin/rounds/999/invitations/reminder", 404)},

	// The action plan (plans.go): the committee reads but never writes;
	// the employees' page needs no sign-in, only a key that exists.
	"GET /plans": {signedIn("/plans", 200)},
	"GET /plans/rounds/:id/units/:code": {
		signedIn("/plans/rounds/999/units/PLEJE", 404),
		{"/plans/rounds/999/units/KULTUR", toLogin, 404, 404, 403},
	},
	"GET /plans/rounds/:id/units/:code/plan.pdf": {
		signedIn("/plans/rounds/999/units/PLEJE/plan.pdf", 404),
		{"/plans/rounds/999/units/KULTUR/plan.pdf", toLogin, 404, 404, 403},
	},
	"POST /plans/rounds/:id/units/:code/entries": {
		{"/plans/rounds/999/units/PLEJE/entries", toLogin, 404, 403, 404},
		{"/plans/rounds/999/units/KULTUR/entries", toLogin, 404, 403, 403},
	},
	"GET /plans/rounds/:id/units/:code/entries/:entry": {
		{"/plans/rounds/999/units/PLEJE/entries/1", toLogin, 404, 403, 404},
		{"/plans/rounds/999/units/KULTUR/entries/1", toLogin, 404, 403, 403},
	},
	"POST /plans/rounds/:id/units/:code/entries/:entry": {
		{"/plans/rounds/999/units/PLEJE/entries/1", toLogin, 404, 403, 404},
		{"/plans/rounds/999/units/KULTUR/entries/1", toLogin, 404, 403, 403},
	},
	"GET /handlingsplan/:key":          {all("/handlingsplan/UKENDT-NOEGLE", 404)},
	"GET /handlingsplan/:key/plan.pdf": {all("/handlingsplan/UKENDT-NOEGLE/plan.pdf", 404)},
}

// callers are the roles a route is requested as; "" is anonymous.
var callers = []auth.Role{"", auth.RoleAdministrator, auth.RoleCommittee, auth.RoleManager}

// want returns the expected status for role.
func (a routeAccess) want(role auth.Role) int {
	return map[auth.Role]int{"": a.anon, auth.RoleAdministrator: a.admin, auth.RoleCommittee: a.committee, auth.RoleManager: a.manager}[role]
}

// request sends method to path as the browser, posting with a CSRF token.
func (b *browser) request(method, path string) *httptest.ResponseRecorder {
	if method == http.MethodPost {
		return b.post(path, nil)
	}
	return b.do(httptest.NewRequest(method, path, nil))
}

// TestRouteAccess requests every registered route as every role and as
// an anonymous visitor and checks the status against routeTable.
func TestRouteAccess(t *testing.T) {
	f := newAuthFixture(t, Config{})
	seen := map[string]bool{}
	for _, ri := range f.s.router.Routes() {
		key := ri.Method + " " + ri.Path
		seen[key] = true
		cases, ok := routeTable[key]
		if !ok {
			t.Errorf("route %s is not in routeTable: add it with the status every role gets", key)
			continue
		}
		for _, tc := range cases {
			for _, role := range callers {
				name := string(role)
				if name == "" {
					name = "anonymous"
				}
				t.Run(ri.Method+" "+tc.path+"/"+name, func(t *testing.T) {
					checkAccess(t, tc.path, f.browser(t, role).request(ri.Method, tc.path), tc.want(role))
				})
			}
		}
	}
	for key := range routeTable {
		if !seen[key] {
			t.Errorf("routeTable has %s, which the router does not register", key)
		}
	}
	t.Run("APIOpen", func(t *testing.T) {
		// An open API answers anonymous callers as it answers HR.
		open := newAuthFixture(t, Config{APIOpen: true})
		for key, cases := range routeTable {
			method, _, _ := strings.Cut(key, " ")
			for _, tc := range cases {
				if strings.HasPrefix(tc.path, "/api/") {
					checkAccess(t, tc.path, open.browser(t, "").request(method, tc.path), tc.admin)
				}
			}
		}
	})
}

// checkAccess compares a response with an expected status, where toLogin
// means a redirect to the sign-in page for pages and 401 for the API.
func checkAccess(t *testing.T, path string, rec *httptest.ResponseRecorder, want int) {
	t.Helper()
	if want == toLogin && !strings.HasPrefix(path, "/api/") {
		loc := rec.Header().Get("Location")
		if rec.Code != http.StatusSeeOther || loc != "/login" && !strings.HasPrefix(loc, "/login?next=") {
			t.Errorf("got %d to %q, want 303 to /login", rec.Code, loc)
		}
		return
	}
	if rec.Code != want {
		t.Errorf("got status %d, want %d", rec.Code, want)
	}
}

// TestRequire checks the role and unit-scope middleware on routes of
// every kind: a role subset, a manager's unit scope by :code, and the
// API's JSON answers with and without Config.APIOpen.
func TestRequire(t *testing.T) {
	ok := func(c *gin.Context) { c.String(http.StatusOK, "ok") }
	setup := func(t *testing.T, cfg Config) *authFixture {
		f := newAuthFixture(t, cfg)
		r := f.s.router
		r.GET("/test/admin", f.s.require(auth.RoleAdministrator), ok)
		r.GET("/test/results", f.s.require(auth.RoleAdministrator, auth.RoleCommittee), ok)
		r.GET("/test/units/:code", f.s.require(auth.Roles...), f.s.requireUnit(), ok)
		r.GET("/api/v1/test/orgwide", f.s.require(auth.RoleAdministrator, auth.RoleCommittee), ok)
		r.GET("/api/v1/test/units/:code", f.s.require(auth.Roles...), f.s.requireUnit(), ok)
		return f
	}
	f := setup(t, Config{})
	for _, tc := range []struct {
		path string
		want routeAccess
	}{
		{"/test/admin", routeAccess{"", toLogin, 200, 403, 403}},
		{"/test/results", routeAccess{"", toLogin, 200, 200, 403}},
		{"/test/units/SUND", routeAccess{"", toLogin, 200, 200, 200}},
		{"/test/units/PLEJE", routeAccess{"", toLogin, 200, 200, 200}}, // in the manager's subtree
		{"/test/units/KULTUR", routeAccess{"", toLogin, 200, 200, 403}},
		{"/test/units/KOM", routeAccess{"", toLogin, 200, 200, 403}}, // above the manager's unit
		{"/test/units/UKENDT", routeAccess{"", toLogin, 404, 404, 404}},
		{"/api/v1/test/orgwide", routeAccess{"", toLogin, 200, 200, 403}},
		{"/api/v1/test/units/PLEJE", routeAccess{"", toLogin, 200, 200, 200}},
		{"/api/v1/test/units/KULTUR", routeAccess{"", toLogin, 200, 200, 403}},
	} {
		for _, role := range callers {
			rec := f.browser(t, role).get(tc.path)
			t.Run(tc.path+"/"+string(role), func(t *testing.T) { checkAccess(t, tc.path, rec, tc.want.want(role)) })
		}
	}
	t.Run("APIErrorsAreJSON", func(t *testing.T) {
		rec := f.browser(t, auth.RoleManager).get("/api/v1/test/orgwide")
		if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") || !strings.Contains(rec.Body.String(), `"error"`) {
			t.Errorf("got %q %q, want a JSON error", ct, rec.Body.String())
		}
	})
	t.Run("ForbiddenPage", func(t *testing.T) {
		rec := f.browser(t, auth.RoleManager).get("/test/admin?lang=en")
		if !strings.Contains(rec.Body.String(), "No access") {
			t.Errorf("got %q, want the English no-access page", rec.Body.String())
		}
	})
	t.Run("NextKeepsQuery", func(t *testing.T) {
		rec := f.browser(t, "").get("/test/results?round=3")
		if got, want := rec.Header().Get("Location"), "/login?next=%2Ftest%2Fresults%3Fround%3D3"; got != want {
			t.Errorf("got Location %q, want %q", got, want)
		}
	})
	t.Run("APIOpen", func(t *testing.T) {
		open := setup(t, Config{APIOpen: true})
		for _, path := range []string{"/api/v1/test/orgwide", "/api/v1/test/units/KULTUR"} {
			if rec := open.browser(t, "").get(path); rec.Code != http.StatusOK {
				t.Errorf("%s: got %d, want 200 for anonymous with APIOpen", path, rec.Code)
			}
		}
		if rec := open.browser(t, "").get("/test/results"); rec.Code != http.StatusSeeOther {
			t.Errorf("pages: got %d, want 303 to sign in even with APIOpen", rec.Code)
		}
	})
}
