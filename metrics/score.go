package metrics

import (
	"math"

	"github.com/tillid/tillid/survey"
)

// Kind is the sort of a measure: what a result cell is a result of.
type Kind string

// The kinds of measure. Respondents is the unit's own cell: how many
// answered. Index is the social-capital index; Dimension and FocusArea
// are scores built from likert5 items; Item is one scored item.
const (
	KindRespondents Kind = "respondents"
	KindIndex       Kind = "index"
	KindDimension   Kind = "dimension"
	KindFocusArea   Kind = "focus_area"
	KindItem        Kind = "item"
)

// measureKey is how a measure is named in the results table:
// "respondents", "index", "dimension:KEY", "focus_area:KEY", "item:KEY".
func measureKey(kind Kind, key string) string {
	if kind == KindRespondents || kind == KindIndex {
		return string(kind)
	}
	return string(kind) + ":" + key
}

// LikertScore maps a likert5 answer 1..5 to 0, 25, 50, 75 or 100, the
// high end favourable; a reverse-worded item is flipped first (1 ↔ 5).
// 0 ("ved ikke", don't know) and any other value is missing: ok is false,
// never a score of 0.
func LikertScore(value int, reverse bool) (score float64, ok bool) {
	if value < 1 || value > 5 {
		return 0, false
	}
	if reverse {
		value = 6 - value
	}
	return float64(value-1) * 25, true
}

// enough reports whether answered of total parts make a score: at least
// half of them (exactly half counts).
func enough(answered, total int) bool { return total > 0 && 2*answered >= total }

// HalfMean returns the mean of the scores that are not missing (NaN) when
// at least half of them are present (exactly half counts); else ok is
// false. It is the rule for a respondent's dimension and focus-area score
// (over the unit's items) and social-capital index (over its dimensions).
func HalfMean(scores []float64) (mean float64, ok bool) {
	var sum float64
	n := 0
	for _, x := range scores {
		if !math.IsNaN(x) {
			sum += x
			n++
		}
	}
	if n == 0 || !enough(n, len(scores)) {
		return 0, false
	}
	return sum / float64(n), true
}

// scheme is how one questionnaire version is scored: its scored items in
// form order (each with a slot) and its score measures.
type scheme struct {
	items    []survey.Item // likert5, problem3 and yesno items
	texts    []survey.Item // text items (comments)
	slot     map[int64]int // item id → index in items
	measures []scoreMeasure
	dims     []survey.Dimension
	areas    []survey.FocusArea
}

// scoreMeasure is a score a respondent can have: a dimension or a focus
// area (the mean of its likert5 item slots) or the social-capital index
// (the mean of the parts, indices of social-capital dimensions in
// measures). The index, when there is one, comes first.
type scoreMeasure struct {
	kind  Kind
	key   string
	slots []int
	parts []int
}

// newScheme builds the scheme of q. Dimensions and focus areas without a
// likert5 item have no score (their problem3/yesno items are reported per
// item). The social-capital index is the mean of a respondent's
// social-capital dimension scores, computed when at least half of those
// dimensions have a score (the same half rule as for items); a
// questionnaire without social-capital dimensions has no index.
func newScheme(q *survey.Questionnaire) *scheme {
	sc := &scheme{slot: make(map[int64]int), dims: q.Dimensions, areas: q.FocusAreas}
	dimSlots := make(map[string][]int)
	areaSlots := make(map[string][]int)
	for _, it := range q.Items {
		if it.Type == survey.Text {
			sc.texts = append(sc.texts, it)
		}
		if it.Type != survey.Likert5 && it.Type != survey.Problem3 && it.Type != survey.YesNo {
			continue
		}
		i := len(sc.items)
		sc.items = append(sc.items, it)
		sc.slot[it.ID] = i
		if it.Type == survey.Likert5 {
			if it.Dimension != "" {
				dimSlots[it.Dimension] = append(dimSlots[it.Dimension], i)
			}
			if it.FocusArea != "" {
				areaSlots[it.FocusArea] = append(areaSlots[it.FocusArea], i)
			}
		}
	}
	var index scoreMeasure
	var ms []scoreMeasure
	for _, d := range q.Dimensions {
		if slots := dimSlots[d.Key]; len(slots) > 0 {
			if d.SocialCapital {
				index.parts = append(index.parts, len(ms)+1)
			}
			ms = append(ms, scoreMeasure{kind: KindDimension, key: d.Key, slots: slots})
		}
	}
	for _, f := range q.FocusAreas {
		if slots := areaSlots[f.Key]; len(slots) > 0 {
			ms = append(ms, scoreMeasure{kind: KindFocusArea, key: f.Key, slots: slots})
		}
	}
	if len(index.parts) == 0 {
		sc.measures = ms
		return sc
	}
	index.kind = KindIndex // parts were counted with the index at 0
	sc.measures = append([]scoreMeasure{index}, ms...)
	return sc
}

// score computes one respondent's scores. values holds the respondent's
// answer per item slot (-1 when the item has no answer); out receives one
// score per measure, NaN where the respondent has none.
func (sc *scheme) score(values []int8, out []float64, buf []float64) {
	for m, ms := range sc.measures {
		if ms.kind == KindIndex {
			continue
		}
		buf = buf[:0]
		for _, s := range ms.slots {
			x, ok := LikertScore(int(values[s]), sc.items[s].Reverse)
			if !ok {
				x = math.NaN()
			}
			buf = append(buf, x)
		}
		out[m] = nanUnless(HalfMean(buf))
	}
	if len(sc.measures) > 0 && sc.measures[0].kind == KindIndex {
		buf = buf[:0]
		for _, p := range sc.measures[0].parts {
			buf = append(buf, out[p])
		}
		out[0] = nanUnless(HalfMean(buf))
	}
}

// nanUnless returns x when ok, else NaN (a missing score).
func nanUnless(x float64, ok bool) float64 {
	if !ok {
		return math.NaN()
	}
	return x
}
