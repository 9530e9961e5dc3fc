package metrics_test

import (
	"context"
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/tillid/tillid/metrics"
	"github.com/tillid/tillid/survey"
	"github.com/tillid/tillid/survey/demo"
	"github.com/tillid/tillid/survey/surveytest"
)

// rollupFingerprint reads the unit tree the absence rollup was built for.
func rollupFingerprint(t *testing.T, db *sqlx.DB) string {
	t.Helper()
	var fp string
	if err := db.Get(&fp, "SELECT fingerprint FROM absence_subtree_state WHERE id = 1"); err != nil {
		t.Fatal(err)
	}
	return fp
}

// compareRollup checks that every unit's AbsenceSeries read from the
// rollup equals live, the series summed from the unit-months.
func compareRollup(t *testing.T, ctx context.Context, db *sqlx.DB, ms *metrics.Store, live map[int64][]metrics.AbsencePoint, from, to string) {
	t.Helper()
	if fp := rollupFingerprint(t, db); fp == "" || fp == "stale" {
		t.Fatalf("rollup fingerprint %q: the live call did not rebuild the rollup", fp)
	}
	for id, want := range live {
		got, err := ms.AbsenceSeries(ctx, id, from, to)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			g, _ := json.Marshal(got)
			w, _ := json.Marshal(want)
			t.Fatalf("unit %d, %q to %q: got %s, want %s", id, from, to, g, w)
		}
	}
}

// liveSeries marks the rollup stale and returns every unit's series,
// which AbsenceSeriesByUnit then sums live (and rebuilds the rollup).
func liveSeries(t *testing.T, ctx context.Context, db *sqlx.DB, ms *metrics.Store, ids []int64, from, to string) map[int64][]metrics.AbsencePoint {
	t.Helper()
	if _, err := db.Exec("UPDATE absence_subtree_state SET fingerprint = 'stale' WHERE id = 1"); err != nil {
		t.Fatal(err)
	}
	live, err := ms.AbsenceSeriesByUnit(ctx, ids, from, to)
	if err != nil {
		t.Fatal(err)
	}
	return live
}

func TestAbsenceRollup(t *testing.T) {
	ctx := context.Background()
	db := surveytest.Open(t)
	ss := survey.NewStore(db)
	ms := metrics.NewStore(db, ss)
	res, err := demo.Generate(ctx, ss, ms, demo.Config{Seed: 1, Now: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	units, err := ss.FindUnits(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ids := make([]int64, len(units))
	var root int64
	for i, u := range units {
		ids[i] = u.ID
		if !u.ParentID.Valid && !u.SuccessorID.Valid {
			root = u.ID
		}
	}
	all := liveSeries(t, ctx, db, ms, ids, "", "")
	if len(all[root]) < 30 {
		t.Fatalf("root: got %d months, want the demo's years", len(all[root]))
	}
	t.Run("OK", func(t *testing.T) {
		compareRollup(t, ctx, db, ms, all, "", "")
		from, to := all[root][14].Period, all[root][len(all[root])-6].Period
		compareRollup(t, ctx, db, ms, liveSeries(t, ctx, db, ms, ids, from, to), from, to)
	})
	t.Run("ReadsRollup", func(t *testing.T) {
		month := all[root][0].Period
		if _, err := db.Exec(db.Rebind("UPDATE absence_subtree SET absence_days = absence_days + 1000 WHERE unit_id = ? AND month = ?"), root, month); err != nil {
			t.Fatal(err)
		}
		got, err := ms.AbsenceSeries(ctx, root, month, month)
		if err != nil {
			t.Fatal(err)
		}
		if want := all[root][0].AbsenceDays + 1000; len(got) != 1 || got[0].AbsenceDays != want {
			t.Fatalf("got %+v, want %v absence days from the rollup", got, want)
		}
	})
	t.Run("Import", func(t *testing.T) {
		closed, err := ss.FindUnitByCode(ctx, res.SuccessorUnit)
		if err != nil {
			t.Fatal(err)
		}
		month := all[closed.ID][len(all[closed.ID])-1].Period
		_, err = ms.ImportAbsence(ctx, []metrics.AbsenceRow{{UnitCode: res.SuccessorUnit, Month: month, AbsenceDays: 7.3, PossibleDays: 400, FTE: 21.5}})
		if err != nil {
			t.Fatal(err)
		}
		fp := rollupFingerprint(t, db)
		rolled, err := ms.AbsenceSeries(ctx, root, "", "")
		if err != nil {
			t.Fatal(err)
		}
		live := liveSeries(t, ctx, db, ms, ids, "", "")
		if fp == "stale" || !reflect.DeepEqual(rolled, live[root]) || reflect.DeepEqual(live[root], all[root]) {
			t.Fatalf("root after import: got %d months from the rollup (fingerprint %q), want the %d live months, changed", len(rolled), fp, len(live[root]))
		}
		compareRollup(t, ctx, db, ms, live, "", "")
	})
	t.Run("TreeChange", func(t *testing.T) {
		var leaf, parent survey.Unit
		for _, u := range units {
			if u.ParentID.Valid && u.ParentID.Int64 != root && len(all[u.ID]) > 0 && !u.Closed() {
				leaf = u
			}
		}
		for _, u := range units {
			if u.ParentID.Valid && u.ParentID.Int64 == root && u.ID != leaf.ParentID.Int64 && !u.Closed() {
				parent = u
			}
		}
		before := rollupFingerprint(t, db)
		if err := ss.UpdateUnit(ctx, leaf.Code, leaf.Name, parent.Code); err != nil {
			t.Fatal(err)
		}
		live, err := ms.AbsenceSeriesByUnit(ctx, ids, "", "")
		if err != nil {
			t.Fatal(err)
		}
		if rollupFingerprint(t, db) == before {
			t.Fatalf("fingerprint unchanged after moving unit %s", leaf.Code)
		}
		if reflect.DeepEqual(live[parent.ID], all[parent.ID]) {
			t.Fatalf("unit %s: got the same series after %s moved under it, want its months added", parent.Code, leaf.Code)
		}
		compareRollup(t, ctx, db, ms, live, "", "")
	})
}
