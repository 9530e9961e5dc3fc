package survey_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tillid/tillid/survey"
)

// planFixture is a store with the default questionnaire, the treeCSV
// units, a round over BU's subtree (BU, BU1, BU2; not SO) and a staff
// user who edits plans.
type planFixture struct {
	s     *survey.Store
	round survey.Round
	units map[string]int64
	user  int64
}

func newPlanFixture(t *testing.T) planFixture {
	t.Helper()
	ctx := context.Background()
	s := freshStore(t)
	s.SetClock(func() time.Time { return time.Date(2024, 6, 15, 12, 0, 0, 0, time.UTC) })
	q, err := s.EnsureDefaultQuestionnaire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	importUnits(t, s, treeCSV)
	f := planFixture{s: s, round: newRound(t, s, q.ID, "BU"), units: map[string]int64{}}
	for _, code := range []string{"BU", "BU1", "BU2", "SO"} {
		f.units[code] = mustUnitID(t, s, code)
	}
	db := s.DB()
	err = db.GetContext(ctx, &f.user, db.Rebind(`
		INSERT INTO users (email, name, role, created_at, updated_at) VALUES (?, ?, ?, 0, 0) RETURNING id`),
		"leder@kommune.dk", "Lene Leder", "manager")
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// validInput is a complete entry tied to an APV item.
func validInput() survey.PlanInput {
	return survey.PlanInput{
		Problem: "item:ps_workload", ProblemText: "Travlt i ferieperioden",
		Risk: "Risiko for stress", RiskLevel: "high",
		Action: "Fast vikar i juli", Responsible: "Afdelingsleder",
		Deadline: "2024-07-01", FollowUpOn: "2024-09-01",
	}
}

// create stores in for unit and fails the test on error.
func (f planFixture) create(t *testing.T, unit string, in survey.PlanInput) survey.PlanEntry {
	t.Helper()
	e, err := f.s.CreatePlanEntry(context.Background(), f.round.ID, f.units[unit], in, f.user)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// fieldsOf returns the fields named in a PlanErrors.
func fieldsOf(t *testing.T, err error) []string {
	t.Helper()
	var pe survey.PlanErrors
	if !errors.As(err, &pe) || !errors.Is(err, survey.ErrInvalid) {
		t.Fatalf("got %v, want PlanErrors matching ErrInvalid", err)
	}
	var fs []string
	for _, e := range pe {
		fs = append(fs, e.Field+"="+e.Code)
	}
	return fs
}

func TestCreatePlanEntry(t *testing.T) {
	ctx := context.Background()
	f := newPlanFixture(t)
	t.Run("OK", func(t *testing.T) {
		e := f.create(t, "BU1", validInput())
		if e.ID == 0 || e.Version != 1 || e.Status != survey.PlanPlanned || e.CreatedBy != f.user {
			t.Errorf("got id %d version %d status %q by %d, want an id, version 1, planned, by %d", e.ID, e.Version, e.Status, e.CreatedBy, f.user)
		}
		got, err := f.s.FindPlanEntryByID(ctx, e.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got != e {
			t.Errorf("got stored %+v, want %+v", got, e)
		}
		if got.Deadline.String() != "2024-07-01" || got.FollowUpOn.String() != "2024-09-01" || got.Problem() != "item:ps_workload" {
			t.Errorf("got deadline %s follow-up %s problem %s, want 2024-07-01, 2024-09-01, item:ps_workload", got.Deadline, got.FollowUpOn, got.Problem())
		}
		h, err := f.s.FindPlanEntryHistory(ctx, e.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(h) != 1 || h[0].Version != 1 || h[0].By != f.user || len(h[0].Fields) != 9 {
			t.Fatalf("got history %+v, want one creation by %d setting all 9 fields", h, f.user)
		}
		if c := h[0].Fields[0]; c.Field != "problem" || c.From != "" || c.To != "item:ps_workload" {
			t.Errorf("got first change %+v, want problem \"\" → item:ps_workload", c)
		}
	})
	t.Run("OKFreeWithoutFollowUp", func(t *testing.T) {
		in := validInput()
		in.Problem, in.ProblemText, in.FollowUpOn, in.Status = "free", "  Dårlig\r\nventilation ", "", "in_progress"
		e := f.create(t, "BU", in)
		if e.ProblemKind != survey.ProblemFree || e.ProblemText != "Dårlig\nventilation" || !e.FollowUpOn.IsZero() || e.Status != survey.PlanInProgress {
			t.Errorf("got %+v, want a free problem, cleaned text, no follow-up, in progress", e)
		}
		got, err := f.s.FindPlanEntryByID(ctx, e.ID)
		if err != nil || !got.FollowUpOn.IsZero() {
			t.Errorf("got follow-up %v (%v), want none stored", got.FollowUpOn, err)
		}
	})
	t.Run("ErrInvalidEverything", func(t *testing.T) {
		_, err := f.s.CreatePlanEntry(ctx, f.round.ID, f.units["BU1"], survey.PlanInput{Status: "later"}, f.user)
		got := fieldsOf(t, err)
		want := []string{"problem=required", "risk_level=required", "action=required", "responsible=required", "deadline=required", "status=invalid"}
		if !slices.Equal(got, want) {
			t.Errorf("got %v, want %v", got, want)
		}
	})
	for name, tc := range map[string]struct {
		edit func(*survey.PlanInput)
		want string
	}{
		"ErrUnknownItem":      {func(in *survey.PlanInput) { in.Problem = "item:nope" }, "problem=invalid"},
		"ErrTextItem":         {func(in *survey.PlanInput) { in.Problem = "item:comment" }, "problem=invalid"},
		"ErrUnknownDimension": {func(in *survey.PlanInput) { in.Problem = "dimension:nope" }, "problem=invalid"},
		"ErrUnknownKind":      {func(in *survey.PlanInput) { in.Problem = "unit:BU" }, "problem=invalid"},
		"ErrFreeWithoutText":  {func(in *survey.PlanInput) { in.Problem, in.ProblemText = "free", " " }, "problem_text=required"},
		"ErrRiskLevel":        {func(in *survey.PlanInput) { in.RiskLevel = "høj" }, "risk_level=invalid"},
		"ErrTooLong":          {func(in *survey.PlanInput) { in.Responsible = strings.Repeat("æ", survey.MaxPlanResponsible+1) }, "responsible=too_long"},
		"ErrDeadline":         {func(in *survey.PlanInput) { in.Deadline = "1. juli" }, "deadline=date"},
		"ErrFollowUp":         {func(in *survey.PlanInput) { in.FollowUpOn = "2024-13-01" }, "follow_up_on=date"},
	} {
		t.Run(name, func(t *testing.T) {
			in := validInput()
			tc.edit(&in)
			_, err := f.s.CreatePlanEntry(ctx, f.round.ID, f.units["BU1"], in, f.user)
			if got := fieldsOf(t, err); !slices.Equal(got, []string{tc.want}) {
				t.Errorf("got %v, want [%s]", got, tc.want)
			}
		})
	}
	t.Run("ErrUnitNotInRound", func(t *testing.T) {
		_, err := f.s.CreatePlanEntry(ctx, f.round.ID, f.units["SO"], validInput(), f.user)
		if !errors.Is(err, survey.ErrNotFound) {
			t.Errorf("got %v, want ErrNotFound", err)
		}
	})
	t.Run("ErrUnknownRound", func(t *testing.T) {
		_, err := f.s.CreatePlanEntry(ctx, 999, f.units["BU1"], validInput(), f.user)
		if !errors.Is(err, survey.ErrNotFound) {
			t.Errorf("got %v, want ErrNotFound", err)
		}
	})
}

func TestPlanErrorsNameEveryCode(t *testing.T) {
	for _, e := range []survey.PlanError{{"action", "required", 0}, {"risk", "too_long", 2000}, {"deadline", "date", 0}, {"status", "invalid", 0}} {
		if msg := e.Error(); !strings.HasPrefix(msg, e.Field+": ") || strings.Contains(msg, "%!") {
			t.Errorf("got %q, want a message naming %s", msg, e.Field)
		}
	}
}

func TestUpdatePlanEntry(t *testing.T) {
	ctx := context.Background()
	f := newPlanFixture(t)
	e := f.create(t, "BU1", validInput())
	ref := survey.PlanEntryRef{ID: e.ID, RoundID: e.RoundID, UnitID: e.UnitID, Version: e.Version}
	t.Run("OK", func(t *testing.T) {
		in := e.Input()
		in.Status, in.Deadline, in.FollowUpOn = "in_progress", "2024-08-01", ""
		got, err := f.s.UpdatePlanEntry(ctx, ref, in, 0)
		if err != nil {
			t.Fatal(err)
		}
		if got.Version != 2 || got.Status != survey.PlanInProgress || got.UpdatedBy != 0 || got.CreatedBy != f.user {
			t.Errorf("got version %d status %s updated by %d created by %d, want 2, in_progress, 0, %d", got.Version, got.Status, got.UpdatedBy, got.CreatedBy, f.user)
		}
		h, err := f.s.FindPlanEntryHistory(ctx, e.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(h) != 2 {
			t.Fatalf("got %d history entries, want 2", len(h))
		}
		want := []survey.PlanFieldChange{
			{Field: "deadline", From: "2024-07-01", To: "2024-08-01"},
			{Field: "follow_up_on", From: "2024-09-01", To: ""},
			{Field: "status", From: "planned", To: "in_progress"},
		}
		if h[1].Version != 2 || !slices.Equal(h[1].Fields, want) {
			t.Errorf("got change %+v, want version 2 with %+v", h[1], want)
		}
		ref.Version = got.Version
	})
	t.Run("OKNoChange", func(t *testing.T) {
		cur, err := f.s.FindPlanEntryByID(ctx, e.ID)
		if err != nil {
			t.Fatal(err)
		}
		got, err := f.s.UpdatePlanEntry(ctx, ref, cur.Input(), f.user)
		if err != nil || got.Version != ref.Version {
			t.Errorf("got version %d (%v), want %d unchanged", got.Version, err, ref.Version)
		}
		if h, _ := f.s.FindPlanEntryHistory(ctx, e.ID); len(h) != 2 {
			t.Errorf("got %d history entries, want 2: nothing changed", len(h))
		}
	})
	t.Run("ErrConflict", func(t *testing.T) {
		stale := ref
		stale.Version = 1
		if _, err := f.s.UpdatePlanEntry(ctx, stale, validInput(), f.user); !errors.Is(err, survey.ErrConflict) {
			t.Errorf("got %v, want ErrConflict for a stale version", err)
		}
	})
	t.Run("ErrNotFoundOtherUnit", func(t *testing.T) {
		other := ref
		other.UnitID = f.units["BU2"]
		if _, err := f.s.UpdatePlanEntry(ctx, other, validInput(), f.user); !errors.Is(err, survey.ErrNotFound) {
			t.Errorf("got %v, want ErrNotFound for an entry of another unit", err)
		}
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		in := validInput()
		in.Action = ""
		if got := fieldsOf(t, func() error { _, err := f.s.UpdatePlanEntry(ctx, ref, in, f.user); return err }()); !slices.Equal(got, []string{"action=required"}) {
			t.Errorf("got %v, want [action=required]", got)
		}
	})
}

func TestFindPlanEntries(t *testing.T) {
	ctx := context.Background()
	f := newPlanFixture(t)
	late, early := validInput(), validInput()
	late.Deadline, early.Deadline = "2024-12-01", "2024-02-01"
	a := f.create(t, "BU1", late)
	b := f.create(t, "BU1", early)
	c := f.create(t, "BU2", early)
	for _, tc := range []struct {
		name   string
		filter survey.PlanFilter
		want   []int64
	}{
		{"Unit", survey.PlanFilter{RoundID: f.round.ID, UnitID: f.units["BU1"]}, []int64{b.ID, a.ID}},
		{"Round", survey.PlanFilter{RoundID: f.round.ID}, []int64{b.ID, c.ID, a.ID}},
		{"Empty", survey.PlanFilter{RoundID: f.round.ID, UnitID: f.units["BU"]}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			es, err := f.s.FindPlanEntries(ctx, tc.filter)
			if err != nil {
				t.Fatal(err)
			}
			var got []int64
			for _, e := range es {
				got = append(got, e.ID)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("got ids %v, want %v", got, tc.want)
			}
		})
	}
}

func TestPlanOverview(t *testing.T) {
	ctx := context.Background()
	f := newPlanFixture(t) // today is 2024-06-15
	for _, tc := range []struct{ deadline, status string }{
		{"2024-06-01", "planned"},     // overdue
		{"2024-06-14", "in_progress"}, // overdue
		{"2024-06-15", "planned"},     // due today: not overdue
		{"2024-01-01", "done"},        // done: not overdue
		{"2024-01-01", "abandoned"},   // abandoned: not overdue
	} {
		in := validInput()
		in.Deadline, in.Status = tc.deadline, tc.status
		f.create(t, "BU1", in)
	}
	f.create(t, "BU2", validInput())
	t.Run("OK", func(t *testing.T) {
		got, err := f.s.PlanOverview(ctx, f.round.ID)
		if err != nil {
			t.Fatal(err)
		}
		var codes []string
		for _, u := range got {
			codes = append(codes, u.Code)
		}
		if !slices.Equal(codes, []string{"BU", "BU1", "BU2"}) {
			t.Fatalf("got units %v, want the round's BU, BU1, BU2", codes)
		}
		bu, bu1, bu2 := got[0], got[1], got[2]
		if bu.Entries != 0 || bu.Overdue != 0 {
			t.Errorf("BU: got %+v, want no plan", bu)
		}
		if bu1.Entries != 5 || bu1.Planned != 2 || bu1.InProgress != 1 || bu1.Done != 1 || bu1.Abandoned != 1 || bu1.Overdue != 2 {
			t.Errorf("BU1: got %+v, want 5 entries: 2 planned, 1 in progress, 1 done, 1 abandoned, 2 overdue", bu1)
		}
		if bu2.Entries != 1 || bu2.Planned != 1 || bu2.Overdue != 0 {
			t.Errorf("BU2: got %+v, want 1 planned, not overdue", bu2)
		}
		es, err := f.s.FindPlanEntries(ctx, survey.PlanFilter{RoundID: f.round.ID, UnitID: f.units["BU1"]})
		if err != nil {
			t.Fatal(err)
		}
		today := survey.DateOf(time.Date(2024, 6, 15, 0, 0, 0, 0, time.UTC))
		n := 0
		for _, e := range es {
			if e.Overdue(today) {
				n++
			}
		}
		if n != bu1.Overdue {
			t.Errorf("got %d entries Overdue, want %d as the overview counts", n, bu1.Overdue)
		}
	})
	t.Run("ErrUnknownRound", func(t *testing.T) {
		if _, err := f.s.PlanOverview(ctx, 999); !errors.Is(err, survey.ErrNotFound) {
			t.Errorf("got %v, want ErrNotFound", err)
		}
	})
}

func TestPlanKey(t *testing.T) {
	ctx := context.Background()
	f := newPlanFixture(t)
	key, err := f.s.PlanKey(ctx, f.round.ID, f.units["BU1"])
	if err != nil {
		t.Fatal(err)
	}
	t.Run("OK", func(t *testing.T) {
		again, err := f.s.PlanKey(ctx, f.round.ID, f.units["BU1"])
		if err != nil || again != key || len(key) < 22 {
			t.Errorf("got %q then %q (%v), want one key of at least 22 characters", key, again, err)
		}
		other, err := f.s.PlanKey(ctx, f.round.ID, f.units["BU2"])
		if err != nil || other == key {
			t.Errorf("got %q for BU2 (%v), want a key of its own", other, err)
		}
		got, err := f.s.FindPlanByKey(ctx, key)
		if err != nil || got != (survey.PlanFilter{RoundID: f.round.ID, UnitID: f.units["BU1"]}) {
			t.Errorf("got %+v (%v), want round %d unit BU1", got, err, f.round.ID)
		}
	})
	t.Run("ErrNotFoundKey", func(t *testing.T) {
		if _, err := f.s.FindPlanByKey(ctx, key+"x"); !errors.Is(err, survey.ErrNotFound) {
			t.Errorf("got %v, want ErrNotFound", err)
		}
	})
	t.Run("ErrUnitNotInRound", func(t *testing.T) {
		if _, err := f.s.PlanKey(ctx, f.round.ID, f.units["SO"]); !errors.Is(err, survey.ErrNotFound) {
			t.Errorf("got %v, want ErrNotFound", err)
		}
	})
}
