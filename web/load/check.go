package load

import (
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"slices"

	"github.com/jmoiron/sqlx"
)

// CheckResult is what the database holds after a load run, and every
// way it differs from what the clients were told.
type CheckResult struct {
	Acknowledged, Abandoned, Failed int // visits by outcome
	Used, Responses                 int // in the whole round
	Problems                        []string
}

// Print writes the result for people.
func (c *CheckResult) Print(w io.Writer) {
	fmt.Fprintf(w, "check: %d acknowledged, %d abandoned, %d failed; round has %d used invitations and %d responses\n",
		c.Acknowledged, c.Abandoned, c.Failed, c.Used, c.Responses)
	if len(c.Problems) == 0 {
		fmt.Fprintln(w, "check: OK — every acknowledged submission stored exactly once, none for abandoned forms, no half-written response")
		return
	}
	for _, p := range c.Problems {
		fmt.Fprintln(w, "check: PROBLEM:", p)
	}
}

// Check compares the database with what the clients of rep were told,
// for round roundID. Responses cannot be linked to invitations, by
// design, so exactly-once is checked per unit: every acknowledged
// invitation is marked used, no abandoned one is, and each unit has
// exactly as many responses as used invitations. Besides, no answer or
// comment is without its response, and every response of the round has
// an answer to each of the rep.ScoredItems scored items. The round must
// have been answered only by this run (and earlier runs of the same links).
func Check(ctx context.Context, db *sqlx.DB, roundID int64, rep *Report) (*CheckResult, error) {
	c := &CheckResult{
		Acknowledged: rep.Count(Acknowledged),
		Abandoned:    rep.Count(Abandoned),
		Failed:       rep.Count(Failed),
	}
	problem := func(format string, args ...any) { c.Problems = append(c.Problems, fmt.Sprintf(format, args...)) }

	// Only the SHA-256 of a token is stored (survey.Invitation).
	var invs []struct {
		Hash []byte `db:"token_hash"`
		Used bool   `db:"used"`
	}
	if err := db.SelectContext(ctx, &invs, db.Rebind("SELECT token_hash, used FROM invitations WHERE round_id = ?"), roundID); err != nil {
		return nil, fmt.Errorf("load: check: invitations: %w", err)
	}
	used := make(map[[32]byte]bool, len(invs))
	for _, in := range invs {
		used[[32]byte(in.Hash)] = in.Used
		if in.Used {
			c.Used++
		}
	}
	var lost, usedAbandoned, unknown int
	for _, v := range rep.Visits {
		u, ok := used[sha256.Sum256([]byte(v.Link.Token))]
		switch {
		case !ok:
			unknown++
		case v.Outcome == Acknowledged && !u:
			lost++
		case v.Outcome == Abandoned && u:
			usedAbandoned++
		}
	}
	if unknown > 0 {
		problem("%d links are not invitations of round %d", unknown, roundID)
	}
	if lost > 0 {
		problem("%d acknowledged submissions left their invitation unused", lost)
	}
	if usedAbandoned > 0 {
		problem("%d abandoned forms have their invitation marked used", usedAbandoned)
	}

	var perUnit []struct {
		UnitID    int64 `db:"unit_id"`
		Used      int   `db:"used"`
		Responses int   `db:"responses"`
	}
	err := db.SelectContext(ctx, &perUnit, db.Rebind(`
		SELECT u.unit_id,
			(SELECT COUNT(*) FROM invitations i WHERE i.round_id = ? AND i.unit_id = u.unit_id AND i.used = TRUE) AS used,
			(SELECT COUNT(*) FROM responses r WHERE r.round_id = ? AND r.unit_id = u.unit_id) AS responses
		FROM round_units u WHERE u.round_id = ? ORDER BY u.unit_id`), roundID, roundID, roundID)
	if err != nil {
		return nil, fmt.Errorf("load: check: per unit: %w", err)
	}
	for _, u := range perUnit {
		c.Responses += u.Responses
		if u.Used != u.Responses {
			problem("unit %d: %d used invitations but %d responses", u.UnitID, u.Used, u.Responses)
		}
	}

	var orphans, short int
	err = db.GetContext(ctx, &orphans, `
		SELECT (SELECT COUNT(*) FROM answers a LEFT JOIN responses r ON r.id = a.response_id WHERE r.id IS NULL)
		     + (SELECT COUNT(*) FROM comments m LEFT JOIN responses r ON r.id = m.response_id WHERE r.id IS NULL)`)
	if err != nil {
		return nil, fmt.Errorf("load: check: orphans: %w", err)
	}
	if orphans > 0 {
		problem("%d answers or comments without their response", orphans)
	}
	if rep.ScoredItems > 0 {
		err = db.GetContext(ctx, &short, db.Rebind(`
			SELECT COUNT(*) FROM responses r
			WHERE r.round_id = ? AND (SELECT COUNT(*) FROM answers a WHERE a.response_id = r.id) <> ?`), roundID, rep.ScoredItems)
		if err != nil {
			return nil, fmt.Errorf("load: check: answers per response: %w", err)
		}
		if short > 0 {
			problem("%d responses do not have all %d answers", short, rep.ScoredItems)
		}
	}
	slices.Sort(c.Problems)
	return c, nil
}
