package survey

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
)

// The questionnaire's family key may hold hyphens; the keys of focus
// areas, dimensions, sections and items are identifiers.
var (
	familyKeyPattern = regexp.MustCompile(`^[a-z0-9_-]+$`)
	keyPattern       = regexp.MustCompile(`^[a-z0-9_]+$`)
)

const (
	maxKeyLen  = 64
	maxMinutes = 120
)

// ParseQuestionnaire reads and validates a questionnaire written in YAML
// (see survey/questionnaires/README.md). A rejected file yields
// ImportErrors listing every problem with its line and the key of the
// entry it concerns, e.g. "items[vt1].type".
func ParseQuestionnaire(data []byte) (*Questionnaire, error) {
	p := &qparser{}
	q := p.parse(data)
	if len(p.errs) > 0 {
		sort.SliceStable(p.errs, func(i, j int) bool { return p.errs[i].Line < p.errs[j].Line })
		return nil, p.errs
	}
	return q, nil
}

// qparser walks the YAML syntax tree, so that every problem can name its
// line, and collects all problems instead of stopping at the first.
type qparser struct {
	errs ImportErrors

	focusAreas map[string]bool
	dimensions map[string]Dimension
	items      map[string]bool
	dimType    map[string]ItemType // the item type of each used dimension
	dimItems   map[string]int
}

func (p *qparser) fail(n ast.Node, column, value, format string, args ...any) {
	p.errs = append(p.errs, LineError{Line: lineOf(n), Column: column, Value: value, Msg: fmt.Sprintf(format, args...)})
}

// lineOf returns n's line; a block mapping's is that of its first key.
func lineOf(n ast.Node) int {
	if m, ok := n.(*ast.MappingNode); ok && len(m.Values) > 0 {
		return lineOf(m.Values[0].Key)
	}
	if n == nil || n.GetToken() == nil {
		return 1
	}
	return n.GetToken().Position.Line
}

func (p *qparser) parse(data []byte) *Questionnaire {
	file, err := parser.ParseBytes(data, 0, parser.AllowDuplicateMapKey())
	if err != nil {
		var se *yaml.SyntaxError
		line, msg := 1, err.Error()
		if errors.As(err, &se) && se.Token != nil {
			line, msg = se.Token.Position.Line, se.Message
		}
		p.errs = append(p.errs, LineError{Line: line, Msg: "YAML syntax error: " + msg})
		return nil
	}
	var body ast.Node
	for _, doc := range file.Docs {
		switch {
		case doc.Body == nil:
		case body == nil:
			body = doc.Body
		default:
			p.fail(doc.Body, "", "", "only one YAML document is allowed")
		}
	}
	if body == nil || body.Type() == ast.NullType {
		p.fail(body, "", "", "empty questionnaire")
		return nil
	}
	for _, t := range []ast.NodeType{ast.AnchorType, ast.AliasType, ast.TagType} {
		for _, n := range ast.Filter(t, body) {
			p.fail(n, "", "", "YAML anchors, aliases and tags are not supported")
		}
	}
	if len(p.errs) > 0 {
		return nil
	}
	return p.questionnaire(body)
}

func (p *qparser) questionnaire(body ast.Node) *Questionnaire {
	root, ok := p.mapping(body, "")
	if !ok {
		return nil
	}
	root.allow("key", "title", "intro", "minutes", "focus_areas", "dimensions", "sections")
	q := &Questionnaire{Key: root.key("key", familyKeyPattern)}
	q.TitleDA, q.TitleEN = root.text("title")
	q.IntroDA, q.IntroEN = root.text("intro")
	q.Minutes = root.integer("minutes", 1, maxMinutes)

	p.focusAreas = map[string]bool{}
	for i, n := range root.list("focus_areas", false) {
		if f, ok := p.focusArea(n, i+1); ok {
			q.FocusAreas = append(q.FocusAreas, f)
		}
	}
	p.dimensions = map[string]Dimension{}
	dimNodes, seen := map[string]ast.Node{}, map[string]bool{}
	for i, n := range root.list("dimensions", false) {
		if d, ok := p.dimension(n, i+1, seen); ok {
			q.Dimensions = append(q.Dimensions, d)
			dimNodes[d.Key] = n
		}
	}
	p.items, p.dimType, p.dimItems = map[string]bool{}, map[string]ItemType{}, map[string]int{}
	seen = map[string]bool{}
	for i, n := range root.list("sections", true) {
		s, ok := p.section(n, i+1, len(q.Items), seen)
		if !ok {
			continue
		}
		q.Sections = append(q.Sections, s)
		q.Items = append(q.Items, s.Items...)
	}
	if len(q.Items) == 0 && len(p.errs) == 0 {
		p.fail(root.get("sections"), "sections", "", "empty questionnaire: no items")
	}
	for _, d := range q.Dimensions {
		n, col := p.dimItems[d.Key], "dimensions["+d.Key+"]"
		switch {
		case d.SocialCapital && n < 2:
			p.fail(dimNodes[d.Key], col, d.Key, "a social-capital dimension needs at least 2 items, has %d", n)
		case n == 0:
			p.fail(dimNodes[d.Key], col, d.Key, "no item uses this dimension")
		}
	}
	return q
}

func (p *qparser) focusArea(n ast.Node, index int) (FocusArea, bool) {
	m, key, ok := p.entry(n, "focus_areas", index, p.focusAreas, "key", "name", "from", "to")
	if !ok {
		return FocusArea{}, false
	}
	f := FocusArea{Key: key, From: m.date("from"), To: m.date("to")}
	f.NameDA, f.NameEN = m.text("name")
	if !f.From.IsZero() && !f.To.IsZero() && f.To.Before(f.From.Time) {
		p.fail(m.get("to"), m.col("to"), f.To.String(), "the period ends before it starts (%s)", f.From)
	}
	return f, true
}

func (p *qparser) dimension(n ast.Node, index int, seen map[string]bool) (Dimension, bool) {
	m, key, ok := p.entry(n, "dimensions", index, seen, "key", "name", "social_capital")
	if !ok {
		return Dimension{}, false
	}
	d := Dimension{Key: key, SocialCapital: m.boolean("social_capital")}
	d.NameDA, d.NameEN = m.text("name")
	if key == "" {
		return Dimension{}, false
	}
	p.dimensions[key] = d
	return d, true
}

// section reads a section and its items; before is the number of items
// in the sections above it, seen the section keys so far.
func (p *qparser) section(n ast.Node, index, before int, seen map[string]bool) (Section, bool) {
	m, key, ok := p.entry(n, "sections", index, seen, "key", "title", "items")
	if !ok {
		return Section{}, false
	}
	s := Section{Key: key}
	s.TitleDA, s.TitleEN = m.text("title")
	items := m.list("items", true)
	if len(items) == 0 && m.get("items") != nil {
		p.fail(m.get("items"), m.col("items"), "", "a section needs at least one item")
	}
	for _, n := range items {
		if it, ok := p.item(n, before+len(s.Items)+1, key); ok {
			s.Items = append(s.Items, it)
		}
	}
	return s, true
}

func (p *qparser) item(n ast.Node, position int, section string) (Item, bool) {
	m, key, ok := p.entry(n, "items", position, p.items, "key", "type", "text", "dimension", "focus_area", "reverse", "required")
	if !ok {
		return Item{}, false
	}
	it := Item{Key: key, Position: position, Section: section, Type: ItemType(m.str("type", true))}
	if it.Type != "" && !it.Type.Valid() {
		p.fail(m.get("type"), m.col("type"), string(it.Type), "unknown type; want likert5, problem3, yesno or text")
	}
	it.TextDA, it.TextEN = m.text("text")
	it.Dimension, it.FocusArea = m.str("dimension", false), m.str("focus_area", false)
	it.Reverse, it.Required = m.boolean("reverse"), m.boolean("required")
	if it.Reverse && it.Type != Likert5 && it.Type.Valid() {
		p.fail(m.get("reverse"), m.col("reverse"), "true", "only likert5 items can be reverse-worded, not %s", it.Type)
	}
	if it.FocusArea != "" && !p.focusAreas[it.FocusArea] {
		p.fail(m.get("focus_area"), m.col("focus_area"), it.FocusArea, "focus area not declared under focus_areas")
	}
	p.checkDimension(m, it)
	return it, true
}

// checkDimension checks an item's dimension: declared, not on a text item,
// one item type per dimension and likert5 in social-capital dimensions,
// so that every dimension has one scale to score on.
func (p *qparser) checkDimension(m *yamlMap, it Item) {
	if it.Dimension == "" {
		return
	}
	d, ok := p.dimensions[it.Dimension]
	dn, col := m.get("dimension"), m.col("dimension")
	switch {
	case !ok:
		p.fail(dn, col, it.Dimension, "dimension not declared under dimensions")
		return
	case it.Type == Text:
		p.fail(dn, col, it.Dimension, "a text item has no dimension")
		return
	case !it.Type.Valid():
		// reported by item; still counted below
	case d.SocialCapital && it.Type != Likert5:
		p.fail(m.get("type"), m.col("type"), string(it.Type), "social-capital dimension %q takes likert5 items only", d.Key)
	case p.dimType[d.Key] != "" && p.dimType[d.Key] != it.Type:
		p.fail(m.get("type"), m.col("type"), string(it.Type), "dimension %q mixes item types: its other items are %s", d.Key, p.dimType[d.Key])
	default:
		p.dimType[d.Key] = it.Type
	}
	p.dimItems[d.Key]++
}

// entry reads one element of a keyed list and names it list[key] (or
// list[index] while it has no key) in problems. A key already in seen is
// reported as a duplicate and its entry skipped.
func (p *qparser) entry(n ast.Node, list string, index int, seen map[string]bool, fields ...string) (*yamlMap, string, bool) {
	m, ok := p.mapping(n, fmt.Sprintf("%s[%d]", list, index))
	if !ok {
		return nil, "", false
	}
	if raw := m.peek("key"); raw != "" {
		m.path = list + "[" + raw + "]"
	}
	m.allow(fields...)
	key := m.key("key", keyPattern)
	if key != "" {
		if seen[key] {
			p.fail(m.get("key"), m.col("key"), key, "duplicate key: every %s entry needs its own", list)
			return nil, "", false
		}
		seen[key] = true
	}
	return m, key, true
}

// yamlMap is one YAML mapping being read; path names it in problems.
type yamlMap struct {
	p      *qparser
	node   ast.Node
	path   string
	pairs  []*ast.MappingValueNode
	fields map[string]ast.Node
}

// mapping returns n as a mapping, or reports that it is not one.
func (p *qparser) mapping(n ast.Node, path string) (*yamlMap, bool) {
	mn, ok := n.(*ast.MappingNode)
	if !ok {
		p.fail(n, path, "", "want a mapping of fields (name: value)")
		return nil, false
	}
	return &yamlMap{p: p, node: n, path: path, pairs: mn.Values}, true
}

// col returns the problem column of field name.
func (m *yamlMap) col(name string) string {
	if m.path == "" {
		return name
	}
	return m.path + "." + name
}

// peek returns the text of field name before the fields are checked.
func (m *yamlMap) peek(name string) string {
	for _, kv := range m.pairs {
		if s, ok := scalarText(kv.Key); ok && s == name {
			s, _ := scalarText(kv.Value)
			return strings.TrimSpace(s)
		}
	}
	return ""
}

// allow indexes the fields and reports unknown and repeated ones.
func (m *yamlMap) allow(names ...string) {
	m.fields = map[string]ast.Node{}
	for _, kv := range m.pairs {
		name, _ := scalarText(kv.Key)
		switch {
		case !slices.Contains(names, name):
			m.p.fail(kv.Key, m.col(name), name, "unknown field; want one of %s", strings.Join(names, ", "))
		case m.fields[name] != nil:
			m.p.fail(kv.Key, m.col(name), name, "field given twice")
		default:
			m.fields[name] = kv.Value
		}
	}
}

// get returns field name's value node, nil when it is absent or null.
func (m *yamlMap) get(name string) ast.Node {
	v := m.fields[name]
	if v == nil || v.Type() == ast.NullType {
		return nil
	}
	return v
}

// str returns field name as trimmed text.
func (m *yamlMap) str(name string, required bool) string {
	v := m.get(name)
	if v == nil {
		if required {
			m.p.fail(m.node, m.col(name), "", "missing")
		}
		return ""
	}
	s, ok := scalarText(v)
	if !ok {
		m.p.fail(v, m.col(name), "", "want a single value, not a %s", v.Type().YAMLName())
		return ""
	}
	s = strings.TrimSpace(s)
	if s == "" && required {
		m.p.fail(v, m.col(name), "", "missing")
	}
	return s
}

// key returns field name as a required key matching pattern, else "".
func (m *yamlMap) key(name string, pattern *regexp.Regexp) string {
	s := m.str(name, true)
	switch {
	case s == "":
		return ""
	case len(s) > maxKeyLen:
		m.p.fail(m.get(name), m.col(name), s, "a key has at most %d characters", maxKeyLen)
		return ""
	case !pattern.MatchString(s):
		extra := ""
		if pattern == familyKeyPattern {
			extra = ", -"
		}
		m.p.fail(m.get(name), m.col(name), s, "a key holds only the characters a–z, 0–9, _%s", extra)
		return ""
	}
	return s
}

// text returns the required Danish and English texts of field name, a
// mapping {da: …, en: …}.
func (m *yamlMap) text(name string) (da, en string) {
	v := m.get(name)
	if v == nil {
		m.p.fail(m.node, m.col(name), "", "missing; want {da: \"…\", en: \"…\"}")
		return "", ""
	}
	t, ok := m.p.mapping(v, m.col(name))
	if !ok {
		return "", ""
	}
	t.allow("da", "en")
	return t.str("da", true), t.str("en", true)
}

// integer returns field name as a required whole number in [lo, hi].
func (m *yamlMap) integer(name string, lo, hi int) int {
	s := m.str(name, true)
	if s == "" {
		return 0
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < lo || n > hi {
		m.p.fail(m.get(name), m.col(name), s, "want a whole number from %d to %d", lo, hi)
		return 0
	}
	return n
}

// boolean returns field name as true or false; absent is false.
func (m *yamlMap) boolean(name string) bool {
	v := m.get(name)
	if v == nil {
		return false
	}
	b, ok := v.(*ast.BoolNode)
	if !ok {
		s, _ := scalarText(v)
		m.p.fail(v, m.col(name), s, "want true or false")
		return false
	}
	return b.Value
}

// date returns field name as an optional date.
func (m *yamlMap) date(name string) Date {
	s := m.str(name, false)
	if s == "" {
		return Date{}
	}
	d, err := ParseDate(s)
	if err != nil {
		m.p.fail(m.get(name), m.col(name), s, "want a date YYYY-MM-DD")
	}
	return d
}

// list returns field name as a list of nodes.
func (m *yamlMap) list(name string, required bool) []ast.Node {
	v := m.get(name)
	if v == nil {
		if required {
			m.p.fail(m.node, m.col(name), "", "missing")
		}
		return nil
	}
	seq, ok := v.(*ast.SequenceNode)
	if !ok {
		m.p.fail(v, m.col(name), "", "want a list (lines starting with -)")
		return nil
	}
	return seq.Values
}

// scalarText returns the text of a scalar node as written.
func scalarText(n ast.Node) (string, bool) {
	switch n := n.(type) {
	case *ast.StringNode:
		return n.Value, true
	case *ast.LiteralNode:
		return n.Value.Value, true
	case *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode, *ast.InfinityNode, *ast.NanNode:
		return n.GetToken().Value, true
	}
	return "", false
}
