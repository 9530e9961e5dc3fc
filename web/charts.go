package web

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/tillid/tillid/charts/report"
	"github.com/tillid/tillid/survey"
)

// chartMaxAge is how long a browser may show a chart before it asks again
// (with If-None-Match: a closed round's chart rarely changes, and then
// its ETag does).
const chartMaxAge = time.Hour

// chartTypes maps the chart endpoints' extensions to content types.
var chartTypes = map[string]string{"png": "image/png", "svg": "image/svg+xml"}

// handleChart draws one figure of a unit in a closed round:
// GET /charts/rounds/:id/units/:code/:figure.:ext (figure trend,
// dimensions, items, apv, heatmap, response or scatter; ext png or svg;
// ?section=KEY narrows items to one questionnaire section; ?lang=en).
// The ETag hashes everything drawn, so a matching If-None-Match is
// answered 304 without drawing.
func (s *Server) handleChart(c *gin.Context) {
	id, err := roundParam(c)
	if err != nil {
		s.chartError(c, err)
		return
	}
	kind, ext, _ := strings.Cut(c.Param("file"), ".")
	ctype, ok := chartTypes[ext]
	if !ok || !slices.Contains(report.Kinds, report.Kind(kind)) {
		s.chartError(c, fmt.Errorf("chart %q: want FIGURE.png or FIGURE.svg: %w", c.Param("file"), survey.ErrNotFound))
		return
	}
	req := report.ChartRequest{RoundID: id, Unit: c.Param("code"), Kind: report.Kind(kind), Section: c.Query("section"), Lang: s.requestLang(c)}
	chart, err := report.NewBuilder(s.Survey, s.Metrics).Chart(c.Request.Context(), req)
	if err != nil {
		s.chartError(c, err)
		return
	}
	etag, err := chart.ETag(ext)
	if err != nil {
		s.chartError(c, err)
		return
	}
	c.Header("ETag", etag)
	if chart.Kind == report.Response {
		// Response rates change while a round is open: revalidate every
		// time (the ETag still spares the drawing when nothing changed).
		c.Header("Cache-Control", "private, no-cache")
	} else {
		c.Header("Cache-Control", "private, max-age="+strconv.Itoa(int(chartMaxAge.Seconds())))
	}
	c.Header("Vary", "Cookie") // the language may come from the cookie
	if etagMatch(c.GetHeader("If-None-Match"), etag) {
		c.Status(http.StatusNotModified)
		return
	}
	var buf bytes.Buffer
	if err := chart.Render(&buf, ext); err != nil {
		s.chartError(c, err)
		return
	}
	c.Data(http.StatusOK, ctype, buf.Bytes())
}

// etagMatch reports whether an If-None-Match header lists etag (or *).
func etagMatch(header, etag string) bool {
	for t := range strings.SplitSeq(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == etag || t == "*" {
			return true
		}
	}
	return false
}

// handleReportZip streams the committee's report of a unit's subtree in a
// closed round as a ZIP: GET /rounds/:id/units/:code/report.zip
// (?lang=en, ?format=svg|pdf, ?depth=N). Figures are drawn into a
// temporary folder and each file goes into the archive, straight to the
// response, as soon as it is complete; the PDF comes last.
func (s *Server) handleReportZip(c *gin.Context) {
	ctx := c.Request.Context()
	id, err := roundParam(c)
	if err != nil {
		s.chartError(c, err)
		return
	}
	depth, err := strconv.Atoi(c.DefaultQuery("depth", strconv.Itoa(report.DefaultDepth)))
	if err != nil || depth < 0 || depth > maxReportDepth {
		s.chartError(c, survey.Invalidf("depth %q: want 0 to %d", c.Query("depth"), maxReportDepth))
		return
	}
	tmp, err := os.MkdirTemp("", "tillid-report-*")
	if err != nil {
		s.chartError(c, err)
		return
	}
	defer os.RemoveAll(tmp)
	zw := zip.NewWriter(c.Writer)
	folder := ""
	cfg := report.Config{RoundID: id, Unit: c.Param("code"), Depth: depth, Lang: s.requestLang(c), Format: c.DefaultQuery("format", "png"),
		OnFile: func(name string) error { return zipFile(zw, tmp, folder, name) }}
	r, err := report.NewBuilder(s.Survey, s.Metrics).Plan(ctx, cfg)
	if err != nil {
		s.chartError(c, err)
		return
	}
	if u, ok, _ := s.currentUser(c); ok {
		target := "round " + strconv.FormatInt(id, 10) + " unit " + cfg.Unit
		if err := s.Auth.Audit(ctx, u.ID, "export", target, "report.zip"); err != nil {
			s.Logger.Error("audit failed", "err", err)
		}
	}
	folder = strings.TrimSuffix(r.PDF, ".pdf")
	c.Header("Content-Type", "application/zip")
	c.Header("Content-Disposition", `attachment; filename="`+folder+`.zip"`)
	c.Status(http.StatusOK)
	if err := r.Write(ctx, tmp); err != nil {
		// The status is sent: the unfinished archive tells the client.
		s.Logger.Error("report zip failed", "err", err, "round", id, "unit", cfg.Unit)
		return
	}
	if err := zw.Close(); err != nil {
		s.Logger.Error("report zip failed", "err", err, "round", id, "unit", cfg.Unit)
	}
}

// maxReportDepth bounds the levels a downloaded report covers.
const maxReportDepth = 10

// zipFile copies the finished file name from dir into the archive under folder.
func zipFile(zw *zip.Writer, dir, folder, name string) error {
	f, err := os.Open(filepath.Join(dir, name))
	if err != nil {
		return err
	}
	defer f.Close()
	h := &zip.FileHeader{Name: path.Join(folder, name), Method: zip.Deflate, Modified: time.Now()}
	if ext := path.Ext(name); ext == ".png" || ext == ".pdf" { // compressed already
		h.Method = zip.Store
	}
	w, err := zw.CreateHeader(h)
	if err != nil {
		return err
	}
	_, err = io.Copy(w, f)
	return err
}

// chartError answers a chart or report request that failed, in plain
// text with the status of err; 5xx errors are logged, not shown.
func (s *Server) chartError(c *gin.Context, err error) {
	status := statusOf(err)
	msg := err.Error()
	if status >= 500 {
		s.Logger.Error("request failed", "err", err, "path", redactPath(c.Request.URL.Path))
		msg = http.StatusText(status)
	}
	c.String(status, "%s\n", msg)
	c.Abort()
}
