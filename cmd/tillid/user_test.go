package main

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/tillid/tillid/survey"
	"github.com/tillid/tillid/survey/surveytest"
	"github.com/tillid/tillid/web/auth"
)

// TestUserCommands walks the account commands: add with units, list,
// passwd, disable, and the errors HR meets.
func TestUserCommands(t *testing.T) {
	ctx := context.Background()
	m := &Main{}
	defer m.Close()
	db := surveytest.DSN(t)
	run := func(stdin string, args ...string) (string, error) {
		t.Helper()
		var out bytes.Buffer
		m.Stdin, m.Stdout, m.Stderr = strings.NewReader(stdin), &out, &out
		err := m.runUser(ctx, append(args, "--db", db))
		return out.String(), err
	}
	if _, err := run("", "list"); err != nil {
		t.Fatal(err)
	}
	for _, u := range []survey.Unit{{Code: "SUND", Name: "Sundhed"}, {Code: "BIB", Name: "Biblioteket"}} {
		if err := m.Store.CreateUnit(ctx, &u); err != nil {
			t.Fatal(err)
		}
	}

	out, err := run("et langt kodeord 1\n", "add", "--email", "Leder@Kommune.dk", "--name", "Lise Leder", "--role", "manager", "--units", "SUND,BIB", "--password-stdin")
	if err != nil || !strings.Contains(out, "leder@kommune.dk (manager) created") {
		t.Fatalf("add: got %q, %v", out, err)
	}
	if _, err := run("", "add", "--email", "med@kommune.dk", "--name", "MED", "--role", "committee", "--no-password"); err != nil {
		t.Fatalf("add --no-password: %v", err)
	}
	t.Run("ErrUnknownUnit", func(t *testing.T) {
		if _, err := run("et langt kodeord 1\n", "add", "--email", "x@kommune.dk", "--name", "X", "--role", "manager", "--units", "NOPE"); !errors.Is(err, survey.ErrInvalid) {
			t.Errorf("got %v, want ErrInvalid", err)
		}
	})
	t.Run("ErrRole", func(t *testing.T) {
		if _, err := run("et langt kodeord 1\n", "add", "--email", "x@kommune.dk", "--name", "X", "--role", "chef"); !errors.Is(err, survey.ErrInvalid) {
			t.Errorf("got %v, want ErrInvalid", err)
		}
	})
	t.Run("ErrShortPassword", func(t *testing.T) {
		if _, err := run("kort\n", "add", "--email", "x@kommune.dk", "--name", "X", "--role", "committee"); !errors.Is(err, survey.ErrInvalid) {
			t.Errorf("got %v, want ErrInvalid", err)
		}
	})
	t.Run("ErrConflict", func(t *testing.T) {
		if _, err := run("et langt kodeord 1\n", "add", "--email", "leder@kommune.dk", "--name", "Igen", "--role", "committee"); !errors.Is(err, survey.ErrConflict) {
			t.Errorf("got %v, want ErrConflict", err)
		}
	})
	t.Run("List", func(t *testing.T) {
		out, err := run("", "list")
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSpace(out), "\n")
		if len(lines) != 3 || !strings.Contains(lines[1], "leder@kommune.dk") || !strings.Contains(lines[1], "BIB,SUND") && !strings.Contains(lines[1], "SUND,BIB") ||
			!strings.Contains(lines[1], "password") || !strings.Contains(lines[2], "oidc") {
			t.Errorf("got %q, want a header, leder with BIB and SUND, med through oidc", out)
		}
	})
	st := auth.NewStore(m.DB)
	t.Run("Passwd", func(t *testing.T) {
		if _, err := run("et nyt langt kodeord\n", "passwd", "--email", "leder@kommune.dk"); err != nil {
			t.Fatal(err)
		}
		if _, err := st.Login(ctx, "leder@kommune.dk", "et nyt langt kodeord", "127.0.0.1"); err != nil {
			t.Errorf("got %v, want sign-in with the new password", err)
		}
	})
	t.Run("Disable", func(t *testing.T) {
		if _, err := run("", "disable", "--email", "leder@kommune.dk"); err != nil {
			t.Fatal(err)
		}
		if _, err := st.Login(ctx, "leder@kommune.dk", "et nyt langt kodeord", "127.0.0.1"); !errors.Is(err, auth.ErrBadCredentials) {
			t.Errorf("got %v, want ErrBadCredentials", err)
		}
		out, _ := run("", "list")
		if !strings.Contains(out, "disabled") {
			t.Errorf("got %q, want leder listed as disabled", out)
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		if _, err := run("", "disable", "--email", "ingen@kommune.dk"); !errors.Is(err, survey.ErrNotFound) {
			t.Errorf("got %v, want ErrNotFound", err)
		}
	})
}
