package survey

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"
)

// Row is one data row of an imported table with its line in the file (the
// header is line 1; in a spreadsheet, the sheet's row number).
type Row struct {
	Line  int
	Cells []string
}

// Cell returns the trimmed cell at index i, or "" when the row is shorter.
func (r Row) Cell(i int) string {
	if i < 0 || i >= len(r.Cells) {
		return ""
	}
	return strings.TrimSpace(r.Cells[i])
}

// maxTableBytes bounds an uploaded table; a municipality's largest import
// (staff lists, monthly absence) is a few megabytes.
const maxTableBytes = 64 << 20

// ReadTable reads a CSV or XLSX table: the first non-empty row is the
// header, the rest are data rows with their line numbers; empty rows are
// skipped. XLSX is recognised by its content (a zip) or a .xlsx name, and
// its first sheet is read. CSV is UTF-8 with an optional byte-order mark
// (or, when not valid UTF-8, Windows-1252 as older Excel saves it), with
// "," ";" or tab separators detected from the header (Danish Excel writes
// ";"), and either line ending. Header cells are trimmed and
// lower-cased. Errors wrap ErrInvalid and name the line.
func ReadTable(r io.Reader, name string) (header []string, rows []Row, err error) {
	ext := strings.ToLower(filepath.Ext(name))
	if ext == ".xls" {
		return nil, nil, Invalidf("%s: old Excel format; save it as .xlsx or .csv (gem som .xlsx eller .csv)", name)
	}
	data, err := io.ReadAll(io.LimitReader(r, maxTableBytes+1))
	if err != nil {
		return nil, nil, fmt.Errorf("survey: read table: %w", err)
	}
	if len(data) > maxTableBytes {
		return nil, nil, Invalidf("%s: larger than %d MB", name, maxTableBytes>>20)
	}
	var all []Row
	if ext == ".xlsx" || bytes.HasPrefix(data, []byte("PK\x03\x04")) {
		all, err = readXLSX(data)
	} else {
		all, err = readCSV(data)
	}
	if err != nil {
		return nil, nil, err
	}
	if len(all) == 0 {
		return nil, nil, ImportErrors{{Line: 1, Msg: "the file is empty (filen er tom)"}}
	}
	header = make([]string, len(all[0].Cells))
	for i, c := range all[0].Cells {
		header[i] = strings.ToLower(strings.TrimSpace(c))
	}
	return header, all[1:], nil
}

// Columns finds each wanted column in header and returns its index; a
// missing column is an ImportErrors naming line 1.
func Columns(header []string, want ...string) (map[string]int, error) {
	idx := make(map[string]int, len(want))
	var errs ImportErrors
	for _, w := range want {
		i := indexOf(header, w)
		if i < 0 {
			errs = append(errs, LineError{Line: 1, Column: w, Msg: fmt.Sprintf("column missing in the header %q (kolonnen mangler)", strings.Join(header, ","))})
			continue
		}
		idx[w] = i
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return idx, nil
}

func indexOf(xs []string, x string) int {
	for i, v := range xs {
		if v == x {
			return i
		}
	}
	return -1
}

func readCSV(data []byte) ([]Row, error) {
	data = bytes.TrimPrefix(data, []byte("\uFEFF"))
	if !utf8.Valid(data) {
		// Excel's plain "CSV (semikolonsepareret)" is Windows-1252, not UTF-8.
		var err error
		if data, err = charmap.Windows1252.NewDecoder().Bytes(data); err != nil {
			return nil, ImportErrors{{Msg: "the file is neither UTF-8 nor Windows-1252 (ukendt tegnsæt)"}}
		}
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.Comma = detectSeparator(data)
	cr.FieldsPerRecord = -1
	var rows []Row
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return rows, nil
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, ImportErrors{{Line: pe.StartLine, Msg: "malformed CSV (ugyldig CSV): " + pe.Err.Error()}}
			}
			return nil, fmt.Errorf("survey: read CSV: %w", err)
		}
		if blank(rec) {
			continue
		}
		line, _ := cr.FieldPos(0)
		rows = append(rows, Row{Line: line, Cells: rec})
	}
}

// detectSeparator picks the most frequent of ; , and tab in the first line.
func detectSeparator(data []byte) rune {
	first, _, _ := bufio.NewReader(bytes.NewReader(data)).ReadLine()
	best, n := ',', strings.Count(string(first), ",")
	for _, sep := range []rune{';', '\t'} {
		if c := strings.Count(string(first), string(sep)); c > n {
			best, n = sep, c
		}
	}
	return best
}

func readXLSX(data []byte) ([]Row, error) {
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		return nil, ImportErrors{{Msg: "not a readable XLSX file (ikke en læsbar XLSX-fil): " + err.Error()}}
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, nil
	}
	cells, err := f.GetRows(sheets[0])
	if err != nil {
		return nil, fmt.Errorf("survey: read XLSX sheet %q: %w", sheets[0], err)
	}
	raw, err := f.GetRows(sheets[0], excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, fmt.Errorf("survey: read XLSX sheet %q: %w", sheets[0], err)
	}
	for i, rec := range cells {
		for j := range rec {
			if i < len(raw) && j < len(raw[i]) {
				rec[j] = plainCell(rec[j], raw[i][j])
			}
		}
	}
	var rows []Row
	for i, rec := range cells {
		if !blank(rec) {
			rows = append(rows, Row{Line: i + 1, Cells: rec})
		}
	}
	return rows, nil
}

// plainCell undoes Excel's display formats: a number shown with
// thousands separators or a fixed number of decimals ("1.234,50") comes
// back as its value ("1234.5"), and a date as YYYY-MM-DD, so that imports
// read what the cell holds rather than how this computer's Excel shows it.
func plainCell(shown, value string) string {
	if shown == value {
		return shown
	}
	v, err := strconv.ParseFloat(value, 64)
	if err != nil {
		return shown
	}
	if looksLikeDate(shown) {
		if t, err := excelize.ExcelDateToTime(v, false); err == nil {
			return t.Format(DateLayout)
		}
		return shown
	}
	if strings.Trim(shown, "0123456789.,  -+") == "" {
		return value // a number format: thousands separators, decimals
	}
	return shown
}

// looksLikeDate reports whether a formatted cell reads as a date: day,
// month and year in either order ("01-03-2024", "2024-03-01", "1.3.24"),
// which thousands groups ("1.234.567", always three digits) are not.
func looksLikeDate(s string) bool {
	for _, sep := range []string{"-", ".", "/"} {
		parts := strings.Split(s, sep)
		if len(parts) != 3 {
			continue
		}
		a, b, c := len(parts[0]), len(parts[1]), len(parts[2])
		if (a == 4 && b <= 2 && c <= 2) || (a <= 2 && b <= 2 && (c == 2 || c == 4)) {
			return true
		}
	}
	return false
}

func blank(rec []string) bool {
	for _, c := range rec {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}
