package survey_test

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/tillid/tillid/survey"
)

// FuzzParseQuestionnaire feeds the questionnaire parser real-looking and
// broken YAML: it must return a valid questionnaire or ImportErrors that
// name a line, and never panic.
func FuzzParseQuestionnaire(f *testing.F) {
	def := survey.DefaultQuestionnaire()
	f.Add(def)
	f.Add(append([]byte("\uFEFF"), def...))
	f.Add(bytes.ReplaceAll(def, []byte("\n"), []byte("\r\n")))
	f.Add(bytes.Replace(def, []byte("likert5"), []byte("likert7"), 1))
	f.Add(bytes.Replace(def, []byte("  "), []byte("\t"), 3))
	f.Add(def[:len(def)/2])
	f.Add([]byte("key: trivsel\ntitle: {da: " + strings.Repeat("x", 10_000) + ", en: x}\n")) // a huge field
	f.Add([]byte{})
	f.Add([]byte("key: a\nkey: b\n---\nkey: c\n"))
	f.Add([]byte("a: &x 1\nb: *x\n"))
	f.Add([]byte("key: trivsel\ntitle: {da: Tr\xe6f, en: x}\n")) // Windows-1252 æ
	f.Fuzz(func(t *testing.T, data []byte) {
		defer watchdog(data)()
		q, err := survey.ParseQuestionnaire(data)
		if err != nil {
			checkImportError(t, err)
			return
		}
		if q == nil || len(q.Items) == 0 {
			t.Fatalf("got %v with no error, want a questionnaire with items", q)
		}
		n := 0
		for _, s := range q.Sections {
			n += len(s.Items)
		}
		if n != len(q.Items) {
			t.Errorf("got %d items in sections, want %d", n, len(q.Items))
		}
		for i, it := range q.Items {
			if !it.Type.Valid() || it.Key == "" || it.Position != i+1 {
				t.Errorf("item %d: got %+v, want a valid type, a key and position %d", i, it, i+1)
			}
		}
	})
}

// watchdog crashes the fuzzing process when one input takes longer than
// hangAfter, so that the fuzzer records it (a hang is a bug too: a file
// upload must not tie up the server); call the returned func when done.
func watchdog(data []byte) (stop func()) {
	t := time.AfterFunc(hangAfter, func() {
		panic(fmt.Sprintf("input of %d bytes still running after %s: %q", len(data), hangAfter, data[:min(len(data), 300)]))
	})
	return func() { t.Stop() }
}

// hangAfter is how long one fuzz input may take.
const hangAfter = 5 * time.Second

// checkImportError fails unless err is a clean refusal: it wraps
// ErrInvalid, and every problem it lists names its line.
func checkImportError(t *testing.T, err error) {
	t.Helper()
	if !errors.Is(err, survey.ErrInvalid) {
		t.Fatalf("got %v, want an error wrapping ErrInvalid", err)
	}
	var errs survey.ImportErrors
	if !errors.As(err, &errs) {
		return // a whole-file problem (size, format) with no line to name
	}
	if len(errs) == 0 {
		t.Fatalf("got empty ImportErrors, want at least one problem")
	}
	for _, e := range errs {
		if e.Line < 1 && !wholeFile(e) {
			t.Errorf("got %q, want a problem that names its line", e.Error())
		}
	}
}

// wholeFile reports whether e is about the file as a whole (its format
// or character set), where no line can be named.
func wholeFile(e survey.LineError) bool {
	return e.Column == "" && e.Value == "" && (strings.Contains(e.Msg, "XLSX") || strings.Contains(e.Msg, "UTF-8"))
}
