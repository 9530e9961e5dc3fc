package survey

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
)

// Secret returns the random secret called name, size bytes long, from the
// settings table, creating it on first use. Several app instances on one
// database share it: the first INSERT wins and everybody reads its value.
func (s *Store) Secret(ctx context.Context, name string, size int) ([]byte, error) {
	if name == "" || size <= 0 {
		return nil, Invalidf("secret %q: want a name and a positive size", name)
	}
	key := "secret." + name
	fresh := make([]byte, size)
	rand.Read(fresh)
	_, err := s.db.ExecContext(ctx, s.rebind("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING"),
		key, base64.StdEncoding.EncodeToString(fresh))
	if err != nil {
		return nil, fmt.Errorf("survey: create secret %s: %w", name, err)
	}
	var stored string
	if err := s.db.GetContext(ctx, &stored, s.rebind("SELECT value FROM settings WHERE key = ?"), key); err != nil {
		return nil, fmt.Errorf("survey: read secret %s: %w", name, err)
	}
	b, err := base64.StdEncoding.DecodeString(stored)
	if err != nil {
		return nil, fmt.Errorf("survey: read secret %s: %w", name, err)
	}
	if len(b) != size {
		return nil, fmt.Errorf("survey: secret %s has %d bytes, want %d: %w", name, len(b), size, ErrConflict)
	}
	return b, nil
}
