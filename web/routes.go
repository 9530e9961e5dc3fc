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

	return nil
}

// handleHealthz answers 200 while the process runs (liveness).
func (s *Server) handleHealthz(c *gin.Context) {
	c.String(http.StatusOK, "ok\n")
}
