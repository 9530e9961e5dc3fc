package web

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/tillid/tillid/survey"
)

func TestCatalogs(t *testing.T) {
	t.Run("SameKeys", func(t *testing.T) {
		for _, lang := range langs {
			for key, msg := range catalogs[lang] {
				if strings.TrimSpace(msg) == "" {
					t.Errorf("%s: %q is empty", lang, key)
				}
				for _, other := range langs {
					if _, ok := catalogs[other][key]; !ok {
						t.Errorf("key %q is in %s but not in %s", key, lang, other)
					}
				}
			}
		}
	})
	t.Run("SameVerbs", func(t *testing.T) {
		verbs := regexp.MustCompile(`%[a-z]`)
		for key, da := range catalogs[langDA] {
			if got, want := strings.Join(verbs.FindAllString(catalogs[langEN][key], -1), ""), strings.Join(verbs.FindAllString(da, -1), ""); got != want {
				t.Errorf("%q: got verbs %q in English, want %q as in Danish", key, got, want)
			}
		}
	})
	t.Run("UsedKeysExist", func(t *testing.T) {
		// Every literal key in a template (t "key", tf "key") and in the
		// Go code (translate(lang, "key"), tprintf(lang, "key"),
		// renderKode's problem and answers' problems) must exist.
		uses := map[string]*regexp.Regexp{
			".html": regexp.MustCompile(`\{\{-? ?(?:t|tf) "([a-z_.]+)"`),
			".go":   regexp.MustCompile(`(?:translate|tprintf)\(\w+, "([a-z_.]+)"|"((?:errors|kode)\.[a-z_]+)"`),
		}
		found := 0
		err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
			re := uses[filepath.Ext(path)]
			if err != nil || d.IsDir() || re == nil || strings.HasSuffix(path, "_test.go") {
				return err
			}
			src, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			for _, m := range re.FindAllStringSubmatch(string(src), -1) {
				key := strings.Join(m[1:], "")
				if strings.HasSuffix(key, ".html") {
					continue // a page name, not a message
				}
				found++
				if _, ok := catalogs[langDA][key]; !ok {
					t.Errorf("%s uses unknown message key %q", path, key)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if found < 40 {
			t.Fatalf("got %d message uses, want the scan to find at least 40", found)
		}
	})
}

func TestLoadTemplates(t *testing.T) {
	ts, err := loadTemplates()
	if err != nil {
		t.Fatal(err)
	}
	for _, page := range pageNames {
		for _, lang := range langs {
			if ts[page][lang] == nil || ts[page][lang].Lookup("layout") == nil || ts[page][lang].Lookup("content") == nil {
				t.Errorf("page %s in %s: got no layout/content template", page, lang)
			}
		}
	}
}

func TestFormatDate(t *testing.T) {
	d := survey.Date{Time: time.Date(2026, time.March, 1, 0, 0, 0, 0, time.UTC)}
	for lang, want := range map[string]string{langDA: "1. marts 2026", langEN: "1 March 2026"} {
		if got := formatDate(lang, d); got != want {
			t.Errorf("%s: got %q, want %q", lang, got, want)
		}
	}
}

func TestLimiter(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	l := newLimiter(3, time.Minute)
	l.now = func() time.Time { return now }
	if l.blocked("a") {
		t.Fatalf("got a new client blocked, want not")
	}
	for i := range 3 {
		if !l.allow("a") {
			t.Fatalf("attempt %d refused, want allowed within the burst", i+1)
		}
	}
	if l.allow("a") || !l.blocked("a") {
		t.Fatalf("got a 4th attempt allowed, want refused")
	}
	if !l.allow("b") {
		t.Fatalf("got another client refused, want allowed")
	}
	now = now.Add(time.Minute)
	if !l.allow("a") || l.allow("a") {
		t.Fatalf("got wrong refill: want exactly one attempt after one interval")
	}
}
