package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tillid/tillid/survey"
	"github.com/tillid/tillid/web/auth"
	"github.com/tillid/tillid/web/mail"
	"github.com/tillid/tillid/web/mail/mailtest"
)

// roundsFixture is the auth fixture with the default questionnaire.
func roundsFixture(t *testing.T, cfg Config) (*authFixture, *survey.Questionnaire) {
	t.Helper()
	f := newAuthFixture(t, cfg)
	q, err := f.s.Survey.EnsureDefaultQuestionnaire(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return f, q
}

// newTestRound creates a round over KOM with status (draft or open).
func (f *authFixture) newTestRound(t *testing.T, q *survey.Questionnaire, status survey.RoundStatus) survey.Round {
	t.Helper()
	ctx := context.Background()
	today := survey.DateOf(time.Now())
	r := survey.Round{Name: "Trivsel i test", QuestionnaireID: q.ID, OpensOn: today, ClosesOn: survey.Date{Time: today.AddDate(0, 0, 14)}}
	if err := f.s.Survey.CreateRound(ctx, &r, []string{"KOM"}); err != nil {
		t.Fatal(err)
	}
	if status == survey.RoundOpen {
		if err := f.s.Survey.OpenRound(ctx, r.ID); err != nil {
			t.Fatal(err)
		}
		r.Status = survey.RoundOpen
	}
	return r
}

// audits returns the audit details of action, oldest first.
func (f *authFixture) audits(t *testing.T, action string) []string {
	t.Helper()
	es, err := f.s.Auth.FindAudit(context.Background(), auth.AuditFilter{Action: action})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for i := len(es) - 1; i >= 0; i-- {
		out = append(out, es[i].Detail)
	}
	return out
}

func TestAdminRoundCreate(t *testing.T) {
	ctx := context.Background()
	f, q := roundsFixture(t, Config{})
	hr := f.browser(t, auth.RoleAdministrator)
	t.Run("Form", func(t *testing.T) {
		rec := hr.get("/admin/rounds/new")
		if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `name="units" value="PLEJE"`) || !strings.Contains(rec.Body.String(), `value="5"`) {
			t.Errorf("got %d, want the form with the unit tree and threshold 5", rec.Code)
		}
	})
	t.Run("ErrFields", func(t *testing.T) {
		rec := hr.post("/admin/rounds", url.Values{"name": {" "}, "questionnaire": {strconv.FormatInt(q.ID, 10)},
			"opens": {"2026-03-10"}, "closes": {"2026-03-01"}, "threshold": {"2"}})
		body := rec.Body.String()
		if rec.Code != http.StatusUnprocessableEntity {
			t.Fatalf("got %d, want 422", rec.Code)
		}
		for _, field := range []string{"name", "closes", "threshold", "units"} {
			if !strings.Contains(body, `href="#`+field+`"`) || !strings.Contains(body, `id="`+field+`-error"`) {
				t.Errorf("got no error for field %s", field)
			}
		}
		if !strings.Contains(body, "mindst 3") {
			t.Errorf("got no threshold message naming the minimum 3")
		}
		if rs, _ := f.s.Survey.FindRounds(ctx); len(rs) != 0 {
			t.Errorf("got %d rounds stored, want none", len(rs))
		}
	})
	t.Run("ErrBadDate", func(t *testing.T) {
		rec := hr.post("/admin/rounds?lang=en", url.Values{"lang": {"en"}, "name": {"R"}, "questionnaire": {strconv.FormatInt(q.ID, 10)},
			"opens": {"1. marts"}, "closes": {"2026-03-01"}, "threshold": {"5"}, "units": {"SUND"}})
		if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "Type the date the survey opens") {
			t.Errorf("got %d, want 422 naming the opening date in English", rec.Code)
		}
	})
	t.Run("OK", func(t *testing.T) {
		rec := hr.post("/admin/rounds", url.Values{"name": {"Trivsel 2026"}, "questionnaire": {strconv.FormatInt(q.ID, 10)},
			"opens": {"2026-03-01"}, "closes": {"2026-03-21"}, "threshold": {"5"}, "units": {"SUND"}})
		if rec.Code != http.StatusSeeOther {
			t.Fatalf("got %d, want 303: %s", rec.Code, rec.Body.String())
		}
		rs, err := f.s.Survey.FindRounds(ctx)
		if err != nil || len(rs) != 1 {
			t.Fatalf("got %v, %v, want one round", rs, err)
		}
		if got, want := rec.Header().Get("Location"), fmt.Sprintf("/admin/rounds/%d?done=created", rs[0].ID); got != want {
			t.Errorf("got Location %q, want %q", got, want)
		}
		units, _ := f.s.Survey.FindRoundUnits(ctx, rs[0].ID)
		if len(units) != 2 || units[0].Code != "PLEJE" || units[1].Code != "SUND" {
			t.Errorf("got units %v, want SUND with its subtree PLEJE", units)
		}
		if rs[0].Status != survey.RoundDraft || rs[0].Threshold != 5 {
			t.Errorf("got %+v, want a draft with threshold 5", rs[0])
		}
		if a := f.audits(t, actionRoundCreate); len(a) != 1 || !strings.Contains(a[0], `"Trivsel 2026"`) {
			t.Errorf("got audit %q, want the creation", a)
		}
		list := hr.get("/admin/rounds").Body.String()
		if !strings.Contains(list, "Trivsel 2026") || !strings.Contains(list, "Kladde") {
			t.Errorf("the list lacks the new draft round")
		}
	})
}

// rowAfter returns the HTML of the table row whose header contains name,
// from the end of its header cell to the end of the row.
func rowAfter(t *testing.T, body, name string) string {
	t.Helper()
	i := strings.Index(body, name)
	if i < 0 {
		t.Fatalf("no row for %q", name)
	}
	rest := body[i:]
	start := strings.Index(rest, "</th>")
	end := strings.Index(rest, "</tr>")
	return rest[start:end]
}

func TestAdminRoundLifecycle(t *testing.T) {
	ctx := context.Background()
	f, q := roundsFixture(t, Config{})
	r := f.newTestRound(t, q, survey.RoundDraft)
	var rows []survey.StaffRow
	for i := range 8 {
		unit := "PLEJE"
		if i >= 6 {
			unit = "KULTUR"
		}
		rows = append(rows, survey.StaffRow{Line: i + 2, Email: fmt.Sprintf("m%d@kommune.dk", i), UnitCode: unit})
	}
	if _, err := f.s.Survey.CreateInvitations(ctx, r.ID, rows); err != nil {
		t.Fatal(err)
	}
	hr := f.browser(t, auth.RoleAdministrator)
	path := roundPath(r.ID)
	t.Run("SuppressedProgress", func(t *testing.T) {
		body := hr.get(path).Body.String()
		if kom := rowAfter(t, body, "Enhed KOM"); !strings.Contains(kom, ">8<") || !strings.Contains(kom, ">0<") {
			t.Errorf("KOM row %q: want 8 invited, 0 answered", kom)
		}
		// KULTUR has 2 invited (< k); SUND would reveal it as KOM minus
		// SUND, so it is hidden too (complementary suppression).
		tags := regexp.MustCompile(`<[^>]*>`)
		for _, unit := range []string{"Enhed KULTUR", "Enhed SUND", "Enhed PLEJE"} {
			row := rowAfter(t, body, unit)
			if !strings.Contains(row, "for få svar") || regexp.MustCompile(`\d`).MatchString(tags.ReplaceAllString(row, "")) {
				t.Errorf("%s row %q: want \"for få svar\" and no number", unit, row)
			}
		}
		if strings.Contains(body, "/response.png") {
			t.Errorf("got a response chart for a draft round, want none")
		}
	})
	t.Run("Open", func(t *testing.T) {
		if rec := hr.post(path+"/open", nil); rec.Code != http.StatusSeeOther {
			t.Fatalf("got %d, want 303", rec.Code)
		}
		if got, _ := f.s.Survey.FindRoundByID(ctx, r.ID); got.Status != survey.RoundOpen {
			t.Errorf("got %s, want open", got.Status)
		}
		if rec := hr.post(path+"/open", nil); rec.Code != http.StatusConflict {
			t.Errorf("opening twice: got %d, want 409", rec.Code)
		}
		body := hr.get(path).Body.String()
		if !strings.Contains(body, fmt.Sprintf("/charts/rounds/%d/units/KOM/response.png", r.ID)) || !strings.Contains(body, `href="`+path+`/close"`) {
			t.Errorf("open round page lacks the response chart or the close link")
		}
	})
	t.Run("Close", func(t *testing.T) {
		confirm := hr.get(path + "/close")
		if confirm.Code != http.StatusOK || !strings.Contains(confirm.Body.String(), "Ja, luk målingen") {
			t.Fatalf("got %d, want the confirmation page", confirm.Code)
		}
		if rec := hr.post(path+"/close", nil); rec.Code != http.StatusSeeOther {
			t.Fatalf("got %d, want 303", rec.Code)
		}
		if got, _ := f.s.Survey.FindRoundByID(ctx, r.ID); got.Status != survey.RoundClosed {
			t.Errorf("got %s, want closed", got.Status)
		}
		var kept int
		if err := f.s.Survey.DB().Get(&kept, f.s.Survey.DB().Rebind("SELECT COUNT(*) FROM result_rounds WHERE round_id = ?"), r.ID); err != nil || kept != 1 {
			t.Errorf("got %d kept results (%v), want the round computed on closing", kept, err)
		}
		if rec := hr.get(path + "/close"); rec.Code != http.StatusConflict {
			t.Errorf("confirming a closed round: got %d, want 409", rec.Code)
		}
		if a := f.audits(t, actionRoundOpen); len(a) != 1 {
			t.Errorf("got %d open audits, want 1", len(a))
		}
		if a := f.audits(t, actionRoundClose); len(a) != 1 {
			t.Errorf("got %d close audits, want 1", len(a))
		}
	})
	t.Run("ErrManager", func(t *testing.T) {
		if rec := f.browser(t, auth.RoleManager).get(path); rec.Code != http.StatusForbidden {
			t.Errorf("got %d, want 403", rec.Code)
		}
	})
}

var (
	linkInMail = regexp.MustCompile(`http://tillid\.test/s/([A-Za-z0-9_-]{22})`)
	uploadID   = regexp.MustCompile(`name="upload" value="(\d+)"`)
)

// staffCSV is a staff list: two e-mails and one the SMTP server refuses
// in PLEJE, two without e-mail in KULTUR.
const staffCSV = "email,unit_code\na@kommune.dk,PLEJE\nb@kommune.dk,PLEJE\nukendt@kommune.dk,PLEJE\n,KULTUR\n,KULTUR\n"

func TestAdminInvitations(t *testing.T) {
	ctx := context.Background()
	smtp := mailtest.NewServer(t, "ukendt@kommune.dk")
	f, q := roundsFixture(t, Config{Mail: smtp.Config()})
	r := f.newTestRound(t, q, survey.RoundOpen)
	hr := f.browser(t, auth.RoleAdministrator)
	path := roundPath(r.ID) + "/invitations"

	t.Run("ErrBadLines", func(t *testing.T) {
		rec := hr.postFile(path+"/preview", "staff.csv", []byte("email,unit_code\nikke-en-mail,PLEJE\nc@kommune.dk,UKENDT\n"), nil)
		body := rec.Body.String()
		if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(body, "<td>2</td><td>email</td><td>ikke-en-mail</td>") || !strings.Contains(body, "<td>3</td><td>unit_code</td><td>UKENDT</td>") {
			t.Errorf("got %d, want 422 listing line 2 (email) and line 3 (unit_code)", rec.Code)
		}
	})

	var first []mailtest.Received
	t.Run("PreviewAndCreate", func(t *testing.T) {
		rec := hr.postFile(path+"/preview", "staff.csv", []byte(staffCSV), nil)
		body := rec.Body.String()
		if rec.Code != http.StatusOK || !strings.Contains(body, "3 invitationer med e-mail og 2 med udskrevet kode") {
			t.Fatalf("got %d, want the overview", rec.Code)
		}
		if counts, _ := f.s.Survey.InvitationCounts(ctx, r.ID); len(counts) != 0 {
			t.Fatalf("got %v after the preview, want nothing stored", counts)
		}
		m := uploadID.FindStringSubmatch(body)
		if m == nil {
			t.Fatal("no upload id in the overview")
		}
		rec = hr.post(path, url.Values{"upload": {m[1]}})
		if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "application/pdf" ||
			!strings.HasPrefix(rec.Header().Get("Content-Disposition"), "attachment") || !strings.HasPrefix(rec.Body.String(), "%PDF-") {
			t.Fatalf("got %d %q, want the code sheets as a PDF download", rec.Code, rec.Header().Get("Content-Type"))
		}
		f.s.WaitMail()
		first = smtp.Messages()
		if len(first) != 2 || first[0].To[0] != "a@kommune.dk" || first[1].To[0] != "b@kommune.dk" {
			t.Fatalf("got %d messages, want a@ and b@ (ukendt@ refused)", len(first))
		}
		page := hr.get(roundPath(r.ID)).Body.String()
		if !strings.Contains(page, "ukendt@kommune.dk") || !strings.Contains(page, "2 af 3") {
			t.Errorf("round page lacks the failed address or the count 2 of 3")
		}
		if again := hr.post(path, url.Values{"upload": {m[1]}}); again.Code != http.StatusConflict {
			t.Errorf("confirming twice: got %d, want 409", again.Code)
		}
		if counts, _ := f.s.Survey.InvitationCounts(ctx, r.ID); counts[f.units["PLEJE"]].Invited != 3 || counts[f.units["KULTUR"]].Invited != 2 {
			t.Errorf("got %v, want 3 in PLEJE and 2 in KULTUR", counts)
		}
	})
	t.Run("MailLinkOpensForm", func(t *testing.T) {
		body := first[0].Body()
		m := linkInMail.FindStringSubmatch(body)
		if m == nil || !strings.Contains(body, "Trivsel i test") || !strings.Contains(body, "Dear colleague") || !strings.Contains(first[0].Subject(), "Trivsel i test") {
			t.Fatalf("got %q, want a Danish and English invitation with a link", body)
		}
		rec := f.browser(t, "").get("/s/" + m[1])
		if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `id="answers"`) {
			t.Errorf("following the link: got %d, want the form", rec.Code)
		}
	})
	t.Run("Reminder", func(t *testing.T) {
		inv, err := f.s.Survey.FindInvitationBySecret(ctx, linkInMail.FindStringSubmatch(first[1].Body())[1])
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.Survey.DB().Exec(f.s.Survey.DB().Rebind("UPDATE invitations SET used = TRUE WHERE id = ?"), inv.ID); err != nil {
			t.Fatal(err)
		}
		rec := hr.post(path+"/reminder", nil)
		if rec.Code != http.StatusSeeOther || !strings.HasSuffix(rec.Header().Get("Location"), "done=reminding") {
			t.Fatalf("got %d %q, want 303 to the round", rec.Code, rec.Header().Get("Location"))
		}
		f.s.WaitMail()
		got := smtp.Messages()[len(first):]
		if len(got) != 1 || got[0].To[0] != "a@kommune.dk" || !strings.HasPrefix(got[0].Subject(), "Påmindelse") {
			t.Fatalf("got %d reminders, want one to a@ only (b@ answered, ukendt@ refused)", len(got))
		}
		newLink, oldLink := linkInMail.FindStringSubmatch(got[0].Body())[1], linkInMail.FindStringSubmatch(first[0].Body())[1]
		if newLink == oldLink {
			t.Fatalf("got the old link in the reminder, want a new one")
		}
		for _, link := range []string{newLink, oldLink} {
			if rec := f.browser(t, "").get("/s/" + link); rec.Code != http.StatusOK {
				t.Errorf("link %d chars: got %d, want the form", len(link), rec.Code)
			}
		}
	})
	t.Run("Codes", func(t *testing.T) {
		if rec := hr.post(path+"/codes", nil); rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), `href="#confirm-codes"`) {
			t.Errorf("unconfirmed: got %d, want 422 asking to confirm", rec.Code)
		}
		rec := hr.post(path+"/codes", url.Values{"confirm": {"1"}})
		if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Body.String(), "%PDF-") {
			t.Fatalf("got %d, want new code sheets", rec.Code)
		}
		if a := f.audits(t, actionCodesPrint); len(a) != 2 || a[0] != "created slips=2" || a[1] != "reissued slips=2" {
			t.Errorf("got code-sheet audits %q, want created and reissued, 2 slips each", a)
		}
	})
	t.Run("AuditHasNoSecrets", func(t *testing.T) {
		if a := f.audits(t, actionInvitationsImport); len(a) != 1 || a[0] != "invitations=5 email=3 code=2" {
			t.Errorf("got import audits %q, want one with the counts", a)
		}
		if a := f.audits(t, actionMailSend); len(a) != 2 || !strings.Contains(a[1], "kind=reminder messages=2") {
			t.Errorf("got mail audits %q, want the invitations and the reminder", a)
		}
		oldLink := linkInMail.FindStringSubmatch(first[0].Body())[1]
		for _, action := range []string{actionInvitationsImport, actionMailSend, actionCodesPrint} {
			for _, d := range f.audits(t, action) {
				if strings.Contains(d, oldLink) || strings.Contains(d, "@kommune.dk") {
					t.Errorf("audit %s %q holds a link or an address", action, d)
				}
			}
		}
	})
}

func TestAdminInvitationsWithoutMail(t *testing.T) {
	f, q := roundsFixture(t, Config{})
	r := f.newTestRound(t, q, survey.RoundOpen)
	hr := f.browser(t, auth.RoleAdministrator)
	path := roundPath(r.ID) + "/invitations"
	rec := hr.postFile(path+"/preview", "staff.csv", []byte(staffCSV), nil)
	if rec.Code != http.StatusOK || uploadID.MatchString(rec.Body.String()) || !strings.Contains(rec.Body.String(), "e-mail er ikke sat op") {
		t.Errorf("got %d, want the overview refusing e-mails without a confirm button", rec.Code)
	}
	if rec := hr.post(path+"/reminder", nil); rec.Code != http.StatusConflict {
		t.Errorf("reminder: got %d, want 409", rec.Code)
	}
	if _, err := f.s.mailJobs.Start(context.Background(), r.ID, mail.KindReminder, nil); err != mail.ErrDisabled {
		t.Errorf("got %v, want ErrDisabled", err)
	}
}
