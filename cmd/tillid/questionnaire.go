package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/tillid/tillid/survey"
)

const questionnaireUsage = `usage: tillid questionnaire validate|import|default [FILE] [--db DSN]

  validate FILE   check a questionnaire file and print every problem with its line
  import FILE     check it and store it as the next version of its key
  default         print the built-in questionnaire, a starting point for your own

The file format is described in survey/questionnaires/README.md.`

// runQuestionnaire validates, imports or prints questionnaire files:
// tillid questionnaire validate FILE | import FILE | default.
func (m *Main) runQuestionnaire(ctx context.Context, args []string) error {
	fs := m.flagSet("questionnaire")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), questionnaireUsage)
		fs.PrintDefaults()
	}
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	action, files := "", []string(nil)
	if len(pos) > 0 {
		action, files = pos[0], pos[1:]
	}
	switch {
	case action == "default" && len(files) == 0:
		_, err := m.Stdout.Write(survey.DefaultQuestionnaire())
		return err
	case action != "validate" && action != "import" || len(files) != 1:
		fs.Usage()
		return fmt.Errorf("questionnaire: want validate FILE, import FILE or default")
	}
	q, source, err := readQuestionnaire(m, files[0])
	if err != nil {
		return err
	}
	if action == "validate" {
		fmt.Fprintf(m.Stdout, "ok: %d items, %d dimensions\n", len(q.Items), len(q.Dimensions))
		return nil
	}
	if err := m.openStore(ctx); err != nil {
		return err
	}
	if err := m.Store.CreateQuestionnaire(ctx, q, source); err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "imported %s version %d (id %d): %d items, %d dimensions\n",
		q.Key, q.Version, q.ID, len(q.Items), len(q.Dimensions))
	return nil
}

// readQuestionnaire reads and parses a questionnaire file; its problems go
// to m.Stderr one per line as FILE:LINE: …, and the error counts them.
func readQuestionnaire(m *Main, path string) (*survey.Questionnaire, []byte, error) {
	source, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, fmt.Errorf("questionnaire: %w", err)
	}
	q, err := survey.ParseQuestionnaire(source)
	var problems survey.ImportErrors
	if errors.As(err, &problems) {
		for _, p := range problems {
			line := p.Line
			p.Line = 0
			fmt.Fprintf(m.Stderr, "%s:%d: %v\n", path, line, p)
		}
		return nil, nil, fmt.Errorf("questionnaire: %s: %d problem(s), nothing imported: %w", path, len(problems), survey.ErrInvalid)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("questionnaire: %s: %w", path, err)
	}
	return q, source, nil
}
