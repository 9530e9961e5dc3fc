package survey_test

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/tillid/tillid/survey"
	"github.com/tillid/tillid/survey/surveytest"
)

// freshStore returns a store over a new, migrated database.
func freshStore(t testing.TB) *survey.Store {
	t.Helper()
	return survey.NewStore(surveytest.Open(t))
}

// importUnits imports a units CSV and fails the test on error.
func importUnits(t testing.TB, s *survey.Store, csv string) survey.UnitImportResult {
	t.Helper()
	rows, err := survey.ParseUnitsCSV(strings.NewReader(csv))
	if err != nil {
		t.Fatal(err)
	}
	res, err := s.ImportUnits(context.Background(), rows)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// treeCSV is a small municipality, children listed before their parents.
const treeCSV = "code;name;parent_code\r\n" +
	"BU1;Dagtilbud Nord;BU\r\n" +
	"BU2;Dagtilbud Syd;BU\r\n" +
	"BU;Børn og Unge;K\r\n" +
	"K;Kommunen;\r\n" +
	"SO;Social og Sundhed;K\r\n"

// parentCode returns the code of u's parent, or "".
func parentCode(t testing.TB, s *survey.Store, u survey.Unit) string {
	t.Helper()
	if !u.ParentID.Valid {
		return ""
	}
	p, err := s.FindUnitByID(context.Background(), u.ParentID.Int64)
	if err != nil {
		t.Fatal(err)
	}
	return p.Code
}

func TestCreateUnit(t *testing.T) {
	ctx := context.Background()
	s := freshStore(t)
	t.Run("OK", func(t *testing.T) {
		root := survey.Unit{Code: " K ", Name: "Kommunen"}
		if err := s.CreateUnit(ctx, &root); err != nil {
			t.Fatal(err)
		}
		child := survey.Unit{Code: "A", Name: "Afdeling A", ParentID: sql.NullInt64{Int64: root.ID, Valid: true}}
		if err := s.CreateUnit(ctx, &child); err != nil {
			t.Fatal(err)
		}
		got, err := s.FindUnitByCode(ctx, "A")
		if err != nil {
			t.Fatal(err)
		}
		if got.ID != child.ID || got.ParentID.Int64 != root.ID || got.Closed() || got.CreatedAt == 0 {
			t.Errorf("got %+v, want %+v", got, child)
		}
		if root.Code != "K" {
			t.Errorf("code: got %q, want K", root.Code)
		}
	})
	t.Run("ErrConflict", func(t *testing.T) {
		if err := s.CreateUnit(ctx, &survey.Unit{Code: "K", Name: "Igen"}); !errors.Is(err, survey.ErrConflict) {
			t.Errorf("got %v, want ErrConflict", err)
		}
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		for _, u := range []survey.Unit{{Code: "", Name: "x"}, {Code: "x", Name: " "}, {Code: "x", Name: "x", ParentID: sql.NullInt64{Int64: 999, Valid: true}}} {
			if err := s.CreateUnit(ctx, &u); !errors.Is(err, survey.ErrInvalid) {
				t.Errorf("%+v: got %v, want ErrInvalid", u, err)
			}
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		if _, err := s.FindUnitByCode(ctx, "nope"); !errors.Is(err, survey.ErrNotFound) {
			t.Errorf("got %v, want ErrNotFound", err)
		}
		if _, err := s.FindUnitByID(ctx, 999); !errors.Is(err, survey.ErrNotFound) {
			t.Errorf("got %v, want ErrNotFound", err)
		}
	})
}

func TestImportUnits(t *testing.T) {
	ctx := context.Background()
	t.Run("OK", func(t *testing.T) {
		s := freshStore(t)
		res := importUnits(t, s, treeCSV)
		if res.Created != 5 || res.Renamed+res.Moved+res.Unchanged != 0 {
			t.Errorf("first import: got %+v, want 5 created", res)
		}
		units, err := s.FindUnits(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var codes []string
		for _, u := range units {
			codes = append(codes, u.Code+"<"+parentCode(t, s, u))
		}
		if got, want := strings.Join(codes, " "), "BU<K BU1<BU BU2<BU K< SO<K"; got != want {
			t.Errorf("tree: got %s, want %s", got, want)
		}

		// Rename BU1, move BU2 under SO, add SO1 under a new SO2, leave K out.
		next := "code,name,parent_code\n" +
			"BU1,Dagtilbud Nordvest,BU\n" +
			"BU2,Dagtilbud Syd,SO\n" +
			"BU,Børn og Unge,K\n" +
			"SO1,Hjemmeplejen,SO2\n" +
			"SO2,Ældre,SO\n" +
			"SO,Social og Sundhed,K\n"
		rows, err := survey.ParseUnitsCSV(strings.NewReader(next))
		if err != nil {
			t.Fatal(err)
		}
		plan, err := s.PlanUnitImport(ctx, rows)
		if err != nil {
			t.Fatal(err)
		}
		if plan.Created != 2 || plan.Renamed != 1 || plan.Moved != 1 || plan.Unchanged != 2 {
			t.Errorf("plan: got %+v, want 2 created, 1 renamed, 1 moved, 2 unchanged", plan)
		}
		if c := plan.Changes[0]; !c.Renamed || c.OldName != "Dagtilbud Nord" || c.Line != 2 {
			t.Errorf("plan change 0: got %+v, want BU1 renamed from Dagtilbud Nord", c)
		}
		if c := plan.Changes[1]; !c.Moved || c.OldParentCode != "BU" || c.ParentCode != "SO" {
			t.Errorf("plan change 1: got %+v, want BU2 moved from BU to SO", c)
		}
		if len(plan.Missing) != 1 || plan.Missing[0].Code != "K" {
			t.Errorf("missing: got %+v, want K", plan.Missing)
		}
		if after, _ := s.FindUnits(ctx); len(after) != 5 {
			t.Errorf("plan stored something: got %d units, want 5", len(after))
		}
		res, err = s.ImportUnits(ctx, rows)
		if err != nil {
			t.Fatal(err)
		}
		if res.Created != 2 || res.Renamed != 1 || res.Moved != 1 {
			t.Errorf("import: got %+v, want the plan", res)
		}
		bu1, _ := s.FindUnitByCode(ctx, "BU1")
		bu2, _ := s.FindUnitByCode(ctx, "BU2")
		so1, _ := s.FindUnitByCode(ctx, "SO1")
		if bu1.Name != "Dagtilbud Nordvest" || parentCode(t, s, bu2) != "SO" || parentCode(t, s, so1) != "SO2" {
			t.Errorf("after import: got %+v %+v %+v", bu1, bu2, so1)
		}
		if units, _ := s.FindUnits(ctx); len(units) != 7 {
			t.Errorf("got %d units, want 7 (none deleted)", len(units))
		}
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		s := freshStore(t)
		importUnits(t, s, treeCSV)
		bad := "code,name,parent_code\n" +
			",Uden kode,K\n" + // 2: empty code
			"X1,,K\n" + // 3: empty name
			"X2,To,K\n" +
			"X2,To igen,K\n" + // 5: duplicate
			"X3,Tre,NOPE\n" + // 6: unknown parent
			"C1,Ring 1,C2\n" + // 7: cycle
			"C2,Ring 2,C1\n" + // 8: cycle
			"K,Kommunen,BU\n" + // 9: cycle through stored BU
			"X4,Fire,\n"
		rows, err := survey.ParseUnitsCSV(strings.NewReader(bad))
		if err != nil {
			t.Fatal(err)
		}
		_, err = s.ImportUnits(ctx, rows)
		var ie survey.ImportErrors
		if !errors.As(err, &ie) || !errors.Is(err, survey.ErrInvalid) {
			t.Fatalf("got %v, want ImportErrors", err)
		}
		var got []string
		for _, e := range ie {
			got = append(got, strings.Join([]string{strconv.Itoa(e.Line), e.Column, e.Value}, ":"))
		}
		want := "2:code: 3:name:X1 5:code:X2 6:parent_code:NOPE 7:parent_code:C2 8:parent_code:C1 9:parent_code:BU"
		if strings.Join(got, " ") != want {
			t.Errorf("got %s, want %s", strings.Join(got, " "), want)
		}
		if _, err := s.FindUnitByCode(ctx, "X4"); !errors.Is(err, survey.ErrNotFound) {
			t.Errorf("X4: got %v, want ErrNotFound (nothing imported)", err)
		}
		if k, _ := s.FindUnitByCode(ctx, "K"); k.ParentID.Valid {
			t.Errorf("K: got parent %v, want none (nothing imported)", k.ParentID)
		}
	})
	t.Run("ErrClosedParent", func(t *testing.T) {
		s := freshStore(t)
		importUnits(t, s, treeCSV)
		if err := s.CloseUnit(ctx, "SO", parseDay(t, "2024-01-01"), ""); err != nil {
			t.Fatal(err)
		}
		_, err := s.ImportUnits(ctx, []survey.UnitRow{{Line: 2, Code: "N", Name: "Ny", ParentCode: "SO"}})
		var ie survey.ImportErrors
		if !errors.As(err, &ie) || len(ie) != 1 || ie[0].Column != "parent_code" {
			t.Errorf("got %v, want one parent_code error", err)
		}
	})
}

func TestCloseUnit(t *testing.T) {
	ctx := context.Background()
	s := freshStore(t)
	importUnits(t, s, treeCSV)
	on := parseDay(t, "2024-06-30")
	t.Run("OK", func(t *testing.T) {
		if err := s.CloseUnit(ctx, "BU2", on, "BU1"); err != nil {
			t.Fatal(err)
		}
		bu1, _ := s.FindUnitByCode(ctx, "BU1")
		bu2, _ := s.FindUnitByCode(ctx, "BU2")
		if !bu2.Closed() || bu2.ClosedOn.V != on || bu2.SuccessorID.Int64 != bu1.ID {
			t.Errorf("got %+v, want closed on %s, succeeded by %d", bu2, on, bu1.ID)
		}
		lineage, err := s.FindUnitLineage(ctx, bu1.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(lineage) != 2 || lineage[0].Code != "BU1" || lineage[1].Code != "BU2" {
			t.Errorf("lineage: got %+v, want BU1, BU2", lineage)
		}
	})
	t.Run("ErrConflict", func(t *testing.T) {
		if err := s.CloseUnit(ctx, "BU2", on, ""); !errors.Is(err, survey.ErrConflict) {
			t.Errorf("closed twice: got %v, want ErrConflict", err)
		}
		if err := s.CloseUnit(ctx, "BU", on, ""); !errors.Is(err, survey.ErrConflict) {
			t.Errorf("open sub-units: got %v, want ErrConflict", err)
		}
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		for _, succ := range []string{"BU1", "BU2", "NOPE"} {
			if err := s.CloseUnit(ctx, "BU1", on, succ); !errors.Is(err, survey.ErrInvalid) {
				t.Errorf("successor %s: got %v, want ErrInvalid", succ, err)
			}
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		if err := s.CloseUnit(ctx, "NOPE", on, ""); !errors.Is(err, survey.ErrNotFound) {
			t.Errorf("got %v, want ErrNotFound", err)
		}
	})
}

// parseDay parses a YYYY-MM-DD date and fails the test on error.
func parseDay(t testing.TB, s string) survey.Date {
	t.Helper()
	d, err := survey.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestUpdateUnit(t *testing.T) {
	ctx := context.Background()
	s := freshStore(t)
	importUnits(t, s, treeCSV)
	t.Run("OK", func(t *testing.T) {
		if err := s.UpdateUnit(ctx, "BU2", " Dagtilbud Øst ", "SO"); err != nil {
			t.Fatal(err)
		}
		u, err := s.FindUnitByCode(ctx, "BU2")
		if err != nil {
			t.Fatal(err)
		}
		if got, want := u.Name+"/"+parentCode(t, s, u), "Dagtilbud Øst/SO"; got != want {
			t.Errorf("got %s, want %s", got, want)
		}
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		for _, tc := range []struct{ code, name, parent, column string }{
			{"K", "Kommunen", "BU1", "parent_code"}, // a cycle
			{"BU1", "", "BU", "name"},
			{"BU1", "Dagtilbud Nord", "NOPE", "parent_code"},
		} {
			err := s.UpdateUnit(ctx, tc.code, tc.name, tc.parent)
			var ie survey.ImportErrors
			if !errors.Is(err, survey.ErrInvalid) || !errors.As(err, &ie) || ie[0].Column != tc.column {
				t.Errorf("%s under %s: got %v, want an ImportErrors on %s", tc.code, tc.parent, err, tc.column)
			}
		}
		k, _ := s.FindUnitByCode(ctx, "K")
		if k.ParentID.Valid {
			t.Errorf("got K under %d, want the rejected move to change nothing", k.ParentID.Int64)
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		if err := s.UpdateUnit(ctx, "NOPE", "Ny", ""); !errors.Is(err, survey.ErrNotFound) {
			t.Errorf("got %v, want ErrNotFound", err)
		}
	})
}
