package survey_test

import (
	"context"
	"errors"
	"testing"

	"github.com/tillid/tillid/survey"
)

// markUsed sets the used flag of an invitation, as SubmitResponse does.
func markUsed(t testing.TB, s *survey.Store, id int64) {
	t.Helper()
	if _, err := s.DB().Exec(s.DB().Rebind("UPDATE invitations SET used = TRUE WHERE id = ?"), id); err != nil {
		t.Fatal(err)
	}
}

// reissueFixture is an open round over BU with two invitations by e-mail
// and two by code in BU1; the first of each is used.
func reissueFixture(t testing.TB) (*survey.Store, survey.Round, []survey.IssuedInvitation) {
	t.Helper()
	ctx := context.Background()
	s, r := invitationFixture(t)
	rows := append(staff(2, "BU1", "m"), survey.StaffRow{Line: 4, UnitCode: "BU1"}, survey.StaffRow{Line: 5, UnitCode: "BU1"})
	inv, err := s.CreateInvitations(ctx, r.ID, rows)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.OpenRound(ctx, r.ID); err != nil {
		t.Fatal(err)
	}
	markUsed(t, s, inv[0].ID)
	markUsed(t, s, inv[2].ID)
	return s, r, inv
}

func TestIssueReminderTokens(t *testing.T) {
	ctx := context.Background()
	t.Run("OK", func(t *testing.T) {
		s, r, inv := reissueFixture(t)
		got, err := s.IssueReminderTokens(ctx, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[0].ID != inv[1].ID || got[0].Code != "" || got[0].Token == "" || got[0].Token == inv[1].Token {
			t.Fatalf("got %+v, want one new token for invitation %d (unused, with e-mail)", got, inv[1].ID)
		}
		for name, secret := range map[string]string{"reminder link": got[0].Token, "original link": inv[1].Token, "code": inv[1].Code} {
			found, err := s.FindInvitationBySecret(ctx, secret)
			if err != nil || found.ID != inv[1].ID {
				t.Errorf("%s: got %+v, %v, want invitation %d", name, found, err, inv[1].ID)
			}
		}
		again, err := s.IssueReminderTokens(ctx, r.ID)
		if err != nil || len(again) != 1 || again[0].Token == got[0].Token {
			t.Fatalf("second reminder: got %+v, %v, want another new token", again, err)
		}
		if found, err := s.FindInvitationBySecret(ctx, got[0].Token); err != nil || found.ID != inv[1].ID {
			t.Errorf("first reminder link after the second: got %+v, %v, want it still valid", found, err)
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		s, _, _ := reissueFixture(t)
		if _, err := s.FindInvitationBySecret(ctx, "AAAAAAAAAAAAAAAAAAAAAA"); !errors.Is(err, survey.ErrNotFound) {
			t.Errorf("got %v, want ErrNotFound for an unknown token", err)
		}
	})
	t.Run("ErrConflict", func(t *testing.T) {
		s, r := invitationFixture(t) // a draft round
		if _, err := s.IssueReminderTokens(ctx, r.ID); !errors.Is(err, survey.ErrConflict) {
			t.Errorf("draft: got %v, want ErrConflict", err)
		}
		if _, err := s.IssueReminderTokens(ctx, 999); !errors.Is(err, survey.ErrNotFound) {
			t.Errorf("unknown round: got %v, want ErrNotFound", err)
		}
	})
}

func TestReissueCodes(t *testing.T) {
	ctx := context.Background()
	t.Run("OK", func(t *testing.T) {
		s, r, inv := reissueFixture(t)
		got, err := s.ReissueCodes(ctx, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[0].ID != inv[3].ID || got[0].Code == "" || got[0].Code == inv[3].Code || got[0].Token == inv[3].Token {
			t.Fatalf("got %+v, want new secrets for invitation %d (unused, without e-mail)", got, inv[3].ID)
		}
		for _, secret := range []string{got[0].Code, got[0].Token} {
			if found, err := s.FindInvitationBySecret(ctx, secret); err != nil || found.ID != inv[3].ID {
				t.Errorf("new secret: got %+v, %v, want invitation %d", found, err, inv[3].ID)
			}
		}
		for _, secret := range []string{inv[3].Code, inv[3].Token} {
			if _, err := s.FindInvitationBySecret(ctx, secret); !errors.Is(err, survey.ErrNotFound) {
				t.Errorf("old secret: got %v, want ErrNotFound", err)
			}
		}
		if found, err := s.FindInvitationBySecret(ctx, inv[2].Code); err != nil || !found.Used {
			t.Errorf("used invitation's code: got %+v, %v, want it unchanged", found, err)
		}
	})
	t.Run("ErrConflict", func(t *testing.T) {
		s, r, _ := reissueFixture(t)
		if err := s.CloseRound(ctx, r.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ReissueCodes(ctx, r.ID); !errors.Is(err, survey.ErrConflict) {
			t.Errorf("closed: got %v, want ErrConflict", err)
		}
	})
}

func TestPlanInvitations(t *testing.T) {
	ctx := context.Background()
	t.Run("OK", func(t *testing.T) {
		s, r := invitationFixture(t)
		rows := append(staff(3, "BU2", "a"), survey.StaffRow{Line: 5, UnitCode: "BU1"}, survey.StaffRow{Line: 6, Email: "b@example.dk", UnitCode: "BU1"})
		plan, err := s.PlanInvitations(ctx, r.ID, rows)
		if err != nil {
			t.Fatal(err)
		}
		want := []survey.PlannedUnit{{Code: "BU1", Name: "Dagtilbud Nord", WithEmail: 1, WithoutEmail: 1}, {Code: "BU2", Name: "Dagtilbud Syd", WithEmail: 3}}
		if plan.WithEmail != 4 || plan.WithoutEmail != 1 || len(plan.Units) != 2 || plan.Units[0] != want[0] || plan.Units[1] != want[1] {
			t.Errorf("got %+v, want %+v with 4 by e-mail and 1 by code", plan, want)
		}
		if counts, _ := s.InvitationCounts(ctx, r.ID); len(counts) != 0 {
			t.Errorf("got %v stored, want nothing", counts)
		}
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		s, r := invitationFixture(t)
		_, err := s.PlanInvitations(ctx, r.ID, []survey.StaffRow{{Line: 2, Email: "x", UnitCode: "SO"}})
		var ie survey.ImportErrors
		if !errors.As(err, &ie) || len(ie) != 2 || ie[0].Line != 2 {
			t.Errorf("got %v, want two line-2 problems (unit outside the round, bad e-mail)", err)
		}
	})
}

func TestStaffUpload(t *testing.T) {
	ctx := context.Background()
	s, r := invitationFixture(t)
	rows := staff(2, "BU1", "u")
	id, err := s.SaveStaffUpload(ctx, r.ID, rows)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("ErrNotFoundOtherRound", func(t *testing.T) {
		if _, err := s.TakeStaffUpload(ctx, r.ID+1, id); !errors.Is(err, survey.ErrNotFound) {
			t.Errorf("got %v, want ErrNotFound", err)
		}
	})
	t.Run("OK", func(t *testing.T) {
		got, err := s.TakeStaffUpload(ctx, r.ID, id)
		if err != nil || len(got) != 2 || got[1] != rows[1] {
			t.Errorf("got %+v, %v, want %+v", got, err, rows)
		}
	})
	t.Run("ErrNotFoundTakenTwice", func(t *testing.T) {
		if _, err := s.TakeStaffUpload(ctx, r.ID, id); !errors.Is(err, survey.ErrNotFound) {
			t.Errorf("got %v, want ErrNotFound", err)
		}
	})
}
