package main

import (
	"context"
	"errors"
)

func serveTelegram(ctx context.Context, e env, cfg config, workers int) error {
	return errors.New("the Telegram transport is not available in this build yet: unset TELEGRAM_TOKEN to chat in the terminal")
}
