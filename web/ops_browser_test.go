package web_test

import (
	"net/http/httptest"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/tillid/tillid/survey"
	"github.com/tillid/tillid/web"
	"github.com/tillid/tillid/web/webtest"
)

// TestBrowserStatements runs axe-core on the privacy notice and the
// accessibility statement in both languages, as the statement says.
func TestBrowserStatements(t *testing.T) {
	b := newBrowser(t, 1024, 800, 60*time.Second)
	f := webtest.New(t, 0)
	srv := newOpsServer(t, f, web.Config{Privacy: web.Privacy{
		Controller:           "Søby Kommune, Rådhuspladsen 1, 9999 Søby",
		DPOEmail:             "dpo@soeby.dk",
		AccessibilityContact: "webtilgaengelighed@soeby.dk, tlf. 99 99 99 99",
		Retention:            survey.DefaultRetention,
	}})
	ts := httptest.NewServer(srv)
	defer ts.Close()
	for _, page := range []string{"/privatliv?lang=da", "/privatliv?lang=en", "/tilgaengelighed?lang=da", "/tilgaengelighed?lang=en"} {
		b.do(chromedp.Navigate(ts.URL+page), chromedp.WaitVisible(chromedp.CSS("h1")))
		b.checkA11y(page)
	}
}
