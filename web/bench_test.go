package web_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/tillid/tillid/survey"
	"github.com/tillid/tillid/web"
	"github.com/tillid/tillid/web/webtest"
)

// BenchmarkSubmit measures a whole submission of the default
// questionnaire, answered fully: an HTTP POST with a CSRF token through
// the router, the form parsed and checked, the response stored, the 303
// to /tak. Invitations are created before the timer starts. "serial" is
// one employee after another; "parallel" is GOMAXPROCS at once.
func BenchmarkSubmit(b *testing.B) {
	b.Run("serial", func(b *testing.B) { benchmarkSubmit(b, false) })
	b.Run("parallel", func(b *testing.B) { benchmarkSubmit(b, true) })
}

func benchmarkSubmit(b *testing.B, parallel bool) {
	f := webtest.New(b, 0)
	rows := make([]survey.StaffRow, b.N)
	for i := range rows {
		rows[i] = survey.StaffRow{Line: i + 2, UnitCode: webtest.Units[2+i%2].Code}
	}
	issued, err := f.Store.CreateInvitations(context.Background(), f.Round.ID, rows)
	if err != nil {
		b.Fatal(err)
	}
	srv, err := web.NewServer(web.Config{BaseURL: "http://tillid.test"}, f.Store, f.Metrics, slog.New(slog.DiscardHandler))
	if err != nil {
		b.Fatal(err)
	}
	// One visit gives the CSRF cookie and a token that stays valid with it.
	c := webtest.NewClient(b, srv)
	if res := c.Get("/kode"); res.Code != http.StatusOK {
		b.Fatalf("got status %d, want 200", res.Code)
	}
	form := webtest.CompleteForm(f.Questionnaire)
	form.Set("lang", "da")
	form.Set("action", "submit")
	form.Set("csrf_token", c.CSRFToken())
	body := form.Encode()
	cookie := "tillid_csrf=" + c.Cookie("tillid_csrf")

	submit := func(token string) {
		req := httptest.NewRequest(http.MethodPost, "/s/"+token, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Cookie", cookie)
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		if rec.Code != http.StatusSeeOther {
			b.Errorf("got status %d, want 303: %.300s", rec.Code, rec.Body.String())
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	if parallel {
		var next atomic.Int64
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				submit(issued[next.Add(1)-1].Token)
			}
		})
	} else {
		for i := range b.N {
			submit(issued[i].Token)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "submissions/s")
	if got := f.Count(b, "responses"); got != b.N {
		b.Fatalf("got %d responses, want %d", got, b.N)
	}
}
