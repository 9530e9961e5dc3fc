package metrics_test

import (
	"context"
	"testing"

	"github.com/tillid/tillid/metrics"
	"github.com/tillid/tillid/survey"
	"github.com/tillid/tillid/survey/demo"
	"github.com/tillid/tillid/survey/surveytest"
)

// benchDemo fills a fresh database with the default demo municipality
// (about 2,000 employees in 120 units, three closed rounds).
func benchDemo(b *testing.B) (*metrics.Store, *demo.Result) {
	b.Helper()
	ctx := context.Background()
	db := surveytest.Open(b)
	ss := survey.NewStore(db)
	ms := metrics.NewStore(db, ss)
	res, err := demo.Generate(ctx, ss, ms, demo.Config{Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	return ms, res
}

func BenchmarkResults(b *testing.B) {
	ms, res := benchDemo(b)
	ctx := context.Background()
	round := res.ClosedRounds[len(res.ClosedRounds)-1]
	rr, err := ms.RoundResults(ctx, round)
	if err != nil {
		b.Fatal(err)
	}
	root := rr.Units[0].Code
	for _, u := range rr.Units {
		if u.ParentCode == "" {
			root = u.Code
		}
	}
	b.Run("ComputeRound", func(b *testing.B) {
		for b.Loop() {
			if err := ms.ForgetRound(ctx, round); err != nil {
				b.Fatal(err)
			}
			if err := ms.ComputeRound(ctx, round); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("RoundResults", func(b *testing.B) {
		for b.Loop() {
			if _, err := ms.RoundResults(ctx, round); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("UnitResult", func(b *testing.B) {
		for b.Loop() {
			if _, err := ms.UnitResult(ctx, round, root); err != nil {
				b.Fatal(err)
			}
		}
	})
}
