package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tillid/tillid/survey"
	"github.com/tillid/tillid/survey/surveytest"
)

// runQuestionnaireCmd runs tillid questionnaire args and returns its output.
func runQuestionnaireCmd(t *testing.T, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errOut bytes.Buffer
	m := &Main{Stdout: &out, Stderr: &errOut}
	defer m.Close()
	err = m.runQuestionnaire(context.Background(), args)
	return out.String(), errOut.String(), err
}

// writeQuestionnaireFile writes data to a file in t's temporary folder.
func writeQuestionnaireFile(t *testing.T, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestRunQuestionnaire(t *testing.T) {
	def := writeQuestionnaireFile(t, "default.yaml", survey.DefaultQuestionnaire())
	t.Run("Default", func(t *testing.T) {
		out, _, err := runQuestionnaireCmd(t, "default")
		if err != nil {
			t.Fatal(err)
		}
		if got, want := out, string(survey.DefaultQuestionnaire()); got != want {
			t.Errorf("got %d bytes, want the %d bytes of the default", len(got), len(want))
		}
	})
	t.Run("Validate", func(t *testing.T) {
		out, _, err := runQuestionnaireCmd(t, "validate", def)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(out, "ok: ") || !strings.HasSuffix(out, " items, 9 dimensions\n") {
			t.Errorf("got %q, want ok: N items, 9 dimensions", out)
		}
	})
	t.Run("ErrValidate", func(t *testing.T) {
		bad := strings.Replace(string(survey.DefaultQuestionnaire()), "type: likert5", "type: likret5", 1)
		bad = strings.Replace(bad, "required: true", "requird: true", 1)
		path := writeQuestionnaireFile(t, "bad.yaml", []byte(bad))
		out, errOut, err := runQuestionnaireCmd(t, "validate", path)
		if !errors.Is(err, survey.ErrInvalid) {
			t.Fatalf("got %v, want ErrInvalid", err)
		}
		lines := strings.Split(strings.TrimSpace(errOut), "\n")
		if out != "" || len(lines) != 2 {
			t.Fatalf("got stdout %q, stderr %q; want two problems on stderr", out, errOut)
		}
		if want := path + ":"; !strings.HasPrefix(lines[0], want) || !strings.Contains(lines[0], `items[vt1].type: "likret5": unknown type`) {
			t.Errorf("got %q, want %sLINE: items[vt1].type: …", lines[0], want)
		}
	})
	t.Run("Import", func(t *testing.T) {
		dsn := surveytest.DSN(t)
		for _, want := range []string{"version 1", "version 2"} {
			out, _, err := runQuestionnaireCmd(t, "import", def, "--db", dsn)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(out, "imported tillid-standard "+want+" (id ") {
				t.Errorf("got %q, want imported tillid-standard %s (id …", out, want)
			}
		}
	})
	t.Run("ErrUsage", func(t *testing.T) {
		for _, args := range [][]string{nil, {"validate"}, {"import", "a", "b"}, {"remove", def}, {"default", def}} {
			if _, _, err := runQuestionnaireCmd(t, args...); err == nil || !strings.Contains(err.Error(), "want validate FILE") {
				t.Errorf("%v: got %v, want a usage error", args, err)
			}
		}
	})
}
