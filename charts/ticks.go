package charts

import (
	"math"
	"strconv"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
)

// unix returns t on the time axis.
func unix(t time.Time) float64 { return float64(t.Unix()) }

// monthYear names t's month and year in the language: "jan 2024".
func (t *texts) monthYear(at time.Time) string {
	return t.months[at.Month()-1] + " " + strconv.Itoa(at.Year())
}

// plotWidth is roughly the width of a full-width panel's data area, used to
// decide which tick labels fit before the panel is laid out.
const plotWidth = vg.Length(600)

// roundTicks marks the rounds of points on [xmin, xmax] with their labels
// and, while there is room, n; labels that would overlap are thinned.
func roundTicks(points []ScorePoint, xmin, xmax float64, t *texts) plot.ConstantTicks {
	sty := textStyle(tickSize, mutedColor)
	gap := math.Inf(1)
	for i := 1; i < len(points); i++ {
		gap = min(gap, math.Abs(unix(points[i].Time)-unix(points[i-1].Time)))
	}
	room := plotWidth * vg.Length(gap/(xmax-xmin))

	labels := make([]string, len(points))
	widest := vg.Length(0)
	withN := true
	for pass := 0; pass < 2; pass++ {
		widest = 0
		for i, q := range points {
			labels[i] = q.Label
			if labels[i] == "" {
				labels[i] = t.monthYear(q.Time)
			}
			if withN && !q.Suppressed && q.N > 0 {
				labels[i] += "\nn = " + t.num(float64(q.N), 0)
			}
			widest = max(widest, sty.Width(labels[i]))
		}
		if widest*1.1 <= room {
			break
		}
		withN = false
	}
	every := max(1, int(math.Ceil(float64(widest*1.1/room))))
	ticks := make(plot.ConstantTicks, len(points))
	for i, q := range points {
		ticks[i].Value = unix(q.Time)
		if i%every == 0 {
			ticks[i].Label = labels[i]
		}
	}
	return ticks
}

// timeTicks marks years on a long time axis, months on a short one, with
// month names in the language.
type timeTicks struct{ t *texts }

// Ticks implements plot.Ticker.
func (tt timeTicks) Ticks(lo, hi float64) []plot.Tick {
	from := time.Unix(int64(lo), 0).UTC()
	to := time.Unix(int64(hi), 0).UTC()
	months := (to.Year()-from.Year())*12 + int(to.Month()-from.Month())
	var ticks []plot.Tick
	if months >= 30 {
		step := max(1, months/12/8+1)
		for y := from.Year() + 1; y <= to.Year(); y++ {
			if y%step == 0 {
				at := time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC)
				ticks = append(ticks, plot.Tick{Value: unix(at), Label: strconv.Itoa(y)})
			}
		}
		return ticks
	}
	step := 1
	for _, s := range []int{1, 2, 3, 6, 12} {
		step = s
		if months/s <= 8 {
			break
		}
	}
	at := time.Date(from.Year(), from.Month()+1, 1, 0, 0, 0, 0, time.UTC)
	for ; !at.After(to); at = at.AddDate(0, 1, 0) {
		if int(at.Month()-1)%step == 0 {
			ticks = append(ticks, plot.Tick{Value: unix(at), Label: tt.t.monthYear(at)})
		}
	}
	return ticks
}
