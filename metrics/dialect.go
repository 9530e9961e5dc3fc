package metrics

import (
	"context"
	"strings"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// This file holds the package's one dialect difference: how kept results
// are written in bulk.

// sqliteMaxVars is SQLite's limit on the parameters of one statement.
const sqliteMaxVars = 32766

// bulkInsert writes n rows into table's cols inside tx; row appends row
// i's values to dst. PostgreSQL takes them with COPY FROM STDIN (lib/pq);
// SQLite with a prepared multi-row INSERT of as many rows as its
// parameter limit allows, so that the driver's per-statement cost is paid
// once per few thousand rows rather than per row.
func bulkInsert(ctx context.Context, tx *sqlx.Tx, table string, cols []string, n int, row func(i int, dst []any) []any) error {
	if tx.DriverName() == "postgres" {
		return copyIn(ctx, tx, table, cols, n, row)
	}
	per := min(n, sqliteMaxVars/len(cols))
	if per == 0 {
		return nil
	}
	one := "(" + strings.Repeat("?, ", len(cols)-1) + "?)"
	insert := func(rows int) string {
		return "INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES " + strings.Repeat(one+", ", rows-1) + one
	}
	stmt, err := tx.PrepareContext(ctx, insert(per))
	if err != nil {
		return err
	}
	defer stmt.Close()
	args := make([]any, 0, per*len(cols))
	for i := range n {
		args = row(i, args)
		if len(args) == cap(args) {
			if _, err := stmt.ExecContext(ctx, args...); err != nil {
				return err
			}
			args = args[:0]
		}
	}
	if len(args) > 0 {
		_, err = tx.ExecContext(ctx, insert(len(args)/len(cols)), args...)
	}
	return err
}

// copyIn writes n rows with PostgreSQL's COPY FROM STDIN.
func copyIn(ctx context.Context, tx *sqlx.Tx, table string, cols []string, n int, row func(i int, dst []any) []any) error {
	stmt, err := tx.PrepareContext(ctx, pq.CopyIn(table, cols...))
	if err != nil {
		return err
	}
	defer stmt.Close()
	args := make([]any, 0, len(cols))
	for i := range n {
		if _, err := stmt.ExecContext(ctx, row(i, args[:0])...); err != nil {
			return err
		}
	}
	_, err = stmt.ExecContext(ctx) // flush the COPY
	return err
}
