package web_test

import (
	"context"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/tillid/tillid/survey"
	"github.com/tillid/tillid/web/webtest"
)

// browserDeps finds chromium and axe-core (node_modules at the module
// root, from `npm install`). Without them the browser tests are skipped
// loudly, except under CI, where they must run.
func browserDeps(t *testing.T) (chromium string, axe []byte) {
	t.Helper()
	missing := func(format string, args ...any) {
		t.Helper()
		if os.Getenv("CI") != "" {
			t.Fatalf("BROWSER TESTS FAILED (CI is set): "+format, args...)
		}
		t.Skipf("BROWSER TESTS SKIPPED: "+format, args...)
	}
	chromium = "/usr/bin/chromium"
	if _, err := os.Stat(chromium); err != nil {
		if chromium, err = exec.LookPath("chromium"); err != nil {
			missing("no chromium found (apt-get install chromium)")
		}
	}
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			missing("module root not found")
		}
		dir = parent
	}
	axe, err = os.ReadFile(filepath.Join(dir, "node_modules", "axe-core", "axe.min.js"))
	if err != nil {
		missing("no axe-core (run npm install at the module root): %v", err)
	}
	return chromium, axe
}

// browser drives one chromium tab for a test.
type browser struct {
	t   *testing.T
	ctx context.Context
	axe string
}

// do runs steps and fails the test on an error.
func (b *browser) do(steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, steps...); err != nil {
		b.t.Fatalf("browser: %v", err)
	}
}

// eval evaluates a JavaScript expression that reads the page.
func eval[T any](b *browser, expr string) T {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		b.t.Fatalf("browser: %s: %v", expr, err)
	}
	return v
}

// active describes the focused element as "tag name value".
func (b *browser) active() string {
	b.t.Helper()
	return eval[string](b, `(e => e ? [e.tagName.toLowerCase(), e.getAttribute('name') || '', e.getAttribute('value') || '', e.id].join(' ') : '')(document.activeElement)`)
}

// tabTo presses Tab until the focused element's description starts with
// prefix.
func (b *browser) tabTo(prefix string) {
	b.t.Helper()
	for range 120 {
		if strings.HasPrefix(b.active(), prefix) {
			return
		}
		b.do(chromedp.KeyEvent(kb.Tab))
	}
	b.t.Fatalf("browser: Tab never reached %q; focus is on %q", prefix, b.active())
}

type axeViolation struct {
	ID, Impact, Help string
	Nodes            []string
}

// checkA11y runs axe-core's WCAG 2.1 A/AA rules on the page and fails
// the test for every violation.
func (b *browser) checkA11y(page string) {
	b.t.Helper()
	if !eval[bool](b, b.axe+";\ntypeof axe === 'object'") {
		b.t.Fatalf("browser: axe-core did not load on the %s page", page)
	}
	vs, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]axeViolation](`axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})
		.then(r => r.violations.map(v => ({ID: v.id, Impact: v.impact || '', Help: v.help, Nodes: v.nodes.map(n => n.target.join(' ') + ': ' + n.failureSummary)})))`,
		chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("browser: axe on the %s page: %v", page, err)
	}
	for _, v := range vs {
		b.t.Errorf("axe on the %s page: %s (%s): %s\n\t%s", page, v.ID, v.Impact, v.Help, strings.Join(v.Nodes, "\n\t"))
	}
}

// TestBrowser answers the form in headless chromium by keyboard alone,
// checks the stored response, runs axe-core on the intro, the form with
// errors and the thank-you page, and checks a 320 px phone screen.
func TestBrowser(t *testing.T) {
	chromium, axe := browserDeps(t)
	f := webtest.New(t, 2)
	srv, _ := f.Server(t)
	ts := httptest.NewServer(srv)
	defer ts.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	actx, acancel := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(chromium),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1024, 800),
	)
	defer acancel()
	bctx, bcancel := chromedp.NewContext(actx)
	defer bcancel()
	b := &browser{t: t, ctx: bctx, axe: string(axe)}
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
	if got := b.active(); !strings.HasSuffix(got, "error-summary-title") {
		t.Errorf("got focus on %q, want the error summary heading", got)
	}
	b.checkA11y("form with errors")

	// The whole form by keyboard: Tab to each item, Space or arrow keys to
	// choose, typing for comments, Enter on the submit button.
	b.do(chromedp.Navigate(link), chromedp.WaitVisible(chromedp.CSS("#answers")))
	want := map[int64]int{}
	comments := map[int64]string{}
	for _, it := range f.Questionnaire.Items {
		b.tabTo(map[bool]string{true: "textarea a_", false: "input a_"}[it.Type == survey.Text] + it.Key + " ")
		if it.Type == survey.Text {
			text := "Godt samarbejde – især om vagtplanen, æøå"
			b.do(chromedp.KeyEvent(text))
			comments[it.ID] = text
			continue
		}
		choices := it.Type.Choices()
		i := it.Position % len(choices)
		if i == 0 {
			b.do(chromedp.KeyEvent(" "))
		}
		for range i {
			b.do(chromedp.KeyEvent(kb.ArrowDown))
		}
		want[it.ID] = choices[i].Value
	}
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
