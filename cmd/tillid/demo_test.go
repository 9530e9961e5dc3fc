package main

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/tillid/tillid/survey/surveytest"
	"github.com/tillid/tillid/web/auth"
)

// TestDemo fills an empty database, refuses to fill it again without
// --force, and leaves it alone when serve --demo finds units.
func TestDemo(t *testing.T) {
	ctx := context.Background()
	var out bytes.Buffer
	m := &Main{Stdout: &out, Stderr: &out}
	defer m.Close()
	db := surveytest.DSN(t)

	t.Run("OK", func(t *testing.T) {
		if err := m.runDemo(ctx, []string{"--db", db, "--base-url", "http://demo.test"}); err != nil {
			t.Fatal(err)
		}
		if got := strings.Count(out.String(), "http://demo.test/s/"); got != 5 {
			t.Errorf("got %d links in %q, want 5", got, out.String())
		}
		if !strings.Contains(out.String(), "http://demo.test/kode") || !strings.Contains(out.String(), "Søby Kommune") {
			t.Errorf("got %q, want the municipality and where to type a code", out.String())
		}
		// The printed accounts sign in with the printed password.
		_, rest, ok := strings.Cut(out.String(), "(password ")
		password, _, _ := strings.Cut(rest, ")")
		if !ok || password == "" {
			t.Fatalf("got %q, want a printed demo password", out.String())
		}
		st := auth.NewStore(m.DB)
		for email, role := range map[string]auth.Role{"hr@demo.invalid": auth.RoleAdministrator, "udvalg@demo.invalid": auth.RoleCommittee, "leder@demo.invalid": auth.RoleManager} {
			u, err := st.Login(ctx, email, password, "127.0.0.1")
			if err != nil {
				t.Errorf("login %s: %v", email, err)
				continue
			}
			if u.Role != role {
				t.Errorf("%s: got role %s, want %s", email, u.Role, role)
			}
		}
	})

	t.Run("ErrUnitsExist", func(t *testing.T) {
		err := m.runDemo(ctx, []string{"--db", db})
		if err == nil || !strings.Contains(err.Error(), "--force") {
			t.Errorf("got %v, want a refusal naming --force", err)
		}
	})

	t.Run("ServeSkips", func(t *testing.T) {
		var log bytes.Buffer
		m.Logger = slog.New(slog.NewTextHandler(&log, nil))
		out.Reset()
		if err := m.demoIfEmpty(ctx, "http://demo.test"); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(log.String(), "not adding") || out.Len() != 0 {
			t.Errorf("got log %q, output %q; want a skip logged and nothing printed", log.String(), out.String())
		}
	})
}
