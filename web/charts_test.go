package web

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/alexedwards/argon2id"

	"github.com/tillid/tillid/charts/report/reporttest"
	"github.com/tillid/tillid/web/auth"
)

// chartsFixture is a server over the report fixture with a committee
// member and a manager of Ældre og Sundhed, signed in.
type chartsFixture struct {
	s         *Server
	f         *reporttest.Fixture
	committee string // session tokens
	manager   string
}

func newChartsFixture(t *testing.T) *chartsFixture {
	t.Helper()
	ctx := context.Background()
	f := reporttest.New(t)
	s, err := NewServer(Config{BaseURL: "http://tillid.test"}, f.Survey, f.Metrics, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	s.Auth.HashParams = &argon2id.Params{Memory: 1024, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}
	cf := &chartsFixture{s: s, f: f}
	for _, u := range []struct {
		role  auth.Role
		units []int64
		token *string
	}{{auth.RoleCommittee, nil, &cf.committee}, {auth.RoleManager, []int64{f.Units[reporttest.Care]}, &cf.manager}} {
		user := auth.User{Email: string(u.role) + "@kommune.dk", Name: "Test", Role: u.role, UnitIDs: u.units}
		if err := s.Auth.CreateUser(ctx, &user, "korrekt hest batteri"); err != nil {
			t.Fatal(err)
		}
		if *u.token, err = s.Auth.CreateSession(ctx, user.ID); err != nil {
			t.Fatal(err)
		}
	}
	return cf
}

// get requests path with the session token and extra headers.
func (cf *chartsFixture) get(token, path string, header ...string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodGet, path, nil)
	req.AddCookie(&http.Cookie{Name: sessionCookie, Value: token})
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	cf.s.ServeHTTP(rec, req)
	return rec
}

func TestChartEndpoints(t *testing.T) {
	cf := newChartsFixture(t)
	base := "/charts/rounds/" + strconv.FormatInt(cf.f.Round, 10) + "/units/"

	t.Run("OK", func(t *testing.T) {
		for _, fig := range []string{"trend", "dimensions", "items", "apv", "heatmap", "response", "scatter"} {
			rec := cf.get(cf.committee, base+"KOM/"+fig+".png")
			if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "image/png" || !bytes.HasPrefix(rec.Body.Bytes(), []byte("\x89PNG")) {
				t.Errorf("%s: got %d %q, want 200 image/png", fig, rec.Code, rec.Header().Get("Content-Type"))
			}
		}
	})
	t.Run("SVG", func(t *testing.T) {
		rec := cf.get(cf.committee, base+"SYD/items.svg?section=tillid&lang=en")
		if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "image/svg+xml" || !strings.Contains(rec.Body.String(), "Strongly agree") {
			t.Errorf("got %d %q, want an English SVG", rec.Code, rec.Header().Get("Content-Type"))
		}
	})
	t.Run("NotModified", func(t *testing.T) {
		first := cf.get(cf.committee, base+"SYD/trend.png")
		etag := first.Header().Get("ETag")
		if etag == "" || !strings.HasPrefix(first.Header().Get("Cache-Control"), "private, max-age=") {
			t.Fatalf("got ETag %q, Cache-Control %q", etag, first.Header().Get("Cache-Control"))
		}
		rec := cf.get(cf.committee, base+"SYD/trend.png", "If-None-Match", etag)
		if rec.Code != http.StatusNotModified || rec.Body.Len() != 0 {
			t.Errorf("got %d with %d bytes, want 304 and no body", rec.Code, rec.Body.Len())
		}
		for _, other := range []string{base + "SYD/trend.svg", base + "SYD/trend.png?lang=en", base + "NORD/trend.png", base + "SYD/dimensions.png"} {
			if got := cf.get(cf.committee, other).Header().Get("ETag"); got == etag {
				t.Errorf("%s has the ETag of SYD's trend PNG", other)
			}
		}
	})
	t.Run("ErrUnknownFigure", func(t *testing.T) {
		for _, path := range []string{base + "KOM/pie.png", base + "KOM/trend.gif", base + "KOM/items.png?section=nope", "/charts/rounds/999/units/KOM/trend.png"} {
			if rec := cf.get(cf.committee, path); rec.Code != http.StatusNotFound {
				t.Errorf("%s: got %d, want 404", path, rec.Code)
			}
		}
	})
	t.Run("ManagerScope", func(t *testing.T) {
		if rec := cf.get(cf.manager, base+"SYD/trend.png"); rec.Code != http.StatusOK {
			t.Errorf("own subtree: got %d, want 200", rec.Code)
		}
		if rec := cf.get(cf.manager, base+"KULT/trend.png"); rec.Code != http.StatusForbidden {
			t.Errorf("other subtree: got %d, want 403", rec.Code)
		}
	})
}

func TestReportZip(t *testing.T) {
	cf := newChartsFixture(t)
	rec := cf.get(cf.committee, "/rounds/"+strconv.FormatInt(cf.f.Round, 10)+"/units/AELD/report.zip?depth=1")
	if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "application/zip" {
		t.Fatalf("got %d %q, want 200 application/zip", rec.Code, rec.Header().Get("Content-Type"))
	}
	zr, err := zip.NewReader(bytes.NewReader(rec.Body.Bytes()), int64(rec.Body.Len()))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
	}
	const dir = "rapport-aeldre-og-sundhed-foraar-2024/"
	// Ældre og Sundhed: 8 figures; its children: two notices, Syd's 6 figures.
	for _, want := range []string{dir + "01-trend-aeldre-og-sundhed.png", dir + "01-trend-aeldre-og-sundhed.csv", dir + "09-for-faa-svar-plejecenter-loevehoej.csv",
		dir + "16-apv-aeldreplejen-syd.png", dir + "index.html", dir + "rapport-aeldre-og-sundhed-foraar-2024.pdf"} {
		if !slices.Contains(names, want) {
			t.Errorf("the ZIP lacks %s", want)
		}
	}
	if got, want := len(names), 2*14+2+2; got != want {
		t.Errorf("got %d files, want %d: %v", got, want, names)
	}
	if names[len(names)-1] != dir+"rapport-aeldre-og-sundhed-foraar-2024.pdf" {
		t.Errorf("got %s last, want the PDF", names[len(names)-1])
	}
	es, err := cf.s.Auth.FindAudit(context.Background(), auth.AuditFilter{Action: "export"})
	if err != nil || len(es) != 1 {
		t.Errorf("got %d export audit entries (%v), want 1", len(es), err)
	}
	if rec := cf.get(cf.manager, "/rounds/"+strconv.FormatInt(cf.f.Round, 10)+"/units/KOM/report.zip"); rec.Code != http.StatusForbidden {
		t.Errorf("manager, whole municipality: got %d, want 403", rec.Code)
	}
}
