package telegram

import (
	"crypto/subtle"
	"encoding/json"
	"errors"
	"net/http"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/bottega-app/bottega/bot"
)

// SecretHeader carries the webhook secret on every request from Telegram.
const SecretHeader = "X-Telegram-Bot-Api-Secret-Token" // #nosec G101 -- the header's name, not a secret

// Handler receives webhook requests. It checks the secret in constant time
// (401 otherwise), bounds the body, and answers 200 only once the update is
// recorded and its replies handed to the sender; any other answer makes
// Telegram deliver it again, which the dispatcher recognises. Updates that
// Bottega ignores are answered 200 at once. Until Run registered the webhook
// it answers 503.
func (t *Transport) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		got := []byte(r.Header.Get(SecretHeader))
		if len(t.secret) == 0 || subtle.ConstantTimeCompare(got, t.secret) != 1 {
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		box := t.sink.Load()
		if box == nil {
			w.Header().Set("Retry-After", "1")
			http.Error(w, "not ready", http.StatusServiceUnavailable)
			return
		}
		var u tgbotapi.Update
		dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, t.opt.MaxBody))
		if err := dec.Decode(&u); err != nil {
			if mbe := (*http.MaxBytesError)(nil); errors.As(err, &mbe) {
				http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
				return
			}
			http.Error(w, "bad update", http.StatusBadRequest)
			return
		}
		ctx := r.Context()
		upd, ok := t.convert(ctx, u)
		if !ok {
			w.WriteHeader(http.StatusOK)
			return
		}
		errc := make(chan error, 1)
		t.submit(ctx, box.Sink, upd, func(err error) { errc <- err })
		select {
		case err := <-errc:
			if err != nil {
				t.log.Warn("webhook update not handled, Telegram will retry", "update", upd.ID, "err", err)
				http.Error(w, "try again", http.StatusInternalServerError)
				return
			}
			w.WriteHeader(http.StatusOK)
		case <-ctx.Done():
			// Telegram gave up on this request and will deliver the update
			// again; the dispatcher finishes it and skips the redelivery.
		}
	})
}

var _ bot.Transport = (*Transport)(nil)
