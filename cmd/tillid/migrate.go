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
	allowDown := fs.Bool("allow-down", false, "let down roll back the latest migration; it can drop data, so production databases only go forward")
	fs.Usage = func() { fmt.Fprintln(fs.Output(), "usage: tillid migrate status|up|down [--allow-down] [--db DSN]") }
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		fs.Usage()
		return fmt.Errorf("migrate: want one of status, up, down")
	}
	if err := m.openDB(ctx); err != nil {
		return err
	}
	dialect := survey.Dialect(m.DB)
	switch pos[0] {
	case "status":
		return migrations.Status(ctx, m.DB.DB, dialect, m.Stdout)
	case "up":
		if err := migrations.Up(ctx, m.DB.DB, dialect); err != nil {
			return err
		}
	case "down":
		if !*allowDown {
			return fmt.Errorf("migrate down: refused: migrations go forward only in production; restore a backup instead, or pass --allow-down on a test database")
		}
		if err := migrations.Down(ctx, m.DB.DB, dialect); err != nil {
			return err
		}
	default:
		return fmt.Errorf("migrate: unknown action %q: want status, up or down", pos[0])
	}
	return migrations.Status(ctx, m.DB.DB, dialect, m.Stdout)
}
