package metrics_test

import (
	"math"
	"testing"

	"github.com/tillid/tillid/metrics"
)

func TestPearsonSpearman(t *testing.T) {
	near := func(got *float64, want float64) bool { return got != nil && math.Abs(*got-want) < 1e-9 }
	x, y := []float64{1, 2, 3, 4, 5}, []float64{2, 4, 5, 4, 5}
	t.Run("Pearson", func(t *testing.T) {
		c := metrics.Pearson(x, y)
		if c.N != 5 || !near(c.R, 0.7745966692414834) || c.CI == nil ||
			!near(&c.CI.Low, -0.34008203518751035) || !near(&c.CI.High, 0.9842357551507267) {
			t.Errorf("got n=%d r=%v ci=%v, want n=5 r=0.7746 ci=[-0.3401, 0.9842]", c.N, c.R, c.CI)
		}
	})
	t.Run("SpearmanTies", func(t *testing.T) {
		c := metrics.Spearman(x, y)
		if !near(c.R, 0.7378647873726218) || c.CI == nil ||
			!near(&c.CI.Low, -0.4471235635999793) || !near(&c.CI.High, 0.9827649535021883) {
			t.Errorf("got r=%v ci=%v, want r=0.7379 ci=[-0.4471, 0.9828]", c.R, c.CI)
		}
	})
	t.Run("SpearmanMonotone", func(t *testing.T) {
		// A monotone but non-linear relation: ρ = −1, r > −1.
		x := []float64{1, 2, 3, 4, 5, 6}
		y := []float64{100, 50, 10, 5, 1, 0.1}
		if c := metrics.Spearman(x, y); !near(c.R, -1) {
			t.Errorf("got ρ=%v, want -1", c.R)
		}
		if c := metrics.Pearson(x, y); c.R == nil || *c.R <= -0.99 {
			t.Errorf("got r=%v, want above -0.99", c.R)
		}
	})
	t.Run("Undefined", func(t *testing.T) {
		for name, c := range map[string]metrics.Coefficient{
			"TwoPairs": metrics.Pearson([]float64{1, 2}, []float64{3, 4}),
			"Constant": metrics.Spearman([]float64{1, 2, 3, 4}, []float64{7, 7, 7, 7}),
		} {
			if c.R != nil || c.CI != nil {
				t.Errorf("%s: got r=%v ci=%v, want neither", name, c.R, c.CI)
			}
		}
		if c := metrics.Pearson([]float64{1, 2, 3}, []float64{1, 3, 2}); c.R == nil || c.CI != nil {
			t.Errorf("three pairs: got r=%v ci=%v, want r and no interval", c.R, c.CI)
		}
	})
}
