package load

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	mrand "math/rand/v2"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/tillid/tillid/survey"
)

// BareConfig is a run of the submission's SQL without HTTP.
type BareConfig struct {
	RoundID     int64
	Concurrency int
	Count       int           // transactions (0: every unused invitation)
	Duration    time.Duration // stop after this long (0: no limit)
	Seed        uint64
}

// Bare runs the statements survey.Store.SubmitResponse sends — mark the
// invitation used, insert the response, its answers in one multi-row
// INSERT and, for one in five, a comment — in one transaction per unused
// invitation of the round, from Concurrency connections at once. It is
// the yardstick for the end-to-end figures: what the database itself
// manages with tillid's connection settings. The statements are copied
// here on purpose, so that the yardstick does not move when the store is
// tuned.
func Bare(ctx context.Context, db *sqlx.DB, cfg BareConfig) (*Report, error) {
	if cfg.Concurrency < 1 {
		return nil, errors.New("load: bare: want a concurrency ≥ 1")
	}
	var items []struct {
		ID   int64           `db:"id"`
		Type survey.ItemType `db:"type"`
	}
	if err := db.SelectContext(ctx, &items, db.Rebind(`
		SELECT i.id, i.type FROM items i JOIN rounds r ON r.questionnaire_id = i.questionnaire_id
		WHERE r.id = ? ORDER BY i.position`), cfg.RoundID); err != nil {
		return nil, fmt.Errorf("load: bare: items: %w", err)
	}
	var scored, texts []int64
	for _, it := range items {
		if it.Type == survey.Text {
			texts = append(texts, it.ID)
		} else {
			scored = append(scored, it.ID)
		}
	}
	var ids []int64
	if err := db.SelectContext(ctx, &ids, db.Rebind("SELECT id FROM invitations WHERE round_id = ? AND used = FALSE ORDER BY id"), cfg.RoundID); err != nil {
		return nil, fmt.Errorf("load: bare: invitations: %w", err)
	}
	if cfg.Count > 0 {
		ids = ids[:min(len(ids), cfg.Count)]
	}
	if len(ids) == 0 || len(scored) == 0 {
		return nil, fmt.Errorf("load: bare: round %d has no unused invitations or no scored items", cfg.RoundID)
	}

	answers := db.Rebind("INSERT INTO answers (response_id, item_id, value) VALUES " +
		strings.TrimSuffix(strings.Repeat("(?, ?, ?), ", len(scored)), ", "))
	use := db.Rebind(`
		UPDATE invitations SET used = TRUE
		WHERE id = ? AND used = FALSE AND round_id IN (SELECT id FROM rounds WHERE status = 'open')
		RETURNING round_id, unit_id, (SELECT questionnaire_id FROM rounds WHERE rounds.id = invitations.round_id)`)
	response := db.Rebind("INSERT INTO responses (id, round_id, unit_id, submitted_on, lang) VALUES (?, ?, ?, ?, ?)")
	comment := db.Rebind("INSERT INTO comments (response_id, item_id, body) VALUES (?, ?, ?)")
	today := survey.DateOf(time.Now())

	submit := func(id int64, rng *mrand.Rand) error {
		tx, err := db.BeginTxx(ctx, nil)
		if err != nil {
			return err
		}
		defer tx.Rollback()
		var roundID, unitID, questionnaireID int64
		if err := tx.QueryRowxContext(ctx, use, id).Scan(&roundID, &unitID, &questionnaireID); err != nil {
			return err
		}
		b := make([]byte, 16)
		rand.Read(b)
		rid := hex.EncodeToString(b)
		if _, err := tx.ExecContext(ctx, response, rid, roundID, unitID, today, "da"); err != nil {
			return err
		}
		args := make([]any, 0, 3*len(scored))
		for _, item := range scored {
			args = append(args, rid, item, 1+rng.IntN(3))
		}
		if _, err := tx.ExecContext(ctx, answers, args...); err != nil {
			return err
		}
		if len(texts) > 0 && rng.Float64() < commentShare {
			if _, err := tx.ExecContext(ctx, comment, rid, texts[0], comments[rng.IntN(len(comments))]); err != nil {
				return err
			}
		}
		return tx.Commit()
	}

	r := &runner{errors: map[string]int{}, events: map[string]int{}}
	var next, ok atomic.Int64
	start := time.Now()
	var wg sync.WaitGroup
	for w := range cfg.Concurrency {
		wg.Go(func() {
			rng := mrand.New(mrand.NewPCG(cfg.Seed, uint64(w)))
			for ctx.Err() == nil && (cfg.Duration == 0 || time.Since(start) < cfg.Duration) {
				i := next.Add(1) - 1
				if i >= int64(len(ids)) {
					return
				}
				t := time.Now()
				if err := submit(ids[i], rng); err != nil {
					r.count(r.errors, err.Error())
					continue
				}
				r.latency(time.Since(t))
				ok.Add(1)
			}
		})
	}
	wg.Wait()
	rep := &Report{Elapsed: time.Since(start), Posts: r.posts, Errors: r.errors, Events: r.events, LatencyOf: "transaction", ScoredItems: len(scored)}
	rep.Visits = make([]Visit, ok.Load())
	return rep, nil
}
