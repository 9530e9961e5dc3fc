package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/tillid/tillid/survey"
	"github.com/tillid/tillid/web/auth"
	"github.com/tillid/tillid/web/codesheet"
	"github.com/tillid/tillid/web/mail"
)

// This file is HR's invitations page of a round: a staff list is
// uploaded, previewed and confirmed; the invitations' links and codes
// exist only at that moment, so the e-mails start sending right then (a
// background job, mail.Jobs) and the code sheets of staff without e-mail
// are the response to the confirmation, as a PDF. Later, reminders carry
// new links to unused invitations, and new code sheets replace the codes
// of unused invitations without e-mail. No token or code is logged or
// audited.

// newMailJobs returns the e-mail jobs of the server: sending when cfg
// names an SMTP host, else jobs that refuse to start (mail.ErrDisabled).
func newMailJobs(cfg mail.Config, ss *survey.Store, logger *slog.Logger) (*mail.Jobs, error) {
	var sender *mail.Sender
	if cfg.Enabled() {
		var err error
		if sender, err = mail.NewSender(cfg); err != nil {
			return nil, fmt.Errorf("web: %w", err)
		}
	}
	return mail.NewJobs(ss.DB(), sender, logger), nil
}

// WaitMail blocks until the e-mail jobs this instance started have
// finished: call it on shutdown, since unsent links cannot be recovered
// (only replaced by a reminder).
func (s *Server) WaitMail() { s.mailJobs.Wait() }

// invitationsPage is a round's invitations page, with the problems of a
// rejected upload or action.
type invitationsPage struct {
	layout
	Round       roundView
	Errors      adminErrors
	Problem     string
	Lines       survey.ImportErrors
	MailEnabled bool
}

// renderInvitations renders the invitations page of r with status.
func (s *Server) renderInvitations(c *gin.Context, status int, lang string, u auth.User, r survey.Round, p invitationsPage) {
	p.layout = staffLayout(c, u, lang, tprintf(lang, "invitations.title", r.Name), roundPath(r.ID)+"/invitations")
	p.Round = newRoundView(lang, r, nil)
	p.MailEnabled = s.mailJobs.Enabled()
	s.render(c, status, pageAdminInvitations, lang, p)
}

// invitationsProblem renders the invitations page with one problem: key
// (a message key in lang) of the input with id field.
func (s *Server) invitationsProblem(c *gin.Context, status int, lang string, u auth.User, r survey.Round, field, key string) {
	var errs adminErrors
	errs.add(lang, field, key)
	s.renderInvitations(c, status, lang, u, r, invitationsPage{Errors: errs})
}

// handleInvitationsShow shows the upload form and the later actions.
func (s *Server) handleInvitationsShow(c *gin.Context) {
	lang := s.requestLang(c)
	u, _, _ := s.currentUser(c)
	r, ok := s.adminRound(c)
	if !ok {
		return
	}
	s.renderInvitations(c, http.StatusOK, lang, u, r, invitationsPage{})
}

// invitationsPreviewPage shows what a staff list will create.
type invitationsPreviewPage struct {
	layout
	Round    roundView
	FileName string
	UploadID int64
	Plan     survey.InvitationPlan
	// NoMail is set when the list has e-mail addresses but no SMTP
	// server is configured: confirming is refused.
	NoMail bool
}

// rejectUpload renders the invitations page with the problems of a
// rejected staff list (422), the conflict page of a closed round (409),
// or the failure page of any other error.
func (s *Server) rejectUpload(c *gin.Context, lang string, u auth.User, r survey.Round, err error) {
	lines, problem, ok := importRejection(err)
	switch {
	case errors.Is(err, survey.ErrConflict):
		s.roundConflict(c, lang, r)
	case ok:
		s.renderInvitations(c, http.StatusUnprocessableEntity, lang, u, r, invitationsPage{Lines: lines, Problem: problem})
	default:
		s.adminFail(c, err)
	}
}

// handleInvitationsPreview reads an uploaded staff list (email,unit_code;
// CSV or XLSX), checks it against the round and shows, per unit, the
// invitations it will create; bad lines are listed and nothing is kept.
// A good list is kept until it is confirmed (survey.SaveStaffUpload).
func (s *Server) handleInvitationsPreview(c *gin.Context) {
	lang := s.formLang(c)
	u, _, _ := s.currentUser(c)
	r, ok := s.adminRound(c)
	if !ok {
		return
	}
	up, problem := readAdminUpload(c)
	if problem != "" {
		s.invitationsProblem(c, http.StatusUnprocessableEntity, lang, u, r, "file", problem)
		return
	}
	ctx := c.Request.Context()
	rows, err := survey.ParseStaffCSV(bytes.NewReader(up.Data), up.Name)
	if err != nil {
		s.rejectUpload(c, lang, u, r, err)
		return
	}
	plan, err := s.Survey.PlanInvitations(ctx, r.ID, rows)
	if err != nil {
		s.rejectUpload(c, lang, u, r, err)
		return
	}
	id, err := s.Survey.SaveStaffUpload(ctx, r.ID, rows)
	if err != nil {
		s.adminFail(c, err)
		return
	}
	p := invitationsPreviewPage{layout: staffLayout(c, u, lang, tprintf(lang, "invitations.preview.title", r.Name), roundPath(r.ID)+"/invitations"),
		Round: newRoundView(lang, r, nil), FileName: up.Name, UploadID: id, Plan: plan, NoMail: plan.WithEmail > 0 && !s.mailJobs.Enabled()}
	s.render(c, http.StatusOK, pageAdminInvitationsPreview, lang, p)
}

// handleInvitationsCreate issues the invitations of a previewed staff
// list, once: the e-mails start sending in the background, and when some
// staff have no e-mail the response is their code sheets (PDF); else it
// redirects to the round's page, where the sending shows.
func (s *Server) handleInvitationsCreate(c *gin.Context) {
	lang := s.formLang(c)
	u, _, _ := s.currentUser(c)
	r, ok := s.adminRound(c)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	uploadID, _ := strconv.ParseInt(c.PostForm("upload"), 10, 64)
	rows, err := s.Survey.TakeStaffUpload(ctx, r.ID, uploadID)
	if errors.Is(err, survey.ErrNotFound) {
		s.invitationsProblem(c, http.StatusConflict, lang, u, r, "file", "invitations.err.taken")
		return
	}
	if err != nil {
		s.adminFail(c, err)
		return
	}
	if !s.mailJobs.Enabled() && hasEmail(rows) {
		s.invitationsProblem(c, http.StatusConflict, lang, u, r, "file", "invitations.err.nomail")
		return
	}
	issued, err := s.Survey.CreateInvitations(ctx, r.ID, rows)
	if err != nil {
		s.rejectUpload(c, lang, u, r, err)
		return
	}
	byEmail, byCode := splitByEmail(issued)
	s.adminAudit(c, u, actionInvitationsImport, strconv.FormatInt(r.ID, 10), fmt.Sprintf("invitations=%d email=%d code=%d", len(issued), len(byEmail), len(byCode)))
	if len(byEmail) > 0 {
		if err := s.startMail(c, u, r, mail.KindInvitation, byEmail); err != nil {
			s.adminFail(c, err)
			return
		}
	}
	if len(byCode) > 0 {
		s.sendCodeSheets(c, u, r, byCode, "created")
		return
	}
	c.Redirect(http.StatusSeeOther, roundPath(r.ID)+"?done=invited")
}

// hasEmail reports whether any staff row has an e-mail address.
func hasEmail(rows []survey.StaffRow) bool {
	for _, r := range rows {
		if strings.TrimSpace(r.Email) != "" {
			return true
		}
	}
	return false
}

// splitByEmail splits invitations into those sent by e-mail and those
// printed as codes.
func splitByEmail(inv []survey.IssuedInvitation) (byEmail, byCode []survey.IssuedInvitation) {
	for _, in := range inv {
		if in.Email != "" {
			byEmail = append(byEmail, in)
		} else {
			byCode = append(byCode, in)
		}
	}
	return byEmail, byCode
}

// roundTexts is what every message and slip of a round says besides its
// secret: the municipality (the name of the tree's root above the
// round's units), the unit names, the dates and the time to answer.
type roundTexts struct {
	municipality       string
	units              map[int64]survey.Unit
	opensDA, opensEN   string
	closesDA, closesEN string
	minutes            int
}

// roundTexts collects the texts of r's messages and slips.
func (s *Server) roundTexts(ctx context.Context, r survey.Round) (roundTexts, error) {
	t := roundTexts{
		opensDA: formatDate(langDA, r.OpensOn), opensEN: formatDate(langEN, r.OpensOn),
		closesDA: formatDate(langDA, r.ClosesOn), closesEN: formatDate(langEN, r.ClosesOn),
	}
	units, err := s.Survey.FindUnits(ctx)
	if err != nil {
		return t, err
	}
	t.units = make(map[int64]survey.Unit, len(units))
	for _, u := range units {
		t.units[u.ID] = u
	}
	covered, err := s.Survey.FindRoundUnits(ctx, r.ID)
	if err != nil {
		return t, err
	}
	if len(covered) > 0 {
		root := covered[0]
		for root.ParentID.Valid {
			root = t.units[root.ParentID.Int64]
		}
		t.municipality = root.Name
	}
	q, err := s.Survey.FindQuestionnaireByID(ctx, r.QuestionnaireID)
	if err != nil {
		return t, err
	}
	t.minutes = q.Minutes
	return t, nil
}

// baseURL is the app's public address without a trailing slash.
func (s *Server) baseURL() string { return strings.TrimRight(s.Config.BaseURL, "/") }

// startMail starts a background job sending inv their invitation (or
// reminder) with their links, and audits it.
func (s *Server) startMail(c *gin.Context, u auth.User, r survey.Round, kind mail.Kind, inv []survey.IssuedInvitation) error {
	ctx := c.Request.Context()
	t, err := s.roundTexts(ctx, r)
	if err != nil {
		return err
	}
	msgs := make([]mail.Message, len(inv))
	for i, in := range inv {
		msgs[i] = mail.Invitation{
			Municipality: t.municipality, RoundName: r.Name, Link: s.baseURL() + "/s/" + in.Token,
			OpensDA: t.opensDA, OpensEN: t.opensEN, ClosesDA: t.closesDA, ClosesEN: t.closesEN,
			Minutes: t.minutes, Threshold: r.Threshold, Contact: s.mailJobs.Contact(), Reminder: kind == mail.KindReminder,
		}.Message(in.Email)
	}
	job, err := s.mailJobs.Start(ctx, r.ID, kind, msgs)
	if err != nil {
		return err
	}
	s.adminAudit(c, u, actionMailSend, strconv.FormatInt(r.ID, 10), fmt.Sprintf("job=%d kind=%s messages=%d", job.ID, kind, len(msgs)))
	return nil
}

// sendCodeSheets answers with the code sheets of inv as a PDF download
// and audits it; what says why they were printed (created or reissued).
func (s *Server) sendCodeSheets(c *gin.Context, u auth.User, r survey.Round, inv []survey.IssuedInvitation, what string) {
	t, err := s.roundTexts(c.Request.Context(), r)
	if err != nil {
		s.codeSheetsFailed(c, r, err)
		return
	}
	sheet := codesheet.Sheet{Municipality: t.municipality, RoundName: r.Name, CodeURL: s.baseURL() + "/kode",
		ClosesDA: t.closesDA, ClosesEN: t.closesEN, Threshold: r.Threshold}
	for _, in := range inv {
		sheet.Slips = append(sheet.Slips, codesheet.Slip{Unit: t.units[in.UnitID].Name, Code: in.Code, Link: s.baseURL() + "/s/" + in.Token})
	}
	var buf bytes.Buffer
	if err := codesheet.Write(&buf, sheet); err != nil {
		s.codeSheetsFailed(c, r, err)
		return
	}
	s.adminAudit(c, u, actionCodesPrint, strconv.FormatInt(r.ID, 10), fmt.Sprintf("%s slips=%d", what, len(inv)))
	c.Header("Cache-Control", "no-store")
	c.Header("Content-Disposition", fmt.Sprintf(`attachment; filename="kodeark-maaling-%d.pdf"`, r.ID))
	c.Data(http.StatusOK, "application/pdf", buf.Bytes())
}

// codeSheetsFailed renders the page of code sheets that could not be
// made after their codes were issued: new ones can be printed.
func (s *Server) codeSheetsFailed(c *gin.Context, r survey.Round, err error) {
	s.Logger.Error("code sheets failed", "round", r.ID, "err", err)
	lang := s.formLang(c)
	s.message(c, http.StatusInternalServerError, lang, messagePage{
		Heading: translate(lang, "invitations.codes_failed.title"), Text: translate(lang, "invitations.codes_failed.text"),
		LinkURL: roundPath(r.ID) + "/invitations", LinkText: translate(lang, "invitations.title_short"),
	})
}

// handleInvitationsCodes prints new code sheets for the unused
// invitations without e-mail, once HR has confirmed that the earlier
// printed codes stop working.
func (s *Server) handleInvitationsCodes(c *gin.Context) {
	lang := s.formLang(c)
	u, _, _ := s.currentUser(c)
	r, ok := s.adminRound(c)
	if !ok {
		return
	}
	if c.PostForm("confirm") == "" {
		s.invitationsProblem(c, http.StatusUnprocessableEntity, lang, u, r, "confirm-codes", "invitations.err.confirm")
		return
	}
	inv, err := s.Survey.ReissueCodes(c.Request.Context(), r.ID)
	if err != nil {
		s.roundFail(c, lang, r, err)
		return
	}
	if len(inv) == 0 {
		s.invitationsProblem(c, http.StatusConflict, lang, u, r, "confirm-codes", "invitations.err.nocodes")
		return
	}
	s.sendCodeSheets(c, u, r, inv, "reissued")
}

// handleInvitationsRemind sends a reminder with a new link to every
// unused invitation with e-mail of an open round; the earlier links keep
// working.
func (s *Server) handleInvitationsRemind(c *gin.Context) {
	lang := s.formLang(c)
	u, _, _ := s.currentUser(c)
	r, ok := s.adminRound(c)
	if !ok {
		return
	}
	if !s.mailJobs.Enabled() {
		s.invitationsProblem(c, http.StatusConflict, lang, u, r, "remind", "invitations.err.nomail")
		return
	}
	inv, err := s.Survey.IssueReminderTokens(c.Request.Context(), r.ID)
	if err != nil {
		s.roundFail(c, lang, r, err)
		return
	}
	if len(inv) == 0 {
		c.Redirect(http.StatusSeeOther, roundPath(r.ID)+"?done=noreminder")
		return
	}
	if err := s.startMail(c, u, r, mail.KindReminder, inv); err != nil {
		s.adminFail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, roundPath(r.ID)+"?done=reminding")
}
