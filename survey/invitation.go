package survey

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"net/mail"
	"strings"

	"github.com/jmoiron/sqlx"
)

// Invitation lets one employee answer one round once; it counts for a
// unit. Only hashes of its token and code are stored, and no time of use.
type Invitation struct {
	ID      int64  `db:"id"`
	RoundID int64  `db:"round_id"`
	UnitID  int64  `db:"unit_id"`
	Email   string `db:"email"`
	Used    bool   `db:"used"`
}

// IssuedInvitation is a new invitation with its secrets, which exist only
// here: the link token and the printed code (grouped XXXX-XXXX-XX).
type IssuedInvitation struct {
	Invitation
	Token, Code string
}

// StaffRow is one row of a staff list: an e-mail address (may be empty
// for staff who answer with a printed code) and a unit code.
type StaffRow struct {
	Line            int
	Email, UnitCode string
}

// InviteCount is how many invitations a unit has and how many were used.
type InviteCount struct {
	Invited, Used int
}

// tokenLen is the length of a link token: 16 random bytes, base64url.
const tokenLen = 22

// codeAlphabet is Crockford's base32 (no I, L, O, U); codeLen characters
// carry 50 random bits.
const (
	codeAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
	codeLen      = 10
)

// ParseStaffCSV reads a staff list (CSV or XLSX; name tells the format
// when the content does not) with the header email,unit_code. Content is
// checked by CreateInvitations.
func ParseStaffCSV(r io.Reader, name string) ([]StaffRow, error) {
	header, rows, err := ReadTable(r, name)
	if err != nil {
		return nil, err
	}
	col, err := Columns(header, "email", "unit_code")
	if err != nil {
		return nil, err
	}
	out := make([]StaffRow, len(rows))
	for i, r := range rows {
		out[i] = StaffRow{Line: r.Line, Email: r.Cell(col["email"]), UnitCode: r.Cell(col["unit_code"])}
	}
	return out, nil
}

// CreateInvitations issues one invitation per row for a draft or open
// round in one transaction and returns them with their secrets, in row
// order. Every bad row is reported at once (ImportErrors) and then
// nothing is stored: unknown unit, unit not covered by the round,
// malformed e-mail, e-mail repeated in the file or already invited.
func (s *Store) CreateInvitations(ctx context.Context, roundID int64, rows []StaffRow) ([]IssuedInvitation, error) {
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("survey: create invitations: %w", err)
	}
	defer tx.Rollback()
	out, err := checkStaff(ctx, tx, roundID, rows)
	if err != nil {
		return nil, err
	}

	byHash := make(map[string]int, len(out))
	err = chunks(len(out), func(from, to int) error {
		args := make([]any, 0, 5*(to-from))
		for i := from; i < to; i++ {
			token, code := newToken(), newCode()
			out[i].Token, out[i].Code = token, formatCode(code)
			th := tokenHash(token)
			byHash[string(th)] = i
			args = append(args, roundID, out[i].UnitID, out[i].Email, th, codeHash(code))
		}
		var got []struct {
			ID   int64  `db:"id"`
			Hash []byte `db:"token_hash"`
		}
		q := "INSERT INTO invitations (round_id, unit_id, email, token_hash, code_hash) VALUES " + valuesList(to-from, 5) + " RETURNING id, token_hash"
		if err := tx.SelectContext(ctx, &got, tx.Rebind(q), args...); err != nil {
			return err
		}
		for _, g := range got {
			out[byHash[string(g.Hash)]].ID = g.ID
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("survey: create invitations: insert: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("survey: create invitations: %w", err)
	}
	return out, nil
}

// checkStaff checks staff rows for a draft or open round and returns the
// invitations they would become, without secrets or ids. Every bad row
// is reported at once (ImportErrors).
func checkStaff(ctx context.Context, tx *sqlx.Tx, roundID int64, rows []StaffRow) ([]IssuedInvitation, error) {
	if len(rows) == 0 {
		return nil, Invalidf("create invitations: no staff rows (ingen medarbejdere i filen)")
	}
	round, err := findRoundByID(ctx, tx, roundID)
	if err != nil {
		return nil, err
	}
	if round.Status == RoundClosed {
		return nil, fmt.Errorf("survey: create invitations: round %d is closed: %w", roundID, ErrConflict)
	}
	var units []struct {
		ID      int64  `db:"id"`
		Code    string `db:"code"`
		Covered bool   `db:"covered"`
	}
	err = tx.SelectContext(ctx, &units, tx.Rebind(`
		SELECT id, code, id IN (SELECT unit_id FROM round_units WHERE round_id = ?) AS covered FROM units`), roundID)
	if err != nil {
		return nil, fmt.Errorf("survey: create invitations: units: %w", err)
	}
	var invited []string
	if err := tx.SelectContext(ctx, &invited, tx.Rebind("SELECT LOWER(email) FROM invitations WHERE round_id = ? AND email <> ''"), roundID); err != nil {
		return nil, fmt.Errorf("survey: create invitations: e-mails: %w", err)
	}

	type unitInfo struct {
		id      int64
		covered bool
	}
	unitByCode := make(map[string]unitInfo, len(units))
	for _, u := range units {
		unitByCode[u.Code] = unitInfo{u.ID, u.Covered}
	}
	emailLine := make(map[string]int, len(rows)+len(invited))
	for _, e := range invited {
		emailLine[e] = 0
	}
	var errs ImportErrors
	out := make([]IssuedInvitation, len(rows))
	for i, r := range rows {
		r.Email, r.UnitCode = strings.TrimSpace(r.Email), strings.TrimSpace(r.UnitCode)
		u, ok := unitByCode[r.UnitCode]
		switch {
		case r.UnitCode == "":
			errs = append(errs, LineError{Line: r.Line, Column: "unit_code", Msg: "must not be empty (enhedskoden mangler)"})
		case !ok:
			errs = append(errs, LineError{Line: r.Line, Column: "unit_code", Value: r.UnitCode, Msg: "unknown unit (ukendt enhed)"})
		case !u.covered:
			errs = append(errs, LineError{Line: r.Line, Column: "unit_code", Value: r.UnitCode, Msg: "unit is not part of this round (enheden er ikke med i målingen)"})
		}
		if r.Email != "" {
			key := strings.ToLower(r.Email)
			l, dup := emailLine[key]
			switch {
			case !validEmail(r.Email):
				errs = append(errs, LineError{Line: r.Line, Column: "email", Value: r.Email, Msg: "not a plain e-mail address (ugyldig e-mailadresse)"})
			case dup && l == 0:
				errs = append(errs, LineError{Line: r.Line, Column: "email", Value: r.Email, Msg: "already invited to this round (allerede inviteret)"})
			case dup:
				errs = append(errs, LineError{Line: r.Line, Column: "email", Value: r.Email, Msg: fmt.Sprintf("repeated, first on line %d (går igen)", l)})
			default:
				emailLine[key] = r.Line
			}
		}
		out[i].Invitation = Invitation{RoundID: roundID, UnitID: u.id, Email: r.Email}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return out, nil
}

// validEmail accepts a bare address such as a@b.dk, not "Name <a@b.dk>".
func validEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	return err == nil && a.Name == "" && a.Address == s
}

// FindInvitationBySecret returns the invitation whose link token (the
// original or a reminder's) or printed code is secret. A code may be typed in any case, with spaces
// or dashes, and with O for 0 and I or L for 1. Unknown secrets are
// ErrNotFound; the secret never appears in the error.
func (s *Store) FindInvitationBySecret(ctx context.Context, secret string) (Invitation, error) {
	inv, _, err := s.FindInvitationRound(ctx, secret)
	return inv, err
}

// invitationRoundColumns are an invitation's columns (alias i) followed
// by its round's (alias r), in the order scanInvitationRound reads them.
const invitationRoundColumns = `i.id, i.round_id, i.unit_id, i.email, i.used,
	r.id, r.name, r.questionnaire_id, r.opens_on, r.closes_on, r.threshold, r.status, r.created_at`

// FindInvitationRound is FindInvitationBySecret that also returns the
// invitation's round, read in the same query: the employee's form needs
// both on every visit, and one round trip is cheaper than two under load.
func (s *Store) FindInvitationRound(ctx context.Context, secret string) (Invitation, Round, error) {
	col, hash := "token_hash", []byte(nil)
	secret = strings.TrimSpace(secret)
	if isToken(secret) {
		hash = tokenHash(secret)
	} else if code, ok := normalizeCode(secret); ok {
		col, hash = "code_hash", codeHash(code)
	} else {
		return Invitation{}, Round{}, fmt.Errorf("survey: find invitation: %w", ErrNotFound)
	}
	inv, r, err := s.scanInvitationRound(ctx, "i."+col+" = ?", hash)
	if errors.Is(err, sql.ErrNoRows) && col == "token_hash" {
		// A reminder's link (invitation_reissue.go); looked up only when
		// the original links miss, so they cost one query as before.
		inv, r, err = s.scanInvitationRound(ctx, "i.id = (SELECT invitation_id FROM invitation_tokens WHERE token_hash = ?)", hash)
	}
	if errors.Is(err, sql.ErrNoRows) {
		return Invitation{}, Round{}, fmt.Errorf("survey: find invitation: %w", ErrNotFound)
	}
	if err != nil {
		return Invitation{}, Round{}, fmt.Errorf("survey: find invitation: %w", err)
	}
	return inv, r, nil
}

// scanInvitationRound reads the invitation matching where (one ?
// placeholder, arg) joined with its round. It runs on every form visit,
// so the statement is prepared and its columns are scanned by position,
// without sqlx's reflection.
func (s *Store) scanInvitationRound(ctx context.Context, where string, arg any) (inv Invitation, r Round, err error) {
	st, err := s.prepared(ctx, s.rebind("SELECT "+invitationRoundColumns+
		" FROM invitations i JOIN rounds r ON r.id = i.round_id WHERE "+where))
	if err != nil {
		return inv, r, err
	}
	err = st.QueryRowContext(ctx, arg).Scan(
		&inv.ID, &inv.RoundID, &inv.UnitID, &inv.Email, &inv.Used,
		&r.ID, &r.Name, &r.QuestionnaireID, &r.OpensOn, &r.ClosesOn, &r.Threshold, &r.Status, &r.CreatedAt)
	return inv, r, err
}

// InvitationCounts returns, per unit id of the round, how many
// invitations were issued and how many used, including those retention
// deleted (their counts are kept in invitation_counts, retention.go).
func (s *Store) InvitationCounts(ctx context.Context, roundID int64) (map[int64]InviteCount, error) {
	var rows []struct {
		UnitID  int64 `db:"unit_id"`
		Invited int   `db:"invited"`
		Used    int   `db:"used"`
	}
	err := s.db.SelectContext(ctx, &rows, s.rebind(`
		SELECT unit_id, COUNT(*) AS invited, SUM(CASE WHEN used = TRUE THEN 1 ELSE 0 END) AS used
		FROM invitations WHERE round_id = ? GROUP BY unit_id
		UNION ALL SELECT unit_id, invited, used FROM invitation_counts WHERE round_id = ?`), roundID, roundID)
	if err != nil {
		return nil, fmt.Errorf("survey: invitation counts: %w", err)
	}
	counts := make(map[int64]InviteCount, len(rows))
	for _, r := range rows {
		c := counts[r.UnitID]
		counts[r.UnitID] = InviteCount{Invited: c.Invited + r.Invited, Used: c.Used + r.Used}
	}
	return counts, nil
}

// WriteLinksCSV writes what a mail merge or a print run needs, one row
// per invitation: email,unit_code,unit_name,link,code, where link is
// baseURL/s/TOKEN. units maps unit ids to units (FindUnits). The file
// starts with a UTF-8 byte-order mark so that Excel shows æ, ø and å.
func WriteLinksCSV(w io.Writer, baseURL string, inv []IssuedInvitation, units map[int64]Unit) error {
	if _, err := io.WriteString(w, "\uFEFF"); err != nil {
		return fmt.Errorf("survey: write links: %w", err)
	}
	cw := csv.NewWriter(w)
	cw.Write([]string{"email", "unit_code", "unit_name", "link", "code"})
	base := strings.TrimRight(baseURL, "/")
	for _, in := range inv {
		u := units[in.UnitID]
		cw.Write([]string{in.Email, u.Code, u.Name, base + "/s/" + in.Token, in.Code})
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("survey: write links: %w", err)
	}
	return nil
}

// newToken returns 128 random bits as 22 base64url characters.
func newToken() string {
	b := make([]byte, 16)
	rand.Read(b) // never fails (crypto/rand, Go 1.24+)
	return base64.RawURLEncoding.EncodeToString(b)
}

// newCode returns codeLen random characters of codeAlphabet.
func newCode() string {
	b := make([]byte, codeLen)
	rand.Read(b)
	for i := range b {
		b[i] = codeAlphabet[b[i]&31]
	}
	return string(b)
}

// formatCode groups a code as XXXX-XXXX-XX for reading aloud and typing.
func formatCode(c string) string { return c[:4] + "-" + c[4:8] + "-" + c[8:] }

// normalizeCode turns a typed code into its stored form: upper case,
// without spaces and dashes, O read as 0 and I, L as 1.
func normalizeCode(s string) (string, bool) {
	var b strings.Builder
	for _, r := range strings.ToUpper(s) {
		switch r {
		case ' ', '-', '\t':
			continue
		case 'O':
			r = '0'
		case 'I', 'L':
			r = '1'
		}
		if !strings.ContainsRune(codeAlphabet, r) {
			return "", false
		}
		b.WriteRune(r)
	}
	return b.String(), b.Len() == codeLen
}

// isToken reports whether s has the shape of a link token.
func isToken(s string) bool {
	if len(s) != tokenLen {
		return false
	}
	_, err := base64.RawURLEncoding.DecodeString(s)
	return err == nil
}

// tokenHash is what is stored of a token: its SHA-256.
func tokenHash(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// codeHash is what is stored of a code: the SHA-256 of its normalised form.
func codeHash(code string) []byte {
	h := sha256.Sum256([]byte(code))
	return h[:]
}
