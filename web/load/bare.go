package load

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	mrand "math/rand/v2"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

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

// Bare runs the SQL survey.Store.SubmitResponse sends, per invitation of
// the round, from Concurrency connections at once: on SQLite one
// transaction — mark the invitation used, insert the response, its
// answers in one multi-row INSERT and, for one in five, a comment — with
// one writer at a time (SQLite has one; queuing in Go beats its busy
// handler), on PostgreSQL the same work as one statement with CTEs; all
// of it prepared. It is the yardstick for the end-to-end figures: what
// the database itself manages with tillid's connection settings. The SQL
// is copied here on purpose, so that the yardstick does not move when
// the store is tuned.
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

	var questionnaireID int64
	if err := db.GetContext(ctx, &questionnaireID, db.Rebind("SELECT questionnaire_id FROM rounds WHERE id = ?"), cfg.RoundID); err != nil {
		return nil, fmt.Errorf("load: bare: round: %w", err)
	}
	answers := db.Rebind("INSERT INTO answers (response_id, item_id, value) VALUES " +
		strings.TrimSuffix(strings.Repeat("(?, ?, ?), ", len(scored)), ", "))
	use := db.Rebind(`
		UPDATE invitations SET used = TRUE
		WHERE id = ? AND used = FALSE
			AND round_id IN (SELECT id FROM rounds WHERE status = 'open' AND questionnaire_id = ?)
		RETURNING round_id, unit_id`)
	response := db.Rebind("INSERT INTO responses (id, round_id, unit_id, submitted_on, lang) VALUES (?, ?, ?, ?, ?)")
	comment := db.Rebind("INSERT INTO comments (response_id, item_id, body) VALUES (?, ?, ?)")
	today := survey.DateOf(time.Now())

	one := db.Rebind(`
		WITH used AS (
			UPDATE invitations SET used = TRUE
			WHERE id = ? AND used = FALSE
				AND round_id IN (SELECT id FROM rounds WHERE status = 'open' AND questionnaire_id = ?)
			RETURNING round_id, unit_id
		), response AS (
			INSERT INTO responses (id, round_id, unit_id, submitted_on, lang)
			SELECT ?, round_id, unit_id, ?, ? FROM used
			RETURNING id
		), answer_rows AS (
			INSERT INTO answers (response_id, item_id, value)
			SELECT response.id, a.item_id, a.value FROM response, unnest(?::int8[], ?::int4[]) AS a(item_id, value)
		), comment_rows AS (
			INSERT INTO comments (response_id, item_id, body)
			SELECT response.id, c.item_id, c.body FROM response, unnest(?::int8[], ?::text[]) AS c(item_id, body)
		)
		SELECT id FROM response`)
	// Prepared, as tillid's store and pgbench -M prepared run them.
	queries := []string{use, response, answers, comment}
	if survey.Dialect(db) == "postgres" {
		queries = []string{one}
	}
	stmts := make(map[string]*sql.Stmt, len(queries))
	for _, q := range queries {
		st, err := db.PrepareContext(ctx, q)
		if err != nil {
			return nil, fmt.Errorf("load: bare: prepare: %w", err)
		}
		defer st.Close()
		stmts[q] = st
	}
	var writer sync.Mutex // SQLite's one writer

	submit := func(id int64, rng *mrand.Rand) error {
		rid := newID()
		if survey.Dialect(db) == "postgres" {
			values := make(pq.Int32Array, len(scored))
			for i := range values {
				values[i] = int32(1 + rng.IntN(3))
			}
			var textItems pq.Int64Array
			var bodies pq.StringArray
			if len(texts) > 0 && rng.Float64() < commentShare {
				textItems, bodies = pq.Int64Array{texts[0]}, pq.StringArray{comments[rng.IntN(len(comments))]}
			}
			return stmts[one].QueryRowContext(ctx, id, questionnaireID, rid, today, "da", pq.Int64Array(scored), values, textItems, bodies).Scan(&rid)
		}
		writer.Lock()
		defer writer.Unlock()
		tx, err := db.BeginTxx(ctx, nil)
		if err != nil {
			return err
		}
		defer tx.Rollback()
		var roundID, unitID int64
		if err := tx.StmtContext(ctx, stmts[use]).QueryRowContext(ctx, id, questionnaireID).Scan(&roundID, &unitID); err != nil {
			return err
		}
		if _, err := tx.StmtContext(ctx, stmts[response]).ExecContext(ctx, rid, roundID, unitID, today, "da"); err != nil {
			return err
		}
		args := make([]any, 0, 3*len(scored))
		for _, item := range scored {
			args = append(args, rid, item, 1+rng.IntN(3))
		}
		if _, err := tx.StmtContext(ctx, stmts[answers]).ExecContext(ctx, args...); err != nil {
			return err
		}
		if len(texts) > 0 && rng.Float64() < commentShare {
			if _, err := tx.StmtContext(ctx, stmts[comment]).ExecContext(ctx, rid, texts[0], comments[rng.IntN(len(comments))]); err != nil {
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

// newID returns a random response id as SubmitResponse makes them.
func newID() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}
