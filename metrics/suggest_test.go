package metrics

import (
	"strings"
	"testing"

	"github.com/tillid/tillid/survey"
)

func TestSuggestions(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	r := &UnitResult{
		Measures: []Measure{
			{Kind: KindItem, Key: "noise", NameDA: "Støj"},
			{Kind: KindItem, Key: "lifting", NameDA: "Løft"},
			{Kind: KindItem, Key: "hidden", NameDA: "Skjult"},
			{Kind: KindDimension, Key: "justice", NameDA: "Retfærdighed"},
			{Kind: KindDimension, Key: "trust", NameDA: "Tillid"},
		},
		Unit: UnitResults{
			Items: []ItemScore{
				{Key: "noise", Type: survey.Problem3, Share: f(40)},
				{Key: "lifting", Type: survey.Problem3, Share: f(24.9)},
				{Key: "hidden", Type: survey.Problem3, Cell: Cell{Suppressed: true, Reason: ReasonTooFew}},
			},
			Dimensions: []Score{
				{Kind: KindDimension, Key: "justice", Mean: f(45)},
				{Kind: KindDimension, Key: "trust", Mean: f(60)},
			},
		},
	}
	t.Run("OK", func(t *testing.T) {
		sugs, reason := r.Suggestions()
		if reason != "" {
			t.Fatalf("got reason %q, want none", reason)
		}
		var got []string
		for _, s := range sugs {
			got = append(got, s.Measure.Key)
		}
		// justice (badness 55) before noise (40); lifting below 25 %, trust
		// not below 60 and the suppressed item suggest nothing.
		if want := "justice noise"; strings.Join(got, " ") != want {
			t.Errorf("got %q, want %q", strings.Join(got, " "), want)
		}
	})
	t.Run("Suppressed", func(t *testing.T) {
		s := *r
		s.Unit.Cell = Cell{Suppressed: true, Reason: ReasonComplementary}
		sugs, reason := s.Suggestions()
		if len(sugs) != 0 || reason != ReasonComplementary {
			t.Errorf("got %d suggestions and reason %q, want none and %q", len(sugs), reason, ReasonComplementary)
		}
	})
}
