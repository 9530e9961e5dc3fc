package load_test

import (
	"context"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/tillid/tillid/survey"
	"github.com/tillid/tillid/web/load"
	"github.com/tillid/tillid/web/webtest"
)

// linksOf returns the fixture's invitations as links.csv would list them.
func linksOf(f *webtest.Fixture) []load.Link {
	links := make([]load.Link, len(f.Invitations))
	for i, in := range f.Invitations {
		links[i] = load.Link{Line: i + 2, Token: in.Token}
	}
	return links
}

// loadSize is the number of employees TestRun sends; raise it with
// TILLID_LOAD_N to profile the whole path:
// TILLID_LOAD_N=3000 go test ./web/load -run TestRun -cpuprofile cpu.out.
func loadSize(t *testing.T) int {
	if s := os.Getenv("TILLID_LOAD_N"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			t.Fatalf("TILLID_LOAD_N: %v", err)
		}
		return n
	}
	return 120
}

func TestRun(t *testing.T) {
	ctx := context.Background()
	f := webtest.New(t, loadSize(t))
	srv, _ := f.Server(t)
	ts := httptest.NewServer(srv)
	defer ts.Close()

	rep, err := load.Run(ctx, load.Config{
		URLs: []string{ts.URL}, Links: linksOf(f), Concurrency: 8,
		Double: 0.1, Retry: 0.1, Abandon: 0.1, Seed: 3,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Run("OK", func(t *testing.T) {
		if got, want := len(rep.Visits), len(f.Invitations); got != want {
			t.Errorf("got %d visits, want %d", got, want)
		}
		if got := rep.Count(load.Failed); got != 0 {
			t.Errorf("got %d failed visits, want 0 (errors %v)", got, rep.Errors)
		}
		if rep.Count(load.Abandoned) == 0 || rep.Events["double submit"] == 0 || rep.Events["dropped connection"] == 0 {
			t.Errorf("got events %v and %d abandoned, want every scenario", rep.Events, rep.Count(load.Abandoned))
		}
		var scored int
		for _, it := range f.Questionnaire.Items {
			if it.Type != survey.Text {
				scored++
			}
		}
		if rep.ScoredItems != scored {
			t.Errorf("got %d scored items, want %d", rep.ScoredItems, scored)
		}
		c, err := load.Check(ctx, f.DB, f.Round.ID, rep)
		if err != nil {
			t.Fatal(err)
		}
		if len(c.Problems) > 0 || c.Responses != rep.Count(load.Acknowledged) {
			t.Errorf("got %d responses and problems %q, want %d and none", c.Responses, c.Problems, rep.Count(load.Acknowledged))
		}
	})
	t.Run("AgainAcknowledgesWithoutStoring", func(t *testing.T) {
		var answered []load.Link
		for _, v := range rep.Visits {
			if v.Outcome == load.Acknowledged {
				answered = append(answered, v.Link)
			}
		}
		again, err := load.Run(ctx, load.Config{URLs: []string{ts.URL, ts.URL}, Links: answered, Concurrency: 4, Count: 20})
		if err != nil {
			t.Fatal(err)
		}
		// Links answered before are acknowledged by the "already answered" page.
		if again.Count(load.Failed) != 0 {
			t.Errorf("got %d failed, want 0 (errors %v)", again.Count(load.Failed), again.Errors)
		}
		if got, want := f.Count(t, "responses"), rep.Count(load.Acknowledged); got != want {
			t.Errorf("got %d responses, want %d", got, want)
		}
	})
	t.Run("CheckFindsLostAnswer", func(t *testing.T) {
		if _, err := f.DB.Exec("DELETE FROM responses WHERE id IN (SELECT id FROM responses WHERE round_id = " + strconv.FormatInt(f.Round.ID, 10) + " LIMIT 1)"); err != nil {
			t.Fatal(err)
		}
		c, err := load.Check(ctx, f.DB, f.Round.ID, rep)
		if err != nil {
			t.Fatal(err)
		}
		if len(c.Problems) != 1 || !strings.Contains(c.Problems[0], "used invitations but") {
			t.Errorf("got problems %q, want one unit with a response missing", c.Problems)
		}
	})
}

func TestBare(t *testing.T) {
	f := webtest.New(t, 30)
	rep, err := load.Bare(context.Background(), f.DB, load.BareConfig{RoundID: f.Round.ID, Concurrency: 4, Count: 25})
	if err != nil {
		t.Fatal(err)
	}
	if got := len(rep.Visits); got != 25 || len(rep.Errors) > 0 {
		t.Errorf("got %d transactions and errors %v, want 25 and none", got, rep.Errors)
	}
	if got := f.Count(t, "responses"); got != 25 {
		t.Errorf("got %d responses, want 25", got)
	}
	if got, want := f.Count(t, "answers"), 25*rep.ScoredItems; got != want {
		t.Errorf("got %d answers, want %d", got, want)
	}
}

func TestReadLinks(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		in := "\uFEFFemail,unit_code,unit_name,link,code\r\na@b.dk,BIB,Biblioteket,http://x.test/s/AAAAAAAAAAAAAAAAAAAAAA,ABCD-EFGH-JK\r\n"
		links, err := load.ReadLinks(strings.NewReader(in), "links.csv")
		if err != nil {
			t.Fatal(err)
		}
		if len(links) != 1 || links[0].Token != "AAAAAAAAAAAAAAAAAAAAAA" || links[0].UnitCode != "BIB" || links[0].Line != 2 {
			t.Errorf("got %+v, want one link of BIB on line 2", links)
		}
	})
	t.Run("ErrNotALink", func(t *testing.T) {
		in := "email,unit_code,unit_name,link,code\na@b.dk,BIB,Biblioteket,http://x.test/kode,ABCD\n"
		_, err := load.ReadLinks(strings.NewReader(in), "links.csv")
		if err == nil || !strings.Contains(err.Error(), "line 2: link:") {
			t.Errorf("got %v, want an error naming line 2 and the link column", err)
		}
	})
}

// Example_report shows the report of a run.
func Example_report() {
	rep := &load.Report{LatencyOf: "POST", Visits: make([]load.Visit, 2), Errors: map[string]int{"POST status 500": 1}}
	rep.Print(os.Stdout)
	// Output:
	// visits 2: acknowledged 2, abandoned 0, failed 0 in 0s
	// throughput 0.0 submissions/s
	// POST latency p50 0.0ms  p95 0.0ms  p99 0.0ms  max 0.0ms  (0 timed)
	// simulated: none
	// errors: POST status 500 1
}
