package main

import (
	"context"
	"fmt"
	"os"

	"github.com/tillid/tillid/metrics"
)

// runImportAbsence imports monthly sickness absence from a CSV or XLSX
// file: tillid import absence FILE [--dry-run].
func runImportAbsence(ctx context.Context, m *Main, args []string) error {
	fs := m.flagSet("import absence")
	dryRun := fs.Bool("dry-run", false, "check the file and print what would change, changing nothing")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: tillid import absence FILE [--dry-run] [--db DSN]\n\n"+
			"FILE is CSV or XLSX with the columns unit_code, month (YYYY-MM), absence_days,\n"+
			"possible_days and optionally fte and category (egen sygdom | arbejdsskade).")
		fs.PrintDefaults()
	}
	files, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(files) != 1 {
		fs.Usage()
		return fmt.Errorf("import absence: want one FILE")
	}
	f, err := os.Open(files[0])
	if err != nil {
		return fmt.Errorf("import absence: %w", err)
	}
	defer f.Close()
	rows, err := metrics.ParseAbsence(f, files[0])
	if err != nil {
		return err
	}
	if err := m.openStore(ctx); err != nil {
		return err
	}
	var res metrics.AbsenceImportResult
	if *dryRun {
		res, err = m.Metrics.PlanAbsenceImport(ctx, rows)
	} else {
		res, err = m.Metrics.ImportAbsence(ctx, rows)
	}
	if err != nil {
		return err
	}
	verb := "imported"
	if *dryRun {
		verb = "would import (dry run, nothing changed)"
	}
	fmt.Fprintf(m.Stdout, "absence: %s %d rows for %d units, %s to %s: %d added, %d replaced, %d unchanged\n",
		verb, res.Rows, res.Units, res.From, res.To, res.Added, res.Replaced, res.Unchanged)
	const shown = 20
	for i, c := range res.Changes {
		if i == shown {
			fmt.Fprintf(m.Stdout, "  … and %d more replaced rows\n", len(res.Changes)-shown)
			break
		}
		fmt.Fprintf(m.Stdout, "  line %d: %s %s %s: %g/%g days → %g/%g days\n", c.Row.Line, c.Row.UnitCode, c.Row.Month,
			c.Row.Category, c.Old.AbsenceDays, c.Old.PossibleDays, c.Row.AbsenceDays, c.Row.PossibleDays)
	}
	return nil
}
