package demo

import (
	"fmt"
	"math"
	"math/rand/v2"
	"time"
)

// roundPlan is one generated round: its dates, the month whose latent
// levels its answers follow, and whether it is still open.
type roundPlan struct {
	name          string
	opens, closes time.Time
	month         int // index into schedule months
	open          bool
}

// schedule places the rounds, the reorganisation and the absence months
// relative to today. Month indexes count calendar months from start.
type schedule struct {
	start      time.Time // first month of the latent series
	months     int       // months from start to the current month, inclusive
	rounds     []roundPlan
	reorgOn    time.Time // the reorganisation date, a year ago
	reorgMonth int
	absence    [2]int // absence months [from, to): the 60 complete months before the current one
}

// absenceMonths is how many months of sickness absence the demo has.
const absenceMonths = 60

// newSchedule plans closed rounds in the most recent spring (March) —
// and, when twice is true, autumn (September) — slots that closed before
// today, n of them, then one round open since a few days ago.
func newSchedule(today time.Time, n int, twice bool) *schedule {
	var slots []time.Time
	for y := today.Year(); len(slots) < n; y-- {
		for _, m := range []time.Month{time.September, time.March} {
			if m == time.September && !twice {
				continue
			}
			opens := time.Date(y, m, 1, 0, 0, 0, 0, time.UTC)
			if opens.AddDate(0, 0, 20).Before(today) && len(slots) < n {
				slots = append(slots, opens)
			}
		}
	}
	cur := monthOf(today)
	start := cur.AddDate(0, -absenceMonths, 0)
	if first := monthOf(slots[len(slots)-1]); first.Before(start) {
		start = first
	}
	s := &schedule{start: start, months: monthsBetween(start, cur) + 1}
	for i := len(slots) - 1; i >= 0; i-- {
		o := slots[i]
		s.rounds = append(s.rounds, roundPlan{
			name:   fmt.Sprintf("Social kapital og APV – %s %d", season(o.Month()), o.Year()),
			opens:  o,
			closes: o.AddDate(0, 0, 20),
			month:  monthsBetween(start, o),
		})
	}
	opens := today.AddDate(0, 0, -4)
	s.rounds = append(s.rounds, roundPlan{
		name:   fmt.Sprintf("Social kapital og APV – %s %d", season(today.Month()), today.Year()),
		opens:  opens,
		closes: today.AddDate(0, 0, 14),
		month:  s.months - 1,
		open:   true,
	})
	s.reorgOn = cur.AddDate(-1, 0, 0)
	s.reorgMonth = monthsBetween(start, s.reorgOn)
	s.absence = [2]int{s.months - 1 - absenceMonths, s.months - 1}
	return s
}

// month returns the first day of month index i.
func (s *schedule) month(i int) time.Time { return s.start.AddDate(0, i, 0) }

func season(m time.Month) string {
	if m <= time.June {
		return "forår"
	}
	return "efterår"
}

func monthOf(t time.Time) time.Time { return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC) }

func monthsBetween(a, b time.Time) int {
	return (b.Year()-a.Year())*12 + int(b.Month()) - int(a.Month())
}

// reorganise closes the reorganised team at the reorganisation month and
// adds its successor under the first department with the same staff.
func (o *org) reorganise(month int) {
	old := &o.units[o.reorgOld]
	old.closed = month
	staff := old.staff
	o.reorgNew = o.add(1, reorgSuccessor, sectorSocial, staff, true)
	o.units[o.reorgNew].created = month
}

// sectorLevel shifts the latent social capital of a sector: care work is
// under more pressure than a library.
var sectorLevel = map[sector]float64{
	sectorAdmin: 0.1, sectorSchool: 0, sectorDaycare: 0.05, sectorSocial: -0.1,
	sectorCare: -0.2, sectorHealth: 0.05, sectorTechnical: 0, sectorCulture: 0.15,
}

// levelSD is the spread of units' long-run levels at each tree level.
var levelSD = []float64{0, 0.12, 0.2, 0.2, 0.15}

// latent holds each unit's social-capital level per month on a z-like
// scale (0 ≈ an average Danish workplace): its parent's level plus its
// own mean-reverting (AR(1)) deviation, so units drift from year to year
// and whole departments move together.
type latent [][]float64

// AR(1) parameters of a unit's monthly deviation from its long-run level.
const (
	arPhi   = 0.94
	arNoise = 0.06
	// reorgDip is how much lower the successor starts than its predecessor.
	reorgDip = 0.35
)

func newLatent(o *org, months int, rng *rand.Rand) latent {
	l := make(latent, len(o.units))
	for i, u := range o.units {
		mu := 0.25 // the municipality as a whole does a little better than average
		if u.parent >= 0 {
			mu = rng.NormFloat64() * levelSD[min(u.level, len(levelSD)-1)]
			if p := o.units[u.parent]; p.level == 0 || p.sector != u.sector {
				mu += sectorLevel[u.sector]
			}
		}
		own := make([]float64, months)
		x := mu + rng.NormFloat64()*arNoise/math.Sqrt(1-arPhi*arPhi)
		for m := range own {
			if i == o.reorgNew && m == u.created {
				x = l[o.reorgOld][m-1] - reorgDip
			}
			x = mu + arPhi*(x-mu) + rng.NormFloat64()*arNoise
			own[m] = x
		}
		l[i] = own
	}
	// Add the parents' levels, parents first (units are in tree order).
	for i, u := range o.units {
		if u.parent >= 0 {
			for m := range l[i] {
				l[i][m] += l[u.parent][m]
			}
		}
	}
	return l
}
