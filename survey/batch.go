package survey

import "strings"

// maxBatchRows bounds the rows of one multi-row INSERT so that its
// parameters stay far below both databases' limits (SQLite 32766,
// PostgreSQL 65535).
const maxBatchRows = 500

// valuesList returns "(?, ?), (?, ?)" for rows rows of cols columns, the
// VALUES part of a multi-row INSERT.
func valuesList(rows, cols int) string {
	one := "(" + strings.Repeat("?, ", cols-1) + "?)"
	var b strings.Builder
	b.Grow(rows * (len(one) + 2))
	for i := range rows {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(one)
	}
	return b.String()
}

// chunks calls fn with consecutive [from, to) ranges of at most
// maxBatchRows covering n rows, stopping at the first error.
func chunks(n int, fn func(from, to int) error) error {
	for from := 0; from < n; from += maxBatchRows {
		if err := fn(from, min(from+maxBatchRows, n)); err != nil {
			return err
		}
	}
	return nil
}
