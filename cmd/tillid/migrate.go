package main

import (
	"context"
	"fmt"

	"github.com/tillid/tillid/migrations"
	"github.com/tillid/tillid/survey"
)

// runMigrate shows or changes the schema version: status, up or down.
func (m *Main) runMigrate(ctx context.Context, args []string) error {
	fs := m.flagSet("migrate")
	fs.Usage = func() { fmt.Fprintln(fs.Output(), "usage: tillid migrate status|up|down [--db DSN]") }
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return fmt.Errorf("migrate: want one of status, up, down")
	}
	if err := m.openDB(ctx); err != nil {
		return err
	}
	dialect := survey.Dialect(m.DB)
	switch fs.Arg(0) {
	case "status":
		return migrations.Status(ctx, m.DB.DB, dialect, m.Stdout)
	case "up":
		if err := migrations.Up(ctx, m.DB.DB, dialect); err != nil {
			return err
		}
	case "down":
		if err := migrations.Down(ctx, m.DB.DB, dialect); err != nil {
			return err
		}
	default:
		return fmt.Errorf("migrate: unknown action %q: want status, up or down", fs.Arg(0))
	}
	return migrations.Status(ctx, m.DB.DB, dialect, m.Stdout)
}
