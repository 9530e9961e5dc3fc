package report_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/tillid/tillid/charts/report"
	"github.com/tillid/tillid/metrics"
	"github.com/tillid/tillid/survey"
	"github.com/tillid/tillid/survey/demo"
	"github.com/tillid/tillid/survey/surveytest"
)

// BenchmarkReport writes the committee's report of the demo municipality
// (the top unit and every unit one and two levels down) as PNG with its
// CSVs, index.html and the PDF. Run it on one core and on two:
//
//	go test ./charts/report -run x -bench Report -cpu 1,2
//
// TILLID_BENCH_SIZE=copenhagen generates the Copenhagen-sized
// municipality instead (minutes).
func BenchmarkReport(b *testing.B) {
	ctx := context.Background()
	db := surveytest.Open(b)
	ss := survey.NewStore(db)
	ms := metrics.NewStore(db, ss)
	res, err := demo.Generate(ctx, ss, ms, demo.Config{Size: os.Getenv("TILLID_BENCH_SIZE"), Seed: 1, Now: time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		b.Fatal(err)
	}
	units, err := ss.FindUnits(ctx)
	if err != nil {
		b.Fatal(err)
	}
	root := ""
	for _, u := range units {
		if !u.ParentID.Valid {
			root = u.Code
		}
	}
	builder := report.NewBuilder(ss, ms)
	cfg := report.Config{RoundID: res.ClosedRounds[len(res.ClosedRounds)-1], Unit: root, Depth: report.DefaultDepth}
	pages := 0
	for b.Loop() {
		r, err := builder.Plan(ctx, cfg)
		if err != nil {
			b.Fatal(err)
		}
		if err := r.Write(ctx, b.TempDir()); err != nil {
			b.Fatal(err)
		}
		pages = len(r.Pages)
	}
	b.ReportMetric(float64(pages), "figures/op")
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N*pages), "ms/figure")
}
