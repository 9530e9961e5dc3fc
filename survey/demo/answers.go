package demo

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/tillid/tillid/survey"
)

// itemModel is how the generator answers one item.
type itemModel struct {
	item     survey.Item
	offset   float64 // likert5: how favourably the item is answered; problem3/yesno: log-odds of a problem
	dontKnow float64 // probability of "ved ikke"
}

// likertOffset shifts items of the default questionnaire the way real
// surveys do: colleagues are trusted more than collaboration across units.
var likertOffset = map[string]float64{
	"vt2": -0.1, "vt3": 0.3, "vt4": -0.1, "ht1": 0.4, "ht2": 0.1, "ju1": -0.2, "ju2": -0.15, "ju3": -0.3, "ju4": -0.2,
	"co1": 0.3, "co2": -0.45, "co4": -0.35, "cv2": 0.1, "cv3": -0.3, "sd1": 0.3, "sd2": -0.25, "sd3": 0.15,
}

// problemOdds is the log-odds that an average employee reports an APV
// problem; items not listed get defaultProblemOdds.
var problemOdds = map[string]float64{
	"ps_workload": -0.2, "ps_time_pressure": -0.3, "ps_emotional": -0.8, "ps_violence": -2.2, "ps_harassment": -2.6,
	"ps_conflicts": -1.5, "ph_noise": -1.2, "ph_indoor_climate": -0.8, "ph_light": -2.0, "ph_accidents": -2.2,
	"er_lifting": -1.8, "er_repetitive": -1.6, "er_postures": -1.4, "er_screen": -1.3, "absence_work": -1.4,
}

const defaultProblemOdds = -1.2

// sectorProblems raises the odds of the problems typical of a sector:
// lifting in care work, noise in day care, screen work in administration.
var sectorProblems = map[sector]map[string]float64{
	sectorCare:      {"ps_violence": 1.5, "ps_emotional": 1.0, "er_lifting": 2.2, "er_postures": 1.2, "ph_accidents": 0.8, "ps_workload": 0.4, "absence_work": 0.5},
	sectorDaycare:   {"ph_noise": 2.5, "er_lifting": 1.0, "er_postures": 1.2, "absence_work": 0.3},
	sectorSchool:    {"ph_noise": 1.3, "ps_violence": 0.8, "ps_emotional": 0.6, "ph_indoor_climate": 0.6},
	sectorSocial:    {"ps_emotional": 1.2, "ps_violence": 0.9, "ps_workload": 0.5},
	sectorTechnical: {"ph_accidents": 1.5, "er_lifting": 1.0, "er_repetitive": 0.8, "er_postures": 0.8, "ph_noise": 0.8},
	sectorAdmin:     {"er_screen": 1.0, "er_repetitive": 0.3},
	sectorCulture:   {"ph_noise": 0.3},
	sectorHealth:    {"ps_emotional": 0.7, "er_lifting": 0.5},
}

// dontKnow is the share of "ved ikke" for items where it is common.
var dontKnow = map[string]float64{"co2": 0.07, "co4": 0.04, "cv1": 0.04, "cv3": 0.05, "ps_violence": 0.03}

const defaultDontKnow = 0.02

// Answer model constants: answers scatter around the respondent's level.
const (
	likertCentre = 3.55 // the likert value of a respondent at level 0
	likertSlope  = 0.9  // likert steps per unit of level
	itemNoise    = 0.6  // SD of an answer around the respondent's level
	personSD     = 0.55 // SD of respondents' levels around their unit's
	skipRate     = 0.015
	commentRate  = 0.12
	englishRate  = 0.04
)

// comments are generic free-text comments in Danish, with no names.
var comments = struct{ good, mixed, bad []string }{
	good: []string{
		"Godt kollegaskab – vi hjælper hinanden, når det brænder på.",
		"Min nærmeste leder er god til at lytte og følge op.",
		"Jeg er glad for mit arbejde og for at kunne gøre en forskel for borgerne.",
		"Vi er blevet bedre til at dele viden på tværs af teamet.",
		"Tak for muligheden for at svare – det er vigtigt, at der bliver fulgt op.",
	},
	mixed: []string{
		"Gode kolleger, men for lidt tid til de opgaver, vi skal løse.",
		"Det ville hjælpe med mere sparring og faglig udvikling.",
		"Samarbejdet med de andre afdelinger kan blive bedre.",
		"Vi har brug for bedre it-systemer og mindre dokumentation.",
	},
	bad: []string{
		"Der er for travlt i perioder, og det går ud over kvaliteten.",
		"Vi mangler information om de beslutninger, der bliver truffet længere oppe i organisationen.",
		"Der er mange sygemeldinger, og vikarerne kender ikke borgerne.",
		"Forandringerne kommer for hurtigt, og vi bliver ikke inddraget.",
		"Opgaverne er ikke fordelt retfærdigt, og det skaber frustration.",
		"Indeklimaet er dårligt, især om sommeren.",
	},
}

func newItemModels(items []survey.Item) []itemModel {
	ms := make([]itemModel, len(items))
	for i, it := range items {
		m := itemModel{item: it, dontKnow: defaultDontKnow}
		if p, ok := dontKnow[it.Key]; ok {
			m.dontKnow = p
		}
		switch it.Type {
		case survey.Likert5:
			m.offset = likertOffset[it.Key]
		case survey.Problem3, survey.YesNo:
			m.offset = defaultProblemOdds
			if p, ok := problemOdds[it.Key]; ok {
				m.offset = p
			}
		}
		ms[i] = m
	}
	return ms
}

// noRow marks an item a respondent left blank (no answers row).
const noRow = -1

// response is one generated response, kept compactly until it is written.
type response struct {
	id      string // 128 random bits in hex, like survey's own response ids
	round   int    // index into schedule.rounds
	unit    int    // index into org.units
	day     int    // days after the round opened
	lang    string
	values  []int8 // one per item model; noRow for a blank
	comment string
}

// respondent draws one response of a unit at level lvl.
func respond(rng *rand.Rand, models []itemModel, sec sector, lvl float64, values []int8) (comment string) {
	theta := lvl + rng.NormFloat64()*personSD
	for i, m := range models {
		values[i] = noRow
		it := m.item
		if it.Type == survey.Text {
			if it.Required || rng.Float64() < commentRate {
				comment = pickComment(rng, theta)
			}
			continue
		}
		if !it.Required && rng.Float64() < skipRate {
			continue
		}
		if rng.Float64() < m.dontKnow {
			values[i] = 0
			continue
		}
		switch it.Type {
		case survey.Likert5:
			y := likertCentre + likertSlope*(theta+m.offset) + rng.NormFloat64()*itemNoise
			v := int8(min(5, max(1, math.Round(y))))
			if it.Reverse {
				v = 6 - v
			}
			values[i] = v
		case survey.Problem3:
			// A problem is likelier where social capital is low.
			switch {
			case rng.Float64() >= sigmoid(m.offset+sectorProblems[sec][it.Key]-0.9*theta):
				values[i] = 1
			case rng.Float64() < sigmoid(-1-0.5*theta):
				values[i] = 3
			default:
				values[i] = 2
			}
		case survey.YesNo:
			// Items about absence or problems: yes is the unfavourable answer.
			values[i] = 2
			if rng.Float64() < sigmoid(m.offset-0.9*theta) {
				values[i] = 1
			}
		}
	}
	return comment
}

func pickComment(rng *rand.Rand, theta float64) string {
	pool := comments.mixed
	switch {
	case theta > 0.6:
		pool = comments.good
	case theta < -0.1:
		pool = comments.bad
	}
	return pool[rng.IntN(len(pool))]
}

func sigmoid(x float64) float64 { return 1 / (1 + math.Exp(-x)) }

// responseRate is the share of a unit's staff that answers a round:
// 60–90 %, higher where social capital is high.
func responseRate(rng *rand.Rand, lvl float64) float64 {
	return min(0.9, max(0.6, 0.76+0.12*lvl+rng.NormFloat64()*0.05))
}

// openShare is how many of a unit's eventual respondents have answered
// the open round so far, a few days after it opened.
const openShare = 0.45

// roundCounts is, per unit, how many were invited to a round and answered.
type roundCounts struct{ invited, answered []int }

// genResponses draws every response of every round (the open round's so
// far) and returns them sorted by their random ids, so that they are
// written in key order, with the per-unit counts of each round.
func genResponses(o *org, s *schedule, lat latent, models []itemModel, rng *rand.Rand) ([]response, []roundCounts) {
	var (
		out    []response
		counts = make([]roundCounts, len(s.rounds))
	)
	for r, rp := range s.rounds {
		c := roundCounts{invited: make([]int, len(o.units)), answered: make([]int, len(o.units))}
		days := int(rp.closes.Sub(rp.opens).Hours() / 24)
		if rp.open {
			days = 4
		}
		for u, un := range o.units {
			if un.staff == 0 || rp.month < un.created || rp.month >= un.closed {
				continue
			}
			lvl := lat[u][rp.month]
			share := responseRate(rng, lvl)
			if rp.open {
				share *= openShare
			}
			c.invited[u] = un.staff
			c.answered[u] = int(math.Round(float64(un.staff) * share))
			for range c.answered[u] {
				resp := response{round: r, unit: u, lang: "da", values: make([]int8, len(models))}
				// Most answers come in the first days.
				resp.day = int(float64(days+1) * math.Pow(rng.Float64(), 2))
				if rng.Float64() < englishRate {
					resp.lang = "en"
				}
				resp.comment = respond(rng, models, un.sector, lvl, resp.values)
				out = append(out, resp)
			}
		}
		counts[r] = c
	}
	for i := range out {
		out[i].id = survey.NewResponseID()
	}
	slices.SortFunc(out, func(a, b response) int { return strings.Compare(a.id, b.id) })
	return out, counts
}
