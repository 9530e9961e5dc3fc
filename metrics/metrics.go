// Package metrics turns stored answers into the numbers tillid shows:
// scores, rollups over the unit tree, the anonymity rules, sickness
// absence and statistics. Every number that reaches web, the API or a
// report passes through this package's anonymity door.
package metrics

import (
	"github.com/jmoiron/sqlx"

	"github.com/tillid/tillid/survey"
)

// Store computes and keeps results in the database that survey writes to.
type Store struct {
	db     *sqlx.DB
	survey *survey.Store
}

// NewStore returns a metrics Store over db, reading survey data through ss.
func NewStore(db *sqlx.DB, ss *survey.Store) *Store {
	return &Store{db: db, survey: ss}
}
