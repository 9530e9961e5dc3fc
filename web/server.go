// Package web serves tillid over HTTP: gin routes, server-rendered pages,
// the employee's form, the JSON API, sessions, auth and i18n. It holds no
// business rule of its own: numbers come from metrics, data from survey.
package web

import (
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/tillid/tillid/metrics"
	"github.com/tillid/tillid/survey"
	"github.com/tillid/tillid/web/auth"
	"github.com/tillid/tillid/web/mail"
)

// Config is what the web layer needs from tillid's configuration.
type Config struct {
	// BaseURL is the public address of the app, used in links and to
	// decide whether cookies are Secure (https).
	BaseURL string
	// APIOpen serves the read-only JSON API without authentication.
	APIOpen bool
	// IdleTimeout and AbsoluteTimeout end staff sessions; zero takes
	// auth.DefaultIdleTimeout and auth.DefaultAbsoluteTimeout.
	IdleTimeout, AbsoluteTimeout time.Duration
	// TrustedProxies lists the reverse proxies (addresses or CIDRs) whose
	// X-Forwarded-For is believed; empty trusts none, so client addresses
	// used for rate limits cannot be forged.
	TrustedProxies []string
	// OIDC, when set, offers sign-in through the municipality's identity
	// provider besides local passwords.
	OIDC *auth.OIDCConfig
	// Mail is the SMTP server invitations and reminders are sent through
	// (admin_invitations.go); an empty Host disables e-mail.
	Mail mail.Config
	// Metrics collects Prometheus metrics (ops.go), served at /metrics
	// unless MetricsSeparate: then the caller serves MetricsHandler on a
	// listener of its own.
	Metrics, MetricsSeparate bool
	// Privacy is what the privacy notice and the accessibility statement
	// say about the municipality (privacy.go).
	Privacy Privacy
}

// Server is the HTTP side of tillid: the stores, the templates, the
// logger and the router.
type Server struct {
	Survey  *survey.Store
	Metrics *metrics.Store
	Logger  *slog.Logger
	Config  Config
	Auth    *auth.Store    // staff accounts, sessions, audit log (auth_handlers.go)
	Units   *auth.UnitTree // cached unit tree for scope checks (authz.go)
	OIDC    *auth.OIDC     // nil unless Config.OIDC is set

	router     *gin.Engine
	templates  templates  // parsed once, per page and language (templates.go)
	guard      *limiter   // guessing of invitation codes (limit.go)
	mailJobs   *mail.Jobs // background sends of invitations (admin_invitations.go)
	blankForms sync.Map   // blankKey → *blankForm, rendered once (formcache.go)

	ops *opsMetrics // Prometheus metrics, nil unless Config.Metrics (ops.go)
}

// NewServer builds the server and its routes.
func NewServer(cfg Config, ss *survey.Store, ms *metrics.Store, logger *slog.Logger) (*Server, error) {
	gin.SetMode(gin.ReleaseMode)
	s := &Server{Survey: ss, Metrics: ms, Logger: logger, Config: cfg, guard: newLimiter(codeAttempts, codeAttemptEvery)}
	var err error
	if s.templates, err = loadTemplates(); err != nil {
		return nil, err
	}
	if err := s.setupAuth(); err != nil {
		return nil, err
	}
	if s.mailJobs, err = newMailJobs(cfg.Mail, ss, logger); err != nil {
		return nil, err
	}
	s.router = gin.New()
	if err := s.router.SetTrustedProxies(cfg.TrustedProxies); err != nil {
		return nil, fmt.Errorf("web: trusted proxies: %w", err)
	}
	s.router.Use(s.recoverer(), s.logRequests(), securityHeaders())
	if cfg.Metrics {
		s.ops = newOpsMetrics(s)
		s.router.Use(s.ops.instrument())
	}
	if err := s.routes(); err != nil {
		return nil, err
	}
	return s, nil
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.router.ServeHTTP(w, r)
}
