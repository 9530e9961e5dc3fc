// Package auth holds tillid's staff accounts: users and their roles,
// password hashing, database sessions, sign-in rate limits, sign-in
// through the municipality's identity provider (OpenID Connect) and the
// audit log. Employees answering a survey never have an account and never
// touch this package.
package auth

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/alexedwards/argon2id"
	"github.com/jmoiron/sqlx"

	"github.com/tillid/tillid/survey"
)

// Role is what a user may do in tillid; every user has exactly one.
type Role string

// The roles, from the most to the least powerful.
const (
	// RoleAdministrator is HR: everything, administration included.
	RoleAdministrator Role = "administrator"
	// RoleCommittee is the main MED committee: organisation-wide results
	// and report export, no administration.
	RoleCommittee Role = "committee"
	// RoleManager is a unit manager: results and action plans for the
	// assigned units and their subtrees.
	RoleManager Role = "manager"
)

// Roles lists every role, the most powerful first.
var Roles = []Role{RoleAdministrator, RoleCommittee, RoleManager}

// ParseRole returns the role named s, or an error wrapping survey.ErrInvalid.
func ParseRole(s string) (Role, error) {
	r := Role(s)
	if !slices.Contains(Roles, r) {
		return "", survey.Invalidf("role %q: want administrator, manager or committee", s)
	}
	return r, nil
}

// ErrBadCredentials is returned by Login for a wrong e-mail address or
// password, a disabled account or an account without a local password;
// the caller cannot tell these apart, by design.
var ErrBadCredentials = errors.New("auth: wrong e-mail address or password")

// ErrNoSession is returned for a missing, unknown or expired session.
var ErrNoSession = errors.New("auth: no valid session")

// RateLimitError is returned by Login when too many sign-ins failed
// recently for the account or the client address.
type RateLimitError struct {
	// RetryAfter is how long until the next attempt is allowed.
	RetryAfter time.Duration
}

// Error implements error.
func (e *RateLimitError) Error() string {
	return fmt.Sprintf("auth: too many failed sign-ins; try again in %s", e.RetryAfter.Round(time.Second))
}

// User is a staff account.
type User struct {
	ID       int64  `db:"id"`
	Email    string `db:"email"`
	Name     string `db:"name"`
	Role     Role   `db:"role"`
	Disabled bool   `db:"disabled"`
	// UnitIDs are a manager's assigned units; their subtrees are in scope.
	UnitIDs []int64 `db:"-"`
	// HasPassword is true when the account can sign in with a local password.
	HasPassword bool  `db:"has_password"`
	CreatedAt   int64 `db:"created_at"`
}

// CanAdminister reports whether u may change data and settings (HR).
func (u User) CanAdminister() bool { return u.Role == RoleAdministrator }

// CanSeeAllUnits reports whether u may read results of every unit.
func (u User) CanSeeAllUnits() bool {
	return u.Role == RoleAdministrator || u.Role == RoleCommittee
}

// CanSeeUnit reports whether u may read the results of the unit with
// unitID: administrators and the committee see every unit, a manager the
// assigned units and everything below them. ancestorsOf returns a unit's
// ancestors (parent first, root last), e.g. UnitTree snapshot's Ancestors.
func (u User) CanSeeUnit(unitID int64, ancestorsOf func(int64) []int64) bool {
	if u.CanSeeAllUnits() {
		return true
	}
	if u.Role != RoleManager {
		return false
	}
	if slices.Contains(u.UnitIDs, unitID) {
		return true
	}
	for _, a := range ancestorsOf(unitID) {
		if slices.Contains(u.UnitIDs, a) {
			return true
		}
	}
	return false
}

// Defaults of a new Store's settings.
const (
	DefaultIdleTimeout        = 30 * time.Minute
	DefaultAbsoluteTimeout    = 12 * time.Hour
	DefaultFailureWindow      = 15 * time.Minute
	DefaultMaxAccountFailures = 5
	DefaultMaxAddressFailures = 20
	// maxConcurrentHashes bounds the argon2id hashes computed at once, so a
	// burst of sign-ins cannot take 64 MiB each without limit.
	maxConcurrentHashes = 4
	// lastSeenResolution is how stale a session's last_seen_at may get
	// before a request writes it again.
	lastSeenResolution = time.Minute
)

// DefaultHashParams are the argon2id parameters for new password hashes:
// 64 MiB, one pass, two lanes (RFC 9106's memory-hard profile scaled to a
// sign-in budget under 150 ms; see BenchmarkVerifyPassword).
var DefaultHashParams = &argon2id.Params{Memory: 64 * 1024, Iterations: 1, Parallelism: 2, SaltLength: 16, KeyLength: 32}

// Store reads and writes users, sessions, sign-in failures and the audit
// log in tillid's database (SQLite or PostgreSQL). Set its exported
// fields before use; NewStore fills them with the defaults.
type Store struct {
	// IdleTimeout ends a session not used for this long.
	IdleTimeout time.Duration
	// AbsoluteTimeout ends a session this long after sign-in, used or not.
	AbsoluteTimeout time.Duration
	// FailureWindow is how far back failed sign-ins count.
	FailureWindow time.Duration
	// MaxAccountFailures failed sign-ins for one e-mail address within
	// FailureWindow block further attempts for that address.
	MaxAccountFailures int
	// MaxAddressFailures failed sign-ins from one client address within
	// FailureWindow block further attempts from that address.
	MaxAddressFailures int
	// HashParams are the argon2id parameters for new password hashes.
	HashParams *argon2id.Params

	db      *sqlx.DB
	now     func() time.Time
	hashSem chan struct{}

	dummyOnce sync.Once
	dummyHash string
}

// NewStore returns a Store over db with the default settings and the wall clock.
func NewStore(db *sqlx.DB) *Store {
	return &Store{
		IdleTimeout:        DefaultIdleTimeout,
		AbsoluteTimeout:    DefaultAbsoluteTimeout,
		FailureWindow:      DefaultFailureWindow,
		MaxAccountFailures: DefaultMaxAccountFailures,
		MaxAddressFailures: DefaultMaxAddressFailures,
		HashParams:         DefaultHashParams,
		db:                 db,
		now:                time.Now,
		hashSem:            make(chan struct{}, maxConcurrentHashes),
	}
}

// SetClock replaces the store's clock (tests).
func (s *Store) SetClock(now func() time.Time) { s.now = now }

// rebind turns ? placeholders into the dialect's.
func (s *Store) rebind(q string) string { return s.db.Rebind(q) }
