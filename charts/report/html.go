package report

import (
	"fmt"
	"html/template"
	"io"
	"strconv"
)

// indexTemplate is the report's index.html: self-contained (styles
// inline, figures by relative file name), readable offline and in print.
var indexTemplate = template.Must(template.New("index").Parse(`<!DOCTYPE html>
<html lang="{{.Lang}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}: {{.Top}} · {{.Round}}</title>
<style>
body { font-family: "Liberation Sans", Arial, Helvetica, sans-serif; color: #1a1a1a; margin: 0 auto; max-width: 70rem; padding: 1.5rem; line-height: 1.45; }
h1 { font-size: 1.8rem; margin: 0.2rem 0 1rem; }
h2 { font-size: 1.4rem; margin-top: 3rem; padding-top: 0.5rem; border-top: 3px solid #0072b2; }
h3 { font-size: 1.1rem; margin-bottom: 0.3rem; }
.muni { color: #555; margin: 0; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.2rem 1.2rem; margin: 1rem 0; }
dt { font-weight: bold; }
dd { margin: 0; }
nav ul { list-style: none; padding: 0; }
.units > li { margin-bottom: 0.6rem; font-weight: bold; }
.figs { font-weight: normal; font-size: 0.9rem; }
.figs li { display: inline-block; margin-right: 1rem; }
figure { margin: 1.5rem 0 2.5rem; break-inside: avoid; }
figure p { margin: 0 0 0.6rem; max-width: 60rem; }
img, object { display: block; width: 100%; height: auto; border: 1px solid #ddd; }
figcaption { font-size: 0.9rem; margin-top: 0.3rem; }
.notice { background: #f2f2f2; border-left: 6px solid #8c8c8c; padding: 1rem 1.2rem; max-width: 50rem; }
a { color: #005a8c; }
@media print { body { max-width: none; padding: 0; } h2 { break-before: page; } nav { break-after: page; } }
</style>
</head>
<body>
<header>
<p class="muni">{{.Municipality}}</p>
<h1>{{.Title}}: {{.Top}}</h1>
<dl>
<dt>{{.W.round}}</dt><dd>{{.Round}} ({{.Period}})</dd>
<dt>{{.W.generated}}</dt><dd>{{.Created}}</dd>
<dt>{{.W.threshold}}</dt><dd>k = {{.K}}</dd>
<dt>{{.W.response}}</dt><dd>{{.Response}}</dd>
<dt>{{.W.figures}}</dt><dd>{{.Figures}}{{if .PDF}} · <a href="{{.PDF}}">PDF</a>{{end}}</dd>
</dl>
<p>{{.Anonymity}}</p>
</header>
<nav aria-labelledby="contents">
<h2 id="contents">{{.W.contents}}</h2>
<ul class="units">
{{- range .Units}}
<li style="margin-left: {{.Indent}}rem"><a href="#{{.ID}}">{{.Name}}</a>
<ul class="figs">{{range .Pages}}<li><a href="#{{.ID}}">{{.Number}}. {{.Title}}</a></li>{{end}}</ul>
</li>
{{- end}}
</ul>
</nav>
<main>
{{- range .Units}}
<section aria-labelledby="{{.ID}}">
<h2 id="{{.ID}}">{{.Name}}</h2>
{{- range .Pages}}
<figure>
<h3 id="{{.ID}}">{{.Number}}. {{.Title}}</h3>
{{- if .Figure}}
<p>{{.Text}}</p>
{{- if .Object}}
<object data="{{.Figure}}" type="application/pdf" width="{{.Width}}" height="{{.Height}}"><a href="{{.Figure}}">{{.Alt}}</a></object>
{{- else}}
<img src="{{.Figure}}" alt="{{.Alt}}" width="{{.Width}}" height="{{.Height}}" loading="lazy">
{{- end}}
{{- else}}
<p class="notice">{{.Text}}</p>
{{- end}}
<figcaption><a href="{{.CSV}}">{{$.W.csv}}</a></figcaption>
</figure>
{{- end}}
</section>
{{- end}}
</main>
</body>
</html>
`))

// htmlPage is a page of index.html.
type htmlPage struct {
	Page
	ID     string
	Alt    string
	Object bool // the figure is a PDF, shown in an object element
}

// htmlUnit is a unit's section of index.html.
type htmlUnit struct {
	ID, Name string
	Indent   int // rem, by depth below the top unit
	Pages    []htmlPage
}

// writeHTML writes index.html.
func (r *Report) writeHTML(w io.Writer) error {
	words := r.sc.w
	view := struct {
		Lang, Title, Top, Municipality, Round, Period, Created, Response, PDF, Anonymity string
		K, Figures                                                                       int
		W                                                                                map[string]string
		Units                                                                            []htmlUnit
	}{
		Lang: r.Lang, Title: words.reportTitle, Top: r.TopName, Municipality: r.Municipality, Round: r.Round.Name,
		Period:  words.date(r.Round.OpensOn) + " – " + words.date(r.Round.ClosesOn),
		Created: words.date(r.Created.Format("2006-01-02")), Response: r.ResponseRate, PDF: r.PDF,
		Anonymity: fmt.Sprintf(words.anonymity, r.Threshold), K: r.Threshold, Figures: len(r.Pages),
		W: map[string]string{"round": words.round, "generated": words.generated, "threshold": words.threshold,
			"response": words.response, "figures": words.figures, "contents": words.contents, "csv": words.csv},
	}
	for _, pu := range r.units {
		u := r.results.Units[pu.index]
		hu := htmlUnit{ID: "unit-" + Slug(u.Code), Name: u.Name, Indent: 2 * r.Pages[pu.pages[0]].Depth}
		for _, i := range pu.pages {
			p := r.Pages[i]
			hu.Pages = append(hu.Pages, htmlPage{Page: p, ID: "fig-" + strconv.Itoa(p.Number), Alt: p.Title + " – " + p.UnitName, Object: r.Format == "pdf"})
		}
		view.Units = append(view.Units, hu)
	}
	if err := indexTemplate.Execute(w, view); err != nil {
		return fmt.Errorf("report: index.html: %w", err)
	}
	return nil
}
