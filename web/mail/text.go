package mail

import (
	"fmt"
	"strings"
)

// Invitation is what an invitation or reminder e-mail says; dates come
// formatted for each language.
type Invitation struct {
	Municipality, RoundName string
	// Link is the employee's personal link to the form.
	Link               string
	OpensDA, OpensEN   string
	ClosesDA, ClosesEN string
	// Minutes is about how long answering takes; 0 leaves it out.
	Minutes int
	// Threshold is the round's anonymity threshold k.
	Threshold int
	// Contact is whom to ask about the survey.
	Contact string
	// Reminder makes it a reminder to someone who has not answered yet.
	Reminder bool
}

// Message returns the e-mail to the address to: Danish first, English
// below.
func (inv Invitation) Message(to string) Message {
	subject := fmt.Sprintf("Spørgeskema: %s / Survey: %s", inv.RoundName, inv.RoundName)
	if inv.Reminder {
		subject = "Påmindelse / Reminder – " + subject
	}
	var b strings.Builder
	inv.write(&b, letterDA, inv.OpensDA, inv.ClosesDA)
	b.WriteString("\n----------------------------------------\n\n")
	inv.write(&b, letterEN, inv.OpensEN, inv.ClosesEN)
	return Message{To: to, Subject: subject, Text: b.String()}
}

// letter is an invitation's words in one language; each text's verbs
// take the values named in its comment.
type letter struct {
	intro     string // the first line: "(English below)" or ""
	greeting  string
	reminder  string // the round
	survey    string // the municipality, the round
	answer    string // before the link
	open      string // opens, closes, the minutes text
	minutes   string // minutes
	anonymous string // the threshold
	contact   string // whom to ask
	regards   string
}

var letterDA = letter{
	intro:     "(English below)",
	greeting:  "Kære medarbejder",
	reminder:  "Vi mangler stadig dit svar på spørgeskemaet \"%s\". Har du svaret i mellemtiden, kan du se bort fra denne påmindelse.",
	survey:    "%s måler trivsel, social kapital og arbejdsmiljø med spørgeskemaet \"%s\". Dine svar hjælper din arbejdsplads med at blive et bedre sted at arbejde.",
	answer:    "Svar her – linket er personligt, så del det ikke med andre:",
	open:      "Spørgeskemaet er åbent fra %s til og med %s.%s",
	minutes:   " Det tager cirka %d minutter at svare.",
	anonymous: "Du er anonym: Dine svar gemmes uden navn, e-mail, link og klokkeslæt og kan ikke spores tilbage til dig. Resultater vises kun for grupper med mindst %d svar. Ingen – hverken HR, din leder eller MED-udvalget – kan se dine svar.",
	contact:   "Har du spørgsmål, så kontakt %s.",
	regards:   "Med venlig hilsen",
}

var letterEN = letter{
	greeting:  "Dear colleague",
	reminder:  "We have not yet received your answers to the survey \"%s\". If you have answered in the meantime, please ignore this reminder.",
	survey:    "%s is surveying well-being, social capital and the working environment with the questionnaire \"%s\". Your answers help make your workplace a better place to work.",
	answer:    "Answer here – the link is personal, so do not share it:",
	open:      "The survey is open from %s up to and including %s.%s",
	minutes:   " It takes about %d minutes to answer.",
	anonymous: "You are anonymous: your answers are stored without name, e-mail, link or time of day and cannot be traced back to you. Results are shown only for groups with at least %d answers. Nobody – not HR, not your manager, not the MED committee – can see your answers.",
	contact:   "If you have questions, contact %s.",
	regards:   "Kind regards",
}

// write writes the invitation to b in the words of l, with the round's
// dates formatted for its language.
func (inv Invitation) write(b *strings.Builder, l letter, opens, closes string) {
	para := func(format string, args ...any) { fmt.Fprintf(b, format+"\n\n", args...) }
	if l.intro != "" {
		para("%s", l.intro)
	}
	para("%s", l.greeting)
	if inv.Reminder {
		para(l.reminder, inv.RoundName)
	}
	para(l.survey, inv.Municipality, inv.RoundName)
	fmt.Fprintf(b, "%s\n", l.answer)
	para("%s", inv.Link)
	para(l.open, opens, closes, minutes(inv.Minutes, l.minutes))
	para(l.anonymous, inv.Threshold)
	para(l.contact, inv.Contact)
	fmt.Fprintf(b, "%s\n%s\n", l.regards, inv.Municipality)
}

// minutes formats the time to answer with format, or "" when unknown.
func minutes(n int, format string) string {
	if n <= 0 {
		return ""
	}
	return fmt.Sprintf(format, n)
}
