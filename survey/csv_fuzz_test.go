package survey_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/tillid/tillid/survey"
	"github.com/tillid/tillid/survey/surveytest"
)

// tableSeeds are real-looking and broken tables for every import: wrong
// separators, byte-order marks, Windows line endings, Danish letters in
// UTF-8 and Windows-1252, empty files, huge fields, unbalanced quotes, and
// an XLSX file.
func tableSeeds(f *testing.F, header string, rows ...string) {
	f.Helper()
	body := strings.Join(rows, "\n")
	for _, s := range []string{
		header + "\n" + body + "\n",
		"\uFEFF" + strings.ReplaceAll(header+"\n"+body, ",", ";") + "\r\n",
		strings.ReplaceAll(header+"\n"+body, "\n", "\r\n"),
		strings.ReplaceAll(header+"\n"+body, ",", "\t"),
		strings.ReplaceAll(header+"\n"+body, "ø", "\xf8"), // Windows-1252
		header + "\n" + body + "\n\"unclosed,quote\n",
		header + "\n" + strings.Repeat("æ", 70_000) + "," + strings.Repeat("x", 10) + "\n",
		header,
		"",
		"\uFEFF",
		";;;\n\n\n",
	} {
		f.Add([]byte(s))
	}
	x := excelize.NewFile()
	for i, line := range append([]string{header}, rows...) {
		cells := strings.Split(line, ",")
		vals := make([]any, len(cells))
		for j, c := range cells {
			vals[j] = c
		}
		x.SetSheetRow("Sheet1", fmt.Sprintf("A%d", i+1), &vals)
	}
	var buf bytes.Buffer
	if err := x.Write(&buf); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	f.Add(buf.Bytes()[:buf.Len()/2])
}

// checkRows fails unless the data rows' lines are past the header and
// strictly increasing.
func checkRows(t *testing.T, lines []int) {
	t.Helper()
	prev := 1
	for _, l := range lines {
		if l <= prev {
			t.Fatalf("got row lines %v, want each after the header and the row before", lines)
		}
		prev = l
	}
}

// FuzzReadTable: any bytes give a table with lower-case trimmed headers
// and numbered rows, or an error naming the line; never a panic.
func FuzzReadTable(f *testing.F) {
	tableSeeds(f, "code,name,parent_code", "KOM,Søby Kommune,", "BU,Børn og Unge,KOM")
	f.Fuzz(func(t *testing.T, data []byte) {
		header, rows, err := survey.ReadTable(bytes.NewReader(data), "upload")
		if err != nil {
			checkImportError(t, err)
			return
		}
		for _, h := range header {
			if h != strings.ToLower(strings.TrimSpace(h)) {
				t.Errorf("got header cell %q, want it trimmed and lower-case", h)
			}
		}
		lines := make([]int, len(rows))
		for i, r := range rows {
			lines[i] = r.Line
		}
		checkRows(t, lines)
	})
}

// FuzzParseUnitsCSV: a units file parses into numbered rows or is
// refused with errors naming lines.
func FuzzParseUnitsCSV(f *testing.F) {
	tableSeeds(f, "code,name,parent_code", "KOM,Søby Kommune,", "BU,Børn og Unge,KOM", "BU,Dublet,KOM", "X,,NOPE")
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, err := survey.ParseUnitsCSV(bytes.NewReader(data))
		if err != nil {
			checkImportError(t, err)
			return
		}
		lines := make([]int, len(rows))
		for i, r := range rows {
			lines[i] = r.Line
		}
		checkRows(t, lines)
	})
}

// FuzzParseStaffCSV: a staff list parses into numbered rows or is
// refused with errors naming lines.
func FuzzParseStaffCSV(f *testing.F) {
	tableSeeds(f, "email,unit_code", "søren@soeby.dk,BU", ",BU", "Søren <s@soeby.dk>,BU", "not-an-email,NOPE")
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, err := survey.ParseStaffCSV(bytes.NewReader(data), "staff.csv")
		if err != nil {
			checkImportError(t, err)
			return
		}
		lines := make([]int, len(rows))
		for i, r := range rows {
			lines[i] = r.Line
		}
		checkRows(t, lines)
	})
}

// FuzzImport imports fuzzed units and staff files into a real store:
// an import is all or nothing, so a refused file leaves the units and
// invitations exactly as they were.
func FuzzImport(f *testing.F) {
	tableSeeds(f, "code,name,parent_code", "KOM,Søby Kommune,", "BU,Børn og Unge,KOM", "SKOLE,Søby Skole,BU", "BU,Dublet,KOM")
	tableSeeds(f, "email,unit_code", "søren@soeby.dk,BU", "anna@soeby.dk,SKOLE", "anna@soeby.dk,SKOLE", ",NOPE")
	ctx := context.Background()
	s := survey.NewStore(surveytest.Open(f))
	q, err := s.EnsureDefaultQuestionnaire(ctx)
	if err != nil {
		f.Fatal(err)
	}
	base := []survey.UnitRow{{Line: 2, Code: "KOM", Name: "Søby Kommune"}, {Line: 3, Code: "BU", Name: "Børn og Unge", ParentCode: "KOM"}}
	if _, err := s.ImportUnits(ctx, base); err != nil {
		f.Fatal(err)
	}
	today := survey.DateOf(time.Now())
	r := survey.Round{Name: "Fuzz", QuestionnaireID: q.ID, OpensOn: today, ClosesOn: today}
	if err := s.CreateRound(ctx, &r, []string{"KOM"}); err != nil {
		f.Fatal(err)
	}
	snapshot := func(t *testing.T) string {
		var units, invitations []string
		if err := s.DB().Select(&units, "SELECT code || '|' || name || '|' || COALESCE(CAST(parent_id AS TEXT), '') FROM units ORDER BY code"); err != nil {
			t.Fatal(err)
		}
		if err := s.DB().Select(&invitations, "SELECT CAST(unit_id AS TEXT) || '|' || email FROM invitations ORDER BY id"); err != nil {
			t.Fatal(err)
		}
		return strings.Join(units, "\n") + "\n--\n" + strings.Join(invitations, "\n")
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		before := snapshot(t)
		if rows, err := survey.ParseUnitsCSV(bytes.NewReader(data)); err == nil {
			if _, err := s.ImportUnits(ctx, rows); err != nil {
				checkImportError(t, err)
				if after := snapshot(t); after != before {
					t.Fatalf("refused units import changed the database:\nbefore %s\nafter %s", before, after)
				}
			}
			return
		}
		staff, err := survey.ParseStaffCSV(bytes.NewReader(data), "staff.csv")
		if err != nil {
			return
		}
		if _, err := s.CreateInvitations(ctx, r.ID, staff); err != nil {
			checkImportError(t, err)
			if after := snapshot(t); after != before {
				t.Fatalf("refused staff import changed the database:\nbefore %s\nafter %s", before, after)
			}
		}
	})
}
