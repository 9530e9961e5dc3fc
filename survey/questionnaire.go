package survey

import (
	_ "embed"
	"slices"
	"strings"
)

// ItemType is how an item is answered; it fixes the answer values.
type ItemType string

// The item types. Answer values: likert5 1..5 (1 = strongly disagree,
// 5 = strongly agree), problem3 1..3 (no, some, big problem), yesno
// 1 = yes, 2 = no; 0 is "don't know / not relevant" for every scored type.
// text items are free-text comments and have no values.
const (
	Likert5  ItemType = "likert5"
	Problem3 ItemType = "problem3"
	YesNo    ItemType = "yesno"
	Text     ItemType = "text"
)

// Choice is one answer option of an item type.
type Choice struct {
	Value  int
	DA, EN string
}

// Label returns the choice's text in lang ("da" or "en"), Danish by default.
func (c Choice) Label(lang string) string { return localized(lang, c.DA, c.EN) }

// dontKnow is the last choice of every scored item type.
var dontKnow = Choice{0, "Ved ikke / ikke relevant", "Don't know / not relevant"}

var choices = map[ItemType][]Choice{
	Likert5: {
		{1, "Helt uenig", "Strongly disagree"},
		{2, "Delvis uenig", "Somewhat disagree"},
		{3, "Hverken enig eller uenig", "Neither agree nor disagree"},
		{4, "Delvis enig", "Somewhat agree"},
		{5, "Helt enig", "Strongly agree"},
		dontKnow,
	},
	Problem3: {
		{1, "Nej, ikke et problem", "No, not a problem"},
		{2, "Ja, i nogen grad", "Yes, to some extent"},
		{3, "Ja, i høj grad", "Yes, to a great extent"},
		dontKnow,
	},
	YesNo: {
		{1, "Ja", "Yes"},
		{2, "Nej", "No"},
		dontKnow,
	},
}

// Choices returns the answer options of t in display order, "don't know /
// not relevant" (value 0) last; text items have none.
func (t ItemType) Choices() []Choice { return slices.Clone(choices[t]) }

// Valid reports whether t is one of the four item types.
func (t ItemType) Valid() bool {
	return t == Text || choices[t] != nil
}

// ValidValue reports whether v is an answer value of an item of type t.
func ValidValue(t ItemType, v int) bool {
	return slices.ContainsFunc(choices[t], func(c Choice) bool { return c.Value == v })
}

// Questionnaire is one version of a questionnaire: its texts, focus
// areas, dimensions and items, grouped into the sections of the form.
type Questionnaire struct {
	ID         int64
	Key        string
	Version    int
	TitleDA    string
	TitleEN    string
	IntroDA    string
	IntroEN    string
	Minutes    int
	FocusAreas []FocusArea
	Dimensions []Dimension
	Sections   []Section
	Items      []Item // all items in form order
}

// FocusArea is a strategic theme for a period that items can be tagged with.
type FocusArea struct {
	Key, NameDA, NameEN string
	From, To            Date
}

// Dimension groups items into one score; the social-capital index
// averages the social-capital dimensions.
type Dimension struct {
	Key, NameDA, NameEN string
	SocialCapital       bool
}

// Section is one page or group of the form.
type Section struct {
	Key, TitleDA, TitleEN string
	Items                 []Item
}

// Item is one question. Position is its 1-based place in the whole form;
// Section, Dimension and FocusArea hold keys (Dimension and FocusArea may
// be empty).
type Item struct {
	ID                int64
	Key               string
	Position          int
	Section           string
	Type              ItemType
	TextDA, TextEN    string
	Dimension         string
	FocusArea         string
	Reverse, Required bool
}

// Title returns the questionnaire's title in lang.
func (q *Questionnaire) Title(lang string) string { return localized(lang, q.TitleDA, q.TitleEN) }

// Intro returns the questionnaire's introduction in lang.
func (q *Questionnaire) Intro(lang string) string { return localized(lang, q.IntroDA, q.IntroEN) }

// Name returns the focus area's name in lang.
func (f FocusArea) Name(lang string) string { return localized(lang, f.NameDA, f.NameEN) }

// Name returns the dimension's name in lang.
func (d Dimension) Name(lang string) string { return localized(lang, d.NameDA, d.NameEN) }

// Title returns the section's title in lang.
func (s Section) Title(lang string) string { return localized(lang, s.TitleDA, s.TitleEN) }

// Text returns the item's text in lang.
func (it Item) Text(lang string) string { return localized(lang, it.TextDA, it.TextEN) }

// localized picks the English text for an English lang ("en", "en-GB"),
// else the Danish one.
func localized(lang, da, en string) string {
	if strings.HasPrefix(lang, "en") && en != "" {
		return en
	}
	return da
}

// ItemByKey returns the item with the given key.
func (q *Questionnaire) ItemByKey(key string) (Item, bool) {
	i := slices.IndexFunc(q.Items, func(it Item) bool { return it.Key == key })
	if i < 0 {
		return Item{}, false
	}
	return q.Items[i], true
}

// ItemByID returns the item with the given stored id.
func (q *Questionnaire) ItemByID(id int64) (Item, bool) {
	i := slices.IndexFunc(q.Items, func(it Item) bool { return it.ID == id })
	if i < 0 || id == 0 {
		return Item{}, false
	}
	return q.Items[i], true
}

// DimensionByKey returns the dimension with the given key.
func (q *Questionnaire) DimensionByKey(key string) (Dimension, bool) {
	i := slices.IndexFunc(q.Dimensions, func(d Dimension) bool { return d.Key == key })
	if i < 0 {
		return Dimension{}, false
	}
	return q.Dimensions[i], true
}

// clone returns a deep copy of q, so a cached questionnaire is never
// changed through a copy handed out.
func (q *Questionnaire) clone() *Questionnaire {
	c := *q
	c.FocusAreas = slices.Clone(q.FocusAreas)
	c.Dimensions = slices.Clone(q.Dimensions)
	c.Items = slices.Clone(q.Items)
	c.Sections = slices.Clone(q.Sections)
	for i := range c.Sections {
		c.Sections[i].Items = slices.Clone(q.Sections[i].Items)
	}
	return &c
}

// setItemIDs sets the stored id of every item, in Items and in Sections.
func (q *Questionnaire) setItemIDs(ids map[string]int64) {
	for i := range q.Items {
		q.Items[i].ID = ids[q.Items[i].Key]
	}
	for s := range q.Sections {
		for i := range q.Sections[s].Items {
			q.Sections[s].Items[i].ID = ids[q.Sections[s].Items[i].Key]
		}
	}
}

//go:embed questionnaires/tillid-standard.yaml
var defaultQuestionnaire []byte

// DefaultQuestionnaire returns the YAML source of tillid's default
// questionnaire (social capital, APV and the 2018–2021 focus areas).
func DefaultQuestionnaire() []byte { return slices.Clone(defaultQuestionnaire) }
