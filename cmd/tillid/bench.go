package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tillid/tillid/metrics"
	"github.com/tillid/tillid/survey"
)

// The results engine's goals (issue 3): every unit's results within 2× the
// bare aggregation and under 2 s, a unit's trend under 50 ms, and the
// process's peak memory under 500 MB.
const (
	goalFactor  = 2.0
	goalResults = 2 * time.Second
	goalTrend   = 50 * time.Millisecond
	goalMemory  = 500 << 20
)

// runBench dispatches "bench results": load figures for the results
// engine on the configured database.
func (m *Main) runBench(ctx context.Context, args []string) error {
	if len(args) > 0 && args[0] == "report" {
		return m.runBenchReport(ctx, args[1:])
	}
	if len(args) == 0 || args[0] != "results" {
		return fmt.Errorf("bench: want results or report")
	}
	fs := m.flagSet("bench results")
	roundID := fs.Int64("round", 0, "closed round to measure (required)")
	unitCode := fs.String("unit", "", "unit whose trend to time besides the root's (default: the round's first shown leaf unit)")
	runs := fs.Int("runs", 3, "times to run each measurement; the median is printed")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the ComputeRound runs to `FILE` (go tool pprof)")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: tillid bench results --round R [--unit CODE] [--runs N] [--cpuprofile FILE] [--db DSN]\n\n"+
			"Times, for one closed round: the bare SQL aggregation of its answers (GROUP BY\n"+
			"unit, item), computing every unit's results from scratch (ComputeRound), reading\n"+
			"them from the kept rows (RoundResults), the round's correlation with absence and\n"+
			"one unit's trend; then peak memory and a verdict per goal. It drops and\n"+
			"recomputes the round's kept results.")
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
	stopProfile, err := startCPUProfile(*cpuProfile)
	if err != nil {
		return fmt.Errorf("bench results: %w", err)
	}
	compute, err := timeRunsAfter(*runs, func() error { return m.Metrics.ForgetRound(ctx, *roundID) }, func() error {
		return m.Metrics.ComputeRound(ctx, *roundID)
	})
	if perr := stopProfile(); err == nil {
		err = perr
	}
	if err != nil {
		return fmt.Errorf("bench results: %w", err)
	}
	var rr *metrics.RoundResults
	read, err := timeRuns(*runs, func() (err error) {
		rr, err = m.Metrics.RoundResults(ctx, *roundID)
		return err
	})
	if err != nil {
		return fmt.Errorf("bench results: %w", err)
	}
	root, leaf := rootAndLeaf(rr.Units)
	if *unitCode == "" {
		*unitCode = leaf
	}
	points := 0
	corr, err := timeRuns(*runs, func() error {
		c, err := m.Metrics.Correlation(ctx, *roundID)
		if err == nil {
			points = len(c.Points)
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("bench results: %w", err)
	}
	var trends [2]timing
	var rounds [2]int
	for i, code := range []string{*unitCode, root} {
		trends[i], err = timeRuns(*runs, func() error {
			t, err := m.Metrics.Trend(ctx, code)
			if err == nil {
				rounds[i] = len(t.Rounds)
			}
			return err
		})
		if err != nil {
			return fmt.Errorf("bench results: %w", err)
		}
	}
	w := m.Stdout
	fmt.Fprintf(w, "round %d on %s: %d units, %d responses, %d answers; median of %d runs\n",
		*roundID, survey.Dialect(m.DB), len(rr.Units), size.Responses, size.Answers, *runs)
	fmt.Fprintf(w, "%-44s %s\n", "bare SQL aggregation (GROUP BY unit, item)", bare)
	fmt.Fprintf(w, "%-44s %s  (%.2f× bare)\n", "ComputeRound from scratch (every unit)", compute, ratio(compute, bare))
	fmt.Fprintf(w, "%-44s %s  (%.2f× bare)\n", "RoundResults from kept rows", read, ratio(read, bare))
	fmt.Fprintf(w, "%-44s %s\n", fmt.Sprintf("Correlation, %d units", points), corr)
	fmt.Fprintf(w, "%-44s %s\n", fmt.Sprintf("Trend(%s), %d rounds", *unitCode, rounds[0]), trends[0])
	fmt.Fprintf(w, "%-44s %s\n", fmt.Sprintf("Trend(%s) (root), %d rounds", root, rounds[1]), trends[1])
	peak, ok := peakMemoryBytes()
	fmt.Fprintf(w, "%-44s %s\n", "peak memory (VmHWM)", peakMemory())
	fmt.Fprintln(w, "goals:")
	verdict(w, fmt.Sprintf("ComputeRound ≤ %.0f× bare (%s)", goalFactor, fmtDuration(time.Duration(goalFactor*float64(bare.median)))),
		ratio(compute, bare), goalFactor, func(x float64) string { return fmt.Sprintf("%.2f×", x) })
	verdict(w, "ComputeRound < 2 s", compute.median.Seconds(), goalResults.Seconds(), seconds)
	verdict(w, fmt.Sprintf("RoundResults ≤ %.0f× bare", goalFactor), ratio(read, bare), goalFactor, func(x float64) string { return fmt.Sprintf("%.2f×", x) })
	verdict(w, "RoundResults < 2 s", read.median.Seconds(), goalResults.Seconds(), seconds)
	verdict(w, fmt.Sprintf("Trend(%s) < 50 ms", *unitCode), trends[0].median.Seconds(), goalTrend.Seconds(), seconds)
	verdict(w, fmt.Sprintf("Trend(%s) (root) < 50 ms", root), trends[1].median.Seconds(), goalTrend.Seconds(), seconds)
	if ok {
		verdict(w, "peak memory < 500 MB", float64(peak), goalMemory, func(x float64) string { return fmt.Sprintf("%.0f MB", x/(1<<20)) })
	}
	return nil
}

// rootAndLeaf returns the code of the root of a round's units and of the
// first unit in code order with no units below it and its respondents
// shown: a team's page, the common case.
func rootAndLeaf(units []metrics.UnitResults) (root, leaf string) {
	parents := make(map[string]bool, len(units))
	for _, u := range units {
		parents[u.ParentCode] = true
	}
	for _, u := range units {
		switch {
		case u.ParentCode == "" && root == "":
			root = u.Code
		case !parents[u.Code] && !u.Suppressed && leaf == "":
			leaf = u.Code
		}
	}
	if leaf == "" {
		leaf = root
	}
	return root, leaf
}

// verdict prints whether got stays under limit, and by how much it misses
// when it does not; format prints a value in the goal's unit.
func verdict(w io.Writer, goal string, got, limit float64, format func(float64) string) {
	if got <= limit {
		fmt.Fprintf(w, "  %-40s met (%s)\n", goal, format(got))
		return
	}
	fmt.Fprintf(w, "  %-40s missed by %s (%s, %.0f %% over)\n", goal, format(got-limit), format(got), 100*(got/limit-1))
}

// seconds formats a number of seconds as a duration.
func seconds(x float64) string { return fmtDuration(time.Duration(x * float64(time.Second))) }

// fmtDuration rounds d to what a person reads: ms below 10 s.
func fmtDuration(d time.Duration) string {
	if d < time.Second {
		return d.Round(100 * time.Microsecond).String()
	}
	return d.Round(time.Millisecond).String()
}

// ratio returns a's median over b's.
func ratio(a, b timing) float64 { return a.median.Seconds() / b.median.Seconds() }

// startCPUProfile starts a CPU profile into path ("" for none) and
// returns the function that stops it and closes the file.
func startCPUProfile(path string) (stop func() error, err error) {
	if path == "" {
		return func() error { return nil }, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() error {
		pprof.StopCPUProfile()
		return f.Close()
	}, nil
}

// timing is the median and every run of one measurement, in wall-clock
// time and in this process's CPU time (user and system), which a busy
// machine disturbs less; a database server's own CPU is not in it.
type timing struct {
	median, cpu time.Duration
	all         []time.Duration
}

// String prints the median, every run and the median CPU time.
func (t timing) String() string {
	runs := make([]string, len(t.all))
	for i, d := range t.all {
		runs[i] = fmtDuration(d)
	}
	return fmt.Sprintf("%9s  [%s]  cpu %s", fmtDuration(t.median), strings.Join(runs, " "), fmtDuration(t.cpu))
}

// timeRuns runs fn n times and returns how long it took.
func timeRuns(n int, fn func() error) (timing, error) {
	return timeRunsAfter(n, nil, fn)
}

// timeRunsAfter runs setup (untimed, when not nil) and fn n times and
// returns how long fn took.
func timeRunsAfter(n int, setup, fn func() error) (timing, error) {
	var t timing
	var cpus []time.Duration
	for range n {
		if setup != nil {
			if err := setup(); err != nil {
				return t, err
			}
		}
		start, cpu := time.Now(), cpuTime()
		if err := fn(); err != nil {
			return t, err
		}
		t.all = append(t.all, time.Since(start))
		cpus = append(cpus, cpuTime()-cpu)
	}
	t.median, t.cpu = median(t.all), median(cpus)
	return t, nil
}

// median returns the middle of ds (the upper one of an even count).
func median(ds []time.Duration) time.Duration {
	sorted := slices.Sorted(slices.Values(ds))
	return sorted[len(sorted)/2]
}

// peakMemory returns the process's peak resident memory from
// /proc/self/status (Linux), or "n/a".
func peakMemory() string {
	b, ok := peakMemoryBytes()
	if !ok {
		return "n/a"
	}
	return fmt.Sprintf("%d kB (%.0f MB)", b>>10, float64(b)/(1<<20))
}

// peakMemoryBytes returns the process's peak resident memory (VmHWM) and
// whether the system reports it.
func peakMemoryBytes() (int64, bool) {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0, false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10, err == nil
		}
	}
	return 0, false
}
