package web

import (
	"encoding/base64"
	"errors"
	"io"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/tillid/tillid/survey"
	"github.com/tillid/tillid/web/auth"
)

// This file holds what HR's administration pages (admin_units.go,
// admin_questionnaires.go, admin_absence.go, admin_audit.go) share: form
// errors, uploads whose preview re-posts the file, the notice after a
// redirect, the audit of a change and the formatting of times and numbers.

// The administration pages; each is parsed with the layout and
// templates/admin_partials.html (templates.go).
const (
	pageAdminUnits          = "admin_units.html"
	pageAdminUnitsImport    = "admin_units_import.html"
	pageAdminUnit           = "admin_unit.html"
	pageAdminQuestionnaires = "admin_questionnaires.html"
	pageAdminAbsence        = "admin_absence.html"
	pageAdminAbsenceImport  = "admin_absence_import.html"
	pageAdminAudit          = "admin_audit.html"
)

// adminFieldError is a problem shown in a form's error summary; Field is
// the id of the input it belongs to, "" for the form as a whole.
type adminFieldError struct{ Field, Text string }

// adminErrors lists the problems of a posted form.
type adminErrors []adminFieldError

// For returns the problem of the input with id field, or "".
func (es adminErrors) For(field string) string {
	for _, e := range es {
		if e.Field == field {
			return e.Text
		}
	}
	return ""
}

// Field returns the problem of the input with id field; its Text is ""
// when there is none (the admin_field_error template shows it).
func (es adminErrors) Field(field string) adminFieldError {
	return adminFieldError{Field: field, Text: es.For(field)}
}

// add appends a problem of field in lang.
func (es *adminErrors) add(lang, field, key string) {
	*es = append(*es, adminFieldError{Field: field, Text: translate(lang, key)})
}

// importLines returns the line errors of a rejected import, or nil when
// err is not one.
func importLines(err error) survey.ImportErrors {
	var ie survey.ImportErrors
	errors.As(err, &ie)
	return ie
}

// importRejection splits the error of a rejected import into its line
// errors or, for a file that cannot be read as a table at all, its
// message; ok is false for any other error.
func importRejection(err error) (lines survey.ImportErrors, problem string, ok bool) {
	if lines = importLines(err); lines != nil {
		return lines, "", true
	}
	if errors.Is(err, survey.ErrInvalid) {
		return nil, err.Error(), true
	}
	return nil, "", false
}

// adminUploadLimit caps an uploaded file: payroll exports and unit trees
// of a large municipality stay well below it.
const adminUploadLimit = 5 << 20

// adminUpload is a file posted to an import. Its preview page re-posts
// the content base64 in a hidden field with confirm set: several app
// instances serve one municipality, so nothing is kept on the server
// between the preview and the import.
type adminUpload struct {
	Name    string
	Data    []byte
	Confirm bool
}

// Encoded returns the content for the preview's hidden field.
func (u adminUpload) Encoded() string { return base64.StdEncoding.EncodeToString(u.Data) }

// readAdminUpload reads an import form: the re-posted content of a
// preview, else the file input "file". problem is the message key of what
// is wrong, "" when the upload can be read.
func readAdminUpload(c *gin.Context) (up adminUpload, problem string) {
	if enc := c.PostForm("content"); enc != "" {
		data, err := base64.StdEncoding.DecodeString(enc)
		if err != nil || len(data) > adminUploadLimit {
			return up, "admin.upload.invalid"
		}
		return adminUpload{Name: c.PostForm("filename"), Data: data, Confirm: c.PostForm("confirm") != ""}, ""
	}
	fh, err := c.FormFile("file")
	if err != nil || fh.Size == 0 {
		return up, "admin.upload.missing"
	}
	if fh.Size > adminUploadLimit {
		return up, "admin.upload.too_big"
	}
	f, err := fh.Open()
	if err != nil {
		return up, "admin.upload.invalid"
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, adminUploadLimit+1))
	if err != nil || len(data) > adminUploadLimit {
		return up, "admin.upload.invalid"
	}
	return adminUpload{Name: filepath.Base(fh.Filename), Data: data}, ""
}

// adminNotice returns the text of the notice a change redirected with
// (?done=key), looked up in the page's notices; "" for none.
func adminNotice(c *gin.Context, lang string, notices map[string]string) string {
	if key, ok := notices[c.Query("done")]; ok {
		return translate(lang, key)
	}
	return ""
}

// adminAudit writes a change by u to the audit log. The change is made by
// then, so a failure is logged rather than shown.
func (s *Server) adminAudit(c *gin.Context, u auth.User, action, target, detail string) {
	if err := s.Auth.Audit(c.Request.Context(), u.ID, action, target, detail); err != nil {
		s.Logger.Error("audit failed", "err", err, "action", action)
	}
}

// adminFail renders the page of an error no form can show: not found,
// or a server error (logged).
func (s *Server) adminFail(c *gin.Context, err error) {
	status := statusOf(err)
	if status != http.StatusNotFound {
		status = http.StatusInternalServerError
	}
	s.denied(c, status, err)
}

// adminDate writes the calendar date of Unix time sec in Copenhagen.
func adminDate(lang string, sec int64) string {
	return formatDate(lang, survey.DateOf(time.Unix(sec, 0).In(survey.Zone)))
}

// adminNumber writes v with the decimal separator of lang and at most two
// decimals.
func adminNumber(lang string, v float64) string {
	s := strconv.FormatFloat(v, 'f', 2, 64)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	if lang == langDA {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}
