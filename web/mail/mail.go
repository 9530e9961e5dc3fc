// Package mail sends tillid's invitation and reminder e-mails over SMTP
// (github.com/wneessen/go-mail) at a bounded rate with retries, and runs
// a send as a background job whose progress is kept in the database, so
// that every app instance can show it. Message texts are in Danish with
// English below. A message carries a secret link: nothing here logs a
// message, and only the addresses the server refused are stored.
package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	netmail "net/mail"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// TLSPolicy says whether the SMTP connection must be encrypted with STARTTLS.
type TLSPolicy string

// The STARTTLS policies.
const (
	// TLSMandatory refuses to send unless the server offers STARTTLS (the default).
	TLSMandatory TLSPolicy = "mandatory"
	// TLSOpportunistic uses STARTTLS when the server offers it.
	TLSOpportunistic TLSPolicy = "opportunistic"
	// TLSNone never encrypts: only for a relay on the same host or network.
	TLSNone TLSPolicy = "none"
)

// ParseTLSPolicy reads a policy name: mandatory, opportunistic or none
// ("" is mandatory).
func ParseTLSPolicy(s string) (TLSPolicy, error) {
	switch p := TLSPolicy(strings.ToLower(strings.TrimSpace(s))); p {
	case "":
		return TLSMandatory, nil
	case TLSMandatory, TLSOpportunistic, TLSNone:
		return p, nil
	}
	return "", fmt.Errorf("mail: TLS policy %q: want mandatory, opportunistic or none", s)
}

// Defaults of a Config's zero fields.
const (
	DefaultPort       = 587
	DefaultRate       = 5.0 // messages per second
	DefaultRetries    = 3
	DefaultRetryDelay = 2 * time.Second
	DefaultTimeout    = 30 * time.Second
)

// Config is how tillid reaches the municipality's SMTP server; the lead
// fills it from flags and environment variables.
type Config struct {
	// Host is the SMTP server's name or address; empty disables e-mail.
	Host string
	// Port is the SMTP port; 0 means 587 (message submission).
	Port int
	// Username and Password authenticate with SMTP AUTH (the strongest
	// mechanism the server offers); an empty Username sends without.
	Username, Password string
	// From is the sender, e.g. "Søby Kommune HR <hr@soeby.dk>".
	From string
	// Contact is whom employees ask about the survey, written in every
	// message, e.g. "HR-afdelingen, hr@soeby.dk"; empty uses From.
	Contact string
	// TLS is the STARTTLS policy; "" is TLSMandatory.
	TLS TLSPolicy
	// InsecureSkipVerify accepts any server certificate: for tests only.
	InsecureSkipVerify bool
	// Rate is the most messages sent per second; 0 means DefaultRate.
	Rate float64
	// Retries is how often a message that failed temporarily (a 4xx
	// reply, a lost connection) is tried again; 0 means DefaultRetries,
	// a negative number none.
	Retries int
	// RetryDelay is the wait before the first retry, doubled for each
	// next one; 0 means DefaultRetryDelay.
	RetryDelay time.Duration
	// Timeout bounds connecting and each SMTP command; 0 means DefaultTimeout.
	Timeout time.Duration
}

// Enabled reports whether an SMTP server is configured.
func (c Config) Enabled() bool { return c.Host != "" }

// withDefaults returns c with its zero fields set to the defaults.
func (c Config) withDefaults() Config {
	if c.Port == 0 {
		c.Port = DefaultPort
	}
	if c.TLS == "" {
		c.TLS = TLSMandatory
	}
	if c.Rate <= 0 {
		c.Rate = DefaultRate
	}
	if c.Retries == 0 {
		c.Retries = DefaultRetries
	}
	c.Retries = max(c.Retries, 0)
	if c.RetryDelay <= 0 {
		c.RetryDelay = DefaultRetryDelay
	}
	if c.Timeout <= 0 {
		c.Timeout = DefaultTimeout
	}
	if c.Contact == "" {
		c.Contact = c.From
	}
	return c
}

// Message is one plain-text e-mail to one address.
type Message struct {
	To, Subject, Text string
}

// Sender sends messages through one SMTP server at the configured rate.
type Sender struct {
	cfg Config
}

// NewSender checks cfg and returns a Sender for it.
func NewSender(cfg Config) (*Sender, error) {
	cfg = cfg.withDefaults()
	if !cfg.Enabled() {
		return nil, errors.New("mail: no SMTP host configured")
	}
	if _, err := netmail.ParseAddress(cfg.From); err != nil {
		return nil, fmt.Errorf("mail: from address %q: %w", cfg.From, err)
	}
	if _, err := ParseTLSPolicy(string(cfg.TLS)); err != nil {
		return nil, err
	}
	return &Sender{cfg: cfg}, nil
}

// Contact returns whom employees may ask, for the message texts.
func (s *Sender) Contact() string { return s.cfg.Contact }

// client returns a go-mail client for the configuration; it does not connect.
func (s *Sender) client() (*gomail.Client, error) {
	policy := map[TLSPolicy]gomail.TLSPolicy{TLSMandatory: gomail.TLSMandatory, TLSOpportunistic: gomail.TLSOpportunistic, TLSNone: gomail.NoTLS}[s.cfg.TLS]
	opts := []gomail.Option{
		gomail.WithPort(s.cfg.Port),
		gomail.WithTLSPortPolicy(policy),
		gomail.WithTimeout(s.cfg.Timeout),
		gomail.WithTLSConfig(&tls.Config{ServerName: s.cfg.Host, InsecureSkipVerify: s.cfg.InsecureSkipVerify, MinVersion: tls.VersionTLS12}),
	}
	if s.cfg.Username != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover), gomail.WithUsername(s.cfg.Username), gomail.WithPassword(s.cfg.Password))
	}
	c, err := gomail.NewClient(s.cfg.Host, opts...)
	if err != nil {
		return nil, fmt.Errorf("mail: client: %w", err)
	}
	return c, nil
}

// Send sends msgs in order over one connection, at most Rate a second,
// and calls done once per message with its index and its error (nil when
// the server accepted it). A message the server refuses for good (a 5xx
// reply, e.g. an unknown recipient) fails at once; one that fails
// temporarily is retried on a new connection after a growing delay. When
// the server cannot be reached at all, every remaining message fails with
// that error. Send returns early only when ctx ends.
func (s *Sender) Send(ctx context.Context, msgs []Message, done func(i int, err error)) error {
	c, err := s.client()
	if err != nil {
		return err
	}
	connected := false
	defer func() {
		if connected {
			c.Close()
		}
	}()
	tick := time.NewTicker(time.Duration(float64(time.Second) / s.cfg.Rate))
	defer tick.Stop()
	for i, m := range msgs {
		if i > 0 {
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-tick.C:
			}
		}
		err := s.sendOne(ctx, c, &connected, m)
		var down unreachableError
		if errors.As(err, &down) {
			for j := i; j < len(msgs); j++ {
				done(j, err)
			}
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		done(i, err)
	}
	return nil
}

// unreachableError is a connection that could not be made after the retries.
type unreachableError struct{ err error }

func (e unreachableError) Error() string { return "mail: SMTP server unreachable: " + e.err.Error() }
func (e unreachableError) Unwrap() error { return e.err }

// sendOne sends one message, connecting when needed and retrying
// temporary failures.
func (s *Sender) sendOne(ctx context.Context, c *gomail.Client, connected *bool, m Message) error {
	msg, err := s.build(m)
	if err != nil {
		return err
	}
	delay := s.cfg.RetryDelay
	for attempt := 0; ; attempt++ {
		if !*connected {
			if err = c.DialWithContext(ctx); err == nil {
				*connected = true
			} else if attempt >= s.cfg.Retries {
				return unreachableError{err}
			}
		}
		if *connected {
			if err = c.Send(msg); err == nil {
				return nil
			}
			if permanent(err) {
				return err
			}
			c.Close()
			*connected = false
			if attempt >= s.cfg.Retries {
				return err
			}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(delay):
		}
		delay *= 2
	}
}

// permanent reports whether the server refused for good: a 5xx reply.
func permanent(err error) bool {
	var se *gomail.SendError
	return errors.As(err, &se) && se.ErrorCode() >= 500
}

// build turns m into a go-mail message.
func (s *Sender) build(m Message) (*gomail.Msg, error) {
	msg := gomail.NewMsg(gomail.WithNoDefaultUserAgent())
	if err := msg.From(s.cfg.From); err != nil {
		return nil, fmt.Errorf("mail: from: %w", err)
	}
	if err := msg.To(m.To); err != nil {
		return nil, fmt.Errorf("mail: recipient %q: %w", m.To, err)
	}
	msg.Subject(m.Subject)
	msg.SetDate()
	msg.SetMessageID()
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	return msg, nil
}
