package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"testing"

	"github.com/tillid/tillid/metrics"
	"github.com/tillid/tillid/survey"
	"github.com/tillid/tillid/web"
	"github.com/tillid/tillid/web/webtest"
)

// apiFixture is a closed round over webtest.Units in which PLEJE-N,
// PLEJE-S and BIB answered 6 times each and MUS only twice (too few), with
// absence for PLEJE-N after the round, and a server with the API open.
func apiFixture(t *testing.T) (*webtest.Fixture, *webtest.Client) {
	t.Helper()
	ctx := context.Background()
	f := webtest.New(t, 24) // invitations go round-robin to PLEJE-N, PLEJE-S, BIB, MUS
	answered := map[int64]int{}
	mus, err := f.Store.FindUnitByCode(ctx, "MUS")
	if err != nil {
		t.Fatal(err)
	}
	for i, inv := range f.Invitations {
		if inv.UnitID == mus.ID && answered[mus.ID] == 2 {
			continue
		}
		answered[inv.UnitID]++
		sub := survey.Submission{InvitationID: inv.ID, Lang: "da"}
		for _, it := range f.Questionnaire.Items {
			if choices := it.Type.Choices(); len(choices) > 0 {
				// The two highest values in turn: no "don't know", some variance.
				sub.Answers = append(sub.Answers, survey.Answer{ItemID: it.ID, Value: choices[len(choices)-2-i/4%2].Value})
			}
		}
		if err := f.Store.SubmitResponse(ctx, sub); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.Store.CloseRound(ctx, f.Round.ID); err != nil {
		t.Fatal(err)
	}
	month := f.Round.ClosesOn.AddDate(0, 1, 0).Format("2006-01")
	if _, err := f.Metrics.ImportAbsence(ctx, []metrics.AbsenceRow{{UnitCode: "PLEJE-N", Month: month, AbsenceDays: 12, PossibleDays: 200}}); err != nil {
		t.Fatal(err)
	}
	s, err := web.NewServer(web.Config{BaseURL: "http://tillid.test", APIOpen: true}, f.Store, f.Metrics, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	return f, webtest.NewClient(t, s)
}

// getJSON requests path, checks the status and decodes the body into v.
func getJSON(t *testing.T, c *webtest.Client, path string, status int, v any) {
	t.Helper()
	res := c.Get(path)
	if res.Code != status {
		t.Fatalf("GET %s: got %d, want %d: %s", path, res.Code, status, res.Body)
	}
	if ct := res.Header.Get("Content-Type"); ct != "application/json; charset=utf-8" {
		t.Errorf("GET %s: got Content-Type %q, want JSON", path, ct)
	}
	if err := json.Unmarshal([]byte(res.Body), v); err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
}

// numbers returns the paths of every number in a decoded JSON value.
func numbers(v any, path string) []string {
	var out []string
	switch v := v.(type) {
	case float64:
		out = append(out, path)
	case map[string]any:
		for k, x := range v {
			out = append(out, numbers(x, path+"."+k)...)
		}
	case []any:
		for i, x := range v {
			out = append(out, numbers(x, fmt.Sprintf("%s[%d]", path, i))...)
		}
	}
	return out
}

func TestAPIRounds(t *testing.T) {
	f, c := apiFixture(t)
	var got struct {
		Rounds []struct {
			ID        int64  `json:"id"`
			Name      string `json:"name"`
			Status    string `json:"status"`
			OpensOn   string `json:"opens_on"`
			ClosesOn  string `json:"closes_on"`
			Threshold int    `json:"threshold"`
		} `json:"rounds"`
	}
	getJSON(t, c, "/api/v1/rounds", http.StatusOK, &got)
	if len(got.Rounds) != 1 {
		t.Fatalf("got %d rounds, want 1", len(got.Rounds))
	}
	r := got.Rounds[0]
	if r.ID != f.Round.ID || r.Status != "closed" || r.OpensOn != f.Round.OpensOn.String() || r.ClosesOn != f.Round.ClosesOn.String() || r.Threshold != 5 {
		t.Errorf("got %+v, want round %d closed %s–%s with threshold 5", r, f.Round.ID, f.Round.OpensOn, f.Round.ClosesOn)
	}
}

func TestAPIRoundResults(t *testing.T) {
	f, c := apiFixture(t)
	var got struct {
		Units []map[string]any `json:"units"`
	}
	getJSON(t, c, fmt.Sprintf("/api/v1/rounds/%d/results", f.Round.ID), http.StatusOK, &got)
	units := map[string]map[string]any{}
	for _, u := range got.Units {
		units[u["code"].(string)] = u
	}
	t.Run("Shown", func(t *testing.T) {
		u := units["PLEJE-N"]
		if u["suppressed"] != false || u["n"] != 6.0 || u["parent_code"] != "SUND" {
			t.Errorf("PLEJE-N: got suppressed=%v n=%v parent=%v, want shown with n 6 under SUND", u["suppressed"], u["n"], u["parent_code"])
		}
		index := u["index"].(map[string]any)
		if _, ok := index["mean"].(float64); !ok {
			t.Errorf("PLEJE-N: got index %v, want a mean", index)
		}
	})
	t.Run("SuppressedHasNoNumber", func(t *testing.T) {
		u, ok := units["MUS"]
		if !ok {
			t.Fatal("MUS: missing from the results, want it present and suppressed")
		}
		if u["suppressed"] != true || u["reason"] != string(metrics.ReasonTooFew) {
			t.Errorf("MUS: got suppressed=%v reason=%v, want suppressed too_few", u["suppressed"], u["reason"])
		}
		if n, ok := u["n"]; !ok || n != nil {
			t.Errorf("MUS: got n %v (present %v), want null", n, ok)
		}
		if nums := numbers(u, "MUS"); len(nums) > 0 {
			t.Errorf("MUS: got numbers at %v, want none", nums)
		}
	})
}

func TestAPIUnitResult(t *testing.T) {
	f, c := apiFixture(t)
	t.Run("OK", func(t *testing.T) {
		var got metrics.UnitResult
		getJSON(t, c, fmt.Sprintf("/api/v1/rounds/%d/units/PLEJE-S", f.Round.ID), http.StatusOK, &got)
		if got.Unit.Code != "PLEJE-S" || got.Unit.Suppressed || got.Unit.N == nil || *got.Unit.N != 6 || got.Parent == nil || got.Parent.Code != "SUND" {
			t.Errorf("got unit %+v parent %v, want PLEJE-S shown with n 6 under SUND", got.Unit.Cell, got.Parent)
		}
		if len(got.Unit.Items) == 0 || got.Unit.Items[0].Distribution == nil {
			t.Errorf("got items %v, want distributions", got.Unit.Items)
		}
	})
	t.Run("Suppressed", func(t *testing.T) {
		var got map[string]any
		getJSON(t, c, fmt.Sprintf("/api/v1/rounds/%d/units/MUS", f.Round.ID), http.StatusOK, &got)
		if nums := numbers(got["unit"], "unit"); len(nums) > 0 {
			t.Errorf("MUS: got numbers at %v, want none", nums)
		}
		if cm := got["comments"].(map[string]any); cm["suppressed"] != true || cm["items"] != nil {
			t.Errorf("MUS: got comments %v, want suppressed", cm)
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		var got map[string]string
		getJSON(t, c, fmt.Sprintf("/api/v1/rounds/%d/units/NOPE", f.Round.ID), http.StatusNotFound, &got)
		getJSON(t, c, "/api/v1/rounds/999999/results", http.StatusNotFound, &got)
	})
	t.Run("ErrInvalidRound", func(t *testing.T) {
		var got map[string]string
		getJSON(t, c, "/api/v1/rounds/abc/results", http.StatusBadRequest, &got)
		if got["error"] == "" {
			t.Errorf("got %v, want an error message", got)
		}
	})
}

func TestAPITrend(t *testing.T) {
	f, c := apiFixture(t)
	var got metrics.Trend
	getJSON(t, c, "/api/v1/units/PLEJE-N/trend", http.StatusOK, &got)
	if len(got.Rounds) != 1 || got.Rounds[0].Round.ID != f.Round.ID || got.Rounds[0].Result.Index == nil || got.Rounds[0].Result.Index.Mean == nil {
		t.Fatalf("got %d rounds, want round %d with a shown index", len(got.Rounds), f.Round.ID)
	}
	if len(got.Absence) != 1 || got.Absence[0].Percent != 6 {
		t.Errorf("got absence %+v, want one month at 6 %%", got.Absence)
	}
	var trend map[string]any
	getJSON(t, c, "/api/v1/units/MUS/trend", http.StatusOK, &trend)
	if nums := numbers(trend["rounds"].([]any)[0].(map[string]any)["result"], "result"); len(nums) > 0 {
		t.Errorf("MUS trend: got numbers at %v, want none", nums)
	}
}

func TestAPICorrelation(t *testing.T) {
	f, c := apiFixture(t)
	var got metrics.CorrelationResult
	getJSON(t, c, fmt.Sprintf("/api/v1/rounds/%d/correlation", f.Round.ID), http.StatusOK, &got)
	for _, p := range got.Points {
		if p.UnitCode == "MUS" {
			t.Errorf("got MUS among the points, want suppressed units left out")
		}
	}
	if len(got.Points) == 0 || got.After.Pearson.N != 1 {
		t.Errorf("got %d points, %d with absence after, want some points and PLEJE-N's absence", len(got.Points), got.After.Pearson.N)
	}
}

func TestAPIClosed(t *testing.T) {
	f := webtest.New(t, 0)
	s, _ := f.Server(t) // Config.APIOpen is false
	if res := webtest.NewClient(t, s).Get("/api/v1/rounds"); res.Code != http.StatusUnauthorized {
		t.Errorf("got %d, want 401 without sign-in while the API is not open", res.Code)
	}
}
