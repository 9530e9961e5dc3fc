package survey_test

import (
	"context"
	"errors"
	"testing"

	"github.com/tillid/tillid/survey"
)

func TestFindInvitationRound(t *testing.T) {
	ctx := context.Background()
	t.Run("OK", func(t *testing.T) {
		s, r := invitationFixture(t)
		inv, err := s.CreateInvitations(ctx, r.ID, staff(1, "BU1", "a"))
		if err != nil {
			t.Fatal(err)
		}
		if err := s.OpenRound(ctx, r.ID); err != nil {
			t.Fatal(err)
		}
		want, err := s.FindRoundByID(ctx, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		reminders, err := s.IssueReminderTokens(ctx, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		// The link token, the printed code and a reminder's link.
		for _, secret := range []string{inv[0].Token, inv[0].Code, reminders[0].Token} {
			gotInv, gotRound, err := s.FindInvitationRound(ctx, secret)
			if err != nil || gotInv != inv[0].Invitation {
				t.Errorf("invitation: got %+v, %v, want %+v", gotInv, err, inv[0].Invitation)
			}
			if gotRound != want {
				t.Errorf("round: got %+v, want %+v", gotRound, want)
			}
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		s, _ := invitationFixture(t)
		for _, secret := range []string{"", "nonsense", "AAAAAAAAAAAAAAAAAAAAAA", "ABCD-EFGH-JK"} {
			if _, _, err := s.FindInvitationRound(ctx, secret); !errors.Is(err, survey.ErrNotFound) {
				t.Errorf("%q: got %v, want ErrNotFound", secret, err)
			}
		}
	})
}
