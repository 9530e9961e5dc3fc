package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/tillid/tillid/survey"
	"github.com/tillid/tillid/web/webtest"
)

// formValues answers the first n scored items of the fixture's
// questionnaire with value and nothing else.
func formValues(f *webtest.Fixture, n int, value string) url.Values {
	form := url.Values{}
	for _, it := range f.Questionnaire.Items {
		if n == 0 {
			break
		}
		if it.Type != survey.Text {
			form.Set("a_"+it.Key, value)
			n--
		}
	}
	return form
}

// requiredItems returns the keys of the questionnaire's required items.
func requiredItems(q *survey.Questionnaire) []string {
	var keys []string
	for _, it := range q.Items {
		if it.Required {
			keys = append(keys, it.Key)
		}
	}
	return keys
}

func TestSurveyShow(t *testing.T) {
	f := webtest.New(t, 2)
	srv, _ := f.Server(t)
	token := f.Invitations[0].Token

	t.Run("OK", func(t *testing.T) {
		res := webtest.NewClient(t, srv).Get("/s/" + token)
		if res.Code != http.StatusOK {
			t.Fatalf("got status %d, want 200", res.Code)
		}
		for _, want := range []string{
			`<html lang="da">`,
			"Resultater vises kun for grupper med mindst 5 svar.",
			"Det tager cirka 8 minutter at svare.",
			"Ingen – hverken HR, din leder eller MED-udvalget – kan se dine svar.",
			`class="skip-link" href="#main"`,
			`name="action" value="lang:en"`,
			`name="csrf_token"`,
			f.Questionnaire.Title("da"),
		} {
			if !strings.Contains(res.Body, want) {
				t.Errorf("page lacks %q", want)
			}
		}
		if got := res.Header.Get("Content-Type"); got != "text/html; charset=utf-8" {
			t.Errorf("got Content-Type %q, want text/html; charset=utf-8", got)
		}
		var scored int
		for _, it := range f.Questionnaire.Items {
			if it.Type == survey.Text {
				if !strings.Contains(res.Body, `<label for="a_`+it.Key+`">`) {
					t.Errorf("text item %s has no label", it.Key)
				}
				continue
			}
			scored++
			if !strings.Contains(res.Body, `<fieldset class="item" id="item-`+it.Key+`">`) {
				t.Errorf("item %s has no fieldset", it.Key)
			}
			if !strings.Contains(res.Body, `name="a_`+it.Key+`" value="0"`) {
				t.Errorf("item %s has no don't-know choice", it.Key)
			}
		}
		if got := strings.Count(res.Body, "<legend>"); got != scored {
			t.Errorf("got %d legends, want %d", got, scored)
		}
		if got, want := strings.Count(res.Body, "Ved ikke / ikke relevant"), scored; got < want {
			t.Errorf("got %d don't-know choices, want at least %d", got, want)
		}
		if got, want := strings.Count(res.Body, "<h2 id=\"section-"), len(f.Questionnaire.Sections); got != want {
			t.Errorf("got %d section headings, want %d", got, want)
		}
	})

	t.Run("English", func(t *testing.T) {
		c := webtest.NewClient(t, srv)
		res := c.Get("/s/" + token + "?lang=en")
		if res.Code != http.StatusOK {
			t.Fatalf("got status %d, want 200", res.Code)
		}
		for _, want := range []string{`<html lang="en">`, "Results are shown only for groups with at least 5 answers.", "Don&#39;t know / not relevant", f.Questionnaire.Title("en")} {
			if !strings.Contains(res.Body, want) {
				t.Errorf("page lacks %q", want)
			}
		}
		if got := c.Cookie("tillid_lang"); got != "en" {
			t.Errorf("got language cookie %q, want en", got)
		}
		// The cookie keeps the choice on the next page.
		if res := c.Get("/kode"); !strings.Contains(res.Body, `<html lang="en">`) {
			t.Errorf("language not remembered: got %q", res.Body[:min(len(res.Body), 80)])
		}
	})

	t.Run("ErrNotFound", func(t *testing.T) {
		res := webtest.NewClient(t, srv).Get("/s/AAAAAAAAAAAAAAAAAAAAAA")
		if res.Code != http.StatusNotFound {
			t.Fatalf("got status %d, want 404", res.Code)
		}
		if !strings.Contains(res.Body, "Invitationen findes ikke") {
			t.Errorf("404 page lacks its heading")
		}
	})
}

func TestSurveySubmit(t *testing.T) {
	f := webtest.New(t, 3)
	srv, _ := f.Server(t)
	q := f.Questionnaire

	t.Run("OK", func(t *testing.T) {
		path := "/s/" + f.Invitations[0].Token
		c := webtest.NewClient(t, srv)
		c.Get(path)
		form := webtest.CompleteForm(q)
		form.Set("action", "submit")
		form.Set("lang", "da")
		form.Set("unknown_field", "ignored")
		res := c.Post(path, form)
		if res.Code != http.StatusSeeOther {
			t.Fatalf("got status %d, want 303: %s", res.Code, res.Body)
		}
		if got, want := res.Location(), "/tak?lang=da"; got != want {
			t.Fatalf("got Location %q, want %q", got, want)
		}
		if got := f.Count(t, "responses"); got != 1 {
			t.Fatalf("got %d responses, want 1", got)
		}
		var scored, text int
		for _, it := range q.Items {
			if it.Type == survey.Text {
				text++
			} else {
				scored++
			}
		}
		if got := f.Count(t, "answers"); got != scored {
			t.Errorf("got %d answers, want %d", got, scored)
		}
		if got := f.Count(t, "comments"); got != text {
			t.Errorf("got %d comments, want %d", got, text)
		}
		if res := c.Get(res.Location()); res.Code != http.StatusOK || !strings.Contains(res.Body, "Tak for dine svar") {
			t.Errorf("got thank-you page %d, want 200 with Tak for dine svar", res.Code)
		}

		t.Run("ErrAlreadyAnswered", func(t *testing.T) {
			res := c.Post(path, form) // a double click or the back button
			if res.Code != http.StatusOK {
				t.Fatalf("got status %d, want 200", res.Code)
			}
			if !strings.Contains(res.Body, "Du har allerede svaret") {
				t.Errorf("resubmit did not show the already-answered page")
			}
			if res := c.Get(path); res.Code != http.StatusOK || !strings.Contains(res.Body, "Du har allerede svaret") {
				t.Errorf("got %d on a used link, want 200 already-answered page", res.Code)
			}
			if got := f.Count(t, "responses"); got != 1 {
				t.Fatalf("got %d responses, want 1", got)
			}
		})
	})

	t.Run("ErrRequired", func(t *testing.T) {
		path := "/s/" + f.Invitations[1].Token
		c := webtest.NewClient(t, srv)
		c.Get(path)
		form := formValues(f, 2, "4")
		form.Set("a_"+q.Items[len(q.Items)-1].Key, "kommentar <b>bevaret</b>")
		form.Set("action", "submit")
		res := c.Post(path, form)
		if res.Code != http.StatusUnprocessableEntity {
			t.Fatalf("got status %d, want 422", res.Code)
		}
		if !strings.Contains(res.Body, `role="alert"`) || !strings.Contains(res.Body, `<h2 id="error-summary-title" tabindex="-1" autofocus>`) {
			t.Errorf("page lacks the focusable error summary")
		}
		for key := range form {
			if !strings.HasPrefix(key, "a_") || form.Get(key) != "4" {
				continue
			}
			if !strings.Contains(res.Body, `name="`+key+`" value="4" checked`) {
				t.Errorf("answer %s=4 not kept", key)
			}
		}
		if !strings.Contains(res.Body, "kommentar &lt;b&gt;bevaret&lt;/b&gt;</textarea>") {
			t.Errorf("comment not kept (escaped)")
		}
		for _, key := range requiredItems(q) {
			if form.Get("a_"+key) != "" {
				continue
			}
			for _, want := range []string{
				`<a href="#item-` + key + `">`,
				`id="item-` + key + `" aria-invalid="true" aria-describedby="err-` + key + `"`,
				`id="err-` + key + `"`,
			} {
				if !strings.Contains(res.Body, want) {
					t.Errorf("missing required item %s: page lacks %q", key, want)
				}
			}
		}
		if got := f.Count(t, "responses"); got != 1 {
			t.Fatalf("got %d responses, want 1 (from OK only)", got)
		}
	})

	t.Run("ErrInvalidValue", func(t *testing.T) {
		path := "/s/" + f.Invitations[1].Token
		c := webtest.NewClient(t, srv)
		c.Get(path)
		form := webtest.CompleteForm(q)
		key := requiredItems(q)[0]
		form.Set("a_"+key, "9")
		res := c.Post(path, form)
		if res.Code != http.StatusUnprocessableEntity {
			t.Fatalf("got status %d, want 422", res.Code)
		}
		if !strings.Contains(res.Body, `<a href="#item-`+key+`">`) {
			t.Errorf("invalid value of %s not listed", key)
		}
	})

	t.Run("LanguageSwitch", func(t *testing.T) {
		path := "/s/" + f.Invitations[1].Token
		c := webtest.NewClient(t, srv)
		c.Get(path)
		form := formValues(f, 3, "2")
		form.Set("action", "lang:en")
		form.Set("lang", "da")
		res := c.Post(path, form)
		if res.Code != http.StatusOK {
			t.Fatalf("got status %d, want 200", res.Code)
		}
		if !strings.Contains(res.Body, `<html lang="en">`) || !strings.Contains(res.Body, `name="action" value="lang:da"`) {
			t.Errorf("form not shown in English")
		}
		if strings.Contains(res.Body, `role="alert"`) {
			t.Errorf("switching language showed errors")
		}
		kept := regexp.MustCompile(`value="2" checked`).FindAllString(res.Body, -1)
		if len(kept) != 3 {
			t.Errorf("got %d answers kept, want 3", len(kept))
		}
		if got := c.Cookie("tillid_lang"); got != "en" {
			t.Errorf("got language cookie %q, want en", got)
		}
		if got := f.Count(t, "responses"); got != 1 {
			t.Fatalf("got %d responses, want 1", got)
		}
		// Submitting in English stores the English language.
		full := webtest.CompleteForm(q)
		full.Set("lang", "en")
		if res := c.Post(path, full); res.Code != http.StatusSeeOther || res.Location() != "/tak?lang=en" {
			t.Fatalf("got %d %q, want 303 /tak?lang=en", res.Code, res.Location())
		}
		var n int
		if err := f.DB.Get(&n, "SELECT COUNT(*) FROM responses WHERE lang = 'en'"); err != nil || n != 1 {
			t.Errorf("got %d English responses (%v), want 1", n, err)
		}
	})

	t.Run("CommentCapped", func(t *testing.T) {
		path := "/s/" + f.Invitations[2].Token
		c := webtest.NewClient(t, srv)
		c.Get(path)
		form := webtest.CompleteForm(q)
		var textKey string
		for _, it := range q.Items {
			if it.Type == survey.Text {
				textKey = it.Key
			}
		}
		form.Set("a_"+textKey, "  "+strings.Repeat("æ", survey.MaxCommentLen+100)+"  ")
		if res := c.Post(path, form); res.Code != http.StatusSeeOther {
			t.Fatalf("got status %d, want 303", res.Code)
		}
		var body string
		if err := f.DB.Get(&body, "SELECT body FROM comments c JOIN responses r ON r.id = c.response_id WHERE r.lang = 'da' AND length(body) > 100"); err != nil {
			t.Fatal(err)
		}
		if got := utf8.RuneCountInString(body); got != survey.MaxCommentLen {
			t.Errorf("got a comment of %d characters, want %d", got, survey.MaxCommentLen)
		}
	})
}

func TestSurveyRoundStatus(t *testing.T) {
	f := webtest.New(t, 0)
	srv, _ := f.Server(t)
	draft, draftInv := f.NewRound(t, survey.RoundDraft, 1)
	_, closedInv := f.NewRound(t, survey.RoundClosed, 1)

	t.Run("ErrNotOpen", func(t *testing.T) {
		res := webtest.NewClient(t, srv).Get("/s/" + draftInv[0].Token)
		if res.Code != http.StatusForbidden {
			t.Fatalf("got status %d, want 403", res.Code)
		}
		d := draft.OpensOn
		want := fmt.Sprintf("åbner %d. ", d.Day())
		if !strings.Contains(res.Body, want) || !strings.Contains(res.Body, strconv.Itoa(d.Year())) {
			t.Errorf("403 page lacks the opening date %q", want)
		}
	})
	t.Run("ErrClosed", func(t *testing.T) {
		c := webtest.NewClient(t, srv)
		res := c.Get("/s/" + closedInv[0].Token + "?lang=en")
		if res.Code != http.StatusGone {
			t.Fatalf("got status %d, want 410", res.Code)
		}
		if !strings.Contains(res.Body, "The survey is closed") {
			t.Errorf("410 page lacks its English heading")
		}
		c.Get("/kode") // a page with a CSRF token
		form := webtest.CompleteForm(f.Questionnaire)
		if res := c.Post("/s/"+closedInv[0].Token, form); res.Code != http.StatusGone {
			t.Errorf("got status %d on POST, want 410", res.Code)
		}
		if got := f.Count(t, "responses"); got != 0 {
			t.Errorf("got %d responses, want 0", got)
		}
	})
}

func TestKode(t *testing.T) {
	f := webtest.New(t, 1)
	srv, logs := f.Server(t)
	code := f.Invitations[0].Code

	t.Run("OK", func(t *testing.T) {
		c := webtest.NewClient(t, srv)
		if res := c.Get("/kode"); res.Code != http.StatusOK || !strings.Contains(res.Body, `<label for="code">`) {
			t.Fatalf("got %d, want 200 with a labelled code field", res.Code)
		}
		typed := " " + strings.ToLower(strings.ReplaceAll(code, "-", " ")) + " "
		res := c.Post("/kode", url.Values{"code": {typed}, "lang": {"da"}})
		if res.Code != http.StatusSeeOther {
			t.Fatalf("got status %d, want 303", res.Code)
		}
		want := "/s/" + strings.ToUpper(strings.ReplaceAll(code, "-", "")) + "?lang=da"
		if got := res.Location(); got != want {
			t.Fatalf("got Location %q, want %q", got, want)
		}
		if res := c.Get(res.Location()); res.Code != http.StatusOK || !strings.Contains(res.Body, `<form id="answers"`) {
			t.Fatalf("got %d following the code, want 200 with the form", res.Code)
		}
	})
	t.Run("ErrUnknownCode", func(t *testing.T) {
		c := webtest.NewClient(t, srv)
		c.Get("/kode")
		res := c.Post("/kode", url.Values{"code": {"ZZZZ-ZZZZ-ZZ"}})
		if res.Code != http.StatusNotFound {
			t.Fatalf("got status %d, want 404", res.Code)
		}
		if !strings.Contains(res.Body, "Vi kender ikke den kode") || !strings.Contains(res.Body, `aria-invalid="true"`) {
			t.Errorf("404 code page lacks its error")
		}
		if res := c.Post("/kode", url.Values{"code": {"  "}}); res.Code != http.StatusUnprocessableEntity {
			t.Errorf("got status %d for an empty code, want 422", res.Code)
		}
	})
	t.Run("ErrTooManyAttempts", func(t *testing.T) {
		c := webtest.NewClient(t, srv)
		c.Get("/kode")
		var last int
		for range 25 {
			last = c.Post("/kode", url.Values{"code": {"ZZZZ-ZZZZ-ZZ"}}).Code
		}
		if last != http.StatusTooManyRequests {
			t.Fatalf("got status %d after 25 wrong codes, want 429", last)
		}
		// The right code is refused too while the client is blocked, and
		// invitation links guessed from the same address are blocked.
		if got := c.Post("/kode", url.Values{"code": {code}}).Code; got != http.StatusTooManyRequests {
			t.Errorf("got status %d for a right code while blocked, want 429", got)
		}
		if got := c.Get("/s/" + f.Invitations[0].Token).Code; got != http.StatusTooManyRequests {
			t.Errorf("got status %d for a link while blocked, want 429", got)
		}
	})
	if strings.Contains(logs.String(), code) || strings.Contains(logs.String(), strings.ReplaceAll(code, "-", "")) {
		t.Errorf("log contains the code")
	}
}

func TestCSRF(t *testing.T) {
	f := webtest.New(t, 1)
	srv, _ := f.Server(t)
	path := "/s/" + f.Invitations[0].Token

	t.Run("ErrNoToken", func(t *testing.T) {
		c := webtest.NewClient(t, srv)
		c.Get(path)
		form := webtest.CompleteForm(f.Questionnaire)
		form.Set("csrf_token", "")
		form.Set("lang", "en")
		res := c.Post(path, form)
		if res.Code != http.StatusForbidden {
			t.Fatalf("got status %d, want 403", res.Code)
		}
		for _, want := range []string{"The page has expired", `href="` + path + `"`, "Try again"} {
			if !strings.Contains(res.Body, want) {
				t.Errorf("403 page lacks %q", want)
			}
		}
		if got := f.Count(t, "responses"); got != 0 {
			t.Fatalf("got %d responses, want 0", got)
		}
		if res := c.Get(path); !strings.Contains(res.Body, `<form id="answers"`) {
			t.Errorf("invitation no longer answerable after a CSRF failure")
		}
	})
	t.Run("ErrNoCookie", func(t *testing.T) {
		// A token from another visitor's page without its cookie.
		c := webtest.NewClient(t, srv)
		c.Get(path)
		form := webtest.CompleteForm(f.Questionnaire)
		res := webtest.NewClient(t, srv).Post(path, form)
		if res.Code != http.StatusForbidden {
			t.Fatalf("got status %d, want 403", res.Code)
		}
		if got := f.Count(t, "responses"); got != 0 {
			t.Fatalf("got %d responses, want 0", got)
		}
	})
	t.Run("Cookies", func(t *testing.T) {
		res := webtest.NewClient(t, srv).Get(path)
		sc := strings.Join(res.Header.Values("Set-Cookie"), "\n")
		for _, want := range []string{"tillid_csrf=", "HttpOnly", "SameSite=Lax"} {
			if !strings.Contains(sc, want) {
				t.Errorf("Set-Cookie %q lacks %q", sc, want)
			}
		}
		if got := res.Header.Get("Referrer-Policy"); got != "same-origin" {
			t.Errorf("got Referrer-Policy %q, want same-origin", got)
		}
	})
}

func TestSurveyLogsNoSecrets(t *testing.T) {
	f := webtest.New(t, 2)
	srv, logs := f.Server(t)
	inv := f.Invitations[0]
	c := webtest.NewClient(t, srv)
	c.Get("/s/" + inv.Token)
	c.Post("/s/"+inv.Token, formValues(f, 1, "3"))
	c.Post("/s/"+inv.Token, webtest.CompleteForm(f.Questionnaire))
	c.Post("/s/"+inv.Token, webtest.CompleteForm(f.Questionnaire))
	c.Get("/kode")
	c.Post("/kode", url.Values{"code": {f.Invitations[1].Code}})
	c.Get("/s/" + f.Invitations[1].Code)

	out := logs.String()
	if !strings.Contains(out, "/s/REDACTED") {
		t.Fatalf("got log %q, want requests logged with a redacted path", out)
	}
	for _, secret := range []string{inv.Token, f.Invitations[1].Code, strings.ReplaceAll(f.Invitations[1].Code, "-", "")} {
		if strings.Contains(out, secret) {
			t.Errorf("log contains a secret: %s", out)
		}
	}
}
