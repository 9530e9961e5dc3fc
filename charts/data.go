package charts

import (
	"errors"
	"fmt"
	"math"
)

// ErrNoData is returned by a figure constructor given nothing to draw.
var ErrNoData = errors.New("charts: no data")

// Score is a score or share with its 95 % interval, or a suppressed cell.
type Score struct {
	Value      float64 // the score (0–100) or the share (%)
	Lo, Hi     float64 // the 95 % interval; no whisker is drawn unless Hi > Lo
	N          int     // respondents; shown where a figure prints n, never when suppressed
	Suppressed bool    // too few responses: drawn as suppressed, Value, Lo, Hi and N are ignored
}

// Bar is one named score of a bar chart.
type Bar struct {
	Name string
	Score
}

// check reports a value outside 0–100 or an inverted or non-finite interval.
func (s Score) check() error {
	if s.Suppressed {
		return nil
	}
	if err := checkPercent(s.Value); err != nil {
		return err
	}
	if math.IsNaN(s.Lo) || math.IsNaN(s.Hi) || math.IsInf(s.Lo, 0) || math.IsInf(s.Hi, 0) || s.Lo > s.Hi {
		return fmt.Errorf("bad interval [%g, %g]", s.Lo, s.Hi)
	}
	return nil
}

// interval returns the score's interval clipped to 0–100 (a t interval
// near the ends of the scale may pass them).
func (s Score) interval() (lo, hi float64) {
	return math.Max(0, s.Lo), math.Min(100, s.Hi)
}

// checkPercent reports a value that is not a number within 0–100.
func checkPercent(v float64) error {
	if math.IsNaN(v) || v < 0 || v > 100 {
		return fmt.Errorf("value %g outside 0–100", v)
	}
	return nil
}
