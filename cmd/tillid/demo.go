package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"io"
	"time"

	"github.com/tillid/tillid/survey"
	"github.com/tillid/tillid/survey/demo"
	"github.com/tillid/tillid/web/auth"
)

// runDemo fills the database with a fictional municipality (tillid demo):
// units, years of closed rounds, monthly sickness absence and one open
// round, and prints a few links and codes to answer it with.
func (m *Main) runDemo(ctx context.Context, args []string) error {
	fs := m.flagSet("demo")
	size := fs.String("size", demo.SizeDefault, "default (2,000 employees) or copenhagen (45,000 employees, about 13 million answers)")
	seed := fs.Int64("seed", 1, "random seed; the same seed gives the same municipality and answers")
	baseURL := fs.String("base-url", envOr("TILLID_BASE_URL", "http://localhost:8080"), "public URL of the app, for the printed links (env TILLID_BASE_URL)")
	force := fs.Bool("force", false, "add the demo to a database that already has units")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("demo: unexpected argument %q", fs.Arg(0))
	}
	if err := m.openStore(ctx); err != nil {
		return err
	}
	units, err := m.Store.FindUnits(ctx)
	if err != nil {
		return err
	}
	if len(units) > 0 && !*force {
		return fmt.Errorf("demo: the database has %d units already; use --force to add the demo municipality anyway", len(units))
	}
	res, err := demo.Generate(ctx, m.Store, m.Metrics, demo.Config{Size: *size, Seed: *seed, BaseURL: *baseURL, Progress: m.Stdout})
	if err != nil {
		return err
	}
	printDemo(m.Stdout, res, *baseURL)
	return m.demoAccounts(ctx)
}

// demoIfEmpty fills an empty database with the default demo municipality
// (tillid serve --demo); a database with units is left alone.
func (m *Main) demoIfEmpty(ctx context.Context, baseURL string) error {
	units, err := m.Store.FindUnits(ctx)
	if err != nil {
		return err
	}
	if len(units) > 0 {
		m.Logger.Info("demo: the database has units; not adding the demo municipality", "units", len(units))
		return nil
	}
	res, err := demo.Generate(ctx, m.Store, m.Metrics, demo.Config{Seed: 1, BaseURL: baseURL})
	if err != nil {
		return err
	}
	m.Logger.Info("demo: municipality added", "name", res.Municipality, "units", res.Units, "responses", res.Responses, "elapsed", res.Elapsed.Round(time.Millisecond))
	// The links go to the terminal only, never to the log: they are secrets.
	printDemo(m.Stdout, res, baseURL)
	return m.demoAccounts(ctx)
}

// demoAccounts creates one staff account per role for the demo, all with
// one random password, and prints them: HR sees everything, the
// committee reads everything, the manager leads an institution (a unit
// two levels down that has teams below it).
func (m *Main) demoAccounts(ctx context.Context) error {
	unit, err := m.demoManagerUnit(ctx)
	if err != nil {
		return fmt.Errorf("demo: accounts: %w", err)
	}
	b := make([]byte, 9)
	rand.Read(b)
	password := "demo-" + base64.RawURLEncoding.EncodeToString(b)
	st := auth.NewStore(m.DB)
	users := []auth.User{
		{Email: "hr@demo.invalid", Name: "Hanne HR (demo)", Role: auth.RoleAdministrator},
		{Email: "udvalg@demo.invalid", Name: "Ulrik Udvalg (demo)", Role: auth.RoleCommittee},
		{Email: "leder@demo.invalid", Name: "Lene Leder (demo)", Role: auth.RoleManager, UnitIDs: []int64{unit.ID}},
	}
	fmt.Fprintln(m.Stdout, "\nLog ind som / sign in as (password "+password+"):")
	for i := range users {
		if err := st.CreateUser(ctx, &users[i], password); err != nil {
			return fmt.Errorf("demo: accounts: %w", err)
		}
		fmt.Fprintf(m.Stdout, "  %-22s %s\n", users[i].Email, demoRole(users[i].Role, unit))
	}
	return nil
}

// demoManagerUnit returns the first open unit, in code order, two levels
// below the top that has units below it.
func (m *Main) demoManagerUnit(ctx context.Context) (survey.Unit, error) {
	units, err := m.Store.FindUnits(ctx)
	if err != nil {
		return survey.Unit{}, err
	}
	parent := map[int64]int64{}
	hasChildren := map[int64]bool{}
	for _, u := range units {
		if u.ParentID.Valid {
			parent[u.ID] = u.ParentID.Int64
			hasChildren[u.ParentID.Int64] = true
		}
	}
	for _, u := range units {
		p, ok := parent[u.ID]
		if _, grand := parent[p]; ok && grand && hasChildren[u.ID] && !u.Closed() {
			return u, nil
		}
	}
	return survey.Unit{}, fmt.Errorf("no unit two levels down with units below it: %w", survey.ErrNotFound)
}

// demoRole says in both languages what a demo account may do.
func demoRole(r auth.Role, unit survey.Unit) string {
	switch r {
	case auth.RoleAdministrator:
		return "HR / administrator"
	case auth.RoleCommittee:
		return "Hovedudvalget / committee"
	}
	return "leder af / manager of " + unit.Code + " " + unit.Name
}

// printDemo tells what the demo made and how to answer its open round.
func printDemo(w io.Writer, res *demo.Result, baseURL string) {
	fmt.Fprintf(w, "\n%s: %d units, %d employees, %d closed rounds and one open round (id %d)\n",
		res.Municipality, res.Units, res.Employees, len(res.ClosedRounds), res.OpenRoundID)
	fmt.Fprintf(w, "  %d invitations, %d responses, %d answers, %d comments, %d unit-months of sickness absence\n",
		res.Invitations, res.Responses, res.Answers, res.Comments, res.AbsenceRows)
	fmt.Fprintf(w, "  reorganisation: unit %s was closed a year ago and succeeded by %s\n", res.ClosedUnit, res.SuccessorUnit)
	fmt.Fprintf(w, "  done in %.1fs\n", res.Elapsed.Seconds())
	fmt.Fprintln(w, "\nBesvar den åbne måling nu / answer the open round now:")
	for _, l := range res.Links {
		fmt.Fprintln(w, "  "+l)
	}
	fmt.Fprintf(w, "Eller indtast en kode på / or type a code at %s/kode:\n", baseURL)
	for _, c := range res.Codes {
		fmt.Fprintln(w, "  "+c)
	}
}
