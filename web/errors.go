package web

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/tillid/tillid/survey"
)

// statusOf maps tillid's error sentinels to HTTP status codes, in one place.
func statusOf(err error) int {
	switch {
	case errors.Is(err, survey.ErrNotFound):
		return http.StatusNotFound
	case errors.Is(err, survey.ErrInvalid):
		return http.StatusBadRequest
	case errors.Is(err, survey.ErrConflict):
		return http.StatusConflict
	}
	return http.StatusInternalServerError
}

// errorJSON answers an API request with err's status and, below 500, its
// message; 5xx errors are logged and answered with a generic text.
func (s *Server) errorJSON(c *gin.Context, err error) {
	status := statusOf(err)
	msg := err.Error()
	if status >= 500 {
		s.Logger.Error("request failed", "err", err, "path", redactPath(c.Request.URL.Path))
		msg = http.StatusText(status)
	}
	c.AbortWithStatusJSON(status, gin.H{"error": msg})
}
