package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/tillid/tillid/metrics"
	"github.com/tillid/tillid/survey"
)

// runBench dispatches "bench results": load figures for the results
// engine on the configured database.
func runBench(ctx context.Context, m *Main, args []string) error {
	if len(args) > 0 && args[0] == "report" {
		return m.runBenchReport(ctx, args[1:])
	}
	if len(args) == 0 || args[0] != "results" {
		return fmt.Errorf("bench: want results or report")
	}
	fs := m.flagSet("bench results")
	roundID := fs.Int64("round", 0, "closed round to measure (required)")
	unitCode := fs.String("unit", "", "unit whose trend to time (default: the round's root)")
	runs := fs.Int("runs", 3, "times to run each measurement; the median is printed")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: tillid bench results --round R [--unit CODE] [--runs N] [--db DSN]\n\n"+
			"Times, for one closed round: the bare SQL aggregation of its answers (GROUP BY\n"+
			"unit, item), computing every unit's results from scratch (ComputeRound), reading\n"+
			"them from the kept rows (RoundResults) and one unit's trend; then peak memory.\n"+
			"It drops and recomputes the round's kept results.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if *roundID == 0 || *runs < 1 {
		fs.Usage()
		return fmt.Errorf("bench results: want --round R and --runs ≥ 1")
	}
	if err := m.openStore(ctx); err != nil {
		return err
	}
	var size struct {
		Responses int `db:"responses"`
		Answers   int `db:"answers"`
	}
	err := m.DB.GetContext(ctx, &size, m.DB.Rebind(`
		SELECT COUNT(DISTINCT r.id) AS responses, COUNT(*) AS answers
		FROM responses r JOIN answers a ON a.response_id = r.id WHERE r.round_id = ?`), *roundID)
	if err != nil {
		return fmt.Errorf("bench results: %w", err)
	}
	// The yardstick: one plain aggregation over the round's raw answers.
	bare, err := timeRuns(*runs, func() error {
		var groups []struct {
			UnitID int64 `db:"unit_id"`
			ItemID int64 `db:"item_id"`
			N      int   `db:"n"`
			Sum    int64 `db:"s"`
		}
		return m.DB.SelectContext(ctx, &groups, m.DB.Rebind(`
			SELECT r.unit_id, a.item_id, COUNT(*) AS n, SUM(a.value) AS s
			FROM responses r JOIN answers a ON a.response_id = r.id
			WHERE r.round_id = ? GROUP BY r.unit_id, a.item_id`), *roundID)
	})
	if err != nil {
		return fmt.Errorf("bench results: bare aggregation: %w", err)
	}
	compute, err := timeRuns(*runs, func() error {
		if err := m.Metrics.ForgetRound(ctx, *roundID); err != nil {
			return err
		}
		return m.Metrics.ComputeRound(ctx, *roundID)
	})
	if err != nil {
		return fmt.Errorf("bench results: %w", err)
	}
	var units int
	var root string
	read, err := timeRuns(*runs, func() error {
		rr, err := m.Metrics.RoundResults(ctx, *roundID)
		if err == nil {
			units = len(rr.Units)
			root = rr.Units[slices.IndexFunc(rr.Units, func(u metrics.UnitResults) bool { return u.ParentCode == "" })].Code
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("bench results: %w", err)
	}
	if *unitCode == "" {
		*unitCode = root
	}
	rounds := 0
	trend, err := timeRuns(*runs, func() error {
		t, err := m.Metrics.Trend(ctx, *unitCode)
		if err == nil {
			rounds = len(t.Rounds)
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("bench results: %w", err)
	}
	w := m.Stdout
	fmt.Fprintf(w, "round %d on %s: %d units, %d responses, %d answers; median of %d runs\n",
		*roundID, survey.Dialect(m.DB), units, size.Responses, size.Answers, *runs)
	fmt.Fprintf(w, "%-44s %s\n", "bare SQL aggregation (GROUP BY unit, item)", bare)
	fmt.Fprintf(w, "%-44s %s  (%.2f× bare)\n", "ComputeRound from scratch (every unit)", compute, compute.median.Seconds()/bare.median.Seconds())
	fmt.Fprintf(w, "%-44s %s  (%.2f× bare)\n", "RoundResults from kept rows", read, read.median.Seconds()/bare.median.Seconds())
	fmt.Fprintf(w, "%-44s %s\n", fmt.Sprintf("Trend(%s), %d rounds", *unitCode, rounds), trend)
	fmt.Fprintf(w, "%-44s %s\n", "peak memory (VmHWM)", peakMemory())
	return nil
}

// timing is the median and every run of one measurement.
type timing struct {
	median time.Duration
	all    []time.Duration
}

// String prints the median, then every run.
func (t timing) String() string {
	runs := make([]string, len(t.all))
	for i, d := range t.all {
		runs[i] = d.Round(time.Millisecond).String()
	}
	return fmt.Sprintf("%9s  [%s]", t.median.Round(time.Millisecond), strings.Join(runs, " "))
}

// timeRuns runs fn n times and returns how long it took.
func timeRuns(n int, fn func() error) (timing, error) {
	var t timing
	for range n {
		start := time.Now()
		if err := fn(); err != nil {
			return t, err
		}
		t.all = append(t.all, time.Since(start))
	}
	sorted := slices.Sorted(slices.Values(t.all))
	t.median = sorted[len(sorted)/2]
	return t, nil
}

// peakMemory returns the process's peak resident memory from
// /proc/self/status (Linux), or "n/a".
func peakMemory() string {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return "n/a"
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			return strings.TrimSpace(v)
		}
	}
	return "n/a"
}
