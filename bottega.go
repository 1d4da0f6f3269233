// Package bottega holds the domain types shared by the flows, the store and
// the transports (who a learner is and what they chose), and the services
// that the chat, the command line and the web console share (broadcasts,
// publishing, learners, statistics), with the rules they follow written once. Package
// store implements the services on Postgres.
package bottega

import "time"

// Learner is a person using Bottega on one platform.
type Learner struct {
	ID         int64      `db:"id" json:"id"`
	Platform   string     `db:"platform" json:"platform"`
	ExternalID string     `db:"external_id" json:"external_id"`
	ChatID     string     `db:"chat_id" json:"chat_id"`
	Name       string     `db:"name" json:"name"`
	Locale     string     `db:"locale" json:"locale"`
	Role       string     `db:"role" json:"role"`
	Level      string     `db:"level" json:"level"`
	Timezone   string     `db:"timezone" json:"timezone"`
	Reminder   string     `db:"reminder" json:"reminder"`
	ConsentAt  *time.Time `db:"consent_at" json:"consent_at,omitempty"`
	CreatedAt  time.Time  `db:"created_at" json:"created_at"`
	UpdatedAt  time.Time  `db:"updated_at" json:"updated_at"`
	BlockedAt  *time.Time `db:"blocked_at" json:"blocked_at,omitempty"`
}

// Roles a learner can have.
const (
	RoleShopkeeper = "shopkeeper"
	RoleArtisan    = "artisan"
	RoleGuide      = "guide"
	RoleMunicipal  = "municipal"
)

// Levels of the curriculum.
const (
	LevelBase         = "base"
	LevelIntermediate = "intermediate"
)
