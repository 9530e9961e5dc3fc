package web

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/tillid/tillid/web/auth"
)

// This file is the one place where access is decided: require checks the
// role of the signed-in user for a route, requireUnit narrows a manager
// to the units in scope. Handlers behind them trust currentUser.

// sessionCookie names the cookie that holds a staff session's token.
const sessionCookie = "tillid_session"

// userKey is where the gin context caches the signed-in user.
const userKey = "tillid.user"

// currentUser returns the user signed in with the request's session
// cookie, reading the database once per request; ok is false for an
// anonymous request.
func (s *Server) currentUser(c *gin.Context) (u auth.User, ok bool, err error) {
	if v, found := c.Get(userKey); found {
		u, ok = v.(auth.User)
		return u, ok, nil
	}
	token, _ := c.Cookie(sessionCookie)
	u, err = s.Auth.SessionUser(c.Request.Context(), token)
	if errors.Is(err, auth.ErrNoSession) {
		c.Set(userKey, nil)
		return auth.User{}, false, nil
	}
	if err != nil {
		return auth.User{}, false, err
	}
	c.Set(userKey, u)
	return u, true, nil
}

// isAPI reports whether the request is for the JSON API.
func isAPI(c *gin.Context) bool { return strings.HasPrefix(c.Request.URL.Path, "/api/") }

// require lets the request through when the signed-in user has one of
// roles. Anonymous requests are sent to /login (HTML; back here after
// sign-in) or get 401 (API); other roles get 403. With Config.APIOpen the
// JSON API needs no sign-in at all.
func (s *Server) require(roles ...auth.Role) gin.HandlerFunc {
	return func(c *gin.Context) {
		if s.Config.APIOpen && isAPI(c) {
			c.Next()
			return
		}
		u, ok, err := s.currentUser(c)
		switch {
		case err != nil:
			s.denied(c, http.StatusInternalServerError, err)
		case !ok:
			s.denied(c, http.StatusUnauthorized, nil)
		case !slices.Contains(roles, u.Role):
			s.denied(c, http.StatusForbidden, nil)
		default:
			c.Next()
		}
	}
}

// requireUnit lets the request through when the signed-in user may see
// the unit named by the route's :code parameter: every unit for
// administrators and the committee, the assigned units and their
// subtrees for a manager. An unknown code is 404. It runs after require.
func (s *Server) requireUnit() gin.HandlerFunc {
	return func(c *gin.Context) {
		if s.Config.APIOpen && isAPI(c) {
			c.Next()
			return
		}
		u, ok, err := s.currentUser(c)
		if err != nil || !ok {
			s.denied(c, http.StatusUnauthorized, err)
			return
		}
		tree, err := s.Units.Snapshot(c.Request.Context())
		if err != nil {
			s.denied(c, http.StatusInternalServerError, err)
			return
		}
		id, found := tree.IDByCode(c.Param("code"))
		switch {
		case !found:
			s.denied(c, http.StatusNotFound, nil)
		case !u.CanSeeUnit(id, tree.Ancestors):
			s.denied(c, http.StatusForbidden, nil)
		default:
			c.Next()
		}
	}
}

// denied ends a request that may not go on: 401 sends a browser to the
// sign-in page (303, to come back to a GET) and the API a JSON error; 403, 404 and 500 are a
// page or a JSON error. err (500 only) is logged.
func (s *Server) denied(c *gin.Context, status int, err error) {
	if status >= 500 {
		s.Logger.Error("access check failed", "err", err, "path", redactPath(c.Request.URL.Path))
	}
	if isAPI(c) {
		c.AbortWithStatusJSON(status, gin.H{"error": strings.ToLower(http.StatusText(status))})
		return
	}
	lang := s.requestLang(c)
	if status == http.StatusUnauthorized {
		// Only a page can be come back to; a form post starts over.
		to := "/login"
		if c.Request.Method == http.MethodGet {
			to += "?" + url.Values{"next": {c.Request.URL.RequestURI()}}.Encode()
		}
		c.Redirect(http.StatusSeeOther, to)
		c.Abort()
		return
	}
	key := map[int]string{http.StatusForbidden: "forbidden", http.StatusNotFound: "pagenotfound"}[status]
	if key == "" {
		key = "servererror"
	}
	s.message(c, status, lang, messagePage{Heading: translate(lang, key+".title"), Text: translate(lang, key+".text")})
	c.Abort()
}
