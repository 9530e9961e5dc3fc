package web

import (
	"bytes"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/tillid/tillid/survey"
)

// This file is HR's organisation page: the unit tree with a filter, a
// form to add a unit, one unit's page to rename, move or close it, and
// the import of the tree from CSV/XLSX with a preview of its changes.

// actionUnitChange is the audit action of every change to the tree.
const actionUnitChange = "unit.change"

// unitNotices are the notices after a change, by ?done= key.
var unitNotices = map[string]string{
	"created":  "admin.units.done_created",
	"updated":  "admin.units.done_updated",
	"closed":   "admin.units.done_closed",
	"imported": "admin.units.done_imported",
}

// orgUnit is one unit as the pages list it.
type orgUnit struct {
	ID         int64
	Code, Name string
	// Depth is the unit's level in the tree of open units, 0 for a root.
	Depth       int
	ParentCode  string
	Subunits    int // open direct sub-units
	Closed      bool
	ClosedOn    string
	Successor   string // "CODE – Name" of the successor, if any
	CreatedOn   string
	OptionLabel string // the unit in a parent or successor select, indented
}

// unitOptions is the units a select offers, in tree order.
type unitOptions []orgUnit

// Select returns the options with the unit of code selected (the
// admin_unit_options template shows them).
func (us unitOptions) Select(code string) unitSelect {
	return unitSelect{Options: us, Selected: code}
}

// unitSelect is the options of a select of units and the selected code.
type unitSelect struct {
	Options  unitOptions
	Selected string
}

// maxIndent is the deepest level the tables indent further.
const maxIndent = 5

// Indent returns the unit's indentation level in a table (depth-N class).
func (u orgUnit) Indent() int { return min(u.Depth, maxIndent) }

// orgTree is the organisation as the pages show it: open units in tree
// order (parents before their children, siblings by code), closed units
// apart, by code.
type orgTree struct {
	Open, Closed []orgUnit
	byCode       map[string]orgUnit
}

// newOrgTree arranges units (FindUnits) for the pages in lang.
func newOrgTree(lang string, units []survey.Unit) orgTree {
	byID := make(map[int64]survey.Unit, len(units))
	for _, u := range units {
		byID[u.ID] = u
	}
	children := map[int64][]survey.Unit{}
	var roots []survey.Unit
	t := orgTree{byCode: make(map[string]orgUnit, len(units))}
	for _, u := range units { // ordered by code
		v := orgUnit{ID: u.ID, Code: u.Code, Name: u.Name, Closed: u.Closed(), CreatedOn: adminDate(lang, u.CreatedAt)}
		if p, ok := byID[u.ParentID.Int64]; ok && u.ParentID.Valid {
			v.ParentCode = p.Code
		}
		if u.Closed() {
			v.ClosedOn = formatDate(lang, u.ClosedOn.V)
			if succ, ok := byID[u.SuccessorID.Int64]; ok && u.SuccessorID.Valid {
				v.Successor = succ.Code + " – " + succ.Name
			}
			t.Closed = append(t.Closed, v)
			t.byCode[u.Code] = v
			continue
		}
		if p, ok := byID[u.ParentID.Int64]; ok && u.ParentID.Valid && !p.Closed() {
			children[p.ID] = append(children[p.ID], u)
		} else {
			roots = append(roots, u)
		}
		t.byCode[u.Code] = v
	}
	var walk func(u survey.Unit, depth int)
	walk = func(u survey.Unit, depth int) {
		v := t.byCode[u.Code]
		v.Depth, v.Subunits = depth, len(children[u.ID])
		v.OptionLabel = strings.Repeat("\u00a0\u00a0\u00a0", depth) + u.Code + " – " + u.Name
		t.byCode[u.Code] = v
		t.Open = append(t.Open, v)
		for _, ch := range children[u.ID] {
			walk(ch, depth+1)
		}
	}
	for _, r := range roots {
		walk(r, 0)
	}
	return t
}

// filter returns the tree's units whose code or name contains q (any case).
func (t orgTree) filter(q string) orgTree {
	q = strings.ToLower(strings.TrimSpace(q))
	if q == "" {
		return t
	}
	miss := func(v orgUnit) bool {
		return !strings.Contains(strings.ToLower(v.Code), q) && !strings.Contains(strings.ToLower(v.Name), q)
	}
	return orgTree{Open: slices.DeleteFunc(slices.Clone(t.Open), miss), Closed: slices.DeleteFunc(slices.Clone(t.Closed), miss), byCode: t.byCode}
}

// unitsPage is the organisation page: the tree, the form to add a unit
// and the import form, with the problems of whichever was posted.
type unitsPage struct {
	layout
	Query         string
	Tree          orgTree
	Total, Shown  int
	Options       unitOptions // open units, for the parent select
	Notice        string
	Code, Name    string // the add form as posted
	Parent        string
	Errors        adminErrors
	ImportErrors  survey.ImportErrors
	ImportProblem string
}

// renderUnits renders the organisation page with status; p carries what
// was posted.
func (s *Server) renderUnits(c *gin.Context, status int, lang string, p unitsPage) {
	u, _, _ := s.currentUser(c) // require has signed the user in
	units, err := s.Survey.FindUnits(c.Request.Context())
	if err != nil {
		s.adminFail(c, err)
		return
	}
	tree := newOrgTree(lang, units)
	p.layout = staffLayout(c, u, lang, translate(lang, "admin.units.title"), "/admin/units")
	p.Options, p.Total = tree.Open, len(units)
	p.Tree = tree.filter(p.Query)
	p.Shown = len(p.Tree.Open) + len(p.Tree.Closed)
	s.render(c, status, pageAdminUnits, lang, p)
}

// handleAdminHome sends HR's administration entry to the organisation.
func (s *Server) handleAdminHome(c *gin.Context) {
	c.Redirect(http.StatusSeeOther, "/admin/units")
}

// handleUnitsList shows the unit tree, filtered by ?q=.
func (s *Server) handleUnitsList(c *gin.Context) {
	lang := s.requestLang(c)
	s.renderUnits(c, http.StatusOK, lang, unitsPage{Query: c.Query("q"), Notice: adminNotice(c, lang, unitNotices)})
}

// handleUnitCreate adds an open unit under the chosen parent.
func (s *Server) handleUnitCreate(c *gin.Context) {
	lang := s.formLang(c)
	ctx := c.Request.Context()
	u, _, _ := s.currentUser(c)
	p := unitsPage{Code: strings.TrimSpace(c.PostForm("code")), Name: strings.TrimSpace(c.PostForm("name")), Parent: c.PostForm("parent")}
	if p.Code == "" {
		p.Errors.add(lang, "code", "admin.units.err_code")
	}
	if p.Name == "" {
		p.Errors.add(lang, "name", "admin.units.err_name")
	}
	unit := survey.Unit{Code: p.Code, Name: p.Name}
	if p.Parent != "" {
		parent, err := s.Survey.FindUnitByCode(ctx, p.Parent)
		switch {
		case errors.Is(err, survey.ErrNotFound):
			p.Errors.add(lang, "parent", "admin.units.err_parent")
		case err != nil:
			s.adminFail(c, err)
			return
		}
		unit.ParentID = sql.NullInt64{Int64: parent.ID, Valid: true}
	}
	if len(p.Errors) > 0 {
		s.renderUnits(c, http.StatusUnprocessableEntity, lang, p)
		return
	}
	err := s.Survey.CreateUnit(ctx, &unit)
	switch {
	case errors.Is(err, survey.ErrConflict):
		p.Errors.add(lang, "code", "admin.units.err_code_taken")
	case errors.Is(err, survey.ErrInvalid):
		p.Errors.add(lang, "parent", "admin.units.err_parent")
	case err != nil:
		s.adminFail(c, err)
		return
	}
	if len(p.Errors) > 0 {
		s.renderUnits(c, http.StatusUnprocessableEntity, lang, p)
		return
	}
	s.Units.Invalidate()
	s.adminAudit(c, u, actionUnitChange, unit.Code, fmt.Sprintf("created: name=%q parent=%q", unit.Name, p.Parent))
	c.Redirect(http.StatusSeeOther, "/admin/units?done=created")
}

// unitsImportPage is the preview of a units import: what would change,
// and the form that re-posts the file to carry it out.
type unitsImportPage struct {
	layout
	Upload  adminUpload
	Plan    survey.UnitImportResult
	Changed []survey.UnitChange // the plan's created, renamed and moved rows
}

// handleUnitsImport reads a units file: without confirm it shows what the
// import would change (nothing is stored); with confirm it imports the
// re-posted file, all or nothing. Problems are shown line by line on the
// organisation page.
func (s *Server) handleUnitsImport(c *gin.Context) {
	lang := s.formLang(c)
	ctx := c.Request.Context()
	u, _, _ := s.currentUser(c)
	up, problem := readAdminUpload(c)
	if problem != "" {
		s.renderUnits(c, http.StatusUnprocessableEntity, lang, unitsPage{ImportProblem: translate(lang, problem)})
		return
	}
	rows, err := survey.ParseUnitsCSV(bytes.NewReader(up.Data))
	var plan survey.UnitImportResult
	if err == nil && up.Confirm {
		plan, err = s.Survey.ImportUnits(ctx, rows)
	} else if err == nil {
		plan, err = s.Survey.PlanUnitImport(ctx, rows)
	}
	if lines, problem, ok := importRejection(err); ok {
		s.renderUnits(c, http.StatusUnprocessableEntity, lang, unitsPage{ImportErrors: lines, ImportProblem: problem})
		return
	}
	if err != nil {
		s.adminFail(c, err)
		return
	}
	if up.Confirm {
		s.Units.Invalidate()
		s.adminAudit(c, u, actionUnitChange, "import", fmt.Sprintf("file=%q created=%d renamed=%d moved=%d unchanged=%d",
			up.Name, plan.Created, plan.Renamed, plan.Moved, plan.Unchanged))
		c.Redirect(http.StatusSeeOther, "/admin/units?done=imported")
		return
	}
	p := unitsImportPage{layout: staffLayout(c, u, lang, translate(lang, "admin.units.preview_title"), "/admin/units"), Upload: up, Plan: plan}
	for _, ch := range plan.Changes {
		if ch.Created || ch.Renamed || ch.Moved {
			p.Changed = append(p.Changed, ch)
		}
	}
	s.render(c, http.StatusOK, pageAdminUnitsImport, lang, p)
}

// unitPage is one unit's page: its details, the form to rename or move
// it and the form to close it.
type unitPage struct {
	layout
	Unit    orgUnit
	Options unitOptions // open units other than this one
	Notice  string
	// The posted forms: name and parent; closing date and successor.
	Name, Parent        string
	ClosedOn, Successor string
	Errors              adminErrors
	// updated is set when the rename form was posted: its values stay.
	updated bool
}

// renderUnit renders the page of the unit with the route's code.
func (s *Server) renderUnit(c *gin.Context, status int, lang string, p unitPage) {
	u, _, _ := s.currentUser(c)
	code := c.Param("code")
	units, err := s.Survey.FindUnits(c.Request.Context())
	if err != nil {
		s.adminFail(c, err)
		return
	}
	tree := newOrgTree(lang, units)
	unit, ok := tree.byCode[code]
	if !ok {
		s.adminFail(c, fmt.Errorf("web: unit %q: %w", code, survey.ErrNotFound))
		return
	}
	p.layout = staffLayout(c, u, lang, tprintf(lang, "admin.unit.title", unit.Code, unit.Name), "/admin/units/"+url.PathEscape(code))
	p.Unit = unit
	p.Options = slices.DeleteFunc(slices.Clone(tree.Open), func(v orgUnit) bool { return v.Code == code })
	if !p.updated {
		p.Name, p.Parent = unit.Name, unit.ParentCode
	}
	s.render(c, status, pageAdminUnit, lang, p)
}

// handleUnitShow shows one unit with its forms.
func (s *Server) handleUnitShow(c *gin.Context) {
	lang := s.requestLang(c)
	s.renderUnit(c, http.StatusOK, lang, unitPage{Notice: adminNotice(c, lang, unitNotices)})
}

// unitUpdateFields maps the columns of UpdateUnit's problems to the form's inputs.
var unitUpdateFields = map[string]string{"name": "name", "parent_code": "parent"}

// handleUnitUpdate renames the unit and moves it under the chosen parent;
// the store refuses an unknown or closed parent and cycles.
func (s *Server) handleUnitUpdate(c *gin.Context) {
	lang := s.formLang(c)
	u, _, _ := s.currentUser(c)
	code := c.Param("code")
	p := unitPage{Name: strings.TrimSpace(c.PostForm("name")), Parent: c.PostForm("parent"), updated: true}
	err := s.Survey.UpdateUnit(c.Request.Context(), code, p.Name, p.Parent)
	if lines := importLines(err); lines != nil {
		for _, l := range lines {
			p.Errors = append(p.Errors, adminFieldError{Field: unitUpdateFields[l.Column], Text: l.Msg})
		}
		s.renderUnit(c, http.StatusUnprocessableEntity, lang, p)
		return
	}
	if err != nil {
		s.adminFail(c, err)
		return
	}
	s.Units.Invalidate()
	s.adminAudit(c, u, actionUnitChange, code, fmt.Sprintf("updated: name=%q parent=%q", p.Name, p.Parent))
	c.Redirect(http.StatusSeeOther, "/admin/units/"+url.PathEscape(code)+"?done=updated")
}

// handleUnitClose closes the unit on the given date, naming the unit that
// carries its history on.
func (s *Server) handleUnitClose(c *gin.Context) {
	lang := s.formLang(c)
	u, _, _ := s.currentUser(c)
	code := c.Param("code")
	p := unitPage{ClosedOn: strings.TrimSpace(c.PostForm("closed_on")), Successor: c.PostForm("successor")}
	on, err := survey.ParseDate(p.ClosedOn)
	if err != nil {
		p.Errors.add(lang, "closed_on", "admin.unit.err_date")
		s.renderUnit(c, http.StatusUnprocessableEntity, lang, p)
		return
	}
	err = s.Survey.CloseUnit(c.Request.Context(), code, on, p.Successor)
	switch {
	case errors.Is(err, survey.ErrInvalid):
		p.Errors.add(lang, "successor", "admin.unit.err_successor")
	case errors.Is(err, survey.ErrConflict):
		p.Errors.add(lang, "", "admin.unit.err_close_conflict")
	case err != nil:
		s.adminFail(c, err)
		return
	}
	if len(p.Errors) > 0 {
		s.renderUnit(c, http.StatusUnprocessableEntity, lang, p)
		return
	}
	s.Units.Invalidate()
	s.adminAudit(c, u, actionUnitChange, code, fmt.Sprintf("closed: on=%s successor=%q", on, p.Successor))
	c.Redirect(http.StatusSeeOther, "/admin/units/"+url.PathEscape(code)+"?done=closed")
}
