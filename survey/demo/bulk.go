package demo

import (
	"context"
	"fmt"
	"iter"
	"math"
	"strings"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// sqliteMaxVars is SQLite's limit on the parameters of one statement.
const sqliteMaxVars = 32766

// copyRows writes rows into table's columns inside tx as fast as each
// database allows; it is the demo's one dialect difference. PostgreSQL
// takes them with COPY FROM STDIN (lib/pq); SQLite with a prepared
// multi-row INSERT of as many rows as its parameter limit allows. Each
// row yielded must have len(cols) values; the slice may be reused.
func copyRows(ctx context.Context, tx *sqlx.Tx, table string, cols []string, rows iter.Seq[[]any]) (int, error) {
	if tx.DriverName() == "postgres" {
		return copyPostgres(ctx, tx, table, cols, rows)
	}
	return insertSQLite(ctx, tx, table, cols, rows)
}

// copyPostgres loads rows with COPY. PostgreSQL checks foreign keys row
// by row, which makes loading millions of answers several times slower,
// so the table's foreign keys are dropped for the load and added back
// at its end, which checks every row in one pass (as pg_restore does);
// the transaction holds the table meanwhile.
func copyPostgres(ctx context.Context, tx *sqlx.Tx, table string, cols []string, rows iter.Seq[[]any]) (int, error) {
	var fks []struct {
		Name string `db:"conname"`
		Def  string `db:"def"`
	}
	err := tx.SelectContext(ctx, &fks, `SELECT conname, pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = $1::regclass AND contype = 'f'`, table)
	if err != nil {
		return 0, fmt.Errorf("demo: copy %s: foreign keys: %w", table, err)
	}
	for _, fk := range fks {
		if _, err := tx.ExecContext(ctx, "ALTER TABLE "+table+" DROP CONSTRAINT "+pq.QuoteIdentifier(fk.Name)); err != nil {
			return 0, fmt.Errorf("demo: copy %s: %w", table, err)
		}
	}
	n, err := copyIn(ctx, tx, table, cols, rows)
	if err != nil {
		return n, err
	}
	for _, fk := range fks {
		if _, err := tx.ExecContext(ctx, "ALTER TABLE "+table+" ADD CONSTRAINT "+pq.QuoteIdentifier(fk.Name)+" "+fk.Def); err != nil {
			return n, fmt.Errorf("demo: copy %s: %w", table, err)
		}
	}
	return n, nil
}

func copyIn(ctx context.Context, tx *sqlx.Tx, table string, cols []string, rows iter.Seq[[]any]) (int, error) {
	stmt, err := tx.PrepareContext(ctx, "COPY "+table+" ("+strings.Join(cols, ", ")+") FROM STDIN")
	if err != nil {
		return 0, fmt.Errorf("demo: copy %s: %w", table, err)
	}
	defer stmt.Close()
	n := 0
	for row := range rows {
		if _, err := stmt.ExecContext(ctx, row...); err != nil {
			return n, fmt.Errorf("demo: copy %s: %w", table, err)
		}
		n++
	}
	if _, err := stmt.ExecContext(ctx); err != nil {
		return n, fmt.Errorf("demo: copy %s: %w", table, err)
	}
	return n, nil
}

// txResponses is how many responses (with their answers) one loading
// transaction takes: on SQLite a bounded number, so that its write-ahead
// log stays small; on PostgreSQL all of them, so that each table's
// foreign keys are checked once (see copyPostgres).
func txResponses(db *sqlx.DB) int {
	if db.DriverName() == "postgres" {
		return math.MaxInt
	}
	return 50000
}

func insertSQLite(ctx context.Context, tx *sqlx.Tx, table string, cols []string, rows iter.Seq[[]any]) (int, error) {
	per := sqliteMaxVars / len(cols)
	insert := func(n int) string {
		one := "(" + strings.Repeat("?, ", len(cols)-1) + "?)"
		return "INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES " + strings.Repeat(one+", ", n-1) + one
	}
	stmt, err := tx.PrepareContext(ctx, insert(per))
	if err != nil {
		return 0, fmt.Errorf("demo: insert %s: %w", table, err)
	}
	defer stmt.Close()
	args := make([]any, 0, per*len(cols))
	n := 0
	for row := range rows {
		args = append(args, row...)
		n++
		if len(args) == cap(args) {
			if _, err := stmt.ExecContext(ctx, args...); err != nil {
				return n, fmt.Errorf("demo: insert %s: %w", table, err)
			}
			args = args[:0]
		}
	}
	if len(args) > 0 {
		if _, err := tx.ExecContext(ctx, insert(len(args)/len(cols)), args...); err != nil {
			return n, fmt.Errorf("demo: insert %s: %w", table, err)
		}
	}
	return n, nil
}
