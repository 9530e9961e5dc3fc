package web_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/alexedwards/argon2id"

	"github.com/tillid/tillid/migrations"
	"github.com/tillid/tillid/survey"
	"github.com/tillid/tillid/web"
	"github.com/tillid/tillid/web/auth"
	"github.com/tillid/tillid/web/webtest"
)

// newOpsServer returns a server over f's stores with cfg.
func newOpsServer(t *testing.T, f *webtest.Fixture, cfg web.Config) *web.Server {
	t.Helper()
	cfg.BaseURL = "http://tillid.soeby.dk"
	s, err := web.NewServer(cfg, f.Store, f.Metrics, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestReadyz(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		f := webtest.New(t, 0)
		res := webtest.NewClient(t, newOpsServer(t, f, web.Config{})).Get("/readyz")
		if res.Code != http.StatusOK || res.Body != "ready\n" {
			t.Errorf("got %d %q, want 200 ready", res.Code, res.Body)
		}
	})
	t.Run("MigrationsPending", func(t *testing.T) {
		f := webtest.New(t, 0)
		if err := migrations.Down(context.Background(), f.DB.DB, survey.Dialect(f.DB)); err != nil {
			t.Fatal(err)
		}
		res := webtest.NewClient(t, newOpsServer(t, f, web.Config{})).Get("/readyz")
		if res.Code != http.StatusServiceUnavailable || !strings.Contains(res.Body, "migrations pending") {
			t.Errorf("got %d %q, want 503 migrations pending", res.Code, res.Body)
		}
	})
	t.Run("DatabaseDown", func(t *testing.T) {
		f := webtest.New(t, 0)
		srv := newOpsServer(t, f, web.Config{})
		f.DB.Close()
		res := webtest.NewClient(t, srv).Get("/readyz")
		if res.Code != http.StatusServiceUnavailable || !strings.Contains(res.Body, "database unreachable") {
			t.Errorf("got %d %q, want 503 database unreachable", res.Code, res.Body)
		}
	})
}

func TestMetrics(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		f := webtest.New(t, 1)
		srv := newOpsServer(t, f, web.Config{Metrics: true})
		c := webtest.NewClient(t, srv)
		token := f.Invitations[0].Token
		path := "/s/" + token
		c.Get(path)
		form := webtest.CompleteForm(f.Questionnaire)
		form.Set("action", "submit")
		if res := c.Post(path, form); res.Code != http.StatusSeeOther {
			t.Fatalf("submit: got %d, want 303", res.Code)
		}
		c.Post(path, form) // already answered
		c.Get("/no/such/page")
		res := c.Get("/metrics")
		if res.Code != http.StatusOK {
			t.Fatalf("got %d, want 200", res.Code)
		}
		for _, want := range []string{
			`tillid_http_requests_total{method="GET",route="/s/:secret",status="200"} 1`,
			`tillid_http_requests_total{method="POST",route="/s/:secret",status="303"} 1`,
			`tillid_http_requests_total{method="GET",route="unmatched",status="404"} 1`,
			`tillid_http_request_duration_seconds_count{method="POST",route="/s/:secret"} 2`,
			`tillid_submissions_total{outcome="accepted"} 1`,
			`tillid_submissions_total{outcome="already_answered"} 1`,
			`tillid_submissions_total{outcome="rejected"} 0`,
			`go_sql_max_open_connections{db_name="` + survey.Dialect(f.DB) + `"}`,
		} {
			if !strings.Contains(res.Body, want) {
				t.Errorf("metrics lack %s", want)
			}
		}
		if strings.Contains(res.Body, token) || strings.Contains(res.Body, "/no/such/page") {
			t.Error("metrics hold a raw path")
		}
	})
	t.Run("Separate", func(t *testing.T) {
		f := webtest.New(t, 0)
		srv := newOpsServer(t, f, web.Config{Metrics: true, MetricsSeparate: true})
		if res := webtest.NewClient(t, srv).Get("/metrics"); res.Code != http.StatusNotFound {
			t.Errorf("app listener: got %d, want 404", res.Code)
		}
		rec := httptest.NewRecorder()
		srv.MetricsHandler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
		if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "tillid_submissions_total") {
			t.Errorf("metrics listener: got %d, want 200 with tillid_submissions_total", rec.Code)
		}
	})
	t.Run("Off", func(t *testing.T) {
		f := webtest.New(t, 0)
		srv := newOpsServer(t, f, web.Config{})
		if res := webtest.NewClient(t, srv).Get("/metrics"); res.Code != http.StatusNotFound {
			t.Errorf("got %d, want 404", res.Code)
		}
		if srv.MetricsHandler() != nil {
			t.Error("got a metrics handler, want nil")
		}
	})
}

func TestStatements(t *testing.T) {
	f := webtest.New(t, 1)
	privacy := web.Privacy{
		Controller:           "Søby Kommune, Rådhuspladsen 1, 9999 Søby",
		DPOEmail:             "dpo@soeby.dk",
		AccessibilityContact: "webtilgaengelighed@soeby.dk, tlf. 99 99 99 99",
		Retention:            survey.RetentionPolicy{Answers: survey.Period{Years: 5}, Invitations: survey.Period{Days: 30}},
	}
	srv := newOpsServer(t, f, web.Config{Privacy: privacy})
	check := func(t *testing.T, path string, want ...string) {
		t.Helper()
		res := webtest.NewClient(t, srv).Get(path)
		if res.Code != http.StatusOK {
			t.Fatalf("got %d, want 200", res.Code)
		}
		for _, w := range want {
			if !strings.Contains(res.Body, w) {
				t.Errorf("page lacks %q", w)
			}
		}
	}
	t.Run("Privacy", func(t *testing.T) {
		check(t, "/privatliv?lang=da", "Søby Kommune, Rådhuspladsen 1, 9999 Søby", `href="mailto:dpo@soeby.dk"`,
			"slettes 5 år efter", "slettes 30 dage efter", "standarden er 5 svar", "aldrig være under 3", "IP-adresse")
		check(t, "/privatliv?lang=en", "deleted 5 years after", "deleted 30 days after", "the default is 5 responses", "IP address")
	})
	t.Run("PrivacyKeptForEver", func(t *testing.T) {
		forever := newOpsServer(t, f, web.Config{Privacy: web.Privacy{Retention: survey.RetentionPolicy{Invitations: survey.Period{Years: 1, Months: 6}}}})
		res := webtest.NewClient(t, forever).Get("/privatliv?lang=en")
		for _, w := range []string{"not deleted automatically", "deleted 1 year and 6 months after", "the municipality that invited you"} {
			if !strings.Contains(res.Body, w) {
				t.Errorf("page lacks %q", w)
			}
		}
	})
	t.Run("Accessibility", func(t *testing.T) {
		check(t, "/tilgaengelighed?lang=da", "Tilgængelighedserklæring", "delvist i overensstemmelse med WCAG 2.1 niveau AA",
			"http://tillid.soeby.dk", "webtilgaengelighed@soeby.dk, tlf. 99 99 99 99", "digst.dk/digital-inklusion/webtilgaengelighed", "axe-core")
		check(t, "/tilgaengelighed?lang=en", "Accessibility statement", "partially compliant with WCAG 2.1 level AA", "Enforcement procedure")
	})
	t.Run("FooterOnEverySurveyPage", func(t *testing.T) {
		for _, path := range []string{"/s/" + f.Invitations[0].Token, "/kode", "/tak", "/s/UKENDT"} {
			res := webtest.NewClient(t, srv).Get(path + "?lang=en")
			if !strings.Contains(res.Body, `href="/privatliv?lang=en"`) || !strings.Contains(res.Body, `href="/tilgaengelighed?lang=en"`) {
				t.Errorf("%s: no footer links to the statements", strings.SplitN(path, "/", 3)[1])
			}
		}
	})
}

// TestResultsAfterRetention reads a round's results page after retention
// deleted its raw answers: the results are still shown, and the comments
// are said to be deleted, not "too few".
func TestResultsAfterRetention(t *testing.T) {
	ctx := context.Background()
	f := webtest.New(t, 6)
	srv := newOpsServer(t, f, web.Config{})
	for _, inv := range f.Invitations {
		c := webtest.NewClient(t, srv)
		path := "/s/" + inv.Token
		c.Get(path)
		form := webtest.CompleteForm(f.Questionnaire)
		form.Set("action", "submit")
		if res := c.Post(path, form); res.Code != http.StatusSeeOther {
			t.Fatalf("submit: got %d, want 303", res.Code)
		}
	}
	if err := f.Store.CloseRound(ctx, f.Round.ID); err != nil {
		t.Fatal(err)
	}
	srv.Auth.HashParams = &argon2id.Params{Memory: 1024, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}
	hr := auth.User{Email: "hr@soeby.dk", Name: "HR", Role: auth.RoleAdministrator}
	if err := srv.Auth.CreateUser(ctx, &hr, "korrekt hest batteri"); err != nil {
		t.Fatal(err)
	}
	token, err := srv.Auth.CreateSession(ctx, hr.ID)
	if err != nil {
		t.Fatal(err)
	}
	// page returns the results page of KOM without its comments and CSRF tokens.
	page := func() (string, string) {
		req := httptest.NewRequest(http.MethodGet, fmt.Sprintf("/results/rounds/%d/units/KOM?lang=en", f.Round.ID), nil)
		req.AddCookie(&http.Cookie{Name: "tillid_session", Value: token})
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			t.Fatalf("got %d, want 200", rec.Code)
		}
		results, comments, _ := strings.Cut(rec.Body.String(), `id="comments"`)
		return csrfValue.ReplaceAllString(results, ""), comments
	}
	before, _ := page()

	f.Store.SetClock(func() time.Time { return time.Now().AddDate(6, 0, 0) })
	rep, err := f.Store.ApplyRetention(ctx, survey.DefaultRetention, f.Metrics.ComputeRound)
	if err != nil || rep.Rounds[0].Responses != 6 {
		t.Fatalf("retention: got %+v, %v, want 6 responses deleted", rep.Rounds, err)
	}
	after, comments := page()
	if after != before {
		t.Error("the results changed when retention deleted the raw answers")
	}
	if !strings.Contains(comments, "deleted under the municipality&#39;s retention rules") {
		t.Errorf("got comments %q, want them said to be deleted by retention", comments)
	}
}
