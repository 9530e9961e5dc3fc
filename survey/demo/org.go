package demo

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
)

// sector is the kind of work a unit does; it shapes the unit's APV
// problems, its sickness absence and who has a work e-mail.
type sector int

const (
	sectorAdmin sector = iota
	sectorSchool
	sectorDaycare
	sectorSocial
	sectorCare
	sectorHealth
	sectorTechnical
	sectorCulture
)

// teamSpec is a team of an institution type: its name and a staff range.
type teamSpec struct {
	name     string
	min, max int
}

// kindSpec is a type of institution or department (afdeling): a name
// pattern (%s takes a place name), its own staff (management,
// administration) and its teams.
type kindSpec struct {
	pattern  string
	sector   sector
	min, max int // own staff
	teams    []teamSpec
}

var (
	kindSchool = kindSpec{"%s Skole", sectorSchool, 3, 5, []teamSpec{
		{"Indskoling", 14, 22}, {"Mellemtrin", 12, 20}, {"Udskoling", 14, 24}, {"SFO", 10, 18}, {"Pedel og administration", 3, 5}}}
	kindDaycare = kindSpec{"Dagtilbud %s", sectorDaycare, 1, 3, []teamSpec{
		{"Vuggestuen", 8, 14}, {"Børnehaven", 10, 18}, {"Køkkenet", 3, 5}}}
	kindPPR = kindSpec{"PPR og Sundhedspleje", sectorHealth, 2, 3, []teamSpec{
		{"Psykologer", 8, 12}, {"Tale-hør og specialpædagogik", 4, 6}, {"Sundhedsplejen", 10, 16}}}
	kindFamily = kindSpec{"Familieafdelingen", sectorSocial, 2, 4, []teamSpec{
		{"Modtagelse og rådgivning", 10, 16}, {"Myndighed", 14, 20}, {"Forebyggelse og familiebehandling", 8, 14}}}
	kindNursingHome = kindSpec{"Plejecenter %s", sectorCare, 4, 7, []teamSpec{
		{"Afsnit A", 22, 32}, {"Afsnit B", 22, 32}, {"Nattevagten", 4, 6}, {"Køkken og service", 6, 10}}}
	kindHomeCare = kindSpec{"Hjemmeplejen %s", sectorCare, 3, 5, []teamSpec{
		{"Distrikt Nord", 30, 45}, {"Distrikt Syd", 30, 45}, {"Aften og nat", 18, 26}, {"Visitation og planlægning", 5, 8}}}
	kindRehab = kindSpec{"Sundhed og Rehabilitering", sectorHealth, 2, 3, []teamSpec{
		{"Træningscentret", 12, 18}, {"Sygeplejen", 20, 30}, {"Hjælpemiddeldepotet", 3, 5}}}
	kindRoads = kindSpec{"Vej og Park", sectorTechnical, 2, 3, []teamSpec{
		{"Vejafdelingen", 18, 26}, {"Parkafdelingen", 20, 30}, {"Værkstedet", 4, 6}}}
	kindPlanning = kindSpec{"Byg, Plan og Miljø", sectorAdmin, 2, 3, []teamSpec{
		{"Byggesag", 8, 12}, {"Natur og Miljø", 7, 11}, {"Planlægning", 5, 8}}}
	kindProperty = kindSpec{"Ejendomme og Service", sectorTechnical, 2, 3, []teamSpec{
		{"Ejendomsservice", 10, 16}, {"Rengøring", 30, 45}}}
	kindLibrary = kindSpec{"%s Bibliotek", sectorCulture, 1, 2, []teamSpec{
		{"Udlån og formidling", 10, 16}, {"Børnebiblioteket", 4, 6}}}
	kindLeisure = kindSpec{"Kultur- og Fritidscentret %s", sectorCulture, 1, 2, []teamSpec{
		{"Fritidsklubben", 8, 12}, {"Idrætshallen", 4, 6}, {"Musikskolen", 10, 15}}}
	kindCitizen = kindSpec{"Borgerservice", sectorAdmin, 2, 3, []teamSpec{
		{"Pas, kørekort og folkeregister", 8, 12}, {"Ydelse og pension", 12, 18}}}
	kindJobcentre = kindSpec{"Jobcenter %s", sectorSocial, 3, 5, []teamSpec{
		{"Virksomhedsservice", 10, 14}, {"Sygedagpenge", 12, 18}, {reorgTeam, 8, 12}, {"Integration", 6, 10}}}
	kindFinance = kindSpec{"Økonomi og HR", sectorAdmin, 2, 3, []teamSpec{
		{"Økonomi", 10, 14}, {"Løn og personale", 10, 14}, {"Digitalisering og IT", 8, 12}}}
	kindSecretariat = kindSpec{"Direktionssekretariatet", sectorAdmin, 8, 12, nil}
)

// The reorganisation: the first jobcentre's youth team is closed and its
// work moves to a new unit in the children and youth department.
const (
	reorgTeam      = "Ungeindsats"
	reorgSuccessor = "Ungeenheden"
)

// deptSpec is a department (forvaltning) with its own staff and how many
// of each kind of institution one district of it holds.
type deptSpec struct {
	name     string
	sector   sector
	min, max int
	kinds    []kindCount
	// districts is how many districts (områder) the department has in
	// the Copenhagen-sized municipality; the default has no district level.
	districts int
}

type kindCount struct {
	kind *kindSpec
	n    int
}

var departments = []deptSpec{
	{"Børn og Unge", sectorAdmin, 6, 10, []kindCount{{&kindSchool, 4}, {&kindDaycare, 5}, {&kindPPR, 1}, {&kindFamily, 1}}, 15},
	{"Ældre og Sundhed", sectorAdmin, 3, 5, []kindCount{{&kindNursingHome, 3}, {&kindHomeCare, 2}, {&kindRehab, 1}}, 15},
	{"Teknik og Miljø", sectorAdmin, 2, 4, []kindCount{{&kindRoads, 1}, {&kindPlanning, 1}, {&kindProperty, 1}}, 8},
	{"Kultur og Fritid", sectorAdmin, 2, 3, []kindCount{{&kindLibrary, 2}, {&kindLeisure, 1}}, 8},
	{"Borgerservice og Administration", sectorAdmin, 0, 0, []kindCount{{&kindCitizen, 1}, {&kindJobcentre, 1}, {&kindFinance, 1}, {&kindSecretariat, 1}}, 6},
}

// placeStems and placeEnds make fictional Danish place names ("Egevang",
// "Bøgely") for institutions, districts and e-mail domains.
var (
	placeStems = []string{"Ege", "Bøge", "Linde", "Aske", "Hylde", "Rose", "Sol", "Skov", "Strand", "Mølle", "Kilde", "Bakke",
		"Eng", "Sø", "Fjord", "Vester", "Øster", "Nørre", "Sønder", "Lille", "Hvide", "Grøn", "Lyng", "Birke", "Ahorn", "Elle",
		"Kløver", "Slots", "Hav", "Rønne"}
	placeEnds = []string{"vang", "gården", "bakken", "høj", "dal", "lund", "toften", "holm", "parken", "ly", "marken", "bo"}
)

// unit is one generated unit: its place in the tree, its own staff and
// its latent social-capital level per month (see latent.go).
type unit struct {
	code, name string
	parent     int // index in org.units; -1 for the root
	level      int // 0 = the municipality
	sector     sector
	staff      int // employees placed directly in the unit
	children   int // sub-units created so far, for the next code
	big        bool
	// created and closed are month indexes (see org.months) bounding when
	// the unit has staff: created ≤ m < closed.
	created, closed int
}

// org is a generated municipality.
type org struct {
	name   string
	domain string // e-mail domain (reserved .example TLD: clearly fictional)
	units  []unit // parents before children
	digits int    // length of a unit code
	// reorgOld and reorgNew index the closed unit and its successor.
	reorgOld, reorgNew int
}

// buildOrg generates the unit tree and staff of a municipality of the
// given size, scaled to about its number of employees.
func buildOrg(sz sizeSpec, rng *rand.Rand) *org {
	levels := 4
	if sz.districts {
		levels = 5
	}
	o := &org{name: sz.name, domain: sz.domain, digits: 1 + 2*(levels-2), reorgOld: -1}
	places := placeNames(rng)
	o.add(-1, sz.name, sectorAdmin, 0, false)
	for d, dept := range departments {
		di := o.addCode(0, fmt.Sprint(d+2), dept.name, dept.sector, between(rng, dept.min, dept.max), false)
		parents := []int{di}
		if sz.districts {
			parents = parents[:0]
			for range dept.districts {
				parents = append(parents, o.add(di, "Område "+places.next(), dept.sector, between(rng, 0, 2), false))
			}
		}
		for _, p := range parents {
			for _, kc := range dept.kinds {
				for range kc.n {
					o.addInstitution(p, kc.kind, places, rng)
				}
			}
		}
	}
	o.scaleStaff(sz.employees)
	return o
}

// addInstitution adds an institution of kind k under parent, with its teams.
func (o *org) addInstitution(parent int, k *kindSpec, places *placeList, rng *rand.Rand) {
	name := k.pattern
	switch {
	case strings.Contains(name, "%s"):
		name = fmt.Sprintf(name, places.next())
	case o.units[parent].level > 1:
		name += " " + strings.TrimPrefix(o.units[parent].name, "Område ")
	}
	ii := o.add(parent, name, k.sector, between(rng, k.min, k.max), k.max > 8)
	for _, t := range k.teams {
		ti := o.add(ii, t.name, k.sector, between(rng, t.min, t.max), t.max > 8)
		if t.name == reorgTeam && o.reorgOld < 0 {
			o.reorgOld = ti
		}
	}
}

// add appends a unit under parent with the next free code and returns its index.
func (o *org) add(parent int, name string, sec sector, staff int, big bool) int {
	if parent < 0 {
		return o.addCode(-1, "1", name, sec, staff, big)
	}
	p := &o.units[parent]
	p.children++
	return o.addCode(parent, fmt.Sprintf("%s%02d", p.code[:1+2*(p.level-1)], p.children), name, sec, staff, big)
}

// addCode appends a unit with the given code prefix (padded with zeros).
func (o *org) addCode(parent int, prefix, name string, sec sector, staff int, big bool) int {
	level := 0
	if parent >= 0 {
		level = o.units[parent].level + 1
	}
	o.units = append(o.units, unit{
		code: prefix + strings.Repeat("0", o.digits-len(prefix)), name: name, parent: parent, level: level,
		sector: sec, staff: staff, big: big, closed: math.MaxInt,
	})
	return len(o.units) - 1
}

// scaleStaff scales the big teams so that the municipality has about
// target employees; small teams (of 3–6, say) stay small so that the
// anonymity threshold has something to hide.
func (o *org) scaleStaff(target int) {
	var small, big int
	for _, u := range o.units {
		if u.big {
			big += u.staff
		} else {
			small += u.staff
		}
	}
	f := float64(target-small) / float64(big)
	for i := range o.units {
		if o.units[i].big {
			o.units[i].staff = int(math.Round(float64(o.units[i].staff) * f))
		}
	}
}

// employees returns the number of employees of the municipality.
func (o *org) employees() int {
	n := 0
	for _, u := range o.units {
		n += u.staff
	}
	return n
}

// placeList hands out fictional place names in a seeded order.
type placeList struct {
	names []string
	i     int
}

func placeNames(rng *rand.Rand) *placeList {
	var names []string
	for _, s := range placeStems {
		for _, e := range placeEnds {
			names = append(names, s+e)
		}
	}
	rng.Shuffle(len(names), func(i, j int) { names[i], names[j] = names[j], names[i] })
	return &placeList{names: names}
}

// next returns the next place name; after all have been used once it
// adds a number.
func (p *placeList) next() string {
	n := p.names[p.i%len(p.names)]
	if r := p.i / len(p.names); r > 0 {
		n = fmt.Sprintf("%s %d", n, r+1)
	}
	p.i++
	return n
}

// between returns a uniform integer in [lo, hi].
func between(rng *rand.Rand, lo, hi int) int {
	if hi <= lo {
		return lo
	}
	return lo + rng.IntN(hi-lo+1)
}
