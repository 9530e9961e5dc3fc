package main

import (
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// runExport writes a round's results out of tillid: tillid export csv.
func (m *Main) runExport(ctx context.Context, args []string) error {
	if len(args) == 0 {
		fmt.Fprintln(m.Stderr, "usage: tillid export csv --round R --out DIR")
		return fmt.Errorf("export: want a format: csv")
	}
	switch args[0] {
	case "csv":
		return m.exportCSV(ctx, args[1:])
	case "report":
		return m.runExportReport(ctx, args[1:])
	}
	return fmt.Errorf("export: unknown format %q: want csv", args[0])
}

// exportCSV writes a round's published results as CSV files to a folder:
// the tables of metrics.Store.Export for every unit of the round.
func (m *Main) exportCSV(ctx context.Context, args []string) error {
	fs := m.flagSet("export csv")
	roundID := fs.Int64("round", 0, "the round to export (required)")
	out := fs.String("out", "tillid-export", "folder to write the CSV files to (created if missing)")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: tillid export csv --round R [--out DIR] [--db DSN]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *roundID <= 0 || fs.NArg() > 0 {
		fs.Usage()
		return fmt.Errorf("export csv: want --round R and no other arguments")
	}
	if err := m.openStore(ctx); err != nil {
		return err
	}
	tables, err := m.Metrics.Export(ctx, *roundID, "")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return fmt.Errorf("export csv: %w", err)
	}
	for _, f := range tables {
		if err := writeCSVFile(filepath.Join(*out, f.Name), f.Rows); err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "%s: %d rows\n", filepath.Join(*out, f.Name), len(f.Rows)-1)
	}
	return nil
}

// writeCSVFile writes rows to a new file at path, replacing it atomically.
func writeCSVFile(path string, rows [][]string) error {
	tmp := fmt.Sprintf("%s.%d.tmp", path, time.Now().UnixNano())
	f, err := os.Create(tmp)
	if err != nil {
		return fmt.Errorf("export csv: %w", err)
	}
	defer os.Remove(tmp)
	w := csv.NewWriter(f)
	w.WriteAll(rows)
	if err := w.Error(); err != nil {
		f.Close()
		return fmt.Errorf("export csv: write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("export csv: write %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("export csv: %w", err)
	}
	return nil
}
