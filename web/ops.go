package web

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/tillid/tillid/migrations"
	"github.com/tillid/tillid/survey"
)

// readyTimeout bounds the database check of /readyz.
const readyTimeout = 2 * time.Second

// handleReadyz answers 200 when the app can serve: the database answers
// within 2 s and its schema is current. Otherwise 503 with the reason,
// so a load balancer sends no traffic to this instance.
func (s *Server) handleReadyz(c *gin.Context) {
	ctx, cancel := context.WithTimeout(c.Request.Context(), readyTimeout)
	defer cancel()
	db := s.Survey.DB()
	if err := db.PingContext(ctx); err != nil {
		s.Logger.Warn("not ready: database", "err", err)
		c.String(http.StatusServiceUnavailable, "not ready: database unreachable\n")
		return
	}
	pending, err := migrations.Pending(ctx, db.DB, survey.Dialect(db))
	switch {
	case err != nil:
		s.Logger.Warn("not ready: migrations", "err", err)
		c.String(http.StatusServiceUnavailable, "not ready: schema version unknown\n")
	case pending:
		c.String(http.StatusServiceUnavailable, "not ready: migrations pending\n")
	default:
		c.String(http.StatusOK, "ready\n")
	}
}

// opsMetrics are the Prometheus metrics of one Server, in a registry of
// its own (several servers in one test process do not collide).
type opsMetrics struct {
	registry    *prometheus.Registry
	requests    *prometheus.CounterVec
	duration    *prometheus.HistogramVec
	submissions *prometheus.CounterVec
}

// Outcomes of a submission, the label of tillid_submissions_total.
const (
	submissionAccepted        = "accepted"
	submissionAlreadyAnswered = "already_answered"
	submissionRejected        = "rejected"
)

// newOpsMetrics registers the request, submission, database pool, Go
// runtime and process metrics.
func newOpsMetrics(s *Server) *opsMetrics {
	m := &opsMetrics{
		registry: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "tillid_http_requests_total",
			Help: "HTTP requests by route template (never the raw path: it may hold a token), method and status.",
		}, []string{"route", "method", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "tillid_http_request_duration_seconds",
			Help:    "HTTP request latency by route template and method.",
			Buckets: []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30},
		}, []string{"route", "method"}),
		submissions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "tillid_submissions_total",
			Help: "Survey form submissions: accepted, already answered, or rejected (unknown invitation, round not open, refused by the store). Forms sent back for missing answers (422) are not counted.",
		}, []string{"outcome"}),
	}
	for _, o := range []string{submissionAccepted, submissionAlreadyAnswered, submissionRejected} {
		m.submissions.WithLabelValues(o) // show zeros from the start
	}
	m.registry.MustRegister(m.requests, m.duration, m.submissions,
		collectors.NewDBStatsCollector(s.Survey.DB().DB, survey.Dialect(s.Survey.DB())),
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// instrument counts and times every request under its route template
// (c.FullPath(); "unmatched" for 404s of unknown paths).
func (m *opsMetrics) instrument() gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		c.Next()
		route := c.FullPath()
		if route == "" {
			route = "unmatched"
		}
		method := c.Request.Method
		m.requests.WithLabelValues(route, method, strconv.Itoa(c.Writer.Status())).Inc()
		m.duration.WithLabelValues(route, method).Observe(time.Since(start).Seconds())
	}
}

// countSubmission records the outcome of survey.SubmitResponse.
func (s *Server) countSubmission(err error) {
	if s.ops == nil {
		return
	}
	outcome := submissionRejected
	switch {
	case err == nil:
		outcome = submissionAccepted
	case errors.Is(err, survey.ErrAlreadyAnswered):
		outcome = submissionAlreadyAnswered
	}
	s.ops.submissions.WithLabelValues(outcome).Inc()
}

// countRefused records a submission refused before it reached the
// store: an invitation already used, or unknown, or of a round not open.
func (s *Server) countRefused(inv survey.Invitation) {
	if inv.Used {
		s.countSubmission(survey.ErrAlreadyAnswered)
	} else {
		s.countSubmission(survey.ErrConflict)
	}
}

// MetricsHandler serves the Prometheus metrics; nil unless Config.Metrics.
// With Config.MetricsSeparate the caller serves it on a listener of its
// own (the recommended setup: --metrics-addr 127.0.0.1:9090).
func (s *Server) MetricsHandler() http.Handler {
	if s.ops == nil {
		return nil
	}
	return promhttp.HandlerFor(s.ops.registry, promhttp.HandlerOpts{})
}
