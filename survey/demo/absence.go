package demo

import (
	"math"
	"math/rand/v2"
	"time"

	"github.com/tillid/tillid/metrics"
)

// sectorAbsence is each sector's sickness absence in percentage points
// above or below the municipal average (care and day care are highest).
var sectorAbsence = map[sector]float64{
	sectorAdmin: -0.8, sectorSchool: 0.3, sectorDaycare: 1.0, sectorSocial: 0.3,
	sectorCare: 1.8, sectorHealth: 0, sectorTechnical: 0.5, sectorCulture: -0.4,
}

// holidayShare is the share of a month's weekdays taken as holidays and
// vacation, so possible working days dip in July.
var holidayShare = [13]float64{0, 0.03, 0.08, 0.03, 0.05, 0.05, 0.08, 0.45, 0.15, 0.03, 0.08, 0.03, 0.12}

// Absence model constants, in percent of possible days.
const (
	absenceMean      = 5.2  // a unit at social-capital level 0 in an average month
	absencePerLevel  = -1.8 // each unit of social capital lowers absence this much
	absenceWinter    = 1.2  // the winter peak (January–February) above the mean
	absenceNoise     = 0.5  // month-to-month noise of a large unit
	absenceSmallUnit = 3.0  // extra noise, divided by √staff: small units jump around
	fteShare         = 0.86 // full-time equivalents per employee
)

// genAbsence returns a month of own-illness absence for every unit with
// staff, for the 60 months before the current one: lower social capital
// means higher absence, with winter peaks and noise.
func genAbsence(o *org, s *schedule, lat latent, rng *rand.Rand) []metrics.AbsenceRow {
	var rows []metrics.AbsenceRow
	for u, un := range o.units {
		if un.staff == 0 {
			continue
		}
		for m := max(s.absence[0], un.created); m < min(s.absence[1], un.closed); m++ {
			month := s.month(m)
			fte := float64(un.staff) * fteShare * (1 + rng.NormFloat64()*0.02)
			possible := fte * float64(weekdays(month)) * (1 - holidayShare[month.Month()])
			pct := absenceMean + sectorAbsence[un.sector] + absencePerLevel*lat[u][m] +
				absenceWinter*math.Cos(2*math.Pi*(float64(month.Month())-1.5)/12) +
				rng.NormFloat64()*(absenceNoise+absenceSmallUnit/math.Sqrt(float64(un.staff)))
			pct = max(0.2, pct)
			rows = append(rows, metrics.AbsenceRow{
				UnitCode:     un.code,
				Month:        month.Format("2006-01"),
				Category:     metrics.OwnIllness,
				AbsenceDays:  round1(possible * pct / 100),
				PossibleDays: round1(possible),
				FTE:          round1(fte),
			})
		}
	}
	return rows
}

// weekdays counts Monday–Friday in the month starting at first.
func weekdays(first time.Time) int {
	n := 0
	for d := first; d.Month() == first.Month(); d = d.AddDate(0, 0, 1) {
		if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
			n++
		}
	}
	return n
}

func round1(x float64) float64 { return math.Round(x*10) / 10 }
