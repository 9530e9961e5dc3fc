package survey_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/tillid/tillid/survey"
)

// invitationFixture is a tree, a questionnaire and a draft round over BU.
func invitationFixture(t testing.TB) (*survey.Store, survey.Round) {
	t.Helper()
	s := freshStore(t)
	importUnits(t, s, treeCSV)
	qid, _ := seedQuestionnaire(t, s, seedItem{Type: survey.Likert5})
	return s, newRound(t, s, qid, "BU")
}

// staff returns n rows for unit, with e-mails prefix+i@example.dk.
func staff(n int, unit, prefix string) []survey.StaffRow {
	rows := make([]survey.StaffRow, n)
	for i := range rows {
		rows[i] = survey.StaffRow{Line: i + 2, Email: fmt.Sprintf("%s%d@example.dk", prefix, i), UnitCode: unit}
	}
	return rows
}

func TestParseStaffCSV(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		rows, err := survey.ParseStaffCSV(strings.NewReader("\uFEFFEmail;Unit_Code\r\nana@example.dk;BU1\r\n;BU2\r\n"), "staff.csv")
		if err != nil {
			t.Fatal(err)
		}
		want := []survey.StaffRow{{Line: 2, Email: "ana@example.dk", UnitCode: "BU1"}, {Line: 3, UnitCode: "BU2"}}
		if len(rows) != 2 || rows[0] != want[0] || rows[1] != want[1] {
			t.Errorf("got %+v, want %+v", rows, want)
		}
	})
	t.Run("ErrMissingColumn", func(t *testing.T) {
		if _, err := survey.ParseStaffCSV(strings.NewReader("mail,unit_code\n"), "staff.csv"); !errors.Is(err, survey.ErrInvalid) {
			t.Errorf("got %v, want ErrInvalid", err)
		}
	})
}

func TestCreateInvitations(t *testing.T) {
	ctx := context.Background()
	t.Run("OK", func(t *testing.T) {
		s, r := invitationFixture(t)
		rows := append(staff(20, "BU1", "a"), survey.StaffRow{Line: 22, UnitCode: "BU"})
		inv, err := s.CreateInvitations(ctx, r.ID, rows)
		if err != nil {
			t.Fatal(err)
		}
		if len(inv) != 21 {
			t.Fatalf("got %d invitations, want 21", len(inv))
		}
		bu, _ := s.FindUnitByCode(ctx, "BU")
		codeRE := regexp.MustCompile(`^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{2}$`)
		tokens := map[string]bool{}
		for i, in := range inv {
			if in.ID == 0 || in.RoundID != r.ID || in.Used || in.Email != rows[i].Email {
				t.Errorf("%d: got %+v, want row %+v", i, in.Invitation, rows[i])
			}
			if len(in.Token) != 22 || !codeRE.MatchString(in.Code) || tokens[in.Token] {
				t.Errorf("%d: got token %q code %q, want 22 chars, XXXX-XXXX-XX, unique", i, in.Token, in.Code)
			}
			tokens[in.Token] = true
		}
		if inv[20].UnitID != bu.ID || inv[20].Email != "" {
			t.Errorf("got %+v, want unit BU without e-mail", inv[20].Invitation)
		}

		// Only the SHA-256 of the token is stored, and the id matches it.
		var id int64
		h := sha256.Sum256([]byte(inv[3].Token))
		if err := s.DB().GetContext(ctx, &id, s.DB().Rebind("SELECT id FROM invitations WHERE token_hash = ?"), h[:]); err != nil || id != inv[3].ID {
			t.Errorf("token hash: got id %d, %v, want %d", id, err, inv[3].ID)
		}

		// Every secret finds its invitation; codes as people type them.
		for _, in := range inv {
			typed := strings.NewReplacer("-", " ", "0", "o", "1", "l").Replace(strings.ToLower(in.Code))
			for _, secret := range []string{in.Token, in.Code, typed} {
				got, err := s.FindInvitationBySecret(ctx, secret)
				if err != nil || got != in.Invitation {
					t.Errorf("secret %q: got %+v, %v, want %+v", secret, got, err, in.Invitation)
				}
			}
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		s, r := invitationFixture(t)
		inv, err := s.CreateInvitations(ctx, r.ID, staff(1, "BU1", "a"))
		if err != nil {
			t.Fatal(err)
		}
		flipped := []byte(inv[0].Token)
		flipped[0] ^= 1
		for _, secret := range []string{"", "nonsense", string(flipped), strings.Repeat("A", 22), "ABCD-EFGH-JK", inv[0].Code + "0"} {
			if _, err := s.FindInvitationBySecret(ctx, secret); !errors.Is(err, survey.ErrNotFound) {
				t.Errorf("%q: got %v, want ErrNotFound", secret, err)
			}
		}
		if _, err := s.CreateInvitations(ctx, 999, staff(1, "BU1", "a")); !errors.Is(err, survey.ErrNotFound) {
			t.Errorf("unknown round: got %v, want ErrNotFound", err)
		}
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		s, r := invitationFixture(t)
		if _, err := s.CreateInvitations(ctx, r.ID, staff(1, "BU1", "old")); err != nil {
			t.Fatal(err)
		}
		rows := []survey.StaffRow{
			{Line: 2, Email: "ok@example.dk", UnitCode: "BU1"},
			{Line: 3, Email: "x@example.dk", UnitCode: "NOPE"},
			{Line: 4, Email: "y@example.dk", UnitCode: "SO"},
			{Line: 5, Email: "not-an-address", UnitCode: "BU1"},
			{Line: 6, Email: "Ana <ana@example.dk>", UnitCode: "BU1"},
			{Line: 7, Email: "OK@example.dk", UnitCode: "BU1"},
			{Line: 8, Email: "Old0@Example.dk", UnitCode: "BU1"},
			{Line: 9, Email: "", UnitCode: ""},
		}
		_, err := s.CreateInvitations(ctx, r.ID, rows)
		var ie survey.ImportErrors
		if !errors.As(err, &ie) {
			t.Fatalf("got %v, want ImportErrors", err)
		}
		var got []string
		for _, e := range ie {
			got = append(got, fmt.Sprintf("%d:%s", e.Line, e.Column))
		}
		if want := "3:unit_code 4:unit_code 5:email 6:email 7:email 8:email 9:unit_code"; strings.Join(got, " ") != want {
			t.Errorf("got %s, want %s", strings.Join(got, " "), want)
		}
		counts, _ := s.InvitationCounts(ctx, r.ID)
		if n := counts[mustUnitID(t, s, "BU1")].Invited; n != 1 {
			t.Errorf("got %d invitations, want 1 (nothing imported)", n)
		}
	})
	t.Run("ErrConflict", func(t *testing.T) {
		s, r := invitationFixture(t)
		if err := s.OpenRound(ctx, r.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreateInvitations(ctx, r.ID, staff(1, "BU1", "open")); err != nil {
			t.Errorf("open round: got %v, want nil", err)
		}
		if err := s.CloseRound(ctx, r.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreateInvitations(ctx, r.ID, staff(1, "BU1", "closed")); !errors.Is(err, survey.ErrConflict) {
			t.Errorf("closed round: got %v, want ErrConflict", err)
		}
	})
	t.Run("Fast", func(t *testing.T) {
		s, r := invitationFixture(t)
		start := time.Now()
		inv, err := s.CreateInvitations(ctx, r.ID, staff(2000, "BU1", "fast"))
		d := time.Since(start)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("2,000 invitations in %v", d)
		if len(inv) != 2000 || inv[1999].ID == 0 || d > 5*time.Second {
			t.Errorf("got %d invitations in %v, want 2000 in well under a second", len(inv), d)
		}
	})
}

func mustUnitID(t testing.TB, s *survey.Store, code string) int64 {
	t.Helper()
	u, err := s.FindUnitByCode(context.Background(), code)
	if err != nil {
		t.Fatal(err)
	}
	return u.ID
}

func TestInvitationCounts(t *testing.T) {
	ctx := context.Background()
	s, r := invitationFixture(t)
	inv, err := s.CreateInvitations(ctx, r.ID, append(staff(3, "BU1", "a"), staff(2, "BU", "b")...))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.DB().ExecContext(ctx, s.DB().Rebind("UPDATE invitations SET used = TRUE WHERE id = ?"), inv[0].ID); err != nil {
		t.Fatal(err)
	}
	counts, err := s.InvitationCounts(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	bu1, bu := mustUnitID(t, s, "BU1"), mustUnitID(t, s, "BU")
	want := map[int64]survey.InviteCount{bu1: {Invited: 3, Used: 1}, bu: {Invited: 2}}
	if len(counts) != 2 || counts[bu1] != want[bu1] || counts[bu] != want[bu] {
		t.Errorf("got %v, want %v", counts, want)
	}
}

func TestWriteLinksCSV(t *testing.T) {
	inv := []survey.IssuedInvitation{
		{Invitation: survey.Invitation{UnitID: 7, Email: "ana@example.dk"}, Token: "tok_en-1", Code: "ABCD-EFGH-JK"},
		{Invitation: survey.Invitation{UnitID: 7}, Token: "token2", Code: "0000-1111-22"},
	}
	units := map[int64]survey.Unit{7: {ID: 7, Code: "BU1", Name: "Dagtilbud Nord, Vest"}}
	var buf bytes.Buffer
	if err := survey.WriteLinksCSV(&buf, "https://tillid.example.dk/", inv, units); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(buf.String(), "\uFEFF"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"email", "unit_code", "unit_name", "link", "code"},
		{"ana@example.dk", "BU1", "Dagtilbud Nord, Vest", "https://tillid.example.dk/s/tok_en-1", "ABCD-EFGH-JK"},
		{"", "BU1", "Dagtilbud Nord, Vest", "https://tillid.example.dk/s/token2", "0000-1111-22"},
	}
	if fmt.Sprint(recs) != fmt.Sprint(want) {
		t.Errorf("got %q, want %q", recs, want)
	}
}
