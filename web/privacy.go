package web

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/tillid/tillid/survey"
)

// Pages of the privacy notice and the accessibility statement.
const (
	pagePrivacy       = "privacy.html"
	pageAccessibility = "accessibility.html"
)

// accessibilityReviewed is the date of the accessibility statement's
// self-assessment and of the axe-core results it reports. Update it
// with the statement, at least once a year (Digitaliseringsstyrelsen).
const accessibilityReviewed = "2026-11-28"

// Privacy is what the privacy notice and the accessibility statement
// say about the municipality running tillid, from its configuration.
type Privacy struct {
	// Controller names the data controller, e.g. "Søby Kommune,
	// Rådhuspladsen 1, 9999 Søby".
	Controller string
	// DPOEmail is the data protection officer's address.
	DPOEmail string
	// AccessibilityContact is where accessibility problems are reported:
	// an e-mail address and a phone number.
	AccessibilityContact string
	// Retention is how long raw answers and invitations are kept.
	Retention survey.RetentionPolicy
}

// privacyPage is the privacy notice for employees (/privatliv).
type privacyPage struct {
	layout
	Privacy
	Threshold, MinThreshold      int
	RetainAnswers, RetainInvites string
}

// accessibilityPage is the accessibility statement (/tilgaengelighed).
type accessibilityPage struct {
	layout
	Privacy
	Site, Reviewed string
}

// handlePrivacy shows the privacy notice, generated from the configuration.
func (s *Server) handlePrivacy(c *gin.Context) {
	lang := s.requestLang(c)
	p := s.Config.Privacy
	s.render(c, http.StatusOK, pagePrivacy, lang, privacyPage{
		layout:        newLayout(lang, translate(lang, "ops.privacy.title"), c.Request.URL.Path),
		Privacy:       p,
		Threshold:     survey.DefaultThreshold,
		MinThreshold:  survey.MinThreshold,
		RetainAnswers: retentionText(lang, "ops.privacy.retention.answers", "ops.privacy.retention.answers.never", p.Retention.Answers),
		RetainInvites: retentionText(lang, "ops.privacy.retention.invitations", "ops.privacy.retention.invitations.never", p.Retention.Invitations),
	})
}

// handleAccessibility shows the accessibility statement.
func (s *Server) handleAccessibility(c *gin.Context) {
	lang := s.requestLang(c)
	site := s.Config.BaseURL
	if site == "" {
		site = "tillid"
	}
	s.render(c, http.StatusOK, pageAccessibility, lang, accessibilityPage{
		layout:   newLayout(lang, translate(lang, "ops.a11y.title"), c.Request.URL.Path),
		Privacy:  s.Config.Privacy,
		Site:     site,
		Reviewed: accessibilityReviewed,
	})
}

// retentionText is the sentence key formatted with the period in lang,
// or the sentence never when the data is kept for ever.
func retentionText(lang, key, never string, p survey.Period) string {
	if p.IsZero() {
		return translate(lang, never)
	}
	return tprintf(lang, key, formatPeriod(lang, p))
}

// formatPeriod writes a period in words: "5 år", "1 year and 6 months".
func formatPeriod(lang string, p survey.Period) string {
	var parts []string
	for _, u := range []struct {
		n          int
		one, other string
	}{
		{p.Years, "ops.period.y.one", "ops.period.y.other"},
		{p.Months, "ops.period.mo.one", "ops.period.mo.other"},
		{p.Days, "ops.period.d.one", "ops.period.d.other"},
	} {
		switch {
		case u.n == 1:
			parts = append(parts, tprintf(lang, u.one, u.n))
		case u.n > 1:
			parts = append(parts, tprintf(lang, u.other, u.n))
		}
	}
	if len(parts) <= 1 {
		return strings.Join(parts, "")
	}
	return strings.Join(parts[:len(parts)-1], ", ") + translate(lang, "ops.period.and") + parts[len(parts)-1]
}
