package web

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/tillid/tillid/survey"
)

// The languages of the UI: Danish first, English second.
const (
	langDA = "da"
	langEN = "en"
)

// langs lists the UI languages, the default first.
var langs = []string{langDA, langEN}

// langCookie remembers the language a visitor chose.
const langCookie = "tillid_lang"

// catalog maps a message key to its text in one language; texts with
// verbs (%d, %s) are formatted by the template func tf.
type catalog map[string]string

// catalogs holds every UI message, one catalog per language, merged from
// one message set per area of the app (the form and sign-in here, the HR
// pages in their own files). A test checks that both languages have the
// same keys and that every key a template uses exists.
var catalogs = mergeCatalogs(coreMessages, adminMessages, resultsMessages, plansMessages, roundsMessages, opsMessages)

// mergeCatalogs joins message sets; a key defined twice is a programming
// error and panics at start-up.
func mergeCatalogs(sets ...map[string]catalog) map[string]catalog {
	out := map[string]catalog{}
	for _, set := range sets {
		for lang, msgs := range set {
			if out[lang] == nil {
				out[lang] = catalog{}
			}
			for k, v := range msgs {
				if _, dup := out[lang][k]; dup {
					panic("web: message key defined twice: " + k)
				}
				out[lang][k] = v
			}
		}
	}
	return out
}

// coreMessages are the texts of the employee's form, sign-in and the
// staff navigation.
var coreMessages = map[string]catalog{
	langDA: {
		"skip":               "Gå til indhold",
		"nav.label":          "Hovedmenu",
		"nav.results":        "Resultater",
		"nav.plans":          "Handlingsplaner",
		"nav.units":          "Organisation",
		"nav.questionnaires": "Spørgeskemaer",
		"nav.rounds":         "Målinger",
		"nav.absence":        "Sygefravær",
		"nav.audit":          "Log",
		"nav.account":        "Min konto",
		"lang.other":         "English",
		"footer":             "tillid – anonyme målinger af social kapital og arbejdsmiljø",
		"intro.heading":      "Om undersøgelsen",
		"intro.minutes":      "Det tager cirka %d minutter at svare.",
		"anon.heading":       "Sådan er du anonym",
		"anon.untraceable":   "Dine svar kan ikke spores tilbage til dig. De gemmes uden navn, e-mail, link, kode og klokkeslæt – kun med din enhed og datoen.",
		"anon.groups":        "Resultater vises kun for grupper med mindst %d svar.",
		"anon.comments":      "Kommentarer vises kun for grupper med mindst %d svar, i tilfældig rækkefølge og uden oplysninger om, hvem der skrev dem eller hvornår.",
		"anon.used":          "Din invitation bliver kun markeret som \"brugt\", så der ikke kan svares to gange. Der gemmes ikke, hvornår du svarede.",
		"anon.nobody":        "Ingen – hverken HR, din leder eller MED-udvalget – kan se dine svar.",
		"form.heading":       "Spørgsmål",
		"form.note":          "Spørgsmål mærket \"skal besvares\" skal have et svar. Du kan altid vælge \"Ved ikke / ikke relevant\".",
		"form.required":      "skal besvares",
		"form.comment_hint":  "Højst %d tegn.",
		"form.submit":        "Send mine svar",
		"form.submit_note":   "Du kan kun sende dine svar én gang.",
		"errors.title":       "Der mangler svar",
		"errors.intro":       "Svar venligst på disse spørgsmål. Dine andre svar står der stadig.",
		"errors.required":    "Vælg et svar.",
		"errors.invalid":     "Ugyldigt svar – vælg igen.",
		"errors.prefix":      "Fejl:",
		"tak.title":          "Tak for dine svar",
		"tak.text":           "Dine svar er gemt anonymt. Du kan lukke siden nu.",
		"already.title":      "Du har allerede svaret",
		"already.text":       "Der er allerede sendt svar med denne invitation. Der gemmes kun ét sæt svar pr. invitation, så du behøver ikke gøre mere.",
		"kode.title":         "Svar med kode",
		"kode.intro":         "Har du fået et brev med en kode, kan du skrive den her og komme til spørgeskemaet.",
		"kode.label":         "Din kode",
		"kode.hint":          "Koden står i dit brev, fx ABCD-EFGH-JK. Store og små bogstaver, mellemrum og bindestreger er ligegyldige.",
		"kode.submit":        "Fortsæt",
		"kode.empty":         "Skriv din kode.",
		"kode.unknown":       "Vi kender ikke den kode. Tjek, at du har skrevet den, som den står i brevet.",
		"notfound.title":     "Invitationen findes ikke",
		"notfound.text":      "Linket eller koden er ikke gyldig. Tjek, at du har hele linket fra din e-mail, eller skriv koden fra dit brev.",
		"notfound.link":      "Skriv en kode",
		"closed.title":       "Undersøgelsen er lukket",
		"closed.text":        "Undersøgelsen \"%s\" lukkede %s, og der kan ikke længere svares. Tak for din interesse.",
		"notopen.title":      "Undersøgelsen er ikke åbnet endnu",
		"notopen.text":       "Undersøgelsen \"%s\" åbner %s. Brug det samme link igen, når den er åbnet.",
		"csrf.title":         "Siden er udløbet",
		"csrf.text":          "Vi kunne ikke bekræfte, at formularen kom fra denne side, så intet er gemt. Det sker fx, hvis siden har været åben meget længe, eller hvis cookies er slået fra. Åbn siden igen, og prøv en gang til.",
		"csrf.link":          "Prøv igen",
		"ratelimit.title":    "For mange forsøg",
		"ratelimit.text":     "Der er prøvet for mange ugyldige koder fra din forbindelse. Vent et kvarter, og prøv igen.",
		"invalid.title":      "Formularen kunne ikke læses",
		"invalid.text":       "Det sendte kunne ikke gemmes, og intet er gemt. Åbn siden igen, og prøv en gang til.",
		"error.title":        "Der skete en fejl",
		"error.text":         "Der skete en fejl hos os, og dine svar er ikke gemt. Prøv igen om lidt.",
		// Staff sign-in and access (auth_handlers.go, authz.go).
		"login.title":             "Log ind",
		"login.intro":             "Log ind for HR, ledere og MED-udvalget. Skal du svare på en undersøgelse, skal du ikke logge ind – brug linket i din e-mail eller koden i dit brev.",
		"login.email":             "E-mailadresse",
		"login.password":          "Adgangskode",
		"login.submit":            "Log ind",
		"login.oidc":              "Log ind med kommunens login",
		"login.or":                "Eller log ind med e-mail og adgangskode",
		"login.errors_title":      "Du blev ikke logget ind",
		"login.email_required":    "Skriv din e-mailadresse.",
		"login.password_required": "Skriv din adgangskode.",
		"login.bad":               "Forkert e-mailadresse eller adgangskode.",
		"login.ratelimited":       "For mange mislykkede forsøg. Vent %d minutter, og prøv igen.",
		"login.oidc_failed":       "Log ind med kommunens login mislykkedes. Prøv igen.",
		"login.norole":            "Du er kendt af kommunens login, men har ingen adgang til tillid. Kontakt HR, hvis du skal have adgang.",
		"login.logged_out":        "Du er logget ud.",
		"login.logged_out_all":    "Du er logget ud på alle enheder.",
		"account.title":           "Din konto",
		"account.name":            "Navn",
		"account.email":           "E-mailadresse",
		"account.role":            "Rolle",
		"account.units":           "Dine enheder",
		"account.logout":          "Log ud",
		"account.logout_all":      "Log ud på alle enheder",
		"account.logout_all_hint": "Afslutter alle dine sessioner, fx hvis du har glemt at logge ud på en anden computer.",
		"role.administrator":      "HR (administrator)",
		"role.manager":            "Leder",
		"role.committee":          "MED-udvalg",
		"forbidden.title":         "Ingen adgang",
		"forbidden.text":          "Din rolle giver ikke adgang til denne side. Kontakt HR, hvis du mener, det er en fejl.",
		"pagenotfound.title":      "Siden findes ikke",
		"pagenotfound.text":       "Siden findes ikke, eller den er flyttet.",
		"servererror.title":       "Der skete en fejl",
		"servererror.text":        "Der skete en fejl hos os. Prøv igen om lidt.",
	},
	langEN: {
		"skip":               "Skip to content",
		"nav.label":          "Main menu",
		"nav.results":        "Results",
		"nav.plans":          "Action plans",
		"nav.units":          "Organisation",
		"nav.questionnaires": "Questionnaires",
		"nav.rounds":         "Rounds",
		"nav.absence":        "Sickness absence",
		"nav.audit":          "Log",
		"nav.account":        "My account",
		"lang.other":         "Dansk",
		"footer":             "tillid – anonymous surveys of social capital and working environment",
		"intro.heading":      "About the survey",
		"intro.minutes":      "It takes about %d minutes to answer.",
		"anon.heading":       "How you stay anonymous",
		"anon.untraceable":   "Your answers cannot be traced back to you. They are stored without name, e-mail, link, code or time of day – only with your unit and the date.",
		"anon.groups":        "Results are shown only for groups with at least %d answers.",
		"anon.comments":      "Comments are shown only for groups with at least %d answers, in random order and without any information on who wrote them or when.",
		"anon.used":          "Your invitation is only marked as \"used\", so that nobody can answer twice. When you answered is not stored.",
		"anon.nobody":        "Nobody – not HR, not your manager, not the MED committee – can see your answers.",
		"form.heading":       "Questions",
		"form.note":          "Questions marked \"required\" need an answer. You can always choose \"Don't know / not relevant\".",
		"form.required":      "required",
		"form.comment_hint":  "At most %d characters.",
		"form.submit":        "Send my answers",
		"form.submit_note":   "You can send your answers only once.",
		"errors.title":       "Some answers are missing",
		"errors.intro":       "Please answer these questions. Your other answers are still filled in.",
		"errors.required":    "Choose an answer.",
		"errors.invalid":     "Invalid answer – please choose again.",
		"errors.prefix":      "Error:",
		"tak.title":          "Thank you for your answers",
		"tak.text":           "Your answers have been stored anonymously. You can close the page now.",
		"already.title":      "You have already answered",
		"already.text":       "Answers have already been sent with this invitation. Only one set of answers is kept per invitation, so there is nothing more you need to do.",
		"kode.title":         "Answer with a code",
		"kode.intro":         "If you received a letter with a code, type it here to get to the questionnaire.",
		"kode.label":         "Your code",
		"kode.hint":          "The code is in your letter, e.g. ABCD-EFGH-JK. Upper or lower case, spaces and dashes do not matter.",
		"kode.submit":        "Continue",
		"kode.empty":         "Type your code.",
		"kode.unknown":       "We do not know that code. Check that you typed it as it appears in the letter.",
		"notfound.title":     "Invitation not found",
		"notfound.text":      "The link or code is not valid. Check that you have the whole link from your e-mail, or type the code from your letter.",
		"notfound.link":      "Type a code",
		"closed.title":       "The survey is closed",
		"closed.text":        "The survey \"%s\" closed on %s, and answers can no longer be given. Thank you for your interest.",
		"notopen.title":      "The survey has not opened yet",
		"notopen.text":       "The survey \"%s\" opens on %s. Use the same link again once it has opened.",
		"csrf.title":         "The page has expired",
		"csrf.text":          "We could not confirm that the form came from this site, so nothing was stored. This happens, for example, when the page has been open for a very long time or cookies are turned off. Open the page again and try once more.",
		"csrf.link":          "Try again",
		"ratelimit.title":    "Too many attempts",
		"ratelimit.text":     "Too many invalid codes have been tried from your connection. Wait a quarter of an hour and try again.",
		"invalid.title":      "The form could not be read",
		"invalid.text":       "What was sent could not be stored, and nothing was stored. Open the page again and try once more.",
		"error.title":        "Something went wrong",
		"error.text":         "Something went wrong on our side, and your answers were not stored. Please try again in a little while.",
		// Staff sign-in and access (auth_handlers.go, authz.go).
		"login.title":             "Sign in",
		"login.intro":             "Sign in for HR, managers and the MED committee. To answer a survey you do not sign in – use the link in your e-mail or the code in your letter.",
		"login.email":             "E-mail address",
		"login.password":          "Password",
		"login.submit":            "Sign in",
		"login.oidc":              "Sign in with the municipality's login",
		"login.or":                "Or sign in with e-mail and password",
		"login.errors_title":      "You were not signed in",
		"login.email_required":    "Type your e-mail address.",
		"login.password_required": "Type your password.",
		"login.bad":               "Wrong e-mail address or password.",
		"login.ratelimited":       "Too many failed attempts. Wait %d minutes and try again.",
		"login.oidc_failed":       "Signing in with the municipality's login failed. Please try again.",
		"login.norole":            "The municipality's login knows you, but you have no access to tillid. Contact HR if you need access.",
		"login.logged_out":        "You have signed out.",
		"login.logged_out_all":    "You have signed out on all devices.",
		"account.title":           "Your account",
		"account.name":            "Name",
		"account.email":           "E-mail address",
		"account.role":            "Role",
		"account.units":           "Your units",
		"account.logout":          "Sign out",
		"account.logout_all":      "Sign out on all devices",
		"account.logout_all_hint": "Ends all your sessions, for example if you forgot to sign out on another computer.",
		"role.administrator":      "HR (administrator)",
		"role.manager":            "Manager",
		"role.committee":          "MED committee",
		"forbidden.title":         "No access",
		"forbidden.text":          "Your role gives no access to this page. Contact HR if you think this is a mistake.",
		"pagenotfound.title":      "Page not found",
		"pagenotfound.text":       "The page does not exist, or it has moved.",
		"servererror.title":       "Something went wrong",
		"servererror.text":        "Something went wrong on our side. Please try again in a little while.",
	},
}

// translate returns the message key in lang; an unknown key comes back as
// itself, so a missing text is visible rather than blank.
func translate(lang, key string) string {
	if msg, ok := catalogs[lang][key]; ok {
		return msg
	}
	return key
}

// tprintf translates key in lang and formats it with args.
func tprintf(lang, key string, args ...any) string {
	return fmt.Sprintf(translate(lang, key), args...)
}

// validLang reports whether l is a UI language.
func validLang(l string) bool { return l == langDA || l == langEN }

// otherLang returns the language the switch offers next to lang.
func otherLang(lang string) string {
	if lang == langEN {
		return langDA
	}
	return langEN
}

// requestLang returns the visitor's language: a ?lang= query (which is
// remembered in a cookie), else the cookie, else Danish.
func (s *Server) requestLang(c *gin.Context) string {
	if l := c.Query("lang"); validLang(l) {
		s.rememberLang(c, l)
		return l
	}
	if ck, err := c.Request.Cookie(langCookie); err == nil && validLang(ck.Value) {
		return ck.Value
	}
	return langDA
}

// rememberLang stores the chosen language in a cookie for a year.
func (s *Server) rememberLang(c *gin.Context, lang string) {
	http.SetCookie(c.Writer, &http.Cookie{
		Name:     langCookie,
		Value:    lang,
		Path:     "/",
		MaxAge:   365 * 24 * 3600,
		Secure:   s.secureCookies(),
		HttpOnly: true,
		SameSite: http.SameSiteLaxMode,
	})
}

// secureCookies reports whether cookies are marked Secure: when the app's
// public address is https.
func (s *Server) secureCookies() bool {
	return strings.HasPrefix(strings.ToLower(s.Config.BaseURL), "https://")
}

var monthsDA = [...]string{"januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september", "oktober", "november", "december"}

// formatDate writes d the way a reader of lang expects: "1. marts 2026"
// or "1 March 2026".
func formatDate(lang string, d survey.Date) string {
	if d.IsZero() {
		return ""
	}
	if lang == langEN {
		return d.Format("2 January 2006")
	}
	return fmt.Sprintf("%d. %s %d", d.Day(), monthsDA[d.Month()-1], d.Year())
}
