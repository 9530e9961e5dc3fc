package main

import (
	"context"
	"fmt"
	"io"
	"os"
)

// readImport is the shared start of tillid import KIND FILE [--dry-run]:
// it parses the flags (help explains FILE), reads FILE with parse and
// opens the store. It returns the rows and whether --dry-run asks for a
// plan instead of the import.
func readImport[R any](ctx context.Context, m *Main, kind, help string, args []string, parse func(r io.Reader, name string) ([]R, error)) ([]R, bool, error) {
	fs := m.flagSet("import " + kind)
	dryRun := fs.Bool("dry-run", false, "check the file and print what would change, changing nothing")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: tillid import %s FILE [--dry-run] [--db DSN]\n\n%s\n", kind, help)
		fs.PrintDefaults()
	}
	files, err := parseInterspersed(fs, args)
	if err != nil {
		return nil, false, err
	}
	if len(files) != 1 {
		fs.Usage()
		return nil, false, fmt.Errorf("import %s: want one FILE", kind)
	}
	f, err := os.Open(files[0])
	if err != nil {
		return nil, false, fmt.Errorf("import %s: %w", kind, err)
	}
	defer f.Close()
	rows, err := parse(f, files[0])
	if err != nil {
		return nil, false, err
	}
	if err := m.openStore(ctx); err != nil {
		return nil, false, err
	}
	return rows, *dryRun, nil
}

// importVerb says what an import did or, on a dry run, would do.
func importVerb(dryRun bool) string {
	if dryRun {
		return "would import (dry run, nothing changed)"
	}
	return "imported"
}
