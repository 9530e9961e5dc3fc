package charts

import (
	"io"
	"testing"
)

// benchmarkFigure builds the named fixture figure and renders it in format.
func benchmarkFigure(b *testing.B, name, format string) {
	for _, fig := range figures {
		if fig.name != name {
			continue
		}
		b.ReportAllocs()
		for b.Loop() {
			f, err := fig.build("da")
			if err != nil {
				b.Fatal(err)
			}
			if err := Render(io.Discard, f, Options{Format: format}); err != nil {
				b.Fatal(err)
			}
		}
		return
	}
	b.Fatalf("no figure %q", name)
}

func BenchmarkTrendPNG(b *testing.B)        { benchmarkFigure(b, "trend", "png") }
func BenchmarkTrendSVG(b *testing.B)        { benchmarkFigure(b, "trend", "svg") }
func BenchmarkTrendPDF(b *testing.B)        { benchmarkFigure(b, "trend", "pdf") }
func BenchmarkDimensionsPNG(b *testing.B)   { benchmarkFigure(b, "dimensions", "png") }
func BenchmarkDimensionsSVG(b *testing.B)   { benchmarkFigure(b, "dimensions", "svg") }
func BenchmarkItemsPNG(b *testing.B)        { benchmarkFigure(b, "items", "png") }
func BenchmarkItemsSVG(b *testing.B)        { benchmarkFigure(b, "items", "svg") }
func BenchmarkAPVPNG(b *testing.B)          { benchmarkFigure(b, "apv", "png") }
func BenchmarkAPVSVG(b *testing.B)          { benchmarkFigure(b, "apv", "svg") }
func BenchmarkHeatmapPNG(b *testing.B)      { benchmarkFigure(b, "heatmap", "png") }
func BenchmarkHeatmapSVG(b *testing.B)      { benchmarkFigure(b, "heatmap", "svg") }
func BenchmarkScatterPNG(b *testing.B)      { benchmarkFigure(b, "scatter", "png") }
func BenchmarkScatterSVG(b *testing.B)      { benchmarkFigure(b, "scatter", "svg") }
func BenchmarkResponseRatePNG(b *testing.B) { benchmarkFigure(b, "response", "png") }
func BenchmarkResponseRateSVG(b *testing.B) { benchmarkFigure(b, "response", "svg") }
