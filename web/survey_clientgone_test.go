package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/tillid/tillid/web/webtest"
)

// TestSurveyClientGone checks that a form request whose client went
// away (its context canceled) is logged as 499, not as a server error.
func TestSurveyClientGone(t *testing.T) {
	f := webtest.New(t, 1)
	srv, logs := f.Server(t)
	path := "/s/" + f.Invitations[0].Token
	c := webtest.NewClient(t, srv)
	c.Get(path)
	form := webtest.CompleteForm(f.Questionnaire)
	form.Set("action", "submit")
	form.Set("csrf_token", c.CSRFToken())
	for _, method := range []string{http.MethodGet, http.MethodPost} {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		req := httptest.NewRequestWithContext(ctx, method, path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if res := c.Do(req); res.Code != 499 {
			t.Errorf("%s: got status %d, want 499", method, res.Code)
		}
	}
	if out := logs.String(); strings.Contains(out, "level=ERROR") || strings.Count(out, "status=499") != 2 {
		t.Errorf("log: got\n%s\nwant two requests with status=499 and no error", out)
	}
	if got := f.Count(t, "responses"); got != 0 {
		t.Errorf("got %d responses, want 0", got)
	}
}
