package charts

import (
	"fmt"
	"math"
	"time"
)

// Fixed, fictional data for the tests, the examples and the benchmarks.

var dimensionNames = []string{
	"Tillid mellem ledelse og medarbejdere",
	"Tillid mellem kolleger",
	"Retfærdighed",
	"Samarbejde",
}

var season = map[string]string{"da": "Forår", "en": "Spring"}

func header(lang string) Header {
	return Header{Lang: lang, Unit: "Ældreplejen Syd", Rounds: "2019–2024", N: 143, Municipality: "Åbæk Kommune"}
}

func score(v, half float64) Score {
	return Score{Value: v, Lo: v - half, Hi: v + half, N: 40}
}

func trendData(lang string) TrendData {
	d := TrendData{Header: header(lang)}
	names := append([]string{"Social kapital"}, dimensionNames...)
	for s, name := range names {
		series := ScoreSeries{Name: name}
		for r := range 6 {
			year := 2019 + r
			v := 62 + float64(r)*1.8 + float64(s)*3 - 6*math.Sin(float64(r+s))
			q := ScorePoint{
				Time:  time.Date(year, 4, 1, 0, 0, 0, 0, time.UTC),
				Label: fmt.Sprintf("%s %d", season[lang], year),
				Score: score(v, 3.5+float64(s)*0.4),
			}
			q.N = 120 + r*5
			q.Significant = s < 2 && r == 4
			q.Suppressed = r == 2
			if q.Suppressed {
				q.Score = Score{Value: 0, Suppressed: true}
			}
			series.Points = append(series.Points, q)
		}
		d.Series = append(d.Series, series)
	}
	var window []float64
	for m := range 72 {
		at := time.Date(2019, time.Month(1+m), 1, 0, 0, 0, 0, time.UTC)
		v := 5.5 + 1.6*math.Cos(2*math.Pi*float64(m)/12) + 0.8*math.Sin(float64(m)*1.7) - float64(m)*0.015
		d.Absence = append(d.Absence, MonthValue{Month: at, Percent: v})
		window = append(window, v)
		if len(window) > 12 {
			window = window[1:]
		}
		if len(window) == 12 {
			var sum float64
			for _, w := range window {
				sum += w
			}
			d.Rolling = append(d.Rolling, MonthValue{Month: at, Percent: sum / 12})
		}
	}
	return d
}

func dimensionsData(lang string) DimensionsData {
	d := DimensionsData{Header: header(lang), Groups: []string{"Ældreplejen Syd", "Ældre og Sundhed", "Hele kommunen"}}
	d.Rounds = "Forår 2024"
	for i, name := range append([]string{"Social kapital (indeks)"}, dimensionNames...) {
		ds := DimensionScores{Name: name}
		for g := range 3 {
			ds.Scores = append(ds.Scores, score(60+float64(i*4)+float64(g*3)-8*math.Sin(float64(i+g)), 4.5-float64(g)*1.6))
		}
		d.Dimensions = append(d.Dimensions, ds)
	}
	d.Dimensions[3].Scores[0] = Score{Suppressed: true}
	return d
}

func itemsData(lang string) ItemsData {
	d := ItemsData{
		Header:     header(lang),
		Categories: []string{"Helt uenig", "Delvis uenig", "Hverken enig eller uenig", "Delvis enig", "Helt enig"},
		Items: []ItemDistribution{
			{Name: "Ledelsen stoler på, at medarbejderne udfører deres arbejde godt", Shares: []float64{4, 8, 14, 41, 33}, DontKnow: 3},
			{Name: "Medarbejderne kan stole på de informationer, der kommer fra ledelsen", Shares: []float64{7, 15, 20, 38, 20}, DontKnow: 6},
			{Name: "Konflikter bliver løst på en retfærdig måde", Shares: []float64{12, 21, 27, 28, 12}, DontKnow: 14},
			{Name: "Arbejdsopgaverne bliver fordelt på en retfærdig måde", Shares: []float64{6, 13, 22, 40, 19}, DontKnow: 2},
			{Name: "Man bliver anerkendt for et godt stykke arbejde", Suppressed: true},
			{Name: "Der er et godt samarbejde mellem kollegerne", Shares: []float64{2, 5, 9, 39, 45}, DontKnow: 1},
		},
	}
	d.Rounds = "Forår 2024"
	return d
}

func apvData(lang string) APVData {
	d := APVData{Header: header(lang)}
	d.Rounds = "APV 2024"
	names := []string{"Støj", "Indeklima (temperatur, træk, luft)", "Tunge løft", "Ensidigt gentaget arbejde", "Stort arbejdspres", "Vold og trusler om vold", "Mobning og chikane", "Uklare krav i arbejdet"}
	for i, name := range names {
		p := 8 + math.Mod(float64(i)*23.7, 45)
		d.Items = append(d.Items, Bar{Name: name, Score: Score{Value: p, Lo: p - 4 - float64(i%3), Hi: p + 5 + float64(i%3)}})
	}
	d.Items[6].Score = Score{Suppressed: true}
	return d
}

func heatmapData(lang string) HeatmapData {
	d := HeatmapData{Header: header(lang), Columns: append([]string{"Social kapital (indeks)"}, dimensionNames...)}
	d.Unit = "Ældre og Sundhed"
	d.Rounds = "Forår 2024"
	units := []struct {
		name  string
		depth int
	}{
		{"Ældre og Sundhed", 0}, {"Ældreplejen Nord", 1}, {"Hjemmeplejen Nord", 2}, {"Plejecenter Åbo", 2},
		{"Ældreplejen Syd", 1}, {"Hjemmeplejen Syd", 2}, {"Plejecenter Søhøj", 2}, {"Sundhed og Forebyggelse", 1},
		{"Træning og Rehabilitering", 2}, {"Tandplejen", 2},
	}
	for i, u := range units {
		row := HeatmapRow{Name: u.name, Depth: u.depth}
		for j := range d.Columns {
			row.Cells = append(row.Cells, Score{Value: 64 + 18*math.Sin(float64(i*3+j*2)), N: 20})
		}
		d.Rows = append(d.Rows, row)
	}
	d.Rows[9].Cells = []Score{{Suppressed: true}, {Suppressed: true}, {Suppressed: true}, {Suppressed: true}, {Suppressed: true}}
	d.Rows[3].Cells[2] = Score{Suppressed: true}
	return d
}

func scatterData(lang string) ScatterData {
	d := ScatterData{Header: header(lang), R: -0.41, Rho: -0.37, Suppressed: 3}
	d.Unit, d.Rounds, d.N = "Hele kommunen", "Forår 2023", 0
	for i := range 48 {
		x := 50 + 35*math.Mod(float64(i)*0.618, 1)
		y := 9 - 0.07*x + 2.2*math.Sin(float64(i)*2.3)
		d.Points = append(d.Points, ScatterPoint{Index: x, Absence: y})
	}
	return d
}

func responseData(lang string) ResponseData {
	d := ResponseData{Header: header(lang)}
	d.Unit, d.Rounds, d.N = "Ældre og Sundhed", "Forår 2024", 0
	units := []ResponseUnit{
		{Name: "Ældre og Sundhed", Answered: 412, Invited: 530},
		{Name: "Ældreplejen Nord", Depth: 1, Answered: 150, Invited: 201},
		{Name: "Hjemmeplejen Nord", Depth: 2, Answered: 88, Invited: 131},
		{Name: "Plejecenter Åbo", Depth: 2, Answered: 62, Invited: 70},
		{Name: "Ældreplejen Syd", Depth: 1, Answered: 143, Invited: 180},
		{Name: "Hjemmeplejen Syd", Depth: 2, Answered: 97, Invited: 122},
		{Name: "Plejecenter Søhøj", Depth: 2, Answered: 46, Invited: 58},
		{Name: "Sundhed og Forebyggelse", Depth: 1, Answered: 119, Invited: 149},
		{Name: "Træning og Rehabilitering", Depth: 2, Answered: 115, Invited: 144},
		{Name: "Tandplejen", Depth: 2, Suppressed: true},
	}
	d.Units = units
	return d
}

// figures builds every figure from the fixtures in lang.
var figures = []struct {
	name  string
	build func(lang string) (*Figure, error)
}{
	{"trend", func(l string) (*Figure, error) { return Trend(trendData(l)) }},
	{"dimensions", func(l string) (*Figure, error) { return Dimensions(dimensionsData(l)) }},
	{"items", func(l string) (*Figure, error) { return Items(itemsData(l)) }},
	{"apv", func(l string) (*Figure, error) { return APV(apvData(l)) }},
	{"heatmap", func(l string) (*Figure, error) { return Heatmap(heatmapData(l)) }},
	{"scatter", func(l string) (*Figure, error) { return Scatter(scatterData(l)) }},
	{"response", func(l string) (*Figure, error) { return ResponseRate(responseData(l)) }},
}
