package auth

import (
	"fmt"
	"unicode/utf8"

	"github.com/alexedwards/argon2id"

	"github.com/tillid/tillid/survey"
)

// Password length bounds, in characters. The upper bound keeps a hash
// request cheap to receive; argon2id itself takes any length.
const (
	MinPasswordLength = 12
	MaxPasswordLength = 256
)

// ValidatePassword checks a new password's length; the error wraps
// survey.ErrInvalid and never contains the password.
func ValidatePassword(password string) error {
	n := utf8.RuneCountInString(password)
	if n < MinPasswordLength {
		return survey.Invalidf("the password must have at least %d characters (adgangskoden skal have mindst %d tegn)", MinPasswordLength, MinPasswordLength)
	}
	if n > MaxPasswordLength {
		return survey.Invalidf("the password must have at most %d characters (adgangskoden må højst have %d tegn)", MaxPasswordLength, MaxPasswordLength)
	}
	return nil
}

// HashPassword returns an argon2id hash of password in the PHC string
// format, with the store's HashParams and a random salt.
func (s *Store) HashPassword(password string) (string, error) {
	s.hashSem <- struct{}{}
	defer func() { <-s.hashSem }()
	h, err := argon2id.CreateHash(password, s.HashParams)
	if err != nil {
		return "", fmt.Errorf("auth: hash password: %w", err)
	}
	return h, nil
}

// VerifyPassword reports whether password matches hash. An empty hash (an
// account without a local password) is checked against a dummy hash so
// that it costs as much as a real check, and never matches.
func (s *Store) VerifyPassword(password, hash string) bool {
	real := hash != ""
	if !real {
		hash = s.dummy()
	}
	s.hashSem <- struct{}{}
	defer func() { <-s.hashSem }()
	ok, err := argon2id.ComparePasswordAndHash(password, hash)
	return real && err == nil && ok
}

// dummy returns a hash of a random password with the store's parameters,
// computed once; unknown accounts are checked against it.
func (s *Store) dummy() string {
	s.dummyOnce.Do(func() {
		h, err := argon2id.CreateHash(randomToken(), s.HashParams)
		if err != nil {
			// crypto/rand does not fail on supported platforms.
			panic(fmt.Sprintf("auth: dummy hash: %v", err))
		}
		s.dummyHash = h
	})
	return s.dummyHash
}
