package web

import (
	"bytes"
	"fmt"
	"net/http"
	"slices"

	"github.com/gin-gonic/gin"

	"github.com/tillid/tillid/metrics"
	"github.com/tillid/tillid/survey"
)

// This file is HR's sickness-absence page: what is stored (months per
// top-level unit) and the upload of a payroll export with a preview of
// what it adds and replaces before anything is stored.

// actionAbsenceImport is the audit action of an absence import.
const actionAbsenceImport = "absence.import"

// absenceNotices are the notices after a change, by ?done= key.
var absenceNotices = map[string]string{"imported": "admin.absence.done_imported"}

// absenceCategoryKeys names the absence categories' message keys.
var absenceCategoryKeys = map[metrics.AbsenceCategory]string{
	metrics.OwnIllness: "admin.absence.own_illness",
	metrics.WorkInjury: "admin.absence.work_injury",
}

// absenceCoverage is what is stored for one top-level unit's subtree.
type absenceCoverage struct {
	orgUnit
	Months   int
	From, To string // the first and last month with data
}

// absencePage is the summary of stored absence and the upload form with
// the problems of a rejected file.
type absencePage struct {
	layout
	Coverage     []absenceCoverage
	Notice       string
	Problem      string
	ImportErrors survey.ImportErrors
}

// absenceTopDepth is the deepest level of the tree the summary shows:
// the municipality and its areas.
const absenceTopDepth = 1

// renderAbsence renders the absence page with status.
func (s *Server) renderAbsence(c *gin.Context, status int, lang string, p absencePage) {
	ctx := c.Request.Context()
	u, _, _ := s.currentUser(c)
	units, err := s.Survey.FindUnits(ctx)
	if err != nil {
		s.adminFail(c, err)
		return
	}
	top := slices.DeleteFunc(newOrgTree(lang, units).Open, func(v orgUnit) bool { return v.Depth > absenceTopDepth })
	ids := make([]int64, len(top))
	for i, v := range top {
		ids[i] = v.ID
	}
	series, err := s.Metrics.AbsenceSeriesByUnit(ctx, ids, "", "")
	if err != nil {
		s.adminFail(c, err)
		return
	}
	p.layout = staffLayout(c, u, lang, translate(lang, "admin.absence.title"), "/admin/absence")
	for _, v := range top {
		cov := absenceCoverage{orgUnit: v}
		if pts := series[v.ID]; len(pts) > 0 {
			cov.Months, cov.From, cov.To = len(pts), pts[0].Period, pts[len(pts)-1].Period
		}
		p.Coverage = append(p.Coverage, cov)
	}
	s.render(c, status, pageAdminAbsence, lang, p)
}

// handleAbsenceShow shows what absence is stored and the upload form.
func (s *Server) handleAbsenceShow(c *gin.Context) {
	lang := s.requestLang(c)
	s.renderAbsence(c, http.StatusOK, lang, absencePage{Notice: adminNotice(c, lang, absenceNotices)})
}

// absenceFileUnit sums an upload's rows of one unit.
type absenceFileUnit struct {
	Code     string
	Rows     int
	From, To string
	months   map[string]bool
}

// Months counts the unit's distinct months in the file.
func (u absenceFileUnit) Months() int { return len(u.months) }

// absenceChangeView is a stored row an import replaces, old → new.
type absenceChangeView struct {
	Unit, Month, Category    string
	OldDays, NewDays         string
	OldPossible, NewPossible string
	OldFTE, NewFTE           string
}

// absenceImportPage is the preview of an absence import: totals, the
// file per unit, the replaced values, and the form that re-posts the file.
type absenceImportPage struct {
	layout
	Upload  adminUpload
	Plan    metrics.AbsenceImportResult
	Units   []absenceFileUnit
	Changes []absenceChangeView
}

// newAbsenceImportPage summarises rows per unit (in file order) and the
// plan's replaced rows for the preview in lang.
func newAbsenceImportPage(lang string, rows []metrics.AbsenceRow, plan metrics.AbsenceImportResult) absenceImportPage {
	p := absenceImportPage{Plan: plan}
	at := map[string]int{}
	for _, r := range rows {
		i, ok := at[r.UnitCode]
		if !ok {
			i = len(p.Units)
			at[r.UnitCode] = i
			p.Units = append(p.Units, absenceFileUnit{Code: r.UnitCode, From: r.Month, To: r.Month, months: map[string]bool{}})
		}
		fu := &p.Units[i]
		fu.Rows++
		fu.months[r.Month] = true
		fu.From, fu.To = min(fu.From, r.Month), max(fu.To, r.Month)
	}
	fte := func(v float64) string {
		if v == 0 {
			return "–"
		}
		return adminNumber(lang, v)
	}
	for _, ch := range plan.Changes {
		cat := ch.Row.Category
		if cat == "" {
			cat = metrics.OwnIllness
		}
		p.Changes = append(p.Changes, absenceChangeView{
			Unit: ch.Row.UnitCode, Month: ch.Row.Month, Category: translate(lang, absenceCategoryKeys[cat]),
			OldDays: adminNumber(lang, ch.Old.AbsenceDays), NewDays: adminNumber(lang, ch.Row.AbsenceDays),
			OldPossible: adminNumber(lang, ch.Old.PossibleDays), NewPossible: adminNumber(lang, ch.Row.PossibleDays),
			OldFTE: fte(ch.Old.FTE), NewFTE: fte(ch.Row.FTE),
		})
	}
	return p
}

// handleAbsenceImport reads a payroll export: without confirm it shows
// what the import would add and replace (nothing is stored); with
// confirm it imports the re-posted file, all or nothing. Problems are
// shown line by line on the absence page.
func (s *Server) handleAbsenceImport(c *gin.Context) {
	lang := s.formLang(c)
	ctx := c.Request.Context()
	u, _, _ := s.currentUser(c)
	up, problem := readAdminUpload(c)
	if problem != "" {
		s.renderAbsence(c, http.StatusUnprocessableEntity, lang, absencePage{Problem: translate(lang, problem)})
		return
	}
	rows, err := metrics.ParseAbsence(bytes.NewReader(up.Data), up.Name)
	var plan metrics.AbsenceImportResult
	if err == nil && up.Confirm {
		plan, err = s.Metrics.ImportAbsence(ctx, rows)
	} else if err == nil {
		plan, err = s.Metrics.PlanAbsenceImport(ctx, rows)
	}
	if lines, problem, ok := importRejection(err); ok {
		s.renderAbsence(c, http.StatusUnprocessableEntity, lang, absencePage{ImportErrors: lines, Problem: problem})
		return
	}
	if err != nil {
		s.adminFail(c, err)
		return
	}
	if up.Confirm {
		s.adminAudit(c, u, actionAbsenceImport, plan.From+".."+plan.To, fmt.Sprintf("file=%q rows=%d units=%d added=%d replaced=%d unchanged=%d",
			up.Name, plan.Rows, plan.Units, plan.Added, plan.Replaced, plan.Unchanged))
		c.Redirect(http.StatusSeeOther, "/admin/absence?done=imported")
		return
	}
	p := newAbsenceImportPage(lang, rows, plan)
	p.layout = staffLayout(c, u, lang, translate(lang, "admin.absence.preview_title"), "/admin/absence")
	p.Upload = up
	s.render(c, http.StatusOK, pageAdminAbsenceImport, lang, p)
}
