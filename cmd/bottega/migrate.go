package main

import (
	"context"
	"fmt"
)

func runMigrate(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "migrate", "Apply the database migrations and exit. The bot also applies them at start-up.")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	_, _, db, closeDB, err := toolDatabase(ctx, e)
	if err != nil {
		return err
	}
	defer closeDB()
	if err := db.Ready(ctx); err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, "database schema is up to date")
	return nil
}
