package metrics_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/tillid/tillid/metrics"
	"github.com/tillid/tillid/survey"
	"github.com/tillid/tillid/survey/surveytest"
)

// absenceStores opens a fresh database with the tree
//
//	ROOT ─┬─ A ── A1
//	      ├─ B
//	      └─ OLD (closed 2024-06-30, succeeded by B)
func absenceStores(t testing.TB) (*metrics.Store, *survey.Store) {
	t.Helper()
	ctx := context.Background()
	db := surveytest.Open(t)
	ss := survey.NewStore(db)
	_, err := ss.ImportUnits(ctx, []survey.UnitRow{
		{Line: 2, Code: "ROOT", Name: "Søby Kommune"},
		{Line: 3, Code: "A", Name: "Børn og Unge", ParentCode: "ROOT"},
		{Line: 4, Code: "A1", Name: "Skolen", ParentCode: "A"},
		{Line: 5, Code: "B", Name: "Ældre", ParentCode: "ROOT"},
		{Line: 6, Code: "OLD", Name: "Hjemmeplejen", ParentCode: "ROOT"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := ss.CloseUnit(ctx, "OLD", survey.Date{Time: time.Date(2024, 6, 30, 0, 0, 0, 0, time.UTC)}, "B"); err != nil {
		t.Fatal(err)
	}
	return metrics.NewStore(db, ss), ss
}

// importErrors returns the line errors of err, failing the test when err
// is not an import error.
func importErrors(t *testing.T, err error) survey.ImportErrors {
	t.Helper()
	var errs survey.ImportErrors
	if !errors.As(err, &errs) || !errors.Is(err, survey.ErrInvalid) {
		t.Fatalf("got error %v, want survey.ImportErrors", err)
	}
	return errs
}

func TestParseAbsence(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		in := "\uFEFFunit_code;month;absence_days;possible_days;fte;category\r\n" +
			"A;2024-01;12,5;210;10;egen sygdom\r\n" +
			"A;2024-01;3;210;10;Arbejdsskade\r\n" +
			"B;2024-02;0.5;42;;\r\n"
		rows, err := metrics.ParseAbsence(strings.NewReader(in), "absence.csv")
		if err != nil {
			t.Fatal(err)
		}
		want := []metrics.AbsenceRow{
			{Line: 2, UnitCode: "A", Month: "2024-01", Category: metrics.OwnIllness, AbsenceDays: 12.5, PossibleDays: 210, FTE: 10},
			{Line: 3, UnitCode: "A", Month: "2024-01", Category: metrics.WorkInjury, AbsenceDays: 3, PossibleDays: 210, FTE: 10},
			{Line: 4, UnitCode: "B", Month: "2024-02", Category: metrics.OwnIllness, AbsenceDays: 0.5, PossibleDays: 42},
		}
		if fmt.Sprint(rows) != fmt.Sprint(want) {
			t.Errorf("got %v, want %v", rows, want)
		}
	})
	t.Run("XLSX", func(t *testing.T) {
		f := excelize.NewFile()
		for i, rec := range [][]any{
			{"unit_code", "month", "absence_days", "possible_days"},
			{"A1", "2023-12", "4,25", 63},
		} {
			cell, _ := excelize.CoordinatesToCellName(1, i+1)
			if err := f.SetSheetRow("Sheet1", cell, &rec); err != nil {
				t.Fatal(err)
			}
		}
		var buf bytes.Buffer
		if err := f.Write(&buf); err != nil {
			t.Fatal(err)
		}
		rows, err := metrics.ParseAbsence(&buf, "fravaer.xlsx")
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 1 || rows[0].AbsenceDays != 4.25 || rows[0].PossibleDays != 63 || rows[0].Line != 2 {
			t.Errorf("got %+v, want one row A1 4.25/63 on line 2", rows)
		}
	})
	t.Run("ErrMissingColumn", func(t *testing.T) {
		_, err := metrics.ParseAbsence(strings.NewReader("unit_code,month,absence_days\nA,2024-01,1\n"), "a.csv")
		errs := importErrors(t, err)
		if len(errs) != 1 || errs[0].Column != "possible_days" || errs[0].Line != 1 {
			t.Errorf("got %v, want possible_days missing on line 1", errs)
		}
	})
	t.Run("ErrValues", func(t *testing.T) {
		in := "unit_code,month,absence_days,possible_days,fte,category\n" +
			"A,2024-1,1,20,,\n" + // 2: bad month
			"A,2024-02,-1,20,,\n" + // 3: negative
			"A,2024-03,21,20,,\n" + // 4: absence > possible
			"A,2024-04,\"1.234,5\",2000,,\n" + // 5: thousands separator
			"A,2024-05,abc,20,,\n" + // 6: not a number
			"A,2024-06,1,20,,ferie\n" + // 7: unknown category
			"A,2024-07,1,20,,\n" +
			"A,2024-07,2,20,,egen sygdom\n" + // 9: duplicate of 8
			"A,2024-08,1,20,0,\n" + // 10: zero FTE
			",2024-09,1,20,,\n" + // 11: no unit
			"A,2024-10,1,20,,arbejdsskade\n" +
			"A,2024-10,1,21,,egen sygdom\n" // 13: other possible days
		_, err := metrics.ParseAbsence(strings.NewReader(in), "a.csv")
		errs := importErrors(t, err)
		want := []survey.LineError{
			{Line: 2, Column: "month", Value: "2024-1"},
			{Line: 3, Column: "absence_days", Value: "-1"},
			{Line: 4, Column: "absence_days", Value: "21"},
			{Line: 5, Column: "absence_days", Value: "1.234,5"},
			{Line: 6, Column: "absence_days", Value: "abc"},
			{Line: 7, Column: "category", Value: "ferie"},
			{Line: 9, Column: "unit_code", Value: "A"},
			{Line: 10, Column: "fte", Value: "0"},
			{Line: 11, Column: "unit_code", Value: ""},
			{Line: 13, Column: "possible_days", Value: "21"},
		}
		if len(errs) != len(want) {
			t.Fatalf("got %d errors, want %d:\n%v", len(errs), len(want), errs)
		}
		for i, w := range want {
			if g := errs[i]; g.Line != w.Line || g.Column != w.Column || g.Value != w.Value || g.Msg == "" {
				t.Errorf("error %d: got %d/%s/%q (%s), want %d/%s/%q", i, g.Line, g.Column, g.Value, g.Msg, w.Line, w.Column, w.Value)
			}
		}
	})
}

func TestImportAbsence(t *testing.T) {
	ctx := context.Background()
	rows := []metrics.AbsenceRow{
		{Line: 2, UnitCode: "A", Month: "2024-01", AbsenceDays: 2, PossibleDays: 20},
		{Line: 3, UnitCode: "A1", Month: "2024-01", AbsenceDays: 10, PossibleDays: 50, FTE: 2.5},
		{Line: 4, UnitCode: "A1", Month: "2024-01", Category: metrics.WorkInjury, AbsenceDays: 1, PossibleDays: 50, FTE: 2.5},
	}
	t.Run("OK", func(t *testing.T) {
		ms, ss := absenceStores(t)
		res, err := ms.ImportAbsence(ctx, rows)
		if err != nil {
			t.Fatal(err)
		}
		if res.Rows != 3 || res.Added != 3 || res.Replaced != 0 || res.Units != 2 || res.From != "2024-01" || res.To != "2024-01" {
			t.Errorf("got %+v, want 3 rows added for 2 units in 2024-01", res)
		}
		// Importing the same rows again changes nothing; new values replace.
		res, err = ms.ImportAbsence(ctx, rows)
		if err != nil || res.Unchanged != 3 || res.Added != 0 {
			t.Errorf("re-import: got %+v, %v, want 3 unchanged", res, err)
		}
		changed := []metrics.AbsenceRow{{Line: 2, UnitCode: "A", Month: "2024-01", AbsenceDays: 4, PossibleDays: 20}}
		plan, err := ms.PlanAbsenceImport(ctx, changed)
		if err != nil || plan.Replaced != 1 || len(plan.Changes) != 1 || plan.Changes[0].Old.AbsenceDays != 2 {
			t.Fatalf("plan: got %+v, %v, want 1 replaced with old absence 2", plan, err)
		}
		assertPercent(t, ms, ss, "A", "2024-01", 100*13.0/70) // the plan stored nothing
		if _, err := ms.ImportAbsence(ctx, changed); err != nil {
			t.Fatal(err)
		}
		assertPercent(t, ms, ss, "A", "2024-01", 100*15.0/70)
	})
	t.Run("ErrUnknownUnit", func(t *testing.T) {
		ms, ss := absenceStores(t)
		bad := append(rows[:len(rows):len(rows)],
			metrics.AbsenceRow{Line: 5, UnitCode: "NOPE", Month: "2024-01", AbsenceDays: 1, PossibleDays: 20},
			metrics.AbsenceRow{Line: 6, UnitCode: "OLD", Month: "2024-07", AbsenceDays: 1, PossibleDays: 20})
		_, err := ms.ImportAbsence(ctx, bad)
		errs := importErrors(t, err)
		if len(errs) != 2 || errs[0].Line != 5 || errs[0].Column != "unit_code" || errs[0].Value != "NOPE" ||
			errs[1].Line != 6 || errs[1].Column != "month" || errs[1].Value != "2024-07" {
			t.Errorf("got %v, want unknown unit on line 5 and closed unit on line 6", errs)
		}
		points, err := ms.AbsenceSeries(ctx, unitID(t, ss, "ROOT"), "", "")
		if err != nil || len(points) != 0 {
			t.Errorf("got %v, %v, want nothing stored", points, err)
		}
	})
	t.Run("ErrValues", func(t *testing.T) {
		ms, _ := absenceStores(t)
		_, err := ms.ImportAbsence(ctx, []metrics.AbsenceRow{{UnitCode: "A", Month: "2024-13", AbsenceDays: 1, PossibleDays: 0}})
		if errs := importErrors(t, err); len(errs) != 2 {
			t.Errorf("got %v, want a bad month and bad possible days", errs)
		}
	})
}

// unitID returns the id of the unit with code.
func unitID(t testing.TB, ss *survey.Store, code string) int64 {
	t.Helper()
	u, err := ss.FindUnitByCode(context.Background(), code)
	if err != nil {
		t.Fatal(err)
	}
	return u.ID
}

// assertPercent checks the absence % of code's subtree in month.
func assertPercent(t *testing.T, ms *metrics.Store, ss *survey.Store, code, month string, want float64) {
	t.Helper()
	points, err := ms.AbsenceSeries(context.Background(), unitID(t, ss, code), month, month)
	if err != nil {
		t.Fatal(err)
	}
	if len(points) != 1 || math.Abs(points[0].Percent-want) > 1e-9 {
		t.Errorf("%s %s: got %+v, want absence %% %.4f", code, month, points, want)
	}
}

func TestAbsenceSeries(t *testing.T) {
	ctx := context.Background()
	ms, ss := absenceStores(t)
	var rows []metrics.AbsenceRow
	// A: 1 of 20 days every month of 2023–2024; A1 in 2024 only: 9 of 30
	// with 2 FTE. OLD until June 2024, B from July 2024, 5 of 100 days.
	for m := range 24 {
		month := time.Date(2023, time.Month(1+m), 1, 0, 0, 0, 0, time.UTC).Format("2006-01")
		rows = append(rows, metrics.AbsenceRow{UnitCode: "A", Month: month, AbsenceDays: 1, PossibleDays: 20})
		if m >= 12 {
			rows = append(rows, metrics.AbsenceRow{UnitCode: "A1", Month: month, AbsenceDays: 9, PossibleDays: 30, FTE: 2})
		}
		unit := "OLD"
		if month >= "2024-07" {
			unit = "B"
		}
		rows = append(rows, metrics.AbsenceRow{UnitCode: unit, Month: month, AbsenceDays: 5, PossibleDays: 100})
	}
	if _, err := ms.ImportAbsence(ctx, rows); err != nil {
		t.Fatal(err)
	}
	t.Run("SubtreeSumsDays", func(t *testing.T) {
		// (1 + 9) / (20 + 30) = 20 %, not the mean of 5 % and 30 %.
		assertPercent(t, ms, ss, "A", "2024-03", 20)
		assertPercent(t, ms, ss, "A1", "2024-03", 30)
		assertPercent(t, ms, ss, "ROOT", "2024-03", 100*15.0/150)
	})
	t.Run("Lineage", func(t *testing.T) {
		points, err := ms.AbsenceSeries(ctx, unitID(t, ss, "B"), "", "")
		if err != nil {
			t.Fatal(err)
		}
		if len(points) != 24 || points[0].Period != "2023-01" || points[0].Percent != 5 {
			t.Errorf("got %d points from %s, want 24 from 2023-01 at 5 %% (OLD's months on B)", len(points), points[0].Period)
		}
	})
	t.Run("Rolling12", func(t *testing.T) {
		points, err := ms.AbsenceSeries(ctx, unitID(t, ss, "A"), "2023-12", "2024-12")
		if err != nil {
			t.Fatal(err)
		}
		if len(points) != 13 || points[0].Period != "2023-12" {
			t.Fatalf("got %d points from %s, want 13 from 2023-12", len(points), points[0].Period)
		}
		// December 2023: 12 months of A alone, 12/240 = 5 %.
		if r := points[0].Rolling12; r == nil || *r != 5 {
			t.Errorf("2023-12 rolling: got %v, want 5", r)
		}
		// June 2024: 12×1 + 6×9 days of 12×20 + 6×30.
		if r := points[6].Rolling12; r == nil || math.Abs(*r-100*66.0/420) > 1e-9 {
			t.Errorf("2024-06 rolling: got %v, want %.4f", r, 100*66.0/420)
		}
		first, err := ms.AbsenceSeries(ctx, unitID(t, ss, "A"), "", "2023-11")
		if err != nil || len(first) != 11 || first[10].Rolling12 != nil {
			t.Errorf("got %d points, %v, want 11 with no rolling value yet", len(first), err)
		}
	})
	t.Run("DaysPerFTE", func(t *testing.T) {
		points, err := ms.AbsenceSeries(ctx, unitID(t, ss, "A1"), "2024-01", "2024-01")
		if err != nil || len(points) != 1 || points[0].DaysPerFTE == nil || *points[0].DaysPerFTE != 4.5 {
			t.Fatalf("got %+v, %v, want 4.5 days per FTE", points, err)
		}
		// A itself gave no FTE, so its subtree has none.
		points, err = ms.AbsenceSeries(ctx, unitID(t, ss, "A"), "2024-01", "2024-01")
		if err != nil || points[0].DaysPerFTE != nil || points[0].FTE != nil {
			t.Errorf("got %+v, %v, want no FTE", points, err)
		}
	})
	t.Run("Quarters", func(t *testing.T) {
		points, err := ms.AbsenceSeries(ctx, unitID(t, ss, "A1"), "2024-01", "2024-06")
		if err != nil {
			t.Fatal(err)
		}
		qs := metrics.AbsenceQuarters(points)
		if len(qs) != 2 || qs[0].Period != "2024-Q1" || qs[0].AbsenceDays != 27 || qs[0].Percent != 30 ||
			qs[0].FTE == nil || *qs[0].FTE != 2 || *qs[0].DaysPerFTE != 13.5 {
			t.Errorf("got %+v, want 2 quarters, Q1 27 days, 30 %%, 13.5 days per FTE", qs)
		}
	})
	t.Run("ByUnit", func(t *testing.T) {
		ids := []int64{unitID(t, ss, "A"), unitID(t, ss, "B"), unitID(t, ss, "ROOT"), unitID(t, ss, "A")}
		all, err := ms.AbsenceSeriesByUnit(ctx, ids, "2024-01", "")
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range ids {
			one, err := ms.AbsenceSeries(ctx, id, "2024-01", "")
			if err != nil {
				t.Fatal(err)
			}
			got, _ := json.Marshal(all[id])
			want, _ := json.Marshal(one)
			if string(got) != string(want) || len(one) != 12 {
				t.Errorf("unit %d: got %s, want the unit's own 12-month series %s", id, got, want)
			}
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		if _, err := ms.AbsenceSeries(ctx, 999999, "", ""); !errors.Is(err, survey.ErrNotFound) {
			t.Errorf("got %v, want ErrNotFound", err)
		}
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		if _, err := ms.AbsenceSeries(ctx, unitID(t, ss, "A"), "2024-1", ""); !errors.Is(err, survey.ErrInvalid) {
			t.Errorf("got %v, want ErrInvalid", err)
		}
	})
}

// BenchmarkImportAbsence imports five years of monthly absence for a tree
// of units (the demo's path) into a fresh database each iteration.
func BenchmarkImportAbsence(b *testing.B) {
	for _, units := range []int{60, 1500} {
		b.Run(fmt.Sprintf("units=%d", units), func(b *testing.B) {
			ctx := context.Background()
			for b.Loop() {
				b.StopTimer()
				db := surveytest.Open(b)
				ss := survey.NewStore(db)
				unitRows := []survey.UnitRow{{Code: "ROOT", Name: "Root"}}
				for u := range units - 1 {
					unitRows = append(unitRows, survey.UnitRow{Code: fmt.Sprint("U", u), Name: fmt.Sprint("Unit ", u), ParentCode: "ROOT"})
				}
				if _, err := ss.ImportUnits(ctx, unitRows); err != nil {
					b.Fatal(err)
				}
				var rows []metrics.AbsenceRow
				for _, u := range unitRows {
					for m := range 60 {
						month := time.Date(2021, time.Month(1+m), 1, 0, 0, 0, 0, time.UTC).Format("2006-01")
						rows = append(rows, metrics.AbsenceRow{UnitCode: u.Code, Month: month, AbsenceDays: 3.5, PossibleDays: 200, FTE: 10})
					}
				}
				ms := metrics.NewStore(db, ss)
				b.StartTimer()
				if _, err := ms.ImportAbsence(ctx, rows); err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				start := time.Now()
				if _, err := ms.AbsenceSeries(ctx, unitID(b, ss, "ROOT"), "", ""); err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(time.Since(start).Microseconds()), "series-µs")
				b.StartTimer()
			}
		})
	}
}
