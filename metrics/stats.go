package metrics

import (
	"math"
	"sync"

	"gonum.org/v1/gonum/stat/distuv"
)

// Confidence is the level of every interval tillid reports.
const Confidence = 0.95

// zCrit is the standard normal quantile for a two-sided 95 % interval.
var zCrit = distuv.UnitNormal.Quantile(1 - (1-Confidence)/2)

// Interval is a 95 % confidence interval, in the unit of the value it
// belongs to (score points 0..100 or percent).
type Interval struct {
	Low  float64 `json:"low"`
	High float64 `json:"high"`
}

// Summary is what a group's scores reduce to: n, the mean and the sample
// standard deviation (n−1 in the denominator; 0 when n < 2).
type Summary struct {
	N    int
	Mean float64
	SD   float64
}

// moments accumulates n, sum and sum of squares: a group's sufficient
// statistics, which add across groups, so a subtree is the sum of its
// units. Scores lie in 0..100, so the plain sum-of-squares formula loses
// nothing that matters even for 10⁵ respondents.
type moments struct {
	n          int
	sum, sumsq float64
}

func (m *moments) add(x float64) {
	m.n++
	m.sum += x
	m.sumsq += x * x
}

func (m *moments) merge(o moments) {
	m.n += o.n
	m.sum += o.sum
	m.sumsq += o.sumsq
}

// summary returns n, mean and SD; the variance is clamped at 0 so that a
// group whose scores are all equal gets SD 0, not a rounding error.
func (m moments) summary() Summary {
	s := Summary{N: m.n}
	if m.n == 0 {
		return s
	}
	s.Mean = m.sum / float64(m.n)
	if m.n > 1 {
		v := (m.sumsq - m.sum*m.sum/float64(m.n)) / float64(m.n-1)
		s.SD = math.Sqrt(max(v, 0))
	}
	return s
}

// momentsOf returns the sufficient statistics of s, the inverse of summary.
func momentsOf(s Summary) moments {
	n := float64(s.N)
	return moments{n: s.N, sum: n * s.Mean, sumsq: float64(max(s.N-1, 0))*s.SD*s.SD + n*s.Mean*s.Mean}
}

// Pool returns the summary of the union of disjoint groups given their
// summaries (the exact n, mean and SD of all their scores together).
func Pool(parts ...Summary) Summary {
	var m moments
	for _, p := range parts {
		m.merge(momentsOf(p))
	}
	return m.summary()
}

// MeanCI returns the 95 % confidence interval of the mean of s from
// Student's t with n−1 degrees of freedom. With n < 2 there is no
// interval and ok is false.
func MeanCI(s Summary) (ci Interval, ok bool) {
	if s.N < 2 {
		return Interval{}, false
	}
	half := tCrit(s.N-1) * s.SD / math.Sqrt(float64(s.N))
	return Interval{Low: s.Mean - half, High: s.Mean + half}, true
}

// Wilson returns the share x/n in percent and its 95 % Wilson score
// interval in percent. With n = 0 there is no share and ok is false.
func Wilson(x, n int) (share float64, ci Interval, ok bool) {
	if n <= 0 || x < 0 || x > n {
		return 0, Interval{}, false
	}
	p, nf, z2 := float64(x)/float64(n), float64(n), zCrit*zCrit
	den := 1 + z2/nf
	center := (p + z2/(2*nf)) / den
	half := zCrit / den * math.Sqrt(p*(1-p)/nf+z2/(4*nf*nf))
	return 100 * p, Interval{Low: 100 * max(center-half, 0), High: 100 * min(center+half, 1)}, true
}

// tQuantiles memoises tCrit: the quantile costs microseconds and a round
// asks for it once per shown cell, with few distinct degrees of freedom
// (at most the number of employees).
var tQuantiles sync.Map // int → float64

// tCrit returns Student's t quantile for a two-sided 95 % interval with df
// degrees of freedom.
func tCrit(df int) float64 {
	if q, ok := tQuantiles.Load(df); ok {
		return q.(float64)
	}
	q := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(df)}.Quantile(1 - (1-Confidence)/2)
	tQuantiles.Store(df, q)
	return q
}

// WelchResult is Welch's unequal-variances t-test of two group means.
type WelchResult struct {
	T  float64 // (mean b − mean a) / standard error
	DF float64 // Welch–Satterthwaite degrees of freedom
	P  float64 // two-sided p-value
}

// Significant reports whether the difference is significant at the 5 % level.
func (w WelchResult) Significant() bool { return w.P < 1-Confidence }

// Welch tests whether groups a and b (e.g. two rounds of one unit) have
// different means, from their n, mean and SD only. It needs n ≥ 2 in both
// groups and some variance; otherwise ok is false and nothing is flagged.
func Welch(a, b Summary) (w WelchResult, ok bool) {
	if a.N < 2 || b.N < 2 {
		return WelchResult{}, false
	}
	va, vb := a.SD*a.SD/float64(a.N), b.SD*b.SD/float64(b.N)
	se2 := va + vb
	if se2 <= 0 {
		return WelchResult{}, false
	}
	w.T = (b.Mean - a.Mean) / math.Sqrt(se2)
	w.DF = se2 * se2 / (va*va/float64(a.N-1) + vb*vb/float64(b.N-1))
	w.P = 2 * distuv.StudentsT{Mu: 0, Sigma: 1, Nu: w.DF}.Survival(math.Abs(w.T))
	return w, true
}
