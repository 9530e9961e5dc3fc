package survey

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/jmoiron/sqlx"
)

// Unit is a node of the organisation tree (enhed). A closed unit keeps its
// history; its successor, if any, carries its trend on.
type Unit struct {
	ID          int64          `db:"id"`
	Code        string         `db:"code"`
	Name        string         `db:"name"`
	ParentID    sql.NullInt64  `db:"parent_id"`
	ClosedOn    sql.Null[Date] `db:"closed_on"`
	SuccessorID sql.NullInt64  `db:"successor_id"`
	CreatedAt   int64          `db:"created_at"`
}

// Closed reports whether the unit has been closed.
func (u Unit) Closed() bool { return u.ClosedOn.Valid }

const unitColumns = "id, code, name, parent_id, closed_on, successor_id, created_at"

// FindUnits returns every unit, closed ones included, ordered by code.
func (s *Store) FindUnits(ctx context.Context) ([]Unit, error) {
	return findUnits(ctx, s.db)
}

func findUnits(ctx context.Context, q sqlx.ExtContext) ([]Unit, error) {
	var us []Unit
	if err := sqlx.SelectContext(ctx, q, &us, "SELECT "+unitColumns+" FROM units ORDER BY code"); err != nil {
		return nil, fmt.Errorf("survey: find units: %w", err)
	}
	return us, nil
}

// FindUnitByCode returns the unit with code, or ErrNotFound.
func (s *Store) FindUnitByCode(ctx context.Context, code string) (Unit, error) {
	return findUnitBy(ctx, s.db, "code", code)
}

// FindUnitByID returns the unit with id, or ErrNotFound.
func (s *Store) FindUnitByID(ctx context.Context, id int64) (Unit, error) {
	return findUnitBy(ctx, s.db, "id", id)
}

func findUnitBy(ctx context.Context, q sqlx.ExtContext, col string, v any) (Unit, error) {
	var u Unit
	err := sqlx.GetContext(ctx, q, &u, q.Rebind("SELECT "+unitColumns+" FROM units WHERE "+col+" = ?"), v)
	if errors.Is(err, sql.ErrNoRows) {
		return Unit{}, fmt.Errorf("survey: find unit %s %v: %w", col, v, ErrNotFound)
	}
	if err != nil {
		return Unit{}, fmt.Errorf("survey: find unit %s %v: %w", col, v, err)
	}
	return u, nil
}

// FindUnitLineage returns the unit with id and every unit it succeeded,
// directly or through a chain of reorganisations, ordered by code: the
// units whose history a trend for id follows.
func (s *Store) FindUnitLineage(ctx context.Context, id int64) ([]Unit, error) {
	var us []Unit
	err := s.db.SelectContext(ctx, &us, s.rebind(`
		WITH RECURSIVE lineage(id) AS (
			SELECT id FROM units WHERE id = ?
			UNION
			SELECT u.id FROM units u JOIN lineage l ON u.successor_id = l.id
		)
		SELECT `+unitColumns+` FROM units WHERE id IN (SELECT id FROM lineage) ORDER BY code`), id)
	if err != nil {
		return nil, fmt.Errorf("survey: find unit lineage: %w", err)
	}
	if len(us) == 0 {
		return nil, fmt.Errorf("survey: find unit lineage %d: %w", id, ErrNotFound)
	}
	return us, nil
}

// CreateUnit stores a new open unit and sets its ID and CreatedAt. The
// code must be new (ErrConflict otherwise) and the parent must exist.
func (s *Store) CreateUnit(ctx context.Context, u *Unit) error {
	u.Code, u.Name = strings.TrimSpace(u.Code), strings.TrimSpace(u.Name)
	if u.Code == "" {
		return Invalidf("unit code is required (enhedskode mangler)")
	}
	if u.Name == "" {
		return Invalidf("unit %q: name is required (navn mangler)", u.Code)
	}
	if u.ParentID.Valid {
		p, err := s.FindUnitByID(ctx, u.ParentID.Int64)
		if errors.Is(err, ErrNotFound) {
			return Invalidf("unit %q: parent %d does not exist", u.Code, u.ParentID.Int64)
		}
		if err != nil {
			return fmt.Errorf("survey: create unit: %w", err)
		}
		if p.Closed() {
			return Invalidf("unit %q: parent %q is closed", u.Code, p.Code)
		}
	}
	u.CreatedAt = s.now().Unix()
	u.ClosedOn, u.SuccessorID = sql.Null[Date]{}, sql.NullInt64{}
	err := s.db.GetContext(ctx, &u.ID, s.rebind(`
		INSERT INTO units (code, name, parent_id, created_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (code) DO NOTHING RETURNING id`), u.Code, u.Name, u.ParentID, u.CreatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("survey: create unit %q: code exists: %w", u.Code, ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("survey: create unit %q: %w", u.Code, err)
	}
	return nil
}

// CloseUnit closes the unit with code on the given date and, unless
// successorCode is empty, names the open unit that carries its history
// on. A unit must have no open sub-units when it is closed.
func (s *Store) CloseUnit(ctx context.Context, code string, on Date, successorCode string) error {
	if on.IsZero() {
		return Invalidf("close unit %q: the closing date is required", code)
	}
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("survey: close unit: %w", err)
	}
	defer tx.Rollback()
	u, err := findUnitBy(ctx, tx, "code", strings.TrimSpace(code))
	if err != nil {
		return err
	}
	if u.Closed() {
		return fmt.Errorf("survey: close unit %q: closed on %s already: %w", u.Code, u.ClosedOn.V, ErrConflict)
	}
	var successor sql.NullInt64
	if successorCode = strings.TrimSpace(successorCode); successorCode != "" {
		succ, err := findUnitBy(ctx, tx, "code", successorCode)
		switch {
		case errors.Is(err, ErrNotFound):
			return Invalidf("close unit %q: successor %q does not exist", u.Code, successorCode)
		case err != nil:
			return err
		case succ.ID == u.ID:
			return Invalidf("close unit %q: a unit cannot succeed itself", u.Code)
		case succ.Closed():
			return Invalidf("close unit %q: successor %q is closed", u.Code, succ.Code)
		}
		successor = sql.NullInt64{Int64: succ.ID, Valid: true}
	}
	var children []string
	if err := tx.SelectContext(ctx, &children, tx.Rebind("SELECT code FROM units WHERE parent_id = ? AND closed_on IS NULL ORDER BY code"), u.ID); err != nil {
		return fmt.Errorf("survey: close unit: %w", err)
	}
	if len(children) > 0 {
		return fmt.Errorf("survey: close unit %q: move or close its open sub-units first (%s): %w", u.Code, strings.Join(children, ", "), ErrConflict)
	}
	if _, err := tx.ExecContext(ctx, tx.Rebind("UPDATE units SET closed_on = ?, successor_id = ? WHERE id = ?"), on, successor, u.ID); err != nil {
		return fmt.Errorf("survey: close unit: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("survey: close unit: %w", err)
	}
	return nil
}

// UpdateUnit renames the unit with code and moves it under the unit
// parentCode ("" makes it a root), checked like one row of ImportUnits: a
// problem (empty name, unknown or closed parent, a cycle) is an
// ImportErrors whose Column names the field. An unknown code is
// ErrNotFound.
func (s *Store) UpdateUnit(ctx context.Context, code, name, parentCode string) error {
	code = strings.TrimSpace(code)
	if _, err := s.FindUnitByCode(ctx, code); err != nil {
		return err
	}
	if _, err := s.ImportUnits(ctx, []UnitRow{{Line: 1, Code: code, Name: name, ParentCode: parentCode}}); err != nil {
		return fmt.Errorf("survey: update unit %q: %w", code, err)
	}
	return nil
}

// UnitRow is one row of a units import: code, name and the parent's code
// (empty for a root), with its line in the file.
type UnitRow struct {
	Line                   int
	Code, Name, ParentCode string
}

// ParseUnitsCSV reads a units file (CSV or XLSX) with the header
// code,name,parent_code. Content is checked by PlanUnitImport.
func ParseUnitsCSV(r io.Reader) ([]UnitRow, error) {
	header, rows, err := ReadTable(r, "")
	if err != nil {
		return nil, err
	}
	col, err := Columns(header, "code", "name", "parent_code")
	if err != nil {
		return nil, err
	}
	out := make([]UnitRow, len(rows))
	for i, r := range rows {
		out[i] = UnitRow{Line: r.Line, Code: r.Cell(col["code"]), Name: r.Cell(col["name"]), ParentCode: r.Cell(col["parent_code"])}
	}
	return out, nil
}

// UnitChange is what an import does to one row's unit. A row may be both
// renamed and moved; Created rows are neither.
type UnitChange struct {
	UnitRow
	Created, Renamed, Moved bool
	// OldName and OldParentCode hold the stored values before the import.
	OldName, OldParentCode string
}

// UnitImportResult summarises a units import, or its plan: counts, one
// change per row in file order, and the open units the file leaves out
// (they are kept; close them with CloseUnit if they are gone). A row both
// renamed and moved counts in Renamed and in Moved.
type UnitImportResult struct {
	Created, Renamed, Moved, Unchanged int
	Changes                            []UnitChange
	Missing                            []Unit
}

// PlanUnitImport validates rows against the stored tree and returns what
// ImportUnits would do, changing nothing. Every problem is reported at
// once as ImportErrors.
func (s *Store) PlanUnitImport(ctx context.Context, rows []UnitRow) (UnitImportResult, error) {
	res, _, err := planUnitImport(ctx, s.db, rows)
	return res, err
}

// ImportUnits creates and updates units from rows in one transaction:
// new codes are created, names and parents of known codes are updated,
// and no unit is ever deleted. A rejected import changes nothing.
func (s *Store) ImportUnits(ctx context.Context, rows []UnitRow) (UnitImportResult, error) {
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return UnitImportResult{}, fmt.Errorf("survey: import units: %w", err)
	}
	defer tx.Rollback()
	res, ids, err := planUnitImport(ctx, tx, rows)
	if err != nil {
		return UnitImportResult{}, err
	}
	if err := s.insertUnitLevels(ctx, tx, res.Changes, ids); err != nil {
		return UnitImportResult{}, err
	}
	for _, c := range res.Changes {
		if c.Created || !(c.Renamed || c.Moved) {
			continue
		}
		parent := sql.NullInt64{Int64: ids[c.ParentCode], Valid: c.ParentCode != ""}
		if _, err := tx.ExecContext(ctx, tx.Rebind("UPDATE units SET name = ?, parent_id = ? WHERE id = ?"), c.Name, parent, ids[c.Code]); err != nil {
			return UnitImportResult{}, fmt.Errorf("survey: import units: line %d: %w", c.Line, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return UnitImportResult{}, fmt.Errorf("survey: import units: %w", err)
	}
	return res, nil
}

// insertUnitLevels inserts the created units of changes level by level
// (parents before children), so each insert knows its parent's id, and
// adds the new ids to ids.
func (s *Store) insertUnitLevels(ctx context.Context, tx *sqlx.Tx, changes []UnitChange, ids map[string]int64) error {
	pending := make([]UnitChange, 0, len(changes))
	for _, c := range changes {
		if c.Created {
			pending = append(pending, c)
		}
	}
	now := s.now().Unix()
	for len(pending) > 0 {
		var ready, later []UnitChange
		for _, c := range pending {
			if _, ok := ids[c.ParentCode]; c.ParentCode == "" || ok {
				ready = append(ready, c)
			} else {
				later = append(later, c)
			}
		}
		if len(ready) == 0 { // cannot happen after validation (no cycles)
			return fmt.Errorf("survey: import units: unresolvable parents on line %d", pending[0].Line)
		}
		err := chunks(len(ready), func(from, to int) error {
			args := make([]any, 0, 4*(to-from))
			for _, c := range ready[from:to] {
				args = append(args, c.Code, c.Name, sql.NullInt64{Int64: ids[c.ParentCode], Valid: c.ParentCode != ""}, now)
			}
			var got []struct {
				ID   int64  `db:"id"`
				Code string `db:"code"`
			}
			q := "INSERT INTO units (code, name, parent_id, created_at) VALUES " + valuesList(to-from, 4) + " RETURNING id, code"
			if err := tx.SelectContext(ctx, &got, tx.Rebind(q), args...); err != nil {
				return fmt.Errorf("survey: import units: insert: %w", err)
			}
			for _, g := range got {
				ids[g.Code] = g.ID
			}
			return nil
		})
		if err != nil {
			return err
		}
		pending = later
	}
	return nil
}

// planUnitImport validates rows and computes the changes; it also returns
// the ids of the stored units by code.
func planUnitImport(ctx context.Context, q sqlx.ExtContext, rows []UnitRow) (UnitImportResult, map[string]int64, error) {
	stored, err := findUnits(ctx, q)
	if err != nil {
		return UnitImportResult{}, nil, fmt.Errorf("survey: plan unit import: %w", err)
	}
	byCode := make(map[string]Unit, len(stored))
	codeOf := make(map[int64]string, len(stored))
	for _, u := range stored {
		byCode[u.Code] = u
		codeOf[u.ID] = u.Code
	}
	// parentOf is the tree after the import: stored parents overlaid with the file's.
	parentOf := make(map[string]string, len(stored)+len(rows))
	for _, u := range stored {
		if u.ParentID.Valid {
			parentOf[u.Code] = codeOf[u.ParentID.Int64]
		}
	}
	var errs ImportErrors
	firstLine := make(map[string]int, len(rows))
	clean := make([]UnitRow, len(rows))
	for i, r := range rows {
		r.Code, r.Name, r.ParentCode = strings.TrimSpace(r.Code), strings.TrimSpace(r.Name), strings.TrimSpace(r.ParentCode)
		clean[i] = r
		if r.Code == "" {
			errs = append(errs, LineError{Line: r.Line, Column: "code", Msg: "must not be empty (koden mangler)"})
			continue
		}
		if r.Name == "" {
			errs = append(errs, LineError{Line: r.Line, Column: "name", Value: r.Code, Msg: "must not be empty (navnet mangler)"})
		}
		if l, dup := firstLine[r.Code]; dup {
			errs = append(errs, LineError{Line: r.Line, Column: "code", Value: r.Code, Msg: fmt.Sprintf("duplicate code, first on line %d (koden går igen)", l)})
			continue
		}
		firstLine[r.Code] = r.Line
		parentOf[r.Code] = r.ParentCode
	}
	for _, r := range clean {
		if r.Code == "" || r.ParentCode == "" || firstLine[r.Code] != r.Line {
			continue
		}
		p, inDB := byCode[r.ParentCode]
		_, inFile := firstLine[r.ParentCode]
		switch {
		case !inDB && !inFile:
			errs = append(errs, LineError{Line: r.Line, Column: "parent_code", Value: r.ParentCode, Msg: "unknown parent unit (ukendt overordnet enhed)"})
		case inDB && p.Closed():
			errs = append(errs, LineError{Line: r.Line, Column: "parent_code", Value: r.ParentCode, Msg: "parent unit is closed (den overordnede enhed er nedlagt)"})
		default:
			if cycle := findCycle(r.Code, parentOf); cycle != nil {
				errs = append(errs, LineError{Line: r.Line, Column: "parent_code", Value: r.ParentCode, Msg: "cycle in the tree (enhederne danner en ring): " + strings.Join(cycle, " → ")})
			}
		}
	}
	if len(errs) > 0 {
		return UnitImportResult{}, nil, errs
	}

	var res UnitImportResult
	ids := make(map[string]int64, len(stored)+len(rows))
	for _, u := range stored {
		ids[u.Code] = u.ID
	}
	for _, r := range clean {
		c := UnitChange{UnitRow: r}
		u, ok := byCode[r.Code]
		if !ok {
			c.Created = true
			res.Created++
			res.Changes = append(res.Changes, c)
			continue
		}
		c.OldName, c.OldParentCode = u.Name, parentCodeOf(u, codeOf)
		c.Renamed, c.Moved = c.OldName != r.Name, c.OldParentCode != r.ParentCode
		switch {
		case c.Renamed || c.Moved:
			res.Renamed += b2i(c.Renamed)
			res.Moved += b2i(c.Moved)
		default:
			res.Unchanged++
		}
		res.Changes = append(res.Changes, c)
	}
	for _, u := range stored {
		if _, ok := firstLine[u.Code]; !ok && !u.Closed() {
			res.Missing = append(res.Missing, u)
		}
	}
	return res, ids, nil
}

// findCycle follows parents from code and returns the path back to code
// if there is one.
func findCycle(code string, parentOf map[string]string) []string {
	path := []string{code}
	for p := parentOf[code]; p != ""; p = parentOf[p] {
		path = append(path, p)
		if p == code {
			return path
		}
		if slices.Contains(path[:len(path)-1], p) { // a cycle above code, reported on its own rows
			return nil
		}
	}
	return nil
}

func parentCodeOf(u Unit, codeOf map[int64]string) string {
	if !u.ParentID.Valid {
		return ""
	}
	return codeOf[u.ParentID.Int64]
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
