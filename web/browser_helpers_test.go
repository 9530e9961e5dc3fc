package web_test

import (
	"bytes"
	"compress/zlib"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/tillid/tillid/survey"
)

// This file holds what the browser tests share: finding chromium and
// axe-core, starting a headless tab, keyboard helpers, axe-core's WCAG
// check, downloads and the employee's form answered by keyboard.

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
	axe, err := os.ReadFile(filepath.Join(moduleRoot(t), "node_modules", "axe-core", "axe.min.js"))
	if err != nil {
		missing("no axe-core (run npm install at the module root): %v", err)
	}
	return chromium, axe
}

// moduleRoot returns the folder of go.mod above the working directory.
func moduleRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("module root not found")
		}
		dir = parent
	}
}

// browser drives one chromium tab for a test.
type browser struct {
	t   *testing.T
	ctx context.Context
	axe string
}

// newBrowser starts headless chromium with a window of width × height
// px for at most timeout and returns its tab; the browser stops when the
// test ends. It skips the test (fails under CI) without chromium or
// axe-core, so call it before building fixtures.
func newBrowser(t *testing.T, width, height int, timeout time.Duration) *browser {
	t.Helper()
	chromium, axe := browserDeps(t)
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
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
		chromedp.Flag("hide-scrollbars", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(width, height),
	)
	bctx, bcancel := chromedp.NewContext(actx)
	t.Cleanup(func() {
		bcancel()
		acancel()
		cancel()
	})
	return &browser{t: t, ctx: bctx, axe: string(axe)}
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

// text returns the text of the page's main element, with white space
// collapsed.
func (b *browser) text() string {
	b.t.Helper()
	return strings.Join(strings.Fields(eval[string](b, `document.querySelector('main').innerText`)), " ")
}

// path returns the page's path and query.
func (b *browser) path() string {
	b.t.Helper()
	return eval[string](b, `location.pathname + location.search`)
}

// active describes the focused element as "tag name value id".
func (b *browser) active() string {
	b.t.Helper()
	return eval[string](b, `(e => e ? [e.tagName.toLowerCase(), e.getAttribute('name') || '', e.getAttribute('value') || '', e.id].join(' ') : '')(document.activeElement)`)
}

// focusOn waits up to two seconds for the element with id to take the
// focus (autofocus runs a moment after the page shows) and returns what
// has the focus then.
func (b *browser) focusOn(id string) string {
	b.t.Helper()
	deadline := time.Now().Add(2 * time.Second)
	for {
		got := b.active()
		if strings.HasSuffix(got, " "+id) || time.Now().After(deadline) {
			return got
		}
		time.Sleep(20 * time.Millisecond)
	}
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

// brokenImages loads every image of the page, lazy ones too, and
// returns the addresses of those that did not load.
func (b *browser) brokenImages() []string {
	b.t.Helper()
	broken, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]string](`Promise.all([...document.images].map(i => {
		i.loading = 'eager';
		return i.complete ? 0 : new Promise(r => { i.onload = i.onerror = r; });
	})).then(() => [...document.images].filter(i => i.naturalWidth === 0).map(i => i.src))`, chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("browser: images: %v", err)
	}
	return broken
}

// download runs trigger, which makes the page download a file, and
// returns the file's content once chromium has saved it in dir.
func (b *browser) download(dir string, trigger chromedp.Action[chromedp.Void]) []byte {
	b.t.Helper()
	events := true
	if _, err := chromedp.CallBrowser(b.ctx, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{
		Behavior: cdpbrowser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: dir, EventsEnabled: &events,
	}); err != nil {
		b.t.Fatalf("browser: allow downloads: %v", err)
	}
	ctx, cancel := context.WithTimeout(b.ctx, 20*time.Second)
	defer cancel()
	progress := chromedp.BrowserEvents(ctx, cdpbrowser.DownloadProgress)
	b.do(trigger)
	for ev, err := range progress {
		if err != nil {
			b.t.Fatalf("browser: download: %v", err)
		}
		switch ev.State {
		case cdpbrowser.DownloadProgressStateCompleted:
			data, err := os.ReadFile(filepath.Join(dir, ev.GUID))
			if err != nil {
				b.t.Fatalf("browser: download: %v", err)
			}
			return data
		case cdpbrowser.DownloadProgressStateCanceled:
			b.t.Fatal("browser: download canceled")
		}
	}
	b.t.Fatal("browser: download never completed")
	return nil
}

// answerByKeyboard fills in the employee's form of q, open in the tab,
// by keyboard alone — Tab to each item, Space or arrow keys to choose,
// typing for comments — and returns the chosen values and comments by
// item id. It does not submit.
func answerByKeyboard(b *browser, q *survey.Questionnaire) (values map[int64]int, comments map[int64]string) {
	b.t.Helper()
	values, comments = map[int64]int{}, map[int64]string{}
	for _, it := range q.Items {
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
		values[it.ID] = choices[i].Value
	}
	return values, comments
}

// printedCodes returns the codes (XXXX-XXXX-XX) printed in a PDF of code
// sheets: fpdf compresses its page streams with zlib.
func printedCodes(t *testing.T, pdf []byte) []string {
	t.Helper()
	var codes []string
	code := regexp.MustCompile(`\(([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{2})\)`)
	for _, m := range regexp.MustCompile(`(?s)stream\r?\n(.*?)\r?\nendstream`).FindAllSubmatch(pdf, -1) {
		r, err := zlib.NewReader(bytes.NewReader(m[1]))
		if err != nil {
			continue // not a compressed stream
		}
		data, err := io.ReadAll(r)
		if err != nil {
			continue // an image or a font, not a page
		}
		for _, c := range code.FindAllSubmatch(data, -1) {
			codes = append(codes, string(c[1]))
		}
	}
	return codes
}
