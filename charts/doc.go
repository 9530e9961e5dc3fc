// Package charts draws tillid's figures with gonum/plot: survey scores per
// organisational unit and sickness absence, for the screen and for print.
//
// Each figure has a constructor taking plain data (Trend, Dimensions,
// Items, APV, Heatmap, Scatter, ResponseRate) that validates it and returns
// a *Figure, and Render writes any figure as PNG, SVG or PDF. The data has
// passed the anonymity rules already; a Score marked Suppressed is drawn as
// suppressed (hatched grey, "for få svar"), never dropped and never as 0.
//
// Figures are laid out on a page PageWidth wide, so a figure looks the
// same in every format and at every pixel size; labels are Danish or
// English after Header.Lang.
package charts
