// Package demo fills a database with a fictional municipality — a unit
// tree, years of closed survey rounds with plausible answers, five years
// of monthly sickness absence and one open round — so that a newcomer
// sees real charts at once, and benchmarks have a Copenhagen-sized load.
//
// The answers follow a simple latent model: every unit has a
// social-capital level that drifts from month to month around its own
// long-run level (departments move together); a respondent's level
// scatters around the unit's, and each answer around the respondent's.
// Sickness absence falls as social capital rises, peaks in winter and is
// noisier in small units. Everything except random ids and secrets is
// determined by the seed.
package demo

import (
	"bytes"
	"context"
	cryptorand "crypto/rand"
	"database/sql"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/tillid/tillid/metrics"
	"github.com/tillid/tillid/survey"
)

// The sizes Generate knows.
const (
	// SizeDefault is a municipality of about 2,000 employees in 120 units
	// with a closed round in each of the last three springs.
	SizeDefault = "default"
	// SizeCopenhagen is a municipality of 45,000 employees in about 1,500
	// units with ten closed rounds, spring and autumn: about 13 million answers.
	SizeCopenhagen = "copenhagen"
)

// sizeSpec describes one size of municipality.
type sizeSpec struct {
	name, domain string
	employees    int
	districts    bool // a district (område) level between department and institution
	rounds       int  // closed rounds
	twice        bool // rounds in spring and autumn, not only spring
}

var sizes = map[string]sizeSpec{
	SizeDefault:    {"Søby Kommune (demo)", "soeby-kommune.example", 2000, false, 3, false},
	SizeCopenhagen: {"Storby Kommune (demo)", "storby-kommune.example", 45000, true, 10, true},
}

// Config says what to generate.
type Config struct {
	Size    string    // SizeDefault (when empty) or SizeCopenhagen
	Seed    int64     // the same seed gives the same municipality and answers
	Now     time.Time // today; rounds are dated relative to it (zero: the wall clock)
	BaseURL string    // the app's public URL, for the printed links
	// Progress, when set, receives one line per step with the elapsed time.
	Progress io.Writer
}

// Result is what Generate made.
type Result struct {
	Municipality  string
	OpenRoundID   int64
	ClosedRounds  []int64  // ids of the closed rounds, oldest first
	Links         []string // a few unused invitation links of the open round (BaseURL/s/TOKEN)
	Codes         []string // a few unused printed codes of the open round (to type at BaseURL/kode)
	ClosedUnit    string   // code of the unit closed in the reorganisation
	SuccessorUnit string   // code of its successor
	Units         int
	Employees     int
	Invitations   int
	Responses     int
	Answers       int
	Comments      int
	AbsenceRows   int
	Elapsed       time.Duration
}

// How many links and codes Result carries.
const (
	resultLinks = 5
	resultCodes = 3
)

// progressAnswers is how often the answers' progress is reported.
const progressAnswers = 1000000

// Generate fills the database behind ss and ms with a fictional
// municipality. The demo's unit codes must not exist yet (ErrConflict).
func Generate(ctx context.Context, ss *survey.Store, ms *metrics.Store, cfg Config) (*Result, error) {
	g, err := newGenerator(ss, ms, cfg)
	if err != nil {
		return nil, err
	}
	steps := []struct {
		name string
		fn   func(context.Context) error
	}{
		{"units", g.writeUnits},
		{"rounds", g.writeRounds},
		{"invitations (closed rounds)", g.writePastInvitations},
		{"invitations (open round)", g.writeOpenInvitations},
		{"responses", g.writeResponses},
		{"closing and computing rounds", g.closeRounds},
		{"sickness absence", g.writeAbsence},
	}
	for _, st := range steps {
		if err := st.fn(ctx); err != nil {
			return nil, fmt.Errorf("demo: %s: %w", st.name, err)
		}
		g.progress("%s done", st.name)
	}
	g.res.Elapsed = time.Since(g.started)
	return &g.res, nil
}

// generator carries one Generate call's model and the ids it stored.
type generator struct {
	ss      *survey.Store
	ms      *metrics.Store
	cfg     Config
	started time.Time

	org     *org
	sched   *schedule
	lat     latent
	models  []itemModel
	unitIDs []int64 // by org unit index
	rounds  []int64 // by schedule round index
	resps   []response
	counts  []roundCounts
	res     Result
}

// Seeded random streams, one per part of the model, so a change in one
// part does not reshuffle the others.
const (
	streamOrg = iota + 1
	streamLatent
	streamResponses
	streamInvitations
	streamAbsence
)

func newGenerator(ss *survey.Store, ms *metrics.Store, cfg Config) (*generator, error) {
	if cfg.Size == "" {
		cfg.Size = SizeDefault
	}
	sz, ok := sizes[cfg.Size]
	if !ok {
		return nil, survey.Invalidf("demo: size %q: want %s or %s", cfg.Size, SizeDefault, SizeCopenhagen)
	}
	if cfg.Now.IsZero() {
		cfg.Now = time.Now()
	}
	g := &generator{ss: ss, ms: ms, cfg: cfg, started: time.Now()}
	today := survey.DateOf(cfg.Now.In(survey.Zone)).Time
	g.org = buildOrg(sz, g.rng(streamOrg))
	g.sched = newSchedule(today, sz.rounds, sz.twice)
	g.org.reorganise(g.sched.reorgMonth)
	g.lat = newLatent(g.org, g.sched.months, g.rng(streamLatent))
	g.res.Municipality = sz.name
	g.res.Units = len(g.org.units)
	g.res.Employees = g.org.employees() - g.org.units[g.org.reorgOld].staff
	g.res.ClosedUnit, g.res.SuccessorUnit = g.org.units[g.org.reorgOld].code, g.org.units[g.org.reorgNew].code
	return g, nil
}

func (g *generator) rng(stream uint64) *rand.Rand {
	return rand.New(rand.NewPCG(uint64(g.cfg.Seed), stream))
}

func (g *generator) progress(format string, args ...any) {
	if g.cfg.Progress != nil {
		fmt.Fprintf(g.cfg.Progress, "demo: %-44s %6.1fs\n", fmt.Sprintf(format, args...), time.Since(g.started).Seconds())
	}
}

func (g *generator) db() *sqlx.DB { return g.ss.DB() }

// writeUnits stores the tree (all but the reorganisation's successor,
// which is created when the reorganisation happens).
func (g *generator) writeUnits(ctx context.Context) error {
	var rows []survey.UnitRow
	for i, u := range g.org.units {
		if i == g.org.reorgNew {
			continue
		}
		r := survey.UnitRow{Line: len(rows) + 2, Code: u.code, Name: u.name}
		if u.parent >= 0 {
			r.ParentCode = g.org.units[u.parent].code
		}
		rows = append(rows, r)
	}
	plan, err := g.ss.PlanUnitImport(ctx, rows)
	if err != nil {
		return err
	}
	if plan.Created != len(rows) {
		return fmt.Errorf("%d of the demo's unit codes exist already: %w", len(rows)-plan.Created, survey.ErrConflict)
	}
	if _, err := g.ss.ImportUnits(ctx, rows); err != nil {
		return err
	}
	return g.loadUnitIDs(ctx)
}

func (g *generator) loadUnitIDs(ctx context.Context) error {
	units, err := g.ss.FindUnits(ctx)
	if err != nil {
		return err
	}
	ids := make(map[string]int64, len(units))
	for _, u := range units {
		ids[u.Code] = u.ID
	}
	g.unitIDs = make([]int64, len(g.org.units))
	for i, u := range g.org.units {
		g.unitIDs[i] = ids[u.code]
	}
	return nil
}

// writeRounds creates and opens every round in date order, carrying out
// the reorganisation between the rounds before and after it, and draws
// the responses.
func (g *generator) writeRounds(ctx context.Context) error {
	q, err := g.ss.EnsureDefaultQuestionnaire(ctx)
	if err != nil {
		return err
	}
	g.models = newItemModels(q.Items)
	root := g.org.units[0].code
	reorganised := false
	for _, rp := range g.sched.rounds {
		if !reorganised && rp.month >= g.sched.reorgMonth {
			if err := g.reorganise(ctx); err != nil {
				return err
			}
			reorganised = true
		}
		r := survey.Round{
			Name: rp.name, QuestionnaireID: q.ID,
			OpensOn: survey.Date{Time: rp.opens}, ClosesOn: survey.Date{Time: rp.closes},
		}
		if err := g.ss.CreateRound(ctx, &r, []string{root}); err != nil {
			return err
		}
		if err := g.ss.OpenRound(ctx, r.ID); err != nil {
			return err
		}
		g.rounds = append(g.rounds, r.ID)
		if rp.open {
			g.res.OpenRoundID = r.ID
		} else {
			g.res.ClosedRounds = append(g.res.ClosedRounds, r.ID)
		}
	}
	g.resps, g.counts = genResponses(g.org, g.sched, g.lat, g.models, g.rng(streamResponses))
	return nil
}

// reorganise creates the successor unit and closes its predecessor.
func (g *generator) reorganise(ctx context.Context) error {
	o := g.org
	succ := o.units[o.reorgNew]
	u := survey.Unit{Code: succ.code, Name: succ.name, ParentID: sql.NullInt64{Int64: g.unitIDs[succ.parent], Valid: true}}
	if err := g.ss.CreateUnit(ctx, &u); err != nil {
		return err
	}
	g.unitIDs[o.reorgNew] = u.ID
	return g.ss.CloseUnit(ctx, o.units[o.reorgOld].code, survey.Date{Time: g.sched.reorgOn}, succ.code)
}

// writePastInvitations stores the closed rounds' invitations in bulk:
// one per employee with no e-mail, the right number of them used, so
// response rates exist. Their hashes are random: no token or code for
// them ever existed, so they can never be used.
func (g *generator) writePastInvitations(ctx context.Context) error {
	rng := g.rng(streamInvitations)
	n := 0
	for r, rp := range g.sched.rounds {
		if !rp.open {
			for _, k := range g.counts[r].invited {
				n += k
			}
		}
	}
	// Hashes in increasing order make both unique indexes grow at their end.
	tokens, codes := sortedRandom(n), sortedRandom(n)
	return g.inTx(ctx, func(tx *sqlx.Tx) error {
		rows := func(yield func([]any) bool) {
			row, k := make([]any, 6), 0
			for r, rp := range g.sched.rounds {
				if rp.open {
					continue
				}
				c := g.counts[r]
				for u := range g.org.units {
					used := make([]bool, c.invited[u])
					for i := range c.answered[u] {
						used[i] = true
					}
					rng.Shuffle(len(used), func(i, j int) { used[i], used[j] = used[j], used[i] })
					for _, us := range used {
						row[0], row[1], row[2], row[3], row[4], row[5] = g.rounds[r], g.unitIDs[u], "", tokens[k], codes[k], us
						k++
						if !yield(row) {
							return
						}
					}
				}
			}
		}
		n, err := copyRows(ctx, tx, "invitations", []string{"round_id", "unit_id", "email", "token_hash", "code_hash", "used"}, rows)
		g.res.Invitations += n
		return err
	})
}

// writeOpenInvitations invites every employee to the open round through
// the survey store (so the links and codes work), marks as used as many
// as have answered so far, and keeps a few unused links and codes.
func (g *generator) writeOpenInvitations(ctx context.Context) error {
	o, last := g.org, len(g.sched.rounds)-1
	c := g.counts[last]
	var staff []survey.StaffRow
	for u, un := range o.units {
		for range c.invited[u] {
			email := ""
			if g.hasEmail(un.sector, len(staff)) {
				email = fmt.Sprintf("medarbejder%05d@%s", len(staff)+1, sizes[g.cfg.Size].domain)
			}
			staff = append(staff, survey.StaffRow{Line: len(staff) + 2, Email: email, UnitCode: un.code})
		}
	}
	issued, err := g.ss.CreateInvitations(ctx, g.res.OpenRoundID, staff)
	if err != nil {
		return err
	}
	g.res.Invitations += len(issued)
	// Issued invitations come in staff order, unit by unit: the first
	// answered[u] of each unit have answered.
	var used []int64
	unused := make([]survey.IssuedInvitation, 0, len(issued))
	i := 0
	for u := range o.units {
		for k := range c.invited[u] {
			if k < c.answered[u] {
				used = append(used, issued[i].ID)
			} else {
				unused = append(unused, issued[i])
			}
			i++
		}
	}
	g.pickSecrets(unused)
	return g.inTx(ctx, func(tx *sqlx.Tx) error {
		for chunk := range slices.Chunk(used, 1000) {
			q, args, err := sqlx.In("UPDATE invitations SET used = TRUE WHERE id IN (?)", chunk)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, tx.Rebind(q), args...); err != nil {
				return fmt.Errorf("mark used: %w", err)
			}
		}
		return nil
	})
}

// hasEmail says whether the i-th employee has a work e-mail: nearly all
// office staff, fewer in care, day care and the technical services.
func (g *generator) hasEmail(sec sector, i int) bool {
	switch sec {
	case sectorCare, sectorTechnical:
		return i%5 < 3
	case sectorDaycare:
		return i%5 < 4
	}
	return i%25 != 0
}

// pickSecrets keeps links of unused invitations with an e-mail and codes
// of unused ones without, spread over the municipality.
func (g *generator) pickSecrets(unused []survey.IssuedInvitation) {
	var withEmail, without []survey.IssuedInvitation
	for _, inv := range unused {
		if inv.Email != "" {
			withEmail = append(withEmail, inv)
		} else {
			without = append(without, inv)
		}
	}
	for _, inv := range spread(withEmail, resultLinks) {
		g.res.Links = append(g.res.Links, g.cfg.BaseURL+"/s/"+inv.Token)
	}
	for _, inv := range spread(without, resultCodes) {
		g.res.Codes = append(g.res.Codes, inv.Code)
	}
}

// spread returns up to n elements of xs evenly spaced.
func spread[T any](xs []T, n int) []T {
	var out []T
	for i := range min(n, len(xs)) {
		out = append(out, xs[(2*i+1)*len(xs)/(2*n)])
	}
	return out
}

// writeResponses writes every response with its answers and comments,
// in key order, a big transaction at a time.
func (g *generator) writeResponses(ctx context.Context) error {
	per := txResponses(g.db())
	for from := 0; from < len(g.resps); from += per {
		chunk := g.resps[from : from+min(per, len(g.resps)-from)]
		if err := g.inTx(ctx, func(tx *sqlx.Tx) error { return g.writeResponseChunk(ctx, tx, chunk) }); err != nil {
			return err
		}
		g.progress("responses %d/%d", from+len(chunk), len(g.resps))
	}
	return nil
}

func (g *generator) writeResponseChunk(ctx context.Context, tx *sqlx.Tx, chunk []response) error {
	n, err := copyRows(ctx, tx, "responses", []string{"id", "round_id", "unit_id", "submitted_on", "lang"},
		func(yield func([]any) bool) {
			row := make([]any, 5)
			for _, r := range chunk {
				on := survey.Date{Time: g.sched.rounds[r.round].opens.AddDate(0, 0, r.day)}
				row[0], row[1], row[2], row[3], row[4] = r.id, g.rounds[r.round], g.unitIDs[r.unit], on, r.lang
				if !yield(row) {
					return
				}
			}
		})
	g.res.Responses += n
	if err != nil {
		return err
	}
	n, err = copyRows(ctx, tx, "answers", []string{"response_id", "item_id", "value"},
		func(yield func([]any) bool) {
			row, done := make([]any, 3), 0
			for _, r := range chunk {
				for i, v := range r.values {
					if v == noRow {
						continue
					}
					row[0], row[1], row[2] = r.id, g.models[i].item.ID, int64(v)
					if !yield(row) {
						return
					}
					if done++; done%progressAnswers == 0 {
						g.progress("answers %d", g.res.Answers+done)
					}
				}
			}
		})
	g.res.Answers += n
	if err != nil {
		return err
	}
	commentItem := slices.IndexFunc(g.models, func(m itemModel) bool { return m.item.Type == survey.Text })
	if commentItem < 0 {
		return nil
	}
	n, err = copyRows(ctx, tx, "comments", []string{"response_id", "item_id", "body"},
		func(yield func([]any) bool) {
			row := make([]any, 3)
			for _, r := range chunk {
				if r.comment == "" {
					continue
				}
				row[0], row[1], row[2] = r.id, g.models[commentItem].item.ID, r.comment
				if !yield(row) {
					return
				}
			}
		})
	g.res.Comments += n
	return err
}

// closeRounds closes the past rounds and computes their kept results, so
// the first page view is fast.
func (g *generator) closeRounds(ctx context.Context) error {
	for _, id := range g.res.ClosedRounds {
		if err := g.ss.CloseRound(ctx, id); err != nil {
			return err
		}
		if err := g.ms.ComputeRound(ctx, id); err != nil {
			return err
		}
	}
	return nil
}

// writeAbsence imports five years of monthly absence for every unit with staff.
func (g *generator) writeAbsence(ctx context.Context) error {
	rows := genAbsence(g.org, g.sched, g.lat, g.rng(streamAbsence))
	if _, err := g.ms.ImportAbsence(ctx, rows); err != nil {
		return err
	}
	g.res.AbsenceRows = len(rows)
	return nil
}

// inTx runs fn in one transaction and commits it.
func (g *generator) inTx(ctx context.Context, fn func(*sqlx.Tx) error) error {
	tx, err := g.db().BeginTxx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit()
}

// randomBytes returns n bytes from crypto/rand: ids and hashes that must
// not be predictable from the seed.
func randomBytes(n int) []byte {
	b := make([]byte, n)
	cryptorand.Read(b)
	return b
}

// sortedRandom returns n random 32-byte strings in increasing order.
func sortedRandom(n int) [][]byte {
	all := randomBytes(32 * n)
	out := make([][]byte, n)
	for i := range out {
		out[i] = all[32*i : 32*(i+1) : 32*(i+1)]
	}
	slices.SortFunc(out, bytes.Compare)
	return out
}
