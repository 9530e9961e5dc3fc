package web

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tillid/tillid/metrics"
	"github.com/tillid/tillid/survey"
	"github.com/tillid/tillid/web/auth"
)

// planFixture is the auth fixture with the default questionnaire and a
// closed round over the whole tree (KOM > SUND > PLEJE, KOM > KULTUR)
// without responses.
type planFixture struct {
	*authFixture
	round survey.Round
}

func newPlanFixture(t *testing.T) planFixture {
	t.Helper()
	ctx := context.Background()
	f := planFixture{authFixture: newAuthFixture(t, Config{})}
	q, err := f.s.Survey.EnsureDefaultQuestionnaire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	today := survey.DateOf(time.Now())
	f.round = survey.Round{Name: "APV 2026", QuestionnaireID: q.ID, OpensOn: today, ClosesOn: today}
	if err := f.s.Survey.CreateRound(ctx, &f.round, []string{"KOM"}); err != nil {
		t.Fatal(err)
	}
	if err := f.s.Survey.OpenRound(ctx, f.round.ID); err != nil {
		t.Fatal(err)
	}
	if err := f.s.Survey.CloseRound(ctx, f.round.ID); err != nil {
		t.Fatal(err)
	}
	return f
}

// path returns the staff page of unit's plan with suffix.
func (f planFixture) path(unit, suffix string) string {
	return planPath(f.round.ID, unit) + suffix
}

// entryForm is a complete entry as the form posts it.
func entryForm() url.Values {
	return url.Values{
		"problem": {"item:ps_workload"}, "problem_text": {"Travlt i ferien"}, "risk": {"Risiko for stress"},
		"risk_level": {"high"}, "action": {"Fast vikar i juli"}, "responsible": {"Afdelingsleder"},
		"deadline": {"2020-01-31"}, "follow_up_on": {""}, "status": {"planned"},
	}
}

// addEntry stores an entry for unit through the store, by the manager.
func (f planFixture) addEntry(t *testing.T, unit string, in survey.PlanInput) survey.PlanEntry {
	t.Helper()
	e, err := f.s.Survey.CreatePlanEntry(context.Background(), f.round.ID, f.units[unit], in, f.users[auth.RoleManager].ID)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// auditCount counts the audit rows of action.
func (f planFixture) auditCount(t *testing.T, action string) int {
	t.Helper()
	es, err := f.s.Auth.FindAudit(context.Background(), auth.AuditFilter{Action: action})
	if err != nil {
		t.Fatal(err)
	}
	return len(es)
}

func TestPlanManagerEdits(t *testing.T) {
	ctx := context.Background()
	f := newPlanFixture(t)
	b := f.browser(t, auth.RoleManager)
	page := b.get(f.path("PLEJE", ""))
	if page.Code != http.StatusOK {
		t.Fatalf("got %d, want 200 for the manager's own unit", page.Code)
	}
	for _, want := range []string{`action="` + f.path("PLEJE", "/entries") + `"`, translate(langDA, "plans.suggest.too_few"), "/handlingsplan/"} {
		if !strings.Contains(page.Body.String(), want) {
			t.Errorf("plan page lacks %q", want)
		}
	}
	t.Run("ErrInvalid", func(t *testing.T) {
		form := entryForm()
		form.Set("action", " ")
		form.Set("deadline", "31/1")
		rec := b.post(f.path("PLEJE", "/entries"), form)
		if rec.Code != http.StatusUnprocessableEntity {
			t.Fatalf("got %d, want 422", rec.Code)
		}
		body := rec.Body.String()
		for _, want := range []string{`<a href="#action">`, `<a href="#deadline">`, `id="action-error"`, "Travlt i ferien"} {
			if !strings.Contains(body, want) {
				t.Errorf("rejected form lacks %q", want)
			}
		}
	})
	var entry survey.PlanEntry
	t.Run("Create", func(t *testing.T) {
		rec := b.post(f.path("PLEJE", "/entries"), entryForm())
		if rec.Code != http.StatusSeeOther || !strings.Contains(rec.Header().Get("Location"), "done=created") {
			t.Fatalf("got %d to %q, want 303 with done=created", rec.Code, rec.Header().Get("Location"))
		}
		es, err := f.s.Survey.FindPlanEntries(ctx, survey.PlanFilter{RoundID: f.round.ID, UnitID: f.units["PLEJE"]})
		if err != nil || len(es) != 1 {
			t.Fatalf("got %d entries (%v), want 1", len(es), err)
		}
		entry = es[0]
		if entry.Action != "Fast vikar i juli" || entry.CreatedBy != f.users[auth.RoleManager].ID {
			t.Errorf("got %+v, want the posted action by the manager", entry)
		}
		if n := f.auditCount(t, actionPlanCreate); n != 1 {
			t.Errorf("got %d %s audit rows, want 1", n, actionPlanCreate)
		}
	})
	t.Run("Edit", func(t *testing.T) {
		edit := f.path("PLEJE", "/entries/"+strconv.FormatInt(entry.ID, 10))
		if rec := b.get(edit); rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `name="version" value="1"`) {
			t.Fatalf("got %d, want the edit form at version 1", rec.Code)
		}
		form := entryForm()
		form.Set("status", "in_progress")
		form.Set("version", "1")
		if rec := b.post(edit, form); rec.Code != http.StatusSeeOther {
			t.Fatalf("got %d, want 303", rec.Code)
		}
		h, err := f.s.Survey.FindPlanEntryHistory(ctx, entry.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(h) != 2 || len(h[1].Fields) != 1 || h[1].Fields[0] != (survey.PlanFieldChange{Field: "status", From: "planned", To: "in_progress"}) {
			t.Fatalf("got history %+v, want a second change status planned → in_progress", h)
		}
		if n := f.auditCount(t, actionPlanChange); n != 1 {
			t.Errorf("got %d %s audit rows, want 1", n, actionPlanChange)
		}
		body := b.get(f.path("PLEJE", "")).Body.String()
		for _, want := range []string{"Status: Planlagt → I gang", "Test manager", "Fristen er overskredet"} {
			if !strings.Contains(body, want) {
				t.Errorf("plan page lacks %q", want)
			}
		}
	})
	t.Run("ErrConflict", func(t *testing.T) {
		form := entryForm()
		form.Set("version", "1") // the entry is at version 2 now
		rec := b.post(f.path("PLEJE", "/entries/"+strconv.FormatInt(entry.ID, 10)), form)
		if rec.Code != http.StatusConflict || !strings.Contains(rec.Body.String(), `name="version" value="2"`) {
			t.Errorf("got %d, want 409 with the form at version 2", rec.Code)
		}
	})
	t.Run("ErrOtherUnitsEntry", func(t *testing.T) {
		// SUND is the manager's, but the entry belongs to PLEJE's plan.
		if rec := b.get(f.path("SUND", "/entries/"+strconv.FormatInt(entry.ID, 10))); rec.Code != http.StatusNotFound {
			t.Errorf("got %d, want 404", rec.Code)
		}
	})
	t.Run("ErrForbiddenOtherSubtree", func(t *testing.T) {
		if rec := b.get(f.path("KULTUR", "")); rec.Code != http.StatusForbidden {
			t.Errorf("GET: got %d, want 403", rec.Code)
		}
		if rec := b.post(f.path("KULTUR", "/entries"), entryForm()); rec.Code != http.StatusForbidden {
			t.Errorf("POST: got %d, want 403", rec.Code)
		}
	})
}

func TestPlanCommitteeReads(t *testing.T) {
	f := newPlanFixture(t)
	e := f.addEntry(t, "PLEJE", entryInput())
	b := f.browser(t, auth.RoleCommittee)
	rec := b.get(f.path("PLEJE", ""))
	if rec.Code != http.StatusOK {
		t.Fatalf("got %d, want 200", rec.Code)
	}
	body := rec.Body.String()
	if !strings.Contains(body, "Fast vikar i juli") || strings.Contains(body, `action="`+f.path("PLEJE", "/entries")) || strings.Contains(body, "/entries/") {
		t.Errorf("got a page without the entry or with a form or edit link, want the plan read-only")
	}
	if rec := b.post(f.path("PLEJE", "/entries"), entryForm()); rec.Code != http.StatusForbidden {
		t.Errorf("POST: got %d, want 403", rec.Code)
	}
	if rec := b.get(f.path("PLEJE", "/entries/"+strconv.FormatInt(e.ID, 10))); rec.Code != http.StatusForbidden {
		t.Errorf("GET edit: got %d, want 403", rec.Code)
	}
}

// entryInput is entryForm as a PlanInput.
func entryInput() survey.PlanInput {
	v := entryForm()
	return survey.PlanInput{Problem: v.Get("problem"), ProblemText: v.Get("problem_text"), Risk: v.Get("risk"), RiskLevel: v.Get("risk_level"),
		Action: v.Get("action"), Responsible: v.Get("responsible"), Deadline: v.Get("deadline"), Status: v.Get("status")}
}

func TestPlanPublic(t *testing.T) {
	ctx := context.Background()
	f := newPlanFixture(t)
	f.addEntry(t, "PLEJE", entryInput())
	key, err := f.s.Survey.PlanKey(ctx, f.round.ID, f.units["PLEJE"])
	if err != nil {
		t.Fatal(err)
	}
	anon := f.browser(t, "")
	t.Run("OK", func(t *testing.T) {
		rec := anon.get("/handlingsplan/" + key)
		if rec.Code != http.StatusOK {
			t.Fatalf("got %d, want 200 without sign-in", rec.Code)
		}
		body := rec.Body.String()
		for _, want := range []string{"Fast vikar i juli", "Afdelingsleder", "Handlingsplan: Enhed PLEJE", "Travlt i ferien"} {
			if !strings.Contains(body, want) {
				t.Errorf("employees' page lacks %q", want)
			}
		}
		for _, leak := range []string{"Test manager", "manager@kommune.dk", translate(langDA, "plans.history.title"), "/entries/"} {
			if strings.Contains(body, leak) {
				t.Errorf("employees' page shows %q, want no editors, history or edit links", leak)
			}
		}
	})
	t.Run("StaffPageLinksIt", func(t *testing.T) {
		if body := f.browser(t, auth.RoleManager).get(f.path("PLEJE", "")).Body.String(); !strings.Contains(body, "http://tillid.test/handlingsplan/"+key) {
			t.Errorf("staff page lacks the employees' link")
		}
	})
	t.Run("PDF", func(t *testing.T) {
		rec := anon.get("/handlingsplan/" + key + "/plan.pdf?lang=en")
		if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Body.String(), "%PDF") {
			t.Errorf("got %d %.8q, want a PDF", rec.Code, rec.Body.String())
		}
	})
	t.Run("ErrWrongKey", func(t *testing.T) {
		if rec := anon.get("/handlingsplan/" + key[:len(key)-1] + "x"); rec.Code != http.StatusNotFound {
			t.Errorf("got %d, want 404", rec.Code)
		}
	})
}

func TestPlanPDF(t *testing.T) {
	f := newPlanFixture(t)
	f.addEntry(t, "PLEJE", entryInput())
	rec := f.browser(t, auth.RoleManager).get(f.path("PLEJE", "/plan.pdf"))
	if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Body.String(), "%PDF") {
		t.Fatalf("got %d %.8q, want a PDF", rec.Code, rec.Body.String())
	}
	if got := rec.Header().Get("Content-Type"); got != "application/pdf" {
		t.Errorf("got Content-Type %q, want application/pdf", got)
	}
	if n := f.auditCount(t, actionPlanExport); n != 1 {
		t.Errorf("got %d %s audit rows, want 1", n, actionPlanExport)
	}
}

// overviewRow matches a unit's row of the overview: its code and the
// cells entries, planned, in progress, done, abandoned, overdue.
func overviewRow(code string) *regexp.Regexp {
	return regexp.MustCompile(`<span class="plan-code">` + code + `</span></th>\s*<td>([^<]*)</td>\s*<td>(\d+)</td>\s*<td>(\d+)</td>\s*<td>(\d+)</td>\s*<td>(\d+)</td>\s*<td[^>]*>(\d+)</td>`)
}

func TestPlansOverview(t *testing.T) {
	f := newPlanFixture(t)
	overdue, later, done := entryInput(), entryInput(), entryInput()
	later.Deadline = survey.DateOf(time.Now().AddDate(1, 0, 0)).String()
	done.Status = "done"
	f.addEntry(t, "PLEJE", overdue)
	f.addEntry(t, "PLEJE", later)
	f.addEntry(t, "PLEJE", done)
	f.addEntry(t, "KULTUR", later)
	query := "/plans?round=" + strconv.FormatInt(f.round.ID, 10)
	t.Run("Administrator", func(t *testing.T) {
		body := f.browser(t, auth.RoleAdministrator).get(query).Body.String()
		for code, want := range map[string][]string{
			"PLEJE":  {"3", "2", "0", "1", "0", "1"},
			"KULTUR": {"1", "1", "0", "0", "0", "0"},
			"SUND":   {translate(langDA, "plans.overview.no_plan"), "0", "0", "0", "0", "0"},
		} {
			m := overviewRow(code).FindStringSubmatch(body)
			if m == nil {
				t.Errorf("%s: no row in the overview", code)
				continue
			}
			if got := strings.Join(m[1:], " "); got != strings.Join(want, " ") {
				t.Errorf("%s: got %s, want %s", code, got, strings.Join(want, " "))
			}
		}
		if want := tprintf(langDA, "plans.overview.without", 2); !strings.Contains(body, want) {
			t.Errorf("overview lacks %q (KOM and SUND)", want)
		}
	})
	t.Run("ManagerSeesOwnSubtree", func(t *testing.T) {
		body := f.browser(t, auth.RoleManager).get(query).Body.String()
		if overviewRow("KULTUR").MatchString(body) || !overviewRow("PLEJE").MatchString(body) {
			t.Errorf("got KULTUR shown or PLEJE missing, want only SUND and PLEJE")
		}
		if want := tprintf(langDA, "plans.overview.without", 1); !strings.Contains(body, want) {
			t.Errorf("overview lacks %q (SUND)", want)
		}
	})
	t.Run("ErrUnknownRound", func(t *testing.T) {
		if rec := f.browser(t, auth.RoleAdministrator).get("/plans?round=999"); rec.Code != http.StatusNotFound {
			t.Errorf("got %d, want 404", rec.Code)
		}
	})
}

func TestPlanSuggestions(t *testing.T) {
	num := func(v float64) *float64 { return &v }
	res := &metrics.UnitResult{
		Measures: []metrics.Measure{
			{Kind: metrics.KindItem, Key: "ps_workload", NameDA: "Arbejdsmængde", NameEN: "Workload"},
			{Kind: metrics.KindItem, Key: "ph_noise", NameDA: "Støj", NameEN: "Noise"},
			{Kind: metrics.KindDimension, Key: "justice", NameDA: "Retfærdighed", NameEN: "Justice"},
		},
		Unit: metrics.UnitResults{
			Items: []metrics.ItemScore{
				{Key: "ps_workload", Type: survey.Problem3, Share: num(40)},
				{Key: "ph_noise", Type: survey.Problem3, Share: num(24.9)},
				{Key: "ps_violence", Type: survey.Problem3, Cell: metrics.Cell{Suppressed: true, Reason: metrics.ReasonTooFew}},
				{Key: "vt1", Type: survey.Likert5, Mean: num(10)},
			},
			Dimensions: []metrics.Score{
				{Kind: metrics.KindDimension, Key: "justice", Mean: num(55)},
				{Kind: metrics.KindDimension, Key: "collaboration", Mean: num(60)},
				{Kind: metrics.KindDimension, Key: "vertical_trust", Cell: metrics.Cell{Suppressed: true, Reason: metrics.ReasonComplementary}},
			},
		},
	}
	t.Run("OK", func(t *testing.T) {
		sugs, reason := planSuggestions(res, langEN)
		var got []string
		for _, s := range sugs {
			got = append(got, s.Problem+"="+s.Name+"/"+s.Value)
		}
		want := "dimension:justice=Justice/score 55 | item:ps_workload=Workload/40 % report a problem"
		if strings.Join(got, " | ") != want || reason != "" {
			t.Errorf("got %q (%q), want %q", strings.Join(got, " | "), reason, want)
		}
	})
	t.Run("Suppressed", func(t *testing.T) {
		hidden := *res
		hidden.Unit.Cell = metrics.Cell{Suppressed: true, Reason: metrics.ReasonTooFew}
		if sugs, reason := planSuggestions(&hidden, langDA); len(sugs) != 0 || reason != metrics.ReasonTooFew {
			t.Errorf("got %d suggestions (%q), want none because too few", len(sugs), reason)
		}
	})
}

func TestPlanMessages(t *testing.T) {
	// The keys plans.go looks up through maps must exist.
	var keys []string
	for _, m := range []map[string]string{planFieldKeys, planErrorKeys, planNoticeKeys} {
		for _, k := range m {
			keys = append(keys, k)
		}
	}
	for _, k := range planStatusKeys {
		keys = append(keys, k)
	}
	for _, k := range planRiskKeys {
		keys = append(keys, k)
	}
	for _, k := range planReasonKeys {
		keys = append(keys, k)
	}
	for _, f := range survey.PlanFields {
		if _, ok := planFieldKeys[f]; !ok {
			t.Errorf("field %s has no message key", f)
		}
	}
	for _, k := range keys {
		if _, ok := catalogs[langDA][k]; !ok {
			t.Errorf("message key %q does not exist", k)
		}
	}
}
