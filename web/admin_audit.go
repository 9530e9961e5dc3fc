package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/tillid/tillid/survey"
	"github.com/tillid/tillid/web/auth"
)

// This file is HR's view of the audit log: who signed in, viewed which
// unit's results, exported what and changed what, filtered by user,
// action and dates in the URL, newest first, a page at a time.

// auditPageSize is how many entries one page of the log shows.
const auditPageSize = 50

// auditEntryView is one entry as the table shows it.
type auditEntryView struct {
	Time, User, Action, Target, Detail string
}

// auditPage is the log with its filter form and page links.
type auditPage struct {
	layout
	Users            []auth.User
	UserID           int64
	Action, From, To string
	Entries          []auditEntryView
	Page             int
	PrevURL, NextURL string
	Errors           adminErrors
}

// auditFilter reads the filter of the log from the URL query into p and
// f; problems are added to p.Errors.
func auditFilter(c *gin.Context, lang string, p *auditPage) auth.AuditFilter {
	var f auth.AuditFilter
	if v := c.Query("user"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			p.Errors.add(lang, "user", "admin.audit.err_user")
		}
		p.UserID, f.UserID = id, id
	}
	p.Action = strings.TrimSpace(c.Query("action"))
	f.Action = p.Action
	day := func(field, v string) time.Time {
		if v == "" {
			return time.Time{}
		}
		d, err := survey.ParseDate(v)
		if err != nil {
			p.Errors.add(lang, field, "admin.audit.err_date")
			return time.Time{}
		}
		return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, survey.Zone)
	}
	p.From, p.To = c.Query("from"), c.Query("to")
	f.Since = day("from", p.From)
	if until := day("to", p.To); !until.IsZero() {
		f.Until = until.AddDate(0, 0, 1) // the whole day of "to"
	}
	p.Page = 1
	if n, err := strconv.Atoi(c.Query("page")); err == nil && n > 1 {
		p.Page = n
	}
	// One entry more than a page tells whether there is a next page.
	f.Limit, f.Offset = auditPageSize+1, (p.Page-1)*auditPageSize
	return f
}

// pageURL links to page n of the log with the same filter.
func (p auditPage) pageURL(n int) string {
	q := url.Values{}
	if p.UserID != 0 {
		q.Set("user", strconv.FormatInt(p.UserID, 10))
	}
	for k, v := range map[string]string{"action": p.Action, "from": p.From, "to": p.To} {
		if v != "" {
			q.Set(k, v)
		}
	}
	if n > 1 {
		q.Set("page", strconv.Itoa(n))
	}
	if len(q) == 0 {
		return "/admin/audit"
	}
	return "/admin/audit?" + q.Encode()
}

// handleAuditList shows a page of the audit log, filtered by ?user=,
// ?action=, ?from= and ?to= (dates in Copenhagen, both inclusive).
func (s *Server) handleAuditList(c *gin.Context) {
	lang := s.requestLang(c)
	ctx := c.Request.Context()
	u, _, _ := s.currentUser(c)
	p := auditPage{layout: staffLayout(c, u, lang, translate(lang, "admin.audit.title"), "/admin/audit")}
	f := auditFilter(c, lang, &p)
	users, err := s.Auth.FindUsers(ctx)
	if err != nil {
		s.adminFail(c, err)
		return
	}
	p.Users = users
	if len(p.Errors) > 0 {
		s.render(c, http.StatusBadRequest, pageAdminAudit, lang, p)
		return
	}
	entries, err := s.Auth.FindAudit(ctx, f)
	if err != nil {
		s.adminFail(c, err)
		return
	}
	names := make(map[int64]string, len(users))
	for _, us := range users {
		names[us.ID] = us.Name
	}
	if len(entries) > auditPageSize {
		entries, p.NextURL = entries[:auditPageSize], p.pageURL(p.Page+1)
	}
	if p.Page > 1 {
		p.PrevURL = p.pageURL(p.Page - 1)
	}
	for _, e := range entries {
		who := e.UserEmail
		if name := names[e.UserID.Int64]; name != "" && e.UserID.Valid {
			who = name + " <" + e.UserEmail + ">"
		}
		p.Entries = append(p.Entries, auditEntryView{
			Time: time.Unix(e.At, 0).In(survey.Zone).Format("2006-01-02 15:04:05"),
			User: who, Action: e.Action, Target: e.Target, Detail: e.Detail,
		})
	}
	s.render(c, http.StatusOK, pageAdminAudit, lang, p)
}
