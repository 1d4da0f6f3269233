package bottega

import "time"

// Roles lists the roles a learner can have, in the order menus show them.
func Roles() []string {
	return []string{RoleShopkeeper, RoleArtisan, RoleGuide, RoleMunicipal}
}

// Levels lists the levels of the curriculum, easiest first.
func Levels() []string { return []string{LevelBase, LevelIntermediate} }

// IsRole reports whether r is one of Roles.
func IsRole(r string) bool {
	for _, v := range Roles() {
		if v == r {
			return true
		}
	}
	return false
}

// IsLevel reports whether l is one of Levels.
func IsLevel(l string) bool { return l == LevelBase || l == LevelIntermediate }

// DefaultTimezone is the time zone of a learner who has not chosen one, and
// the one in which days are counted when nothing else says.
const DefaultTimezone = "Europe/Rome"

// Location returns the time zone called name; DefaultTimezone's when name is
// empty or unknown, and UTC if even that cannot be loaded.
func Location(name string) *time.Location {
	if name != "" {
		if loc, err := time.LoadLocation(name); err == nil {
			return loc
		}
	}
	if loc, err := time.LoadLocation(DefaultTimezone); err == nil {
		return loc
	}
	return time.UTC
}
