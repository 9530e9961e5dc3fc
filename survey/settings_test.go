package survey_test

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/tillid/tillid/survey"
	"github.com/tillid/tillid/survey/surveytest"
)

func TestSecret(t *testing.T) {
	ctx := context.Background()
	db := surveytest.Open(t)
	s := survey.NewStore(db)
	t.Run("OK", func(t *testing.T) {
		a, err := s.Secret(ctx, "csrf", 32)
		if err != nil {
			t.Fatal(err)
		}
		if len(a) != 32 {
			t.Fatalf("got %d bytes, want 32", len(a))
		}
		// A second instance on the same database gets the same secret.
		b, err := survey.NewStore(db).Secret(ctx, "csrf", 32)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a, b) {
			t.Fatalf("got a different secret on the second call, want the stored one")
		}
		c, err := s.Secret(ctx, "other", 32)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Equal(a, c) {
			t.Fatalf("got the same secret for two names, want different ones")
		}
	})
	t.Run("ErrConflict", func(t *testing.T) {
		_, err := s.Secret(ctx, "csrf", 16)
		if !errors.Is(err, survey.ErrConflict) {
			t.Fatalf("got %v, want ErrConflict for a size mismatch", err)
		}
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		_, err := s.Secret(ctx, "", 32)
		if !errors.Is(err, survey.ErrInvalid) {
			t.Fatalf("got %v, want ErrInvalid", err)
		}
	})
}
