package mail

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/jmoiron/sqlx"
)

// Kind says what a job sends.
type Kind string

// The kinds of job.
const (
	KindInvitation Kind = "invitation"
	KindReminder   Kind = "reminder"
)

// StallAfter is how long a running job may go without progress before it
// is shown as interrupted (its app instance stopped).
const StallAfter = 10 * time.Minute

// maxReasonLen caps the stored text of a refusal.
const maxReasonLen = 300

// ErrDisabled is returned when e-mail is used but no SMTP server is configured.
var ErrDisabled = errors.New("mail: e-mail is not configured (e-mail er ikke sat op)")

// Job is one background send: its progress, as stored.
type Job struct {
	ID        int64  `db:"id"`
	RoundID   int64  `db:"round_id"`
	Kind      Kind   `db:"kind"`
	Total     int    `db:"total"`
	Sent      int    `db:"sent"`
	Failed    int    `db:"failed"`
	Status    string `db:"status"` // running or done
	CreatedAt int64  `db:"created_at"`
	UpdatedAt int64  `db:"updated_at"`
}

// Done reports whether the job has finished.
func (j Job) Done() bool { return j.Status == "done" }

// Stalled reports whether a running job has made no progress for
// StallAfter at now: the instance running it stopped, and the messages it
// had not sent yet are lost (a reminder reaches those people).
func (j Job) Stalled(now time.Time) bool {
	return !j.Done() && now.Unix()-j.UpdatedAt > int64(StallAfter.Seconds())
}

// Failure is an address whose message could not be sent, and why.
type Failure struct {
	Email  string `db:"email"`
	Reason string `db:"reason"`
}

// Jobs starts background sends and reads their progress from the
// database; every instance over the same database sees every job.
type Jobs struct {
	db     *sqlx.DB
	sender *Sender // nil when e-mail is not configured
	logger *slog.Logger
	now    func() time.Time
	wg     sync.WaitGroup
}

// NewJobs returns Jobs over db that send with sender (nil: e-mail is not
// configured and Start fails with ErrDisabled).
func NewJobs(db *sqlx.DB, sender *Sender, logger *slog.Logger) *Jobs {
	return &Jobs{db: db, sender: sender, logger: logger, now: time.Now}
}

// Enabled reports whether jobs can send.
func (j *Jobs) Enabled() bool { return j.sender != nil }

// Contact returns whom employees may ask, for the message texts; "" when
// e-mail is not configured.
func (j *Jobs) Contact() string {
	if j.sender == nil {
		return ""
	}
	return j.sender.Contact()
}

// Start stores a job for msgs and sends them in the background, beyond
// the request that started it (ctx's values are kept, its cancellation
// is not). Wait waits for every started job.
func (j *Jobs) Start(ctx context.Context, roundID int64, kind Kind, msgs []Message) (Job, error) {
	if j.sender == nil {
		return Job{}, ErrDisabled
	}
	now := j.now().Unix()
	job := Job{RoundID: roundID, Kind: kind, Total: len(msgs), Status: "running", CreatedAt: now, UpdatedAt: now}
	err := j.db.GetContext(ctx, &job.ID, j.db.Rebind(`
		INSERT INTO mail_jobs (round_id, kind, total, sent, failed, status, created_at, updated_at)
		VALUES (?, ?, ?, 0, 0, 'running', ?, ?) RETURNING id`), roundID, kind, len(msgs), now, now)
	if err != nil {
		return Job{}, fmt.Errorf("mail: start job: %w", err)
	}
	j.wg.Add(1)
	go func() {
		defer j.wg.Done()
		j.run(context.WithoutCancel(ctx), job, msgs)
	}()
	return job, nil
}

// Wait blocks until every job started by this instance has finished.
func (j *Jobs) Wait() { j.wg.Wait() }

// progressEvery is how often a running job writes its counts.
const progressEvery = time.Second

// run sends a job's messages and keeps its progress.
func (j *Jobs) run(ctx context.Context, job Job, msgs []Message) {
	log := j.logger.With("job", job.ID, "round", job.RoundID, "kind", job.Kind)
	log.Info("mail job started", "messages", job.Total)
	last := j.now()
	err := j.sender.Send(ctx, msgs, func(i int, err error) {
		if err == nil {
			job.Sent++
		} else {
			job.Failed++
			j.fail(ctx, log, job.ID, msgs[i].To, err)
		}
		if now := j.now(); now.Sub(last) >= progressEvery {
			last = now
			j.save(ctx, log, job, "running")
		}
	})
	if err != nil {
		log.Error("mail job stopped", "err", err)
	}
	j.save(ctx, log, job, "done")
	log.Info("mail job done", "sent", job.Sent, "failed", job.Failed)
}

// fail records an address whose message was not sent.
func (j *Jobs) fail(ctx context.Context, log *slog.Logger, jobID int64, email string, reason error) {
	text := reason.Error()
	if len(text) > maxReasonLen {
		text = text[:maxReasonLen]
	}
	_, err := j.db.ExecContext(ctx, j.db.Rebind("INSERT INTO mail_failures (job_id, email, reason) VALUES (?, ?, ?) ON CONFLICT DO NOTHING"), jobID, email, text)
	if err != nil {
		log.Error("mail job: record failure", "err", err)
	}
}

// save writes a job's counts and status.
func (j *Jobs) save(ctx context.Context, log *slog.Logger, job Job, status string) {
	_, err := j.db.ExecContext(ctx, j.db.Rebind("UPDATE mail_jobs SET sent = ?, failed = ?, status = ?, updated_at = ? WHERE id = ?"),
		job.Sent, job.Failed, status, j.now().Unix(), job.ID)
	if err != nil {
		log.Error("mail job: save progress", "err", err)
	}
}

// FindJobs returns a round's jobs, newest first.
func (j *Jobs) FindJobs(ctx context.Context, roundID int64) ([]Job, error) {
	var jobs []Job
	err := j.db.SelectContext(ctx, &jobs, j.db.Rebind(`
		SELECT id, round_id, kind, total, sent, failed, status, created_at, updated_at
		FROM mail_jobs WHERE round_id = ? ORDER BY id DESC`), roundID)
	if err != nil {
		return nil, fmt.Errorf("mail: find jobs: %w", err)
	}
	return jobs, nil
}

// FindFailures returns the addresses a job could not send to, in order.
func (j *Jobs) FindFailures(ctx context.Context, jobID int64) ([]Failure, error) {
	var fs []Failure
	err := j.db.SelectContext(ctx, &fs, j.db.Rebind("SELECT email, reason FROM mail_failures WHERE job_id = ? ORDER BY email"), jobID)
	if err != nil {
		return nil, fmt.Errorf("mail: find failures: %w", err)
	}
	return fs, nil
}
