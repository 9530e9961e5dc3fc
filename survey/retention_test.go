package survey_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/tillid/tillid/metrics"
	"github.com/tillid/tillid/survey"
)

func TestParsePeriod(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want survey.Period
		str  string
	}{
		{"5y", survey.Period{Years: 5}, "5y"},
		{"30d", survey.Period{Days: 30}, "30d"},
		{"6w", survey.Period{Days: 42}, "42d"},
		{"1y6mo", survey.Period{Years: 1, Months: 6}, "1y6mo"},
		{" 18MO ", survey.Period{Months: 18}, "18mo"},
		{"never", survey.Period{}, "never"},
		{"0", survey.Period{}, "never"},
	} {
		t.Run("OK/"+tc.in, func(t *testing.T) {
			got, err := survey.ParsePeriod(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want || got.String() != tc.str {
				t.Errorf("got %+v (%s), want %+v (%s)", got, got, tc.want, tc.str)
			}
		})
	}
	for _, in := range []string{"", "5", "y", "5 years", "5h", "-1d", "0d"} {
		t.Run("ErrInvalid/"+in, func(t *testing.T) {
			if _, err := survey.ParsePeriod(in); !errors.Is(err, survey.ErrInvalid) {
				t.Errorf("got %v, want ErrInvalid", err)
			}
		})
	}
}

// retentionFixture is a closed round over BU (closing 2024-03-31) with six
// answered invitations to BU1, a reminder link each, a waiting staff list
// and a refused address, and an open later round with one response.
type retentionFixture struct {
	s            *survey.Store
	ms           *metrics.Store
	closed, open survey.Round
}

func newRetentionFixture(t *testing.T) retentionFixture {
	t.Helper()
	ctx := context.Background()
	s := freshStore(t)
	s.SetClock(func() time.Time { return time.Date(2024, 3, 10, 12, 0, 0, 0, time.UTC) })
	importUnits(t, s, treeCSV)
	q, err := s.EnsureDefaultQuestionnaire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	f := retentionFixture{s: s, ms: metrics.NewStore(s.DB(), s)}
	round := func(name, opens, closes string, n int) survey.Round {
		r := survey.Round{Name: name, QuestionnaireID: q.ID, OpensOn: parseDay(t, opens), ClosesOn: parseDay(t, closes)}
		if err := s.CreateRound(ctx, &r, []string{"BU"}); err != nil {
			t.Fatal(err)
		}
		inv, err := s.CreateInvitations(ctx, r.ID, staff(n, "BU1", name))
		if err != nil {
			t.Fatal(err)
		}
		if err := s.OpenRound(ctx, r.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.IssueReminderTokens(ctx, r.ID); err != nil {
			t.Fatal(err)
		}
		for i, in := range inv {
			if err := s.SubmitResponse(ctx, fullSubmission(q, in.ID, i)); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := s.SaveStaffUpload(ctx, r.ID, staff(1, "BU2", "waiting")); err != nil {
			t.Fatal(err)
		}
		db := s.DB()
		var job int64
		if err := db.Get(&job, db.Rebind("INSERT INTO mail_jobs (round_id, kind, total, failed, status, created_at, updated_at) VALUES (?, 'invitation', ?, 1, 'done', 0, 0) RETURNING id"), r.ID, n); err != nil {
			t.Fatal(err)
		}
		db.MustExec(db.Rebind("INSERT INTO mail_failures (job_id, email, reason) VALUES (?, ?, '550 no such user')"), job, name+"-refused@kommune.dk")
		return r
	}
	f.closed = round("2024", "2024-03-01", "2024-03-31", 6)
	if err := s.CloseRound(ctx, f.closed.ID); err != nil {
		t.Fatal(err)
	}
	f.open = round("2029", "2029-03-01", "2029-03-31", 1)
	return f
}

// fullSubmission answers every item of q for an invitation, varying with i.
func fullSubmission(q *survey.Questionnaire, invitationID int64, i int) survey.Submission {
	sub := survey.Submission{InvitationID: invitationID, Lang: "da"}
	for j, it := range q.Items {
		if it.Type == survey.Text {
			sub.Comments = append(sub.Comments, survey.Comment{ItemID: it.ID, Body: fmt.Sprintf("Kommentar %d", i)})
			continue
		}
		choices := it.Type.Choices()
		sub.Answers = append(sub.Answers, survey.Answer{ItemID: it.ID, Value: choices[1+(i+j)%(len(choices)-1)].Value})
	}
	return sub
}

// rows counts the rows of a table that belong to a round.
func (f retentionFixture) rows(t *testing.T, table string, roundID int64) int {
	t.Helper()
	q := map[string]string{
		"responses":         "SELECT COUNT(*) FROM responses WHERE round_id = ?",
		"answers":           "SELECT COUNT(*) FROM answers WHERE response_id IN (SELECT id FROM responses WHERE round_id = ?)",
		"comments":          "SELECT COUNT(*) FROM comments WHERE response_id IN (SELECT id FROM responses WHERE round_id = ?)",
		"invitations":       "SELECT COUNT(*) FROM invitations WHERE round_id = ?",
		"invitation_tokens": "SELECT COUNT(*) FROM invitation_tokens WHERE invitation_id IN (SELECT id FROM invitations WHERE round_id = ?)",
		"staff_uploads":     "SELECT COUNT(*) FROM staff_uploads WHERE round_id = ?",
		"mail_failures":     "SELECT COUNT(*) FROM mail_failures WHERE job_id IN (SELECT id FROM mail_jobs WHERE round_id = ?)",
		"audit_log":         "SELECT COUNT(*) FROM audit_log WHERE action LIKE 'retention.%' AND target = 'round:' || CAST(? AS TEXT)",
	}[table]
	var n int
	if err := f.s.DB().Get(&n, f.s.DB().Rebind(q), roundID); err != nil {
		t.Fatalf("%s: %v", table, err)
	}
	return n
}

// at sets the store's clock to noon (UTC) on day.
func (f retentionFixture) at(day string) {
	d, _ := time.Parse(survey.DateLayout, day)
	f.s.SetClock(func() time.Time { return d.Add(12 * time.Hour) })
}

func TestApplyRetention(t *testing.T) {
	ctx := context.Background()
	p := survey.RetentionPolicy{Answers: survey.Period{Years: 5}, Invitations: survey.Period{Days: 30}}

	t.Run("NothingDue", func(t *testing.T) {
		f := newRetentionFixture(t)
		f.at("2024-04-29") // invitations are due from 2024-04-30
		rep, err := f.s.ApplyRetention(ctx, p, f.ms.ComputeRound)
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Rounds) != 1 || rep.Rounds[0].Deletes() {
			t.Fatalf("got %+v, want the closed round with nothing deleted", rep.Rounds)
		}
		if got, want := rep.Rounds[0].InvitationsDue.String(), "2024-04-30"; got != want {
			t.Errorf("got invitations due %s, want %s", got, want)
		}
		if got := f.rows(t, "invitations", f.closed.ID); got != 6 {
			t.Errorf("got %d invitations, want 6", got)
		}
	})

	t.Run("Invitations", func(t *testing.T) {
		f := newRetentionFixture(t)
		before, err := f.s.InvitationCounts(ctx, f.closed.ID)
		if err != nil {
			t.Fatal(err)
		}
		f.at("2024-04-30")
		plan, err := f.s.PlanRetention(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		got := plan.Rounds[0]
		if got.Invitations != 6 || got.ReminderLinks != 6 || got.StaffUploads != 1 || got.MailFailures != 1 || got.Responses != 0 {
			t.Errorf("dry run: got %+v, want 6 invitations, 6 reminder links, 1 staff upload, 1 refused address, no responses", got)
		}
		if n := f.rows(t, "invitations", f.closed.ID); n != 6 {
			t.Fatalf("dry run deleted: got %d invitations, want 6", n)
		}
		rep, err := f.s.ApplyRetention(ctx, p, f.ms.ComputeRound)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Rounds[0] != got {
			t.Errorf("applied: got %+v, want the dry run's %+v", rep.Rounds[0], got)
		}
		for _, table := range []string{"invitations", "invitation_tokens", "staff_uploads", "mail_failures"} {
			if n := f.rows(t, table, f.closed.ID); n != 0 {
				t.Errorf("%s of the closed round: got %d rows, want 0", table, n)
			}
			if n := f.rows(t, table, f.open.ID); n == 0 {
				t.Errorf("%s of the open round: got 0 rows, want them kept", table)
			}
		}
		if n := f.rows(t, "responses", f.closed.ID); n != 6 {
			t.Errorf("got %d responses, want 6 (answers are kept 5 years)", n)
		}
		after, err := f.s.InvitationCounts(ctx, f.closed.ID)
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(after) != fmt.Sprint(before) {
			t.Errorf("invitation counts: got %v, want %v as before", after, before)
		}
		ret, err := f.s.FindRoundRetention(ctx, f.closed.ID)
		if err != nil {
			t.Fatal(err)
		}
		if ret.InvitationsDeletedOn.String() != "2024-04-30" || !ret.AnswersDeletedOn.IsZero() {
			t.Errorf("got retention %+v, want invitations deleted on 2024-04-30 and answers kept", ret)
		}
		if n := f.rows(t, "audit_log", f.closed.ID); n != 1 {
			t.Errorf("got %d audit entries, want 1", n)
		}
		// Idempotent: a second run (another instance) deletes and logs nothing.
		again, err := f.s.ApplyRetention(ctx, p, f.ms.ComputeRound)
		if err != nil {
			t.Fatal(err)
		}
		if again.Rounds[0].Deletes() {
			t.Errorf("second run: got %+v, want nothing deleted", again.Rounds[0])
		}
		if n := f.rows(t, "audit_log", f.closed.ID); n != 1 {
			t.Errorf("second run: got %d audit entries, want still 1", n)
		}
		if after, _ := f.s.InvitationCounts(ctx, f.closed.ID); fmt.Sprint(after) != fmt.Sprint(before) {
			t.Errorf("second run: invitation counts got %v, want %v", after, before)
		}
	})

	t.Run("Answers", func(t *testing.T) {
		f := newRetentionFixture(t)
		bu1 := "BU1"
		results, err := f.ms.RoundResults(ctx, f.closed.ID)
		if err != nil {
			t.Fatal(err)
		}
		unit, err := f.ms.UnitResult(ctx, f.closed.ID, bu1)
		if err != nil {
			t.Fatal(err)
		}
		if unit.Comments.Suppressed || len(unit.Comments.Items) == 0 {
			t.Fatalf("before: got comments %+v, want them shown", unit.Comments)
		}
		trend, err := f.ms.Trend(ctx, bu1)
		if err != nil {
			t.Fatal(err)
		}
		f.at("2029-03-31")
		rep, err := f.s.ApplyRetention(ctx, p, f.ms.ComputeRound)
		if err != nil {
			t.Fatal(err)
		}
		if got := rep.Rounds[0]; got.Responses != 6 || got.Comments != 6 || got.Answers == 0 || got.NotComputed {
			t.Errorf("got %+v, want 6 responses, 6 comments and their answers deleted", got)
		}
		for _, table := range []string{"responses", "answers", "comments"} {
			if n := f.rows(t, table, f.closed.ID); n != 0 {
				t.Errorf("%s of the closed round: got %d, want 0", table, n)
			}
		}
		if n := f.rows(t, "responses", f.open.ID); n != 1 {
			t.Errorf("responses of the open round: got %d, want 1", n)
		}
		if n := f.rows(t, "audit_log", f.closed.ID); n != 2 {
			t.Errorf("got %d audit entries, want 2 (invitations, answers)", n)
		}
		resultsAfter, err := f.ms.RoundResults(ctx, f.closed.ID)
		if err != nil {
			t.Fatal(err)
		}
		if a, b := mustJSON(t, resultsAfter), mustJSON(t, results); a != b {
			t.Errorf("RoundResults changed:\ngot  %s\nwant %s", a, b)
		}
		unitAfter, err := f.ms.UnitResult(ctx, f.closed.ID, bu1)
		if err != nil {
			t.Fatal(err)
		}
		if !unitAfter.Comments.Suppressed || unitAfter.Comments.Reason != metrics.ReasonDeleted {
			t.Errorf("after: got comments %+v, want suppressed with reason %q", unitAfter.Comments, metrics.ReasonDeleted)
		}
		if a, b := mustJSON(t, unitAfter.Unit), mustJSON(t, unit.Unit); a != b {
			t.Errorf("UnitResult changed:\ngot  %s\nwant %s", a, b)
		}
		trendAfter, err := f.ms.Trend(ctx, bu1)
		if err != nil {
			t.Fatal(err)
		}
		if a, b := mustJSON(t, trendAfter), mustJSON(t, trend); a != b {
			t.Errorf("Trend changed:\ngot  %s\nwant %s", a, b)
		}
		if err := f.ms.ForgetRound(ctx, f.closed.ID); !errors.Is(err, survey.ErrConflict) {
			t.Errorf("ForgetRound: got %v, want ErrConflict", err)
		}
	})

	t.Run("NotComputed", func(t *testing.T) {
		f := newRetentionFixture(t)
		f.at("2029-03-31")
		rep, err := f.s.ApplyRetention(ctx, p, nil)
		if err != nil {
			t.Fatal(err)
		}
		if got := rep.Rounds[0]; !got.NotComputed || got.Responses != 0 {
			t.Errorf("got %+v, want NotComputed and nothing of the answers deleted", got)
		}
		if n := f.rows(t, "responses", f.closed.ID); n != 6 {
			t.Errorf("got %d responses, want 6 kept until the results are", n)
		}
	})

	t.Run("Never", func(t *testing.T) {
		f := newRetentionFixture(t)
		f.at("2099-01-01")
		rep, err := f.s.ApplyRetention(ctx, survey.RetentionPolicy{}, f.ms.ComputeRound)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Rounds[0].Deletes() || !rep.Rounds[0].AnswersDue.IsZero() {
			t.Errorf("got %+v, want nothing due", rep.Rounds[0])
		}
	})
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
