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
	w := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }

	w("(English below)")
	w("")
	w("Kære medarbejder")
	w("")
	if inv.Reminder {
		w("Vi mangler stadig dit svar på spørgeskemaet \"%s\". Har du svaret i mellemtiden, kan du se bort fra denne påmindelse.", inv.RoundName)
		w("")
	}
	w("%s måler trivsel, social kapital og arbejdsmiljø med spørgeskemaet \"%s\". Dine svar hjælper din arbejdsplads med at blive et bedre sted at arbejde.", inv.Municipality, inv.RoundName)
	w("")
	w("Svar her – linket er personligt, så del det ikke med andre:")
	w("%s", inv.Link)
	w("")
	w("Spørgeskemaet er åbent fra %s til og med %s.%s", inv.OpensDA, inv.ClosesDA, minutes(inv.Minutes, " Det tager cirka %d minutter at svare."))
	w("")
	w("Du er anonym: Dine svar gemmes uden navn, e-mail, link og klokkeslæt og kan ikke spores tilbage til dig. Resultater vises kun for grupper med mindst %d svar. Ingen – hverken HR, din leder eller MED-udvalget – kan se dine svar.", inv.Threshold)
	w("")
	w("Har du spørgsmål, så kontakt %s.", inv.Contact)
	w("")
	w("Med venlig hilsen")
	w("%s", inv.Municipality)
	w("")
	w("----------------------------------------")
	w("")
	w("Dear colleague")
	w("")
	if inv.Reminder {
		w("We have not yet received your answers to the survey \"%s\". If you have answered in the meantime, please ignore this reminder.", inv.RoundName)
		w("")
	}
	w("%s is surveying well-being, social capital and the working environment with the questionnaire \"%s\". Your answers help make your workplace a better place to work.", inv.Municipality, inv.RoundName)
	w("")
	w("Answer here – the link is personal, so do not share it:")
	w("%s", inv.Link)
	w("")
	w("The survey is open from %s up to and including %s.%s", inv.OpensEN, inv.ClosesEN, minutes(inv.Minutes, " It takes about %d minutes to answer."))
	w("")
	w("You are anonymous: your answers are stored without name, e-mail, link or time of day and cannot be traced back to you. Results are shown only for groups with at least %d answers. Nobody – not HR, not your manager, not the MED committee – can see your answers.", inv.Threshold)
	w("")
	w("If you have questions, contact %s.", inv.Contact)
	w("")
	w("Kind regards")
	w("%s", inv.Municipality)
	return Message{To: to, Subject: subject, Text: b.String()}
}

// minutes formats the time to answer with format, or "" when unknown.
func minutes(n int, format string) string {
	if n <= 0 {
		return ""
	}
	return fmt.Sprintf(format, n)
}
