package report

import (
	"fmt"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/tillid/tillid/metrics"
)

// words are the report's own texts in one language.
type words struct {
	slug        map[Kind]string // a figure's name in file names
	title       map[Kind]string // a figure's heading
	explain     map[Kind]string // a figure's short explanation
	index       string          // the social-capital index as a series and a row
	report      string          // the report's name ("rapport") in file names
	reportTitle string
	round       string
	period      string
	generated   string
	threshold   string
	response    string
	figures     string
	contents    string
	page        string // "Side %d af %s"
	csv         string
	anonymity   string
	tooFew      string // notice of a unit whose result is suppressed: unit, k
	complement  string // the same, hidden to protect another group
	notClosed   string
	notShown    string // response rate when its counts are hidden
	months      [12]string
}

var wordsDA = words{
	slug: map[Kind]string{
		Trend: "trend", Dimensions: "dimensioner", Items: "spoergsmaal", APV: "apv",
		Heatmap: "heatmap", Scatter: "fravaer-og-social-kapital", Response: "svarprocent", Notice: "for-faa-svar",
	},
	title: map[Kind]string{
		Trend:      "Social kapital og sygefravær over tid",
		Dimensions: "Dimensioner sammenlignet med niveauet over og hele kommunen",
		Items:      "Svarfordeling",
		APV:        "Arbejdspladsvurdering: andel der oplever problemer",
		Heatmap:    "Enhederne under ét: indeks og dimensioner",
		Scatter:    "Sygefravær og social kapital på tværs af enheder",
		Response:   "Svarprocent pr. enhed",
		Notice:     "For få svar",
	},
	explain: map[Kind]string{
		Trend:      "Social kapital-indekset og dets dimensioner i hver måling med 95 %-konfidensinterval, over enhedens sygefravær pr. måned og det løbende gennemsnit for 12 måneder. En ring markerer en statistisk signifikant ændring fra forrige måling (p < 0,05).",
		Dimensions: "Enhedens score (0–100) på indekset og hver dimension ved siden af niveauet over enheden og hele kommunen. Stregerne er 95 %-konfidensintervaller: overlapper de meget, er forskellen usikker.",
		Items:      "Svarene på hvert spørgsmål: uenige til venstre og enige til højre for midterlinjen, neutrale svar delt over den. \"Ved ikke\" står for sig til højre.",
		APV:        "Andelen der oplever noget eller et stort problem, pr. spørgsmål i arbejdspladsvurderingen, største først, med 95 %-interval (Wilson). Brug figuren til at vælge, hvad handlingsplanen skal tage fat på.",
		Heatmap:    "Indekset og dimensionerne for enheden og enhederne under den. Varme farver er lave scorer, kolde farver høje. Skraverede felter har for få svar.",
		Scatter:    "Hver prik er en enhed: dens social kapital-indeks i målingen og dens sygefravær i de 12 måneder efter. r er Pearsons og ρ Spearmans korrelation. En sammenhæng viser ikke, hvad der er årsag.",
		Response:   "Besvarelser ud af inviterede medarbejdere pr. enhed. Tal for grupper med færre end k inviterede vises ikke.",
		Notice:     "",
	},
	index:       "Social kapital-indeks",
	report:      "rapport",
	reportTitle: "Rapport til MED-udvalget",
	round:       "Måling",
	period:      "Periode",
	generated:   "Dannet",
	threshold:   "Anonymitetsgrænse",
	response:    "Svarprocent",
	figures:     "Figurer",
	contents:    "Indhold",
	page:        "Side %d af %s",
	csv:         "Tallene bag figuren (CSV)",
	anonymity:   "Alle tal er beregnet efter tillids anonymitetsregler: resultater vises kun for grupper med mindst k = %d besvarelser, og en gruppe skjules også, hvis den ellers kunne regnes ud som forskellen mellem to viste grupper. Skjulte tal står som \"for få svar\" og er aldrig 0.",
	tooFew:      "Der er for få svar fra %s i denne måling til at vise resultater (færre end k = %d). Svarene indgår i resultaterne for enhederne over den.",
	complement:  "Resultaterne for %s vises ikke i denne måling: ellers kunne man regne sig frem til en gruppe med færre end k = %d svar. Svarene indgår i resultaterne for enhederne over den.",
	notClosed:   "målingen er ikke afsluttet",
	notShown:    "skjult",
	months:      [12]string{"januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september", "oktober", "november", "december"},
}

var wordsEN = words{
	slug: map[Kind]string{
		Trend: "trend", Dimensions: "dimensions", Items: "items", APV: "apv",
		Heatmap: "heatmap", Scatter: "absence-and-social-capital", Response: "response-rate", Notice: "too-few-responses",
	},
	title: map[Kind]string{
		Trend:      "Social capital and sickness absence over time",
		Dimensions: "Dimensions compared with the level above and the whole municipality",
		Items:      "Answers",
		APV:        "Workplace assessment: share reporting a problem",
		Heatmap:    "The units together: index and dimensions",
		Scatter:    "Sickness absence and social capital across units",
		Response:   "Response rate by unit",
		Notice:     "Too few responses",
	},
	explain: map[Kind]string{
		Trend:      "The social capital index and its dimensions in each round with their 95% confidence intervals, above the unit's monthly sickness absence and its rolling 12-month average. A ring marks a statistically significant change from the previous round (p < 0.05).",
		Dimensions: "The unit's score (0–100) on the index and each dimension beside the level above it and the whole municipality. The whiskers are 95% confidence intervals: where they overlap a lot, the difference is uncertain.",
		Items:      "The answers to each question: disagreement left and agreement right of the centre line, neutral answers split across it. \"Don't know\" is shown apart on the right.",
		APV:        "The share reporting some or a big problem for each question of the workplace assessment, largest first, with a 95% interval (Wilson). Use it to choose what the action plan should address.",
		Heatmap:    "The index and the dimensions of the unit and the units below it. Warm colours are low scores, cool colours high ones. Hatched cells have too few responses.",
		Scatter:    "Each dot is a unit: its social capital index in the round and its sickness absence in the following 12 months. r is Pearson's and ρ Spearman's correlation. A correlation does not show what causes what.",
		Response:   "Responses out of invited employees per unit. Counts for groups with fewer than k invited are not shown.",
		Notice:     "",
	},
	index:       "Social capital index",
	report:      "report",
	reportTitle: "Report to the MED committee",
	round:       "Round",
	period:      "Period",
	generated:   "Generated",
	threshold:   "Anonymity threshold",
	response:    "Response rate",
	figures:     "Figures",
	contents:    "Contents",
	page:        "Page %d of %s",
	csv:         "The numbers behind the figure (CSV)",
	anonymity:   "Every number follows tillid's anonymity rules: results are shown only for groups of at least k = %d responses, and a group is hidden too when it could otherwise be worked out as the difference between two shown groups. Hidden numbers read \"too few responses\" and are never 0.",
	tooFew:      "There are too few responses from %s in this round to show results (fewer than k = %d). Its answers count in the results of the units above it.",
	complement:  "The results of %s are not shown in this round: otherwise a group of fewer than k = %d responses could be worked out. Its answers count in the results of the units above it.",
	notClosed:   "the round is not closed",
	notShown:    "hidden",
	months:      [12]string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},
}

// wordsFor returns the words of lang ("da", the default, or "en").
func wordsFor(lang string) (*words, error) {
	switch lang {
	case "", "da":
		return &wordsDA, nil
	case "en":
		return &wordsEN, nil
	}
	return nil, fmt.Errorf("report: unknown language %q (want da or en)", lang)
}

// notice is the text of the page of a unit whose result is suppressed.
func (w *words) notice(unit string, k int, reason metrics.Reason) string {
	if reason == metrics.ReasonComplementary {
		return fmt.Sprintf(w.complement, unit, k)
	}
	return fmt.Sprintf(w.tooFew, unit, k)
}

// date writes a calendar date (YYYY-MM-DD) in words: "31. marts 2024" or "31 March 2024".
func (w *words) date(iso string) string {
	var y, m, d int
	if _, err := fmt.Sscanf(iso, "%d-%d-%d", &y, &m, &d); err != nil || m < 1 || m > 12 {
		return iso
	}
	if w == &wordsDA {
		return fmt.Sprintf("%d. %s %d", d, w.months[m-1], y)
	}
	return fmt.Sprintf("%d %s %d", d, w.months[m-1], y)
}

// name picks the Danish or English name of a measure.
func (w *words) name(da, en string) string {
	if w == &wordsEN && en != "" {
		return en
	}
	return da
}

// slugLetters spell the Danish letters in ASCII.
var slugLetters = strings.NewReplacer("æ", "ae", "ø", "oe", "å", "aa", "Æ", "ae", "Ø", "oe", "Å", "aa", "ß", "ss")

// maxSlug bounds the length of one slug in a file name.
const maxSlug = 48

// Slug returns s as a lower-case ASCII file-name part: æ → ae, ø → oe,
// å → aa, other accents dropped, anything else but letters and digits a
// single hyphen, at most 48 characters.
func Slug(s string) string {
	var b strings.Builder
	hyphen := false
	for _, r := range norm.NFD.String(slugLetters.Replace(s)) {
		switch {
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			if hyphen && b.Len() > 0 {
				b.WriteByte('-')
			}
			hyphen = false
			b.WriteRune(unicode.ToLower(r))
		case unicode.Is(unicode.Mn, r): // an accent of the letter before
		default:
			hyphen = true
		}
	}
	out := b.String()
	if len(out) > maxSlug {
		out = strings.TrimRight(out[:maxSlug], "-")
	}
	return out
}
