package main

import (
	"context"
	"net/http"
	"sync"

	"github.com/bottega-app/bottega/bot"
	"github.com/bottega-app/bottega/bot/telegram"
	"github.com/bottega-app/bottega/bot/whatsapp"
	"github.com/bottega-app/bottega/store"
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
			if id, i, ok := bot.ParseRef(st.Ref); ok {
				// WhatsApp took the reply (even one that failed later): a
				// process that stopped while sending it does not send it
				// again.
				if err := a.db.ConfirmSent(ctx, whatsapp.Platform, id, i); err != nil {
					return err
				}
			}
			if err := a.db.RecordDeliveryStatus(ctx, whatsapp.Platform, st.MessageID, st.Status, st.At, code); err != nil {
				return err
			}
			if st.Err == nil {
				return nil
			}
			n, err := requeueRefused(ctx, a.db, code)
			if err != nil {
				return err
			}
			a.log.Info("a message failed at WhatsApp after it was accepted", "platform", whatsapp.Platform,
				"chat", st.ChatID, "message", st.MessageID, "err", st.Err, "queued_again", n)
			return nil
		},
	})
}

// requeueRefused puts back in the queue the reminders and broadcasts that
// WhatsApp reported failed with code after accepting them, when they
// survive it (whatsapp.LateFailures): outside the 24-hour window they go
// again as a template, or are skipped when none is configured; after the
// marketing cap, a day later. code 0 looks for every such failure, as the
// delivery worker does from time to time for statuses that came before
// their delivery recorded its message id.
func requeueRefused(ctx context.Context, db *store.DB, code int) (int, error) {
	n := 0
	for _, f := range whatsapp.LateFailures() {
		if code != 0 && code != f.Code {
			continue
		}
		k, err := db.RequeueRefused(ctx, whatsapp.Platform, store.Refusal{Code: f.Code, Wait: f.Wait, CloseWindow: f.OutsideWindow}, maxDeliveryAttempts)
		if err != nil {
			return n, err
		}
		n += k
	}
	return n, nil
}

// maxDeliveryAttempts bounds the tries of a reminder or broadcast that
// WhatsApp keeps refusing after accepting it.
const maxDeliveryAttempts = 4

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
