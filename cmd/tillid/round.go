package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/tillid/tillid/survey"
)

// runRound manages rounds: tillid round create|open|close|list.
func (m *Main) runRound(ctx context.Context, args []string) error {
	const usage = "usage: tillid round create --name N [--questionnaire ID|KEY] --units CODE,CODE --opens YYYY-MM-DD --closes YYYY-MM-DD [--threshold 5]\n" +
		"       tillid round open ID | round close ID | round list"
	if len(args) == 0 {
		fmt.Fprintln(m.Stderr, usage)
		return fmt.Errorf("round: want create, open, close or list")
	}
	switch args[0] {
	case "create":
		return m.runRoundCreate(ctx, args[1:])
	case "open", "close":
		return m.runRoundMove(ctx, args[0], args[1:])
	case "list":
		return m.runRoundList(ctx, args[1:])
	}
	fmt.Fprintln(m.Stderr, usage)
	return fmt.Errorf("round: unknown action %q: want create, open, close or list", args[0])
}

func (m *Main) runRoundCreate(ctx context.Context, args []string) error {
	fs := m.flagSet("round create")
	name := fs.String("name", "", "the round's name, e.g. \"Trivselsmåling 2025\" (required)")
	questionnaire := fs.String("questionnaire", "", "questionnaire id, or key for its latest version (default: the built-in questionnaire)")
	units := fs.String("units", "", "comma-separated unit codes; each unit's open sub-units are included (required)")
	opens := fs.String("opens", "", "first day, YYYY-MM-DD (required)")
	closes := fs.String("closes", "", "last day, YYYY-MM-DD (required)")
	threshold := fs.Int("threshold", survey.DefaultThreshold, "anonymity threshold k, at least 3")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("round create: unexpected argument %q", fs.Arg(0))
	}
	r := survey.Round{Name: *name, Threshold: *threshold}
	var err error
	if r.OpensOn, err = survey.ParseDate(*opens); err != nil {
		return fmt.Errorf("round create: --opens: %w", err)
	}
	if r.ClosesOn, err = survey.ParseDate(*closes); err != nil {
		return fmt.Errorf("round create: --closes: %w", err)
	}
	var codes []string
	for c := range strings.SplitSeq(*units, ",") {
		if c = strings.TrimSpace(c); c != "" {
			codes = append(codes, c)
		}
	}
	if err := m.openStore(ctx); err != nil {
		return err
	}
	q, err := findQuestionnaire(ctx, m.Store, *questionnaire)
	if err != nil {
		return err
	}
	r.QuestionnaireID = q.ID
	if err := m.Store.CreateRound(ctx, &r, codes); err != nil {
		return err
	}
	covered, err := m.Store.FindRoundUnits(ctx, r.ID)
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "round %d %q created as a draft: questionnaire %s v%d, %d units, %s to %s, k = %d\n",
		r.ID, r.Name, q.Key, q.Version, len(covered), r.OpensOn, r.ClosesOn, r.Threshold)
	return nil
}

// findQuestionnaire resolves --questionnaire: an id, a key (its latest
// version) or, when empty, the built-in default questionnaire.
func findQuestionnaire(ctx context.Context, s *survey.Store, ref string) (*survey.Questionnaire, error) {
	if ref == "" {
		return s.EnsureDefaultQuestionnaire(ctx)
	}
	if id, err := strconv.ParseInt(ref, 10, 64); err == nil {
		return s.FindQuestionnaireByID(ctx, id)
	}
	return s.LatestQuestionnaire(ctx, ref)
}

func (m *Main) runRoundMove(ctx context.Context, action string, args []string) error {
	fs := m.flagSet("round " + action)
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return fmt.Errorf("round %s: want one round ID", action)
	}
	id, err := strconv.ParseInt(pos[0], 10, 64)
	if err != nil {
		return fmt.Errorf("round %s: ID %q: want a number", action, pos[0])
	}
	if err := m.openStore(ctx); err != nil {
		return err
	}
	if action == "open" {
		err = m.Store.OpenRound(ctx, id)
	} else if err = m.Store.CloseRound(ctx, id); err == nil {
		// A closed round never changes: compute and keep its results now,
		// so no page view has to read the raw answers.
		err = m.Metrics.ComputeRound(ctx, id)
	}
	if err != nil {
		return err
	}
	r, err := m.Store.FindRoundByID(ctx, id)
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "round %d %q is %s\n", r.ID, r.Name, r.Status)
	return nil
}

// roundTotals returns how many a round invited (HR's own number, the
// invitations it issued) and how many answered, summed over the round's
// top units as the metrics door publishes them: "-" when any of those
// counts is suppressed (fewer than k invited).
func (m *Main) roundTotals(ctx context.Context, roundID int64) (invited int, answered string, err error) {
	counts, err := m.Store.InvitationCounts(ctx, roundID)
	if err != nil {
		return 0, "", err
	}
	for _, c := range counts {
		invited += c.Invited
	}
	p, err := m.Metrics.RoundProgress(ctx, roundID)
	if err != nil {
		return 0, "", err
	}
	inRound := map[string]bool{}
	for _, u := range p.Units {
		inRound[u.Code] = true
	}
	var ans int
	for _, u := range p.Units {
		if inRound[u.ParentCode] {
			continue // counted in its parent's subtree
		}
		if u.Answered == nil {
			return invited, "-", nil
		}
		ans += *u.Answered
	}
	return invited, strconv.Itoa(ans), nil
}

func (m *Main) runRoundList(ctx context.Context, args []string) error {
	fs := m.flagSet("round list")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := m.openStore(ctx); err != nil {
		return err
	}
	rounds, err := m.Store.FindRounds(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(m.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSTATUS\tOPENS\tCLOSES\tK\tQUESTIONNAIRE\tINVITED\tANSWERED\tNAME")
	for _, r := range rounds {
		invited, answered, err := m.roundTotals(ctx, r.ID)
		if err != nil {
			return err
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%d\t%d\t%d\t%s\t%s\n",
			r.ID, r.Status, r.OpensOn, r.ClosesOn, r.Threshold, r.QuestionnaireID, invited, answered, r.Name)
	}
	return tw.Flush()
}
