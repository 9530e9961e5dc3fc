package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/tillid/tillid/survey"
	"github.com/tillid/tillid/web/webtest"
)

// exportMain returns a Main over a webtest fixture whose round is closed
// with every invitation answered except MUS's (so MUS is suppressed).
func exportMain(t *testing.T) (*Main, *webtest.Fixture, *bytes.Buffer) {
	t.Helper()
	ctx := context.Background()
	f := webtest.New(t, 24)
	mus, err := f.Store.FindUnitByCode(ctx, "MUS")
	if err != nil {
		t.Fatal(err)
	}
	for i, inv := range f.Invitations {
		if inv.UnitID == mus.ID {
			continue
		}
		sub := survey.Submission{InvitationID: inv.ID}
		for _, it := range f.Questionnaire.Items {
			if it.Type == survey.Likert5 || it.Type == survey.Problem3 {
				sub.Answers = append(sub.Answers, survey.Answer{ItemID: it.ID, Value: 1 + i%3})
			}
		}
		if err := f.Store.SubmitResponse(ctx, sub); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.Store.CloseRound(ctx, f.Round.ID); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	m := &Main{DB: f.DB, Store: f.Store, Metrics: f.Metrics, Stdout: &out, Stderr: &out}
	return m, f, &out
}

// readCSV reads a CSV file into rows keyed by its header.
func readCSV(t *testing.T, path string) []map[string]string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var rows []map[string]string
	for _, r := range recs[1:] {
		row := make(map[string]string, len(r))
		for i, h := range recs[0] {
			row[h] = r[i]
		}
		rows = append(rows, row)
	}
	return rows
}

func TestImportAbsenceCommand(t *testing.T) {
	ctx := context.Background()
	m, _, out := exportMain(t)
	file := filepath.Join(t.TempDir(), "fravaer.csv")
	if err := os.WriteFile(file, []byte("unit_code;month;absence_days;possible_days\nBIB;2024-01;4,5;90\nNOPE;2024-01;1;90\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Run("ErrUnknownUnit", func(t *testing.T) {
		err := m.runImportAbsence(ctx, []string{file})
		if err == nil || !strings.Contains(err.Error(), `line 3: unit_code: "NOPE"`) {
			t.Errorf("got %v, want line 3's unknown unit named", err)
		}
	})
	t.Run("DryRun", func(t *testing.T) {
		os.WriteFile(file, []byte("unit_code,month,absence_days,possible_days\nBIB,2024-01,\"4,5\",90\n"), 0o644)
		out.Reset()
		if err := m.runImportAbsence(ctx, []string{file, "--dry-run"}); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out.String(), "would import") || !strings.Contains(out.String(), "1 added") {
			t.Errorf("got %q, want a dry run adding 1 row", out.String())
		}
	})
	t.Run("OK", func(t *testing.T) {
		out.Reset()
		for range 2 {
			if err := m.runImportAbsence(ctx, []string{file}); err != nil {
				t.Fatal(err)
			}
		}
		if got := out.String(); !strings.Contains(got, "1 added") || !strings.Contains(got, "1 unchanged") {
			t.Errorf("got %q, want 1 added, then 1 unchanged", got)
		}
	})
}

func TestExportCSV(t *testing.T) {
	ctx := context.Background()
	m, f, _ := exportMain(t)
	month := f.Round.ClosesOn.AddDate(0, 1, 0).Format("2006-01")
	file := filepath.Join(t.TempDir(), "fravaer.csv")
	os.WriteFile(file, []byte("unit_code,month,absence_days,possible_days,fte\nBIB,"+month+",9,300,15\n"), 0o644)
	if err := m.runImportAbsence(ctx, []string{file}); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := m.runExport(ctx, []string{"csv", "--round", fmt.Sprint(f.Round.ID), "--out", dir}); err != nil {
		t.Fatal(err)
	}
	t.Run("Results", func(t *testing.T) {
		rows := readCSV(t, filepath.Join(dir, "results.csv"))
		var bib, mus int
		for _, r := range rows {
			switch r["unit_code"] {
			case "BIB":
				bib++
				if r["suppressed"] != "false" || r["n"] != "6" || (r["measure_kind"] != "respondents" && r["mean"] == "") {
					t.Errorf("BIB %s: got %v, want shown with n 6", r["measure_key"], r)
				}
			case "MUS":
				mus++
				if r["suppressed"] != "true" || r["reason"] != "too_few" || r["n"] != "suppressed" || r["mean"] != "suppressed" && r["measure_kind"] != "respondents" {
					t.Errorf("MUS %s: got %v, want the word suppressed", r["measure_key"], r)
				}
			}
		}
		if bib == 0 || bib != mus {
			t.Errorf("got %d BIB rows and %d MUS rows, want the same number, more than 0", bib, mus)
		}
	})
	t.Run("ItemsNeverZeroWhenSuppressed", func(t *testing.T) {
		for _, r := range readCSV(t, filepath.Join(dir, "items.csv")) {
			if r["unit_code"] != "MUS" {
				continue
			}
			for _, col := range []string{"n", "valid", "d0", "d1", "d2", "d3"} {
				if r[col] != "suppressed" {
					t.Errorf("MUS %s %s: got %q, want suppressed", r["item_key"], col, r[col])
				}
			}
		}
	})
	t.Run("Absence", func(t *testing.T) {
		rows := readCSV(t, filepath.Join(dir, "absence.csv"))
		i := slices.IndexFunc(rows, func(r map[string]string) bool { return r["unit_code"] == "KULTUR" && r["month"] == month })
		if i < 0 || rows[i]["absence_pct"] != "3" || rows[i]["days_per_fte"] != "0.6" {
			t.Errorf("got %v, want KULTUR's %s at 3 %% and 0.6 days per FTE (BIB's)", rows, month)
		}
	})
	t.Run("Correlation", func(t *testing.T) {
		for _, r := range readCSV(t, filepath.Join(dir, "correlation.csv")) {
			if r["unit_code"] == "MUS" || r["index"] == "" {
				t.Errorf("got point %v, want shown units with an index only", r)
			}
		}
		if rows := readCSV(t, filepath.Join(dir, "correlation_summary.csv")); len(rows) != 4 {
			t.Errorf("got %d summary rows, want 4", len(rows))
		}
	})
	t.Run("ErrUnknownFormat", func(t *testing.T) {
		if err := m.runExport(ctx, []string{"pdf"}); err == nil {
			t.Error("got no error, want an unknown format")
		}
	})
}
