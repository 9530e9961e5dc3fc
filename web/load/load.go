package load

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptrace"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Config is one load run.
type Config struct {
	// URLs are the base addresses of the app instances. An employee
	// fetches the form from one and, when there are several, posts it to
	// the next, as a load balancer without sticky sessions would.
	URLs  []string
	Links []Link
	// Concurrency is the number of employees answering at the same time.
	Concurrency int
	// Count is how many invitations to use (0: every link); Duration,
	// when set, stops starting new employees after that long.
	Count    int
	Duration time.Duration
	// Double, Retry and Abandon are the shares of employees who submit
	// twice at once (a double click), lose the connection after sending
	// and submit again, or open the form and leave.
	Double, Retry, Abandon float64
	// GiveUp is how long an employee keeps retrying requests that failed
	// (connection refused while a server restarts, 5xx, timeouts).
	GiveUp time.Duration
	// Timeout bounds one request.
	Timeout time.Duration
	// Seed makes the scenarios and answers repeatable.
	Seed uint64
}

// Outcome is how one employee's visit ended.
type Outcome int

// The outcomes of a visit.
const (
	// Acknowledged: the server answered the submission with 303 to the
	// thank-you page or with the "already answered" page.
	Acknowledged Outcome = iota
	// Abandoned: the form was fetched and never posted.
	Abandoned
	// Failed: no acknowledgement before GiveUp; the answer may or may not
	// be stored.
	Failed
)

// Visit is the outcome of one invitation.
type Visit struct {
	Link    Link
	Outcome Outcome
}

// Report is what a load run measured.
type Report struct {
	Elapsed time.Duration
	Visits  []Visit
	// Posts are the latencies of every POST of the form that got an
	// HTTP response.
	Posts []time.Duration
	// Errors counts failed requests by kind; Events counts the simulated
	// faults (double submissions, dropped connections).
	Errors, Events map[string]int
	// LatencyOf names what Posts timed: "POST" or "transaction".
	LatencyOf string
	// ScoredItems is the number of scored items of the form, each
	// answered by every employee who submitted.
	ScoredItems int
}

// Count returns the number of visits with outcome o.
func (r *Report) Count(o Outcome) int {
	n := 0
	for _, v := range r.Visits {
		if v.Outcome == o {
			n++
		}
	}
	return n
}

// Percentile returns the p-th percentile (0–100) of the POST latencies.
func (r *Report) Percentile(p float64) time.Duration {
	if len(r.Posts) == 0 {
		return 0
	}
	s := slices.Sorted(slices.Values(r.Posts))
	i := min(len(s)-1, int(float64(len(s))*p/100))
	return s[i]
}

// Throughput returns acknowledged submissions per second.
func (r *Report) Throughput() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Count(Acknowledged)) / r.Elapsed.Seconds()
}

// Print writes the report for people.
func (r *Report) Print(w io.Writer) {
	fmt.Fprintf(w, "visits %d: acknowledged %d, abandoned %d, failed %d in %s\n",
		len(r.Visits), r.Count(Acknowledged), r.Count(Abandoned), r.Count(Failed), r.Elapsed.Round(time.Millisecond))
	fmt.Fprintf(w, "throughput %.1f submissions/s\n", r.Throughput())
	fmt.Fprintf(w, "%s latency p50 %s  p95 %s  p99 %s  max %s  (%d timed)\n", r.LatencyOf,
		ms(r.Percentile(50)), ms(r.Percentile(95)), ms(r.Percentile(99)), ms(r.Percentile(100)), len(r.Posts))
	for _, m := range []struct {
		name string
		kv   map[string]int
	}{{"simulated", r.Events}, {"errors", r.Errors}} {
		keys := slices.Sorted(func(yield func(string) bool) {
			for k := range m.kv {
				if !yield(k) {
					return
				}
			}
		})
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = fmt.Sprintf("%s %d", k, m.kv[k])
		}
		if len(parts) == 0 {
			parts = []string{"none"}
		}
		fmt.Fprintf(w, "%s: %s\n", m.name, strings.Join(parts, ", "))
	}
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1fms", float64(d)/float64(time.Millisecond)) }

// Run sends the load described by cfg and returns what it measured. It
// stops early, with what it has, when ctx ends.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	if len(cfg.URLs) == 0 || len(cfg.Links) == 0 || cfg.Concurrency < 1 {
		return nil, errors.New("load: want at least one URL, one link and a concurrency ≥ 1")
	}
	if cfg.Double+cfg.Retry+cfg.Abandon > 1 || cfg.Double < 0 || cfg.Retry < 0 || cfg.Abandon < 0 {
		return nil, errors.New("load: the shares --double, --retry and --abandon must be ≥ 0 and add up to at most 1")
	}
	n := len(cfg.Links)
	if cfg.Count > 0 {
		n = min(n, cfg.Count)
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	r := &runner{
		cfg: cfg,
		transport: &http.Transport{
			Proxy:               nil,
			DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
			MaxIdleConns:        2 * cfg.Concurrency,
			MaxIdleConnsPerHost: 2 * cfg.Concurrency,
			IdleConnTimeout:     90 * time.Second,
		},
		errors: map[string]int{},
		events: map[string]int{},
	}
	for i, u := range cfg.URLs {
		cfg.URLs[i] = strings.TrimRight(u, "/")
	}
	defer r.transport.CloseIdleConnections()

	visits := make([]Visit, n)
	var next atomic.Int64
	start := time.Now()
	var stop <-chan time.Time
	if cfg.Duration > 0 {
		t := time.NewTimer(cfg.Duration)
		defer t.Stop()
		stop = t.C
	}
	var stopped atomic.Bool
	go func() {
		select {
		case <-stop:
			stopped.Store(true)
		case <-ctx.Done():
			stopped.Store(true)
		}
	}()
	var wg sync.WaitGroup
	for w := range cfg.Concurrency {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(cfg.Seed, uint64(w)))
			for !stopped.Load() {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				visits[i] = Visit{Link: cfg.Links[i], Outcome: r.visit(ctx, i, cfg.Links[i], rng)}
			}
		})
	}
	wg.Wait()
	done := min(int(next.Load()), n)
	rep := &Report{Elapsed: time.Since(start), Visits: visits[:done], Posts: r.posts, Errors: r.errors, Events: r.events, LatencyOf: "POST"}
	if f := r.form.Load(); f != nil {
		rep.ScoredItems = len(f.keys)
	}
	return rep, nil
}

// runner holds what the employees of one run share.
type runner struct {
	cfg       Config
	transport *http.Transport
	form      atomic.Pointer[formShape]

	mu     sync.Mutex
	posts  []time.Duration
	errors map[string]int
	events map[string]int
}

func (r *runner) count(m map[string]int, kind string) {
	r.mu.Lock()
	m[kind]++
	r.mu.Unlock()
}

func (r *runner) latency(d time.Duration) {
	r.mu.Lock()
	r.posts = append(r.posts, d)
	r.mu.Unlock()
}

// employee is one virtual employee: a browser with its own cookies.
type employee struct {
	r      *runner
	client *http.Client
	link   Link
	urls   []string               // where to GET the form and where to POST it
	token  atomic.Pointer[string] // the CSRF token of the form
	until  time.Time
}

// visit runs one employee's scenario for link and returns how it ended.
func (r *runner) visit(ctx context.Context, i int, link Link, rng *rand.Rand) Outcome {
	jar, _ := cookiejar.New(nil) // never fails without options
	e := &employee{
		r:      r,
		client: &http.Client{Transport: r.transport, Jar: jar, Timeout: r.cfg.Timeout, CheckRedirect: noRedirect},
		link:   link,
		until:  time.Now().Add(r.cfg.GiveUp),
	}
	nu := len(r.cfg.URLs)
	e.urls = []string{r.cfg.URLs[i%nu], r.cfg.URLs[(i+1)%nu]}

	if done, ok := e.fetchForm(ctx); !ok {
		return Failed
	} else if done {
		return Acknowledged // answered in an earlier run
	}
	p := rng.Float64()
	switch {
	case p < r.cfg.Abandon:
		r.count(r.events, "abandoned")
		return Abandoned
	case p < r.cfg.Abandon+r.cfg.Double:
		r.count(r.events, "double submit")
		body := e.answers(rng)
		var acks atomic.Int32
		var wg sync.WaitGroup
		for range 2 {
			wg.Go(func() {
				if e.submit(ctx, body) {
					acks.Add(1)
				}
			})
		}
		wg.Wait()
		if acks.Load() > 0 {
			return Acknowledged
		}
		return Failed
	case p < r.cfg.Abandon+r.cfg.Double+r.cfg.Retry:
		r.count(r.events, "dropped connection")
		body := e.answers(rng)
		e.dropped(ctx, body)
		if e.submit(ctx, body) {
			return Acknowledged
		}
		return Failed
	}
	if e.submit(ctx, e.answers(rng)) {
		return Acknowledged
	}
	return Failed
}

func noRedirect(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// retryable tells, after a failed attempt, whether to try again: while
// the employee has not given up, after a short pause.
func (e *employee) retryable(ctx context.Context, attempt int) bool {
	if time.Now().After(e.until) || ctx.Err() != nil {
		return false
	}
	select {
	case <-ctx.Done():
		return false
	case <-time.After(min(time.Duration(attempt+1)*50*time.Millisecond, time.Second)):
		return true
	}
}

var (
	// csrfField precedes the CSRF token in the form; it is found with
	// bytes.Index, not a regular expression, to keep the client cheap.
	csrfField = []byte(`name="csrf_token" value="`)
	radio     = regexp.MustCompile(`<input type="radio" name="a_([^"]+)" value="(\d+)"`)
	textarea  = regexp.MustCompile(`<textarea id="[^"]*" name="a_([^"]+)"`)
	// success marks the thank-you and the "already answered" pages.
	success = []byte(`class="panel success"`)
)

// fetchForm GETs the form and keeps its CSRF token. done is true when the
// invitation turned out to be answered already; ok is false when no form
// could be fetched before giving up.
func (e *employee) fetchForm(ctx context.Context) (done, ok bool) {
	for attempt := 0; ; attempt++ {
		status, body, err := e.do(ctx, http.MethodGet, e.urls[0], nil)
		switch {
		case err != nil:
			e.r.count(e.r.errors, "GET "+errorKind(err))
		case status == http.StatusOK && bytes.Contains(body, success):
			return true, true
		case status == http.StatusOK:
			token, ok := csrfToken(body)
			if !ok {
				e.r.count(e.r.errors, "GET form without CSRF token")
				return false, false
			}
			e.token.Store(&token)
			if e.r.form.Load() == nil {
				e.r.form.CompareAndSwap(nil, parseForm(body))
			}
			return false, true
		default:
			e.r.count(e.r.errors, "GET status "+strconv.Itoa(status))
			if status < 500 {
				return false, false
			}
		}
		if !e.retryable(ctx, attempt) {
			return false, false
		}
	}
}

// csrfToken returns the CSRF token of a form page.
func csrfToken(page []byte) (string, bool) {
	i := bytes.Index(page, csrfField)
	if i < 0 {
		return "", false
	}
	rest := page[i+len(csrfField):]
	end := bytes.IndexByte(rest, '"')
	if end <= 0 {
		return "", false
	}
	return string(rest[:end]), true
}

// submit POSTs body until it is acknowledged or the employee gives up.
// A 403 (CSRF) fetches the form again for a fresh token.
func (e *employee) submit(ctx context.Context, body string) bool {
	for attempt := 0; ; attempt++ {
		start := time.Now()
		status, page, err := e.do(ctx, http.MethodPost, e.urls[1], strings.NewReader(e.withToken(body)))
		if err == nil {
			e.r.latency(time.Since(start))
		}
		switch {
		case err != nil:
			e.r.count(e.r.errors, "POST "+errorKind(err))
		case status == http.StatusSeeOther:
			return true
		case status == http.StatusOK && bytes.Contains(page, success):
			return true
		case status == http.StatusForbidden:
			e.r.count(e.r.errors, "POST status 403")
			if done, ok := e.fetchForm(ctx); done || !ok {
				return done
			}
		default:
			e.r.count(e.r.errors, "POST status "+strconv.Itoa(status))
			if status < 500 {
				return false
			}
		}
		if !e.retryable(ctx, attempt) {
			return false
		}
	}
}

// dropped sends the POST and cuts the connection as soon as the request
// is written, before any response is read: the server may or may not
// store the answer, and the employee cannot tell.
func (e *employee) dropped(ctx context.Context, body string) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	ctx = httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		WroteRequest: func(httptrace.WroteRequestInfo) { cancel() },
	})
	e.do(ctx, http.MethodPost, e.urls[1], strings.NewReader(e.withToken(body)))
}

// withToken adds the CSRF token of the last form fetched to an encoded form.
func (e *employee) withToken(body string) string {
	return body + "&csrf_token=" + url.QueryEscape(*e.token.Load())
}

// do sends one request of the form's page and reads the whole response.
func (e *employee) do(ctx context.Context, method, base string, body io.Reader) (int, []byte, error) {
	target := base + "/s/" + e.link.Token
	req, err := http.NewRequestWithContext(ctx, method, target, body)
	if err != nil {
		return 0, nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		// A browser posts the form back to the origin it was served from;
		// behind a load balancer every instance has that origin.
		req.Header.Set("Origin", base)
	}
	res, err := e.client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	page, err := io.ReadAll(res.Body)
	return res.StatusCode, page, err
}

// errorKind names a transport error briefly for the report.
func errorKind(err error) string {
	var ne net.Error
	switch {
	case errors.Is(err, context.Canceled):
		return "cancelled"
	case errors.As(err, &ne) && ne.Timeout():
		return "timeout"
	case strings.Contains(err.Error(), "connection refused"):
		return "connection refused"
	case strings.Contains(err.Error(), "connection reset"), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "connection reset"
	}
	return "transport error"
}

// formShape is what the form asks: every item with its choices.
type formShape struct {
	choices map[string][]string // item key → values of its radio buttons
	texts   []string            // keys of the text items
	keys    []string            // keys of the scored items in form order
}

// parseForm reads the items of the form page; every form of a round has
// the same items, so one page is parsed per run.
func parseForm(page []byte) *formShape {
	f := &formShape{choices: map[string][]string{}}
	for _, m := range radio.FindAllSubmatch(page, -1) {
		k := string(m[1])
		if _, ok := f.choices[k]; !ok {
			f.keys = append(f.keys, k)
		}
		f.choices[k] = append(f.choices[k], string(m[2]))
	}
	for _, m := range textarea.FindAllSubmatch(page, -1) {
		f.texts = append(f.texts, string(m[1]))
	}
	return f
}

// comments are what some employees write in the text items.
var comments = []string{
	"Godt samarbejde i teamet, men for lidt tid til den enkelte borger.",
	"Vi savner mere information om forandringerne i forvaltningen.",
	"Ledelsen lytter, når vi siger fra. Tak for det.",
	"For mange vikarer i weekenden – det går ud over kvaliteten.",
}

// commentShare is the share of employees who write in a text item.
const commentShare = 0.2

// answers fills the form and returns it encoded: each employee has a mood that colours every
// scored answer; one answer in twenty is "don't know" (0), and one
// employee in five writes a comment.
func (e *employee) answers(rng *rand.Rand) string {
	f := e.r.form.Load()
	v := url.Values{"lang": {"da"}, "action": {"submit"}}
	mood := rng.NormFloat64() * 0.7
	for _, k := range f.keys {
		vals := f.choices[k]
		var scored []string
		for _, x := range vals {
			if x != "0" {
				scored = append(scored, x)
			}
		}
		if len(scored) < len(vals) && rng.Float64() < 0.05 {
			v.Set("a_"+k, "0")
			continue
		}
		// The middle of the scale, moved by the mood and some noise.
		pos := (float64(len(scored))-1)/2 + mood + rng.NormFloat64()*0.8
		i := min(len(scored)-1, max(0, int(pos+0.5)))
		v.Set("a_"+k, scored[i])
	}
	for _, k := range f.texts {
		if rng.Float64() < commentShare {
			v.Set("a_"+k, comments[rng.IntN(len(comments))])
		}
	}
	return v.Encode()
}
