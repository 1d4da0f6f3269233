// Package migrations holds the database schema as numbered, forward-only SQL
// files applied by goose at start-up. A released file never changes: a new
// change is a new file.
package migrations

import "embed"

// FS holds the migration files.
//
//go:embed *.sql
var FS embed.FS
