package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/metrics"
	"sync"
	"syscall"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/tillid/tillid/charts/report"
)

// parseReportFlags parses the flags export report and bench report share
// (and those extra adds) from args into a Config.
func (m *Main) parseReportFlags(name, usage string, args []string, extra func(*flag.FlagSet)) (*report.Config, error) {
	fs := m.flagSet(name)
	cfg := &report.Config{}
	fs.Int64Var(&cfg.RoundID, "round", 0, "the closed round (required)")
	fs.StringVar(&cfg.Unit, "unit", "", "code of the report's top unit (required)")
	fs.IntVar(&cfg.Depth, "depth", report.DefaultDepth, "levels of units below the top unit")
	fs.StringVar(&cfg.Lang, "lang", "da", "language of the labels: da or en")
	fs.StringVar(&cfg.Format, "format", "png", "format of the figures: png, svg or pdf (the report PDF embeds PNGs)")
	fs.IntVar(&cfg.Workers, "workers", 0, "figures drawn at once (default GOMAXPROCS)")
	pdf := fs.Bool("pdf", true, "also write the whole report as one PDF (held in memory while it is assembled)")
	if extra != nil {
		extra(fs)
	}
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), usage)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	cfg.NoPDF = !*pdf
	if cfg.RoundID <= 0 || cfg.Unit == "" || fs.NArg() > 0 {
		fs.Usage()
		return nil, fmt.Errorf("%s: want --round R and --unit CODE", name)
	}
	return cfg, nil
}

// runExportReport writes the committee's report for a round and a unit's
// subtree to a folder: tillid export report.
func (m *Main) runExportReport(ctx context.Context, args []string) error {
	out := ""
	cfg, err := m.parseReportFlags("export report", "usage: tillid export report --round R --unit CODE --out DIR [--lang da|en] [--format png|svg|pdf] [--depth 2]\n\n"+
		"Writes every figure of the unit and the units below it (with the CSV behind\n"+
		"each), index.html and one PDF of the whole report for the meeting papers.",
		args, func(fs *flag.FlagSet) {
			fs.StringVar(&out, "out", "", "folder to write the report to, created if missing (required)")
		})
	if err != nil {
		return err
	}
	if out == "" {
		return fmt.Errorf("export report: want --out DIR")
	}
	if err := m.openStore(ctx); err != nil {
		return err
	}
	start := time.Now()
	if isTerminal(m.Stderr) {
		var bar *progressbar.ProgressBar
		cfg.Progress = func(done, total int) {
			if bar == nil {
				bar = progressbar.NewOptions(total, progressbar.OptionSetWriter(m.Stderr), progressbar.OptionSetDescription("figurer"),
					progressbar.OptionShowCount(), progressbar.OptionClearOnFinish())
			}
			bar.Set(done)
		}
	}
	r, err := report.NewBuilder(m.Store, m.Metrics).Plan(ctx, *cfg)
	if err != nil {
		return err
	}
	if err := r.Write(ctx, out); err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "wrote %d figures of %s (%s) to %s in %s: open index.html", len(r.Pages), r.TopName, r.Round.Name, out, time.Since(start).Round(time.Millisecond))
	if r.PDF != "" {
		fmt.Fprintf(m.Stdout, " or %s", r.PDF)
	}
	fmt.Fprintln(m.Stdout)
	return nil
}

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// runBenchReport times the committee's report on one core and on all,
// and prints the time per figure, the speed-up and peak memory:
// tillid bench report.
func (m *Main) runBenchReport(ctx context.Context, args []string) error {
	cfg, err := m.parseReportFlags("bench report", "usage: tillid bench report --round R --unit CODE [--depth 2] [--format png]\n\n"+
		"Writes the committee's report into a temporary folder twice, with GOMAXPROCS=1\n"+
		"and with every core, and prints the time, the time per figure, the ratio\n"+
		"and the peak heap and resident memory of each run.", args, nil)
	if err != nil {
		return err
	}
	if err := m.openStore(ctx); err != nil {
		return err
	}
	b := report.NewBuilder(m.Store, m.Metrics)
	cores := runtime.NumCPU()
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	var times [2]time.Duration
	for i, procs := range []int{1, cores} {
		runtime.GOMAXPROCS(procs)
		c := *cfg
		c.Workers = procs
		res, err := measureReport(ctx, b, c)
		if err != nil {
			return err
		}
		times[i] = res.total
		fmt.Fprintf(m.Stdout, "GOMAXPROCS=%d: %d figures of %d units in %s (plan %s, %.1f ms per figure, %.1f figures/s, CPU %s); peak heap %.0f MB, peak RSS %s\n",
			procs, res.pages, res.units, res.total.Round(time.Millisecond), res.plan.Round(time.Millisecond),
			float64(res.total.Microseconds())/1000/float64(res.pages), float64(res.pages)/res.total.Seconds(), res.cpu.Round(time.Millisecond),
			float64(res.heap)/(1<<20), res.rss)
	}
	fmt.Fprintf(m.Stdout, "speed-up on %d cores: %.2f×\n", cores, float64(times[0])/float64(times[1]))
	return nil
}

// reportRun is one timed report.
type reportRun struct {
	pages, units int
	plan, total  time.Duration
	cpu          time.Duration // user and system CPU time of the process
	heap         uint64        // peak live heap, sampled
	rss          string        // peak resident memory (VmHWM)
}

// measureReport plans and writes the report into a temporary folder,
// sampling the heap every 10 ms.
func measureReport(ctx context.Context, b *report.Builder, cfg report.Config) (reportRun, error) {
	dir, err := os.MkdirTemp("", "tillid-bench-report-*")
	if err != nil {
		return reportRun{}, err
	}
	defer os.RemoveAll(dir)
	runtime.GC()
	os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) // reset VmHWM (Linux); ignored elsewhere
	stop, peak := sampleHeap()
	cpu := cpuTime()
	start := time.Now()
	r, err := b.Plan(ctx, cfg)
	if err != nil {
		stop()
		return reportRun{}, err
	}
	planned := time.Since(start)
	err = r.Write(ctx, dir)
	res := reportRun{pages: len(r.Pages), plan: planned, total: time.Since(start), cpu: cpuTime() - cpu, rss: peakMemory()}
	stop()
	res.heap = *peak
	for i, p := range r.Pages {
		if i == 0 || p.UnitCode != r.Pages[i-1].UnitCode {
			res.units++
		}
	}
	return res, err
}

// sampleHeap samples the live heap until stop is called; peak holds the
// largest value seen once stop returns.
func sampleHeap() (stop func(), peak *uint64) {
	peak = new(uint64)
	done := make(chan struct{})
	var wg sync.WaitGroup
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	wg.Go(func() {
		t := time.NewTicker(10 * time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(sample)
			*peak = max(*peak, sample[0].Value.Uint64())
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	})
	return func() { close(done); wg.Wait() }, peak
}

// cpuTime returns the user and system CPU time the process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
