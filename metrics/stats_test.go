package metrics

import (
	"math"
	"testing"
)

// near reports whether got is within tol of want.
func near(got, want, tol float64) bool { return math.Abs(got-want) <= tol }

func TestMoments(t *testing.T) {
	tests := []struct {
		name     string
		xs       []float64
		mean, sd float64
	}{
		{"ThreeScores", []float64{0, 50, 100}, 50, 50},
		{"OneRespondent", []float64{75}, 75, 0},
		{"ZeroVariance", []float64{75, 75, 75, 75}, 75, 0},
		{"ZeroVarianceFractions", []float64{58.333333333333336, 58.333333333333336, 58.333333333333336}, 58.333333333333336, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var m moments
			for _, x := range tt.xs {
				m.add(x)
			}
			s := m.summary()
			if s.N != len(tt.xs) || !near(s.Mean, tt.mean, 1e-9) || !near(s.SD, tt.sd, 1e-6) {
				t.Errorf("got %+v, want n %d mean %v sd %v", s, len(tt.xs), tt.mean, tt.sd)
			}
		})
	}
	t.Run("Empty", func(t *testing.T) {
		if s := (moments{}).summary(); s != (Summary{}) {
			t.Errorf("got %+v, want zero", s)
		}
	})
}

func TestPool(t *testing.T) {
	// {0, 50, 100} and {25, 75} together are {0, 25, 50, 75, 100}: mean 50,
	// SD √((2500+625+0+625+2500)/4) = √1562.5.
	got := Pool(Summary{3, 50, 50}, Summary{2, 50, math.Sqrt(1250)})
	if got.N != 5 || !near(got.Mean, 50, 1e-9) || !near(got.SD, 39.528470752104745, 1e-9) {
		t.Errorf("got %+v, want n 5 mean 50 sd 39.5285", got)
	}
}

func TestMeanCI(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		// t(0.975, 2) = 4.302653; half width 4.302653 · 50/√3.
		ci, ok := MeanCI(Summary{N: 3, Mean: 50, SD: 50})
		if !ok || !near(ci.Low, -74.20688559218763, 1e-6) || !near(ci.High, 174.20688559218763, 1e-6) {
			t.Errorf("got %+v %v, want [-74.2069, 174.2069]", ci, ok)
		}
	})
	t.Run("ZeroVariance", func(t *testing.T) {
		ci, ok := MeanCI(Summary{N: 4, Mean: 75})
		if !ok || ci.Low != 75 || ci.High != 75 {
			t.Errorf("got %+v %v, want [75, 75]", ci, ok)
		}
	})
	t.Run("OneRespondent", func(t *testing.T) {
		if ci, ok := MeanCI(Summary{N: 1, Mean: 75}); ok {
			t.Errorf("got %+v, want no interval", ci)
		}
	})
}

func TestWilson(t *testing.T) {
	tests := []struct {
		name            string
		x, n            int
		share, low, hig float64
	}{
		{"ThreeOfTen", 3, 10, 30, 10.7791267406301, 60.322185253885465},
		{"NoneOfTen", 0, 10, 0, 0, 27.75327998628892},
		{"AllOfTen", 10, 10, 100, 72.24672001371107, 100},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			share, ci, ok := Wilson(tt.x, tt.n)
			if !ok || !near(share, tt.share, 1e-9) || !near(ci.Low, tt.low, 1e-6) || !near(ci.High, tt.hig, 1e-6) {
				t.Errorf("got %v %+v %v, want %v [%v, %v]", share, ci, ok, tt.share, tt.low, tt.hig)
			}
		})
	}
	t.Run("ErrNoAnswers", func(t *testing.T) {
		if _, _, ok := Wilson(0, 0); ok {
			t.Error("got ok, want no share for n = 0")
		}
	})
}

func TestWelch(t *testing.T) {
	// Reference p-values: closed forms for 2 degrees of freedom
	// (p = 1 − |t|/√(2+t²)) and, for the others, the t density integrated
	// numerically outside gonum (Simpson's rule, 200,000 steps).
	tests := []struct {
		name        string
		a, b        Summary
		t, df, p    float64
		significant bool
	}{
		{"DF2", Summary{2, 25, math.Sqrt(1250)}, Summary{2, 75, math.Sqrt(1250)}, math.Sqrt2, 2, 1 - 1/math.Sqrt2, false},
		{"DF2Borderline", Summary{2, 12.5, math.Sqrt(312.5)}, Summary{2, 87.5, math.Sqrt(312.5)}, 3 * math.Sqrt2, 2, 1 - 3/math.Sqrt(10), false},
		{"UnequalVariances", Summary{10, 60, 10}, Summary{20, 70, 20}, 1.8257418583505538, 27.981818181818177, 0.07857958786913243, false},
		{"Significant", Summary{30, 70, 15}, Summary{30, 60, 15}, -2.581988897471611, 58, 0.012371091019139776, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, ok := Welch(tt.a, tt.b)
			if !ok || !near(w.T, tt.t, 1e-9) || !near(w.DF, tt.df, 1e-9) || !near(w.P, tt.p, 1e-7) || w.Significant() != tt.significant {
				t.Errorf("got %+v %v significant %v, want t %v df %v p %v significant %v", w, ok, w.Significant(), tt.t, tt.df, tt.p, tt.significant)
			}
		})
	}
	t.Run("ErrOneRespondent", func(t *testing.T) {
		if w, ok := Welch(Summary{1, 50, 0}, Summary{10, 60, 10}); ok {
			t.Errorf("got %+v, want no test", w)
		}
	})
	t.Run("ErrZeroVariance", func(t *testing.T) {
		if w, ok := Welch(Summary{5, 50, 0}, Summary{5, 75, 0}); ok {
			t.Errorf("got %+v, want no test", w)
		}
	})
}
