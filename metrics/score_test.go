package metrics

import (
	"math"
	"testing"

	"github.com/tillid/tillid/survey"
)

func TestLikertScore(t *testing.T) {
	tests := []struct {
		value   int
		reverse bool
		score   float64
		ok      bool
	}{
		{1, false, 0, true}, {2, false, 25, true}, {3, false, 50, true}, {4, false, 75, true}, {5, false, 100, true},
		{1, true, 100, true}, {2, true, 75, true}, {3, true, 50, true}, {5, true, 0, true},
		{0, false, 0, false}, {0, true, 0, false}, {6, false, 0, false}, {-1, false, 0, false},
	}
	for _, tt := range tests {
		score, ok := LikertScore(tt.value, tt.reverse)
		if score != tt.score || ok != tt.ok {
			t.Errorf("LikertScore(%d, %v): got %v %v, want %v %v", tt.value, tt.reverse, score, ok, tt.score, tt.ok)
		}
	}
}

func TestHalfMean(t *testing.T) {
	nan := math.NaN()
	tests := []struct {
		name   string
		scores []float64
		mean   float64
		ok     bool
	}{
		{"AllAnswered", []float64{0, 50, 100}, 50, true},
		{"AllMissing", []float64{nan, nan, nan}, 0, false},
		{"ExactlyHalf", []float64{nan, nan, 50, 100}, 75, true},
		{"UnderHalf", []float64{nan, nan, nan, 100}, 0, false},
		{"OneOfThree", []float64{nan, 25, nan}, 0, false},
		{"TwoOfThree", []float64{nan, 25, 75}, 50, true},
		{"OneOfTwo", []float64{nan, 100}, 100, true},
		{"None", nil, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mean, ok := HalfMean(tt.scores)
			if mean != tt.mean || ok != tt.ok {
				t.Errorf("got %v %v, want %v %v", mean, ok, tt.mean, tt.ok)
			}
		})
	}
}

// testQuestionnaire has two social-capital dimensions (vertical: v1, v2
// reverse-worded; horizontal: h1..h3), a non-social-capital dimension
// (workload: likert w1), a problem3-only dimension (apv: p1, which has no
// score), a focus area over v1, v2 and h3,
// a yesno item and a text item.
func testQuestionnaire() *survey.Questionnaire {
	return &survey.Questionnaire{
		Dimensions: []survey.Dimension{
			{Key: "vertical", NameDA: "Tillid ledelse", NameEN: "Vertical trust", SocialCapital: true},
			{Key: "horizontal", NameDA: "Tillid kolleger", NameEN: "Horizontal trust", SocialCapital: true},
			{Key: "workload", NameDA: "Arbejdsmængde", NameEN: "Workload"},
			{Key: "apv", NameDA: "APV", NameEN: "APV"},
		},
		FocusAreas: []survey.FocusArea{{Key: "sc", NameDA: "Social kapital", NameEN: "Social capital"}},
		Items: []survey.Item{
			{ID: 1, Key: "v1", Type: survey.Likert5, Dimension: "vertical", FocusArea: "sc"},
			{ID: 2, Key: "v2", Type: survey.Likert5, Dimension: "vertical", FocusArea: "sc", Reverse: true},
			{ID: 3, Key: "h1", Type: survey.Likert5, Dimension: "horizontal"},
			{ID: 4, Key: "h2", Type: survey.Likert5, Dimension: "horizontal"},
			{ID: 5, Key: "h3", Type: survey.Likert5, Dimension: "horizontal", FocusArea: "sc"},
			{ID: 6, Key: "w1", Type: survey.Likert5, Dimension: "workload"},
			{ID: 7, Key: "p1", Type: survey.Problem3, Dimension: "apv"},
			{ID: 8, Key: "y1", Type: survey.YesNo},
			{ID: 9, Key: "c1", Type: survey.Text},
		},
	}
}

func TestSchemeScore(t *testing.T) {
	sc := newScheme(testQuestionnaire())
	var keys []string
	for _, m := range sc.measures {
		keys = append(keys, measureKey(m.kind, m.key))
	}
	wantKeys := []string{"index", "dimension:vertical", "dimension:horizontal", "dimension:workload", "focus_area:sc"}
	if len(keys) != len(wantKeys) {
		t.Fatalf("got measures %v, want %v", keys, wantKeys)
	}
	for i := range keys {
		if keys[i] != wantKeys[i] {
			t.Fatalf("got measures %v, want %v", keys, wantKeys)
		}
	}
	if len(sc.items) != 8 || len(sc.texts) != 1 {
		t.Fatalf("got %d scored and %d text items, want 8 and 1", len(sc.items), len(sc.texts))
	}
	nan := math.NaN()
	tests := []struct {
		name    string
		answers map[int64]int8 // item id → value
		want    []float64      // index, vertical, horizontal, workload, sc
	}{
		// v1 5 → 100, v2 2 reversed → 75, h1 3 → 50 (1 of 3: no horizontal),
		// h2 "ved ikke", w1 4 → 75. Index: 1 of 2 SC dimensions (exactly
		// half) → 87.5. Focus area: v1, v2 of v1, v2, h3 → 87.5.
		{"Mixed", map[int64]int8{1: 5, 2: 2, 3: 3, 4: 0, 6: 4, 7: 2, 8: 1}, []float64{87.5, 87.5, nan, 75, 87.5}},
		// h1 1 → 0, h2 5 → 100: horizontal 2 of 3 → 50; vertical none.
		{"HorizontalOnly", map[int64]int8{3: 1, 4: 5}, []float64{50, nan, 50, nan, nan}},
		{"AllDontKnow", map[int64]int8{1: 0, 2: 0, 3: 0, 4: 0, 5: 0, 6: 0, 7: 0, 8: 0}, []float64{nan, nan, nan, nan, nan}},
		{"NothingAnswered", nil, []float64{nan, nan, nan, nan, nan}},
		// Both SC dimensions: vertical (0+0)/2 with v2 5 reversed → 0,
		// horizontal (100+100+100)/3; index (0+100)/2.
		{"Full", map[int64]int8{1: 1, 2: 5, 3: 5, 4: 5, 5: 5, 6: 3}, []float64{50, 0, 100, 50, 100 / 3.0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			values := make([]int8, len(sc.items))
			for i := range values {
				values[i] = -1
			}
			for id, v := range tt.answers {
				values[sc.slot[id]] = v
			}
			out := make([]float64, len(sc.measures))
			sc.score(values, out, nil)
			for m := range out {
				if math.IsNaN(tt.want[m]) != math.IsNaN(out[m]) || (!math.IsNaN(out[m]) && !near(out[m], tt.want[m], 1e-9)) {
					t.Errorf("%s: got %v, want %v", keys[m], out[m], tt.want[m])
				}
			}
		})
	}
	t.Run("NoSocialCapital", func(t *testing.T) {
		q := testQuestionnaire()
		for i := range q.Dimensions {
			q.Dimensions[i].SocialCapital = false
		}
		if sc := newScheme(q); sc.measures[0].kind == KindIndex {
			t.Error("got an index, want none without social-capital dimensions")
		}
	})
}
