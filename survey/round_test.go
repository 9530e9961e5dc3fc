package survey_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/tillid/tillid/survey"
)

// seedItem is an item inserted by seedQuestionnaire.
type seedItem struct {
	Type     survey.ItemType
	Required bool
}

// seedQuestionnaire inserts a questionnaire version with items straight
// into the tables, so these tests depend only on the schema, and returns
// its id and its items' ids in order.
func seedQuestionnaire(t testing.TB, s *survey.Store, items ...seedItem) (int64, []int64) {
	t.Helper()
	ctx, db := context.Background(), s.DB()
	var qid int64
	err := db.GetContext(ctx, &qid, db.Rebind(`
		INSERT INTO questionnaires (key, version, title_da, title_en, source, created_at)
		VALUES ('test', (SELECT COALESCE(MAX(version), 0) + 1 FROM questionnaires WHERE key = 'test'), 'Test', 'Test', '', 0)
		RETURNING id`))
	if err != nil {
		t.Fatal(err)
	}
	ids := make([]int64, len(items))
	for i, it := range items {
		err := db.GetContext(ctx, &ids[i], db.Rebind(`
			INSERT INTO items (questionnaire_id, key, position, type, text_da, text_en, required)
			VALUES (?, ?, ?, ?, 'Spørgsmål', 'Question', ?) RETURNING id`), qid, "q"+strings.Repeat("x", i), i+1, it.Type, it.Required)
		if err != nil {
			t.Fatal(err)
		}
	}
	return qid, ids
}

// newRound creates a round over units and fails the test on error.
func newRound(t testing.TB, s *survey.Store, qid int64, units ...string) survey.Round {
	t.Helper()
	r := survey.Round{Name: "Trivsel 2024", QuestionnaireID: qid, OpensOn: parseDay(t, "2024-03-01"), ClosesOn: parseDay(t, "2024-03-31")}
	if err := s.CreateRound(context.Background(), &r, units); err != nil {
		t.Fatal(err)
	}
	return r
}

func TestCreateRound(t *testing.T) {
	ctx := context.Background()
	s := freshStore(t)
	importUnits(t, s, treeCSV)
	if err := s.CloseUnit(ctx, "BU2", parseDay(t, "2024-01-31"), "BU1"); err != nil {
		t.Fatal(err)
	}
	qid, _ := seedQuestionnaire(t, s, seedItem{Type: survey.Likert5})
	t.Run("OK", func(t *testing.T) {
		r := newRound(t, s, qid, "BU", "SO")
		if r.ID == 0 || r.Status != survey.RoundDraft || r.Threshold != 5 || r.CreatedAt == 0 {
			t.Errorf("got %+v, want a stored draft with threshold 5", r)
		}
		got, err := s.FindRoundByID(ctx, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got != r {
			t.Errorf("got %+v, want %+v", got, r)
		}
		units, err := s.FindRoundUnits(ctx, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		var codes []string
		for _, u := range units {
			codes = append(codes, u.Code)
		}
		// BU's subtree without the closed BU2, and SO; not K.
		if want := []string{"BU", "BU1", "SO"}; !slices.Equal(codes, want) {
			t.Errorf("units: got %v, want %v", codes, want)
		}
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		ok := func() survey.Round {
			return survey.Round{Name: "R", QuestionnaireID: qid, OpensOn: parseDay(t, "2024-03-01"), ClosesOn: parseDay(t, "2024-03-31")}
		}
		cases := map[string]struct {
			edit  func(*survey.Round)
			units []string
			want  string
		}{
			"threshold": {func(r *survey.Round) { r.Threshold = 2 }, []string{"K"}, "threshold 2"},
			"dates":     {func(r *survey.Round) { r.OpensOn, r.ClosesOn = r.ClosesOn, r.OpensOn }, []string{"K"}, "closes"},
			"name":      {func(r *survey.Round) { r.Name = " " }, []string{"K"}, "name"},
			"q":         {func(r *survey.Round) { r.QuestionnaireID = 999 }, []string{"K"}, "questionnaire 999"},
			"no units":  {func(r *survey.Round) {}, nil, "unit"},
			"unknown":   {func(r *survey.Round) {}, []string{"K", "NOPE"}, `"NOPE"`},
			"closed":    {func(r *survey.Round) {}, []string{"BU2"}, `"BU2"`},
		}
		for name, c := range cases {
			r := ok()
			c.edit(&r)
			err := s.CreateRound(ctx, &r, c.units)
			if !errors.Is(err, survey.ErrInvalid) || !strings.Contains(err.Error(), c.want) {
				t.Errorf("%s: got %v, want ErrInvalid naming %s", name, err, c.want)
			}
		}
	})
}

func TestRoundStatus(t *testing.T) {
	ctx := context.Background()
	s := freshStore(t)
	importUnits(t, s, treeCSV)
	qid, _ := seedQuestionnaire(t, s, seedItem{Type: survey.Likert5})
	r := newRound(t, s, qid, "K")
	t.Run("OK", func(t *testing.T) {
		if err := s.OpenRound(ctx, r.ID); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.FindRoundByID(ctx, r.ID); got.Status != survey.RoundOpen {
			t.Errorf("got %s, want open", got.Status)
		}
		if err := s.CloseRound(ctx, r.ID); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.FindRoundByID(ctx, r.ID); got.Status != survey.RoundClosed {
			t.Errorf("got %s, want closed", got.Status)
		}
	})
	t.Run("ErrConflict", func(t *testing.T) {
		if err := s.OpenRound(ctx, r.ID); !errors.Is(err, survey.ErrConflict) {
			t.Errorf("reopen: got %v, want ErrConflict", err)
		}
		draft := newRound(t, s, qid, "K")
		if err := s.CloseRound(ctx, draft.ID); !errors.Is(err, survey.ErrConflict) {
			t.Errorf("close draft: got %v, want ErrConflict", err)
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		if err := s.OpenRound(ctx, 999); !errors.Is(err, survey.ErrNotFound) {
			t.Errorf("got %v, want ErrNotFound", err)
		}
	})
	t.Run("FindRounds", func(t *testing.T) {
		later := survey.Round{Name: "Trivsel 2025", QuestionnaireID: qid, OpensOn: parseDay(t, "2025-03-01"), ClosesOn: parseDay(t, "2025-03-31")}
		if err := s.CreateRound(ctx, &later, []string{"K"}); err != nil {
			t.Fatal(err)
		}
		rs, err := s.FindRounds(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(rs) != 3 || rs[0].ID != later.ID {
			t.Errorf("got %+v, want 3 rounds, %d first", rs, later.ID)
		}
	})
}
