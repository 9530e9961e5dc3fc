package web_test

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"image/png"
	"io"
	"io/fs"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/alexedwards/argon2id"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/tillid/tillid/metrics"
	"github.com/tillid/tillid/survey"
	"github.com/tillid/tillid/survey/demo"
	"github.com/tillid/tillid/survey/surveytest"
	"github.com/tillid/tillid/web"
	"github.com/tillid/tillid/web/auth"
	"github.com/tillid/tillid/web/mail/mailtest"
	"github.com/tillid/tillid/web/webtest"
)

// This file walks the HR web app end to end in headless chromium, with
// axe-core on every page: HR builds the organisation and a round, the
// employees answer, HR closes the round, a manager reads the results and
// writes the action plan, and the employees read the plan. With
// TILLID_SCREENSHOTS set, TestScreenshots photographs the pages of the
// demo municipality for the README.

// walkPassword is the password of the walk's staff accounts.
const walkPassword = "korrekt hest batteri"

// walkUnits is the organisation HR uploads: a care department of three
// home-care units, and culture. With k = 3, Nord answers 4 times, Vest
// 3 times and Syd once, so Syd reads "for få svar".
const walkUnits = `code,name,parent_code
WALK,Walk Kommune,
OMSORG,Ældre og Omsorg,WALK
PLEJE-N,Hjemmeplejen Nord,OMSORG
PLEJE-S,Hjemmeplejen Syd,OMSORG
PLEJE-V,Hjemmeplejen Vest,OMSORG
KULTUR,Kultur og Fritid,WALK
`

// walkStaff is the staff list: e-mail addresses for most, three without
// (k of them), who get printed codes. Every printed code is Nord's.
const walkStaff = `email,unit_code
nord1@walk.example,PLEJE-N
,PLEJE-N
,PLEJE-N
,PLEJE-N
nord2@walk.example,PLEJE-N
vest1@walk.example,PLEJE-V
vest2@walk.example,PLEJE-V
vest3@walk.example,PLEJE-V
syd1@walk.example,PLEJE-S
syd2@walk.example,PLEJE-S
`

// walkServer is the real server of a walk, on a real port, over a fresh
// database, sending its e-mail to a fake SMTP server.
type walkServer struct {
	URL   string
	Srv   *web.Server
	Store *survey.Store
	Mail  *mailtest.Server
	Logs  *webtest.LogBuffer
}

// newWalkServer starts the server with the public address base (its own
// address when empty); fill runs on the fresh stores before it starts,
// with that address.
func newWalkServer(t *testing.T, base string, fill func(base string, ss *survey.Store, ms *metrics.Store)) *walkServer {
	t.Helper()
	db := surveytest.Open(t)
	ss := survey.NewStore(db)
	ms := metrics.NewStore(db, ss)
	ts := httptest.NewUnstartedServer(nil)
	w := &walkServer{URL: "http://" + ts.Listener.Addr().String(), Store: ss, Mail: mailtest.NewServer(t), Logs: &webtest.LogBuffer{}}
	if base == "" {
		base = w.URL
	}
	fill(base, ss, ms)
	logger := slog.New(slog.NewTextHandler(w.Logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	srv, err := web.NewServer(web.Config{BaseURL: base, Mail: w.Mail.Config()}, ss, ms, logger)
	if err != nil {
		t.Fatal(err)
	}
	srv.Auth.HashParams = &argon2id.Params{Memory: 1024, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}
	w.Srv = srv
	ts.Config.Handler = srv
	ts.Start()
	t.Cleanup(func() {
		ts.Close()
		srv.WaitMail()
	})
	return w
}

// user creates a staff account with walkPassword; a manager gets units.
func (w *walkServer) user(t *testing.T, email string, role auth.Role, units ...string) auth.User {
	t.Helper()
	ctx := context.Background()
	u := auth.User{Email: email, Name: strings.Split(email, "@")[0], Role: role}
	for _, code := range units {
		unit, err := w.Store.FindUnitByCode(ctx, code)
		if err != nil {
			t.Fatal(err)
		}
		u.UnitIDs = append(u.UnitIDs, unit.ID)
	}
	if err := w.Srv.Auth.CreateUser(ctx, &u, walkPassword); err != nil {
		t.Fatal(err)
	}
	return u
}

// walker is one person's browser tab on the walk's server; every page it
// lands on is checked with axe-core.
type walker struct {
	*browser
	base  string
	pages *[]string // every page checked, for the report at the end
}

// incognito returns a tab in a new browser context: another person, on
// the same chromium, with no cookies.
func (w walker) incognito() walker {
	w.t.Helper()
	ctx, cancel := chromedp.NewContext(w.ctx, chromedp.WithNewBrowserContext())
	w.t.Cleanup(cancel)
	b := *w.browser
	b.ctx = ctx
	w.browser = &b
	return w
}

// check runs axe-core on the loaded page, checks that its images load
// and records it.
func (w walker) check(page string) {
	w.t.Helper()
	w.checkA11y(page)
	if broken := w.brokenImages(); len(broken) > 0 {
		w.t.Errorf("page %s: images %q did not load", page, broken)
	}
	*w.pages = append(*w.pages, secretPath.ReplaceAllString(page, "$1…"))
}

// secretPath matches the secret in a page's path: an invitation's token
// or code, or a plan's public key.
var secretPath = regexp.MustCompile(`^(/s/|/handlingsplan/)[^?]+`)

// visit opens path, checks that the server answered status, waits for
// the page's heading and checks the page.
func (w walker) visit(path string, status int) {
	w.t.Helper()
	res, err := chromedp.Run(w.ctx, chromedp.NavigateResponse(w.base+path))
	if err != nil {
		w.t.Fatalf("browser: %s: %v", path, err)
	}
	if int(res.Status) != status {
		w.t.Fatalf("got status %d for %s, want %d: %s", res.Status, path, status, w.text())
	}
	w.do(chromedp.WaitVisible(chromedp.CSS("h1")))
	w.check(path)
}

// follow runs act (a click or a key press that submits or follows a
// link), waits until the page whose path and query match re has loaded,
// and checks it.
func (w walker) follow(act chromedp.Action[chromedp.Void], re string) {
	w.t.Helper()
	w.do(act)
	expr := fmt.Sprintf(`new RegExp(%q).test(location.pathname + location.search) && document.readyState === 'complete' && !!document.querySelector('h1')`, re)
	for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		// While the page navigates, evaluating fails: try again.
		if ok, err := chromedp.Run(w.ctx, chromedp.Evaluate[bool](expr)); err == nil && ok {
			break
		}
		if time.Now().After(deadline) {
			w.t.Fatalf("browser: never reached %s; at %s\n%s", re, w.path(), w.text())
		}
	}
	w.check(w.path())
}

// wantText fails the test unless the page's main text has every want.
func (w walker) wantText(want ...string) {
	w.t.Helper()
	text := w.text()
	for _, s := range want {
		if !strings.Contains(text, s) {
			w.t.Errorf("page %s: got %q, want it to contain %q", w.path(), text, s)
		}
	}
}

// wantEnglish checks that the page is in English with heading h1.
func (w walker) wantEnglish(h1 string) {
	w.t.Helper()
	if got := eval[string](w.browser, `document.documentElement.lang`); got != "en" {
		w.t.Errorf("page %s: got <html lang=%q>, want en", w.path(), got)
	}
	if got := eval[string](w.browser, `document.querySelector('h1').innerText`); !strings.HasPrefix(got, h1) {
		w.t.Errorf("page %s: got heading %q, want %q", w.path(), got, h1)
	}
}

// signIn signs in on the sign-in page by keyboard and lands on /results.
func (w walker) signIn(email string) {
	w.t.Helper()
	w.visit("/login?lang=da", http.StatusOK)
	w.tabTo("input email")
	w.do(chromedp.KeyEvent(email))
	w.tabTo("input password")
	w.do(chromedp.KeyEvent(walkPassword))
	w.follow(chromedp.KeyEvent(kb.Enter), `^/results`)
}

// signOut signs out from the account page.
func (w walker) signOut() {
	w.t.Helper()
	w.visit("/account", http.StatusOK)
	w.follow(chromedp.Click(chromedp.CSS(`form[action="/logout"] button`)), `^/login\?out=1`)
}

// upload puts the text in a file named name and chooses it in the file
// input of the page.
func (w walker) upload(name, text string) {
	w.t.Helper()
	path := filepath.Join(w.t.TempDir(), name)
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		w.t.Fatal(err)
	}
	w.do(chromedp.SetUploadFiles(chromedp.CSS(`#file`), []string{path}))
}

// walkAnswers is a complete answer to q, with a comment, in which every
// scored item gets its choice number i counted from the first ("Helt
// uenig", "Nej, ikke et problem", "Ja"); never "Ved ikke".
func walkAnswers(q *survey.Questionnaire, i int) url.Values {
	form := webtest.CompleteForm(q)
	for _, it := range q.Items {
		if it.Type != survey.Text {
			choices := it.Type.Choices()
			form.Set("a_"+it.Key, strconv.Itoa(choices[min(i, len(choices)-2)].Value))
		}
	}
	form.Set("action", "submit")
	form.Set("lang", "da")
	return form
}

// answerHTTP answers the form at path (a link's /s/TOKEN) the way a
// browser without JavaScript would, faster than chromium.
func answerHTTP(t *testing.T, h http.Handler, path string, form url.Values) {
	t.Helper()
	c := webtest.NewClient(t, h)
	if res := c.Get(path); res.Code != http.StatusOK {
		t.Fatalf("got status %d for the form, want 200", res.Code)
	}
	if res := c.Post(path, form); res.Code != http.StatusSeeOther || !strings.HasPrefix(res.Location(), "/tak") {
		t.Fatalf("got %d %q after submitting, want 303 /tak: %s", res.Code, res.Location(), res.Body)
	}
}

// TestBrowserWalk is the HR web app's end-to-end walk in chromium, with
// axe-core's WCAG 2.1 A/AA rules on every page it lands on:
//
//  1. HR signs in, uploads the organisation (preview, confirm), creates
//     a round (k = 3), uploads a staff list (preview, confirm: e-mails go
//     out, the code sheets download as a PDF) and opens the round;
//  2. eight employees answer: one types a printed code and answers the
//     whole form by keyboard, the rest answer by HTTP through the links
//     of their e-mails and another printed code;
//  3. HR reads the response rates and closes the round;
//  4. a manager of the care department reads its results (a number shown,
//     a unit with one response "for få svar"), is refused another
//     department, opens the trend and writes an action-plan entry from
//     a suggested problem;
//  5. an employee reads the plan through its public link without signing
//     in, in Danish and in English.
func TestBrowserWalk(t *testing.T) {
	b := newBrowser(t, 1280, 900, 150*time.Second)
	start := time.Now()
	ctx := context.Background()
	var q *survey.Questionnaire
	ws := newWalkServer(t, "", func(_ string, ss *survey.Store, _ *metrics.Store) {
		var err error
		if q, err = ss.EnsureDefaultQuestionnaire(ctx); err != nil {
			t.Fatal(err)
		}
	})
	var pages []string
	hr := walker{browser: b, base: ws.URL, pages: &pages}
	ws.user(t, "hr@walk.example", auth.RoleAdministrator)

	// Some pages in English first: sign-in and the code page.
	hr.visit("/login?lang=en", http.StatusOK)
	hr.wantEnglish("Sign in")
	hr.visit("/kode?lang=en", http.StatusOK)
	hr.wantEnglish("Answer with a code")

	// 1. HR: the organisation, by upload with preview and confirmation.
	hr.signIn("hr@walk.example")
	hr.visit("/admin/units", http.StatusOK)
	hr.upload("enheder.csv", walkUnits)
	hr.follow(chromedp.Click(chromedp.CSS(`form[action="/admin/units/import"] button[type=submit]`)), `^/admin/units/import`)
	hr.wantText("enheder.csv", "Hjemmeplejen Vest")
	hr.follow(chromedp.Click(chromedp.CSS(`form[action="/admin/units/import"] button[type=submit]`)), `^/admin/units\?`)
	hr.wantText("PLEJE-S", "KULTUR")
	if _, err := ws.Store.FindUnitByCode(ctx, "PLEJE-V"); err != nil {
		t.Fatalf("got %v, want the uploaded units stored", err)
	}
	ws.user(t, "leder@walk.example", auth.RoleManager, "OMSORG")

	// The round: the questionnaire and dates as proposed, k = 3, the
	// whole municipality.
	hr.visit("/admin/rounds", http.StatusOK)
	hr.visit("/admin/rounds/new", http.StatusOK)
	hr.do(chromedp.SendKeys(chromedp.CSS(`#name`), "Trivsel og APV"),
		chromedp.SetValue(chromedp.CSS(`#threshold`), "3"),
		chromedp.Click(chromedp.CSS(`input[name=units][value=WALK]`)))
	hr.follow(chromedp.Click(chromedp.CSS(`form[action="/admin/rounds"] button[type=submit]`)), `^/admin/rounds/\d+\?done=created`)
	roundPath := strings.TrimSuffix(hr.path(), "?done=created")
	roundID, err := strconv.ParseInt(strings.TrimPrefix(roundPath, "/admin/rounds/"), 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	if r, err := ws.Store.FindRoundByID(ctx, roundID); err != nil || r.Threshold != 3 || r.Status != survey.RoundDraft {
		t.Fatalf("got round %+v (%v), want a draft with k = 3", r, err)
	}

	// The staff list: preview, then confirm, which sends the e-mails and
	// answers with the code sheets of the three without e-mail.
	hr.visit(roundPath+"/invitations", http.StatusOK)
	hr.upload("medarbejdere.csv", walkStaff)
	hr.follow(chromedp.Click(chromedp.CSS(`form[action$="/invitations/preview"] button[type=submit]`)), `/invitations/preview`)
	hr.wantText("medarbejdere.csv", "Hjemmeplejen Nord")
	pdf := hr.download(t.TempDir(), chromedp.Click(chromedp.CSS(`form[action$="/invitations"] button[type=submit]`)))
	codes := printedCodes(t, pdf)
	if len(codes) != 3 {
		t.Fatalf("got %d codes in the code sheets (%q), want 3", len(codes), codes)
	}
	hr.visit(roundPath, http.StatusOK)
	hr.follow(chromedp.Click(chromedp.CSS(`form[action$="/open"] button`)), `\?done=opened`)

	links := map[string]string{} // e-mail address → the path of its link
	linkIn := regexp.MustCompile(regexp.QuoteMeta(ws.URL) + `(/s/[A-Za-z0-9_-]+)`)
	for deadline := time.Now().Add(15 * time.Second); len(links) < 7 && time.Now().Before(deadline); {
		for _, m := range ws.Mail.Messages() {
			if link := linkIn.FindStringSubmatch(m.Body()); link != nil && len(m.To) == 1 {
				links[m.To[0]] = link[1]
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	if len(links) != 7 {
		t.Fatalf("got links for %d addresses, want 7", len(links))
	}

	// 2. The employees. One types a printed code and answers the whole
	// form by keyboard in a browser of her own.
	emp := hr.incognito()
	emp.visit("/kode", http.StatusOK)
	emp.tabTo("input code")
	emp.do(chromedp.KeyEvent(strings.ToLower(codes[0])))
	emp.follow(chromedp.KeyEvent(kb.Enter), `^/s/`)
	values, comments := answerByKeyboard(emp.browser, q)
	emp.tabTo("button action submit")
	emp.follow(chromedp.KeyEvent(kb.Enter), `^/tak`)
	if len(values) == 0 || len(comments) == 0 {
		t.Fatalf("got %d answers and %d comments by keyboard, want some of each", len(values), len(comments))
	}
	// The rest answer through their links and another printed code, low
	// enough for the results to suggest problems for the action plan.
	answerHTTP(t, ws.Srv, "/s/"+codes[1], walkAnswers(q, 1))
	for addr, path := range links {
		if addr != "syd2@walk.example" {
			answerHTTP(t, ws.Srv, path, walkAnswers(q, 1+len(addr)%2)) // "Delvis uenig" or neutral
		}
	}
	var responses int
	if err := ws.Store.DB().Get(&responses, "SELECT COUNT(*) FROM responses"); err != nil || responses != 8 {
		t.Fatalf("got %d responses (%v), want 8", responses, err)
	}

	// 3. HR reads the response rates and closes the round.
	hr.visit(roundPath, http.StatusOK)
	hr.wantText("Hjemmeplejen Nord", "80 %") // 4 of 5
	hr.visit(roundPath+"/close", http.StatusOK)
	hr.follow(chromedp.Click(chromedp.CSS(`form[action$="/close"] button`)), `\?done=closed`)
	hr.signOut()

	// 4. The manager of the care department.
	mgr := hr.incognito()
	mgr.signIn("leder@walk.example")
	resultsPath := fmt.Sprintf("/results/rounds/%d/units/OMSORG", roundID)
	mgr.visit(resultsPath, http.StatusOK)
	if got := eval[string](mgr.browser, `document.querySelector('.facts dd').innerText`); got != "8" {
		t.Errorf("got %q respondents for the care department, want 8", got)
	}
	rows := eval[[]string](mgr.browser, `[...document.querySelectorAll('#children-caption ~ tbody tr')].map(r => r.innerText.replace(/\s+/g, ' ').trim())`)
	if !slices.ContainsFunc(rows, func(r string) bool { return strings.HasPrefix(r, "Hjemmeplejen Nord 4 ") }) {
		t.Errorf("got rows %q, want Hjemmeplejen Nord with 4 respondents and an index", rows)
	}
	if !slices.Contains(rows, "Hjemmeplejen Syd for få svar for få svar") {
		t.Errorf("got rows %q, want Hjemmeplejen Syd with \"for få svar\"", rows)
	}
	mgr.visit(fmt.Sprintf("/results/rounds/%d/units/KULTUR", roundID), http.StatusForbidden)
	mgr.visit(resultsPath+"?lang=en", http.StatusOK)
	mgr.wantEnglish("Ældre og Omsorg")
	mgr.wantText("Social capital", "too few responses")
	mgr.visit("/results/units/OMSORG/trend?lang=da", http.StatusOK)
	mgr.wantText("Trivsel og APV")

	// The action plan: a suggested problem, then the form.
	planPath := fmt.Sprintf("/plans/rounds/%d/units/OMSORG", roundID)
	mgr.visit("/plans", http.StatusOK)
	mgr.visit(planPath, http.StatusOK)
	mgr.follow(chromedp.Click(chromedp.CSS(`.plan-suggestions a`)), `[?&]problem=`)
	problem := eval[string](mgr.browser, `document.querySelector('#problem').value`)
	if problem == "" || problem == "free" {
		t.Fatalf("got problem %q after following a suggestion, want it chosen", problem)
	}
	due := survey.DateOf(time.Now().AddDate(0, 2, 0)).String()
	mgr.do(chromedp.Click(chromedp.CSS(`input[name=risk_level][value=medium]`)),
		chromedp.SendKeys(chromedp.CSS(`#action`), "Fælles planlægningsmøde hver mandag"),
		chromedp.SendKeys(chromedp.CSS(`#responsible`), "Områdeleder"),
		chromedp.SetValue(chromedp.CSS(`#deadline`), due))
	mgr.follow(chromedp.Click(chromedp.CSS(`form.plan-form button[type=submit]`)), `\?done=created`)
	omsorg, err := ws.Store.FindUnitByCode(ctx, "OMSORG")
	if err != nil {
		t.Fatal(err)
	}
	entries, err := ws.Store.FindPlanEntries(ctx, survey.PlanFilter{RoundID: roundID, UnitID: omsorg.ID})
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || entries[0].Action != "Fælles planlægningsmøde hver mandag" || entries[0].Responsible != "Områdeleder" ||
		entries[0].Deadline.String() != due || string(entries[0].ProblemKind)+":"+entries[0].ProblemKey != problem {
		t.Fatalf("got plan entries %+v, want the one written with problem %s", entries, problem)
	}
	public := eval[string](mgr.browser, `document.querySelector('#share-link').value`)

	// 5. The employees' plan, without signing in.
	if !strings.HasPrefix(public, ws.URL+"/handlingsplan/") {
		t.Fatalf("got public link %q, want one under %s/handlingsplan/", public, ws.URL)
	}
	emp.visit(strings.TrimPrefix(public, ws.URL), http.StatusOK)
	emp.wantText("Fælles planlægningsmøde hver mandag", "Områdeleder")
	emp.visit(strings.TrimPrefix(public, ws.URL)+"?lang=en", http.StatusOK)
	emp.wantEnglish("Action plan")

	// No secret ever reaches the log.
	logs := ws.Logs.String()
	for _, secret := range append(slices.Collect(maps.Values(links)), codes...) {
		if strings.Contains(logs, strings.TrimPrefix(secret, "/s/")) {
			t.Errorf("the log holds the secret %s", secret)
		}
	}
	t.Logf("walked %d pages with axe-core in %s: %s", len(pages), time.Since(start).Round(time.Millisecond), strings.Join(pages, " "))
}

// TestScreenshots saves the README's screenshots of the demo municipality
// (survey/demo) as PNGs in the folder TILLID_SCREENSHOTS names, relative
// to the module root; without it the test is skipped:
//
//	TILLID_SCREENSHOTS=docs/screenshots go test ./web -run TestScreenshots
//
// Every page photographed is also checked with axe-core.
func TestScreenshots(t *testing.T) {
	dir := os.Getenv("TILLID_SCREENSHOTS")
	if dir == "" {
		t.Skip("set TILLID_SCREENSHOTS=docs/screenshots to save the README's screenshots")
	}
	if !filepath.IsAbs(dir) {
		dir = filepath.Join(moduleRoot(t), dir)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, 1280, 900, 180*time.Second)
	ctx := context.Background()
	var res *demo.Result
	ws := newWalkServer(t, screenshotBaseURL, func(base string, ss *survey.Store, ms *metrics.Store) {
		var err error
		if res, err = demo.Generate(ctx, ss, ms, demo.Config{Seed: 1, BaseURL: base}); err != nil {
			t.Fatal(err)
		}
	})
	last := res.ClosedRounds[len(res.ClosedRounds)-1]
	hr := ws.user(t, "hr@demo.example", auth.RoleAdministrator)
	mgr := ws.user(t, "skoleleder@demo.example", auth.RoleManager, screenshotSchool)
	committee := ws.user(t, "hovedudvalget@demo.example", auth.RoleCommittee)
	school, err := ws.Store.FindUnitByCode(ctx, screenshotSchool)
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range screenshotPlan() {
		if _, err := ws.Store.CreatePlanEntry(ctx, last, school.ID, in, mgr.ID); err != nil {
			t.Fatal(err)
		}
	}
	var pages []string
	w := walker{browser: b, base: ws.URL, pages: &pages}
	s := screenshooter{walker: w, dir: dir, ws: ws}

	// What HR sees.
	s.as(hr)
	s.shoot("hr-round-progress.png", fmt.Sprintf("/admin/rounds/%d", res.OpenRoundID), "", 2000)
	s.shoot("hr-organisation.png", "/admin/units", "", 1400)
	// What a manager sees.
	s.as(mgr)
	results := fmt.Sprintf("/results/rounds/%d/units/%s", last, screenshotSchool)
	s.shoot("manager-results.png", results, "", 2000)
	s.save("manager-units.png", "#comments", 1600)
	s.shoot("manager-action-plan.png", fmt.Sprintf("/plans/rounds/%d/units/%s", last, screenshotSchool), "", 2000)
	// What the committee sees, and the report it downloads.
	s.as(committee)
	s.shoot("committee-results.png", fmt.Sprintf("/results/rounds/%d/units/10000", last), "", 2000)
	s.shoot("committee-heatmap.png", fmt.Sprintf("/results/rounds/%d/units/20000/heatmap?depth=2", last), "", 2000)
	s.shoot("committee-trend.png", "/results/units/10000/trend", "", 2000)
	s.shoot("committee-correlation.png", fmt.Sprintf("/results/rounds/%d/correlation", last), "", 2000)
	s.shootReport("committee-report.png", fmt.Sprintf("/rounds/%d/units/%s/report.zip", last, screenshotSchool), 2000)
	// What an employee sees: the form on a phone.
	s.as(auth.User{})
	w.do(chromedp.EmulateViewport(360, 740, chromedp.EmulateMobile))
	s.visit(strings.TrimPrefix(res.Links[0], screenshotBaseURL), http.StatusOK)
	w.do(chromedp.Click(chromedp.CSS(`input[type=radio][value="4"]`))) // the first item: "Delvis enig"
	s.save("employee-form-phone.png", "", 2200)
}

// screenshotBaseURL is the app's address in the screenshots: a local
// `tillid serve`.
const screenshotBaseURL = "http://localhost:8080"

// screenshotSchool is the demo unit whose manager is photographed: a
// school whose smallest unit has too few responses.
const screenshotSchool = "20100"

// screenshotPlan is the school's action plan in the screenshots.
func screenshotPlan() []survey.PlanInput {
	day := func(months int) string { return survey.DateOf(time.Now().AddDate(0, months, 0)).String() }
	return []survey.PlanInput{
		{Problem: "item:ps_workload", RiskLevel: string(survey.RiskHigh), Risk: "Mange lærere melder om lange arbejdsdage i eksamensperioden.",
			Action: "Fordel rettearbejdet over flere uger, og aftal faste forberedelsesdage før eksamen.", Responsible: "Skoleleder og AMR",
			Deadline: day(2), FollowUpOn: day(4), Status: string(survey.PlanInProgress)},
		{Problem: "dimension:collaboration", RiskLevel: string(survey.RiskMedium),
			Action: "Fælles teammøde hver anden uge på tværs af indskoling og mellemtrin.", Responsible: "Afdelingsledere",
			Deadline: day(3), Status: string(survey.PlanPlanned)},
		{Problem: "free", ProblemText: "Støj i SFO'ens fællesrum om eftermiddagen.", RiskLevel: string(survey.RiskLow),
			Action: "Lydabsorberende plader i fællesrummet.", Responsible: "Ejendomme og Service", Deadline: day(-1), Status: string(survey.PlanDone)},
	}
}

// screenshooter saves full-page screenshots of a walker's pages.
type screenshooter struct {
	walker
	dir string
	ws  *walkServer
}

// as signs the tab in as u with a fresh session (u's zero value signs out).
func (s screenshooter) as(u auth.User) {
	s.t.Helper()
	if _, err := chromedp.Call(s.ctx, network.ClearBrowserCookies, cdp.Empty{}); err != nil {
		s.t.Fatal(err)
	}
	if u.ID == 0 {
		return
	}
	token, err := s.ws.Srv.Auth.CreateSession(context.Background(), u.ID)
	if err != nil {
		s.t.Fatal(err)
	}
	if _, err := chromedp.Call(s.ctx, network.SetCookie, network.SetCookieParams{Name: "tillid_session", Value: token, URL: s.base}); err != nil {
		s.t.Fatal(err)
	}
}

// shoot opens path (checked with axe-core) and saves it as name (see save).
func (s screenshooter) shoot(name, path, from string, maxHeight int) {
	s.t.Helper()
	s.visit(path, http.StatusOK)
	s.save(name, from, maxHeight)
}

// save saves a screenshot of the loaded page as name: the whole page,
// or from the top of the element from (a CSS selector) on, at most
// maxHeight px of it, compressed.
func (s screenshooter) save(name, from string, maxHeight int) {
	s.t.Helper()
	box := eval[[]float64](s.browser, fmt.Sprintf(`(e => {
		const top = e ? Math.floor(e.getBoundingClientRect().top + scrollY) : 0;
		return [top, document.documentElement.scrollWidth, document.documentElement.scrollHeight - top];
	})(%s)`, map[bool]string{true: "null", false: fmt.Sprintf("document.querySelector(%q)", from)}[from == ""]))
	shot, err := chromedp.Call(s.ctx, page.CaptureScreenshot, page.CaptureScreenshotParams{
		Format: page.CaptureScreenshotFormatPng, CaptureBeyondViewport: new(true), FromSurface: new(true),
		Clip: &page.Viewport{X: 0, Y: box[0], Width: box[1], Height: min(box[2], float64(maxHeight)), Scale: 1},
	})
	if err != nil {
		s.t.Fatalf("browser: screenshot %s: %v", name, err)
	}
	img, err := png.Decode(bytes.NewReader(shot.Data))
	if err != nil {
		s.t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&buf, img); err != nil {
		s.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(s.dir, name), buf.Bytes(), 0o644); err != nil {
		s.t.Fatal(err)
	}
	s.t.Logf("%s: %d×%d px, %d KB", name, img.Bounds().Dx(), img.Bounds().Dy(), buf.Len()/1024)
}

// shootReport downloads the report ZIP at path with the tab's session,
// opens its index.html from disk and saves it as name.
func (s screenshooter) shootReport(name, path string, maxHeight int) {
	s.t.Helper()
	cookies, err := chromedp.Call(s.ctx, network.GetCookies, network.GetCookiesParams{URLs: []string{s.base}})
	if err != nil {
		s.t.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodGet, s.base+path, nil)
	if err != nil {
		s.t.Fatal(err)
	}
	for _, c := range cookies.Cookies {
		req.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil || res.StatusCode != http.StatusOK {
		s.t.Fatalf("got %d (%v) for the report, want 200", res.StatusCode, err)
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		s.t.Fatal(err)
	}
	out := s.t.TempDir()
	if err := os.CopyFS(out, zr); err != nil {
		s.t.Fatal(err)
	}
	index, err := fs.Glob(zr, "*/index.html")
	if err != nil || len(index) != 1 {
		s.t.Fatalf("got %q (%v) in the report, want one index.html", index, err)
	}
	s.do(chromedp.Navigate("file://"+filepath.Join(out, index[0])), chromedp.WaitVisible(chromedp.CSS("h1")))
	s.check("report " + index[0])
	s.save(name, "", maxHeight)
}
