package survey

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"github.com/jmoiron/sqlx"
)

// Period is a span of calendar time. The zero Period means "keep for
// ever": nothing is deleted.
type Period struct {
	Years, Months, Days int
}

// ParsePeriod reads a period such as "5y", "18mo", "6w", "30d" or "1y6mo"
// (y years, mo months, w weeks, d days); "never" or "0" is the zero
// Period, which keeps data for ever.
func ParsePeriod(s string) (Period, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "never" || s == "0" {
		return Period{}, nil
	}
	var p Period
	rest := s
	for rest != "" {
		i := strings.IndexFunc(rest, func(r rune) bool { return !unicode.IsDigit(r) })
		if i <= 0 {
			return Period{}, Invalidf("period %q: want a number and a unit, e.g. 5y, 18mo, 6w or 30d", s)
		}
		n, err := strconv.Atoi(rest[:i])
		if err != nil {
			return Period{}, Invalidf("period %q: %v", s, err)
		}
		rest = rest[i:]
		j := strings.IndexFunc(rest, unicode.IsDigit)
		if j < 0 {
			j = len(rest)
		}
		switch rest[:j] {
		case "y":
			p.Years += n
		case "mo":
			p.Months += n
		case "w":
			p.Days += 7 * n
		case "d":
			p.Days += n
		default:
			return Period{}, Invalidf("period %q: unit %q: want y, mo, w or d", s, rest[:j])
		}
		rest = rest[j:]
	}
	if p.IsZero() {
		return Period{}, Invalidf("period %q: empty; write \"never\" to keep data for ever", s)
	}
	return p, nil
}

// IsZero reports whether p keeps data for ever.
func (p Period) IsZero() bool { return p == Period{} }

// String returns p as ParsePeriod reads it, "never" for the zero Period.
func (p Period) String() string {
	if p.IsZero() {
		return "never"
	}
	var b strings.Builder
	for _, part := range []struct {
		n    int
		unit string
	}{{p.Years, "y"}, {p.Months, "mo"}, {p.Days, "d"}} {
		if part.n != 0 {
			fmt.Fprintf(&b, "%d%s", part.n, part.unit)
		}
	}
	return b.String()
}

// After returns the date p after d.
func (p Period) After(d Date) Date {
	return Date{d.AddDate(p.Years, p.Months, p.Days)}
}

// RetentionPolicy is how long a municipality keeps the raw data of a
// closed round, counted from its closing date. The computed, suppressed
// results (package metrics) are kept for the trends in any case.
type RetentionPolicy struct {
	// Answers keeps responses, answers and comments.
	Answers Period
	// Invitations keeps invitations (they hold e-mail addresses), their
	// reminder links, unconfirmed staff lists and the addresses of
	// refused e-mails.
	Invitations Period
}

// DefaultRetention keeps raw answers five years and invitations 30 days
// after a round closes.
var DefaultRetention = RetentionPolicy{Answers: Period{Years: 5}, Invitations: Period{Days: 30}}

// RetentionRound is what retention deletes (or would delete) of one closed
// round: the dates from which its raw answers and its invitations are
// due (zero when kept for ever) and the rows concerned, zero when nothing
// is due or everything due is gone.
type RetentionRound struct {
	RoundID        int64
	Name           string
	ClosesOn       Date
	AnswersDue     Date
	InvitationsDue Date
	// NotComputed is set when raw answers are due but the round's results
	// are not kept yet: they are left until the results are computed.
	NotComputed bool

	Responses, Answers, Comments                           int
	Invitations, ReminderLinks, StaffUploads, MailFailures int
}

// Deletes reports whether anything of the round is (or was) deleted.
func (r RetentionRound) Deletes() bool {
	return r.Responses+r.Answers+r.Comments+r.Invitations+r.ReminderLinks+r.StaffUploads+r.MailFailures > 0
}

// RetentionReport is a retention run over every closed round, in closing order.
type RetentionReport struct {
	Today  Date
	Policy RetentionPolicy
	Rounds []RetentionRound
}

// Audit actions written by ApplyRetention into the staff audit log.
const (
	AuditRetentionAnswers     = "retention.answers"
	AuditRetentionInvitations = "retention.invitations"
)

// PlanRetention reports what ApplyRetention would delete today, changing nothing.
func (s *Store) PlanRetention(ctx context.Context, p RetentionPolicy) (RetentionReport, error) {
	return s.retention(ctx, p, nil, false)
}

// ApplyRetention deletes what the policy says is due: the raw answers
// (responses, answers, comments) of closed rounds whose results are kept,
// and the invitations, reminder links, staff uploads and refused
// addresses of closed rounds, keeping the invited and used counts per
// unit. keep, when not nil, is called first for every round whose answers
// are due and whose results are not kept yet (metrics' ComputeRound);
// rounds still without kept results keep their answers. Each round is
// one transaction that writes its own entries in the audit log (table
// audit_log, no user), so a deletion is never without its record. Runs
// are idempotent: several app instances may run it at once, and a
// second run deletes nothing and logs nothing.
func (s *Store) ApplyRetention(ctx context.Context, p RetentionPolicy, keep func(ctx context.Context, roundID int64) error) (RetentionReport, error) {
	return s.retention(ctx, p, keep, true)
}

// retention plans (apply false) or applies the policy to every closed round.
func (s *Store) retention(ctx context.Context, p RetentionPolicy, keep func(context.Context, int64) error, apply bool) (RetentionReport, error) {
	rep := RetentionReport{Today: DateOf(s.now().In(Zone)), Policy: p}
	var rounds []Round
	if err := s.db.SelectContext(ctx, &rounds, s.rebind("SELECT "+roundColumns+" FROM rounds WHERE status = ? ORDER BY closes_on, id"), RoundClosed); err != nil {
		return rep, fmt.Errorf("survey: retention: rounds: %w", err)
	}
	for _, r := range rounds {
		rr := RetentionRound{RoundID: r.ID, Name: r.Name, ClosesOn: r.ClosesOn}
		if !p.Answers.IsZero() {
			rr.AnswersDue = p.Answers.After(r.ClosesOn)
		}
		if !p.Invitations.IsZero() {
			rr.InvitationsDue = p.Invitations.After(r.ClosesOn)
		}
		answersDue := !rr.AnswersDue.IsZero() && !rep.Today.Before(rr.AnswersDue.Time)
		invitationsDue := !rr.InvitationsDue.IsZero() && !rep.Today.Before(rr.InvitationsDue.Time)
		if answersDue && apply && keep != nil {
			kept, err := resultsKept(ctx, s.db, r.ID)
			if err != nil {
				return rep, err
			}
			if !kept {
				if err := keep(ctx, r.ID); err != nil {
					return rep, fmt.Errorf("survey: retention: round %d: keep results: %w", r.ID, err)
				}
			}
		}
		if err := s.retainRound(ctx, &rr, p, rep.Today, answersDue, invitationsDue, apply); err != nil {
			return rep, err
		}
		rep.Rounds = append(rep.Rounds, rr)
	}
	return rep, nil
}

// retainRound counts, and with apply deletes, what is due of one round in
// one transaction, with its audit entries.
func (s *Store) retainRound(ctx context.Context, rr *RetentionRound, p RetentionPolicy, today Date, answersDue, invitationsDue, apply bool) error {
	if !answersDue && !invitationsDue {
		return nil
	}
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("survey: retention: round %d: %w", rr.RoundID, err)
	}
	defer tx.Rollback()
	if answersDue {
		kept, err := resultsKept(ctx, tx, rr.RoundID)
		if err != nil {
			return err
		}
		// A dry run counts what goes once the results are computed.
		rr.NotComputed = !kept
		if kept || !apply {
			if err := retainAnswers(ctx, tx, rr, p, today, apply, s.now().Unix()); err != nil {
				return err
			}
		}
	}
	if invitationsDue {
		if err := retainInvitations(ctx, tx, rr, p, today, apply, s.now().Unix()); err != nil {
			return err
		}
	}
	if !apply {
		return nil
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("survey: retention: round %d: %w", rr.RoundID, err)
	}
	return nil
}

// resultsKept reports whether metrics has kept the round's computed
// results (its row in result_rounds), without which raw answers must stay.
func resultsKept(ctx context.Context, q sqlx.ExtContext, roundID int64) (bool, error) {
	var n int
	if err := sqlx.GetContext(ctx, q, &n, q.Rebind("SELECT COUNT(*) FROM result_rounds WHERE round_id = ?"), roundID); err != nil {
		return false, fmt.Errorf("survey: retention: round %d results: %w", roundID, err)
	}
	return n > 0, nil
}

// retentionStep is one DELETE of a retention run: the count of the rows
// it removes (a dry run reports the count) and where the count goes.
type retentionStep struct {
	count, del string
	n          *int
}

// runSteps counts, and with apply deletes, each step's rows for round id.
func runSteps(ctx context.Context, tx *sqlx.Tx, id int64, steps []retentionStep, apply bool) error {
	for _, st := range steps {
		if !apply {
			if err := tx.GetContext(ctx, st.n, tx.Rebind(st.count), id); err != nil {
				return fmt.Errorf("survey: retention: round %d: %w", id, err)
			}
			continue
		}
		res, err := tx.ExecContext(ctx, tx.Rebind(st.del), id)
		if err != nil {
			return fmt.Errorf("survey: retention: round %d: %w", id, err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return fmt.Errorf("survey: retention: round %d: %w", id, err)
		}
		*st.n = int(n)
	}
	return nil
}

// retainAnswers deletes a round's comments, answers and responses.
func retainAnswers(ctx context.Context, tx *sqlx.Tx, rr *RetentionRound, p RetentionPolicy, today Date, apply bool, now int64) error {
	const ofRound = "response_id IN (SELECT id FROM responses WHERE round_id = ?)"
	err := runSteps(ctx, tx, rr.RoundID, []retentionStep{
		{"SELECT COUNT(*) FROM comments WHERE " + ofRound, "DELETE FROM comments WHERE " + ofRound, &rr.Comments},
		{"SELECT COUNT(*) FROM answers WHERE " + ofRound, "DELETE FROM answers WHERE " + ofRound, &rr.Answers},
		{"SELECT COUNT(*) FROM responses WHERE round_id = ?", "DELETE FROM responses WHERE round_id = ?", &rr.Responses},
	}, apply)
	if err != nil || !apply || rr.Responses+rr.Answers+rr.Comments == 0 {
		return err
	}
	detail := fmt.Sprintf("deleted %d responses, %d answers, %d comments of round %q (closed %s, answers kept %s)",
		rr.Responses, rr.Answers, rr.Comments, rr.Name, rr.ClosesOn, p.Answers)
	return markRetained(ctx, tx, rr.RoundID, "answers_deleted_on", today, AuditRetentionAnswers, detail, now)
}

// retainInvitations keeps a round's invited and used counts per unit and
// deletes its invitations and the rows that hold staff e-mail addresses.
func retainInvitations(ctx context.Context, tx *sqlx.Tx, rr *RetentionRound, p RetentionPolicy, today Date, apply bool, now int64) error {
	if apply {
		// A closed round takes no new invitations, so its counts are
		// final; adding them keeps a partial earlier run exact too.
		_, err := tx.ExecContext(ctx, tx.Rebind(`
			INSERT INTO invitation_counts (round_id, unit_id, invited, used)
			SELECT round_id, unit_id, COUNT(*), SUM(CASE WHEN used = TRUE THEN 1 ELSE 0 END)
			FROM invitations WHERE round_id = ? GROUP BY round_id, unit_id
			ON CONFLICT (round_id, unit_id) DO UPDATE
			SET invited = invitation_counts.invited + excluded.invited, used = invitation_counts.used + excluded.used`), rr.RoundID)
		if err != nil {
			return fmt.Errorf("survey: retention: round %d: keep counts: %w", rr.RoundID, err)
		}
	}
	const tokens = "invitation_id IN (SELECT id FROM invitations WHERE round_id = ?)"
	const failures = "job_id IN (SELECT id FROM mail_jobs WHERE round_id = ?)"
	err := runSteps(ctx, tx, rr.RoundID, []retentionStep{
		{"SELECT COUNT(*) FROM invitation_tokens WHERE " + tokens, "DELETE FROM invitation_tokens WHERE " + tokens, &rr.ReminderLinks},
		{"SELECT COUNT(*) FROM invitations WHERE round_id = ?", "DELETE FROM invitations WHERE round_id = ?", &rr.Invitations},
		{"SELECT COUNT(*) FROM staff_uploads WHERE round_id = ?", "DELETE FROM staff_uploads WHERE round_id = ?", &rr.StaffUploads},
		{"SELECT COUNT(*) FROM mail_failures WHERE " + failures, "DELETE FROM mail_failures WHERE " + failures, &rr.MailFailures},
	}, apply)
	if err != nil || !apply || rr.Invitations+rr.ReminderLinks+rr.StaffUploads+rr.MailFailures == 0 {
		return err
	}
	detail := fmt.Sprintf("deleted %d invitations, %d reminder links, %d staff uploads, %d refused addresses of round %q (closed %s, invitations kept %s)",
		rr.Invitations, rr.ReminderLinks, rr.StaffUploads, rr.MailFailures, rr.Name, rr.ClosesOn, p.Invitations)
	return markRetained(ctx, tx, rr.RoundID, "invitations_deleted_on", today, AuditRetentionInvitations, detail, now)
}

// markRetained records the date of a deletion on the round and writes
// its audit entry. col is a column of round_retention, never user input.
func markRetained(ctx context.Context, tx *sqlx.Tx, roundID int64, col string, today Date, action, detail string, now int64) error {
	_, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO round_retention (round_id, `+col+`) VALUES (?, ?)
		ON CONFLICT (round_id) DO UPDATE SET `+col+` = excluded.`+col), roundID, today)
	if err != nil {
		return fmt.Errorf("survey: retention: round %d: mark: %w", roundID, err)
	}
	_, err = tx.ExecContext(ctx, tx.Rebind("INSERT INTO audit_log (at, user_id, action, target, detail) VALUES (?, NULL, ?, ?, ?)"),
		now, action, "round:"+strconv.FormatInt(roundID, 10), detail)
	if err != nil {
		return fmt.Errorf("survey: retention: round %d: audit: %w", roundID, err)
	}
	return nil
}

// RoundRetention is what retention has deleted of a round: the dates its
// raw answers and its invitations were deleted (zero while kept).
type RoundRetention struct {
	AnswersDeletedOn     Date `db:"answers_deleted_on"`
	InvitationsDeletedOn Date `db:"invitations_deleted_on"`
}

// FindRoundRetention returns what retention has deleted of a round; a
// round it has not touched has the zero RoundRetention.
func (s *Store) FindRoundRetention(ctx context.Context, roundID int64) (RoundRetention, error) {
	var rs []RoundRetention
	err := s.db.SelectContext(ctx, &rs, s.rebind("SELECT answers_deleted_on, invitations_deleted_on FROM round_retention WHERE round_id = ?"), roundID)
	if err != nil {
		return RoundRetention{}, fmt.Errorf("survey: find round %d retention: %w", roundID, err)
	}
	if len(rs) == 0 {
		return RoundRetention{}, nil
	}
	return rs[0], nil
}
