// Package load drives tillid like a crowd of employees answering at once:
// real HTTP clients that fetch the form, answer it and post it through the
// CSRF flow like a browser, some of them double-clicking, losing the
// connection or giving up. It reports throughput, latency and errors, and
// checks afterwards in the database that every acknowledged answer is
// stored exactly once. Bare runs the submission's SQL without HTTP: the
// database's own limit to compare against.
package load

import (
	"fmt"
	"io"
	"net/url"
	"strings"

	"github.com/tillid/tillid/survey"
)

// Link is one invitation of a links.csv file as written by tillid invite
// (survey.WriteLinksCSV).
type Link struct {
	Line     int
	UnitCode string
	// Token is the secret of the link, the last path element of its URL.
	Token string
}

// ReadLinks reads a links.csv file (email,unit_code,unit_name,link,code)
// and returns its invitations in file order.
func ReadLinks(r io.Reader, name string) ([]Link, error) {
	header, rows, err := survey.ReadTable(r, name)
	if err != nil {
		return nil, fmt.Errorf("load: links: %w", err)
	}
	col, err := survey.Columns(header, "unit_code", "link")
	if err != nil {
		return nil, fmt.Errorf("load: links: %w", err)
	}
	links := make([]Link, 0, len(rows))
	var errs survey.ImportErrors
	for _, row := range rows {
		raw := row.Cell(col["link"])
		u, err := url.Parse(raw)
		token, ok := "", false
		if err == nil {
			token, ok = strings.CutPrefix(u.Path, "/s/")
		}
		if !ok || token == "" || strings.Contains(token, "/") {
			// The link itself is a secret: it is not repeated in the error.
			errs = append(errs, survey.LineError{Line: row.Line, Column: "link", Msg: "not an invitation link …/s/TOKEN"})
			continue
		}
		links = append(links, Link{Line: row.Line, UnitCode: row.Cell(col["unit_code"]), Token: token})
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("load: links: %w", errs)
	}
	return links, nil
}
