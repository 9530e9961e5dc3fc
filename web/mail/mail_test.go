package mail_test

import (
	"context"
	"io"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tillid/tillid/survey"
	"github.com/tillid/tillid/survey/surveytest"
	"github.com/tillid/tillid/web/mail"
	"github.com/tillid/tillid/web/mail/mailtest"
)

func messages(addrs ...string) []mail.Message {
	out := make([]mail.Message, len(addrs))
	for i, a := range addrs {
		out[i] = mail.Message{To: a, Subject: "Spørgeskema " + strconv.Itoa(i), Text: "Hej – æøå " + a}
	}
	return out
}

// sendAll sends msgs with cfg and returns each message's error.
func sendAll(t *testing.T, cfg mail.Config, msgs []mail.Message) []error {
	t.Helper()
	s, err := mail.NewSender(cfg)
	if err != nil {
		t.Fatal(err)
	}
	errs := make([]error, len(msgs))
	calls := 0
	if err := s.Send(context.Background(), msgs, func(i int, err error) { errs[i] = err; calls++ }); err != nil {
		t.Fatal(err)
	}
	if calls != len(msgs) {
		t.Fatalf("got %d reports, want one per message (%d)", calls, len(msgs))
	}
	return errs
}

func TestSend(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		srv := mailtest.NewServer(t, "ukendt@tillid.example")
		errs := sendAll(t, srv.Config(), messages("a@tillid.example", "ukendt@tillid.example", "b@tillid.example"))
		if errs[0] != nil || errs[2] != nil || errs[1] == nil || !strings.Contains(errs[1].Error(), "550") {
			t.Fatalf("got %v, want only the second refused with 550", errs)
		}
		got := srv.Messages()
		if len(got) != 2 || got[0].To[0] != "a@tillid.example" || got[1].To[0] != "b@tillid.example" {
			t.Fatalf("got %+v, want the messages to a and b", got)
		}
		if body, subj := got[0].Body(), got[0].Subject(); !strings.Contains(body, "Hej – æøå a@tillid.example") || subj != "Spørgeskema 0" {
			t.Errorf("got subject %q body %q, want the Danish text intact", subj, body)
		}
	})
	t.Run("RetryTemporary", func(t *testing.T) {
		srv := mailtest.NewServer(t)
		srv.TempFail("a@tillid.example", 2)
		if errs := sendAll(t, srv.Config(), messages("a@tillid.example")); errs[0] != nil {
			t.Fatalf("got %v, want success on the third try", errs[0])
		}
		if n := len(srv.Messages()); n != 1 {
			t.Errorf("got %d messages, want 1", n)
		}
	})
	t.Run("ErrTemporaryTooOften", func(t *testing.T) {
		srv := mailtest.NewServer(t)
		srv.TempFail("a@tillid.example", 10)
		cfg := srv.Config()
		cfg.Retries = 1
		errs := sendAll(t, cfg, messages("a@tillid.example", "b@tillid.example"))
		if errs[0] == nil || !strings.Contains(errs[0].Error(), "451") || errs[1] != nil {
			t.Fatalf("got %v, want the first failed with 451 after one retry and the second sent", errs)
		}
	})
	t.Run("ErrUnreachable", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		port := ln.Addr().(*net.TCPAddr).Port
		ln.Close()
		cfg := mail.Config{Host: "127.0.0.1", Port: port, From: "hr@tillid.example", TLS: mail.TLSNone, Rate: 1000, RetryDelay: time.Millisecond, Timeout: time.Second}
		for i, err := range sendAll(t, cfg, messages("a@tillid.example", "b@tillid.example", "c@tillid.example")) {
			if err == nil || !strings.Contains(err.Error(), "unreachable") {
				t.Errorf("message %d: got %v, want unreachable", i, err)
			}
		}
	})
	t.Run("Rate", func(t *testing.T) {
		srv := mailtest.NewServer(t)
		cfg := srv.Config()
		cfg.Rate = 50
		start := time.Now()
		sendAll(t, cfg, messages("a@x.example", "b@x.example", "c@x.example", "d@x.example", "e@x.example", "f@x.example"))
		if got, want := time.Since(start), 100*time.Millisecond; got < want {
			t.Errorf("6 messages at 50/s took %v, want at least %v", got, want)
		}
	})
}

func TestNewSender(t *testing.T) {
	for name, cfg := range map[string]mail.Config{
		"ErrNoHost":  {From: "hr@tillid.example"},
		"ErrBadFrom": {Host: "smtp.example", From: "hr"},
		"ErrBadTLS":  {Host: "smtp.example", From: "hr@tillid.example", TLS: "sometimes"},
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := mail.NewSender(cfg); err == nil {
				t.Errorf("got no error, want one")
			}
		})
	}
}

func TestParseTLSPolicy(t *testing.T) {
	for in, want := range map[string]mail.TLSPolicy{"": mail.TLSMandatory, "Opportunistic": mail.TLSOpportunistic, "none": mail.TLSNone} {
		if got, err := mail.ParseTLSPolicy(in); err != nil || got != want {
			t.Errorf("%q: got %q, %v, want %q", in, got, err, want)
		}
	}
	if _, err := mail.ParseTLSPolicy("starttls"); err == nil {
		t.Errorf("got no error for starttls, want one")
	}
}

func TestInvitationMessage(t *testing.T) {
	inv := mail.Invitation{
		Municipality: "Tillid Kommune", RoundName: "Trivsel 2026", Link: "https://tillid.example/s/TOKEN",
		OpensDA: "1. marts 2026", OpensEN: "1 March 2026", ClosesDA: "21. marts 2026", ClosesEN: "21 March 2026",
		Minutes: 10, Threshold: 5, Contact: "HR, hr@tillid.example",
	}
	m := inv.Message("a@tillid.example")
	for _, want := range []string{"https://tillid.example/s/TOKEN", "21. marts 2026", "21 March 2026", "mindst 5 svar", "at least 5 answers", "kontakt HR, hr@tillid.example", "contact HR, hr@tillid.example", "cirka 10 minutter"} {
		if !strings.Contains(m.Text, want) {
			t.Errorf("text lacks %q:\n%s", want, m.Text)
		}
	}
	if m.To != "a@tillid.example" || strings.Contains(m.Subject, "Påmindelse") {
		t.Errorf("got %q %q, want an invitation to a@tillid.example", m.To, m.Subject)
	}
	inv.Reminder = true
	if r := inv.Message("a@tillid.example"); !strings.HasPrefix(r.Subject, "Påmindelse / Reminder") || !strings.Contains(r.Text, "We have not yet received") {
		t.Errorf("reminder: got %q, want a reminder subject and text", r.Subject)
	}
}

// jobRound creates a round to hang jobs on.
func jobRound(t *testing.T, ss *survey.Store) int64 {
	t.Helper()
	ctx := context.Background()
	q, err := ss.EnsureDefaultQuestionnaire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := ss.CreateUnit(ctx, &survey.Unit{Code: "K", Name: "Kommunen"}); err != nil {
		t.Fatal(err)
	}
	today := survey.DateOf(time.Now())
	r := survey.Round{Name: "R", QuestionnaireID: q.ID, OpensOn: today, ClosesOn: today}
	if err := ss.CreateRound(ctx, &r, []string{"K"}); err != nil {
		t.Fatal(err)
	}
	return r.ID
}

func TestJobs(t *testing.T) {
	ctx := context.Background()
	db := surveytest.Open(t)
	roundID := jobRound(t, survey.NewStore(db))
	srv := mailtest.NewServer(t, "ukendt@tillid.example")
	sender, err := mail.NewSender(srv.Config())
	if err != nil {
		t.Fatal(err)
	}
	jobs := mail.NewJobs(db, sender, slog.New(slog.NewTextHandler(io.Discard, nil)))
	t.Run("OK", func(t *testing.T) {
		job, err := jobs.Start(ctx, roundID, mail.KindInvitation, messages("a@tillid.example", "ukendt@tillid.example", "b@tillid.example"))
		if err != nil {
			t.Fatal(err)
		}
		jobs.Wait()
		got, err := jobs.FindJobs(ctx, roundID)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[0].ID != job.ID || !got[0].Done() || got[0].Total != 3 || got[0].Sent != 2 || got[0].Failed != 1 || got[0].Stalled(time.Now().Add(time.Hour)) {
			t.Fatalf("got %+v, want one done job: 3 total, 2 sent, 1 failed", got)
		}
		fs, err := jobs.FindFailures(ctx, job.ID)
		if err != nil || len(fs) != 1 || fs[0].Email != "ukendt@tillid.example" || !strings.Contains(fs[0].Reason, "550") {
			t.Errorf("got %+v, %v, want ukendt@ refused with 550", fs, err)
		}
	})
	t.Run("ErrDisabled", func(t *testing.T) {
		off := mail.NewJobs(db, nil, slog.New(slog.NewTextHandler(io.Discard, nil)))
		if _, err := off.Start(ctx, roundID, mail.KindReminder, messages("a@tillid.example")); err != mail.ErrDisabled || off.Enabled() {
			t.Errorf("got %v, want ErrDisabled", err)
		}
	})
	t.Run("Stalled", func(t *testing.T) {
		j := mail.Job{Status: "running", UpdatedAt: time.Now().Unix()}
		if j.Stalled(time.Now()) || !j.Stalled(time.Now().Add(mail.StallAfter+time.Second)) {
			t.Errorf("got wrong stall detection for %+v", j)
		}
	})
}
