package main

import (
	"context"
	"fmt"

	"github.com/tillid/tillid/metrics"
)

// runImportAbsence imports monthly sickness absence from a CSV or XLSX
// file: tillid import absence FILE [--dry-run].
func (m *Main) runImportAbsence(ctx context.Context, args []string) error {
	rows, dryRun, err := readImport(ctx, m, "absence", "FILE is CSV or XLSX with the columns unit_code, month (YYYY-MM), absence_days,\n"+
		"possible_days and optionally fte and category (egen sygdom | arbejdsskade).", args, metrics.ParseAbsence)
	if err != nil {
		return err
	}
	var res metrics.AbsenceImportResult
	if dryRun {
		res, err = m.Metrics.PlanAbsenceImport(ctx, rows)
	} else {
		res, err = m.Metrics.ImportAbsence(ctx, rows)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "absence: %s %d rows for %d units, %s to %s: %d added, %d replaced, %d unchanged\n",
		importVerb(dryRun), res.Rows, res.Units, res.From, res.To, res.Added, res.Replaced, res.Unchanged)
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
