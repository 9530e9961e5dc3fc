package charts

import (
	"bytes"
	"errors"
	"flag"
	"hash/adler32"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/recorder"
)

var update = flag.Bool("update", false, "rewrite the golden images in testdata")

// goldenSize keeps the committed images small.
var goldenSize = Options{Width: 800, Height: 450}

const (
	channelTolerance = 64   // per colour channel, of 255
	maxDifferent     = 0.01 // share of pixels beyond the tolerance
)

func TestGolden(t *testing.T) {
	for _, fig := range figures {
		t.Run(fig.name, func(t *testing.T) {
			f, err := fig.build("da")
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if err := Render(&buf, f, goldenSize); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", fig.name+".png")
			if *update {
				if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			got, err := png.Decode(&buf)
			if err != nil {
				t.Fatalf("decode rendered PNG: %v", err)
			}
			raw, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./charts -update)", err)
			}
			want, err := png.Decode(bytes.NewReader(raw))
			if err != nil {
				t.Fatal(err)
			}
			if share := differentShare(got, want); share > maxDifferent {
				t.Errorf("%.2f %% of the pixels differ from %s (allowed %.2f %%)", 100*share, path, 100*maxDifferent)
			}
		})
	}
}

// differentShare is the share of pixels of a and b differing by more than
// channelTolerance in some channel; 1 when the sizes differ.
func differentShare(a, b image.Image) float64 {
	if a.Bounds() != b.Bounds() {
		return 1
	}
	r := a.Bounds()
	diff := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			ca := color.NRGBAModel.Convert(a.At(x, y)).(color.NRGBA)
			cb := color.NRGBAModel.Convert(b.At(x, y)).(color.NRGBA)
			if far(ca.R, cb.R) || far(ca.G, cb.G) || far(ca.B, cb.B) {
				diff++
			}
		}
	}
	return float64(diff) / float64(r.Dx()*r.Dy())
}

func far(a, b uint8) bool { return math.Abs(float64(a)-float64(b)) > channelTolerance }

// record returns a function drawing a built figure on a recording canvas.
func record(t *testing.T) func(*Figure, error) []recorder.Action {
	return func(f *Figure, err error) []recorder.Action {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		var c recorder.Canvas
		f.draw(draw.NewCanvas(&c, PageWidth, PageWidth*9/16))
		return c.Actions
	}
}

// isWhisker reports whether a stroked path is an interval with its two caps.
func isWhisker(p vg.Path) bool {
	if len(p) != 6 {
		return false
	}
	for i, c := range p {
		if c.Type != []int{vg.MoveComp, vg.LineComp}[i%2] {
			return false
		}
	}
	capLen := math.Hypot(float64(p[3].Pos.X-p[2].Pos.X), float64(p[3].Pos.Y-p[2].Pos.Y))
	straight := p[0].Pos.X == p[1].Pos.X || p[0].Pos.Y == p[1].Pos.Y
	return straight && math.Abs(capLen-2*float64(whiskerCap)) < 1e-6
}

func TestWhiskers(t *testing.T) {
	tests := []struct {
		name string
		fig  func() (*Figure, error)
		want int
	}{
		// 5 series × 5 shown rounds, and the legend's.
		{"trend", func() (*Figure, error) { return Trend(trendData("da")) }, 26},
		// 5 dimensions × 3 groups, one suppressed, and the legend's.
		{"dimensions", func() (*Figure, error) { return Dimensions(dimensionsData("da")) }, 15},
		// 8 items, one suppressed, and the legend's.
		{"apv", func() (*Figure, error) { return APV(apvData("da")) }, 8},
		{"no intervals", func() (*Figure, error) {
			d := apvData("da")
			for i := range d.Items {
				d.Items[i].Lo, d.Items[i].Hi = 0, 0
			}
			return APV(d)
		}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := 0
			for _, a := range record(t)(tt.fig()) {
				if s, ok := a.(*recorder.Stroke); ok && isWhisker(s.Path) {
					got++
				}
			}
			if got != tt.want {
				t.Errorf("got %d whiskers, want %d", got, tt.want)
			}
		})
	}
}

// fills counts the filled paths drawn in clr.
func fills(actions []recorder.Action, clr color.Color) int {
	var cur color.Color
	n := 0
	for _, a := range actions {
		switch a := a.(type) {
		case *recorder.SetColor:
			cur = a.Color
		case *recorder.Fill:
			if cur == clr {
				n++
			}
		}
	}
	return n
}

// drawnCount counts the strings drawn equal to s.
func drawnCount(actions []recorder.Action, s string) int {
	n := 0
	for _, a := range actions {
		if f, ok := a.(*recorder.FillString); ok && f.String == s {
			n++
		}
	}
	return n
}

func TestSuppressed(t *testing.T) {
	t.Run("APV", func(t *testing.T) {
		d := apvData("da")
		acts := record(t)(APV(d))
		// 7 shown bars; the suppressed item has no bar, not even one at 0.
		if got := fills(acts, APVColor); got != 7 {
			t.Errorf("got %d bars, want 7", got)
		}
		// In the plot and in the legend.
		if got := drawnCount(acts, "for få svar"); got != 2 {
			t.Errorf("got %d suppressed labels, want 2", got)
		}
	})
	t.Run("Trend", func(t *testing.T) {
		acts := record(t)(Trend(trendData("da")))
		// 5 shown rounds of the index and its legend glyph: the suppressed
		// round (given as 0) has no point.
		if got := fills(acts, SeriesColors[0]); got != 6 {
			t.Errorf("got %d index points, want 6", got)
		}
		if got := drawnCount(acts, "for få svar"); got != 2 {
			t.Errorf("got %d suppressed labels, want 2", got)
		}
		// The suppressed round's n is not printed.
		for _, a := range acts {
			if f, ok := a.(*recorder.FillString); ok && f.String == "n = 130" {
				t.Errorf("n of the suppressed round printed")
			}
		}
	})
	t.Run("Heatmap", func(t *testing.T) {
		acts := record(t)(Heatmap(heatmapData("en")))
		// 6 suppressed cells and the legend.
		if got := drawnCount(acts, "too few responses"); got != 7 {
			t.Errorf("got %d suppressed labels, want 7", got)
		}
	})
	t.Run("ResponseRate", func(t *testing.T) {
		acts := record(t)(ResponseRate(responseData("da")))
		if got := fills(acts, ResponseColor); got != 9 {
			t.Errorf("got %d bars, want 9", got)
		}
		if got := drawnCount(acts, "for få svar"); got != 2 {
			t.Errorf("got %d suppressed labels, want 2", got)
		}
	})
	t.Run("SVG", func(t *testing.T) {
		for _, fig := range figures[:5] {
			f, err := fig.build("da")
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if err := Render(&buf, f, Options{Format: "svg"}); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(buf.String(), ">for få svar<") {
				t.Errorf("%s: SVG has no suppressed label", fig.name)
			}
		}
	})
}

func TestHeatmapValues(t *testing.T) {
	d := heatmapData("da")
	acts := record(t)(Heatmap(d))
	drawn := map[string]int{}
	for _, a := range acts {
		if f, ok := a.(*recorder.FillString); ok {
			drawn[f.String]++
		}
	}
	want := map[string]int{}
	for _, r := range d.Rows {
		for _, c := range r.Cells {
			if !c.Suppressed {
				want[textsDA.num(c.Value, 0)]++
			}
		}
	}
	for v, n := range want {
		if drawn[v] < n {
			t.Errorf("value %s drawn %d times, want %d", v, drawn[v], n)
		}
	}
}

func TestLanguages(t *testing.T) {
	for _, fig := range figures {
		t.Run(fig.name, func(t *testing.T) {
			svg := map[string]string{}
			for _, lang := range []string{"da", "en"} {
				f, err := fig.build(lang)
				if err != nil {
					t.Fatal(err)
				}
				var buf bytes.Buffer
				if err := Render(&buf, f, Options{Format: "svg"}); err != nil {
					t.Fatal(err)
				}
				svg[lang] = buf.String()
			}
			if !strings.Contains(svg["da"], "Kilde: tillid") || strings.Contains(svg["da"], "Source:") {
				t.Errorf("Danish figure has no Danish source line")
			}
			if !strings.Contains(svg["en"], "Source: tillid") || strings.Contains(svg["en"], "Kilde:") {
				t.Errorf("English figure has no English source line")
			}
		})
	}
}

func TestFormats(t *testing.T) {
	f, err := Trend(trendData("da"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		o     Options
		magic string
	}{
		{Options{}, "\x89PNG\r\n\x1a\n"},
		{Options{Format: "png", Width: 1001, Height: 701}, "\x89PNG\r\n\x1a\n"},
		{Options{Format: "svg"}, "<?xml"},
		{Options{Format: "pdf"}, "%PDF-"},
	} {
		var buf bytes.Buffer
		if err := Render(&buf, f, tt.o); err != nil {
			t.Fatalf("%+v: %v", tt.o, err)
		}
		if !bytes.HasPrefix(buf.Bytes(), []byte(tt.magic)) {
			t.Errorf("%+v: starts %q, want %q", tt.o, buf.Bytes()[:8], tt.magic)
		}
		if !strings.HasPrefix(tt.magic, "\x89PNG") {
			continue
		}
		img, err := png.Decode(&buf)
		if err != nil {
			t.Fatalf("%+v: %v", tt.o, err)
		}
		w, h := cmpOr(tt.o.Width, 1600), cmpOr(tt.o.Height, 900)
		if b := img.Bounds(); b.Dx() != w || b.Dy() != h {
			t.Errorf("%+v: got %v, want %d×%d", tt.o, b, w, h)
		}
	}
}

func cmpOr(v, def int) int {
	if v == 0 {
		return def
	}
	return v
}

func TestErrors(t *testing.T) {
	nan := math.NaN()
	tests := []struct {
		name string
		fig  func() (*Figure, error)
	}{
		{"TrendEmpty", func() (*Figure, error) { return Trend(TrendData{}) }},
		{"TrendEmptySeries", func() (*Figure, error) { return Trend(TrendData{Series: []ScoreSeries{{Name: "x"}}}) }},
		{"TrendNaN", func() (*Figure, error) {
			d := trendData("da")
			d.Series[1].Points[0].Value = nan
			return Trend(d)
		}},
		{"TrendNoTime", func() (*Figure, error) {
			d := trendData("da")
			d.Series[0].Points[0].Time = time.Time{}
			return Trend(d)
		}},
		{"TrendAbsence", func() (*Figure, error) {
			d := trendData("da")
			d.Absence[3].Percent = -1
			return Trend(d)
		}},
		{"Language", func() (*Figure, error) { return Trend(trendData("sv")) }},
		{"DimensionsEmpty", func() (*Figure, error) { return Dimensions(DimensionsData{}) }},
		{"DimensionsGroups", func() (*Figure, error) {
			d := dimensionsData("da")
			d.Groups = d.Groups[:2]
			return Dimensions(d)
		}},
		{"DimensionsInterval", func() (*Figure, error) {
			d := dimensionsData("da")
			d.Dimensions[0].Scores[0].Lo = 99
			return Dimensions(d)
		}},
		{"ItemsEmpty", func() (*Figure, error) { return Items(ItemsData{}) }},
		{"ItemsSum", func() (*Figure, error) {
			d := itemsData("da")
			d.Items[0].Shares[0] += 10
			return Items(d)
		}},
		{"ItemsShares", func() (*Figure, error) {
			d := itemsData("da")
			d.Items[0].Shares = d.Items[0].Shares[:4]
			return Items(d)
		}},
		{"APVEmpty", func() (*Figure, error) { return APV(APVData{}) }},
		{"APVShare", func() (*Figure, error) {
			d := apvData("da")
			d.Items[0].Value = 120
			return APV(d)
		}},
		{"HeatmapEmpty", func() (*Figure, error) { return Heatmap(HeatmapData{}) }},
		{"HeatmapCells", func() (*Figure, error) {
			d := heatmapData("da")
			d.Rows[0].Cells = d.Rows[0].Cells[1:]
			return Heatmap(d)
		}},
		{"ScatterEmpty", func() (*Figure, error) { return Scatter(ScatterData{}) }},
		{"ScatterR", func() (*Figure, error) {
			d := scatterData("da")
			d.R = 1.5
			return Scatter(d)
		}},
		{"ResponseEmpty", func() (*Figure, error) { return ResponseRate(ResponseData{}) }},
		{"ResponseCounts", func() (*Figure, error) {
			d := responseData("da")
			d.Units[0].Answered = d.Units[0].Invited + 1
			return ResponseRate(d)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := tt.fig()
			if err == nil || f != nil {
				t.Fatalf("got %v, %v; want an error", f, err)
			}
			if strings.HasSuffix(tt.name, "Empty") && !errors.Is(err, ErrNoData) {
				t.Errorf("got %v, want ErrNoData", err)
			}
		})
	}

	t.Run("Render", func(t *testing.T) {
		f, err := APV(apvData("da"))
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range []Options{{Format: "gif"}, {Width: 10, Height: 10}, {Width: 800, Height: 5000}} {
			if err := Render(&bytes.Buffer{}, f, o); err == nil {
				t.Errorf("%+v: got no error", o)
			}
		}
		if err := Render(&bytes.Buffer{}, nil, Options{}); err == nil {
			t.Errorf("nil figure: got no error")
		}
	})
}

func TestNumbers(t *testing.T) {
	for _, tt := range []struct {
		got, want string
	}{
		{textsDA.num(-0.412, 2), "−0,41"},
		{textsEN.num(-0.412, 2), "−0.41"},
		{textsDA.num(-0.001, 1), "0,0"},
		{textsDA.pct(12.46, 1), "12,5 %"},
		{textsEN.pct(12.46, 1), "12.5%"},
	} {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}

func TestAdler32Combine(t *testing.T) {
	a, b := bytes.Repeat([]byte("tillid æøå "), 9000), bytes.Repeat([]byte{0xFF, 0, 7}, 70001)
	got := adler32Combine(adler32.Checksum(a), adler32.Checksum(b), len(b))
	if want := adler32.Checksum(append(a, b...)); got != want {
		t.Errorf("got %08x, want %08x", got, want)
	}
}

func TestLinearTicksPrecision(t *testing.T) {
	da := &textsDA
	for _, tc := range []struct {
		step float64
		want []string
	}{
		{10, []string{"0", "10", "20"}},
		{0.5, []string{"0,0", "0,5", "1,0"}},
		{0.25, []string{"0,00", "0,25", "0,50"}},
	} {
		ticks := linearTicks{lo: 0, hi: 2 * tc.step, step: tc.step, t: da}.Ticks(0, 0)
		var got []string
		for _, tk := range ticks {
			got = append(got, tk.Label)
		}
		if strings.Join(got, " ") != strings.Join(tc.want, " ") {
			t.Errorf("step %g: got labels %q, want %q", tc.step, got, tc.want)
		}
	}
}
