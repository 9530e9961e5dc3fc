package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/tillid/tillid/survey"
	"github.com/tillid/tillid/web"
	"github.com/tillid/tillid/web/auth"
	"github.com/tillid/tillid/web/mail"
)

// shutdownGrace is how long serve waits for requests in flight on SIGINT/SIGTERM.
const shutdownGrace = 20 * time.Second

// runServe runs the web app until ctx is cancelled, then finishes the
// requests in flight and returns.
func (m *Main) runServe(ctx context.Context, args []string) error {
	fs := m.flagSet("serve")
	addr := fs.String("addr", envOr("TILLID_ADDR", ":8080"), "listen address (env TILLID_ADDR)")
	baseURL := fs.String("base-url", envOr("TILLID_BASE_URL", ""), "public URL of the app, for links (env TILLID_BASE_URL; default http://localhost:PORT)")
	apiOpen := fs.Bool("api-open", envOr("TILLID_API_OPEN", "") == "true", "serve the JSON API without authentication (env TILLID_API_OPEN=true)")
	proxies := fs.String("trusted-proxies", envOr("TILLID_TRUSTED_PROXIES", ""), "comma-separated addresses or CIDRs of reverse proxies whose X-Forwarded-For is trusted (env TILLID_TRUSTED_PROXIES)")
	demo := fs.Bool("demo", false, "fill an empty database with the demo municipality before serving")
	idle := fs.Duration("session-idle", envDuration("TILLID_SESSION_IDLE", auth.DefaultIdleTimeout), "staff sessions end after this long without a request (env TILLID_SESSION_IDLE)")
	absolute := fs.Duration("session-max", envDuration("TILLID_SESSION_MAX", auth.DefaultAbsoluteTimeout), "staff sessions end this long after sign-in (env TILLID_SESSION_MAX)")
	var smtp mail.Config
	fs.StringVar(&smtp.Host, "smtp-host", envOr("TILLID_SMTP_HOST", ""), "SMTP server for invitations and reminders; empty disables e-mail (env TILLID_SMTP_HOST)")
	fs.IntVar(&smtp.Port, "smtp-port", envInt("TILLID_SMTP_PORT", 587), "SMTP port (env TILLID_SMTP_PORT)")
	fs.StringVar(&smtp.Username, "smtp-user", envOr("TILLID_SMTP_USER", ""), "SMTP user name; empty sends without AUTH (env TILLID_SMTP_USER)")
	smtp.Password = os.Getenv("TILLID_SMTP_PASSWORD") // a secret: environment only
	fs.StringVar(&smtp.From, "smtp-from", envOr("TILLID_SMTP_FROM", ""), "sender of invitations, e.g. \"Søby Kommune HR <hr@soeby.dk>\" (env TILLID_SMTP_FROM)")
	fs.StringVar(&smtp.Contact, "smtp-contact", envOr("TILLID_SMTP_CONTACT", ""), "whom employees ask about the survey, written in every mail; default the sender (env TILLID_SMTP_CONTACT)")
	tlsPolicy := fs.String("smtp-tls", envOr("TILLID_SMTP_TLS", "mandatory"), "STARTTLS policy: mandatory, opportunistic or none (env TILLID_SMTP_TLS)")
	var oidc auth.OIDCConfig
	fs.StringVar(&oidc.IssuerURL, "oidc-issuer", envOr("TILLID_OIDC_ISSUER", ""), "OpenID Connect issuer URL of the municipality's identity provider; empty disables OIDC sign-in (env TILLID_OIDC_ISSUER)")
	fs.StringVar(&oidc.ClientID, "oidc-client-id", envOr("TILLID_OIDC_CLIENT_ID", ""), "OIDC client id (env TILLID_OIDC_CLIENT_ID)")
	oidc.ClientSecret = os.Getenv("TILLID_OIDC_CLIENT_SECRET") // a secret: environment only, never a flag visible in ps
	fs.StringVar(&oidc.RedirectURL, "oidc-redirect-url", envOr("TILLID_OIDC_REDIRECT_URL", ""), "OIDC redirect URL (env TILLID_OIDC_REDIRECT_URL; default BASE-URL/login/oidc/callback)")
	fs.StringVar(&oidc.RolesClaim, "oidc-roles-claim", envOr("TILLID_OIDC_ROLES_CLAIM", "groups"), "ID-token claim holding the user's groups or roles (env TILLID_OIDC_ROLES_CLAIM)")
	roleMap := fs.String("oidc-role-map", envOr("TILLID_OIDC_ROLE_MAP", ""), "claim values to tillid roles, e.g. tillid-hr=administrator,med-hu=committee,ledere=manager (env TILLID_OIDC_ROLE_MAP)")
	fs.StringVar(&oidc.UnitsClaim, "oidc-units-claim", envOr("TILLID_OIDC_UNITS_CLAIM", ""), "ID-token claim holding a manager's unit codes (env TILLID_OIDC_UNITS_CLAIM)")
	retention := retentionFlags(fs)
	var privacy web.Privacy
	fs.StringVar(&privacy.Controller, "controller", envOr("TILLID_CONTROLLER", ""), "the data controller named in the privacy notice, e.g. \"Søby Kommune, Rådhuspladsen 1, 9999 Søby\" (env TILLID_CONTROLLER)")
	fs.StringVar(&privacy.DPOEmail, "dpo-email", envOr("TILLID_DPO_EMAIL", ""), "the data protection officer's e-mail address, in the privacy notice (env TILLID_DPO_EMAIL)")
	fs.StringVar(&privacy.AccessibilityContact, "accessibility-contact", envOr("TILLID_ACCESSIBILITY_CONTACT", ""), "where accessibility problems are reported (an e-mail address and a phone number), in the accessibility statement (env TILLID_ACCESSIBILITY_CONTACT)")
	metricsOn := fs.Bool("metrics", envOr("TILLID_METRICS", "") == "true", "serve Prometheus metrics at /metrics (env TILLID_METRICS=true)")
	metricsAddr := fs.String("metrics-addr", envOr("TILLID_METRICS_ADDR", ""), "serve the metrics on this address instead, e.g. 127.0.0.1:9090 (recommended; env TILLID_METRICS_ADDR)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("serve: unexpected argument %q", fs.Arg(0))
	}
	var err error
	if smtp.TLS, err = mail.ParseTLSPolicy(*tlsPolicy); err != nil {
		return fmt.Errorf("serve: --smtp-tls: %w", err)
	}
	if privacy.Retention, err = retention(); err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	if err := m.openStore(ctx); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	defer ln.Close() // on the error paths below; Shutdown has closed it otherwise
	if *baseURL == "" {
		*baseURL = "http://localhost:" + portOf(ln.Addr())
	}
	if _, err := m.Store.EnsureDefaultQuestionnaire(ctx); err != nil {
		return err
	}
	if *demo {
		if err := m.demoIfEmpty(ctx, *baseURL); err != nil {
			return err
		}
	}
	cfg := web.Config{BaseURL: *baseURL, APIOpen: *apiOpen, TrustedProxies: splitList(*proxies),
		IdleTimeout: *idle, AbsoluteTimeout: *absolute, Mail: smtp,
		Metrics: *metricsOn || *metricsAddr != "", MetricsSeparate: *metricsAddr != "", Privacy: privacy}
	if oidc.IssuerURL != "" {
		if oidc.RoleMap, err = auth.ParseRoleMap(*roleMap); err != nil {
			return fmt.Errorf("serve: --oidc-role-map: %w", err)
		}
		if oidc.RedirectURL == "" {
			oidc.RedirectURL = strings.TrimSuffix(*baseURL, "/") + "/login/oidc/callback"
		}
		cfg.OIDC = &oidc
	}
	srv, err := web.NewServer(cfg, m.Store, m.Metrics, m.Logger)
	if err != nil {
		return err
	}
	if *metricsAddr != "" {
		stopMetrics, err := m.serveMetrics(*metricsAddr, srv.MetricsHandler())
		if err != nil {
			return err
		}
		defer stopMetrics()
	}
	stopRetention := m.startRetention(ctx, privacy.Retention)
	defer stopRetention()
	hs := &http.Server{
		Handler:           srv,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      120 * time.Second,
		IdleTimeout:       120 * time.Second,
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	m.Logger.Info("tillid serving", "addr", ln.Addr().String(), "url", *baseURL, "db", survey.RedactDSN(m.Config.DB))

	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	m.Logger.Info("shutting down; finishing requests in flight")
	sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		return fmt.Errorf("serve: shutdown: %w", err)
	}
	// Mail jobs started by requests go on after the response: let them finish.
	srv.WaitMail()
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	return nil
}

// portOf returns the port of a listening address.
func portOf(a net.Addr) string {
	_, port, err := net.SplitHostPort(a.String())
	if err != nil {
		return "8080"
	}
	return port
}

// splitList splits a comma-separated flag value, dropping empty parts.
func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
