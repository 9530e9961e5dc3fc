package web

import (
	"bytes"
	"context"
	"fmt"
	"html"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/tillid/tillid/survey"
	"github.com/tillid/tillid/web/auth"
)

// postFile posts a multipart form with a file in the field "file" and
// the CSRF token, like a browser's upload form.
func (b *browser) postFile(path, name string, data []byte, fields url.Values) *httptest.ResponseRecorder {
	b.t.Helper()
	if b.token == "" {
		b.get("/kode")
	}
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	fields = cloneValues(fields)
	fields.Set(csrfFieldName, b.token)
	for k, vs := range fields {
		for _, v := range vs {
			if err := w.WriteField(k, v); err != nil {
				b.t.Fatal(err)
			}
		}
	}
	if name != "" {
		fw, err := w.CreateFormFile("file", name)
		if err != nil {
			b.t.Fatal(err)
		}
		fw.Write(data)
	}
	if err := w.Close(); err != nil {
		b.t.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodPost, path, &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	return b.do(req)
}

// cloneValues copies v, nil as empty.
func cloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

var hiddenField = regexp.MustCompile(`<input type="hidden" name="(content|filename|confirm)" value="([^"]*)">`)

// confirmForm returns the hidden fields of a preview's confirm form.
func confirmForm(t *testing.T, body string) url.Values {
	t.Helper()
	v := url.Values{}
	for _, m := range hiddenField.FindAllStringSubmatch(body, -1) {
		v.Set(m[1], html.UnescapeString(m[2]))
	}
	if v.Get("content") == "" || v.Get("confirm") == "" {
		t.Fatalf("got no confirm form in %s", body)
	}
	return v
}

// wantStatus fails the test unless rec has status want.
func wantStatus(t *testing.T, rec *httptest.ResponseRecorder, want int) {
	t.Helper()
	if rec.Code != want {
		t.Fatalf("got status %d, want %d; body: %.2000s", rec.Code, want, rec.Body.String())
	}
}

// wantAudit fails the test unless the log holds n entries of action.
func wantAudit(t *testing.T, f *authFixture, action string, n int) {
	t.Helper()
	es, err := f.s.Auth.FindAudit(context.Background(), auth.AuditFilter{Action: action})
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != n {
		t.Errorf("got %d %s audit entries, want %d", len(es), action, n)
	}
}

func TestAdminUnits(t *testing.T) {
	ctx := context.Background()
	f := newAuthFixture(t, Config{})
	hr := f.browser(t, auth.RoleAdministrator)
	parentOf := func(code string) string {
		t.Helper()
		u, err := f.s.Survey.FindUnitByCode(ctx, code)
		if err != nil {
			t.Fatal(err)
		}
		if !u.ParentID.Valid {
			return ""
		}
		p, err := f.s.Survey.FindUnitByID(ctx, u.ParentID.Int64)
		if err != nil {
			t.Fatal(err)
		}
		return p.Code
	}
	t.Run("Filter", func(t *testing.T) {
		rec := hr.get("/admin/units?q=pleje")
		wantStatus(t, rec, http.StatusOK)
		body := rec.Body.String()
		if !strings.Contains(body, `href="/admin/units/PLEJE"`) || strings.Contains(body, `href="/admin/units/KULTUR"`) {
			t.Errorf("got %s, want PLEJE listed and KULTUR filtered out", body)
		}
		if !strings.Contains(body, "Viser 1 af 4 enheder") {
			t.Errorf("got no count of shown units in %s", body)
		}
	})
	t.Run("Create", func(t *testing.T) {
		rec := hr.post("/admin/units", url.Values{"code": {"NY"}, "name": {"Ny enhed"}, "parent": {"KULTUR"}})
		wantStatus(t, rec, http.StatusSeeOther)
		if got := parentOf("NY"); got != "KULTUR" {
			t.Errorf("got parent %q, want KULTUR", got)
		}
		wantAudit(t, f, actionUnitChange, 1)
		if body := hr.get(rec.Header().Get("Location")).Body.String(); !strings.Contains(body, "Enheden er oprettet.") {
			t.Errorf("got no notice after the redirect in %s", body)
		}
	})
	t.Run("ErrCodeTaken", func(t *testing.T) {
		rec := hr.post("/admin/units", url.Values{"code": {"KOM"}, "name": {"Igen"}})
		wantStatus(t, rec, http.StatusUnprocessableEntity)
		body := rec.Body.String()
		if !strings.Contains(body, `<a href="#code">Der findes allerede en enhed med den kode.</a>`) || !strings.Contains(body, `id="code" name="code" value="KOM" maxlength="50" spellcheck="false" autocomplete="off" aria-invalid="true"`) {
			t.Errorf("got %s, want the error linked to and marked on the code field", body)
		}
	})
	t.Run("Update", func(t *testing.T) {
		rec := hr.post("/admin/units/PLEJE", url.Values{"name": {"Plejen"}, "parent": {"KULTUR"}})
		wantStatus(t, rec, http.StatusSeeOther)
		u, _ := f.s.Survey.FindUnitByCode(ctx, "PLEJE")
		if got := u.Name + "/" + parentOf("PLEJE"); got != "Plejen/KULTUR" {
			t.Errorf("got %s, want Plejen/KULTUR", got)
		}
	})
	t.Run("ErrCycle", func(t *testing.T) {
		rec := hr.post("/admin/units/KOM", url.Values{"name": {"Kommunen"}, "parent": {"KULTUR"}})
		wantStatus(t, rec, http.StatusUnprocessableEntity)
		if body := rec.Body.String(); !strings.Contains(body, `<a href="#parent">`) {
			t.Errorf("got %s, want the cycle shown on the parent field", body)
		}
		if got := parentOf("KOM"); got != "" {
			t.Errorf("got KOM under %q, want it still a root", got)
		}
	})
	t.Run("ErrCloseConflict", func(t *testing.T) {
		rec := hr.post("/admin/units/KULTUR/close", url.Values{"closed_on": {"2026-01-31"}})
		wantStatus(t, rec, http.StatusUnprocessableEntity)
		if !strings.Contains(rec.Body.String(), "Enheden har åbne underenheder") {
			t.Errorf("got %s, want the open sub-units explained", rec.Body.String())
		}
	})
	t.Run("Close", func(t *testing.T) {
		rec := hr.post("/admin/units/NY/close", url.Values{"closed_on": {"2026-01-31"}, "successor": {"SUND"}})
		wantStatus(t, rec, http.StatusSeeOther)
		body := hr.get("/admin/units").Body.String()
		closed := body[strings.Index(body, "Nedlagte enheder"):]
		if !strings.Contains(closed, "NY") || !strings.Contains(closed, "31. januar 2026") || !strings.Contains(closed, "SUND – Enhed SUND") {
			t.Errorf("got %s, want NY in the closed units with its date and successor", closed)
		}
	})
	t.Run("Import", func(t *testing.T) {
		csv := "code;name;parent_code\nKOM;Kommunen;\nSKOLE;Skoler;KOM\nSUND;Enhed SUND;KOM\n"
		rec := hr.postFile("/admin/units/import", "enheder.csv", []byte(csv), nil)
		wantStatus(t, rec, http.StatusOK)
		body := rec.Body.String()
		for _, want := range []string{"Gennemfør import", "<del>Enhed KOM</del> → Kommunen", "SKOLE", "Åbne enheder, der ikke står i filen"} {
			if !strings.Contains(body, want) {
				t.Errorf("preview: got no %q in %s", want, body)
			}
		}
		if _, err := f.s.Survey.FindUnitByCode(ctx, "SKOLE"); err == nil {
			t.Fatal("got SKOLE stored by the preview, want nothing stored")
		}
		rec = hr.post("/admin/units/import", confirmForm(t, body))
		wantStatus(t, rec, http.StatusSeeOther)
		if got := parentOf("SKOLE"); got != "KOM" {
			t.Errorf("got SKOLE under %q, want KOM", got)
		}
		if !strings.Contains(hr.get("/admin/units/SKOLE").Body.String(), "Skoler") {
			t.Errorf("got the new unit's page without its name")
		}
	})
	t.Run("ErrImport", func(t *testing.T) {
		rec := hr.postFile("/admin/units/import", "enheder.csv", []byte("code,name,parent_code\nA,Alfa,KOM\nB,Beta,UKENDT\n"), nil)
		wantStatus(t, rec, http.StatusUnprocessableEntity)
		if !regexp.MustCompile(`<tr><td>3</td><td>parent_code</td><td>UKENDT</td>`).MatchString(rec.Body.String()) {
			t.Errorf("got %s, want line 3, column parent_code, value UKENDT", rec.Body.String())
		}
		if _, err := f.s.Survey.FindUnitByCode(ctx, "A"); err == nil {
			t.Error("got line 2 stored, want a rejected import to store nothing")
		}
		rec = hr.postFile("/admin/units/import", "", nil, nil)
		wantStatus(t, rec, http.StatusUnprocessableEntity)
		if !strings.Contains(rec.Body.String(), "Vælg en fil.") {
			t.Errorf("got %s, want a missing file asked for", rec.Body.String())
		}
	})
}

func TestAdminQuestionnaires(t *testing.T) {
	ctx := context.Background()
	f := newAuthFixture(t, Config{})
	hr := f.browser(t, auth.RoleAdministrator)
	q, err := f.s.Survey.EnsureDefaultQuestionnaire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	today := survey.DateOf(time.Now())
	r := survey.Round{Name: "Trivsel forår", QuestionnaireID: q.ID, OpensOn: today, ClosesOn: survey.Date{Time: today.AddDate(0, 0, 14)}}
	if err := f.s.Survey.CreateRound(ctx, &r, []string{"KOM"}); err != nil {
		t.Fatal(err)
	}
	t.Run("List", func(t *testing.T) {
		rec := hr.get("/admin/questionnaires")
		wantStatus(t, rec, http.StatusOK)
		row := fmt.Sprintf(`<td class="num-col">%d</td>`, len(q.Items))
		if body := rec.Body.String(); !strings.Contains(body, row) || !strings.Contains(body, "Trivsel forår") {
			t.Errorf("got %s, want %d items and the round using the version", body, len(q.Items))
		}
	})
	t.Run("Create", func(t *testing.T) {
		src := strings.Replace(string(survey.DefaultQuestionnaire()), "minutes: 8", "minutes: 9", 1)
		rec := hr.postFile("/admin/questionnaires", "", nil, url.Values{"source": {src}})
		wantStatus(t, rec, http.StatusSeeOther)
		latest, err := f.s.Survey.LatestQuestionnaire(ctx, q.Key)
		if err != nil {
			t.Fatal(err)
		}
		if latest.Version != 2 || latest.Minutes != 9 {
			t.Errorf("got version %d with %d minutes, want version 2 with 9", latest.Version, latest.Minutes)
		}
		wantAudit(t, f, actionQuestionnaireCreate, 1)
		got, err := f.s.Survey.FindQuestionnaireSource(ctx, latest.ID)
		if err != nil {
			t.Fatal(err)
		}
		rec = hr.get(fmt.Sprintf("/admin/questionnaires/%d/questionnaire.yaml", latest.ID))
		wantStatus(t, rec, http.StatusOK)
		if rec.Body.String() != string(got) || !strings.Contains(rec.Header().Get("Content-Disposition"), "tillid-standard-v2.yaml") {
			t.Errorf("got %q as %q, want the stored source as tillid-standard-v2.yaml", rec.Body.String()[:40], rec.Header().Get("Content-Disposition"))
		}
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		src := strings.Replace(string(survey.DefaultQuestionnaire()), "type: likert5", "type: likert7", 1)
		rec := hr.postFile("/admin/questionnaires", "skema.yaml", []byte(src), nil)
		wantStatus(t, rec, http.StatusUnprocessableEntity)
		body := rec.Body.String()
		if !strings.Contains(body, "<tr><td>73</td><td>items[vt1].type</td><td>likert7</td>") {
			t.Errorf("got %s, want line 73, items[vt1].type, likert7", body)
		}
		if !strings.Contains(body, "type: likert7") {
			t.Error("got the text box emptied, want the rejected YAML in it to correct")
		}
		if vs, _ := f.s.Survey.FindQuestionnaireVersions(ctx); len(vs) != 2 {
			t.Errorf("got %d versions, want a rejected file to store nothing", len(vs))
		}
	})
	t.Run("Preview", func(t *testing.T) {
		rec := hr.get(fmt.Sprintf("/admin/questionnaires/%d/preview?lang=en", q.ID))
		wantStatus(t, rec, http.StatusOK)
		body := rec.Body.String()
		for _, want := range []string{"Preview", q.Items[0].TextEN, `value="submit" disabled>`, `action="/admin/questionnaires/`} {
			if !strings.Contains(body, want) {
				t.Errorf("got no %q in %s", want, body)
			}
		}
		if strings.Contains(body, `action="/s/`) || strings.Contains(body, `form="answers"`) {
			t.Error("got the preview posting like an invitation's form, want it inert")
		}
	})
	t.Run("Default", func(t *testing.T) {
		rec := hr.get("/admin/questionnaires/default.yaml")
		if !bytes.Equal(rec.Body.Bytes(), survey.DefaultQuestionnaire()) {
			t.Error("got another file, want the default questionnaire")
		}
	})
}

func TestAdminAbsence(t *testing.T) {
	ctx := context.Background()
	f := newAuthFixture(t, Config{})
	hr := f.browser(t, auth.RoleAdministrator)
	t.Run("Empty", func(t *testing.T) {
		body := hr.get("/admin/absence").Body.String()
		if !strings.Contains(body, ">SUND</th>") || strings.Contains(body, ">PLEJE</th>") || !strings.Contains(body, "Intet fravær gemt.") {
			t.Errorf("got %s, want the top levels (not PLEJE) without data", body)
		}
	})
	csv := "unit_code;month;absence_days;possible_days\nSUND;2025-01;12,5;200\nPLEJE;2025-01;3;100\nPLEJE;2025-02;4;100\n"
	t.Run("Import", func(t *testing.T) {
		rec := hr.postFile("/admin/absence/import", "fravaer.csv", []byte(csv), nil)
		wantStatus(t, rec, http.StatusOK)
		body := rec.Body.String()
		if !strings.Contains(body, "<tr><th scope=\"row\">PLEJE</th><td class=\"num-col\">2</td><td class=\"num-col\">2</td><td>2025-01</td><td>2025-02</td></tr>") {
			t.Errorf("got %s, want PLEJE's 2 rows over 2 months", body)
		}
		if pts, _ := f.s.Metrics.AbsenceSeries(ctx, f.units["KOM"], "", ""); len(pts) != 0 {
			t.Fatalf("got %d months stored by the preview, want none", len(pts))
		}
		wantStatus(t, hr.post("/admin/absence/import", confirmForm(t, body)), http.StatusSeeOther)
		if pts, _ := f.s.Metrics.AbsenceSeries(ctx, f.units["KOM"], "", ""); len(pts) != 2 {
			t.Errorf("got %d months stored, want 2", len(pts))
		}
		wantAudit(t, f, actionAbsenceImport, 1)
		if body := hr.get("/admin/absence").Body.String(); !strings.Contains(body, `<td class="num-col">2</td><td>2025-01</td><td>2025-02</td>`) {
			t.Errorf("got %s, want the months stored for KOM", body)
		}
	})
	t.Run("Replace", func(t *testing.T) {
		rec := hr.postFile("/admin/absence/import", "fravaer.csv", []byte(strings.Replace(csv, "12,5", "14", 1)), nil)
		wantStatus(t, rec, http.StatusOK)
		if body := rec.Body.String(); !strings.Contains(body, "<del>12,5</del> → 14") {
			t.Errorf("got %s, want SUND's 12,5 → 14 shown", body)
		}
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		rec := hr.postFile("/admin/absence/import", "fravaer.csv", []byte("unit_code,month,absence_days,possible_days\nSUND,2025-03,x,20\n"), nil)
		wantStatus(t, rec, http.StatusUnprocessableEntity)
		if !strings.Contains(rec.Body.String(), "<tr><td>2</td><td>absence_days</td><td>x</td>") {
			t.Errorf("got %s, want line 2, absence_days, x", rec.Body.String())
		}
	})
}

func TestAdminAudit(t *testing.T) {
	ctx := context.Background()
	f := newAuthFixture(t, Config{})
	hr := f.browser(t, auth.RoleAdministrator)
	at := time.Date(2026, time.March, 1, 23, 30, 0, 0, time.UTC) // 00:30 on 2 March in Copenhagen
	f.s.Auth.SetClock(func() time.Time { return at })
	manager := f.users[auth.RoleManager]
	for i := range auditPageSize + 5 {
		if err := f.s.Auth.Audit(ctx, manager.ID, "results.view", fmt.Sprintf("round 1 unit U%02d", i), ""); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.s.Auth.Audit(ctx, f.users[auth.RoleCommittee].ID, "export", "round 1 unit KOM", "report.zip"); err != nil {
		t.Fatal(err)
	}
	rows := func(body string) int { return strings.Count(body, `<td class="nowrap">`) }
	t.Run("Pages", func(t *testing.T) {
		rec := hr.get(fmt.Sprintf("/admin/audit?user=%d", manager.ID))
		wantStatus(t, rec, http.StatusOK)
		body := rec.Body.String()
		next := fmt.Sprintf(`href="/admin/audit?page=2&amp;user=%d" rel="next"`, manager.ID)
		if rows(body) != auditPageSize || !strings.Contains(body, next) {
			t.Fatalf("got %d rows, want %d and a link to page 2 in %s", rows(body), auditPageSize, body)
		}
		if !strings.Contains(body, "2026-03-02 00:30:00") || !strings.Contains(body, "Test manager &lt;manager@kommune.dk&gt;") {
			t.Errorf("got %s, want the time in Copenhagen and the user", body)
		}
		if body := hr.get(fmt.Sprintf("/admin/audit?user=%d&page=2", manager.ID)).Body.String(); rows(body) != 5 || strings.Contains(body, `rel="next"`) {
			t.Errorf("page 2: got %d rows, want the last 5 and no next page", rows(body))
		}
	})
	t.Run("Filter", func(t *testing.T) {
		for query, want := range map[string]int{
			"action=export":                     1,
			"action=export&from=2026-03-02":     1,
			"action=export&to=2026-03-01":       0, // 23:30 UTC is already 2 March in Copenhagen
			"from=2026-03-03":                   0,
			"action=results.view&to=2026-03-02": auditPageSize,
		} {
			rec := hr.get("/admin/audit?" + query)
			wantStatus(t, rec, http.StatusOK)
			if got := rows(rec.Body.String()); got != want {
				t.Errorf("%s: got %d rows, want %d", query, got, want)
			}
		}
	})
	t.Run("ErrDate", func(t *testing.T) {
		rec := hr.get("/admin/audit?from=1.3.2026")
		wantStatus(t, rec, http.StatusBadRequest)
		if body := rec.Body.String(); !strings.Contains(body, `<a href="#from">`) || rows(body) != 0 {
			t.Errorf("got %s, want the date error linked and no rows", body)
		}
	})
}
