package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/tillid/tillid/survey"
)

// retentionEvery is how often serve applies the retention policy.
const retentionEvery = 24 * time.Hour

// retentionFlags binds --retain-answers and --retain-invitations to fs
// and returns a func that reads the policy once fs is parsed.
func retentionFlags(fs *flag.FlagSet) func() (survey.RetentionPolicy, error) {
	answers := fs.String("retain-answers", envOr("TILLID_RETAIN_ANSWERS", survey.DefaultRetention.Answers.String()),
		"how long raw answers and comments are kept after a round closes, e.g. 5y, 18mo, 30d, or never; the computed results stay (env TILLID_RETAIN_ANSWERS)")
	invitations := fs.String("retain-invitations", envOr("TILLID_RETAIN_INVITATIONS", survey.DefaultRetention.Invitations.String()),
		"how long invitations (e-mail addresses) are kept after a round closes, e.g. 30d, or never (env TILLID_RETAIN_INVITATIONS)")
	return func() (survey.RetentionPolicy, error) {
		var p survey.RetentionPolicy
		var err error
		if p.Answers, err = survey.ParsePeriod(*answers); err != nil {
			return p, fmt.Errorf("--retain-answers: %w", err)
		}
		if p.Invitations, err = survey.ParsePeriod(*invitations); err != nil {
			return p, fmt.Errorf("--retain-invitations: %w", err)
		}
		return p, nil
	}
}

// runRetention prints (--dry-run) or applies (--apply) the retention
// policy: tillid retention --dry-run|--apply.
func (m *Main) runRetention(ctx context.Context, args []string) error {
	fs := m.flagSet("retention")
	policy := retentionFlags(fs)
	dry := fs.Bool("dry-run", false, "print what would be deleted, change nothing")
	apply := fs.Bool("apply", false, "delete what is due, with an entry per deletion in the audit log")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 || *dry == *apply {
		return fmt.Errorf("retention: want exactly one of --dry-run and --apply")
	}
	p, err := policy()
	if err != nil {
		return fmt.Errorf("retention: %w", err)
	}
	if err := m.openStore(ctx); err != nil {
		return err
	}
	var rep survey.RetentionReport
	if *apply {
		rep, err = m.Store.ApplyRetention(ctx, p, m.Metrics.ComputeRound)
	} else {
		rep, err = m.Store.PlanRetention(ctx, p)
	}
	if err != nil {
		return err
	}
	printRetention(m.Stdout, rep, *apply)
	return nil
}

// printRetention writes a retention report, one block per closed round.
func printRetention(w io.Writer, rep survey.RetentionReport, applied bool) {
	verb := "would delete"
	if applied {
		verb = "deleted"
	}
	fmt.Fprintf(w, "retention on %s: raw answers kept %s, invitations kept %s after a round closes\n", rep.Today, rep.Policy.Answers, rep.Policy.Invitations)
	if len(rep.Rounds) == 0 {
		fmt.Fprintln(w, "no closed rounds")
	}
	for _, r := range rep.Rounds {
		fmt.Fprintf(w, "round %d %q, closed %s\n", r.RoundID, r.Name, r.ClosesOn)
		switch {
		case r.AnswersDue.IsZero():
			fmt.Fprintln(w, "  answers:     kept for ever")
		case rep.Today.Before(r.AnswersDue.Time):
			fmt.Fprintf(w, "  answers:     kept until %s\n", r.AnswersDue)
		case r.NotComputed && applied:
			fmt.Fprintln(w, "  answers:     due, but kept: the round's results are not computed yet")
		default:
			note := ""
			if r.NotComputed {
				note = " (after computing the round's results)"
			}
			fmt.Fprintf(w, "  answers:     due since %s: %s %d responses, %d answers, %d comments%s\n", r.AnswersDue, verb, r.Responses, r.Answers, r.Comments, note)
		}
		switch {
		case r.InvitationsDue.IsZero():
			fmt.Fprintln(w, "  invitations: kept for ever")
		case rep.Today.Before(r.InvitationsDue.Time):
			fmt.Fprintf(w, "  invitations: kept until %s\n", r.InvitationsDue)
		default:
			fmt.Fprintf(w, "  invitations: due since %s: %s %d invitations, %d reminder links, %d staff uploads, %d refused addresses\n",
				r.InvitationsDue, verb, r.Invitations, r.ReminderLinks, r.StaffUploads, r.MailFailures)
		}
	}
}

// startRetention applies the policy now and then every day until ctx
// ends or stop is called, logging what it deleted; stop returns when the
// loop has stopped. Every instance of a cluster runs it: the deletions
// are idempotent, and a run that finds nothing due deletes and logs
// nothing.
func (m *Main) startRetention(ctx context.Context, p survey.RetentionPolicy) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(retentionEvery)
		defer t.Stop()
		for {
			rep, err := m.Store.ApplyRetention(ctx, p, m.Metrics.ComputeRound)
			switch {
			case ctx.Err() != nil:
				return
			case err != nil:
				m.Logger.Error("retention", "err", err)
			default:
				for _, r := range rep.Rounds {
					if r.Deletes() {
						m.Logger.Info("retention", "round", r.RoundID, "responses", r.Responses, "answers", r.Answers, "comments", r.Comments,
							"invitations", r.Invitations, "reminder_links", r.ReminderLinks, "staff_uploads", r.StaffUploads, "refused_addresses", r.MailFailures)
					}
				}
			}
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
	return func() {
		cancel()
		<-done
	}
}
