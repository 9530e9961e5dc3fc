package auth

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/alexedwards/argon2id"

	"github.com/tillid/tillid/survey"
	"github.com/tillid/tillid/survey/surveytest"
)

// testPassword is long enough for ValidatePassword.
const testPassword = "korrekt hest batteri"

// clock is a settable clock for the store.
type clock struct{ t time.Time }

func (c *clock) now() time.Time          { return c.t }
func (c *clock) advance(d time.Duration) { c.t = c.t.Add(d) }

// newStore returns a store over a fresh database with cheap hash
// parameters (tests hash many passwords) and a settable clock.
func newStore(t testing.TB) (*Store, *clock) {
	t.Helper()
	s := NewStore(surveytest.Open(t))
	s.HashParams = &argon2id.Params{Memory: 1024, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}
	c := &clock{t: time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC)}
	s.SetClock(c.now)
	return s, c
}

// mustUser creates a user with testPassword.
func mustUser(t testing.TB, s *Store, email string, role Role, units ...int64) User {
	t.Helper()
	u := User{Email: email, Name: "Test " + email, Role: role, UnitIDs: units}
	if err := s.CreateUser(context.Background(), &u, testPassword); err != nil {
		t.Fatalf("create user: %v", err)
	}
	return u
}

func TestPassword(t *testing.T) {
	s := NewStore(nil)
	h, err := s.HashPassword(testPassword)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("OK", func(t *testing.T) {
		if !s.VerifyPassword(testPassword, h) {
			t.Errorf("got false, want true for the right password")
		}
	})
	t.Run("ErrWrongPassword", func(t *testing.T) {
		if s.VerifyPassword(testPassword+"x", h) {
			t.Errorf("got true, want false for a wrong password")
		}
	})
	t.Run("EmptyHashNeverMatches", func(t *testing.T) {
		if s.VerifyPassword("", "") || s.VerifyPassword(testPassword, "") {
			t.Errorf("got true, want false for an account without a password")
		}
	})
	t.Run("Params", func(t *testing.T) {
		p, _, _, err := argon2id.DecodeHash(h)
		if err != nil {
			t.Fatal(err)
		}
		if p.Memory != 64*1024 || p.Parallelism != 2 || p.Iterations < 1 || p.Iterations > 3 {
			t.Errorf("got %+v, want 64 MiB, 2 lanes, 1-3 passes", *p)
		}
	})
	t.Run("ErrTooShort", func(t *testing.T) {
		if err := ValidatePassword("kort"); !errors.Is(err, survey.ErrInvalid) {
			t.Errorf("got %v, want ErrInvalid", err)
		}
	})
}

// BenchmarkVerifyPassword measures one sign-in's hash check with the
// production parameters.
func BenchmarkVerifyPassword(b *testing.B) {
	s := NewStore(nil)
	h, err := s.HashPassword(testPassword)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		s.VerifyPassword(testPassword, h)
	}
}

// BenchmarkLogin measures a whole successful sign-in with the production
// hash parameters: limit checks, the hash, clearing failures, the audit.
func BenchmarkLogin(b *testing.B) {
	s, _ := newStore(b)
	s.HashParams = DefaultHashParams
	mustUser(b, s, "hr@kommune.dk", RoleAdministrator)
	ctx := context.Background()
	for b.Loop() {
		if _, err := s.Login(ctx, "hr@kommune.dk", testPassword, "10.0.0.1"); err != nil {
			b.Fatal(err)
		}
	}
}

func TestCreateUser(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	t.Run("OK", func(t *testing.T) {
		u := User{Email: " Hr@Kommune.DK ", Name: "Hanne HR", Role: RoleAdministrator}
		if err := s.CreateUser(ctx, &u, testPassword); err != nil {
			t.Fatal(err)
		}
		got, err := s.FindUserByEmail(ctx, "HR@kommune.dk")
		if err != nil {
			t.Fatal(err)
		}
		if got.ID != u.ID || got.Email != "hr@kommune.dk" || got.Role != RoleAdministrator || !got.HasPassword || got.Disabled {
			t.Errorf("got %+v, want the created administrator", got)
		}
	})
	t.Run("ErrConflict", func(t *testing.T) {
		u := User{Email: "hr@kommune.dk", Name: "Igen", Role: RoleCommittee}
		if err := s.CreateUser(ctx, &u, testPassword); !errors.Is(err, survey.ErrConflict) {
			t.Errorf("got %v, want ErrConflict", err)
		}
	})
	t.Run("ErrInvalidRole", func(t *testing.T) {
		u := User{Email: "x@kommune.dk", Name: "X", Role: "boss"}
		if err := s.CreateUser(ctx, &u, testPassword); !errors.Is(err, survey.ErrInvalid) {
			t.Errorf("got %v, want ErrInvalid", err)
		}
	})
	t.Run("ErrInvalidEmail", func(t *testing.T) {
		u := User{Email: "ikke-en-adresse", Name: "X", Role: RoleCommittee}
		if err := s.CreateUser(ctx, &u, testPassword); !errors.Is(err, survey.ErrInvalid) {
			t.Errorf("got %v, want ErrInvalid", err)
		}
	})
	t.Run("ErrUnitsForCommittee", func(t *testing.T) {
		u := User{Email: "med@kommune.dk", Name: "MED", Role: RoleCommittee, UnitIDs: []int64{1}}
		if err := s.CreateUser(ctx, &u, testPassword); !errors.Is(err, survey.ErrInvalid) {
			t.Errorf("got %v, want ErrInvalid", err)
		}
	})
	t.Run("ManagerUnits", func(t *testing.T) {
		ss := survey.NewStore(s.db)
		a := survey.Unit{Code: "A", Name: "A"}
		b := survey.Unit{Code: "B", Name: "B"}
		for _, u := range []*survey.Unit{&a, &b} {
			if err := ss.CreateUnit(ctx, u); err != nil {
				t.Fatal(err)
			}
		}
		m := mustUser(t, s, "leder@kommune.dk", RoleManager, b.ID, a.ID, b.ID)
		got, err := s.FindUserByID(ctx, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(got.UnitIDs) != fmt.Sprint([]int64{a.ID, b.ID}) {
			t.Errorf("got units %v, want %v", got.UnitIDs, []int64{a.ID, b.ID})
		}
		all, err := s.FindUsers(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != 2 || all[1].Email != "leder@kommune.dk" || len(all[1].UnitIDs) != 2 {
			t.Errorf("got %+v, want hr and leder with 2 units", all)
		}
		if err := s.SetUserUnits(ctx, m.ID, []int64{b.ID}); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.FindUserByID(ctx, m.ID); fmt.Sprint(got.UnitIDs) != fmt.Sprint([]int64{b.ID}) {
			t.Errorf("after SetUserUnits: got units %v, want [%d]", got.UnitIDs, b.ID)
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		if _, err := s.FindUserByEmail(ctx, "ingen@kommune.dk"); !errors.Is(err, survey.ErrNotFound) {
			t.Errorf("got %v, want ErrNotFound", err)
		}
	})
}

func TestLogin(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	u := mustUser(t, s, "hr@kommune.dk", RoleAdministrator)
	t.Run("OK", func(t *testing.T) {
		got, err := s.Login(ctx, "HR@kommune.dk", testPassword, "10.0.0.1")
		if err != nil {
			t.Fatal(err)
		}
		if got.ID != u.ID {
			t.Errorf("got user %d, want %d", got.ID, u.ID)
		}
	})
	t.Run("ErrWrongPassword", func(t *testing.T) {
		if _, err := s.Login(ctx, "hr@kommune.dk", "forkert forkert", "10.0.0.1"); !errors.Is(err, ErrBadCredentials) {
			t.Errorf("got %v, want ErrBadCredentials", err)
		}
	})
	t.Run("ErrUnknownAccount", func(t *testing.T) {
		if _, err := s.Login(ctx, "ingen@kommune.dk", testPassword, "10.0.0.1"); !errors.Is(err, ErrBadCredentials) {
			t.Errorf("got %v, want ErrBadCredentials", err)
		}
	})
	t.Run("ErrNoLocalPassword", func(t *testing.T) {
		o := User{Email: "sso@kommune.dk", Name: "SSO", Role: RoleCommittee}
		if err := s.CreateUser(ctx, &o, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Login(ctx, "sso@kommune.dk", "", "10.0.0.1"); !errors.Is(err, ErrBadCredentials) {
			t.Errorf("got %v, want ErrBadCredentials", err)
		}
	})
	t.Run("ErrDisabled", func(t *testing.T) {
		d := mustUser(t, s, "stop@kommune.dk", RoleCommittee)
		if err := s.DisableUser(ctx, d.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Login(ctx, "stop@kommune.dk", testPassword, "10.0.0.1"); !errors.Is(err, ErrBadCredentials) {
			t.Errorf("got %v, want ErrBadCredentials", err)
		}
	})
	t.Run("SetPassword", func(t *testing.T) {
		if err := s.SetPassword(ctx, u.ID, "et helt nyt kodeord"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Login(ctx, "hr@kommune.dk", "et helt nyt kodeord", "10.0.0.2"); err != nil {
			t.Errorf("got %v, want sign-in with the new password", err)
		}
		if _, err := s.Login(ctx, "hr@kommune.dk", testPassword, "10.0.0.2"); !errors.Is(err, ErrBadCredentials) {
			t.Errorf("got %v, want ErrBadCredentials for the old password", err)
		}
	})
	t.Run("Audit", func(t *testing.T) {
		es, err := s.FindAudit(ctx, AuditFilter{Action: ActionLoginFailed})
		if err != nil {
			t.Fatal(err)
		}
		if len(es) < 3 {
			t.Fatalf("got %d failed sign-ins in the audit log, want at least 3", len(es))
		}
		for _, e := range es {
			if e.Detail != "address=10.0.0.1" && e.Detail != "address=10.0.0.2" {
				t.Errorf("got detail %q, want only the address", e.Detail)
			}
		}
		ok, err := s.FindAudit(ctx, AuditFilter{UserID: u.ID, Action: ActionLogin})
		if err != nil {
			t.Fatal(err)
		}
		if len(ok) != 2 || ok[0].UserEmail != "hr@kommune.dk" {
			t.Errorf("got %+v, want 2 sign-ins of hr@kommune.dk", ok)
		}
	})
}

func TestLoginRateLimit(t *testing.T) {
	ctx := context.Background()
	t.Run("PerAccount", func(t *testing.T) {
		s, c := newStore(t)
		mustUser(t, s, "leder@kommune.dk", RoleManager)
		for i := range s.MaxAccountFailures {
			c.advance(time.Minute)
			if _, err := s.Login(ctx, "leder@kommune.dk", "forkert forkert", fmt.Sprintf("10.0.0.%d", i)); !errors.Is(err, ErrBadCredentials) {
				t.Fatalf("attempt %d: got %v, want ErrBadCredentials", i, err)
			}
		}
		// The right password is refused too while the account is blocked.
		_, err := s.Login(ctx, "leder@kommune.dk", testPassword, "10.9.9.9")
		var rl *RateLimitError
		if !errors.As(err, &rl) {
			t.Fatalf("got %v, want a RateLimitError", err)
		}
		// The first failure was 5 minutes ago; the 5th newest leaves the window in 10 minutes.
		if want := s.FailureWindow - time.Duration(s.MaxAccountFailures-1)*time.Minute; rl.RetryAfter != want {
			t.Errorf("got retry after %s, want %s", rl.RetryAfter, want)
		}
		// Another account from the same addresses is not blocked.
		if _, err := s.Login(ctx, "anden@kommune.dk", "forkert forkert", "10.0.0.1"); !errors.Is(err, ErrBadCredentials) {
			t.Errorf("got %v, want ErrBadCredentials for another account", err)
		}
		c.advance(rl.RetryAfter)
		if _, err := s.Login(ctx, "leder@kommune.dk", testPassword, "10.9.9.9"); err != nil {
			t.Errorf("after the wait: got %v, want sign-in", err)
		}
		blocked, err := s.FindAudit(ctx, AuditFilter{Action: ActionLoginBlocked})
		if err != nil {
			t.Fatal(err)
		}
		if len(blocked) != 1 {
			t.Errorf("got %d blocked sign-ins in the audit log, want 1", len(blocked))
		}
	})
	t.Run("PerAddress", func(t *testing.T) {
		s, c := newStore(t)
		mustUser(t, s, "hr@kommune.dk", RoleAdministrator)
		for i := range s.MaxAddressFailures {
			if _, err := s.Login(ctx, fmt.Sprintf("gæt%d@kommune.dk", i), "forkert forkert", "192.0.2.7"); !errors.Is(err, ErrBadCredentials) {
				t.Fatalf("attempt %d: got %v, want ErrBadCredentials", i, err)
			}
		}
		var rl *RateLimitError
		if _, err := s.Login(ctx, "hr@kommune.dk", testPassword, "192.0.2.7"); !errors.As(err, &rl) {
			t.Fatalf("got %v, want a RateLimitError from the guessing address", err)
		}
		if rl.RetryAfter != s.FailureWindow {
			t.Errorf("got retry after %s, want %s", rl.RetryAfter, s.FailureWindow)
		}
		if _, err := s.Login(ctx, "hr@kommune.dk", testPassword, "192.0.2.8"); err != nil {
			t.Errorf("got %v, want sign-in from another address", err)
		}
		c.advance(s.FailureWindow)
		if _, err := s.Login(ctx, "hr@kommune.dk", testPassword, "192.0.2.7"); err != nil {
			t.Errorf("after the window: got %v, want sign-in", err)
		}
	})
}

func TestSession(t *testing.T) {
	ctx := context.Background()
	// One store for all cases: each case has its own users and sessions,
	// and the shared clock only moves forward.
	s, c := newStore(t)
	n := 0
	newUser := func(t *testing.T, role Role) User {
		n++
		return mustUser(t, s, fmt.Sprintf("u%d@kommune.dk", n), role)
	}
	t.Run("OK", func(t *testing.T) {
		u := newUser(t, RoleAdministrator)
		tok, err := s.CreateSession(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.SessionUser(ctx, tok)
		if err != nil {
			t.Fatal(err)
		}
		if got.ID != u.ID || got.Email != u.Email {
			t.Errorf("got %+v, want %+v", got, u)
		}
		var stored int
		if err := s.db.GetContext(ctx, &stored, s.rebind("SELECT COUNT(*) FROM sessions WHERE id = ?"), []byte(tok)); err != nil {
			t.Fatal(err)
		}
		if stored != 0 {
			t.Errorf("got the cookie token stored as the id, want only its hash")
		}
	})
	t.Run("ErrUnknownToken", func(t *testing.T) {
		if _, err := s.SessionUser(ctx, randomToken()); !errors.Is(err, ErrNoSession) {
			t.Errorf("got %v, want ErrNoSession", err)
		}
	})
	t.Run("IdleExpiry", func(t *testing.T) {
		u := newUser(t, RoleAdministrator)
		tok, _ := s.CreateSession(ctx, u.ID)
		c.advance(s.IdleTimeout - time.Second)
		if _, err := s.SessionUser(ctx, tok); err != nil {
			t.Fatalf("just before the idle timeout: got %v, want the user", err)
		}
		c.advance(s.IdleTimeout)
		if _, err := s.SessionUser(ctx, tok); !errors.Is(err, ErrNoSession) {
			t.Errorf("after the idle timeout: got %v, want ErrNoSession", err)
		}
	})
	t.Run("AbsoluteExpiry", func(t *testing.T) {
		u := newUser(t, RoleAdministrator)
		tok, _ := s.CreateSession(ctx, u.ID)
		// Used every 20 minutes, the session lives until the absolute timeout.
		for elapsed := time.Duration(0); elapsed+20*time.Minute < s.AbsoluteTimeout; elapsed += 20 * time.Minute {
			c.advance(20 * time.Minute)
			if _, err := s.SessionUser(ctx, tok); err != nil {
				t.Fatalf("after %s: got %v, want the user", elapsed+20*time.Minute, err)
			}
		}
		c.advance(20 * time.Minute)
		if _, err := s.SessionUser(ctx, tok); !errors.Is(err, ErrNoSession) {
			t.Errorf("after the absolute timeout: got %v, want ErrNoSession", err)
		}
	})
	t.Run("LastSeenAtMostOncePerMinute", func(t *testing.T) {
		u := newUser(t, RoleAdministrator)
		tok, _ := s.CreateSession(ctx, u.ID)
		start := c.t.Unix()
		lastSeen := func() int64 {
			var at int64
			if err := s.db.GetContext(ctx, &at, s.rebind("SELECT last_seen_at FROM sessions WHERE id = ?"), sessionID(tok)); err != nil {
				t.Fatal(err)
			}
			return at
		}
		c.advance(30 * time.Second)
		s.SessionUser(ctx, tok)
		if got := lastSeen(); got != start {
			t.Errorf("after 30 s: got last_seen_at %d, want unchanged %d", got, start)
		}
		c.advance(31 * time.Second)
		s.SessionUser(ctx, tok)
		if got, want := lastSeen(), start+61; got != want {
			t.Errorf("after 61 s: got last_seen_at %d, want %d", got, want)
		}
	})
	t.Run("LogoutEverywhere", func(t *testing.T) {
		u := newUser(t, RoleAdministrator)
		o := newUser(t, RoleCommittee)
		a, _ := s.CreateSession(ctx, u.ID)
		b, _ := s.CreateSession(ctx, u.ID)
		other, _ := s.CreateSession(ctx, o.ID)
		n, err := s.DeleteUserSessions(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		if n != 2 {
			t.Errorf("got %d sessions ended, want 2", n)
		}
		for _, tok := range []string{a, b} {
			if _, err := s.SessionUser(ctx, tok); !errors.Is(err, ErrNoSession) {
				t.Errorf("got %v, want ErrNoSession", err)
			}
		}
		if _, err := s.SessionUser(ctx, other); err != nil {
			t.Errorf("another user's session: got %v, want it kept", err)
		}
	})
	t.Run("Logout", func(t *testing.T) {
		u := newUser(t, RoleAdministrator)
		a, _ := s.CreateSession(ctx, u.ID)
		b, _ := s.CreateSession(ctx, u.ID)
		if a == b {
			t.Fatalf("got the same token twice, want a new one per sign-in")
		}
		if err := s.DeleteSession(ctx, a); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SessionUser(ctx, a); !errors.Is(err, ErrNoSession) {
			t.Errorf("got %v, want ErrNoSession", err)
		}
		if _, err := s.SessionUser(ctx, b); err != nil {
			t.Errorf("the other session: got %v, want it kept", err)
		}
	})
	t.Run("ErrDisabledUser", func(t *testing.T) {
		u := newUser(t, RoleAdministrator)
		tok, _ := s.CreateSession(ctx, u.ID)
		if err := s.DisableUser(ctx, u.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SessionUser(ctx, tok); !errors.Is(err, ErrNoSession) {
			t.Errorf("got %v, want ErrNoSession", err)
		}
	})
}

func TestAudit(t *testing.T) {
	s, c := newStore(t)
	ctx := context.Background()
	u := mustUser(t, s, "hr@kommune.dk", RoleAdministrator)
	if err := s.Audit(ctx, u.ID, "results.view", "ADM", "round=3"); err != nil {
		t.Fatal(err)
	}
	c.advance(time.Hour)
	if err := s.Audit(ctx, 0, "export", "ORG", ""); err != nil {
		t.Fatal(err)
	}
	t.Run("OK", func(t *testing.T) {
		es, err := s.FindAudit(ctx, AuditFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(es) != 2 || es[0].Action != "export" || es[0].UserID.Valid || es[1].UserID != (sql.NullInt64{Int64: u.ID, Valid: true}) {
			t.Errorf("got %+v, want export (no user) then results.view by %d", es, u.ID)
		}
	})
	t.Run("Since", func(t *testing.T) {
		es, err := s.FindAudit(ctx, AuditFilter{Since: c.t.Add(-time.Minute)})
		if err != nil {
			t.Fatal(err)
		}
		if len(es) != 1 || es[0].Action != "export" {
			t.Errorf("got %+v, want only the export", es)
		}
	})
	t.Run("Offset", func(t *testing.T) {
		es, err := s.FindAudit(ctx, AuditFilter{Limit: 1, Offset: 1})
		if err != nil {
			t.Fatal(err)
		}
		if len(es) != 1 || es[0].Action != "results.view" {
			t.Errorf("got %+v, want only the older results.view", es)
		}
	})
}

func TestCanSeeUnit(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	ss := survey.NewStore(s.db)
	// root ─ a ─ a1
	//      └ b
	units := map[string]*survey.Unit{}
	for _, u := range []struct{ code, parent string }{{"root", ""}, {"a", "root"}, {"a1", "a"}, {"b", "root"}} {
		unit := &survey.Unit{Code: u.code, Name: u.code}
		if p := units[u.parent]; p != nil {
			unit.ParentID = sql.NullInt64{Int64: p.ID, Valid: true}
		}
		if err := ss.CreateUnit(ctx, unit); err != nil {
			t.Fatal(err)
		}
		units[u.code] = unit
	}
	tree := NewUnitTree(ss)
	snap, err := tree.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := fmt.Sprint(snap.Ancestors(units["a1"].ID)), fmt.Sprint([]int64{units["a"].ID, units["root"].ID}); got != want {
		t.Errorf("got ancestors %s, want %s", got, want)
	}
	manager := User{Role: RoleManager, UnitIDs: []int64{units["a"].ID}}
	for _, tc := range []struct {
		user User
		unit string
		want bool
	}{
		{manager, "a", true},
		{manager, "a1", true},
		{manager, "b", false},
		{manager, "root", false},
		{User{Role: RoleCommittee}, "b", true},
		{User{Role: RoleAdministrator}, "a1", true},
		{User{Role: "unknown"}, "a1", false},
	} {
		if got := tc.user.CanSeeUnit(units[tc.unit].ID, snap.Ancestors); got != tc.want {
			t.Errorf("%s sees %s: got %t, want %t", tc.user.Role, tc.unit, got, tc.want)
		}
	}
	t.Run("Invalidate", func(t *testing.T) {
		c := &survey.Unit{Code: "c", Name: "c", ParentID: sql.NullInt64{Int64: units["a1"].ID, Valid: true}}
		if err := ss.CreateUnit(ctx, c); err != nil {
			t.Fatal(err)
		}
		if s2, _ := tree.Snapshot(ctx); s2 != snap {
			t.Errorf("got a reload within the TTL, want the cached snapshot")
		}
		tree.Invalidate()
		s2, err := tree.Snapshot(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if id, ok := s2.IDByCode("c"); !ok || !manager.CanSeeUnit(id, s2.Ancestors) {
			t.Errorf("got unit c unknown or out of scope after Invalidate, want it in the manager's subtree")
		}
	})
}
