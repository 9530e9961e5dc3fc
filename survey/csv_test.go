package survey_test

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/tillid/tillid/survey"
)

func TestReadTable(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		for name, in := range map[string]string{
			"comma":              "Code,Name\nA,Alpha\n\nB,\"Beta, Gamma\"\n",
			"semicolon BOM CRLF": "\uFEFFcode;name\r\nA;Alpha\r\n\r\nB;Beta, Gamma\r\n",
			"tab":                "code\tname\nA\tAlpha\n \t \nB\tBeta, Gamma\n",
		} {
			header, rows, err := survey.ReadTable(strings.NewReader(in), "units.csv")
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if want := []string{"code", "name"}; !reflect.DeepEqual(header, want) {
				t.Errorf("%s: header: got %q, want %q", name, header, want)
			}
			want := []survey.Row{{Line: 2, Cells: []string{"A", "Alpha"}}, {Line: 4, Cells: []string{"B", "Beta, Gamma"}}}
			if !reflect.DeepEqual(rows, want) {
				t.Errorf("%s: rows: got %+v, want %+v", name, rows, want)
			}
		}
	})
	t.Run("Windows1252", func(t *testing.T) {
		_, rows, err := survey.ReadTable(strings.NewReader("code;name\r\nBU;B\xf8rn og \xc6ldre\r\n"), "units.csv")
		if err != nil {
			t.Fatal(err)
		}
		if got := rows[0].Cell(1); got != "Børn og Ældre" {
			t.Errorf("got %q, want Børn og Ældre", got)
		}
	})
	t.Run("XLSX", func(t *testing.T) {
		f := excelize.NewFile()
		f.SetSheetRow("Sheet1", "A1", &[]any{"code", "name", "parent_code"})
		f.SetSheetRow("Sheet1", "A2", &[]any{"K", "Kommune", ""})
		f.SetSheetRow("Sheet1", "A4", &[]any{"0101", "Børn og unge", "K"})
		var buf bytes.Buffer
		if err := f.Write(&buf); err != nil {
			t.Fatal(err)
		}
		// Content, not the name, tells an XLSX file.
		header, rows, err := survey.ReadTable(&buf, "upload")
		if err != nil {
			t.Fatal(err)
		}
		if want := []string{"code", "name", "parent_code"}; !reflect.DeepEqual(header, want) {
			t.Errorf("header: got %q, want %q", header, want)
		}
		if len(rows) != 2 || rows[1].Line != 4 || rows[1].Cell(1) != "Børn og unge" || rows[0].Cell(2) != "" {
			t.Errorf("rows: got %+v, want lines 2 and 4", rows)
		}
	})
	t.Run("ErrMalformed", func(t *testing.T) {
		_, _, err := survey.ReadTable(strings.NewReader("code,name\nA,Alpha\nB,\"Beta\n"), "x.csv")
		var ie survey.ImportErrors
		if !errors.As(err, &ie) || len(ie) != 1 || ie[0].Line != 3 {
			t.Fatalf("got %v, want one error on line 3", err)
		}
	})
	t.Run("ErrEmpty", func(t *testing.T) {
		if _, _, err := survey.ReadTable(strings.NewReader("\uFEFF\r\n"), "x.csv"); !errors.Is(err, survey.ErrInvalid) {
			t.Errorf("got %v, want ErrInvalid", err)
		}
	})
	t.Run("ErrXLS", func(t *testing.T) {
		if _, _, err := survey.ReadTable(strings.NewReader("\xd0\xcf\x11\xe0"), "Staff.XLS"); !errors.Is(err, survey.ErrInvalid) {
			t.Errorf("got %v, want ErrInvalid", err)
		}
	})
}

func TestColumns(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		col, err := survey.Columns([]string{"name", "x", "code"}, "code", "name")
		if err != nil {
			t.Fatal(err)
		}
		if col["code"] != 2 || col["name"] != 0 {
			t.Errorf("got %v, want code 2, name 0", col)
		}
	})
	t.Run("ErrMissing", func(t *testing.T) {
		_, err := survey.Columns([]string{"code"}, "code", "name", "parent_code")
		var ie survey.ImportErrors
		if !errors.As(err, &ie) || len(ie) != 2 || ie[0].Column != "name" || ie[0].Line != 1 {
			t.Errorf("got %v, want 2 errors on line 1, first for name", err)
		}
	})
}

func TestReadTableXLSXFormats(t *testing.T) {
	f := excelize.NewFile()
	defer f.Close()
	sheet := f.GetSheetName(0)
	thousands, err := f.NewStyle(&excelize.Style{NumFmt: 4}) // #,##0.00
	if err != nil {
		t.Fatal(err)
	}
	date, err := f.NewStyle(&excelize.Style{NumFmt: 14}) // a short date
	if err != nil {
		t.Fatal(err)
	}
	for cell, v := range map[string]any{"A1": "unit_code", "B1": "month", "C1": "days", "A2": "20100", "B2": 45352.0, "C2": 1234.5} {
		if err := f.SetCellValue(sheet, cell, v); err != nil {
			t.Fatal(err)
		}
	}
	f.SetCellStyle(sheet, "B2", "B2", date)
	f.SetCellStyle(sheet, "C2", "C2", thousands)
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	_, rows, err := survey.ReadTable(&buf, "fravaer.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 {
		t.Fatalf("got %d rows, want 1", len(rows))
	}
	// The cells' values, not how Excel shows them: 1,234.50 is 1234.5
	// and the date serial 45352 is 2024-03-01.
	if got, want := strings.Join(rows[0].Cells, "|"), "20100|2024-03-01|1234.5"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
