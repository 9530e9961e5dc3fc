package survey_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/tillid/tillid/survey"
)

// sampleLines is a small valid questionnaire; the table tests replace
// single lines (numbered from 1) to break it.
var sampleLines = strings.Split(strings.TrimPrefix(`
key: test
title: {da: "Titel", en: "Title"}
intro: {da: "Indledning", en: "Introduction"}
minutes: 5
focus_areas:
  - {key: fa, name: {da: "Fokus", en: "Focus"}, from: 2018-01-01, to: 2021-12-31}
dimensions:
  - {key: trust, name: {da: "Tillid", en: "Trust"}, social_capital: true}
  - {key: apv, name: {da: "APV", en: "APV"}}
sections:
  - key: s1
    title: {da: "Side", en: "Page"}
    items:
      - key: t1
        type: likert5
        text: {da: "Et", en: "One"}
        dimension: trust
        focus_area: fa
        reverse: false
        required: true
      - key: t2
        type: likert5
        text: {da: "To", en: "Two"}
        dimension: trust
      - key: p1
        type: problem3
        text: {da: "Tre", en: "Three"}
        dimension: apv
      - key: c
        type: text
        text: {da: "Kommentar", en: "Comment"}
`, "\n"), "\n")

// sample returns sampleLines with the given lines replaced.
func sample(replace map[int]string) []byte {
	lines := slices.Clone(sampleLines)
	for n, s := range replace {
		lines[n-1] = s
	}
	return []byte(strings.Join(lines, "\n"))
}

func TestParseQuestionnaire(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		q, err := survey.ParseQuestionnaire(sample(nil))
		if err != nil {
			t.Fatal(err)
		}
		if got, want := q.Key, "test"; got != want {
			t.Errorf("key: got %q, want %q", got, want)
		}
		if got, want := len(q.Items), 4; got != want {
			t.Fatalf("items: got %d, want %d", got, want)
		}
		want := survey.Item{Key: "t1", Position: 1, Section: "s1", Type: survey.Likert5, TextDA: "Et", TextEN: "One",
			Dimension: "trust", FocusArea: "fa", Required: true}
		if got := q.Items[0]; got != want {
			t.Errorf("item 1: got %+v, want %+v", got, want)
		}
		if got, want := q.Items[3].Position, 4; got != want {
			t.Errorf("last position: got %d, want %d", got, want)
		}
		if got, want := q.FocusAreas[0].To.String(), "2021-12-31"; got != want {
			t.Errorf("focus area to: got %s, want %s", got, want)
		}
		if got, want := q.Dimensions, []survey.Dimension{{"trust", "Tillid", "Trust", true}, {"apv", "APV", "APV", false}}; !slices.Equal(got, want) {
			t.Errorf("dimensions: got %+v, want %+v", got, want)
		}
		if got, want := len(q.Sections[0].Items), 4; got != want {
			t.Errorf("section items: got %d, want %d", got, want)
		}
	})

	type problem struct {
		line   int
		column string
	}
	tests := []struct {
		name    string
		src     []byte
		want    []problem
		wantMsg string // in the first problem
	}{
		{"ErrUnknownType", sample(map[int]string{15: "        type: likret5"}),
			[]problem{{15, "items[t1].type"}}, "unknown type"},
		{"ErrUnknownField", sample(map[int]string{20: "        requird: true"}),
			[]problem{{20, "items[t1].requird"}}, "unknown field"},
		{"ErrUnknownTopField", sample(map[int]string{4: "minutes: 5\nversion: 2"}),
			[]problem{{5, "version"}}, "unknown field"},
		{"ErrFieldTwice", sample(map[int]string{19: "        type: likert5"}),
			[]problem{{19, "items[t1].type"}}, "twice"},
		{"ErrDuplicateItemKey", sample(map[int]string{21: "      - key: t1"}),
			[]problem{{8, "dimensions[trust]"}, {21, "items[t1].key"}}, "at least 2 items"},
		{"ErrDuplicateDimensionKey", sample(map[int]string{9: "  - {key: trust, name: {da: \"APV\", en: \"APV\"}}"}),
			[]problem{{9, "dimensions[trust].key"}, {28, "items[p1].dimension"}}, "duplicate"},
		{"ErrMissingEnglish", sample(map[int]string{16: "        text: {da: \"Et\"}"}),
			[]problem{{16, "items[t1].text.en"}}, "missing"},
		{"ErrMissingDanish", sample(map[int]string{12: "    title: {da: \" \", en: \"Page\"}"}),
			[]problem{{12, "sections[s1].title.da"}}, "missing"},
		{"ErrMissingType", sample(map[int]string{22: "        # type forgotten"}),
			[]problem{{21, "items[t2].type"}}, "missing"},
		{"ErrMissingIntro", sample(map[int]string{3: ""}),
			[]problem{{1, "intro"}}, "missing"},
		{"ErrUndeclaredDimension", sample(map[int]string{24: "        dimension: trsut"}),
			[]problem{{8, "dimensions[trust]"}, {24, "items[t2].dimension"}}, "at least 2 items"},
		{"ErrUndeclaredFocusArea", sample(map[int]string{18: "        focus_area: nope"}),
			[]problem{{18, "items[t1].focus_area"}}, "not declared"},
		{"ErrReverseNotLikert", sample(map[int]string{28: "        dimension: apv\n        reverse: true"}),
			[]problem{{29, "items[p1].reverse"}}, "likert5"},
		{"ErrNotBoolean", sample(map[int]string{19: "        reverse: nej"}),
			[]problem{{19, "items[t1].reverse"}}, "true or false"},
		{"ErrSocialCapitalTooFew", sample(map[int]string{24: "        required: false"}),
			[]problem{{8, "dimensions[trust]"}}, "at least 2 items, has 1"},
		{"ErrSocialCapitalType", sample(map[int]string{26: "        type: yesno", 28: "        dimension: trust"}),
			[]problem{{9, "dimensions[apv]"}, {26, "items[p1].type"}}, "no item uses"},
		{"ErrMixedTypes", sample(map[int]string{24: "        dimension: apv"}),
			[]problem{{8, "dimensions[trust]"}, {26, "items[p1].type"}}, "at least 2 items"},
		{"ErrTextWithDimension", sample(map[int]string{31: "        text: {da: \"K\", en: \"C\"}\n        dimension: apv"}),
			[]problem{{32, "items[c].dimension"}}, "text item"},
		{"ErrKeySyntax", sample(map[int]string{25: "      - key: P-1"}),
			[]problem{{25, "items[P-1].key"}}, "a–z"},
		{"ErrQuestionnaireKeySyntax", sample(map[int]string{1: "key: Test Key"}),
			[]problem{{1, "key"}}, "a–z"},
		{"ErrMinutes", sample(map[int]string{4: "minutes: many"}),
			[]problem{{4, "minutes"}}, "whole number"},
		{"ErrPeriod", sample(map[int]string{6: "  - {key: fa, name: {da: \"F\", en: \"F\"}, from: 2018-01-01, to: 2017-12-31}"}),
			[]problem{{6, "focus_areas[fa].to"}}, "ends before"},
		{"ErrDate", sample(map[int]string{6: "  - {key: fa, name: {da: \"F\", en: \"F\"}, from: 2018-13-01}"}),
			[]problem{{6, "focus_areas[fa].from"}}, "YYYY-MM-DD"},
		{"ErrNotMapping", sample(map[int]string{6: "  - fa"}),
			[]problem{{6, "focus_areas[1]"}, {18, "items[t1].focus_area"}}, "mapping"},
		{"ErrAllAtOnce", sample(map[int]string{15: "        type: likret5", 20: "        requird: true", 27: "        text: {en: \"Three\"}"}),
			[]problem{{15, "items[t1].type"}, {20, "items[t1].requird"}, {27, "items[p1].text.da"}}, "unknown type"},
		{"ErrYAMLSyntax", sample(map[int]string{16: "        text: {da: \"Et\", en: \"One\"}}"}),
			[]problem{{16, ""}}, "YAML syntax"},
		{"ErrYAMLTab", sample(map[int]string{16: "\ttext: {da: \"Et\", en: \"One\"}"}),
			[]problem{{16, ""}}, "YAML syntax"},
		{"ErrEmpty", []byte("# nothing here\n"),
			[]problem{{1, ""}}, "empty questionnaire"},
		{"ErrNoItems", []byte(strings.Join(sampleLines[:9], "\n") + "\nsections: []\n"),
			[]problem{{8, "dimensions[trust]"}, {9, "dimensions[apv]"}, {10, "sections"}}, "at least 2 items"},
		{"ErrEmptySection", sample(map[int]string{13: "    items: []\n  - key: s2\n    title: {da: \"S\", en: \"S\"}\n    items:"}),
			[]problem{{13, "sections[s1].items"}}, "at least one item"},
		{"ErrTwoDocuments", append(sample(nil), "\n---\nkey: other\n"...),
			[]problem{{34, ""}}, "one YAML document"},
		{"ErrAlias", sample(map[int]string{16: "        text: &t {da: \"Et\", en: \"One\"}", 23: "        text: *t"}),
			[]problem{{16, ""}, {23, ""}}, "anchors"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, err := survey.ParseQuestionnaire(tt.src)
			if q != nil || !errors.Is(err, survey.ErrInvalid) {
				t.Fatalf("got %v, %v; want nil, an error wrapping ErrInvalid", q, err)
			}
			var es survey.ImportErrors
			if !errors.As(err, &es) {
				t.Fatalf("got %T, want survey.ImportErrors", err)
			}
			var got []problem
			for _, e := range es {
				got = append(got, problem{e.Line, e.Column})
			}
			if !slices.Equal(got, tt.want) {
				t.Fatalf("got problems %v, want %v\n%v", got, tt.want, err)
			}
			if !strings.Contains(es[0].Msg, tt.wantMsg) {
				t.Errorf("got message %q, want it to contain %q", es[0].Msg, tt.wantMsg)
			}
		})
	}
}

func TestParseQuestionnaireValue(t *testing.T) {
	_, err := survey.ParseQuestionnaire(sample(map[int]string{15: "        type: likret5"}))
	var es survey.ImportErrors
	if !errors.As(err, &es) || len(es) != 1 {
		t.Fatalf("got %v, want one problem", err)
	}
	if got, want := es[0].Value, "likret5"; got != want {
		t.Errorf("value: got %q, want %q", got, want)
	}
	if got, want := es[0].Error(), `line 15: items[t1].type: "likret5": unknown type`; !strings.HasPrefix(got, want) {
		t.Errorf("got %q, want prefix %q", got, want)
	}
}

func TestDefaultQuestionnaire(t *testing.T) {
	q, err := survey.ParseQuestionnaire(survey.DefaultQuestionnaire())
	if err != nil {
		t.Fatal(err)
	}
	t.Run("Dimensions", func(t *testing.T) {
		var social, other []string
		for _, d := range q.Dimensions {
			if d.SocialCapital {
				social = append(social, d.Key)
			} else {
				other = append(other, d.Key)
			}
		}
		if want := []string{"vertical_trust", "horizontal_trust", "justice", "collaboration"}; !slices.Equal(social, want) {
			t.Errorf("social-capital dimensions: got %v, want %v", social, want)
		}
		if want := []string{"citizen_value", "skills_development", "apv_psychosocial", "apv_physical", "apv_ergonomic"}; !slices.Equal(other, want) {
			t.Errorf("other dimensions: got %v, want %v", other, want)
		}
	})
	t.Run("Items", func(t *testing.T) {
		if n := len(q.Items); n < 30 || n > 40 {
			t.Errorf("got %d items, want 30–40", n)
		}
		if n := len(q.Sections); n < 4 || n > 6 {
			t.Errorf("got %d sections, want 4–6", n)
		}
		perDim := map[string]int{}
		perFocus := map[string]int{}
		reverse := 0
		for _, it := range q.Items {
			if strings.TrimSpace(it.TextDA) == "" || strings.TrimSpace(it.TextEN) == "" || it.TextDA == it.TextEN {
				t.Errorf("item %s: want distinct Danish and English texts, got %q / %q", it.Key, it.TextDA, it.TextEN)
			}
			perDim[it.Dimension]++
			perFocus[it.FocusArea]++
			if it.Reverse {
				reverse++
			}
		}
		if reverse == 0 {
			t.Error("got no reverse-worded item, want at least one")
		}
		for _, d := range q.Dimensions {
			if d.SocialCapital && (perDim[d.Key] < 3 || perDim[d.Key] > 4) {
				t.Errorf("dimension %s: got %d items, want 3–4", d.Key, perDim[d.Key])
			}
		}
		for _, key := range []string{"apv_psychosocial", "apv_physical", "apv_ergonomic"} {
			if perDim[key] < 4 {
				t.Errorf("dimension %s: got %d items, want at least 4", key, perDim[key])
			}
		}
		for _, f := range q.FocusAreas {
			if perFocus[f.Key] < 2 {
				t.Errorf("focus area %s: got %d items, want at least 2", f.Key, perFocus[f.Key])
			}
		}
	})
	t.Run("AbsenceAndComment", func(t *testing.T) {
		absence, ok := q.ItemByKey("absence_work")
		if !ok || !absence.Type.Valid() || absence.Type == survey.Text {
			t.Errorf("absence_work: got %+v, %v; want a scored item", absence, ok)
		}
		comment, ok := q.ItemByKey("comment")
		if !ok || comment.Type != survey.Text || comment.Required {
			t.Errorf("comment: got %+v, %v; want an optional text item", comment, ok)
		}
	})
	t.Run("Texts", func(t *testing.T) {
		if q.Title("da") == q.Title("en") || q.Intro("da") == "" || q.Intro("en") == "" || q.Minutes == 0 {
			t.Errorf("got title %q / %q, intro %q / %q, minutes %d; want both languages and minutes",
				q.Title("da"), q.Title("en"), q.Intro("da"), q.Intro("en"), q.Minutes)
		}
		for _, f := range q.FocusAreas {
			if f.From.IsZero() || f.To.IsZero() || f.Name("en") == f.Name("da") {
				t.Errorf("focus area %s: got %+v, want a period and two names", f.Key, f)
			}
		}
	})
}

func TestChoices(t *testing.T) {
	tests := []struct {
		typ    survey.ItemType
		values []int
		first  string
	}{
		{survey.Likert5, []int{1, 2, 3, 4, 5, 0}, "Helt uenig"},
		{survey.Problem3, []int{1, 2, 3, 0}, "Nej, ikke et problem"},
		{survey.YesNo, []int{1, 2, 0}, "Ja"},
		{survey.Text, nil, ""},
	}
	for _, tt := range tests {
		t.Run(string(tt.typ), func(t *testing.T) {
			cs := tt.typ.Choices()
			var values []int
			for _, c := range cs {
				values = append(values, c.Value)
				if !survey.ValidValue(tt.typ, c.Value) {
					t.Errorf("ValidValue(%s, %d): got false, want true", tt.typ, c.Value)
				}
			}
			if !slices.Equal(values, tt.values) {
				t.Fatalf("values: got %v, want %v", values, tt.values)
			}
			if len(cs) == 0 {
				return
			}
			if got := cs[0].Label("da"); got != tt.first {
				t.Errorf("first label: got %q, want %q", got, tt.first)
			}
			if got, want := cs[len(cs)-1].Label("en"), "Don't know / not relevant"; got != want {
				t.Errorf("last label: got %q, want %q", got, want)
			}
			cs[0].DA = "changed"
			if tt.typ.Choices()[0].DA == "changed" {
				t.Error("Choices: got a shared slice, want a copy")
			}
		})
	}
	t.Run("ErrInvalidValue", func(t *testing.T) {
		for _, c := range []struct {
			typ survey.ItemType
			v   int
		}{{survey.Likert5, 6}, {survey.Likert5, -1}, {survey.Problem3, 4}, {survey.YesNo, 3}, {survey.Text, 0}, {"bogus", 1}} {
			if survey.ValidValue(c.typ, c.v) {
				t.Errorf("ValidValue(%s, %d): got true, want false", c.typ, c.v)
			}
		}
	})
}

func TestQuestionnaireLookup(t *testing.T) {
	q, err := survey.ParseQuestionnaire(sample(nil))
	if err != nil {
		t.Fatal(err)
	}
	q.Items[1].ID = 42
	t.Run("OK", func(t *testing.T) {
		if it, ok := q.ItemByID(42); !ok || it.Key != "t2" {
			t.Errorf("ItemByID(42): got %q, %v; want t2, true", it.Key, ok)
		}
		if it, ok := q.ItemByKey("p1"); !ok || it.Text("en") != "Three" || it.Text("da") != "Tre" || it.Text("") != "Tre" {
			t.Errorf("ItemByKey(p1): got %+v, %v", it, ok)
		}
		if d, ok := q.DimensionByKey("trust"); !ok || d.Name("en-GB") != "Trust" {
			t.Errorf("DimensionByKey(trust): got %+v, %v", d, ok)
		}
		if got, want := q.Sections[0].Title("en"), "Page"; got != want {
			t.Errorf("section title: got %q, want %q", got, want)
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		if _, ok := q.ItemByID(0); ok {
			t.Error("ItemByID(0): got true, want false")
		}
		if _, ok := q.ItemByKey("nope"); ok {
			t.Error("ItemByKey(nope): got true, want false")
		}
		if _, ok := q.DimensionByKey("nope"); ok {
			t.Error("DimensionByKey(nope): got true, want false")
		}
	})
}
