package metrics

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// subtreeN returns every node's subtree total from its own count.
func subtreeN(parent, own []int) []int {
	n := slices.Clone(own)
	t, err := newTree(parent)
	if err != nil {
		panic(err)
	}
	for _, i := range t.post {
		if p := parent[i]; p >= 0 {
			n[p] += n[i]
		}
	}
	return n
}

func TestSuppress(t *testing.T) {
	const k = 5
	tests := []struct {
		name   string
		parent []int
		own    []int // respondents in the node itself, outside its children
		want   []Reason
	}{
		// The parent (23) shown next to its team of 20 would reveal the
		// team of 3: the 20 goes too, and the remainder of 23 is fine.
		{"ParentOf23", []int{-1, 0, 0}, []int{0, 20, 3}, []Reason{"", ReasonComplementary, ReasonTooFew}},
		{"TeamOfK", []int{-1, 0, 0}, []int{0, k, k}, []Reason{"", "", ""}},
		{"OnlyTeamOfK", []int{-1, 0}, []int{0, k}, []Reason{"", ""}},
		{"TeamUnderK", []int{-1, 0, 0}, []int{0, k, k - 1}, []Reason{"", ReasonComplementary, ReasonTooFew}},
		// No needless hiding: 20 = 10 + 10, and own staff of k.
		{"TwoTeamsOf10", []int{-1, 0, 0}, []int{0, 10, 10}, []Reason{"", "", ""}},
		{"OwnStaffOfK", []int{-1, 0, 0}, []int{k, 10, 10}, []Reason{"", "", ""}},
		// A unit of k+1: a team of k and its manager. The manager alone is
		// the difference, so the team is hidden.
		{"UnitOfKPlus1", []int{-1, 0}, []int{1, k}, []Reason{"", ReasonComplementary}},
		// Hiding a subgroup exposes its own shown subgroups, which count
		// next: P(12: own 1) ⊃ A(11) ⊃ A1(6), A2(5). Hiding A leaves the
		// remainder 1, so A2 (smallest) goes too: P − A1 = 6.
		{"Cascade", []int{-1, 0, 1, 1}, []int{1, 0, 6, 5}, []Reason{"", ReasonComplementary, "", ReasonComplementary}},
		{"RootUnderK", []int{-1, 0}, []int{2, 1}, []Reason{ReasonTooFew, ReasonTooFew}},
		{"Empty", []int{-1, 0}, []int{0, 0}, []Reason{ReasonTooFew, ReasonTooFew}},
		// Ties go to the lower node: two teams of 6 and own staff of 2.
		{"Tie", []int{-1, 0, 0}, []int{2, 6, 6}, []Reason{"", ReasonComplementary, ""}},
		// Two roots (a forest) are settled independently.
		{"Forest", []int{-1, -1, 1}, []int{7, 2, 5}, []Reason{"", "", ReasonComplementary}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr, err := newTree(tt.parent)
			if err != nil {
				t.Fatal(err)
			}
			got, err := tr.suppress(k, subtreeN(tt.parent, tt.own))
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
	t.Run("KPlus1Dimension", func(t *testing.T) {
		// The unit of k+1 again, per measure. A dimension the manager did
		// not answer has n k in both unit and team: both shown, although
		// the team's respondents cell is hidden. A dimension a team member
		// did not answer has n k in the unit and k−1 in the team: the team
		// is too few, the unit (remainder k) is shown.
		tr, _ := newTree([]int{-1, 0})
		if got, _ := tr.suppress(k, []int{k, k}); !slices.Equal(got, []Reason{"", ""}) {
			t.Errorf("manager skipped: got %q, want both shown", got)
		}
		if got, _ := tr.suppress(k, []int{k, k - 1}); !slices.Equal(got, []Reason{"", ReasonTooFew}) {
			t.Errorf("team member skipped: got %q, want team too_few", got)
		}
	})
	t.Run("ErrChildrenExceedParent", func(t *testing.T) {
		tr, _ := newTree([]int{-1, 0})
		if _, err := tr.suppress(k, []int{5, 6}); err == nil {
			t.Error("got nil, want an error")
		}
	})
	t.Run("ErrCycle", func(t *testing.T) {
		if _, err := newTree([]int{-1, 2, 1}); err == nil {
			t.Error("got nil, want an error")
		}
	})
}

// TestSuppressRandomTrees checks the rules on many random trees: no shown
// group under k, and for every shown group what its shown subgroups leave
// is 0 or at least k. Where hiding the groups under k already satisfies
// that, nothing more is hidden.
func TestSuppressRandomTrees(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	complementary := 0
	for trial := range 5000 {
		k := 3 + rng.IntN(5)
		size := 1 + rng.IntN(60)
		parent := make([]int, size)
		own := make([]int, size)
		for i := range parent {
			parent[i] = -1
			if i > 0 && rng.IntN(20) > 0 { // an occasional second root
				// Mostly recent nodes as parents: deep chains as well as bushes.
				parent[i] = max(0, i-1-rng.IntN(min(i, 1+rng.IntN(6))))
			}
		}
		hasChild := make([]bool, size)
		for _, p := range parent {
			if p >= 0 {
				hasChild[p] = true
			}
		}
		for i := range own {
			switch {
			case !hasChild[i]:
				own[i] = rng.IntN(2*k + 1) // leaf teams of 0..2k
			case rng.IntN(2) == 0:
				own[i] = rng.IntN(k + 2) // own staff around k
			}
		}
		n := subtreeN(parent, own)
		tr, err := newTree(parent)
		if err != nil {
			t.Fatal(err)
		}
		got, err := tr.suppress(k, n)
		if err != nil {
			t.Fatal(err)
		}
		tooFewOnly := make([]Reason, size)
		for i := range n {
			if n[i] < k {
				tooFewOnly[i] = ReasonTooFew
			}
		}
		needed := false
		for i := range n {
			if (n[i] < k) != (got[i] == ReasonTooFew) {
				t.Fatalf("trial %d k %d: node %d n %d: got %q", trial, k, i, n[i], got[i])
			}
			if got[i] == ReasonComplementary {
				complementary++
			}
			if r := remainder(tr, n, tooFewOnly, i); tooFewOnly[i] == "" && r > 0 && r < k {
				needed = true
			}
			if got[i] != "" {
				continue
			}
			if r := remainder(tr, n, got, i); r > 0 && r < k {
				t.Fatalf("trial %d k %d parent %v own %v: shown node %d (n %d) leaves %d: got %q", trial, k, parent, own, i, n[i], r, got)
			}
		}
		if !needed && slices.Contains(got, ReasonComplementary) {
			t.Fatalf("trial %d k %d parent %v own %v: got %q, want only too_few", trial, k, parent, own, got)
		}
	}
	if complementary == 0 {
		t.Error("no trial needed complementary suppression; the test proves nothing")
	}
}

// remainder is node i's n minus its shown subgroups' (the nearest shown
// nodes below it), computed independently of suppress.
func remainder(tr *tree, n []int, reasons []Reason, i int) int {
	r := n[i]
	var walk func(int)
	walk = func(p int) {
		for _, c := range tr.children[p] {
			if reasons[c] == "" {
				r -= n[c]
			} else {
				walk(c)
			}
		}
	}
	walk(i)
	return r
}
