package web

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/tillid/tillid/survey"
)

// The read-only JSON API under /api/v1 serves aggregates only, exactly as
// package metrics publishes them: every number has passed the anonymity
// door there, a suppressed cell has "suppressed": true, its reason and
// "n": null, and carries no other number.

// apiRound is a round in the rounds list.
type apiRound struct {
	ID        int64              `json:"id"`
	Name      string             `json:"name"`
	Status    survey.RoundStatus `json:"status"`
	OpensOn   string             `json:"opens_on"`
	ClosesOn  string             `json:"closes_on"`
	Threshold int                `json:"threshold"`
}

// handleAPIRounds lists every round, newest first.
func (s *Server) handleAPIRounds(c *gin.Context) {
	rounds, err := s.Survey.FindRounds(c.Request.Context())
	if err != nil {
		s.errorJSON(c, err)
		return
	}
	out := make([]apiRound, len(rounds))
	for i, r := range rounds {
		out[i] = apiRound{ID: r.ID, Name: r.Name, Status: r.Status, OpensOn: r.OpensOn.String(), ClosesOn: r.ClosesOn.String(), Threshold: r.Threshold}
	}
	c.JSON(http.StatusOK, gin.H{"rounds": out})
}

// handleAPIRoundResults returns every unit of a round with its results.
func (s *Server) handleAPIRoundResults(c *gin.Context) {
	id, err := roundParam(c)
	if err != nil {
		s.errorJSON(c, err)
		return
	}
	res, err := s.Metrics.RoundResults(c.Request.Context(), id)
	if err != nil {
		s.errorJSON(c, err)
		return
	}
	c.JSON(http.StatusOK, res)
}

// handleAPIUnitResult returns one unit's results in a round in full.
func (s *Server) handleAPIUnitResult(c *gin.Context) {
	id, err := roundParam(c)
	if err != nil {
		s.errorJSON(c, err)
		return
	}
	res, err := s.Metrics.UnitResult(c.Request.Context(), id, c.Param("code"))
	if err != nil {
		s.errorJSON(c, err)
		return
	}
	c.JSON(http.StatusOK, res)
}

// handleAPIUnitTrend returns a unit's results per round and its monthly absence.
func (s *Server) handleAPIUnitTrend(c *gin.Context) {
	res, err := s.Metrics.Trend(c.Request.Context(), c.Param("code"))
	if err != nil {
		s.errorJSON(c, err)
		return
	}
	c.JSON(http.StatusOK, res)
}

// handleAPICorrelation returns a round's index–absence correlation and points.
func (s *Server) handleAPICorrelation(c *gin.Context) {
	id, err := roundParam(c)
	if err != nil {
		s.errorJSON(c, err)
		return
	}
	res, err := s.Metrics.Correlation(c.Request.Context(), id)
	if err != nil {
		s.errorJSON(c, err)
		return
	}
	c.JSON(http.StatusOK, res)
}

// roundParam parses the :id path parameter.
func roundParam(c *gin.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, survey.Invalidf("round id %q: want a positive number", c.Param("id"))
	}
	return id, nil
}
