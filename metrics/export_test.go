package metrics

import (
	"errors"
	"slices"
	"testing"

	"github.com/tillid/tillid/survey"
)

func TestExport(t *testing.T) {
	f := newFixture(t)
	f.unit("KOM", "")
	f.unit("A", "KOM")
	f.unit("A1", "A")
	f.unit("B", "KOM")
	id := f.round("R", "2024-03-31", survey.RoundOpen, "KOM")
	f.respond(id, "A1", 6, all(4), "")
	f.respond(id, "B", 2, all(2), "")
	if err := f.ss.CloseRound(f.ctx, id); err != nil {
		t.Fatal(err)
	}
	// units returns the unit codes of a table's rows (column 1) in order of
	// first appearance.
	units := func(rows [][]string) []string {
		var out []string
		for _, r := range rows[1:] {
			if !slices.Contains(out, r[1]) {
				out = append(out, r[1])
			}
		}
		return out
	}

	t.Run("OK", func(t *testing.T) {
		tables, err := f.ms.Export(f.ctx, id, "")
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, tb := range tables {
			names = append(names, tb.Name)
		}
		if want := []string{"results.csv", "items.csv", "absence.csv", "correlation.csv", "correlation_summary.csv"}; !slices.Equal(names, want) {
			t.Fatalf("got tables %v, want %v", names, want)
		}
		if got, want := units(tables[0].Rows), []string{"A", "A1", "B", "KOM"}; !slices.Equal(got, want) {
			t.Errorf("got units %v, want %v", got, want)
		}
		i := slices.IndexFunc(tables[0].Rows, func(r []string) bool { return r[1] == "B" && r[4] == string(KindIndex) })
		if i < 0 {
			t.Fatal("results.csv has no index row for B")
		}
		if r := tables[0].Rows[i]; r[10] != CSVSuppressed || r[11] != CSVSuppressed {
			t.Errorf("got B's index n %q mean %q, want %q", r[10], r[11], CSVSuppressed)
		}
	})
	t.Run("Subtree", func(t *testing.T) {
		tables, err := f.ms.Export(f.ctx, id, "A")
		if err != nil {
			t.Fatal(err)
		}
		if len(tables) != 3 {
			t.Fatalf("got %d tables, want 3 without the correlation", len(tables))
		}
		for _, tb := range tables[:2] {
			if got, want := units(tb.Rows), []string{"A", "A1"}; !slices.Equal(got, want) {
				t.Errorf("%s: got units %v, want %v", tb.Name, got, want)
			}
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		if _, err := f.ms.Export(f.ctx, id, "UKENDT"); !errors.Is(err, survey.ErrNotFound) {
			t.Errorf("got %v, want ErrNotFound", err)
		}
	})
}
