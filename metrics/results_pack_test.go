package metrics

import (
	"context"
	"slices"
	"testing"

	"github.com/tillid/tillid/survey"
	"github.com/tillid/tillid/survey/surveytest"
)

func TestNextInt(t *testing.T) {
	for _, tt := range []struct {
		in, rest string
		want     int64
		err      bool
	}{
		{in: "4913,4922", want: 4913, rest: "4922"},
		{in: "7", want: 7},
		{in: "0,", want: 0},
		{in: "", err: true},
		{in: ",1", err: true},
		{in: "12a,3", err: true},
		{in: "-8", err: true},
		{in: "99999999999999999999", err: true},
	} {
		got, rest, err := nextInt([]byte(tt.in))
		if tt.err {
			if err == nil {
				t.Errorf("nextInt(%q): got %d, want an error", tt.in, got)
			}
			continue
		}
		if err != nil || got != tt.want || string(rest) != tt.rest {
			t.Errorf("nextInt(%q): got %d, %q, %v, want %d, %q", tt.in, got, rest, err, tt.want, tt.rest)
		}
	}
}

// TestComputeRoundPacked checks what the packed read of answers must get
// right: a response without answers still counts as a respondent, and an
// answer to an item outside the questionnaire or with a value outside the
// item's type counts nowhere.
func TestComputeRoundPacked(t *testing.T) {
	f := newFixture(t)
	f.unit("P", "")
	r := f.round("2024", "2024-03-31", survey.RoundClosed, "P")
	f.respond(r, "P", 5, all(4), "")
	f.respond(r, "P", 1, map[string]int{}, "")
	f.respond(r, "P", 1, map[string]int{"p1": 5, "y1": 4, "h1": 1}, "") // p1 and y1 out of range
	var other int64
	if err := f.db.Get(&other, "SELECT MAX(id) + 1000 FROM items"); err != nil {
		t.Fatal(err)
	}
	f.db.MustExec(f.db.Rebind("INSERT INTO answers (response_id, item_id, value) VALUES (?, ?, 1)"), "r000001", other)
	rr, err := f.ms.RoundResults(f.ctx, r)
	if err != nil {
		t.Fatal(err)
	}
	u := unitOf(t, rr, "P")
	wantShown(t, "respondents", u.Cell, 7)
	wantShown(t, "p1", item(t, u, "p1").Cell, 5)
	wantShown(t, "y1", item(t, u, "y1").Cell, 5)
	h1 := item(t, u, "h1")
	wantShown(t, "h1", h1.Cell, 6)
	if got, want := h1.Distribution, []int{0, 1, 0, 0, 5, 0}; !slices.Equal(got, want) {
		t.Errorf("h1 distribution: got %v, want %v", got, want)
	}
}

// TestBulkInsert writes more rows than one SQLite statement takes, so the
// full chunks and the last partial one are all written.
func TestBulkInsert(t *testing.T) {
	ctx := context.Background()
	db := surveytest.Open(t)
	tx, err := db.BeginTxx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	tx.MustExec("CREATE TEMP TABLE bulk_test (a BIGINT NOT NULL, b TEXT)")
	const n = 2*(sqliteMaxVars/2) + 123
	err = bulkInsert(ctx, tx, "bulk_test", []string{"a", "b"}, n, func(i int, dst []any) []any {
		var b any
		if i%2 == 0 {
			b = "x"
		}
		return append(dst, int64(i), b)
	})
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		N, Sum, B int64
	}
	if err := tx.QueryRowxContext(ctx, "SELECT COUNT(*), SUM(a), COUNT(b) FROM bulk_test").Scan(&got.N, &got.Sum, &got.B); err != nil {
		t.Fatal(err)
	}
	if want := int64(n); got.N != want || got.Sum != want*(want-1)/2 || got.B != (want+1)/2 {
		t.Errorf("got %d rows, sum %d, %d texts, want %d, %d, %d", got.N, got.Sum, got.B, want, want*(want-1)/2, (want+1)/2)
	}
}
