package metrics

import (
	"context"
	"fmt"
)

// Trend is one unit's history on one time axis: its published results in
// every closed round (the index, each dimension, focus area and item with
// CI, n, suppression and change flags), and the monthly sickness absence
// of its subtree with the rolling 12-month line. Rounds of closed
// predecessor units continue on their successor's trend, marked
// Predecessor.
type Trend struct {
	Unit     TrendUnit      `json:"unit"`
	Measures []Measure      `json:"measures"` // of the latest round's questionnaire
	Rounds   []TrendRound   `json:"rounds"`   // in closing order
	Absence  []AbsencePoint `json:"absence"`  // monthly, oldest first
}

// TrendUnit names the unit of a trend and the closed units it continues.
type TrendUnit struct {
	Code         string   `json:"code"`
	Name         string   `json:"name"`
	ClosedOn     string   `json:"closed_on,omitempty"`
	Predecessors []string `json:"predecessors"`
}

// TrendRound is a round's results on a trend, placed on the time axis at
// Month, the month the round closed (YYYY-MM).
type TrendRound struct {
	Month string `json:"month"`
	UnitRound
}

// Trend returns the trend of the unit with unitCode (survey.ErrNotFound
// when there is none). It reads kept results only (UnitHistory), never
// raw answers; absence comes from AbsenceSeries over all months stored.
func (s *Store) Trend(ctx context.Context, unitCode string) (*Trend, error) {
	unit, err := s.survey.FindUnitByCode(ctx, unitCode)
	if err != nil {
		return nil, fmt.Errorf("metrics: trend: %w", err)
	}
	lineage, err := s.survey.FindUnitLineage(ctx, unit.ID)
	if err != nil {
		return nil, fmt.Errorf("metrics: trend: %w", err)
	}
	t := &Trend{Unit: TrendUnit{Code: unit.Code, Name: unit.Name, Predecessors: []string{}}, Measures: []Measure{}, Rounds: []TrendRound{}}
	if unit.Closed() {
		t.Unit.ClosedOn = unit.ClosedOn.V.String()
	}
	for _, u := range lineage {
		if u.ID != unit.ID {
			t.Unit.Predecessors = append(t.Unit.Predecessors, u.Code)
		}
	}
	hist, err := s.UnitHistory(ctx, unit.ID)
	if err != nil {
		return nil, err
	}
	for _, h := range hist {
		t.Rounds = append(t.Rounds, TrendRound{Month: h.Round.ClosesOn[:len(monthLayout)], UnitRound: h})
	}
	if len(hist) > 0 {
		sch, err := s.loadScheme(ctx, hist[len(hist)-1].Round.QuestionnaireID)
		if err != nil {
			return nil, err
		}
		t.Measures = sch.catalog()
	}
	if t.Absence, err = s.AbsenceSeries(ctx, unit.ID, "", ""); err != nil {
		return nil, err
	}
	if t.Absence == nil {
		t.Absence = []AbsencePoint{}
	}
	return t, nil
}
