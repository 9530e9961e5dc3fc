package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"golang.org/x/term"

	"github.com/tillid/tillid/survey"
	"github.com/tillid/tillid/web/auth"
)

const userUsage = `usage: tillid user add --email E --name N --role administrator|manager|committee [--units CODE,CODE] [--password-stdin | --no-password]
       tillid user passwd --email E [--password-stdin]
       tillid user list
       tillid user disable --email E

The password is prompted for twice on a terminal, or read as one line
from standard input (--password-stdin, or when stdin is not a terminal).
--no-password makes an account that signs in only through the
municipality's identity provider (OIDC).
`

// runUser manages staff accounts: add, passwd, list and disable.
func (m *Main) runUser(ctx context.Context, args []string) error {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		fmt.Fprint(m.Stderr, userUsage)
		return fmt.Errorf("user: want add, passwd, list or disable")
	}
	action := args[0]
	fs := m.flagSet("user " + action)
	fs.Usage = func() { fmt.Fprint(fs.Output(), userUsage); fs.PrintDefaults() }
	email := fs.String("email", "", "the user's e-mail address")
	name := fs.String("name", "", "the user's name (add)")
	role := fs.String("role", "", "administrator, manager or committee (add)")
	units := fs.String("units", "", "a manager's unit codes, comma-separated (add)")
	fromStdin := fs.Bool("password-stdin", false, "read the password as one line from standard input")
	noPassword := fs.Bool("no-password", false, "no local password: sign-in through the identity provider only (add)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("user %s: unexpected argument %q", action, fs.Arg(0))
	}
	if action != "list" && *email == "" {
		return fmt.Errorf("user %s: --email is required", action)
	}
	if err := m.openStore(ctx); err != nil {
		return err
	}
	st := auth.NewStore(m.DB)
	switch action {
	case "add":
		r, err := auth.ParseRole(*role)
		if err != nil {
			return fmt.Errorf("user add: --role: %w", err)
		}
		u := auth.User{Email: *email, Name: *name, Role: r}
		if u.UnitIDs, err = m.unitIDs(ctx, *units); err != nil {
			return err
		}
		password := ""
		if !*noPassword {
			if password, err = m.readPassword(*fromStdin); err != nil {
				return err
			}
		}
		if err := st.CreateUser(ctx, &u, password); err != nil {
			return fmt.Errorf("user add: %w", err)
		}
		fmt.Fprintf(m.Stdout, "user %d %s (%s) created\n", u.ID, u.Email, u.Role)
		return nil
	case "passwd":
		u, err := st.FindUserByEmail(ctx, *email)
		if err != nil {
			return fmt.Errorf("user passwd: %w", err)
		}
		password, err := m.readPassword(*fromStdin)
		if err != nil {
			return err
		}
		if err := st.SetPassword(ctx, u.ID, password); err != nil {
			return fmt.Errorf("user passwd: %w", err)
		}
		fmt.Fprintf(m.Stdout, "password of %s changed; all of its sessions ended\n", u.Email)
		return nil
	case "disable":
		u, err := st.FindUserByEmail(ctx, *email)
		if err != nil {
			return fmt.Errorf("user disable: %w", err)
		}
		if err := st.DisableUser(ctx, u.ID); err != nil {
			return fmt.Errorf("user disable: %w", err)
		}
		fmt.Fprintf(m.Stdout, "%s disabled; all of its sessions ended\n", u.Email)
		return nil
	case "list":
		return m.listUsers(ctx, st)
	}
	return fmt.Errorf("user: unknown action %q: want add, passwd, list or disable", action)
}

// unitIDs looks up comma-separated unit codes.
func (m *Main) unitIDs(ctx context.Context, codes string) ([]int64, error) {
	var ids []int64
	for code := range strings.SplitSeq(codes, ",") {
		if code = strings.TrimSpace(code); code == "" {
			continue
		}
		u, err := m.Store.FindUnitByCode(ctx, code)
		if errors.Is(err, survey.ErrNotFound) {
			return nil, survey.Invalidf("user add: --units: unit %q does not exist", code)
		}
		if err != nil {
			return nil, fmt.Errorf("user add: %w", err)
		}
		ids = append(ids, u.ID)
	}
	return ids, nil
}

// listUsers writes one line per user: e-mail, name, role, units, sign-in and state.
func (m *Main) listUsers(ctx context.Context, st *auth.Store) error {
	users, err := st.FindUsers(ctx)
	if err != nil {
		return err
	}
	units, err := m.Store.FindUnits(ctx)
	if err != nil {
		return err
	}
	codeOf := make(map[int64]string, len(units))
	for _, u := range units {
		codeOf[u.ID] = u.Code
	}
	w := tabwriter.NewWriter(m.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "EMAIL\tNAME\tROLE\tUNITS\tSIGN-IN\tSTATE")
	for _, u := range users {
		codes := make([]string, len(u.UnitIDs))
		for i, id := range u.UnitIDs {
			codes[i] = codeOf[id]
		}
		signIn, state := "oidc", "active"
		if u.HasPassword {
			signIn = "password"
		}
		if u.Disabled {
			state = "disabled"
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\n", u.Email, u.Name, u.Role, strings.Join(codes, ","), signIn, state)
	}
	return w.Flush()
}

// readPassword prompts twice on a terminal, or reads one line from
// standard input when fromStdin is set or stdin is not a terminal.
func (m *Main) readPassword(fromStdin bool) (string, error) {
	if f, ok := m.Stdin.(*os.File); ok && !fromStdin && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(m.Stderr, "Password: ")
		p1, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(m.Stderr)
		if err != nil {
			return "", fmt.Errorf("read password: %w", err)
		}
		fmt.Fprint(m.Stderr, "Repeat password: ")
		p2, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(m.Stderr)
		if err != nil {
			return "", fmt.Errorf("read password: %w", err)
		}
		if string(p1) != string(p2) {
			return "", survey.Invalidf("the passwords differ")
		}
		return string(p1), nil
	}
	line, err := bufio.NewReader(m.Stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read password: %w", err)
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", survey.Invalidf("no password on standard input")
	}
	return line, nil
}
