package web

import (
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/tillid/tillid/survey"
)

// FuzzParseAnswers posts arbitrary form bodies to the form decoder: the
// submission it builds holds only known items, each once, with valid
// values and clean comments; every other answer is a problem of its
// item; it never panics.
func FuzzParseAnswers(f *testing.F) {
	q, err := survey.ParseQuestionnaire(survey.DefaultQuestionnaire())
	if err != nil {
		f.Fatal(err)
	}
	byKey := map[string]survey.Item{}
	for i := range q.Items {
		q.Items[i].ID = int64(i + 1)
		byKey[q.Items[i].Key] = q.Items[i]
	}
	full := url.Values{"lang": {"da"}, "action": {"submit"}, "csrf_token": {"abc"}}
	for _, it := range q.Items {
		if it.Type == survey.Text {
			full.Set(answerField(it.Key), "Godt samarbejde – æøå ÆØÅ")
		} else {
			full.Set(answerField(it.Key), "1")
		}
	}
	first := answerField(q.Items[0].Key)
	for _, s := range []string{
		full.Encode(),
		"",
		first + "=9&" + first + "=1",
		first + "=-1&" + first + "=%20%202%20",
		first + "=1e1&a_unknown=3&a_=&=&&&",
		first + "=%ZZ&" + first + "=0x1",
		first + "=99999999999999999999999",
		"a_comment=" + strings.Repeat("%C3%A6", 6000),
		"a_comment=%FF%FE%00ab%E6%F8%E5", // Windows-1252 æøå, a NUL
		"a_comment=+++%0D%0A+++",
		strings.ReplaceAll(full.Encode(), "&", ";"),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		form, _ := url.ParseQuery(body) // a browser's bad pairs are dropped, as net/http does
		a := parseAnswers(form, q)
		seen := map[int64]bool{}
		for _, ans := range a.sub.Answers {
			it, ok := q.ItemByID(ans.ItemID)
			if !ok || it.Type == survey.Text || seen[ans.ItemID] || !survey.ValidValue(it.Type, ans.Value) {
				t.Fatalf("got answer %+v, want a known scored item, once, with a valid value", ans)
			}
			seen[ans.ItemID] = true
		}
		for _, c := range a.sub.Comments {
			it, ok := q.ItemByID(c.ItemID)
			if !ok || it.Type != survey.Text || seen[c.ItemID] || c.Body == "" || c.Body != strings.TrimSpace(c.Body) ||
				!utf8.ValidString(c.Body) || utf8.RuneCountInString(c.Body) > survey.MaxCommentLen {
				t.Fatalf("got comment on item %d of %d characters, want a known text item, once, trimmed valid UTF-8 of 1..%d characters",
					c.ItemID, utf8.RuneCountInString(c.Body), survey.MaxCommentLen)
			}
			seen[c.ItemID] = true
		}
		for key := range a.problems {
			if _, ok := byKey[key]; !ok {
				t.Fatalf("got a problem for %q, want problems of known items only", key)
			}
		}
		for _, it := range q.Items {
			if it.Required && !seen[it.ID] && a.problems[it.Key] == "" {
				t.Errorf("required item %s: neither answered nor a problem", it.Key)
			}
			if seen[it.ID] && a.problems[it.Key] != "" {
				t.Errorf("item %s: both answered and a problem", it.Key)
			}
		}
	})
}
