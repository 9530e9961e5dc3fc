package metrics_test

import (
	"bytes"
	"context"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/tillid/tillid/metrics"
	"github.com/tillid/tillid/survey"
	"github.com/tillid/tillid/survey/surveytest"
)

// absenceSeeds are payroll exports as they arrive: Danish Excel's ";" and
// decimal commas, byte-order marks, Windows line endings, Windows-1252,
// thousands separators, empty and huge fields, and an XLSX file.
func absenceSeeds(f *testing.F) {
	good := "unit_code,month,absence_days,possible_days,fte,category\nBU,2024-01,12.5,210,10,egen sygdom\nBU,2024-02,3,200,,arbejdsskade\n"
	for _, s := range []string{
		good,
		"\uFEFFunit_code;month;absence_days;possible_days\r\nBU;2024-01;12,5;210\r\n",
		"unit_code;month;absence_days;possible_days;category\nBU;2024-01;1.234,5;2000;egen sygdom\n",
		"unit_code,month,absence_days,possible_days,category\nBU,2024-13,-1,0,ferie\nBU,2024-13,-1,0,ferie\n",
		"unit_code;month;absence_days;possible_days;category\nB\xd8RN;2024-01;1;20;Egen sygdom\n",
		"unit_code,month,absence_days,possible_days\nBU,2024-01,NaN,Inf\nBU,2024-02,1e3,2e3\n",
		"unit_code,month,absence_days,possible_days\n" + strings.Repeat("9", 5000) + ",2024-01,1,2\n",
		"unit_code\tmonth\tabsence_days\tpossible_days\nBU\t2024-01\t1\t20\n",
		"unit_code,month\n",
		"",
	} {
		f.Add([]byte(s))
	}
	x := excelize.NewFile()
	x.SetSheetRow("Sheet1", "A1", &[]any{"unit_code", "month", "absence_days", "possible_days"})
	x.SetSheetRow("Sheet1", "A2", &[]any{"BU", "2024-01", 12.5, 210})
	var buf bytes.Buffer
	if err := x.Write(&buf); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
}

// checkAbsenceError fails unless err is a clean refusal that names lines.
func checkAbsenceError(t *testing.T, err error) {
	t.Helper()
	if !errors.Is(err, survey.ErrInvalid) {
		t.Fatalf("got %v, want an error wrapping survey.ErrInvalid", err)
	}
	var errs survey.ImportErrors
	if errors.As(err, &errs) {
		for _, e := range errs {
			if e.Line < 1 && !strings.Contains(e.Msg, "XLSX") && !strings.Contains(e.Msg, "UTF-8") {
				t.Errorf("got %q, want a problem that names its line", e.Error())
			}
		}
	}
}

// FuzzParseAbsence: any file gives rows with sane numbers, or errors
// naming their lines; never a panic.
func FuzzParseAbsence(f *testing.F) {
	absenceSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, err := metrics.ParseAbsence(bytes.NewReader(data), "absence.csv")
		if err != nil {
			checkAbsenceError(t, err)
			return
		}
		prev := 1
		for _, r := range rows {
			finite := !math.IsNaN(r.AbsenceDays+r.PossibleDays+r.FTE) && !math.IsInf(r.AbsenceDays+r.PossibleDays+r.FTE, 0)
			if _, err := time.Parse("2006-01", r.Month); err != nil || !finite || r.Line <= prev ||
				r.AbsenceDays < 0 || r.PossibleDays <= 0 || r.AbsenceDays > r.PossibleDays || r.FTE < 0 || r.UnitCode == "" {
				t.Fatalf("got row %+v, want a numbered row with a month and sane, finite days", r)
			}
			prev = r.Line
		}
	})
}

// FuzzImportAbsence imports fuzzed files into a real store: a refused
// import leaves the absence table exactly as it was.
func FuzzImportAbsence(f *testing.F) {
	absenceSeeds(f)
	ctx := context.Background()
	db := surveytest.Open(f)
	ss := survey.NewStore(db)
	ms := metrics.NewStore(db, ss)
	if _, err := ss.ImportUnits(ctx, []survey.UnitRow{{Line: 2, Code: "KOM", Name: "Søby Kommune"}, {Line: 3, Code: "BU", Name: "Børn og Unge", ParentCode: "KOM"}}); err != nil {
		f.Fatal(err)
	}
	snapshot := func(t *testing.T) string {
		var rows []string
		if err := db.Select(&rows, "SELECT CAST(unit_id AS TEXT) || '|' || month || '|' || category || '|' || CAST(absence_days AS TEXT) || '|' || CAST(possible_days AS TEXT) FROM absence ORDER BY 1"); err != nil {
			t.Fatal(err)
		}
		return strings.Join(rows, "\n")
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, err := metrics.ParseAbsence(bytes.NewReader(data), "absence.csv")
		if err != nil {
			return
		}
		before := snapshot(t)
		if _, err := ms.ImportAbsence(ctx, rows); err != nil {
			checkAbsenceError(t, err)
			if after := snapshot(t); after != before {
				t.Fatalf("refused import changed the absence table:\nbefore %s\nafter %s", before, after)
			}
		}
	})
}
