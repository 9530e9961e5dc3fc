package auth

import (
	"context"
	"crypto/subtle"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/jmoiron/sqlx"
	"golang.org/x/oauth2"

	"github.com/tillid/tillid/survey"
)

// OIDCConfig configures sign-in through the municipality's identity
// provider with OpenID Connect (authorization code flow with PKCE). The
// lead fills it from flags or the environment; a nil config leaves
// sign-in to local passwords.
type OIDCConfig struct {
	// IssuerURL is the provider's issuer identifier, e.g.
	// "https://login.kommune.dk/realms/ansatte"; tillid reads
	// IssuerURL + "/.well-known/openid-configuration" at start-up.
	IssuerURL string
	// ClientID is tillid's client id registered at the provider.
	ClientID string
	// ClientSecret is the client's secret (tillid is a confidential client).
	ClientSecret string
	// RedirectURL is where the provider sends the browser back: the app's
	// BaseURL + "/login/oidc/callback"; it must be registered at the provider.
	RedirectURL string
	// Scopes are requested besides "openid"; empty means "profile" and "email".
	Scopes []string
	// RolesClaim names the ID-token claim that holds the user's roles or
	// groups, a string or an array of strings, e.g. "roles" or "groups".
	RolesClaim string
	// RoleMap maps values of RolesClaim to tillid roles, e.g.
	// {"tillid-hr": RoleAdministrator, "med-hu": RoleCommittee,
	// "ledere": RoleManager}. A user with several mapped values gets the
	// most powerful role; a user with none is refused.
	RoleMap map[string]Role
	// UnitsClaim names the claim that holds a manager's unit codes (as in
	// the HR system's organisation export), a string or an array of
	// strings. Codes unknown to tillid are ignored.
	UnitsClaim string
	// EmailClaim names the claim with the e-mail address; default "email".
	EmailClaim string
	// NameClaim names the claim with the display name; default "name".
	NameClaim string
}

// ParseRoleMap parses "value=role,value=role" (a flag's form of
// OIDCConfig.RoleMap), e.g. "tillid-hr=administrator,ledere=manager".
func ParseRoleMap(s string) (map[string]Role, error) {
	m := map[string]Role{}
	for pair := range strings.SplitSeq(s, ",") {
		if pair = strings.TrimSpace(pair); pair == "" {
			continue
		}
		value, role, ok := strings.Cut(pair, "=")
		if !ok || strings.TrimSpace(value) == "" {
			return nil, survey.Invalidf("role map entry %q: want claim-value=role", pair)
		}
		r, err := ParseRole(strings.TrimSpace(role))
		if err != nil {
			return nil, err
		}
		m[strings.TrimSpace(value)] = r
	}
	return m, nil
}

// ErrOIDC is wrapped by every failed identity-provider sign-in: a wrong
// state or nonce, a refused code, an invalid ID token, a missing claim.
var ErrOIDC = errors.New("auth: identity provider sign-in failed")

// ErrNoRole is returned (wrapping ErrOIDC) when the provider's claims map
// to no tillid role: the person may not use tillid.
var ErrNoRole = fmt.Errorf("%w: no tillid role in the claims", ErrOIDC)

// OIDC signs users in through an OpenID Connect provider.
type OIDC struct {
	cfg      OIDCConfig
	oauth    oauth2.Config
	verifier *oidc.IDTokenVerifier
}

// NewOIDC discovers the provider named by cfg.IssuerURL and returns a
// client for it.
func NewOIDC(ctx context.Context, cfg OIDCConfig) (*OIDC, error) {
	if cfg.IssuerURL == "" || cfg.ClientID == "" || cfg.RedirectURL == "" {
		return nil, survey.Invalidf("oidc: issuer URL, client id and redirect URL are required")
	}
	if cfg.RolesClaim == "" || len(cfg.RoleMap) == 0 {
		return nil, survey.Invalidf("oidc: the roles claim and the role map are required")
	}
	if cfg.EmailClaim == "" {
		cfg.EmailClaim = "email"
	}
	if cfg.NameClaim == "" {
		cfg.NameClaim = "name"
	}
	scopes := cfg.Scopes
	if len(scopes) == 0 {
		scopes = []string{"profile", "email"}
	}
	// The provider keeps ctx for fetching signing keys later: it must
	// outlive a start-up deadline.
	p, err := oidc.NewProvider(context.WithoutCancel(ctx), cfg.IssuerURL)
	if err != nil {
		return nil, fmt.Errorf("auth: oidc: discover %s: %w", cfg.IssuerURL, err)
	}
	return &OIDC{
		cfg: cfg,
		oauth: oauth2.Config{
			ClientID:     cfg.ClientID,
			ClientSecret: cfg.ClientSecret,
			Endpoint:     p.Endpoint(),
			RedirectURL:  cfg.RedirectURL,
			Scopes:       append([]string{oidc.ScopeOpenID}, scopes...),
		},
		verifier: p.Verifier(&oidc.Config{ClientID: cfg.ClientID}),
	}, nil
}

// OIDCFlow is the secret state of one sign-in in progress, kept in the
// browser between the redirect to the provider and the callback.
type OIDCFlow struct {
	// State ties the callback to this browser (against login CSRF).
	State string
	// Nonce ties the ID token to this sign-in (against replay).
	Nonce string
	// Verifier is the PKCE code verifier.
	Verifier string
}

// NewOIDCFlow returns a flow with fresh random values.
func NewOIDCFlow() OIDCFlow {
	return OIDCFlow{State: randomToken(), Nonce: randomToken(), Verifier: oauth2.GenerateVerifier()}
}

// AuthCodeURL returns the provider's address to send the browser to.
func (o *OIDC) AuthCodeURL(f OIDCFlow) string {
	return o.oauth.AuthCodeURL(f.State, oidc.Nonce(f.Nonce), oauth2.S256ChallengeOption(f.Verifier))
}

// Identity is who the provider says signed in, mapped to tillid's terms.
type Identity struct {
	Subject   string
	Email     string
	Name      string
	Role      Role
	UnitCodes []string
}

// Exchange completes the flow f with the callback's state and code: it
// checks the state, redeems the code (with the PKCE verifier), verifies
// the ID token's signature, issuer, audience, expiry and nonce, and maps
// its claims. Errors wrap ErrOIDC.
func (o *OIDC) Exchange(ctx context.Context, f OIDCFlow, state, code string) (Identity, error) {
	if f.State == "" || subtle.ConstantTimeCompare([]byte(state), []byte(f.State)) != 1 {
		return Identity{}, fmt.Errorf("%w: state does not match", ErrOIDC)
	}
	tok, err := o.oauth.Exchange(ctx, code, oauth2.VerifierOption(f.Verifier))
	if err != nil {
		return Identity{}, fmt.Errorf("%w: redeem code: %v", ErrOIDC, err)
	}
	raw, ok := tok.Extra("id_token").(string)
	if !ok || raw == "" {
		return Identity{}, fmt.Errorf("%w: no id_token in the token response", ErrOIDC)
	}
	idt, err := o.verifier.Verify(ctx, raw)
	if err != nil {
		return Identity{}, fmt.Errorf("%w: %v", ErrOIDC, err)
	}
	if subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(f.Nonce)) != 1 {
		return Identity{}, fmt.Errorf("%w: nonce does not match", ErrOIDC)
	}
	var claims map[string]any
	if err := idt.Claims(&claims); err != nil {
		return Identity{}, fmt.Errorf("%w: claims: %v", ErrOIDC, err)
	}
	return o.identity(idt.Subject, claims)
}

// identity maps verified claims to an Identity.
func (o *OIDC) identity(subject string, claims map[string]any) (Identity, error) {
	id := Identity{Subject: subject}
	if emails := claimStrings(claims, o.cfg.EmailClaim); len(emails) > 0 {
		id.Email = NormalizeEmail(emails[0])
	}
	if id.Email == "" {
		return Identity{}, fmt.Errorf("%w: claim %q (e-mail address) is missing", ErrOIDC, o.cfg.EmailClaim)
	}
	id.Name = id.Email
	if names := claimStrings(claims, o.cfg.NameClaim); len(names) > 0 && strings.TrimSpace(names[0]) != "" {
		id.Name = strings.TrimSpace(names[0])
	}
	values := claimStrings(claims, o.cfg.RolesClaim)
	for _, r := range Roles {
		if slices.ContainsFunc(values, func(v string) bool { return o.cfg.RoleMap[v] == r }) {
			id.Role = r
			break
		}
	}
	if id.Role == "" {
		return Identity{}, ErrNoRole
	}
	if id.Role == RoleManager && o.cfg.UnitsClaim != "" {
		id.UnitCodes = claimStrings(claims, o.cfg.UnitsClaim)
	}
	return id, nil
}

// claimStrings reads a claim that is a string or an array of strings.
func claimStrings(claims map[string]any, name string) []string {
	switch v := claims[name].(type) {
	case string:
		return []string{v}
	case []any:
		var ss []string
		for _, e := range v {
			if s, ok := e.(string); ok {
				ss = append(ss, s)
			}
		}
		return ss
	}
	return nil
}

// SignInOIDC creates or updates the user for a provider identity: matched
// by the provider's subject, else by e-mail address (linking an existing
// local account), with name, role and units (unitIDs) taken from the
// provider on every sign-in. A disabled user stays disabled and gets
// ErrBadCredentials. The sign-in from the client address is audited.
func (s *Store) SignInOIDC(ctx context.Context, id Identity, unitIDs []int64, address string) (User, error) {
	u := User{Email: id.Email, Name: id.Name, Role: id.Role, UnitIDs: unitIDs}
	if err := validateUser(&u); err != nil {
		return User{}, err
	}
	now := s.now().Unix()
	err := s.inTx(ctx, "oidc sign-in", func(tx *sqlx.Tx) error {
		var found struct {
			ID       int64 `db:"id"`
			Disabled bool  `db:"disabled"`
		}
		err := tx.GetContext(ctx, &found, tx.Rebind(`
			SELECT id, disabled FROM users WHERE oidc_subject = ? OR email = ?
			ORDER BY CASE WHEN oidc_subject = ? THEN 0 ELSE 1 END LIMIT 1`), id.Subject, u.Email, id.Subject)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			err = tx.GetContext(ctx, &u.ID, tx.Rebind(`
				INSERT INTO users (email, name, role, oidc_subject, created_at, updated_at)
				VALUES (?, ?, ?, ?, ?, ?) RETURNING id`), u.Email, u.Name, u.Role, id.Subject, now, now)
		case err != nil:
		case found.Disabled:
			err = ErrBadCredentials
		default:
			u.ID = found.ID
			_, err = tx.ExecContext(ctx, tx.Rebind(`
				UPDATE users SET email = ?, name = ?, role = ?, oidc_subject = ?, updated_at = ? WHERE id = ?`),
				u.Email, u.Name, u.Role, id.Subject, now, u.ID)
		}
		if err != nil {
			return err
		}
		return setUnits(ctx, tx, u.ID, u.UnitIDs)
	})
	if err != nil {
		return User{}, err
	}
	if err := s.Audit(ctx, u.ID, ActionLogin, u.Email, "oidc address="+address); err != nil {
		return User{}, err
	}
	return s.FindUserByID(ctx, u.ID)
}
