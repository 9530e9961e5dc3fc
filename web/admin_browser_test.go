package web_test

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/alexedwards/argon2id"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/tillid/tillid/web/auth"
	"github.com/tillid/tillid/web/webtest"
)

// TestBrowserAdmin signs HR in to headless chromium, runs axe-core on
// the administration pages, adds a unit by keyboard (first with the
// fields empty, so the error summary takes the focus) and checks the
// organisation page on a 320 px phone screen.
func TestBrowserAdmin(t *testing.T) {
	b := newBrowser(t, 1024, 800, 60*time.Second)
	f := webtest.New(t, 0)
	srv, _ := f.Server(t)
	ts := httptest.NewServer(srv)
	defer ts.Close()
	srv.Auth.HashParams = &argon2id.Params{Memory: 1024, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}
	hr := auth.User{Email: "hr@tillid.example", Name: "HR", Role: auth.RoleAdministrator}
	if err := srv.Auth.CreateUser(context.Background(), &hr, "korrekt hest batteri"); err != nil {
		t.Fatal(err)
	}
	token, err := srv.Auth.CreateSession(context.Background(), hr.ID)
	if err != nil {
		t.Fatal(err)
	}

	if _, err := chromedp.Call(b.ctx, network.SetCookie, network.SetCookieParams{Name: "tillid_session", Value: token, URL: ts.URL}); err != nil {
		t.Fatal(err)
	}

	// The questionnaire preview is the employee's form, which TestBrowser checks.
	for _, page := range []string{"/admin/units", "/admin/units/SUND", "/admin/questionnaires", "/admin/absence", "/admin/audit"} {
		b.do(chromedp.Navigate(ts.URL+page), chromedp.WaitVisible(chromedp.CSS("h1")))
		b.checkA11y(page)
	}

	// Adding a unit with nothing typed brings the page back with the
	// focus on the error summary; then the form by keyboard.
	b.do(chromedp.Navigate(ts.URL+"/admin/units"), chromedp.WaitVisible(chromedp.CSS("#code")))
	b.tabTo("button   ") // the filter's search button
	b.tabTo("input code")
	b.tabTo("button   ")
	b.do(chromedp.KeyEvent(kb.Enter), chromedp.WaitVisible(chromedp.CSS("#error-summary-title")))
	if got := b.focusOn("error-summary-title"); !strings.HasSuffix(got, "error-summary-title") {
		t.Errorf("got focus on %q, want the error summary heading", got)
	}
	b.checkA11y("units with errors")
	b.tabTo("input code")
	b.do(chromedp.KeyEvent("SKOLE"))
	b.tabTo("input name")
	b.do(chromedp.KeyEvent("Skoler"), chromedp.KeyEvent(kb.Enter), chromedp.WaitVisible(chromedp.CSS(".success")))
	if _, err := f.Store.FindUnitByCode(context.Background(), "SKOLE"); err != nil {
		t.Errorf("got %v, want SKOLE stored", err)
	}

	// A 320 px wide phone: the page does not scroll sideways (its tables do).
	b.do(chromedp.EmulateViewport(320, 640, chromedp.EmulateMobile),
		chromedp.Navigate(ts.URL+"/admin/units"), chromedp.WaitVisible(chromedp.CSS("h1")))
	if got := eval[int](b, `document.documentElement.scrollWidth`); got > 320 {
		t.Errorf("got a scroll width of %d px at 320 px, want no horizontal scroll", got)
	}
}
