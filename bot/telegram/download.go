package telegram

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/bottega-app/bottega/bot"
)

// MaxDownload is the largest file Download fetches: what the Bot API lets
// bots download.
const MaxDownload = 20 << 20

// Download fetches a file a user sent (a document's file id): getFile, then
// the file itself from the Bot API's file endpoint. Its errors never contain
// the token, which the file URL carries.
func (t *Transport) Download(ctx context.Context, fileID string) ([]byte, error) {
	res, err := t.c.call(ctx, config("getFile", tgbotapi.FileConfig{FileID: fileID}))
	if err != nil && codeOf(err) == http.StatusBadRequest && descriptionHas(err, "too big") {
		// The Bot API refuses files over 20 MB.
		return nil, fmt.Errorf("download file: %w: %w", bot.ErrTooBig, err)
	}
	if err != nil {
		return nil, fmt.Errorf("download file: %w", err)
	}
	var f tgbotapi.File
	if err := decode("getFile", res, &f); err != nil {
		return nil, err
	}
	if f.FilePath == "" {
		return nil, fmt.Errorf("download file: telegram gave no file path")
	}
	if f.FileSize > MaxDownload {
		return nil, fmt.Errorf("download file: %d bytes, more than %d: %w", f.FileSize, MaxDownload, bot.ErrTooBig)
	}
	// The endpoint is ".../bot%s/%s"; files live at ".../file/bot%s/%s".
	endpoint := strings.Replace(t.opt.Endpoint, "/bot%s/", "/file/bot%s/", 1)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, fmt.Sprintf(endpoint, t.opt.Token, f.FilePath), nil)
	if err != nil {
		return nil, fmt.Errorf("download file: %s", t.c.redact(err.Error()))
	}
	resp, err := t.opt.HTTPClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("download file: %s", t.c.redact(err.Error()))
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("download file: HTTP %d", resp.StatusCode)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, MaxDownload+1))
	if err != nil {
		return nil, fmt.Errorf("download file: %s", t.c.redact(err.Error()))
	}
	if len(data) > MaxDownload {
		return nil, fmt.Errorf("download file: more than %d bytes: %w", MaxDownload, bot.ErrTooBig)
	}
	return data, nil
}
