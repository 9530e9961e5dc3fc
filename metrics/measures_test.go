package metrics

import (
	"slices"
	"testing"
)

func TestUnitResultsScore(t *testing.T) {
	index := &Score{Kind: KindIndex}
	u := &UnitResults{
		Index:      index,
		Dimensions: []Score{{Kind: KindDimension, Key: "trust"}, {Kind: KindDimension, Key: "justice"}},
		FocusAreas: []Score{{Kind: KindFocusArea, Key: "trust"}},
	}
	tests := []struct {
		name string
		u    *UnitResults
		m    Measure
		want *Score
	}{
		{"Index", u, Measure{Kind: KindIndex}, index},
		{"Dimension", u, Measure{Kind: KindDimension, Key: "justice"}, &u.Dimensions[1]},
		{"FocusArea", u, Measure{Kind: KindFocusArea, Key: "trust"}, &u.FocusAreas[0]},
		{"UnknownKey", u, Measure{Kind: KindDimension, Key: "nope"}, nil},
		{"NilUnit", nil, Measure{Kind: KindIndex}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.u.Score(tt.m); got != tt.want {
				t.Errorf("got %p, want %p", got, tt.want)
			}
		})
	}
}

func TestScoreMeasures(t *testing.T) {
	ms := []Measure{
		{Kind: KindRespondents},
		{Kind: KindIndex},
		{Kind: KindDimension, Key: "trust"},
		{Kind: KindFocusArea, Key: "work"},
		{Kind: KindItem, Key: "q1"},
		{Kind: KindDimension, Key: "justice"},
	}
	got := ScoreMeasures(ms)
	want := []Measure{ms[1], ms[2], ms[5]}
	if !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	if got := ScoreMeasures(nil); got != nil {
		t.Errorf("got %v, want nil", got)
	}
}
