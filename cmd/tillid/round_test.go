package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tillid/tillid/survey"
	"github.com/tillid/tillid/survey/surveytest"
)

// TestRoundCommands walks HR's path through the command line: import the
// tree, create and open a round, invite staff, list and close it.
func TestRoundCommands(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	unitsCSV := filepath.Join(dir, "units.csv")
	staffCSV := filepath.Join(dir, "staff.csv")
	links := filepath.Join(dir, "links.csv")
	os.WriteFile(unitsCSV, []byte("code;name;parent_code\r\nK;Kommunen;\r\nBU;Børn og Unge;K\r\nBU1;Dagtilbud Nord;BU\r\n"), 0o600)
	os.WriteFile(staffCSV, []byte("email,unit_code\nana@example.dk,BU1\n,BU1\nbo@example.dk,BU\n"), 0o600)

	m := &Main{}
	defer m.Close()
	db := surveytest.DSN(t)
	run := func(fn func(*Main, context.Context, []string) error, args ...string) (string, error) {
		t.Helper()
		var out bytes.Buffer
		m.Stdout, m.Stderr = &out, &out
		err := fn(m, ctx, append(args, "--db", db))
		return out.String(), err
	}

	out, err := run((*Main).runImportUnits, unitsCSV, "--dry-run")
	if err != nil || !strings.Contains(out, "would import") || !strings.Contains(out, "3 created") {
		t.Fatalf("import --dry-run: got %q, %v, want 3 would be created", out, err)
	}
	if units, _ := m.Store.FindUnits(ctx); len(units) != 0 {
		t.Errorf("dry run: got %d units, want 0", len(units))
	}
	if out, err = run((*Main).runImportUnits, unitsCSV); err != nil || !strings.Contains(out, "3 created") {
		t.Fatalf("import: got %q, %v, want 3 created", out, err)
	}

	if _, err = run((*Main).runRound, "create", "--name", "Trivsel", "--units", "BU", "--opens", "2025-03-01", "--closes", "2025-03-31", "--threshold", "2"); !errors.Is(err, survey.ErrInvalid) {
		t.Errorf("create with k = 2: got %v, want ErrInvalid", err)
	}
	out, err = run((*Main).runRound, "create", "--name", "Trivsel", "--units", "BU", "--opens", "2025-03-01", "--closes", "2025-03-31")
	if err != nil || !strings.HasPrefix(out, "round 1 ") || !strings.Contains(out, "2 units") {
		t.Fatalf("create: got %q, %v, want round 1 over 2 units", out, err)
	}

	if out, err = run((*Main).runInvite, "--round", "1", "--file", staffCSV, "--out", links); err != nil || !strings.Contains(out, "3 invitations") {
		t.Fatalf("invite: got %q, %v, want 3 invitations", out, err)
	}
	f, err := os.Open(links)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if st, _ := f.Stat(); st.Mode().Perm() != 0o600 {
		t.Errorf("links.csv mode: got %v, want 0600", st.Mode().Perm())
	}
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil || len(recs) != 4 || !strings.HasPrefix(recs[1][3], "http://localhost:8080/s/") || recs[2][1] != "BU1" {
		t.Fatalf("links.csv: got %q, %v, want a header and 3 links", recs, err)
	}
	if inv, err := m.Store.FindInvitationBySecret(ctx, recs[2][4]); err != nil || inv.Email != "" {
		t.Errorf("printed code: got %+v, %v, want the invitation without e-mail", inv, err)
	}
	if _, err = run((*Main).runInvite, "--round", "1", "--file", staffCSV, "--out", links); err == nil || !errors.Is(err, os.ErrExist) {
		t.Errorf("invite to an existing file: got %v, want ErrExist", err)
	}
	if counts, _ := m.Store.InvitationCounts(ctx, 1); len(counts) != 2 {
		t.Errorf("got counts %v, want 2 units (nothing issued twice)", counts)
	}

	if out, err = run((*Main).runRound, "open", "1"); err != nil || !strings.Contains(out, "is open") {
		t.Errorf("open: got %q, %v", out, err)
	}
	out, err = run((*Main).runRound, "list")
	if err != nil {
		t.Fatal(err)
	}
	// 3 invited is below k = 5, so the number answered is hidden.
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 || strings.Join(strings.Fields(lines[1]), " ") != "1 open 2025-03-01 2025-03-31 5 1 3 - Trivsel" {
		t.Errorf("list: got %q", out)
	}
	if _, err = run((*Main).runRound, "close", "1"); err != nil {
		t.Fatal(err)
	}
	if _, err = run((*Main).runRound, "open", "1"); !errors.Is(err, survey.ErrConflict) {
		t.Errorf("reopen: got %v, want ErrConflict", err)
	}
}
