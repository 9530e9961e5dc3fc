// Package webtest holds fixtures for tests of tillid's web layer: a
// migrated store with the default questionnaire, a small unit tree, an
// open round with invitations, a server whose log is captured, and a
// client that behaves like a browser without JavaScript (cookies and
// CSRF tokens). Every fixture runs on SQLite, or on PostgreSQL when
// TILLID_TEST_POSTGRES is set.
package webtest

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/tillid/tillid/metrics"
	"github.com/tillid/tillid/survey"
	"github.com/tillid/tillid/survey/surveytest"
	"github.com/tillid/tillid/web"
)

// Units is the organisation New imports: a municipality with two areas
// and four leaf units.
var Units = []survey.UnitRow{
	{Line: 2, Code: "KOM", Name: "Tillid Kommune"},
	{Line: 3, Code: "SUND", Name: "Sundhed og Omsorg", ParentCode: "KOM"},
	{Line: 4, Code: "PLEJE-N", Name: "Hjemmeplejen Nord", ParentCode: "SUND"},
	{Line: 5, Code: "PLEJE-S", Name: "Hjemmeplejen Syd", ParentCode: "SUND"},
	{Line: 6, Code: "KULTUR", Name: "Kultur og Fritid", ParentCode: "KOM"},
	{Line: 7, Code: "BIB", Name: "Biblioteket", ParentCode: "KULTUR"},
	{Line: 8, Code: "MUS", Name: "Musikskolen", ParentCode: "KULTUR"},
}

// leaves are the units New spreads invitations over.
var leaves = []string{"PLEJE-N", "PLEJE-S", "BIB", "MUS"}

// Fixture is a migrated database with the default questionnaire, the
// Units tree and an open round over the whole tree with invitations.
type Fixture struct {
	DB            *sqlx.DB
	Store         *survey.Store
	Metrics       *metrics.Store
	Questionnaire *survey.Questionnaire
	Round         survey.Round
	Invitations   []survey.IssuedInvitation
}

// New returns a Fixture whose open round has n invitations.
func New(t testing.TB, n int) *Fixture {
	t.Helper()
	ctx := context.Background()
	db := surveytest.Open(t)
	f := &Fixture{DB: db, Store: survey.NewStore(db)}
	f.Metrics = metrics.NewStore(db, f.Store)
	q, err := f.Store.EnsureDefaultQuestionnaire(ctx)
	if err != nil {
		t.Fatalf("webtest: %v", err)
	}
	f.Questionnaire = q
	if _, err := f.Store.ImportUnits(ctx, Units); err != nil {
		t.Fatalf("webtest: %v", err)
	}
	f.Round, f.Invitations = f.NewRound(t, survey.RoundOpen, n)
	return f
}

// NewRound creates another round of the default questionnaire over the
// whole tree with n invitations and moves it to status (draft, open or
// closed).
func (f *Fixture) NewRound(t testing.TB, status survey.RoundStatus, n int) (survey.Round, []survey.IssuedInvitation) {
	t.Helper()
	ctx := context.Background()
	today := survey.DateOf(time.Now())
	r := survey.Round{
		Name:            "Trivselsmåling " + strconv.Itoa(today.Year()),
		QuestionnaireID: f.Questionnaire.ID,
		OpensOn:         today,
		ClosesOn:        survey.Date{Time: today.AddDate(0, 0, 21)},
	}
	if err := f.Store.CreateRound(ctx, &r, []string{"KOM"}); err != nil {
		t.Fatalf("webtest: %v", err)
	}
	var issued []survey.IssuedInvitation
	if n > 0 {
		rows := make([]survey.StaffRow, n)
		for i := range rows {
			rows[i] = survey.StaffRow{Line: i + 2, Email: fmt.Sprintf("medarbejder%d.r%d@tillid.example", i+1, r.ID), UnitCode: leaves[i%len(leaves)]}
		}
		var err error
		if issued, err = f.Store.CreateInvitations(ctx, r.ID, rows); err != nil {
			t.Fatalf("webtest: %v", err)
		}
	}
	if status != survey.RoundDraft {
		if err := f.Store.OpenRound(ctx, r.ID); err != nil {
			t.Fatalf("webtest: %v", err)
		}
	}
	if status == survey.RoundClosed {
		if err := f.Store.CloseRound(ctx, r.ID); err != nil {
			t.Fatalf("webtest: %v", err)
		}
	}
	r, err := f.Store.FindRoundByID(ctx, r.ID)
	if err != nil {
		t.Fatalf("webtest: %v", err)
	}
	return r, issued
}

// Server returns a web server over the fixture's stores whose log goes
// to the returned buffer (all levels), with BaseURL http://tillid.test.
func (f *Fixture) Server(t testing.TB) (*web.Server, *LogBuffer) {
	t.Helper()
	logs := &LogBuffer{}
	logger := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	s, err := web.NewServer(web.Config{BaseURL: "http://tillid.test"}, f.Store, f.Metrics, logger)
	if err != nil {
		t.Fatalf("webtest: %v", err)
	}
	return s, logs
}

// Count returns the number of rows of table (responses, answers, comments…).
func (f *Fixture) Count(t testing.TB, table string) int {
	t.Helper()
	var n int
	if err := f.DB.Get(&n, "SELECT COUNT(*) FROM "+table); err != nil {
		t.Fatalf("webtest: count %s: %v", table, err)
	}
	return n
}

// CompleteForm answers every item of q: each scored item with its
// highest value, each text item with a Danish comment.
func CompleteForm(q *survey.Questionnaire) url.Values {
	form := url.Values{}
	for _, it := range q.Items {
		if it.Type == survey.Text {
			form.Set("a_"+it.Key, "Godt samarbejde – især om vagtplanen. Æøå!")
			continue
		}
		best := 0
		for _, ch := range it.Type.Choices() {
			best = max(best, ch.Value)
		}
		form.Set("a_"+it.Key, strconv.Itoa(best))
	}
	return form
}

// LogBuffer collects log output safely across goroutines.
type LogBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

// Write implements io.Writer.
func (b *LogBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// String returns everything logged so far.
func (b *LogBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// Client sends requests straight to a handler the way a browser without
// JavaScript would: it keeps cookies and posts back the CSRF token of the
// last page it received.
type Client struct {
	t       testing.TB
	h       http.Handler
	cookies map[string]*http.Cookie
	token   string
}

// NewClient returns a Client of h with no cookies.
func NewClient(t testing.TB, h http.Handler) *Client {
	return &Client{t: t, h: h, cookies: map[string]*http.Cookie{}}
}

// Response is what a Client received.
type Response struct {
	Code   int
	Header http.Header
	Body   string
}

// Location returns the redirect target.
func (r *Response) Location() string { return r.Header.Get("Location") }

var csrfField = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

// Get requests path.
func (c *Client) Get(path string) *Response {
	return c.Do(httptest.NewRequest(http.MethodGet, path, nil))
}

// Post posts form to path, adding the CSRF token of the last page unless
// form has a csrf_token field already.
func (c *Client) Post(path string, form url.Values) *Response {
	if _, ok := form["csrf_token"]; !ok && c.token != "" {
		form = maps.Clone(form)
		form.Set("csrf_token", c.token)
	}
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.Do(req)
}

// Do sends req with the client's cookies and keeps the cookies and the
// CSRF token of the response.
func (c *Client) Do(req *http.Request) *Response {
	for _, ck := range c.cookies {
		req.AddCookie(ck)
	}
	rec := httptest.NewRecorder()
	c.h.ServeHTTP(rec, req)
	res := rec.Result()
	for _, ck := range res.Cookies() {
		c.cookies[ck.Name] = ck
	}
	body := rec.Body.String()
	if m := csrfField.FindStringSubmatch(body); m != nil {
		c.token = m[1]
	}
	return &Response{Code: rec.Code, Header: rec.Header(), Body: body}
}

// CSRFToken returns the CSRF token of the last page that had one.
func (c *Client) CSRFToken() string { return c.token }

// Cookie returns the value of the client's cookie name, or "".
func (c *Client) Cookie(name string) string {
	if ck, ok := c.cookies[name]; ok {
		return ck.Value
	}
	return ""
}
