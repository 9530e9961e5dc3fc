package auth_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"testing"

	"github.com/tillid/tillid/survey/surveytest"
	"github.com/tillid/tillid/web/auth"
	"github.com/tillid/tillid/web/auth/authtest"
)

// newOIDC returns a client of a fresh mock provider.
func newOIDC(t *testing.T) (*auth.OIDC, *authtest.Provider) {
	t.Helper()
	p := authtest.NewProvider(t)
	o, err := auth.NewOIDC(context.Background(), auth.OIDCConfig{
		IssuerURL:    p.URL,
		ClientID:     authtest.ClientID,
		ClientSecret: authtest.ClientSecret,
		RedirectURL:  "http://tillid.test/login/oidc/callback",
		RolesClaim:   "groups",
		RoleMap:      map[string]auth.Role{"tillid-hr": auth.RoleAdministrator, "med": auth.RoleCommittee, "ledere": auth.RoleManager},
		UnitsClaim:   "units",
	})
	if err != nil {
		t.Fatal(err)
	}
	return o, p
}

// authorize plays the browser: it follows the auth URL to the provider
// and returns the state and code the provider redirects back with.
func authorize(t *testing.T, o *auth.OIDC, f auth.OIDCFlow) (state, code string) {
	t.Helper()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Get(o.AuthCodeURL(f))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("authorize: got status %d, want 302", resp.StatusCode)
	}
	back, err := url.Parse(resp.Header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	return back.Query().Get("state"), back.Query().Get("code")
}

func TestOIDC(t *testing.T) {
	ctx := context.Background()
	t.Run("OK", func(t *testing.T) {
		o, p := newOIDC(t)
		p.SignIn(map[string]any{"sub": "s-1", "email": "Leder@Kommune.dk", "name": "Lise Leder", "groups": []string{"alle", "ledere"}, "units": []string{"A", "B"}})
		f := auth.NewOIDCFlow()
		state, code := authorize(t, o, f)
		id, err := o.Exchange(ctx, f, state, code)
		if err != nil {
			t.Fatal(err)
		}
		if id.Subject != "s-1" || id.Email != "leder@kommune.dk" || id.Name != "Lise Leder" || id.Role != auth.RoleManager || len(id.UnitCodes) != 2 {
			t.Errorf("got %+v, want manager leder@kommune.dk of A and B", id)
		}
	})
	t.Run("MostPowerfulRole", func(t *testing.T) {
		o, p := newOIDC(t)
		p.SignIn(map[string]any{"sub": "s-2", "email": "hr@kommune.dk", "groups": []string{"ledere", "tillid-hr", "med"}, "units": "A"})
		f := auth.NewOIDCFlow()
		state, code := authorize(t, o, f)
		id, err := o.Exchange(ctx, f, state, code)
		if err != nil {
			t.Fatal(err)
		}
		if id.Role != auth.RoleAdministrator || id.UnitCodes != nil || id.Name != "hr@kommune.dk" {
			t.Errorf("got %+v, want an administrator without units, named by the address", id)
		}
	})
	t.Run("ErrNoRole", func(t *testing.T) {
		o, p := newOIDC(t)
		p.SignIn(map[string]any{"sub": "s-3", "email": "x@kommune.dk", "groups": "alle"})
		f := auth.NewOIDCFlow()
		state, code := authorize(t, o, f)
		if _, err := o.Exchange(ctx, f, state, code); !errors.Is(err, auth.ErrNoRole) {
			t.Errorf("got %v, want ErrNoRole", err)
		}
	})
	t.Run("ErrBadState", func(t *testing.T) {
		o, p := newOIDC(t)
		p.SignIn(map[string]any{"sub": "s-1", "email": "hr@kommune.dk", "groups": "tillid-hr"})
		f := auth.NewOIDCFlow()
		_, code := authorize(t, o, f)
		if _, err := o.Exchange(ctx, f, auth.NewOIDCFlow().State, code); !errors.Is(err, auth.ErrOIDC) {
			t.Errorf("got %v, want ErrOIDC", err)
		}
	})
	t.Run("ErrBadNonce", func(t *testing.T) {
		o, p := newOIDC(t)
		p.SignIn(map[string]any{"sub": "s-1", "email": "hr@kommune.dk", "groups": "tillid-hr"})
		p.ForceNonce("replayed")
		f := auth.NewOIDCFlow()
		state, code := authorize(t, o, f)
		if _, err := o.Exchange(ctx, f, state, code); !errors.Is(err, auth.ErrOIDC) {
			t.Errorf("got %v, want ErrOIDC", err)
		}
	})
	t.Run("ErrBadVerifier", func(t *testing.T) {
		o, p := newOIDC(t)
		p.SignIn(map[string]any{"sub": "s-1", "email": "hr@kommune.dk", "groups": "tillid-hr"})
		f := auth.NewOIDCFlow()
		state, code := authorize(t, o, f)
		f.Verifier = auth.NewOIDCFlow().Verifier
		if _, err := o.Exchange(ctx, f, state, code); !errors.Is(err, auth.ErrOIDC) {
			t.Errorf("got %v, want ErrOIDC", err)
		}
	})
}

func TestSignInOIDC(t *testing.T) {
	ctx := context.Background()
	s := auth.NewStore(surveytest.Open(t))
	id := auth.Identity{Subject: "s-1", Email: "leder@kommune.dk", Name: "Lise", Role: auth.RoleManager}
	first, err := s.SignInOIDC(ctx, id, nil, "10.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	t.Run("Created", func(t *testing.T) {
		if first.Role != auth.RoleManager || first.HasPassword || first.Name != "Lise" {
			t.Errorf("got %+v, want a manager without a password", first)
		}
	})
	t.Run("UpdatedBySubject", func(t *testing.T) {
		id2 := id
		id2.Email, id2.Role = "lise@kommune.dk", auth.RoleCommittee
		got, err := s.SignInOIDC(ctx, id2, nil, "10.0.0.1")
		if err != nil {
			t.Fatal(err)
		}
		if got.ID != first.ID || got.Email != "lise@kommune.dk" || got.Role != auth.RoleCommittee {
			t.Errorf("got %+v, want user %d updated to committee", got, first.ID)
		}
	})
	t.Run("LinkedByEmail", func(t *testing.T) {
		local := auth.User{Email: "hr@kommune.dk", Name: "HR", Role: auth.RoleAdministrator}
		if err := s.CreateUser(ctx, &local, ""); err != nil {
			t.Fatal(err)
		}
		got, err := s.SignInOIDC(ctx, auth.Identity{Subject: "s-9", Email: "hr@kommune.dk", Name: "Hanne", Role: auth.RoleAdministrator}, nil, "10.0.0.1")
		if err != nil {
			t.Fatal(err)
		}
		if got.ID != local.ID || got.Name != "Hanne" {
			t.Errorf("got %+v, want the local account %d linked", got, local.ID)
		}
	})
	t.Run("ErrDisabled", func(t *testing.T) {
		if err := s.DisableUser(ctx, first.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SignInOIDC(ctx, id, nil, "10.0.0.1"); !errors.Is(err, auth.ErrBadCredentials) {
			t.Errorf("got %v, want ErrBadCredentials", err)
		}
	})
}
