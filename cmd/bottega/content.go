package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/bottega-app/bottega"
	"github.com/bottega-app/bottega/content"
	"github.com/bottega-app/bottega/store"
	"github.com/bottega-app/bottega/video"
)

func runContent(ctx context.Context, e env, args []string) error {
	const help = `Usage: bottega content validate [DIR]
       bottega content diff [DIR]
       bottega content publish [DIR]
       bottega content versions
       bottega content rollback VERSION

validate  checks the lesson files in DIR (default: the built-in curriculum) and
          lists every problem as file:line: message; exits 2 if there are any.
          It also lists warnings, as file:line: warning: message, about
          quizzes that can be passed without reading and facts not checked
          for 6 months; they do not change the exit code.
publish   validates DIR (default: the built-in curriculum), then makes it the
          current curriculum as a new version, in one transaction, and prints
          the lessons added, changed and removed. When lessons would be
          removed it lists them and asks first (-yes: publish without
          asking). Publishing the same files
          again changes nothing. A lesson's video with chapters is first
          cut into one clip per step with ffmpeg (kept in
          $BOTTEGA_DATA_DIR/clips, so that publishing again encodes
          nothing), and transcribed when OPENAI_TRANSCRIBE_MODEL is set.
diff      validates DIR and prints the lessons that publishing it would add,
          change and remove, publishing nothing.
versions  lists the published versions, the current one first.
rollback  publishes an earlier VERSION again, as a new version.

The chat's uploads and the web console's Lessons page check, compare and
publish through the same service.

DIR holds one folder per track, each with a track.yaml and one YAML file per
lesson; see content/FORMAT.md.
`
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(e.stdout, help)
		if len(args) == 0 {
			return usagef("content needs a sub-command: validate, diff, publish, versions or rollback")
		}
		return nil
	}
	sub, rest := args[0], args[1:]
	switch sub {
	case "validate", "publish", "diff":
	case "versions", "rollback":
		return runVersions(ctx, e, sub, rest)
	default:
		return usagef("unknown content sub-command %q: use validate, diff, publish, versions or rollback", sub)
	}
	fs := newFlags(e, "content "+sub, contentSummaries[sub])
	yes := false
	if sub == "publish" {
		fs.BoolVar(&yes, "yes", false, "publish without asking, even when lessons would be removed")
	}
	if err := parseFlagsArgs(fs, rest); err != nil {
		return err
	}
	if fs.NArg() > 1 {
		return usagef("content %s takes at most one folder", sub)
	}
	c, source, err := loadCurriculum(e.stdout, fs.Arg(0))
	if err != nil {
		return err
	}
	warnings := content.Warnings(c, time.Now())
	for _, w := range warnings {
		fmt.Fprintln(e.stdout, w.String())
	}
	if sub == "validate" {
		drills := 0
		for _, t := range c.Tracks {
			drills += len(t.Drills)
		}
		fmt.Fprintf(e.stdout, "%s: %s, %s, %s, no problems, %s\n", source, count(len(c.Tracks), "track"), count(len(c.Lessons()), "lesson"), count(drills, "drill"), count(len(warnings), "warning"))
		return nil
	}
	if sub == "diff" {
		_, log, db, closeDB, err := toolDatabase(ctx, e)
		if err != nil {
			return err
		}
		defer closeDB()
		// A video lesson is compared as publishing would leave it: with
		// the clips of the current version when its video is the same.
		if cur, _, err := store.NewLibrary(db, 0).Current(ctx); err == nil {
			video.CarryOver(cur, c)
		}
		ch, err := (&store.Publishing{DB: db, Index: indexer(db, log)}).Diff(ctx, c)
		if err != nil {
			return fmt.Errorf("diff: %w", err)
		}
		if ch.Empty() {
			fmt.Fprintf(e.stdout, "%s: no lesson changes against the current version.\n", source)
		}
		printChanges(e.stdout, ch.Added, ch.Changed, ch.Removed)
		return nil
	}
	cfg, log, db, closeDB, err := toolDatabase(ctx, e)
	if err != nil {
		return err
	}
	defer closeDB()
	svc := &store.Publishing{DB: db, Index: indexer(db, log)}
	// Lessons removed are gone for the learners in the middle of them: a
	// folder of one new track, published alone, would remove all the
	// others. Say which, and ask.
	ch, err := svc.Diff(ctx, c)
	if err != nil {
		return fmt.Errorf("diff: %w", err)
	}
	if len(ch.Removed) > 0 && !yes {
		printChanges(e.stdout, ch.Added, ch.Changed, ch.Removed)
		fmt.Fprintf(e.stdout, "%s does not have %s of the current curriculum: publishing it removes them for every learner. A folder must hold every track to keep (the built-in ones are in content/curriculum).\n", source, count(len(ch.Removed), "lesson"))
		if !confirm(e, fmt.Sprintf("Remove %s? [y/N] ", count(len(ch.Removed), "lesson"))) {
			fmt.Fprintln(e.stdout, "Nothing published.")
			return nil
		}
	}
	// The videos are cut before the publish: it takes minutes, and no
	// transaction waits for it.
	if err := prepareVideos(ctx, e.stdout, cfg, e.getenv, c); err != nil {
		return err
	}
	pub, err := svc.Publish(ctx, c, bottega.Origin{Builtin: fs.Arg(0) == "", Source: source})
	if err != nil {
		return fmt.Errorf("publish: %w", err)
	}
	printPublication(e.stdout, pub)
	// The embeddings are made after the publish commits: a remote call
	// has no place in its transaction. A failure leaves the new version
	// published; the bot embeds what is missing when it starts.
	emb, err := newEmbedder(cfg, db, log)
	if err != nil || emb == nil {
		return err
	}
	if err := embedCurriculum(ctx, emb, c, log); err != nil {
		fmt.Fprintf(e.stderr, "The passages were not embedded (%v); the bot will embed them when it starts.\n", err)
	}
	return nil
}

// contentSummaries say what each content sub-command does, for its --help.
var contentSummaries = map[string]string{
	"validate": "bottega content validate [DIR] checks the lesson files in DIR (default: the built-in curriculum): every problem as file:line: message (exit 2 if any), and warnings.",
	"diff":     "bottega content diff [DIR] prints the lessons that publishing DIR would add, change and remove; publishes nothing.",
	"publish":  "bottega content publish [-yes] [DIR] publishes DIR (default: the built-in curriculum) as a new curriculum version. DIR holds every track to keep: lessons it would remove are listed and asked about first.",
	"versions": "bottega content versions lists the published curriculum versions, the current one first.",
	"rollback": "bottega content rollback VERSION publishes an earlier version again, as a new version.",
}

// loadCurriculum loads dir, or the built-in curriculum when dir is empty, and
// reports its problems to w.
func loadCurriculum(w io.Writer, dir string) (*content.Curriculum, string, error) {
	var (
		c        *content.Curriculum
		problems []content.Problem
		err      error
		source   = bottega.SourceBuiltin
	)
	if dir == "" {
		c, problems, err = content.Load(content.BuiltinFS(), "curriculum")
	} else {
		source = dir
		if fi, err := os.Stat(dir); err != nil || !fi.IsDir() { // #nosec G703 -- the folder the admin names on the command line
			return nil, source, usagef("%s is not a folder: give the folder that holds the track folders", dir)
		}
		c, problems, err = content.LoadDir(dir)
	}
	if err != nil {
		return nil, source, fmt.Errorf("read %s: %w", source, err)
	}
	if len(problems) > 0 {
		for _, p := range problems {
			fmt.Fprintln(w, p.String())
		}
		return nil, source, usagef("%s has %s; nothing was published", source, count(len(problems), "problem"))
	}
	return c, source, nil
}

func printPublication(w io.Writer, pub bottega.Publication) {
	if !pub.Created {
		fmt.Fprintf(w, "Nothing changed: version %d is already current.\n", pub.Version)
		return
	}
	fmt.Fprintf(w, "Published curriculum version %d.\n", pub.Version)
	printChanges(w, pub.Added, pub.Changed, pub.Removed)
}

func printChanges(w io.Writer, added, changed, removed []string) {
	line := func(label string, ids []string) {
		if len(ids) > 0 {
			fmt.Fprintf(w, "  %-8s %d: %s\n", label, len(ids), strings.Join(ids, ", "))
		}
	}
	line("added", added)
	line("changed", changed)
	line("removed", removed)
}

// runVersions lists the published versions or rolls back to one.
func runVersions(ctx context.Context, e env, sub string, args []string) error {
	fs := newFlags(e, "content "+sub, contentSummaries[sub])
	if err := parseFlagsArgs(fs, args); err != nil {
		return err
	}
	var version int64
	if sub == "rollback" {
		v, err := strconv.ParseInt(fs.Arg(0), 10, 64)
		if fs.NArg() != 1 || err != nil || v <= 0 {
			return usagef("content rollback takes one version number (see bottega content versions)")
		}
		version = v
	} else if fs.NArg() > 0 {
		return usagef("content versions takes no arguments")
	}
	_, log, db, closeDB, err := toolDatabase(ctx, e)
	if err != nil {
		return err
	}
	defer closeDB()
	svc := &store.Publishing{DB: db, Index: indexer(db, log)}
	if sub == "versions" {
		vs, err := svc.Versions(ctx, 50)
		if err != nil {
			return err
		}
		for i, v := range vs {
			mark := ""
			if i == 0 {
				mark = "  (current)"
			}
			fmt.Fprintf(e.stdout, "%5d  %s  %3d lessons  %s%s\n", v.ID, v.CreatedAt.Format("2006-01-02 15:04"), v.Lessons, v.Source, mark)
		}
		return nil
	}
	pub, err := svc.Rollback(ctx, version, "")
	if m := bottega.ErrorMessage(err); m != "" {
		return usagef("%s", m)
	} else if err != nil {
		return fmt.Errorf("rollback: %w", err)
	}
	printPublication(e.stdout, pub)
	// As after a publish: the embeddings come after the commit.
	cfg, err := loadConfig(e.getenv)
	if err != nil {
		return err
	}
	emb, err := newEmbedder(cfg, db, log)
	if err != nil || emb == nil {
		return err
	}
	c, err := svc.Version(ctx, pub.Version)
	if err == nil {
		err = embedCurriculum(ctx, emb, c, log)
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "The passages were not embedded (%v); the bot will embed them when it starts.\n", err)
	}
	return nil
}

// newPublishing is the publishing service the chat, the command line and
// the console share: the assistant's passages are indexed in the publish's
// transaction and embedded after it.
func newPublishing(a *app, lib *store.Library) *store.Publishing {
	return &store.Publishing{
		DB: a.db, Library: lib, Index: indexer(a.db, a.log),
		Published: func(ctx context.Context, c *content.Curriculum) { embedPublished(ctx, a, c) },
	}
}

// warnMissingFiles logs the pictures, videos and documents of the current
// curriculum that are no longer in the folder it was published from (see
// content.MissingFiles): the steps go out without them.
func warnMissingFiles(ctx context.Context, db *store.DB, log *slog.Logger) {
	c, _, err := store.NewLibrary(db, 0).Current(ctx)
	if err != nil {
		log.Warn("check the published lessons' files", "err", err)
		return
	}
	const most = 10
	ps := content.MissingFiles(c)
	for _, p := range ps[:min(len(ps), most)] {
		log.Warn("a published lesson's file is missing", "problem", p.String())
	}
	if len(ps) > most {
		log.Warn("more published lessons' files are missing", "more", len(ps)-most)
	}
}

// publishBuiltin publishes the embedded curriculum at start-up when the
// database has none, or when the current version is an older built-in one.
// A curriculum an admin published is never replaced by the built-in one.
func publishBuiltin(ctx context.Context, db *store.DB, log *slog.Logger) error {
	st, err := db.CurrentCurriculumState(ctx)
	if err != nil {
		return err
	}
	if st.Version != 0 && !st.Builtin {
		return nil
	}
	c, err := content.Builtin()
	if err != nil {
		return fmt.Errorf("built-in curriculum: %w", err)
	}
	if st.Version != 0 && st.Hash == c.Hash() {
		return nil
	}
	svc := &store.Publishing{DB: db, Index: indexer(db, log)}
	pub, err := svc.Publish(ctx, c, bottega.Origin{Builtin: true, Source: bottega.SourceBuiltin})
	if err != nil {
		return fmt.Errorf("publish built-in curriculum: %w", err)
	}
	if pub.Created {
		log.Info("built-in curriculum published", "version", pub.Version, "added", len(pub.Added), "changed", len(pub.Changed), "removed", len(pub.Removed))
	}
	return nil
}
