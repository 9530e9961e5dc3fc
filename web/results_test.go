package web

import (
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/tillid/tillid/charts/report/reporttest"
	"github.com/tillid/tillid/survey"
	"github.com/tillid/tillid/web/auth"
)

// resultsFixture is the charts fixture (two closed rounds; LOV too few,
// NORD hidden complementarily; a committee member and a manager of AELD)
// with an open third round over the whole tree.
type resultsFixture struct {
	*chartsFixture
	round, first, open int64 // the latest closed, the first closed and the open round
}

func newResultsFixture(t *testing.T) *resultsFixture {
	t.Helper()
	ctx := context.Background()
	cf := newChartsFixture(t)
	q, err := cf.f.Survey.EnsureDefaultQuestionnaire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	opens, _ := survey.ParseDate("2025-03-01")
	closes, _ := survey.ParseDate("2025-03-31")
	r := survey.Round{Name: "Forår 2025", QuestionnaireID: q.ID, OpensOn: opens, ClosesOn: closes, Threshold: 5}
	if err := cf.f.Survey.CreateRound(ctx, &r, []string{reporttest.Root}); err != nil {
		t.Fatal(err)
	}
	var staff []survey.StaffRow
	for range 6 {
		staff = append(staff, survey.StaffRow{UnitCode: reporttest.South}, survey.StaffRow{UnitCode: reporttest.Small})
	}
	if _, err := cf.f.Survey.CreateInvitations(ctx, r.ID, staff); err != nil {
		t.Fatal(err)
	}
	if err := cf.f.Survey.OpenRound(ctx, r.ID); err != nil {
		t.Fatal(err)
	}
	return &resultsFixture{chartsFixture: cf, round: cf.f.Round, first: cf.f.Rounds[0], open: r.ID}
}

// page requests path as the session token and checks the status.
func (rf *resultsFixture) page(t *testing.T, token, path string, status int) string {
	t.Helper()
	rec := rf.get(token, path)
	if rec.Code != status {
		t.Fatalf("GET %s: got %d, want %d", path, rec.Code, status)
	}
	return rec.Body.String()
}

// tableRow returns the HTML of the table row whose header links to the
// unit name, "" when there is none.
func tableRow(body, name string) string {
	m := regexp.MustCompile(`<tr><th scope="row"[^>]*><a href="[^"]*">` + regexp.QuoteMeta(name) + `</a></th>.*?</tr>`).FindString(strings.ReplaceAll(body, "\n", ""))
	return m
}

// digits matches any number a cell could leak.
var digits = regexp.MustCompile(`[0-9]`)

func TestResultsIndex(t *testing.T) {
	rf := newResultsFixture(t)
	id := strconv.FormatInt(rf.round, 10)

	t.Run("OK", func(t *testing.T) {
		body := rf.page(t, rf.committee, "/results", http.StatusOK)
		for _, want := range []string{`<option value="` + id + `" selected>Forår 2024 (afsluttet)</option>`, `<option value="KOM" selected>`,
			"Åbæk Kommune (test) – Forår 2024", `href="/results/rounds/` + id + `/units/AELD"`, "Social kapital-indeks", `href="/results/rounds/` + id + `/correlation"`} {
			if !strings.Contains(body, want) {
				t.Errorf("the landing page lacks %q", want)
			}
		}
	})
	t.Run("FilterInURL", func(t *testing.T) {
		first := strconv.FormatInt(rf.first, 10)
		body := rf.page(t, rf.committee, "/results?round="+first+"&unit=KULT", http.StatusOK)
		for _, want := range []string{`<option value="` + first + `" selected>`, `<option value="KULT" selected>`, "Kultur og Fritid – Forår 2023",
			tableRow(body, "Biblioteket Åbæk")} {
			if want == "" || !strings.Contains(body, want) {
				t.Errorf("the filtered page lacks %q", want)
			}
		}
		if strings.Contains(body, "Ældreplejen Syd</a>") {
			t.Error("the filtered page lists a unit outside KULT's subtree")
		}
		if strings.Contains(body, `lang=en&amp;round=`+first+`&amp;unit=KULT`) == false {
			t.Error("the language link loses the filter")
		}
	})
	t.Run("ManagerScope", func(t *testing.T) {
		body := rf.page(t, rf.manager, "/results", http.StatusOK)
		if !strings.Contains(body, `<option value="AELD" selected>`) || strings.Contains(body, `value="KULT"`) || strings.Contains(body, `value="KOM"`) {
			t.Errorf("got a unit picker beyond AELD's subtree or without AELD picked")
		}
		if strings.Contains(body, "/correlation") {
			t.Error("a manager is offered the correlation across units")
		}
		rf.page(t, rf.manager, "/results?round="+id+"&unit=KULT", http.StatusForbidden)
	})
	t.Run("OpenRoundShowsProgressOnly", func(t *testing.T) {
		open := strconv.FormatInt(rf.open, 10)
		body := rf.page(t, rf.committee, "/results?round="+open+"&unit=AELD", http.StatusOK)
		for _, want := range []string{"Inviterede", "Svarprocent", "Forår 2025 (åben)"} {
			if !strings.Contains(body, want) {
				t.Errorf("the open round's page lacks %q", want)
			}
		}
		if strings.Contains(body, "Social kapital-indeks") {
			t.Error("an open round's page shows an index")
		}
		// Six invited to SYD count; LOV's six too, but NORD's none.
		if row := tableRow(body, "Ældreplejen Syd"); !strings.Contains(row, ">6<") || !strings.Contains(row, ">0<") {
			t.Errorf("got SYD's row %q, want 6 invited and 0 answers", row)
		}
		rec := rf.get(rf.committee, "/results/rounds/"+open+"/units/AELD")
		if got, want := rec.Header().Get("Location"), "/results?round="+open+"&unit=AELD"; rec.Code != http.StatusSeeOther || got != want {
			t.Errorf("unit page of an open round: got %d to %q, want 303 to %q", rec.Code, got, want)
		}
	})
	t.Run("NotInRound", func(t *testing.T) {
		body := rf.page(t, rf.committee, "/results?round="+id+"&unit=UKENDT", http.StatusOK)
		if !strings.Contains(body, "Enheden UKENDT deltog ikke") {
			t.Error("got no notice for a unit not in the round")
		}
		rf.page(t, rf.committee, "/results?round=999", http.StatusNotFound)
		rf.page(t, rf.committee, "/results?round=x", http.StatusNotFound)
	})
}

func TestResultsUnit(t *testing.T) {
	rf := newResultsFixture(t)
	base := "/results/rounds/" + strconv.FormatInt(rf.round, 10) + "/units/"

	t.Run("OK", func(t *testing.T) {
		body := rf.page(t, rf.manager, base+"SYD", http.StatusOK)
		for _, want := range []string{"<h1>Ældreplejen Syd</h1>", "Forår 2023", "Ældre og Sundhed</th>", "Åbæk Kommune (test)</th>",
			`src="/charts/rounds/` + strconv.FormatInt(rf.round, 10) + `/units/SYD/dimensions.png?lang=da"`, `alt="Søjlediagram: social kapital-indeks`,
			"<caption id=\"scores-caption\">", "APV", "/units/SYD/csv/results.csv", "/units/SYD/report.zip", "/results/units/SYD/trend"} {
			if !strings.Contains(body, want) {
				t.Errorf("SYD's page lacks %q", want)
			}
		}
		if strings.Contains(body, "/correlation") {
			t.Error("a manager is offered the correlation across units")
		}
	})
	t.Run("SuppressedUnitShowsNoNumber", func(t *testing.T) {
		body := rf.page(t, rf.committee, base+"AELD", http.StatusOK)
		for _, name := range []string{"Plejecenter Løvehøj", "Ældreplejen Nord"} {
			row := tableRow(body, name)
			cells := regexp.MustCompile(`<a href="[^"]*">`).ReplaceAllString(row, "")
			if row == "" || !strings.Contains(row, "for få svar") || digits.MatchString(cells) {
				t.Errorf("got %s's row %q, want \"for få svar\" and no number", name, row)
			}
		}
		body = rf.page(t, rf.committee, base+"LOV", http.StatusOK)
		if !strings.Contains(body, "Enheden har færre end 5 svar") || strings.Contains(body, "<img") {
			t.Error("LOV's page does not say it has too few responses, or shows a chart")
		}
		// Every row of LOV's own columns is the label; only the parent's
		// and the municipality's columns after it may hold numbers.
		rows := regexp.MustCompile(`<th scope="row">[^<]*</th>\s*<td[^>]*>[^<]*</td>`).FindAllString(body, -1)
		if len(rows) == 0 {
			t.Fatal("LOV's page has no result rows")
		}
		label := regexp.MustCompile(`<td class="suppressed"( colspan="4")?>for få svar</td>$`)
		for _, r := range rows {
			if !label.MatchString(r) {
				t.Errorf("got LOV's cell %q, want the suppressed label", r)
			}
		}
		if !strings.Contains(body, "Kommentarer vises kun for grupper med mindst 5 svar") {
			t.Error("LOV's comments are not marked as hidden")
		}
		// NORD has 10 respondents, hidden so that LOV's 3 cannot be worked out.
		body = rf.page(t, rf.committee, base+"NORD", http.StatusOK)
		if !strings.Contains(body, "ville de afsløre en gruppe med færre end 5 svar") || strings.Contains(body, "Enheden har færre end") {
			t.Error("NORD's page does not explain its complementary suppression")
		}
	})
	t.Run("English", func(t *testing.T) {
		body := rf.page(t, rf.committee, base+"AELD?lang=en", http.StatusOK)
		if !strings.Contains(body, "too few responses") || !strings.Contains(body, "dimensions.png?lang=en") {
			t.Error("the English page lacks its suppressed label or English charts")
		}
	})
	t.Run("ManagerOtherSubtree", func(t *testing.T) {
		for _, path := range []string{base + "KULT", base + "KOM", base + "BIB/heatmap", base + "KULT/csv/results.csv", "/results/units/KULT/trend",
			"/results/rounds/" + strconv.FormatInt(rf.round, 10) + "/correlation"} {
			rf.page(t, rf.manager, path, http.StatusForbidden)
		}
	})
	t.Run("Audit", func(t *testing.T) {
		es, err := rf.s.Auth.FindAudit(context.Background(), auth.AuditFilter{Action: auditResultsView})
		if err != nil {
			t.Fatal(err)
		}
		want := fmt.Sprintf("round %d unit SYD", rf.round)
		found := false
		for _, e := range es {
			found = found || e.Target == want && e.Detail == "unit" && e.UserEmail == "manager@kommune.dk"
		}
		if !found {
			t.Errorf("got audit entries %+v, want the manager's view of %q", es, want)
		}
	})
}

func TestResultsPages(t *testing.T) {
	rf := newResultsFixture(t)
	id := strconv.FormatInt(rf.round, 10)

	t.Run("Trend", func(t *testing.T) {
		body := rf.page(t, rf.manager, "/results/units/SYD/trend", http.StatusOK)
		for _, want := range []string{"Udvikling: Ældreplejen Syd", "Forår 2023", "Forår 2024", "/charts/rounds/" + id + "/units/SYD/trend.png", "Seneste 12 måneder", "2024-01"} {
			if !strings.Contains(body, want) {
				t.Errorf("the trend page lacks %q", want)
			}
		}
	})
	t.Run("Heatmap", func(t *testing.T) {
		body := rf.page(t, rf.committee, "/results/rounds/"+id+"/units/KOM/heatmap", http.StatusOK)
		if !strings.Contains(body, `class="level-2"><a href="/results/rounds/`+id+`/units/LOV">`) || !strings.Contains(tableRow(body, "Plejecenter Løvehøj"), "for få svar") {
			t.Error("the heatmap lacks LOV two levels down, marked too few")
		}
		body = rf.page(t, rf.committee, "/results/rounds/"+id+"/units/KOM/heatmap?depth=1", http.StatusOK)
		if strings.Contains(body, "Plejecenter Løvehøj") || !strings.Contains(body, "Ældre og Sundhed</a>") {
			t.Error("depth=1 does not keep to the children")
		}
		rf.page(t, rf.committee, "/results/rounds/"+id+"/units/KOM/heatmap?depth=0", http.StatusNotFound)
	})
	t.Run("Correlation", func(t *testing.T) {
		body := rf.page(t, rf.committee, "/results/rounds/"+id+"/correlation", http.StatusOK)
		for _, want := range []string{"r (Pearson)", "ρ (Spearman)", "En sammenhæng er ikke en årsag", "Enheder med færre end 5 svar er udeladt", "/correlation/csv/correlation.csv"} {
			if !strings.Contains(body, want) {
				t.Errorf("the correlation page lacks %q", want)
			}
		}
		if strings.Contains(body, "Plejecenter Løvehøj") {
			t.Error("the correlation lists a suppressed unit")
		}
	})
	t.Run("CSV", func(t *testing.T) {
		rec := rf.get(rf.manager, "/results/rounds/"+id+"/units/AELD/csv/results.csv")
		if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "text/csv; charset=utf-8" || !strings.Contains(rec.Header().Get("Content-Disposition"), "attachment") {
			t.Fatalf("got %d %q, want a CSV attachment", rec.Code, rec.Header().Get("Content-Type"))
		}
		rows, err := csv.NewReader(rec.Body).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		units := map[string]bool{}
		for _, r := range rows[1:] {
			units[r[1]] = true
			if r[1] == "LOV" && r[4] != "respondents" && r[11] != "suppressed" {
				t.Errorf("got LOV's mean %q, want suppressed", r[11])
			}
		}
		if len(units) != 4 || !units["AELD"] || !units["LOV"] || units["KULT"] {
			t.Errorf("got units %v, want AELD's subtree", units)
		}
		rf.page(t, rf.committee, "/results/rounds/"+id+"/units/AELD/csv/nope.csv", http.StatusNotFound)
		es, err := rf.s.Auth.FindAudit(context.Background(), auth.AuditFilter{Action: auditExport})
		if err != nil || len(es) != 1 || es[0].Detail != "results.csv" {
			t.Errorf("got export audit %+v (%v), want one for results.csv", es, err)
		}
		if rec := rf.get(rf.committee, "/results/rounds/"+id+"/correlation/csv/correlation_summary.csv"); rec.Code != http.StatusOK || !strings.HasPrefix(rec.Body.String(), "window,") {
			t.Errorf("got %d, want the correlation summary", rec.Code)
		}
	})
}
