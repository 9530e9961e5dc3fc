package report_test

import (
	"context"
	"os"
	"testing"

	"github.com/tillid/tillid/charts/report"
	"github.com/tillid/tillid/charts/report/reporttest"
)

func TestScratch(t *testing.T) {
	out := os.Getenv("SCRATCH")
	if out == "" {
		t.Skip()
	}
	b, f := newBuilder(t)
	r, err := b.Plan(context.Background(), report.Config{RoundID: f.Round, Unit: reporttest.Root, Depth: 2, Lang: os.Getenv("LANG2")})
	if err != nil {
		t.Fatal(err)
	}
	os.RemoveAll(out)
	if err := r.Write(context.Background(), out); err != nil {
		t.Fatal(err)
	}
}
