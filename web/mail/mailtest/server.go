// Package mailtest runs a minimal SMTP server for tests: it accepts
// plain-text connections (no STARTTLS, no AUTH), records every message it
// accepts, refuses RCPT for chosen addresses with 550, and can answer 451
// to an address a number of times to exercise retries.
package mailtest

import (
	"io"
	"mime"
	"mime/quotedprintable"
	"net"
	netmail "net/mail"
	"net/textproto"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tillid/tillid/web/mail"
)

// Received is a message the server accepted.
type Received struct {
	From string
	To   []string
	Data string // the message as sent: headers and encoded body
}

// Body returns the message's decoded text body.
func (r Received) Body() string {
	m, err := netmail.ReadMessage(strings.NewReader(r.Data))
	if err != nil {
		return ""
	}
	var body io.Reader = m.Body
	if strings.EqualFold(m.Header.Get("Content-Transfer-Encoding"), "quoted-printable") {
		body = quotedprintable.NewReader(m.Body)
	}
	b, _ := io.ReadAll(body)
	return string(b)
}

// Subject returns the decoded Subject header.
func (r Received) Subject() string {
	m, err := netmail.ReadMessage(strings.NewReader(r.Data))
	if err != nil {
		return ""
	}
	s, err := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
	if err != nil {
		return m.Header.Get("Subject")
	}
	return s
}

// Server is a running fake SMTP server.
type Server struct {
	ln       net.Listener
	mu       sync.Mutex
	reject   map[string]bool
	tempFail map[string]int
	received []Received
	wg       sync.WaitGroup
}

// NewServer starts a server on a free local port that refuses RCPT for
// the reject addresses; it stops when the test ends.
func NewServer(t testing.TB, reject ...string) *Server {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{ln: ln, reject: map[string]bool{}, tempFail: map[string]int{}}
	for _, a := range reject {
		s.reject[strings.ToLower(a)] = true
	}
	s.wg.Add(1)
	go s.serve()
	t.Cleanup(func() {
		ln.Close()
		s.wg.Wait()
	})
	return s
}

// TempFail makes the server answer RCPT for addr with 451 the next n times.
func (s *Server) TempFail(addr string, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tempFail[strings.ToLower(addr)] = n
}

// Config returns a mail configuration that sends to the server without
// TLS, fast: no rate limit to speak of and short retry delays.
func (s *Server) Config() mail.Config {
	host, port, _ := net.SplitHostPort(s.ln.Addr().String())
	p, _ := strconv.Atoi(port)
	return mail.Config{
		Host: host, Port: p, From: "HR <hr@tillid.example>", Contact: "HR, hr@tillid.example",
		TLS: mail.TLSNone, Rate: 1000, RetryDelay: 10 * time.Millisecond, Timeout: 5 * time.Second,
	}
}

// Messages returns the messages accepted so far.
func (s *Server) Messages() []Received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Received(nil), s.received...)
}

func (s *Server) serve() {
	defer s.wg.Done()
	for {
		conn, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			defer conn.Close()
			s.session(textproto.NewConn(conn))
		}()
	}
}

// session speaks the server side of one SMTP connection.
func (s *Server) session(c *textproto.Conn) {
	c.PrintfLine("220 mailtest ESMTP")
	var cur Received
	for {
		line, err := c.ReadLine()
		if err != nil {
			return
		}
		verb, arg, _ := strings.Cut(line, " ")
		switch strings.ToUpper(verb) {
		case "EHLO", "HELO":
			c.PrintfLine("250-mailtest\r\n250-8BITMIME\r\n250 SMTPUTF8")
		case "MAIL":
			cur = Received{From: addrOf(arg)}
			c.PrintfLine("250 OK")
		case "RCPT":
			c.PrintfLine("%s", s.rcpt(&cur, addrOf(arg)))
		case "DATA":
			c.PrintfLine("354 go ahead")
			data, err := io.ReadAll(c.DotReader())
			if err != nil {
				return
			}
			cur.Data = string(data)
			s.mu.Lock()
			s.received = append(s.received, cur)
			s.mu.Unlock()
			cur = Received{}
			c.PrintfLine("250 OK queued")
		case "RSET":
			cur = Received{}
			c.PrintfLine("250 OK")
		case "NOOP":
			c.PrintfLine("250 OK")
		case "QUIT":
			c.PrintfLine("221 bye")
			return
		default:
			c.PrintfLine("502 not implemented")
		}
	}
}

// rcpt answers RCPT TO for addr and records an accepted recipient.
func (s *Server) rcpt(cur *Received, addr string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	key := strings.ToLower(addr)
	switch {
	case s.reject[key]:
		return "550 5.1.1 no such user"
	case s.tempFail[key] > 0:
		s.tempFail[key]--
		return "451 4.3.0 try again later"
	}
	cur.To = append(cur.To, addr)
	return "250 OK"
}

// addrOf returns the address of "FROM:<a@b>" or "TO:<a@b> …".
func addrOf(arg string) string {
	_, rest, _ := strings.Cut(arg, "<")
	addr, _, _ := strings.Cut(rest, ">")
	return addr
}
