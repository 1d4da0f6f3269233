package main

import (
	"context"
	"net/http"

	"github.com/bottega-app/bottega/bot/telegram"
	"github.com/bottega-app/bottega/locales"
)

// telegramCommands are the commands in Telegram's menu, in order; each needs
// a "tg_cmd_<name>" message in locales/telegram.<lang>.yaml ("-" where a
// language's menu leaves it out).
var telegramCommands = []string{"start", "chiaro", "clear", "help"}

func telegramOptions(a *app) telegram.Options {
	cfg := a.cfg
	return telegram.Options{
		Token:         cfg.TelegramToken,
		Endpoint:      cfg.TelegramEndpoint,
		WebhookURL:    cfg.WebhookURL,
		WebhookSecret: cfg.WebhookSecret,
		Store:         a.db,
		Limits:        telegram.Limits{Rate: cfg.TelegramRate},
		Logger:        a.log,
		Texts:         a.texts,
		Languages:     locales.Supported,
		Commands:      telegramCommands,
	}
}

// serveTelegram runs the bot on Telegram until ctx ends: long polling, or a
// webhook served on HTTP_ADDR at the path of TELEGRAM_WEBHOOK_URL.
func serveTelegram(ctx context.Context, e env, cfg config, workers int) error {
	a, err := newApp(ctx, e, cfg, false)
	if err != nil {
		return err
	}
	defer a.close()
	t, err := telegram.New(ctx, telegramOptions(a))
	if err != nil {
		return err
	}
	extra := map[string]http.Handler{}
	mode := "long polling"
	if cfg.WebhookURL != "" {
		extra[telegram.WebhookPath(cfg.WebhookURL)] = t.Handler()
		mode = "webhook"
	}
	stop, err := a.serveHTTP(ctx, extra)
	if err != nil {
		return err
	}
	defer stop()
	a.log.Info("telegram bot running", "bot", "@"+t.Username(), "mode", mode, "rate", cfg.TelegramRate)
	return a.runTransport(ctx, t, workers)
}
