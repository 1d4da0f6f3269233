package main

import (
	"context"
	"net/http"
	"sync"

	"github.com/bottega-app/bottega/bot"
	"github.com/bottega-app/bottega/bot/telegram"
	"github.com/bottega-app/bottega/bot/whatsapp"
)

// whatsAppPath is where the WhatsApp webhook is served on HTTP_ADDR.
const whatsAppPath = "/whatsapp"

// newWhatsApp builds the WhatsApp transport; statuses of the messages it
// sent mark the deliveries delivered, read or failed.
func newWhatsApp(a *app) (*whatsapp.Transport, error) {
	cfg := a.cfg
	return whatsapp.New(whatsapp.Options{
		Token:         cfg.WhatsAppToken,
		PhoneNumberID: cfg.WhatsAppPhoneID,
		AppSecret:     cfg.WhatsAppSecret,
		VerifyToken:   cfg.WhatsAppVerify,
		Endpoint:      cfg.WhatsAppEndpoint,
		Version:       cfg.WhatsAppVersion,
		Rate:          cfg.WhatsAppRate,
		Templates:     cfg.WhatsAppTemplates,
		Store:         a.db,
		Media:         a.db,
		Texts:         a.texts,
		Logger:        a.log,
		OnStatus: func(ctx context.Context, st whatsapp.Status) error {
			code := 0
			if st.Err != nil {
				code = st.Err.Code
			}
			return a.db.RecordDeliveryStatus(ctx, whatsapp.Platform, st.MessageID, st.Status, st.At, code)
		},
	})
}

// serveBots runs every configured transport in this process, each with its
// own dispatcher, delivery worker and rate: WhatsApp, and Telegram when
// TELEGRAM_TOKEN is set too. Their webhooks share HTTP_ADDR.
func serveBots(ctx context.Context, e env, cfg config, workers int) error {
	a, err := newApp(ctx, e, cfg, false)
	if err != nil {
		return err
	}
	defer a.close()
	wa, err := newWhatsApp(a)
	if err != nil {
		return usagef("%v", err)
	}
	a.ready = append(a.ready, wa.Ready)
	transports := []bot.Transport{wa}
	extra := map[string]http.Handler{whatsAppPath: wa.Handler()}
	if cfg.TelegramToken != "" {
		tg, err := telegram.New(ctx, telegramOptions(a))
		if err != nil {
			return err
		}
		transports = append(transports, tg)
		if cfg.WebhookURL != "" {
			extra[telegram.WebhookPath(cfg.WebhookURL)] = tg.Handler()
		}
	}
	stop, err := a.serveHTTP(ctx, extra)
	if err != nil {
		return err
	}
	defer stop()
	a.log.Info("whatsapp bot running", "webhook", whatsAppPath, "rate", cfg.WhatsAppRate, "version", cfg.WhatsAppVersion)
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var wg sync.WaitGroup
	errs := make([]error, len(transports))
	for i, t := range transports {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if errs[i] = a.runTransport(ctx, t, workers); errs[i] != nil {
				cancel(errs[i])
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
