package metrics

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/tillid/tillid/survey"
)

// RoundInfo is the round a result belongs to.
type RoundInfo struct {
	ID               int64              `json:"id" db:"id"`
	Name             string             `json:"name" db:"name"`
	Status           survey.RoundStatus `json:"status" db:"status"`
	OpensOn          string             `json:"opens_on" db:"opens_on"`
	ClosesOn         string             `json:"closes_on" db:"closes_on"`
	Threshold        int                `json:"threshold" db:"threshold"`
	QuestionnaireID  int64              `json:"questionnaire_id" db:"questionnaire_id"`
	QuestionnaireKey string             `json:"questionnaire_key" db:"questionnaire_key"`
}

// Closed reports whether the round is closed, the only state with results.
func (r RoundInfo) Closed() bool { return r.Status == survey.RoundClosed }

// Measure names one measure of a round's questionnaire: the index, a
// dimension, a focus area or an item (with its type).
type Measure struct {
	Kind          Kind            `json:"kind"`
	Key           string          `json:"key"`
	NameDA        string          `json:"name_da"`
	NameEN        string          `json:"name_en"`
	Type          survey.ItemType `json:"type,omitempty"`
	SocialCapital bool            `json:"social_capital,omitempty"`
}

// Score is a published score cell: a group's mean score 0..100 with its
// SD and 95 % interval (Student's t; absent when n < 2). N counts the
// respondents with a score for the measure. Change is set in a UnitResult
// and a UnitRound when the previous comparable round's cell is shown too.
type Score struct {
	Kind Kind   `json:"kind"`
	Key  string `json:"key"`
	Cell
	Mean   *float64  `json:"mean,omitempty"`
	SD     *float64  `json:"sd,omitempty"`
	CI     *Interval `json:"ci,omitempty"`
	Change *Change   `json:"change,omitempty"`
}

// ItemScore is a published item cell. N counts those who answered the
// item, "don't know" (ved ikke) included; Valid those counted in the
// score or share. A likert5 item has Mean and SD (0..100); a problem3 item
// the Share (percent) reporting some or a big problem, a yesno item the
// Share answering yes, with a Wilson interval. Distribution counts the
// answers per value, index 0 = "don't know".
type ItemScore struct {
	Key       string          `json:"key"`
	Type      survey.ItemType `json:"type"`
	Dimension string          `json:"dimension,omitempty"`
	FocusArea string          `json:"focus_area,omitempty"`
	Cell
	Valid        *int      `json:"valid,omitempty"`
	DontKnow     *int      `json:"dont_know,omitempty"`
	Mean         *float64  `json:"mean,omitempty"`
	SD           *float64  `json:"sd,omitempty"`
	Share        *float64  `json:"share,omitempty"`
	CI           *Interval `json:"ci,omitempty"`
	Distribution []int     `json:"distribution,omitempty"`
	Change       *Change   `json:"change,omitempty"`
}

// Change compares a cell with the same measure of the unit (or its
// predecessors) in the previous comparable round. P is Welch's two-sided
// p-value for scores; shares and groups without variance have no test.
type Change struct {
	RoundID     int64    `json:"round_id"`
	Previous    float64  `json:"previous"`
	Delta       float64  `json:"delta"`
	P           *float64 `json:"p,omitempty"`
	Significant bool     `json:"significant"`
}

// UnitResults is one unit's published results in a round, over its whole
// subtree's respondents. The embedded Cell is the respondents count. Index
// is nil when the questionnaire has no social-capital dimensions.
type UnitResults struct {
	Code       string `json:"code"`
	Name       string `json:"name"`
	ParentCode string `json:"parent_code,omitempty"`
	Cell
	Index      *Score      `json:"index,omitempty"`
	Dimensions []Score     `json:"dimensions"`
	FocusAreas []Score     `json:"focus_areas"`
	Items      []ItemScore `json:"items"`
}

// RoundResults is every unit of a round with its published results, in
// unit code order. For a round that is not closed every cell is
// suppressed with ReasonRoundOpen.
type RoundResults struct {
	Round    RoundInfo     `json:"round"`
	Measures []Measure     `json:"measures"`
	Units    []UnitResults `json:"units"`
}

// UnitResult is one unit's results in a round in full: its cells with
// change flags against PreviousRound, the same measures for its parent and
// for the root of the tree (the municipality) to compare with, and its
// comments.
type UnitResult struct {
	Round         RoundInfo    `json:"round"`
	Measures      []Measure    `json:"measures"`
	Unit          UnitResults  `json:"unit"`
	Parent        *UnitResults `json:"parent,omitempty"`
	Root          *UnitResults `json:"root,omitempty"`
	PreviousRound *RoundInfo   `json:"previous_round,omitempty"`
	Comments      Comments     `json:"comments"`
}

// Comments is a unit's free-text comments: shown only when its
// respondents cell is, as bare texts in random order per text item.
type Comments struct {
	Suppressed bool           `json:"suppressed"`
	Reason     Reason         `json:"reason,omitempty"`
	Items      []CommentGroup `json:"items,omitempty"`
}

// CommentGroup is the comments written in one text item.
type CommentGroup struct {
	Key    string   `json:"key"`
	Texts  []string `json:"texts"`
	TextDA string   `json:"text_da"`
	TextEN string   `json:"text_en"`
}

// UnitProgress is one unit's invitation counts in a round (its whole
// subtree); Rate is answered/invited in percent.
type UnitProgress struct {
	Code       string   `json:"code"`
	Name       string   `json:"name"`
	ParentCode string   `json:"parent_code,omitempty"`
	Suppressed bool     `json:"suppressed"`
	Reason     Reason   `json:"reason,omitempty"`
	Invited    *int     `json:"invited"`
	Answered   *int     `json:"answered"`
	Rate       *float64 `json:"rate,omitempty"`
}

// RoundProgress is a round's response counts per unit, in code order.
type RoundProgress struct {
	Round RoundInfo      `json:"round"`
	Units []UnitProgress `json:"units"`
}

// UnitRound is one closed round in a unit's history: the published results
// of the unit, or of the closed predecessors it continues (Predecessor;
// Units names them), pooled when several took part.
type UnitRound struct {
	Round       RoundInfo   `json:"round"`
	Units       []string    `json:"units"`
	Predecessor bool        `json:"predecessor"`
	Result      UnitResults `json:"result"`
}

// resultRow is one kept cell (table results). A suppressed row has a
// Reason and nil numbers; Mean holds a score or, for shares, a percent.
type resultRow struct {
	UnitID        int64
	Measure       string
	Reason        Reason
	N, Valid      *int
	Mean, SD      *float64
	CILow, CIHigh *float64
	D             [6]*int
}

// summary is a shown score row's n, mean and SD.
func (r *resultRow) summary() Summary { return Summary{N: *r.N, Mean: *r.Mean, SD: *r.SD} }

func (r *resultRow) cell() Cell {
	if r.Reason != "" {
		return Cell{Suppressed: true, Reason: r.Reason}
	}
	return Cell{N: r.N}
}

func (r *resultRow) ci() *Interval {
	if r.CILow == nil || r.CIHigh == nil {
		return nil
	}
	return &Interval{Low: *r.CILow, High: *r.CIHigh}
}

// cells maps measure keys to the kept rows of one group.
type cells map[string]*resultRow

// get returns the row of measure key; a row that is not there (which the
// computation never leaves) reads as suppressed with reason missing.
func (c cells) get(key string, missing Reason) *resultRow {
	if r := c[key]; r != nil {
		return r
	}
	return &resultRow{Reason: missing}
}

// unitResults turns one group's kept rows into its published cells.
func (sc *scheme) unitResults(c cells, missing Reason) UnitResults {
	u := UnitResults{Cell: c.get(measureKey(KindRespondents, ""), missing).cell(), Dimensions: []Score{}, FocusAreas: []Score{}}
	for _, m := range sc.measures {
		r := c.get(measureKey(m.kind, m.key), missing)
		s := Score{Kind: m.kind, Key: m.key, Cell: r.cell()}
		if !s.Suppressed {
			s.Mean, s.SD, s.CI = r.Mean, r.SD, r.ci()
		}
		switch m.kind {
		case KindIndex:
			u.Index = &s
		case KindDimension:
			u.Dimensions = append(u.Dimensions, s)
		case KindFocusArea:
			u.FocusAreas = append(u.FocusAreas, s)
		}
	}
	u.Items = make([]ItemScore, len(sc.items))
	for i, it := range sc.items {
		r := c.get(measureKey(KindItem, it.Key), missing)
		is := ItemScore{Key: it.Key, Type: it.Type, Dimension: it.Dimension, FocusArea: it.FocusArea, Cell: r.cell()}
		if !is.Suppressed {
			is.Valid, is.DontKnow, is.CI = r.Valid, r.D[0], r.ci()
			if it.Type == survey.Likert5 {
				is.Mean, is.SD = r.Mean, r.SD
			} else {
				is.Share = r.Mean
			}
			for _, d := range r.D[:len(it.Type.Choices())] {
				is.Distribution = append(is.Distribution, *d)
			}
		}
		u.Items[i] = is
	}
	return u
}

// catalog lists the scheme's measures with their names.
func (sc *scheme) catalog() []Measure {
	var out []Measure
	for _, m := range sc.measures {
		switch m.kind {
		case KindIndex:
			out = append(out, Measure{Kind: KindIndex, Key: m.key, NameDA: "Social kapital-indeks", NameEN: "Social capital index", SocialCapital: true})
		case KindDimension:
			i := slices.IndexFunc(sc.dims, func(d survey.Dimension) bool { return d.Key == m.key })
			out = append(out, Measure{Kind: m.kind, Key: m.key, NameDA: sc.dims[i].NameDA, NameEN: sc.dims[i].NameEN, SocialCapital: sc.dims[i].SocialCapital})
		case KindFocusArea:
			i := slices.IndexFunc(sc.areas, func(f survey.FocusArea) bool { return f.Key == m.key })
			out = append(out, Measure{Kind: m.kind, Key: m.key, NameDA: sc.areas[i].NameDA, NameEN: sc.areas[i].NameEN})
		}
	}
	for _, it := range sc.items {
		out = append(out, Measure{Kind: KindItem, Key: it.Key, NameDA: it.TextDA, NameEN: it.TextEN, Type: it.Type})
	}
	return out
}

// pooled merges the kept rows of several disjoint units of one round.
func (sc *scheme) pooled(parts []cells) cells {
	out := make(cells)
	merge := func(key string, it survey.Item, kind Kind) {
		rows := make([]*resultRow, len(parts))
		for i, p := range parts {
			rows[i] = p.get(key, ReasonTooFew)
		}
		r := pool(it, kind, rows)
		out[key] = &r
	}
	merge(measureKey(KindRespondents, ""), survey.Item{}, KindRespondents)
	for _, m := range sc.measures {
		merge(measureKey(m.kind, m.key), survey.Item{}, m.kind)
	}
	for _, it := range sc.items {
		merge(measureKey(KindItem, it.Key), it, KindItem)
	}
	return out
}

// applyChanges sets the change flags of cur against prev, the same unit
// (or its lineage) in the previous comparable round, where both are shown.
func applyChanges(cur, prev *UnitResults, prevRound int64) {
	scores := func(cs []Score, ps []Score) {
		for i := range cs {
			if j := slices.IndexFunc(ps, func(p Score) bool { return p.Key == cs[i].Key }); j >= 0 {
				scoreChange(&cs[i], &ps[j], prevRound)
			}
		}
	}
	if cur.Index != nil && prev.Index != nil {
		scoreChange(cur.Index, prev.Index, prevRound)
	}
	scores(cur.Dimensions, prev.Dimensions)
	scores(cur.FocusAreas, prev.FocusAreas)
	for i := range cur.Items {
		c := &cur.Items[i]
		j := slices.IndexFunc(prev.Items, func(p ItemScore) bool { return p.Key == c.Key && p.Type == c.Type })
		if j < 0 || c.Suppressed || prev.Items[j].Suppressed {
			continue
		}
		p := prev.Items[j]
		switch {
		case c.Mean != nil && p.Mean != nil:
			c.Change = change(prevRound, Summary{N: *p.Valid, Mean: *p.Mean, SD: *p.SD}, Summary{N: *c.Valid, Mean: *c.Mean, SD: *c.SD}, true)
		case c.Share != nil && p.Share != nil:
			c.Change = change(prevRound, Summary{Mean: *p.Share}, Summary{Mean: *c.Share}, false)
		}
	}
}

// scoreChange sets c's change flag against p when both are shown.
func scoreChange(c, p *Score, prevRound int64) {
	if !c.Suppressed && !p.Suppressed {
		c.Change = change(prevRound, Summary{N: *p.N, Mean: *p.Mean, SD: *p.SD}, Summary{N: *c.N, Mean: *c.Mean, SD: *c.SD}, true)
	}
}

// change compares b (this round) with a (the previous), with Welch's test
// when test is set and the test applies.
func change(prevRound int64, a, b Summary, test bool) *Change {
	c := &Change{RoundID: prevRound, Previous: a.Mean, Delta: b.Mean - a.Mean}
	if w, ok := Welch(a, b); test && ok {
		c.P, c.Significant = ptr(w.P), w.Significant()
	}
	return c
}

// roundColumns selects a RoundInfo from rounds r joined to questionnaires q.
const roundColumns = `r.id, r.name, r.status, r.opens_on, r.closes_on, r.threshold, r.questionnaire_id, q.key AS questionnaire_key`

// findRound returns the round with id, or survey.ErrNotFound.
func (s *Store) findRound(ctx context.Context, id int64) (RoundInfo, error) {
	var r RoundInfo
	err := s.db.GetContext(ctx, &r, s.db.Rebind(`SELECT `+roundColumns+`
		FROM rounds r JOIN questionnaires q ON q.id = r.questionnaire_id WHERE r.id = ?`), id)
	if errors.Is(err, sql.ErrNoRows) {
		return RoundInfo{}, fmt.Errorf("metrics: round %d: %w", id, survey.ErrNotFound)
	}
	if err != nil {
		return RoundInfo{}, fmt.Errorf("metrics: round %d: %w", id, err)
	}
	return r, nil
}

// closedRounds returns the closed rounds in the order they closed.
func (s *Store) closedRounds(ctx context.Context) ([]RoundInfo, error) {
	var rs []RoundInfo
	err := s.db.SelectContext(ctx, &rs, s.db.Rebind(`SELECT `+roundColumns+`
		FROM rounds r JOIN questionnaires q ON q.id = r.questionnaire_id
		WHERE r.status = ? ORDER BY r.closes_on, r.id`), survey.RoundClosed)
	if err != nil {
		return nil, fmt.Errorf("metrics: closed rounds: %w", err)
	}
	return rs, nil
}

// loadScheme builds the scheme of questionnaire version id.
func (s *Store) loadScheme(ctx context.Context, id int64) (*scheme, error) {
	q, err := s.survey.FindQuestionnaireByID(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("metrics: %w", err)
	}
	return newScheme(q), nil
}

// roundUnit is a unit of a round's tree.
type roundUnit struct {
	ID       int64  `db:"unit_id"`
	ParentID *int64 `db:"parent_id"`
	Code     string `db:"code"`
	Name     string `db:"name"`
}

// roundTree is a round's units in code order and the tree they form.
type roundTree struct {
	units []roundUnit
	node  map[int64]int
	tree  *tree
}

func newRoundTree(units []roundUnit) (*roundTree, error) {
	rt := &roundTree{units: units, node: make(map[int64]int, len(units))}
	for i, u := range units {
		rt.node[u.ID] = i
	}
	parent := make([]int, len(units))
	for i, u := range units {
		parent[i] = -1
		if u.ParentID != nil {
			p, ok := rt.node[*u.ParentID]
			if !ok {
				return nil, fmt.Errorf("metrics: unit %s: parent %d not in the round", u.Code, *u.ParentID)
			}
			parent[i] = p
		}
	}
	t, err := newTree(parent)
	if err != nil {
		return nil, err
	}
	rt.tree = t
	return rt, nil
}

// parentCode returns the code of node i's parent, "" for a root.
func (rt *roundTree) parentCode(i int) string {
	if p := rt.tree.parent[i]; p >= 0 {
		return rt.units[p].Code
	}
	return ""
}

// liveTree returns the tree of a round's units as it stands now: the units
// the round covers and any unit that has responses in it, each under its
// nearest ancestor that is also in the round.
func (s *Store) liveTree(ctx context.Context, roundID int64) (*roundTree, error) {
	all, err := s.survey.FindUnits(ctx)
	if err != nil {
		return nil, fmt.Errorf("metrics: round %d tree: %w", roundID, err)
	}
	var ids []int64
	err = s.db.SelectContext(ctx, &ids, s.db.Rebind(`
		SELECT unit_id FROM round_units WHERE round_id = ?
		UNION SELECT DISTINCT unit_id FROM responses WHERE round_id = ?`), roundID, roundID)
	if err != nil {
		return nil, fmt.Errorf("metrics: round %d tree: %w", roundID, err)
	}
	in := make(map[int64]bool, len(ids))
	for _, id := range ids {
		in[id] = true
	}
	byID := make(map[int64]survey.Unit, len(all))
	for _, u := range all {
		byID[u.ID] = u
	}
	var units []roundUnit
	for _, u := range all { // code order
		if !in[u.ID] {
			continue
		}
		ru := roundUnit{ID: u.ID, Code: u.Code, Name: u.Name}
		for p, steps := u.ParentID, 0; p.Valid && steps < len(all); p, steps = byID[p.Int64].ParentID, steps+1 {
			if in[p.Int64] {
				ru.ParentID = ptr(p.Int64)
				break
			}
		}
		units = append(units, ru)
	}
	return newRoundTree(units)
}

// keptTree returns the tree a computed round's results were computed on.
func (s *Store) keptTree(ctx context.Context, roundID int64) (*roundTree, error) {
	var units []roundUnit
	err := s.db.SelectContext(ctx, &units, s.db.Rebind(`
		SELECT ru.unit_id, ru.parent_id, u.code, u.name
		FROM result_units ru JOIN units u ON u.id = ru.unit_id
		WHERE ru.round_id = ? ORDER BY u.code`), roundID)
	if err != nil {
		return nil, fmt.Errorf("metrics: round %d results tree: %w", roundID, err)
	}
	return newRoundTree(units)
}

// ComputeRound computes a closed round's results from its raw answers,
// passes them through the anonymity rules and keeps them (tables
// result_rounds, result_units, results). It is idempotent, and when two
// app instances race one writes and the other finds the work done. A
// round that is not closed is survey.ErrConflict: its answers may still
// change and it has no results.
func (s *Store) ComputeRound(ctx context.Context, roundID int64) error {
	round, err := s.findRound(ctx, roundID)
	if err != nil {
		return err
	}
	if !round.Closed() {
		return fmt.Errorf("metrics: compute round %d: round is %s: %w", roundID, round.Status, survey.ErrConflict)
	}
	if done, err := s.computed(ctx, roundID); err != nil || done {
		return err
	}
	sch, err := s.loadScheme(ctx, round.QuestionnaireID)
	if err != nil {
		return err
	}
	rt, err := s.liveTree(ctx, roundID)
	if err != nil {
		return err
	}
	st, err := s.aggregate(ctx, roundID, sch, rt)
	if err != nil {
		return err
	}
	ids := make([]int64, len(rt.units))
	for i, u := range rt.units {
		ids[i] = u.ID
	}
	rows, err := publish(round.Threshold, rt.tree, st, ids)
	if err != nil {
		return fmt.Errorf("metrics: compute round %d: %w", roundID, err)
	}
	return s.keep(ctx, roundID, rt, rows)
}

// ForgetRound drops a round's kept results; the next read computes them
// again from the raw answers (after a change to the scoring rules, or to
// time a computation from scratch). A round whose raw answers retention
// deleted is survey.ErrConflict: its kept results are all that is left.
func (s *Store) ForgetRound(ctx context.Context, roundID int64) error {
	if ret, err := s.survey.FindRoundRetention(ctx, roundID); err != nil {
		return fmt.Errorf("metrics: forget round %d: %w", roundID, err)
	} else if !ret.AnswersDeletedOn.IsZero() {
		return fmt.Errorf("metrics: forget round %d: its raw answers were deleted on %s by retention: %w", roundID, ret.AnswersDeletedOn, survey.ErrConflict)
	}
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("metrics: forget round %d: %w", roundID, err)
	}
	defer tx.Rollback()
	for _, table := range []string{"results", "result_units", "result_rounds"} {
		if _, err := tx.ExecContext(ctx, tx.Rebind("DELETE FROM "+table+" WHERE round_id = ?"), roundID); err != nil {
			return fmt.Errorf("metrics: forget round %d: %w", roundID, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("metrics: forget round %d: %w", roundID, err)
	}
	return nil
}

// computed reports whether a round's results are kept.
func (s *Store) computed(ctx context.Context, roundID int64) (bool, error) {
	var n int
	if err := s.db.GetContext(ctx, &n, s.db.Rebind("SELECT COUNT(*) FROM result_rounds WHERE round_id = ?"), roundID); err != nil {
		return false, fmt.Errorf("metrics: round %d computed: %w", roundID, err)
	}
	return n > 0, nil
}

// aggregate reads a round's answers in one pass and adds each respondent's
// scores and answer counts to their unit (node), then rolls every unit up
// into its ancestors. The database packs each response's answers into one
// text value, "item*8+value" numbers joined by commas (string_agg: SQLite
// 3.44+, which modernc.org/sqlite embeds, and PostgreSQL), in a correlated
// subquery: both databases then walk the round's responses by their
// (round_id, unit_id) index and fetch each one's answers by the answers
// primary key, reading exactly the round's rows (a join made PostgreSQL
// hash and scan every round's answers, 13 million at Copenhagen size), and
// the driver hands over one row per response instead of one per answer
// (the per-row cost of the pure-Go SQLite driver was half the time).
func (s *Store) aggregate(ctx context.Context, roundID int64, sch *scheme, rt *roundTree) (*roundStats, error) {
	nodes, nm, ni := len(rt.units), len(sch.measures), len(sch.items)
	st := &roundStats{sch: sch, respondents: make([]int, nodes), scores: make([]moments, nodes*nm), dist: make([][6]int, nodes*ni)}
	maxValue := make([]int64, ni)
	for i, it := range sch.items {
		maxValue[i] = int64(len(it.Type.Choices()) - 1)
	}
	rows, err := s.db.QueryContext(ctx, s.db.Rebind(`
		SELECT r.unit_id, (SELECT string_agg(CAST(a.item_id * 8 + a.value AS TEXT), ',')
			FROM answers a WHERE a.response_id = r.id)
		FROM responses r WHERE r.round_id = ?`), roundID)
	if err != nil {
		return nil, fmt.Errorf("metrics: round %d answers: %w", roundID, err)
	}
	defer rows.Close()
	var (
		unit   int64
		packed sql.RawBytes
		values = make([]int8, ni) // the respondent's answer per item slot, -1: none
		out    = make([]float64, nm)
		buf    = make([]float64, 0, ni)
	)
	for rows.Next() {
		if err := rows.Scan(&unit, &packed); err != nil {
			return nil, fmt.Errorf("metrics: round %d answers: %w", roundID, err)
		}
		node, ok := rt.node[unit]
		if !ok {
			return nil, fmt.Errorf("metrics: round %d answers: unit %d not in the round", roundID, unit)
		}
		st.respondents[node]++
		for i := range values {
			values[i] = -1
		}
		for len(packed) > 0 {
			var x int64
			if x, packed, err = nextInt(packed); err != nil {
				return nil, fmt.Errorf("metrics: round %d answers: %w", roundID, err)
			}
			item, value := x>>3, x&7
			slot, ok := sch.slot[item]
			if !ok || value > maxValue[slot] {
				continue // not a scored item of this questionnaire, or not a value of its type
			}
			values[slot] = int8(value)
			st.dist[node*ni+slot][value]++
		}
		sch.score(values, out, buf)
		for m, x := range out {
			if !math.IsNaN(x) {
				st.scores[node*nm+m].add(x)
			}
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("metrics: round %d answers: %w", roundID, err)
	}
	for _, i := range rt.tree.post {
		p := rt.tree.parent[i]
		if p < 0 {
			continue
		}
		st.respondents[p] += st.respondents[i]
		for m := range nm {
			st.scores[p*nm+m].merge(st.scores[i*nm+m])
		}
		for j := range ni {
			for v, c := range st.dist[i*ni+j] {
				st.dist[p*ni+j][v] += c
			}
		}
	}
	return st, nil
}

// nextInt parses the non-negative decimal number at the start of b, up to
// a comma, and returns it with the rest of b after the comma.
func nextInt(b []byte) (int64, []byte, error) {
	var x int64
	i := 0
	for ; i < len(b) && b[i] != ','; i++ {
		c := b[i] - '0'
		if c > 9 || x > math.MaxInt64/10-1 {
			return 0, nil, fmt.Errorf("packed answers %q: not a number", b)
		}
		x = x*10 + int64(c)
	}
	if i == 0 {
		return 0, nil, fmt.Errorf("packed answers %q: empty number", b)
	}
	if i < len(b) {
		i++ // the comma
	}
	return x, b[i:], nil
}

// keep writes a round's published rows in one transaction. The row in
// result_rounds is written first with ON CONFLICT DO NOTHING: whoever
// inserts it writes the rest, a racing instance finds it taken and stops.
func (s *Store) keep(ctx context.Context, roundID int64, rt *roundTree, rows []resultRow) error {
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("metrics: keep round %d: %w", roundID, err)
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, tx.Rebind("INSERT INTO result_rounds (round_id, computed_at) VALUES (?, ?) ON CONFLICT (round_id) DO NOTHING"), roundID, time.Now().Unix())
	if err != nil {
		return fmt.Errorf("metrics: keep round %d: %w", roundID, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("metrics: keep round %d: %w", roundID, err)
	} else if n == 0 {
		return nil // another instance computed it first
	}
	err = bulkInsert(ctx, tx, "result_units", []string{"round_id", "unit_id", "parent_id"}, len(rt.units), func(i int, args []any) []any {
		return append(args, roundID, rt.units[i].ID, rt.units[i].ParentID)
	})
	if err != nil {
		return fmt.Errorf("metrics: keep round %d units: %w", roundID, err)
	}
	// In primary-key order each row lands beside the previous one, so the
	// B-tree is written page after page instead of all over.
	slices.SortFunc(rows, func(a, b resultRow) int {
		return cmp.Or(cmp.Compare(a.UnitID, b.UnitID), strings.Compare(a.Measure, b.Measure))
	})
	cols := []string{"round_id", "unit_id", "measure", "reason", "n", "valid", "mean", "sd", "ci_low", "ci_high", "d0", "d1", "d2", "d3", "d4", "d5"}
	err = bulkInsert(ctx, tx, "results", cols, len(rows), func(i int, args []any) []any {
		r := &rows[i]
		args = append(args, roundID, r.UnitID, r.Measure, string(r.Reason), nullInt(r.N), nullInt(r.Valid),
			nullFloat(r.Mean), nullFloat(r.SD), nullFloat(r.CILow), nullFloat(r.CIHigh))
		for _, d := range r.D {
			args = append(args, nullInt(d))
		}
		return args
	})
	if err != nil {
		return fmt.Errorf("metrics: keep round %d results: %w", roundID, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("metrics: keep round %d: %w", roundID, err)
	}
	return nil
}

// nullInt returns *p as a driver value, nil for NULL (plain values spare
// database/sql its reflection on pointers).
func nullInt(p *int) any {
	if p == nil {
		return nil
	}
	return int64(*p)
}

// nullFloat returns *p as a driver value, nil for NULL.
func nullFloat(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}

// ensureComputed computes closed rounds' results where they are not kept
// yet, asking which are kept in one query.
func (s *Store) ensureComputed(ctx context.Context, rounds ...RoundInfo) error {
	ids := make([]int64, len(rounds))
	for i, r := range rounds {
		ids[i] = r.ID
	}
	q, args, err := sqlx.In("SELECT round_id FROM result_rounds WHERE round_id IN (?)", ids)
	if err != nil {
		return fmt.Errorf("metrics: rounds computed: %w", err)
	}
	var kept []int64
	if err := s.db.SelectContext(ctx, &kept, s.db.Rebind(q), args...); err != nil {
		return fmt.Errorf("metrics: rounds computed: %w", err)
	}
	for _, id := range ids {
		if !slices.Contains(kept, id) {
			if err := s.ComputeRound(ctx, id); err != nil {
				return err
			}
		}
	}
	return nil
}

// readRows reads the kept rows of the given rounds and units (all units
// when units is empty), grouped by round and unit.
func (s *Store) readRows(ctx context.Context, rounds, units []int64) (map[int64]map[int64]cells, error) {
	q, args, err := sqlx.In(`SELECT round_id, unit_id, measure, reason, n, valid, mean, sd, ci_low, ci_high, d0, d1, d2, d3, d4, d5
		FROM results WHERE round_id IN (?)`, rounds)
	if err == nil && len(units) > 0 {
		q, args, err = sqlx.In(q+" AND unit_id IN (?)", append(args, units)...)
	}
	if err != nil {
		return nil, fmt.Errorf("metrics: read results: %w", err)
	}
	rows, err := s.db.QueryContext(ctx, s.db.Rebind(q), args...)
	if err != nil {
		return nil, fmt.Errorf("metrics: read results: %w", err)
	}
	defer rows.Close()
	out := make(map[int64]map[int64]cells)
	for rows.Next() {
		var round int64
		r := new(resultRow)
		if err := rows.Scan(&round, &r.UnitID, &r.Measure, &r.Reason, &r.N, &r.Valid, &r.Mean, &r.SD, &r.CILow, &r.CIHigh,
			&r.D[0], &r.D[1], &r.D[2], &r.D[3], &r.D[4], &r.D[5]); err != nil {
			return nil, fmt.Errorf("metrics: read results: %w", err)
		}
		byUnit := out[round]
		if byUnit == nil {
			byUnit = make(map[int64]cells)
			out[round] = byUnit
		}
		c := byUnit[r.UnitID]
		if c == nil {
			c = make(cells)
			byUnit[r.UnitID] = c
		}
		c[r.Measure] = r
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("metrics: read results: %w", err)
	}
	return out, nil
}

// RoundResults returns every unit of a round with its published results
// (its whole subtree's respondents), computing and keeping the round's
// results the first time they are asked for. Only a closed round has
// results; for a draft or open round every cell is suppressed with
// ReasonRoundOpen (see RoundProgress for its counts).
func (s *Store) RoundResults(ctx context.Context, roundID int64) (*RoundResults, error) {
	round, err := s.findRound(ctx, roundID)
	if err != nil {
		return nil, err
	}
	sch, err := s.loadScheme(ctx, round.QuestionnaireID)
	if err != nil {
		return nil, err
	}
	rr := &RoundResults{Round: round, Measures: sch.catalog()}
	if !round.Closed() {
		rt, err := s.liveTree(ctx, roundID)
		if err != nil {
			return nil, err
		}
		for i := range rt.units {
			rr.Units = append(rr.Units, sch.named(rt, i, nil, ReasonRoundOpen))
		}
		return rr, nil
	}
	if err := s.ensureComputed(ctx, round); err != nil {
		return nil, err
	}
	rt, err := s.keptTree(ctx, roundID)
	if err != nil {
		return nil, err
	}
	kept, err := s.readRows(ctx, []int64{roundID}, nil)
	if err != nil {
		return nil, err
	}
	rr.Units = make([]UnitResults, len(rt.units))
	for i, u := range rt.units {
		rr.Units[i] = sch.named(rt, i, kept[roundID][u.ID], ReasonTooFew)
	}
	return rr, nil
}

// named returns node i's published results with its code, name and parent.
func (sc *scheme) named(rt *roundTree, i int, c cells, missing Reason) UnitResults {
	u := sc.unitResults(c, missing)
	u.Code, u.Name, u.ParentCode = rt.units[i].Code, rt.units[i].Name, rt.parentCode(i)
	return u
}

// UnitResult returns one unit's results in a round in full: its cells
// with change flags against the previous comparable round (the latest
// earlier-closing round of the same questionnaire key in which the unit or
// its predecessors took part), its parent's and the root's cells, and its
// comments where allowed. survey.ErrNotFound when the unit did not take
// part in the round.
func (s *Store) UnitResult(ctx context.Context, roundID int64, unitCode string) (*UnitResult, error) {
	round, err := s.findRound(ctx, roundID)
	if err != nil {
		return nil, err
	}
	unit, err := s.survey.FindUnitByCode(ctx, unitCode)
	if err != nil {
		return nil, fmt.Errorf("metrics: unit result: %w", err)
	}
	sch, err := s.loadScheme(ctx, round.QuestionnaireID)
	if err != nil {
		return nil, err
	}
	ur := &UnitResult{Round: round, Measures: sch.catalog(), Comments: Comments{Suppressed: true, Reason: ReasonRoundOpen}}
	var rt *roundTree
	if round.Closed() {
		if err := s.ensureComputed(ctx, round); err != nil {
			return nil, err
		}
		rt, err = s.keptTree(ctx, roundID)
	} else {
		rt, err = s.liveTree(ctx, roundID)
	}
	if err != nil {
		return nil, err
	}
	i, ok := rt.node[unit.ID]
	if !ok {
		return nil, fmt.Errorf("metrics: unit %s in round %d: %w", unitCode, roundID, survey.ErrNotFound)
	}
	if !round.Closed() {
		ur.Unit = sch.named(rt, i, nil, ReasonRoundOpen)
		return ur, nil
	}
	ids := []int64{unit.ID}
	parent, root := rt.tree.parent[i], i
	for rt.tree.parent[root] >= 0 {
		root = rt.tree.parent[root]
	}
	if parent >= 0 {
		ids = append(ids, rt.units[parent].ID, rt.units[root].ID)
	}
	kept, err := s.readRows(ctx, []int64{roundID}, ids)
	if err != nil {
		return nil, err
	}
	ur.Unit = sch.named(rt, i, kept[roundID][unit.ID], ReasonTooFew)
	if parent >= 0 {
		p, r := sch.named(rt, parent, kept[roundID][rt.units[parent].ID], ReasonTooFew), sch.named(rt, root, kept[roundID][rt.units[root].ID], ReasonTooFew)
		ur.Parent, ur.Root = &p, &r
	}
	if ur.Comments, err = s.comments(ctx, round, sch, rt, i, ur.Unit.Cell); err != nil {
		return nil, err
	}
	prev, err := s.previousRound(ctx, round, unit.ID)
	if err != nil {
		return nil, err
	}
	if prev != nil {
		applyChanges(&ur.Unit, &prev.Result, prev.Round.ID)
		ur.PreviousRound = &prev.Round
	}
	return ur, nil
}

// comments returns the comments of node i's subtree when its respondents
// cell allows them: texts only, shuffled, grouped by text item.
func (s *Store) comments(ctx context.Context, round RoundInfo, sch *scheme, rt *roundTree, i int, respondents Cell) (Comments, error) {
	if !commentsAllowed(respondents) {
		return Comments{Suppressed: true, Reason: respondents.Reason}, nil
	}
	if ret, err := s.survey.FindRoundRetention(ctx, round.ID); err != nil {
		return Comments{}, fmt.Errorf("metrics: comments: %w", err)
	} else if !ret.AnswersDeletedOn.IsZero() {
		return Comments{Suppressed: true, Reason: ReasonDeleted}, nil
	}
	units := []int64{}
	stack := []int{i}
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = append(stack[:len(stack)-1], rt.tree.children[n]...)
		units = append(units, rt.units[n].ID)
	}
	q, args, err := sqlx.In(`SELECT c.item_id, c.body FROM comments c JOIN responses r ON r.id = c.response_id
		WHERE r.round_id = ? AND r.unit_id IN (?)`, round.ID, units)
	if err != nil {
		return Comments{}, fmt.Errorf("metrics: comments: %w", err)
	}
	var rows []struct {
		ItemID int64  `db:"item_id"`
		Body   string `db:"body"`
	}
	if err := s.db.SelectContext(ctx, &rows, s.db.Rebind(q), args...); err != nil {
		return Comments{}, fmt.Errorf("metrics: comments: %w", err)
	}
	byItem := make(map[int64][]string)
	for _, r := range rows {
		byItem[r.ItemID] = append(byItem[r.ItemID], r.Body)
	}
	var c Comments
	for _, it := range sch.texts {
		texts := byItem[it.ID]
		if len(texts) == 0 {
			continue
		}
		rand.Shuffle(len(texts), func(a, b int) { texts[a], texts[b] = texts[b], texts[a] })
		c.Items = append(c.Items, CommentGroup{Key: it.Key, Texts: texts, TextDA: it.TextDA, TextEN: it.TextEN})
	}
	return c, nil
}

// RoundProgress returns a round's invited and answered counts per unit
// (whole subtrees), shown only for groups of at least k invited with the
// complementary rule applied to the invited counts. It is what an open
// round shows; a closed round's final response rates read the same.
func (s *Store) RoundProgress(ctx context.Context, roundID int64) (*RoundProgress, error) {
	round, err := s.findRound(ctx, roundID)
	if err != nil {
		return nil, err
	}
	rt, err := s.liveTree(ctx, roundID)
	if err != nil {
		return nil, err
	}
	counts, err := s.survey.InvitationCounts(ctx, roundID)
	if err != nil {
		return nil, fmt.Errorf("metrics: round %d progress: %w", roundID, err)
	}
	invited, answered := make([]int, len(rt.units)), make([]int, len(rt.units))
	for id, c := range counts {
		if i, ok := rt.node[id]; ok {
			invited[i], answered[i] = c.Invited, c.Used
		}
	}
	for _, i := range rt.tree.post {
		if p := rt.tree.parent[i]; p >= 0 {
			invited[p] += invited[i]
			answered[p] += answered[i]
		}
	}
	units, err := progressCells(round.Threshold, rt.tree, invited, answered)
	if err != nil {
		return nil, fmt.Errorf("metrics: round %d progress: %w", roundID, err)
	}
	for i := range units {
		units[i].Code, units[i].Name, units[i].ParentCode = rt.units[i].Code, rt.units[i].Name, rt.parentCode(i)
	}
	return &RoundProgress{Round: round, Units: units}, nil
}

// Lineage returns unitID followed by every unit it succeeded, directly or
// through a chain of closures (units.successor_id): the units whose
// results continue on its trend.
func (s *Store) Lineage(ctx context.Context, unitID int64) ([]int64, error) {
	us, err := s.survey.FindUnitLineage(ctx, unitID)
	if err != nil {
		return nil, fmt.Errorf("metrics: lineage: %w", err)
	}
	ids := []int64{unitID}
	for _, u := range us {
		if u.ID != unitID {
			ids = append(ids, u.ID)
		}
	}
	return ids, nil
}

// UnitHistory returns, for every closed round in closing order in which
// the unit or one of its predecessors took part, the published results of
// the lineage: the unit's own, or its predecessors' marked Predecessor and
// pooled when several took part (a predecessor inside another lineage
// unit's subtree that round is counted once, in it). Each round carries
// change flags against the previous entry of the same questionnaire key.
// The trend reads this; it touches kept results only.
func (s *Store) UnitHistory(ctx context.Context, unitID int64) ([]UnitRound, error) {
	rounds, err := s.closedRounds(ctx)
	if err != nil {
		return nil, err
	}
	hist, err := s.history(ctx, unitID, rounds)
	if err != nil {
		return nil, err
	}
	for i := range hist {
		for j := i - 1; j >= 0; j-- {
			if hist[j].Round.QuestionnaireKey == hist[i].Round.QuestionnaireKey {
				applyChanges(&hist[i].Result, &hist[j].Result, hist[j].Round.ID)
				break
			}
		}
	}
	return hist, nil
}

// previousRound returns the lineage's results in the latest closed round
// of round's questionnaire key closing before round, or nil.
func (s *Store) previousRound(ctx context.Context, round RoundInfo, unitID int64) (*UnitRound, error) {
	all, err := s.closedRounds(ctx)
	if err != nil {
		return nil, err
	}
	var earlier []RoundInfo
	for _, r := range all {
		if r.QuestionnaireKey == round.QuestionnaireKey && r.ClosesOn < round.ClosesOn {
			earlier = append(earlier, r)
		}
	}
	hist, err := s.history(ctx, unitID, earlier)
	if err != nil || len(hist) == 0 {
		return nil, err
	}
	return &hist[len(hist)-1], nil
}

// history returns the lineage's pooled results in each of rounds (closed,
// in order) in which some lineage unit took part, without change flags.
func (s *Store) history(ctx context.Context, unitID int64, rounds []RoundInfo) ([]UnitRound, error) {
	if len(rounds) == 0 {
		return nil, nil
	}
	lineage, err := s.survey.FindUnitLineage(ctx, unitID)
	if err != nil {
		return nil, fmt.Errorf("metrics: unit history: %w", err)
	}
	codes := make(map[int64]string, len(lineage))
	ids := make([]int64, len(lineage))
	for i, u := range lineage {
		codes[u.ID], ids[i] = u.Code, u.ID
	}
	if err := s.ensureComputed(ctx, rounds...); err != nil {
		return nil, err
	}
	roundIDs := make([]int64, len(rounds))
	for i, r := range rounds {
		roundIDs[i] = r.ID
	}
	top, err := s.topmost(ctx, roundIDs, ids)
	if err != nil {
		return nil, err
	}
	kept, err := s.readRows(ctx, roundIDs, ids)
	if err != nil {
		return nil, err
	}
	schemes := make(map[int64]*scheme)
	var out []UnitRound
	for _, r := range rounds {
		units := top[r.ID]
		if len(units) == 0 {
			continue
		}
		sch := schemes[r.QuestionnaireID]
		if sch == nil {
			if sch, err = s.loadScheme(ctx, r.QuestionnaireID); err != nil {
				return nil, err
			}
			schemes[r.QuestionnaireID] = sch
		}
		ur := UnitRound{Round: r}
		parts := make([]cells, len(units))
		for i, id := range units {
			parts[i] = kept[r.ID][id]
			ur.Units = append(ur.Units, codes[id])
			ur.Predecessor = ur.Predecessor || id != unitID
		}
		slices.Sort(ur.Units)
		ur.Result = sch.unitResults(sch.pooled(parts), ReasonTooFew)
		ur.Result.Code, ur.Result.Name = codes[unitID], lineageName(lineage, unitID)
		out = append(out, ur)
	}
	return out, nil
}

// lineageName returns the name of unit id among us.
func lineageName(us []survey.Unit, id int64) string {
	i := slices.IndexFunc(us, func(u survey.Unit) bool { return u.ID == id })
	return us[i].Name
}

// topmost returns, per round, the lineage units that took part in it and
// have no other lineage unit above them in that round's kept tree.
func (s *Store) topmost(ctx context.Context, rounds, lineage []int64) (map[int64][]int64, error) {
	// Walk up from each lineage unit through the round's kept tree; a
	// lineage unit met on the way up has the starting one inside it.
	q, args, err := sqlx.In(`
		WITH RECURSIVE up(round_id, origin, unit_id) AS (
			SELECT round_id, unit_id, parent_id FROM result_units WHERE round_id IN (?) AND unit_id IN (?)
			UNION ALL
			SELECT up.round_id, up.origin, ru.parent_id
			FROM up JOIN result_units ru ON ru.round_id = up.round_id AND ru.unit_id = up.unit_id
		)
		SELECT round_id, origin, unit_id FROM up`, rounds, lineage)
	if err != nil {
		return nil, fmt.Errorf("metrics: lineage units: %w", err)
	}
	var rows []struct {
		RoundID int64         `db:"round_id"`
		Origin  int64         `db:"origin"`
		UnitID  sql.NullInt64 `db:"unit_id"`
	}
	if err := s.db.SelectContext(ctx, &rows, s.db.Rebind(q), args...); err != nil {
		return nil, fmt.Errorf("metrics: lineage units: %w", err)
	}
	type key struct{ round, unit int64 }
	present, nested := make(map[key]bool), make(map[key]bool)
	for _, r := range rows {
		present[key{r.RoundID, r.Origin}] = true
		if r.UnitID.Valid && slices.Contains(lineage, r.UnitID.Int64) {
			nested[key{r.RoundID, r.Origin}] = true
		}
	}
	out := make(map[int64][]int64)
	for _, round := range rounds {
		for _, id := range lineage {
			if k := (key{round, id}); present[k] && !nested[k] {
				out[round] = append(out[round], id)
			}
		}
	}
	return out, nil
}
