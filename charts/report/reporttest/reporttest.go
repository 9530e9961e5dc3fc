// Package reporttest builds a small fictional municipality with two closed
// rounds for the tests of the committee's report and of the chart
// endpoints: a few units, the default questionnaire, responses,
// invitations and monthly sickness absence.
package reporttest

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/jmoiron/sqlx"

	"github.com/tillid/tillid/metrics"
	"github.com/tillid/tillid/survey"
	"github.com/tillid/tillid/survey/surveytest"
)

// Unit codes of the fixture. With k = 5 in the last round, LOV (3
// respondents) is suppressed for too few, NORD complementarily (else
// ÆLDRE minus SYD and NORD would isolate LOV's 3), the rest is shown.
const (
	Root  = "KOM"  // Åbæk Kommune (test): no own staff
	Care  = "AELD" // Ældre og Sundhed: no own staff
	South = "SYD"  // Ældreplejen Syd: 12 respondents
	North = "NORD" // Ældreplejen Nord: 10 respondents
	Small = "LOV"  // Plejecenter Løvehøj: 3 respondents
	Cult  = "KULT" // Kultur og Fritid: 8 own respondents
	Lib   = "BIB"  // Biblioteket Åbæk: 7 respondents
	Music = "MUS"  // Musikskolen: 6 respondents
	Muni  = "Åbæk Kommune (test)"
)

// Fixture is the municipality in a fresh database.
type Fixture struct {
	DB      *sqlx.DB
	Survey  *survey.Store
	Metrics *metrics.Store
	Rounds  []int64 // the closed rounds, oldest first
	Round   int64   // the latest closed round, the one reports are made of
	Units   map[string]int64
}

// unitSpec is one unit: its parent, name, respondents and invited staff
// (own staff, outside its subunits) in the latest round.
type unitSpec struct {
	code, parent, name string
	answered, invited  int
	level              float64 // latent social capital, 0–1
}

var units = []unitSpec{
	{Root, "", Muni, 0, 0, 0},
	{Care, Root, "Ældre og Sundhed", 0, 0, 0},
	{South, Care, "Ældreplejen Syd", 12, 15, 0.55},
	{North, Care, "Ældreplejen Nord", 10, 14, 0.7},
	{Small, Care, "Plejecenter Løvehøj", 3, 4, 0.5},
	{Cult, Root, "Kultur og Fritid", 8, 10, 0.75},
	{Lib, Cult, "Biblioteket Åbæk", 7, 9, 0.8},
	{Music, Cult, "Musikskolen", 6, 8, 0.6},
}

// New builds the fixture on a database from surveytest.Open.
func New(t testing.TB) *Fixture {
	t.Helper()
	ctx := context.Background()
	db := surveytest.Open(t)
	ss := survey.NewStore(db)
	f := &Fixture{DB: db, Survey: ss, Metrics: metrics.NewStore(db, ss), Units: map[string]int64{}}
	if err := f.build(ctx); err != nil {
		t.Fatalf("reporttest: %v", err)
	}
	return f
}

func (f *Fixture) build(ctx context.Context) error {
	q, err := f.Survey.EnsureDefaultQuestionnaire(ctx)
	if err != nil {
		return err
	}
	for _, u := range units {
		unit := survey.Unit{Code: u.code, Name: u.name}
		if u.parent != "" {
			unit.ParentID = sql.NullInt64{Int64: f.Units[u.parent], Valid: true}
		}
		if err := f.Survey.CreateUnit(ctx, &unit); err != nil {
			return err
		}
		f.Units[u.code] = unit.ID
	}
	rng := rand.New(rand.NewPCG(7, 11))
	for i, year := range []int{2023, 2024} {
		id, err := f.round(ctx, q, year, i, rng)
		if err != nil {
			return err
		}
		f.Rounds = append(f.Rounds, id)
	}
	f.Round = f.Rounds[len(f.Rounds)-1]
	return f.absence(ctx)
}

// round creates, fills and closes the spring round of year; in the first
// round every unit with staff has two more respondents, so that nothing
// is suppressed in it.
func (f *Fixture) round(ctx context.Context, q *survey.Questionnaire, year, i int, rng *rand.Rand) (int64, error) {
	opens, _ := survey.ParseDate(fmt.Sprintf("%d-03-01", year))
	closes, _ := survey.ParseDate(fmt.Sprintf("%d-03-31", year))
	r := survey.Round{Name: fmt.Sprintf("Forår %d", year), QuestionnaireID: q.ID, OpensOn: opens, ClosesOn: closes, Threshold: 5}
	if err := f.Survey.CreateRound(ctx, &r, []string{Root}); err != nil {
		return 0, err
	}
	if err := f.Survey.OpenRound(ctx, r.ID); err != nil {
		return 0, err
	}
	extra := 2 * (1 - i)
	var staff []survey.StaffRow
	for _, u := range units {
		if u.invited == 0 {
			continue
		}
		for range u.invited + extra {
			staff = append(staff, survey.StaffRow{UnitCode: u.code})
		}
	}
	issued, err := f.Survey.CreateInvitations(ctx, r.ID, staff)
	if err != nil {
		return 0, err
	}
	tx, err := f.DB.BeginTxx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	used := map[int64]int{}
	for _, inv := range issued {
		u := units[indexOf(inv.UnitID, f.Units)]
		if used[inv.UnitID] >= u.answered+extra {
			continue
		}
		used[inv.UnitID]++
		if _, err := tx.ExecContext(ctx, tx.Rebind("UPDATE invitations SET used = TRUE WHERE id = ?"), inv.ID); err != nil {
			return 0, err
		}
		if err := respond(ctx, tx, q, r, inv.UnitID, u.level-0.08*float64(1-i), rng); err != nil {
			return 0, err
		}
	}
	if err := tx.Commit(); err != nil {
		return 0, err
	}
	return r.ID, f.Survey.CloseRound(ctx, r.ID)
}

// indexOf returns the position in units of the unit with id.
func indexOf(id int64, ids map[string]int64) int {
	for i, u := range units {
		if ids[u.code] == id {
			return i
		}
	}
	panic("reporttest: unknown unit")
}

// respond stores one response around level: every scored item answered,
// now and then "don't know".
func respond(ctx context.Context, tx *sqlx.Tx, q *survey.Questionnaire, r survey.Round, unitID int64, level float64, rng *rand.Rand) error {
	id := fmt.Sprintf("%016x", rng.Uint64())
	if _, err := tx.ExecContext(ctx, tx.Rebind("INSERT INTO responses (id, round_id, unit_id, submitted_on, lang) VALUES (?, ?, ?, ?, 'da')"),
		id, r.ID, unitID, r.OpensOn.String()); err != nil {
		return err
	}
	person := level + 0.15*rng.NormFloat64()
	for _, it := range q.Items {
		var v int
		u := person + 0.2*rng.NormFloat64()
		switch it.Type {
		case survey.Likert5:
			v = clamp(int(math.Round(1+4*u)), 1, 5)
			if it.Reverse {
				v = 6 - v
			}
		case survey.Problem3:
			v = clamp(int(math.Round(3-2.5*u)), 1, 3)
		case survey.YesNo:
			v = 1 + int(rng.Float64()*2)
		default:
			continue
		}
		if rng.Float64() < 0.04 {
			v = 0
		}
		if _, err := tx.ExecContext(ctx, tx.Rebind("INSERT INTO answers (response_id, item_id, value) VALUES (?, ?, ?)"), id, it.ID, v); err != nil {
			return err
		}
	}
	return nil
}

func clamp(v, lo, hi int) int { return max(lo, min(hi, v)) }

// absence imports three years of monthly absence for every unit with
// staff, higher where social capital is lower, with a winter peak.
func (f *Fixture) absence(ctx context.Context) error {
	var rows []metrics.AbsenceRow
	for _, u := range units {
		if u.invited == 0 {
			continue
		}
		for m := range 36 {
			month := fmt.Sprintf("%d-%02d", 2022+m/12, 1+m%12)
			possible := float64(u.invited) * 21
			pct := 9 - 6*u.level + 1.5*math.Cos(2*math.Pi*float64(m)/12)
			rows = append(rows, metrics.AbsenceRow{UnitCode: u.code, Month: month, AbsenceDays: math.Round(possible*pct) / 100, PossibleDays: possible})
		}
	}
	_, err := f.Metrics.ImportAbsence(ctx, rows)
	return err
}
