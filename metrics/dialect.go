package metrics

import (
	"context"
	"strings"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// This file holds the package's one dialect difference: how kept results
// are written in bulk.

// bulkInsert writes n rows into table's cols inside tx; row appends row
// i's values to dst. PostgreSQL takes them with COPY FROM STDIN (lib/pq);
// SQLite with one prepared single-row INSERT, which needs no statement
// journal (a multi-row INSERT inside a transaction writes one).
func bulkInsert(ctx context.Context, tx *sqlx.Tx, table string, cols []string, n int, row func(i int, dst []any) []any) error {
	q := pq.CopyIn(table, cols...)
	if tx.DriverName() != "postgres" {
		q = "INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES (" + strings.Repeat("?, ", len(cols)-1) + "?)"
	}
	stmt, err := tx.PrepareContext(ctx, q)
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
	if tx.DriverName() == "postgres" {
		_, err = stmt.ExecContext(ctx) // flush the COPY
	}
	return err
}
