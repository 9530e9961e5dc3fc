package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/tillid/tillid/survey"
)

// runInvite issues invitations for a round from a staff list and writes
// their links and codes, which are stored nowhere else:
// tillid invite --round R --file staff.csv --out links.csv.
func (m *Main) runInvite(ctx context.Context, args []string) error {
	fs := m.flagSet("invite")
	roundID := fs.Int64("round", 0, "round id (required)")
	file := fs.String("file", "", "staff list, CSV or XLSX with the columns email, unit_code (required)")
	out := fs.String("out", "links.csv", "where to write email,unit_code,unit_name,link,code; never overwritten")
	baseURL := fs.String("base-url", envOr("TILLID_BASE_URL", "http://localhost:8080"), "public address of tillid for the links (env TILLID_BASE_URL)")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: tillid invite --round R --file staff.csv [--out links.csv] [--base-url URL] [--db DSN]\n\n"+
			"Every row gets a link and a printed code. Only their hashes are stored: keep the\n"+
			"output file safe, and delete it once the invitations are sent or printed.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *roundID == 0 || *file == "" || fs.NArg() > 0 {
		fs.Usage()
		return fmt.Errorf("invite: want --round and --file")
	}
	in, err := os.Open(*file)
	if err != nil {
		return fmt.Errorf("invite: %w", err)
	}
	defer in.Close()
	rows, err := survey.ParseStaffCSV(in, *file)
	if err != nil {
		return err
	}
	if err := m.openStore(ctx); err != nil {
		return err
	}
	// Create the output before the invitations: once issued, their secrets
	// exist only in memory until written.
	w, err := os.OpenFile(*out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("invite: --out: %w", err)
	}
	inv, err := m.Store.CreateInvitations(ctx, *roundID, rows)
	if err != nil {
		w.Close()
		os.Remove(*out)
		return err
	}
	units, err := m.Store.FindRoundUnits(ctx, *roundID)
	if err == nil {
		byID := make(map[int64]survey.Unit, len(units))
		for _, u := range units {
			byID[u.ID] = u
		}
		err = survey.WriteLinksCSV(w, *baseURL, inv, byID)
	}
	if err = errors.Join(err, w.Close()); err != nil {
		return fmt.Errorf("invite: %d invitations were issued but writing %s failed, so some links are lost: %w", len(inv), *out, err)
	}
	var withEmail int
	for _, i := range inv {
		if i.Email != "" {
			withEmail++
		}
	}
	fmt.Fprintf(m.Stdout, "invite: %d invitations for round %d (%d by e-mail, %d by printed code) written to %s\n",
		len(inv), *roundID, withEmail, len(inv)-withEmail, *out)
	fmt.Fprintln(m.Stdout, "invite: the file holds the only copy of the links and codes; keep it safe and delete it after use")
	return nil
}
