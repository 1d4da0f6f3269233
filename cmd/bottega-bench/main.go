// Command bottega-bench measures Bottega's performance: updates through the
// Telegram transport, question retrieval, and broadcasts against a
// rate-enforcing Bot API.
//
// It is a binary of its own because it drives the bot against the fakes of
// the remote services (the Bot API of bot/telegram/telegramtest, served by
// net/http/httptest), which the bot itself must not carry.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	os.Exit(exitCode(err, os.Stderr))
}

// usageError is a mistake in the command line or the environment: exit 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

func exitCode(err error, stderr io.Writer) int {
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, new(usageError)):
		fmt.Fprintf(stderr, "bottega-bench: %v\n", err)
		return 2
	default:
		fmt.Fprintf(stderr, "bottega-bench: %v\n", err)
		return 1
	}
}

// env is what every benchmark gets.
type env struct {
	getenv func(string) string
	stdout io.Writer
	stderr io.Writer
}

// bench is one `bottega-bench <name>` measurement.
type bench struct {
	summary string
	run     func(ctx context.Context, e env, args []string) error
}

// benches are the measurements bottega-bench knows, by name.
func benches() map[string]bench {
	return map[string]bench{
		"broadcast": {"achieved rate, 429s, duplicates and misses of a broadcast to many learners against a rate-enforcing fake", benchBroadcast},
		"updates":   {"updates/s and latency of button presses through the Telegram transport, against plain SQL", benchUpdates},
		"retrieval": {"p50/p95 latency of question retrieval over the built-in curriculum and a 10,000-passage corpus", benchRetrieval},
	}
}

const envHelp = `Environment:
  DATABASE_URL  Postgres URL to measure against; unset: a throw-away private
                Postgres (fsync off) in a temporary directory
  LOG_LEVEL     debug, info, warn or error (default warn)
`

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	e := env{getenv: getenv, stdout: stdout, stderr: stderr}
	bs := benches()
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "-help" || args[0] == "help" {
		fmt.Fprintf(e.stdout, "Usage: bottega-bench <name> [flags]\n\nBenchmarks:\n")
		names := make([]string, 0, len(bs))
		for n := range bs {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			fmt.Fprintf(e.stdout, "  %-10s %s\n", n, bs[n].summary)
		}
		fmt.Fprintf(e.stdout, "\nRun 'bottega-bench <name> --help' for a benchmark's flags.\n\n%s", envHelp)
		if len(args) == 0 {
			return usagef("which benchmark? run 'bottega-bench --help'")
		}
		return nil
	}
	b, ok := bs[args[0]]
	if !ok {
		return usagef("unknown benchmark %q: run 'bottega-bench --help'", args[0])
	}
	return b.run(ctx, e, args[1:])
}

// newFlags returns a flag set whose --help prints the summary, the flags and
// the environment.
func newFlags(e env, name, summary string) *flag.FlagSet {
	fs := flag.NewFlagSet("bottega-bench "+name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintf(e.stdout, "Usage: bottega-bench %s [flags]\n\n%s\n\n", name, summary)
		fs.SetOutput(e.stdout)
		fs.PrintDefaults()
		fs.SetOutput(e.stderr)
		fmt.Fprintf(e.stdout, "\n%s", envHelp)
	}
	return fs
}

// parseFlags parses args; a bad flag is a usage error, --help is not an error.
func parseFlags(fs *flag.FlagSet, args []string) error {
	name := strings.TrimPrefix(fs.Name(), "bottega-bench ")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usagef("%v (see 'bottega-bench %s --help')", err, name)
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q (see 'bottega-bench %s --help')", fs.Arg(0), name)
	}
	return nil
}

// config is the environment the benchmarks read.
type config struct {
	DatabaseURL string
	LogLevel    slog.Level
}

func loadConfig(getenv func(string) string) (config, error) {
	c := config{DatabaseURL: strings.TrimSpace(getenv("DATABASE_URL")), LogLevel: slog.LevelWarn}
	if lv := strings.TrimSpace(getenv("LOG_LEVEL")); lv != "" {
		if err := c.LogLevel.UnmarshalText([]byte(lv)); err != nil {
			return c, usagef("LOG_LEVEL must be debug, info, warn or error, not %q", lv)
		}
	}
	return c, nil
}

// newLogger logs to stderr, quietly unless LOG_LEVEL says otherwise: the
// figures go to stdout.
func newLogger(e env, cfg config) *slog.Logger {
	return slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: cfg.LogLevel}))
}
