package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"testing"

	"github.com/tillid/tillid/web/webtest"
)

// csrfValue matches the CSRF token, which differs on every page.
var csrfValue = regexp.MustCompile(`name="csrf_token" value="[^"]+"`)

// TestBlankFormCache checks that the blank form written from the cache
// is the page the template renders for the same invitation.
func TestBlankFormCache(t *testing.T) {
	f := webtest.New(t, 2)
	srv, _ := f.Server(t)
	for i, lang := range []string{"da", "en"} {
		path := "/s/" + f.Invitations[i].Token
		c := webtest.NewClient(t, srv)
		cached := c.Get(path + "?lang=" + lang)
		again := c.Get(path + "?lang=" + lang)
		// Switching to the same language renders the unanswered form
		// through the template.
		rendered := c.Post(path, url.Values{"lang": {lang}, "action": {"lang:" + lang}})
		for _, res := range []*webtest.Response{cached, again, rendered} {
			if res.Code != http.StatusOK {
				t.Fatalf("%s: got status %d, want 200", lang, res.Code)
			}
		}
		norm := func(s string) string { return csrfValue.ReplaceAllString(s, `name="csrf_token" value="X"`) }
		if norm(cached.Body) != norm(rendered.Body) || norm(again.Body) != norm(rendered.Body) {
			t.Errorf("%s: got a cached page different from the rendered one:\n%s\nwant\n%s", lang, cached.Body, rendered.Body)
		}
		if csrfValue.FindString(cached.Body) == csrfValue.FindString(again.Body) {
			t.Errorf("%s: got the same CSRF field twice, want a fresh masked token per page", lang)
		}
	}
}
