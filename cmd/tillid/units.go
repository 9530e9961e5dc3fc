package main

import (
	"context"
	"fmt"
	"io"

	"github.com/tillid/tillid/survey"
)

// runImportUnits imports the organisation tree from a CSV or XLSX file:
// tillid import units FILE [--dry-run].
func (m *Main) runImportUnits(ctx context.Context, args []string) error {
	rows, dryRun, err := readImport(ctx, m, "units", "FILE is CSV (',' or ';') or XLSX with the columns code, name, parent_code\n"+
		"(empty for the root). Known codes are renamed and moved; no unit is deleted.", args,
		func(r io.Reader, _ string) ([]survey.UnitRow, error) { return survey.ParseUnitsCSV(r) })
	if err != nil {
		return err
	}
	var res survey.UnitImportResult
	if dryRun {
		res, err = m.Store.PlanUnitImport(ctx, rows)
	} else {
		res, err = m.Store.ImportUnits(ctx, rows)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "units: %s %d rows: %d created, %d renamed, %d moved, %d unchanged\n",
		importVerb(dryRun), len(rows), res.Created, res.Renamed, res.Moved, res.Unchanged)
	for _, c := range res.Changes {
		switch {
		case c.Created:
			fmt.Fprintf(m.Stdout, "  line %d: + %s %q under %s\n", c.Line, c.Code, c.Name, orRoot(c.ParentCode))
		case c.Renamed || c.Moved:
			fmt.Fprintf(m.Stdout, "  line %d: ~ %s", c.Line, c.Code)
			if c.Renamed {
				fmt.Fprintf(m.Stdout, " renamed %q → %q", c.OldName, c.Name)
			}
			if c.Moved {
				fmt.Fprintf(m.Stdout, " moved %s → %s", orRoot(c.OldParentCode), orRoot(c.ParentCode))
			}
			fmt.Fprintln(m.Stdout)
		}
	}
	for _, u := range res.Missing {
		fmt.Fprintf(m.Stdout, "  not in the file, kept open: %s %q\n", u.Code, u.Name)
	}
	return nil
}

// orRoot names an empty parent code.
func orRoot(code string) string {
	if code == "" {
		return "(root)"
	}
	return code
}
