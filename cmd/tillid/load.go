package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/tillid/tillid/web/load"
)

// runLoad sends employees' answers to running tillid instances, or with
// --bare the submission's SQL straight to the database, and checks the
// database afterwards (web/load):
// tillid load --url URL --links links.csv --concurrency C [--count N | --duration D] [--round R --db DSN].
func (m *Main) runLoad(ctx context.Context, args []string) error {
	fs := m.flagSet("load")
	var urls []string
	fs.Func("url", "base URL of a tillid instance; repeat (or separate with commas) to spread the load", func(s string) error {
		for u := range strings.SplitSeq(s, ",") {
			if u = strings.TrimSpace(u); u != "" {
				urls = append(urls, u)
			}
		}
		return nil
	})
	links := fs.String("links", "", "links.csv written by 'tillid invite' (required without --bare)")
	concurrency := fs.Int("concurrency", 16, "employees answering at the same time")
	count := fs.Int("count", 0, "invitations to use (default: every one)")
	duration := fs.Duration("duration", 0, "stop starting new employees after this long (default: no limit)")
	double := fs.Float64("double", 0, "share of employees who submit twice at once")
	retry := fs.Float64("retry", 0, "share of employees whose connection drops after sending; they submit again")
	abandon := fs.Float64("abandon", 0, "share of employees who open the form and leave")
	giveUp := fs.Duration("give-up", 30*time.Second, "how long an employee retries failed requests")
	timeout := fs.Duration("timeout", 30*time.Second, "time limit of one request")
	seed := fs.Uint64("seed", 1, "seed of the scenarios and answers")
	roundID := fs.Int64("round", 0, "round of the links: check the database (--db) afterwards")
	bare := fs.Bool("bare", false, "no HTTP: run the submission's SQL on --db for every unused invitation of --round")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: tillid load --url URL [--url URL2] --links links.csv [--concurrency 16] [--count N | --duration D]\n"+
			"                  [--double 0.05] [--retry 0.05] [--abandon 0.05] [--round R --db DSN]\n"+
			"       tillid load --bare --round R --db DSN [--concurrency 16] [--count N | --duration D]\n\n"+
			"Every employee fetches the form with its own cookies, answers it and posts it with its\n"+
			"CSRF token; it prints submissions/s, POST latency percentiles and errors by kind. With\n"+
			"--round it then checks that every acknowledged submission is stored exactly once.\n"+
			"The last line is machine-readable: RESULT throughput=… p50_ms=… p95_ms=… p99_ms=… ok=…")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("load: unexpected argument %q", fs.Arg(0))
	}

	var (
		rep *load.Report
		err error
	)
	if *bare {
		if *roundID == 0 {
			fs.Usage()
			return fmt.Errorf("load: --bare wants --round and --db")
		}
		if err := m.openDB(ctx); err != nil {
			return err
		}
		rep, err = load.Bare(ctx, m.DB, load.BareConfig{RoundID: *roundID, Concurrency: *concurrency, Count: *count, Duration: *duration, Seed: *seed})
	} else {
		if len(urls) == 0 || *links == "" {
			fs.Usage()
			return fmt.Errorf("load: want --url and --links")
		}
		f, ferr := os.Open(*links)
		if ferr != nil {
			return fmt.Errorf("load: %w", ferr)
		}
		ls, ferr := load.ReadLinks(f, *links)
		f.Close()
		if ferr != nil {
			return ferr
		}
		rep, err = load.Run(ctx, load.Config{
			URLs: urls, Links: ls, Concurrency: *concurrency, Count: *count, Duration: *duration,
			Double: *double, Retry: *retry, Abandon: *abandon, GiveUp: *giveUp, Timeout: *timeout, Seed: *seed,
		})
	}
	if err != nil {
		return err
	}
	rep.Print(m.Stdout)
	ok := true
	if *roundID != 0 && !*bare {
		if err := m.openDB(ctx); err != nil {
			return err
		}
		c, err := load.Check(ctx, m.DB, *roundID, rep)
		if err != nil {
			return err
		}
		c.Print(m.Stdout)
		ok = len(c.Problems) == 0
	}
	fmt.Fprintf(m.Stdout, "RESULT throughput=%.1f p50_ms=%.1f p95_ms=%.1f p99_ms=%.1f acknowledged=%d failed=%d ok=%t\n",
		rep.Throughput(), msOf(rep.Percentile(50)), msOf(rep.Percentile(95)), msOf(rep.Percentile(99)),
		rep.Count(load.Acknowledged), rep.Count(load.Failed), ok)
	if !ok {
		return fmt.Errorf("load: the database check found problems")
	}
	return nil
}

// msOf returns d in milliseconds.
func msOf(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
