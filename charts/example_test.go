package charts_test

import (
	"fmt"
	"io"

	"github.com/tillid/tillid/charts"
)

// The APV figure of a unit, written as an SVG.
func Example() {
	fig, err := charts.APV(charts.APVData{
		Header: charts.Header{Lang: "da", Unit: "Tandplejen", Rounds: "APV 2024", N: 31, Municipality: "Åbæk Kommune"},
		Items: []charts.Bar{
			{Name: "Støj", Score: charts.Score{Value: 42, Lo: 26.5, Hi: 59.2}},
			{Name: "Tunge løft", Score: charts.Score{Value: 13, Lo: 5.1, Hi: 28.9}},
			{Name: "Vold og trusler om vold", Score: charts.Score{Suppressed: true}},
		},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(charts.Render(io.Discard, fig, charts.Options{Format: "svg"}))
	// Output: <nil>
}
