package metrics

import (
	"fmt"
	"slices"

	"github.com/tillid/tillid/survey"
)

// This file is the anonymity door (DESIGN.md "Anonymity"): every number
// the package hands out is made here, from raw group statistics that never
// leave the package, or read back from rows this door wrote.
//
//  1. No cell — score, count, distribution, share, comment list — for a
//     group of fewer than k respondents (k: the round's threshold). Every
//     measure has its own tree of n's: a dimension's n counts the
//     respondents with a score for it, an item's n those who answered it
//     ("don't know" included).
//  2. Complementary suppression: the shown groups of a measure nest like
//     the unit tree, so the only groups an onlooker can isolate by
//     subtracting shown numbers are, for each shown group, its
//     respondents outside all its shown subgroups (its own staff and its
//     hidden subunits). That remainder must be 0 or at least k; where it
//     is not, the smallest shown subgroup is hidden too, and so on. Any
//     difference of shown groups is a union of such disjoint remainders,
//     so it is 0 or at least k as well.
//  3. Only closed rounds have results; open rounds show invited and
//     answered counts for groups of at least k invited (rule 2 on the
//     invited counts).
//  4. A suppressed cell carries its Reason and no number, and is never
//     left out.

// Reason says why a cell is suppressed; "" means it is shown.
type Reason string

// The reasons a cell is suppressed.
const (
	// ReasonTooFew: the group has fewer than k respondents (for få svar).
	ReasonTooFew Reason = "too_few"
	// ReasonComplementary: shown, the group would let the difference
	// between shown groups isolate fewer than k respondents.
	ReasonComplementary Reason = "complementary"
	// ReasonRoundOpen: the round is not closed yet, so it has no results.
	ReasonRoundOpen Reason = "round_open"
	// ReasonDeleted: the raw answers behind it (a round's comments) were
	// deleted by retention; the kept results remain.
	ReasonDeleted Reason = "deleted"
)

// Cell is the anonymity status every published group carries: whether it
// is suppressed, why, and its n (null in JSON when suppressed).
type Cell struct {
	Suppressed bool   `json:"suppressed"`
	Reason     Reason `json:"reason,omitempty"`
	N          *int   `json:"n"`
}

// tree is the shape of a round's unit tree, built once and used for the
// tree of n's of every measure.
type tree struct {
	parent   []int   // parent node, -1 for a root
	children [][]int // child nodes
	post     []int   // every node, children before their parent
}

// newTree builds the tree whose node i has parent parent[i] (-1 for a
// root); it fails on an out-of-range parent or a cycle.
func newTree(parent []int) (*tree, error) {
	t := &tree{parent: parent, children: make([][]int, len(parent))}
	var stack []int
	for i, p := range parent {
		switch {
		case p < 0:
			stack = append(stack, i)
		case p >= len(parent) || p == i:
			return nil, fmt.Errorf("metrics: tree: node %d has parent %d", i, p)
		default:
			t.children[p] = append(t.children[p], i)
		}
	}
	// Iterative depth-first walk; a node is emitted after its children.
	done := make([]bool, len(parent))
	for len(stack) > 0 {
		i := stack[len(stack)-1]
		if done[i] {
			stack = stack[:len(stack)-1]
			t.post = append(t.post, i)
			continue
		}
		done[i] = true
		for _, c := range t.children[i] {
			stack = append(stack, c)
		}
	}
	if len(t.post) != len(parent) {
		return nil, fmt.Errorf("metrics: tree: %d of %d nodes unreachable from a root (cycle)", len(parent)-len(t.post), len(parent))
	}
	return t, nil
}

// suppress applies rules 1 and 2 to one measure: n[i] is the number of
// respondents in node i's whole subtree (at least the sum of its
// children's). It returns the reason each node is suppressed, "" where
// it is shown. Nodes are settled children first; hiding a node's
// subgroup never changes the remainder of any node already settled, so
// one pass suffices. Ties between equally small subgroups go to the
// lower node index.
func (t *tree) suppress(k int, n []int) ([]Reason, error) {
	if len(n) != len(t.parent) {
		return nil, fmt.Errorf("metrics: suppress: %d counts for %d nodes", len(n), len(t.parent))
	}
	reasons := make([]Reason, len(n))
	for i := range n {
		sum := 0
		for _, c := range t.children[i] {
			sum += n[c]
		}
		if n[i] < sum {
			return nil, fmt.Errorf("metrics: suppress: node %d has n %d below its children's %d", i, n[i], sum)
		}
		if n[i] < k {
			reasons[i] = ReasonTooFew
		}
	}
	var frontier []int
	for _, p := range t.post {
		if reasons[p] != "" {
			continue
		}
		frontier = t.shownBelow(p, reasons, frontier[:0])
		rest := n[p]
		for _, f := range frontier {
			rest -= n[f]
		}
		for rest > 0 && rest < k {
			j := 0
			for i, f := range frontier {
				if n[f] < n[frontier[j]] || (n[f] == n[frontier[j]] && f < frontier[j]) {
					j = i
				}
			}
			m := frontier[j]
			frontier = slices.Delete(frontier, j, j+1)
			reasons[m] = ReasonComplementary
			before := len(frontier)
			frontier = t.shownBelow(m, reasons, frontier)
			rest += n[m]
			for _, f := range frontier[before:] {
				rest -= n[f]
			}
		}
	}
	return reasons, nil
}

// shownBelow appends to dst the shown descendants of p that have no shown
// node between them and p: the groups subtracted from p's remainder.
func (t *tree) shownBelow(p int, reasons []Reason, dst []int) []int {
	stack := slices.Clone(t.children[p])
	for len(stack) > 0 {
		c := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if reasons[c] == "" {
			dst = append(dst, c)
			continue
		}
		stack = append(stack, t.children[c]...)
	}
	return dst
}

// roundStats holds a closed round's raw statistics for every node's
// whole subtree. It never leaves the package: publish is its only reader.
type roundStats struct {
	sch         *scheme
	respondents []int     // per node
	scores      []moments // node*len(sch.measures) + measure
	dist        [][6]int  // node*len(sch.items) + item slot: answers per value
}

// publish applies the anonymity rules to a closed round's statistics and
// returns the result rows to keep, one per node and measure: a shown row
// with its numbers, a suppressed row with its reason and nothing else.
// units maps nodes to unit ids.
func publish(k int, t *tree, st *roundStats, units []int64) ([]resultRow, error) {
	nodes, nm, ni := len(units), len(st.sch.measures), len(st.sch.items)
	rows := make([]resultRow, 0, nodes*(1+nm+ni))
	add := func(measure string, n []int, stats func(node int) resultRow) error {
		reasons, err := t.suppress(k, n)
		if err != nil {
			return fmt.Errorf("%s: %w", measure, err)
		}
		for node, reason := range reasons {
			r := resultRow{Reason: reason}
			if reason == "" {
				r = stats(node)
			}
			r.UnitID, r.Measure = units[node], measure
			rows = append(rows, r)
		}
		return nil
	}
	if err := add(measureKey(KindRespondents, ""), st.respondents, func(node int) resultRow {
		return resultRow{N: ptr(st.respondents[node])}
	}); err != nil {
		return nil, err
	}
	n := make([]int, nodes)
	for m, ms := range st.sch.measures {
		for node := range n {
			n[node] = st.scores[node*nm+m].n
		}
		if err := add(measureKey(ms.kind, ms.key), n, func(node int) resultRow {
			return scoreRow(st.scores[node*nm+m].summary())
		}); err != nil {
			return nil, err
		}
	}
	for i, it := range st.sch.items {
		for node := range n {
			n[node] = total(st.dist[node*ni+i])
		}
		if err := add(measureKey(KindItem, it.Key), n, func(node int) resultRow {
			return itemRow(it, st.dist[node*ni+i])
		}); err != nil {
			return nil, err
		}
	}
	return rows, nil
}

// scoreRow is the shown row of a score cell: n, mean, SD and interval.
func scoreRow(s Summary) resultRow {
	r := resultRow{N: ptr(s.N), Mean: ptr(s.Mean), SD: ptr(s.SD)}
	if ci, ok := MeanCI(s); ok {
		r.CILow, r.CIHigh = ptr(ci.Low), ptr(ci.High)
	}
	return r
}

// itemRow is the shown row of an item cell from its answer counts d
// (d[0] = "don't know"): n counts every answer, valid those scored. A
// likert5 item gets its mean score (reverse-worded items flipped, as for
// dimensions) with a t interval; problem3 and yesno
// items the share (percent) reporting a problem (2 or 3) or yes (1) with a
// Wilson interval. "Don't know" is outside the score and the share.
func itemRow(it survey.Item, d [6]int) resultRow {
	n := total(d)
	valid := n - d[0]
	r := resultRow{N: ptr(n), Valid: ptr(valid)}
	r.D = [6]*int{ptr(d[0]), ptr(d[1]), ptr(d[2]), ptr(d[3]), ptr(d[4]), ptr(d[5])}
	if valid == 0 {
		return r
	}
	var x int
	switch it.Type {
	case survey.Likert5:
		var m moments
		for v := 1; v <= 5; v++ {
			score, _ := LikertScore(v, it.Reverse)
			m.merge(moments{n: d[v], sum: float64(d[v]) * score, sumsq: float64(d[v]) * score * score})
		}
		sr := scoreRow(m.summary())
		r.Mean, r.SD, r.CILow, r.CIHigh = sr.Mean, sr.SD, sr.CILow, sr.CIHigh
		return r
	case survey.Problem3:
		x = d[2] + d[3]
	case survey.YesNo:
		x = d[1]
	}
	share, ci, _ := Wilson(x, valid)
	r.Mean, r.CILow, r.CIHigh = ptr(share), ptr(ci.Low), ptr(ci.High)
	return r
}

// total is the number of answers in a distribution.
func total(d [6]int) int { return d[0] + d[1] + d[2] + d[3] + d[4] + d[5] }

// ptr returns a pointer to a copy of v.
func ptr[T any](v T) *T { return &v }

// pool merges the rows of one measure of disjoint units of one round (a
// unit and the predecessors it continues) into one row; it is the item
// for an item measure. It is computed
// from shown rows only, so it reveals nothing they do not; if any part is
// suppressed the pooled cell is suppressed with that part's reason.
func pool(it survey.Item, kind Kind, parts []*resultRow) resultRow {
	if len(parts) == 1 {
		return *parts[0]
	}
	for _, p := range parts {
		if p.Reason != "" {
			return resultRow{Reason: p.Reason}
		}
	}
	switch kind {
	case KindRespondents:
		n := 0
		for _, p := range parts {
			n += *p.N
		}
		return resultRow{N: ptr(n)}
	case KindItem:
		var d [6]int
		for _, p := range parts {
			for v, c := range p.D {
				d[v] += *c
			}
		}
		return itemRow(it, d)
	}
	ss := make([]Summary, len(parts))
	for i, p := range parts {
		ss[i] = p.summary()
	}
	return scoreRow(Pool(ss...))
}

// progressCells applies rules 1–3 to an open (or any) round's invitation
// counts: invited[i] and answered[i] are node i's whole subtree. A node
// is shown when its invited count passes rule 1 and rule 2.
func progressCells(k int, t *tree, invited, answered []int) ([]UnitProgress, error) {
	reasons, err := t.suppress(k, invited)
	if err != nil {
		return nil, err
	}
	out := make([]UnitProgress, len(invited))
	for i, reason := range reasons {
		if reason != "" {
			out[i] = UnitProgress{Suppressed: true, Reason: reason}
			continue
		}
		out[i] = UnitProgress{Invited: ptr(invited[i]), Answered: ptr(answered[i])}
		if invited[i] > 0 {
			out[i].Rate = ptr(100 * float64(answered[i]) / float64(invited[i]))
		}
	}
	return out, nil
}

// commentsAllowed reports whether a unit's comment list may be shown: only
// when the unit's respondents cell is shown (rules 1 and 2 on the
// respondents tree, so the difference of two shown comment lists also
// comes from at least k respondents).
func commentsAllowed(respondents Cell) bool { return !respondents.Suppressed }
