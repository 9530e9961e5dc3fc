package web

import (
	"context"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/tillid/tillid/web/auth"
)

// routes registers every route of tillid, in one readable list.
func (s *Server) routes() error {
	r := s.router

	r.GET("/healthz", s.handleHealthz)
	// Operations and the public statements (ops.go, privacy.go).
	r.GET("/readyz", s.handleReadyz)
	if s.ops != nil && !s.Config.MetricsSeparate {
		r.GET("/metrics", gin.WrapH(s.MetricsHandler()))
	}
	r.GET("/privatliv", s.handlePrivacy)
	r.GET("/tilgaengelighed", s.handleAccessibility)

	// The employee's form (survey.go), every POST behind CSRF protection.
	r.StaticFS("/static", staticFiles())
	protect, err := s.csrfProtect(context.Background())
	if err != nil {
		return err
	}
	form := r.Group("/", protect)
	form.GET("/s/:secret", s.handleSurveyShow)
	form.POST("/s/:secret", s.handleSurveySubmit)
	form.GET("/kode", s.handleKodeShow)
	form.POST("/kode", s.handleKodeSubmit)
	form.GET("/tak", s.handleTak)

	// Staff sign-in (auth_handlers.go); access rules in authz.go.
	staff := r.Group("/", protect)
	anyRole := s.require(auth.Roles...)
	staff.GET("/login", s.handleLoginShow)
	staff.POST("/login", s.handleLoginSubmit)
	staff.GET("/login/oidc", s.handleOIDCStart)
	staff.GET("/login/oidc/callback", s.handleOIDCCallback)
	staff.POST("/logout", s.handleLogout)
	staff.POST("/logout-all", anyRole, s.handleLogoutAll)
	staff.GET("/account", anyRole, s.handleAccount)

	// The read-only JSON API (api.go): organisation-wide data for HR and
	// the committee, a unit's data also for its managers; anonymous
	// callers only with Config.APIOpen (authz.go).
	api := r.Group("/api/v1")
	orgWide := s.require(auth.RoleAdministrator, auth.RoleCommittee)
	api.GET("/rounds", anyRole, s.handleAPIRounds)
	api.GET("/rounds/:id/results", orgWide, s.handleAPIRoundResults)
	api.GET("/rounds/:id/units/:code", anyRole, s.requireUnit(), s.handleAPIUnitResult)
	api.GET("/rounds/:id/correlation", orgWide, s.handleAPICorrelation)
	api.GET("/units/:code/trend", anyRole, s.requireUnit(), s.handleAPIUnitTrend)

	// Charts and the committee's report (charts.go): every role, managers
	// only for their own subtree.
	r.GET("/charts/rounds/:id/units/:code/:file", anyRole, s.requireUnit(), s.handleChart)
	r.GET("/rounds/:id/units/:code/report.zip", anyRole, s.requireUnit(), s.handleReportZip)

	// Reading results (results.go): every role, managers only for their
	// own subtree; the correlation across units for HR and the committee.
	staff.GET("/results", anyRole, s.handleResultsIndex)
	staff.GET("/results/rounds/:id/units/:code", anyRole, s.requireUnit(), s.handleResultsUnit)
	staff.GET("/results/rounds/:id/units/:code/heatmap", anyRole, s.requireUnit(), s.handleResultsHeatmap)
	staff.GET("/results/rounds/:id/units/:code/csv/:file", anyRole, s.requireUnit(), s.handleResultsCSV)
	staff.GET("/results/units/:code/trend", anyRole, s.requireUnit(), s.handleResultsTrend)
	staff.GET("/results/rounds/:id/correlation", orgWide, s.handleResultsCorrelation)
	staff.GET("/results/rounds/:id/correlation/csv/:file", orgWide, s.handleResultsCorrelationCSV)

	// HR's administration: organisation, questionnaires, absence and the
	// audit log (admin_units.go, admin_questionnaires.go,
	// admin_absence.go, admin_audit.go); administrators only.
	hr := s.require(auth.RoleAdministrator)
	staff.GET("/admin", hr, s.handleAdminHome)
	staff.GET("/admin/units", hr, s.handleUnitsList)
	staff.POST("/admin/units", hr, s.handleUnitCreate)
	staff.POST("/admin/units/import", hr, s.handleUnitsImport)
	staff.GET("/admin/units/:code", hr, s.requireUnit(), s.handleUnitShow)
	staff.POST("/admin/units/:code", hr, s.requireUnit(), s.handleUnitUpdate)
	staff.POST("/admin/units/:code/close", hr, s.requireUnit(), s.handleUnitClose)
	staff.GET("/admin/questionnaires", hr, s.handleQuestionnairesList)
	staff.POST("/admin/questionnaires", hr, s.handleQuestionnaireCreate)
	staff.GET("/admin/questionnaires/default.yaml", hr, s.handleQuestionnaireDefault)
	staff.GET("/admin/questionnaires/:id/questionnaire.yaml", hr, s.handleQuestionnaireSource)
	staff.GET("/admin/questionnaires/:id/preview", hr, s.handleQuestionnairePreview)
	staff.GET("/admin/absence", hr, s.handleAbsenceShow)
	staff.POST("/admin/absence/import", hr, s.handleAbsenceImport)
	staff.GET("/admin/audit", hr, s.handleAuditList)

	// Rounds and their invitations, e-mails and code sheets
	// (admin_rounds.go, admin_invitations.go); administrators only.
	staff.GET("/admin/rounds", hr, s.handleRoundsList)
	staff.GET("/admin/rounds/new", hr, s.handleRoundNew)
	staff.POST("/admin/rounds", hr, s.handleRoundCreate)
	staff.GET("/admin/rounds/:id", hr, s.handleRoundShow)
	staff.POST("/admin/rounds/:id/open", hr, s.handleRoundOpen)
	staff.GET("/admin/rounds/:id/close", hr, s.handleRoundCloseConfirm)
	staff.POST("/admin/rounds/:id/close", hr, s.handleRoundClose)
	staff.GET("/admin/rounds/:id/invitations", hr, s.handleInvitationsShow)
	staff.POST("/admin/rounds/:id/invitations/preview", hr, s.handleInvitationsPreview)
	staff.POST("/admin/rounds/:id/invitations", hr, s.handleInvitationsCreate)
	staff.POST("/admin/rounds/:id/invitations/codes", hr, s.handleInvitationsCodes)
	staff.POST("/admin/rounds/:id/invitations/reminder", hr, s.handleInvitationsRemind)

	// The APV action plan (plans.go): every role reads, managers only
	// their own subtree; HR and managers write, the committee only reads.
	// The unit's employees read their plan through its random key,
	// without signing in.
	planWrite := s.require(auth.RoleAdministrator, auth.RoleManager)
	staff.GET("/plans", anyRole, s.handlePlansOverview)
	staff.GET("/plans/rounds/:id/units/:code", anyRole, s.requireUnit(), s.handlePlanShow)
	staff.GET("/plans/rounds/:id/units/:code/plan.pdf", anyRole, s.requireUnit(), s.handlePlanPDF)
	staff.POST("/plans/rounds/:id/units/:code/entries", planWrite, s.requireUnit(), s.handlePlanEntryCreate)
	staff.GET("/plans/rounds/:id/units/:code/entries/:entry", planWrite, s.requireUnit(), s.handlePlanEntryEdit)
	staff.POST("/plans/rounds/:id/units/:code/entries/:entry", planWrite, s.requireUnit(), s.handlePlanEntryUpdate)
	r.GET("/handlingsplan/:key", s.handlePlanPublic)
	r.GET("/handlingsplan/:key/plan.pdf", s.handlePlanPublicPDF)

	return nil
}

// handleHealthz answers 200 while the process runs (liveness).
func (s *Server) handleHealthz(c *gin.Context) {
	c.String(http.StatusOK, "ok\n")
}
