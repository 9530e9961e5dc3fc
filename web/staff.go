package web

import (
	"html/template"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/gorilla/csrf"

	"github.com/tillid/tillid/web/auth"
)

// navItem is one link of the staff navigation.
type navItem struct {
	Path, Label string
	Current     bool
}

// staffNav lists the staff pages in menu order with the roles that see
// them; the routes' own guards (routes.go) are what enforce access.
var staffNav = []struct {
	path, key string
	roles     []auth.Role
}{
	{"/results", "nav.results", auth.Roles},
	{"/plans", "nav.plans", auth.Roles},
	{"/admin/units", "nav.units", []auth.Role{auth.RoleAdministrator}},
	{"/admin/questionnaires", "nav.questionnaires", []auth.Role{auth.RoleAdministrator}},
	{"/admin/rounds", "nav.rounds", []auth.Role{auth.RoleAdministrator}},
	{"/admin/absence", "nav.absence", []auth.Role{auth.RoleAdministrator}},
	{"/admin/audit", "nav.audit", []auth.Role{auth.RoleAdministrator}},
	{"/account", "nav.account", auth.Roles},
}

// staffLayout returns the layout of a staff page: the navigation for u's
// role with the current section marked, and a language link to path.
func staffLayout(c *gin.Context, u auth.User, lang, title, path string) layout {
	l := newLayout(lang, title, path)
	l.User = &u
	l.CSRFField = csrf.TemplateField(c.Request)
	for _, n := range staffNav {
		if !hasRole(n.roles, u.Role) {
			continue
		}
		current := c.Request.URL.Path == n.path || strings.HasPrefix(c.Request.URL.Path, n.path+"/")
		l.Nav = append(l.Nav, navItem{Path: n.path, Label: translate(lang, n.key), Current: current})
	}
	return l
}

// hasRole reports whether r is one of roles.
func hasRole(roles []auth.Role, r auth.Role) bool {
	for _, x := range roles {
		if x == r {
			return true
		}
	}
	return false
}

// staffFields is embedded in layout for signed-in staff pages.
type staffFields struct {
	User      *auth.User
	Nav       []navItem
	CSRFField template.HTML
}
