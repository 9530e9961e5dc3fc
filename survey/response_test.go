package survey_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tillid/tillid/survey"
)

// submitFixture is an open round over BU with a questionnaire of a
// required likert5 item, a problem3 item, a yesno item and a text item,
// and n invitations to BU1.
type submitFixture struct {
	s     *survey.Store
	round survey.Round
	items []int64
	inv   []survey.IssuedInvitation
}

func newSubmitFixture(t testing.TB, n int) submitFixture {
	t.Helper()
	ctx := context.Background()
	s := freshStore(t)
	importUnits(t, s, treeCSV)
	qid, items := seedQuestionnaire(t, s,
		seedItem{Type: survey.Likert5, Required: true}, seedItem{Type: survey.Problem3},
		seedItem{Type: survey.YesNo}, seedItem{Type: survey.Text})
	r := newRound(t, s, qid, "BU")
	var inv []survey.IssuedInvitation
	for from := 0; from < n; from += 5000 {
		more, err := s.CreateInvitations(ctx, r.ID, staff(min(5000, n-from), "BU1", fmt.Sprintf("p%d-", from)))
		if err != nil {
			t.Fatal(err)
		}
		inv = append(inv, more...)
	}
	if err := s.OpenRound(ctx, r.ID); err != nil {
		t.Fatal(err)
	}
	return submitFixture{s: s, round: r, items: items, inv: inv}
}

// submission answers every item of the fixture for invitation i.
func (f submitFixture) submission(i int) survey.Submission {
	return survey.Submission{
		InvitationID: f.inv[i].ID,
		Lang:         "en",
		Answers:      []survey.Answer{{ItemID: f.items[0], Value: 4}, {ItemID: f.items[1], Value: 0}, {ItemID: f.items[2], Value: 2}},
		Comments:     []survey.Comment{{ItemID: f.items[3], Body: "  Mere åbenhed, tak.  "}},
	}
}

func (f submitFixture) count(t testing.TB, table string) int {
	t.Helper()
	var n int
	if err := f.s.DB().Get(&n, "SELECT COUNT(*) FROM "+table); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestSubmitResponse(t *testing.T) {
	ctx := context.Background()
	t.Run("OK", func(t *testing.T) {
		f := newSubmitFixture(t, 1)
		// 23:30 UTC on 31 March is 01:30 on 1 April in Copenhagen (summer time).
		f.s.SetClock(func() time.Time { return time.Date(2024, 3, 31, 23, 30, 0, 0, time.UTC) })
		if err := f.s.SubmitResponse(ctx, f.submission(0)); err != nil {
			t.Fatal(err)
		}
		var resp struct {
			ID          string `db:"id"`
			RoundID     int64  `db:"round_id"`
			UnitID      int64  `db:"unit_id"`
			SubmittedOn string `db:"submitted_on"`
			Lang        string `db:"lang"`
		}
		rows, err := f.s.DB().Queryx("SELECT * FROM responses")
		if err != nil {
			t.Fatal(err)
		}
		// The response has no column that could link it to the invitation.
		cols, _ := rows.Columns()
		if want := []string{"id", "round_id", "unit_id", "submitted_on", "lang"}; !slices.Equal(cols, want) {
			t.Errorf("columns: got %v, want %v", cols, want)
		}
		for rows.Next() {
			if err := rows.StructScan(&resp); err != nil {
				t.Fatal(err)
			}
		}
		rows.Close()
		if len(resp.ID) != 32 || resp.RoundID != f.round.ID || resp.UnitID != f.inv[0].UnitID || resp.SubmittedOn != "2024-04-01" || resp.Lang != "en" {
			t.Errorf("response: got %+v, want random id, round, unit, date 2024-04-01 without time, en", resp)
		}
		var answers []string
		if err := f.s.DB().Select(&answers, f.s.DB().Rebind("SELECT item_id || ':' || value FROM answers WHERE response_id = ? ORDER BY item_id"), resp.ID); err != nil {
			t.Fatal(err)
		}
		want := []string{fmt.Sprintf("%d:4", f.items[0]), fmt.Sprintf("%d:0", f.items[1]), fmt.Sprintf("%d:2", f.items[2])}
		if !slices.Equal(answers, want) {
			t.Errorf("answers: got %v, want %v", answers, want)
		}
		var body string
		if err := f.s.DB().Get(&body, "SELECT body FROM comments"); err != nil || body != "Mere åbenhed, tak." {
			t.Errorf("comment: got %q, %v, want the trimmed text", body, err)
		}
		if inv, _ := f.s.FindInvitationBySecret(ctx, f.inv[0].Token); !inv.Used {
			t.Errorf("invitation: got unused, want used")
		}
	})
	t.Run("ExactlyOnce", func(t *testing.T) {
		f := newSubmitFixture(t, 1)
		const n = 20
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() { errs[i] = f.s.SubmitResponse(ctx, f.submission(0)) })
		}
		wg.Wait()
		var ok, answered int
		for _, err := range errs {
			switch {
			case err == nil:
				ok++
			case errors.Is(err, survey.ErrAlreadyAnswered) && errors.Is(err, survey.ErrConflict):
				answered++
			default:
				t.Errorf("got %v, want nil or ErrAlreadyAnswered", err)
			}
		}
		if ok != 1 || answered != n-1 {
			t.Errorf("got %d accepted and %d already answered, want 1 and %d", ok, answered, n-1)
		}
		if got := f.count(t, "responses"); got != 1 {
			t.Errorf("got %d responses, want 1", got)
		}
		if got := f.count(t, "answers"); got != 3 {
			t.Errorf("got %d answers, want 3", got)
		}
	})
	t.Run("ErrRoundNotOpen", func(t *testing.T) {
		f := newSubmitFixture(t, 1)
		draft := newRound(t, f.s, f.round.QuestionnaireID, "BU")
		inv, err := f.s.CreateInvitations(ctx, draft.ID, staff(1, "BU1", "d"))
		if err != nil {
			t.Fatal(err)
		}
		sub := f.submission(0)
		sub.InvitationID = inv[0].ID
		if err := f.s.SubmitResponse(ctx, sub); !errors.Is(err, survey.ErrRoundNotOpen) || !errors.Is(err, survey.ErrConflict) {
			t.Errorf("draft: got %v, want ErrRoundNotOpen", err)
		}
		if err := f.s.CloseRound(ctx, f.round.ID); err != nil {
			t.Fatal(err)
		}
		if err := f.s.SubmitResponse(ctx, f.submission(0)); !errors.Is(err, survey.ErrRoundNotOpen) {
			t.Errorf("closed: got %v, want ErrRoundNotOpen", err)
		}
		if got := f.count(t, "responses"); got != 0 {
			t.Errorf("got %d responses, want 0", got)
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		f := newSubmitFixture(t, 1)
		sub := f.submission(0)
		sub.InvitationID = 999
		if err := f.s.SubmitResponse(ctx, sub); !errors.Is(err, survey.ErrNotFound) {
			t.Errorf("got %v, want ErrNotFound", err)
		}
	})
	t.Run("CommentOnly", func(t *testing.T) {
		// No answers: the answers' array is empty (PostgreSQL's single
		// statement); the comment keeps characters that arrays quote.
		f := newSubmitFixture(t, 1)
		f.s.DB().MustExec(f.s.DB().Rebind("UPDATE items SET required = ? WHERE id = ?"), false, f.items[0])
		const body = `Et "citat", {klammer} og \ skråstreg; NULL`
		sub := survey.Submission{InvitationID: f.inv[0].ID, Comments: []survey.Comment{{ItemID: f.items[3], Body: body}}}
		if err := f.s.SubmitResponse(ctx, sub); err != nil {
			t.Fatal(err)
		}
		var got string
		if err := f.s.DB().Get(&got, "SELECT body FROM comments"); err != nil || got != body {
			t.Errorf("comment: got %q, %v, want %q", got, err, body)
		}
		if n := f.count(t, "answers"); n != 0 {
			t.Errorf("got %d answers, want 0", n)
		}
	})
	t.Run("ErrInvalidQuestionnaire", func(t *testing.T) {
		// Answers to another questionnaire version than the round's are
		// refused, and the invitation stays unused.
		f := newSubmitFixture(t, 1)
		_, other := seedQuestionnaire(t, f.s, seedItem{Type: survey.Likert5})
		sub := survey.Submission{InvitationID: f.inv[0].ID, Answers: []survey.Answer{{ItemID: other[0], Value: 3}}}
		if err := f.s.SubmitResponse(ctx, sub); !errors.Is(err, survey.ErrInvalid) {
			t.Errorf("got %v, want ErrInvalid", err)
		}
		if n := f.count(t, "responses"); n != 0 {
			t.Errorf("got %d responses, want 0", n)
		}
		if err := f.s.SubmitResponse(ctx, f.submission(0)); err != nil {
			t.Errorf("then the right answers: got %v, want nil", err)
		}
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		f := newSubmitFixture(t, 1)
		cases := map[string]func(*survey.Submission){
			"unknown item":   func(s *survey.Submission) { s.Answers[1].ItemID = 999 },
			"unknown first":  func(s *survey.Submission) { s.Answers[0].ItemID = 999 },
			"likert value":   func(s *survey.Submission) { s.Answers[0].Value = 6 },
			"problem3 value": func(s *survey.Submission) { s.Answers[1].Value = 4 },
			"yesno value":    func(s *survey.Submission) { s.Answers[2].Value = 3 },
			"twice":          func(s *survey.Submission) { s.Answers[2] = s.Answers[0] },
			"required":       func(s *survey.Submission) { s.Answers = s.Answers[1:] },
			"text answered":  func(s *survey.Submission) { s.Answers = append(s.Answers, survey.Answer{ItemID: f.items[3], Value: 1}) },
			"comment item":   func(s *survey.Submission) { s.Comments[0].ItemID = f.items[0] },
			"long comment":   func(s *survey.Submission) { s.Comments[0].Body = strings.Repeat("æ", survey.MaxCommentLen+1) },
			"lang":           func(s *survey.Submission) { s.Lang = "de" },
			"empty":          func(s *survey.Submission) { s.Answers, s.Comments[0].Body = nil, " " },
		}
		for name, edit := range cases {
			sub := f.submission(0)
			edit(&sub)
			if err := f.s.SubmitResponse(ctx, sub); !errors.Is(err, survey.ErrInvalid) {
				t.Errorf("%s: got %v, want ErrInvalid", name, err)
			}
		}
		// Nothing was stored and the invitation can still be used.
		if got := f.count(t, "responses"); got != 0 {
			t.Errorf("got %d responses, want 0", got)
		}
		if err := f.s.SubmitResponse(ctx, f.submission(0)); err != nil {
			t.Errorf("valid after invalid: got %v, want nil", err)
		}
	})
}

// BenchmarkSubmitResponse submits one employee's answers (3 items and a
// comment) per iteration, one at a time and from many goroutines at once.
func BenchmarkSubmitResponse(b *testing.B) {
	ctx := context.Background()
	b.Run("Serial", func(b *testing.B) {
		f := newSubmitFixture(b, b.N)
		b.ResetTimer()
		for i := range b.N {
			if err := f.s.SubmitResponse(ctx, f.submission(i)); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Parallel", func(b *testing.B) {
		f := newSubmitFixture(b, b.N)
		var mu sync.Mutex
		next := 0
		b.SetParallelism(8) // 8 × GOMAXPROCS employees submitting at once
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				mu.Lock()
				i := next
				next++
				mu.Unlock()
				if err := f.s.SubmitResponse(ctx, f.submission(i)); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
}
