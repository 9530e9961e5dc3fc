package web_test

import (
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/tillid/tillid/web/webtest"
)

// TestBrowser answers the form in headless chromium by keyboard alone,
// checks the stored response, runs axe-core on the intro, the form with
// errors and the thank-you page, and checks a 320 px phone screen.
func TestBrowser(t *testing.T) {
	b := newBrowser(t, 1024, 800, 60*time.Second)
	f := webtest.New(t, 2)
	srv, _ := f.Server(t)
	ts := httptest.NewServer(srv)
	defer ts.Close()
	link := ts.URL + "/s/" + f.Invitations[0].Token

	// The intro and the empty form.
	b.do(chromedp.Navigate(link), chromedp.WaitVisible(chromedp.CSS("#answers")))
	if got := eval[string](b, `document.documentElement.lang`); got != "da" {
		t.Errorf("got <html lang=%q>, want da", got)
	}
	b.checkA11y("intro")

	// Sending nothing, by keyboard, brings the form back with errors and
	// the focus on the error summary.
	b.tabTo("button action submit")
	b.do(chromedp.KeyEvent(kb.Enter), chromedp.WaitVisible(chromedp.CSS("#error-summary-title")))
	if got := b.focusOn("error-summary-title"); !strings.HasSuffix(got, "error-summary-title") {
		t.Errorf("got focus on %q, want the error summary heading", got)
	}
	b.checkA11y("form with errors")

	// The whole form by keyboard, then Enter on the submit button.
	b.do(chromedp.Navigate(link), chromedp.WaitVisible(chromedp.CSS("#answers")))
	want, comments := answerByKeyboard(b, f.Questionnaire)
	b.tabTo("button action submit")
	b.do(chromedp.KeyEvent(kb.Enter), chromedp.WaitVisible(chromedp.CSS(".success")))
	if got := eval[string](b, `location.pathname + location.search`); got != "/tak?lang=da" {
		t.Errorf("got %q after submitting, want /tak?lang=da", got)
	}
	b.checkA11y("thank-you")

	if got := f.Count(t, "responses"); got != 1 {
		t.Fatalf("got %d responses, want 1", got)
	}
	var answers []struct {
		ItemID int64 `db:"item_id"`
		Value  int   `db:"value"`
	}
	if err := f.DB.Select(&answers, "SELECT item_id, value FROM answers"); err != nil {
		t.Fatal(err)
	}
	if len(answers) != len(want) {
		t.Errorf("got %d answers, want %d", len(answers), len(want))
	}
	for _, a := range answers {
		if a.Value != want[a.ItemID] {
			t.Errorf("item %d: got %d, want %d", a.ItemID, a.Value, want[a.ItemID])
		}
	}
	var stored []struct {
		ItemID int64  `db:"item_id"`
		Body   string `db:"body"`
	}
	if err := f.DB.Select(&stored, "SELECT item_id, body FROM comments"); err != nil {
		t.Fatal(err)
	}
	if len(stored) != len(comments) {
		t.Errorf("got %d comments, want %d", len(stored), len(comments))
	}
	for _, c := range stored {
		if c.Body != comments[c.ItemID] {
			t.Errorf("comment %d: got %q, want %q", c.ItemID, c.Body, comments[c.ItemID])
		}
	}

	// A 320 px wide phone: no horizontal scrolling.
	b.do(chromedp.EmulateViewport(320, 640, chromedp.EmulateMobile),
		chromedp.Navigate(ts.URL+"/s/"+f.Invitations[1].Token), chromedp.WaitVisible(chromedp.CSS("#answers")))
	if got := eval[int](b, `document.documentElement.scrollWidth`); got > 320 {
		t.Errorf("got a scroll width of %d px at 320 px, want no horizontal scroll", got)
	}
}
