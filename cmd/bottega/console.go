package main

import (
	"context"
	"fmt"

	"github.com/bottega-app/bottega"
	"github.com/bottega-app/bottega/bot"
	"github.com/bottega-app/bottega/bot/telegram"
	"github.com/bottega-app/bottega/broadcast"
	"github.com/bottega-app/bottega/content"
	"github.com/bottega-app/bottega/flows"
	"github.com/bottega-app/bottega/store"
	"github.com/bottega-app/bottega/video"
	"github.com/bottega-app/bottega/web"
)

// newConsole builds the web console on the app's database. Its broadcasts
// wake the running delivery worker through the same service as the chat's;
// getenv finds ffmpeg (FFMPEG) for the videos of uploaded lessons.
func newConsole(a *app, getenv func(string) string) (*web.Handler, error) {
	lib := store.NewLibrary(a.db, 0)
	clips := &video.Cutter{Dir: clipDir(a.cfg)}
	o := web.Options{
		Admins:    a.cfg.Admins,
		PublicURL: a.cfg.PublicURL,
		Sessions:  a.db,
		Jobs:      a.db,
		Broadcasts: &store.Broadcasts{DB: a.db, Library: lib, Wake: func() {
			if a.bulk != nil {
				a.bulk.wake()
			}
		}},
		Learners:   &store.Learners{DB: a.db},
		Stats:      &store.Statistics{DB: a.db},
		Publishing: newPublishing(a, lib),
		Library:    lib,
		Rate:       min(float64(broadcast.DefaultRate), a.cfg.TelegramRate),
		Clips:      clips,
		// As for the chat's uploads, ffmpeg is looked for when a lesson
		// with a video comes.
		Videos: func(ctx context.Context, c *content.Curriculum, progress func(video.Event)) (video.Report, error) {
			// Find's own error, so that the page tells a missing ffmpeg.
			if _, err := video.Find(getenv); err != nil {
				return video.Report{}, err
			}
			p, err := newVideoPublisher(a.cfg, getenv)
			if err != nil {
				return video.Report{}, err
			}
			return p.Prepare(ctx, c, progress)
		},
		Logger: a.log,
	}
	if a.texts != nil {
		o.Texts = a.texts
		o.Screens = func(ls *content.Lesson, locale string) []bot.Reply { return flows.Preview(a.texts, clips, ls, locale) }
		o.Message = broadcast.Messages{Texts: a.texts, Library: lib}.Render
	}
	return web.New(o)
}

func runConsoleLink(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "console-link", "Print a one-time link to the web console for an admin (an id in BOTTEGA_ADMINS), valid for 10 minutes. The console is served by the running bot at BOTTEGA_PUBLIC_URL/console/.")
	user := fs.String("user", "", "the admin's platform user id (default: the first of BOTTEGA_ADMINS)")
	platform := fs.String("platform", telegram.Platform, "the admin's platform: telegram, whatsapp or console")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := checkPlatform(*platform); err != nil {
		return err
	}
	cfg, err := loadConfig(e.getenv)
	if err != nil {
		return err
	}
	if *user == "" {
		if len(cfg.Admins) == 0 {
			return usagef("console-link needs an admin: set BOTTEGA_ADMINS (or pass -user)")
		}
		*user = cfg.Admins[0]
	}
	_, log, db, closeDB, err := toolDatabase(ctx, e)
	if err != nil {
		return err
	}
	defer closeDB()
	h, err := newConsole(&app{cfg: cfg, db: db, log: log}, e.getenv)
	if err != nil {
		return err
	}
	link, err := h.NewLink(ctx, *platform, *user)
	if m := bottega.ErrorMessage(err); m != "" {
		return usagef("%s", m)
	} else if err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, link)
	return nil
}
