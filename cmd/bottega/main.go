// Command bottega runs the Bottega learning bot and its tools.
//
// main only wires: it reads the environment, starts what is needed
// (a private Postgres when DATABASE_URL is unset), and hands over to run,
// which tests call in-process.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"
)

func main() {
	// SIGHUP is the terminal closing on the chat: a clean stop, like Ctrl-C.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(exitCode(err, os.Stderr))
}

// usageError is a mistake in the command line or configuration: exit 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

func exitCode(err error, stderr io.Writer) int {
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, new(usageError)):
		fmt.Fprintf(stderr, "bottega: %v\n", err)
		return 2
	default:
		fmt.Fprintf(stderr, "bottega: %v\n", err)
		return 1
	}
}

// env is what every command gets.
type env struct {
	getenv func(string) string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	// redact hides the secrets of the environment in logs and errors.
	redact *redactor
}

type command struct {
	name    string
	summary string
	run     func(ctx context.Context, e env, args []string) error
}

func commands() []command {
	return []command{
		{"serve", "run the bot: WhatsApp and/or Telegram as configured, otherwise a chat in this terminal (default)", runServe},
		{"chat", "chat with the bot in this terminal", runChat},
		{"migrate", "apply database migrations and exit", runMigrate},
		{"content", "check, compare, publish and roll back lesson files (content validate|diff|publish|versions|rollback)", runContent},
		{"health", "check that a running bot is ready (for container health checks)", runHealth},
		{"broadcast", "send a new lesson or a message to learners, with a progress bar (see --help)", runBroadcast},
		{"stats", "learners, activity, lesson funnel, learning gain, hardest questions, LLM usage", runStats},
		{"invite", "create or list invitation codes for a course's cohort (invite create|list)", runInvite},
		{"certificate", "list or revoke certificates (certificate list|revoke CODE)", runCertificate},
		{"console-link", "print a one-time sign-in link to the web console for an admin", runConsoleLink},
		{"eval", "measure the answers to the evaluation questions, offline (see --help)", runEval},
	}
}

const envHelp = `Environment (all optional; with none set, Bottega runs a local demo):
  DATABASE_URL             Postgres URL; unset: a private Postgres in $BOTTEGA_DATA_DIR/pg
  BOTTEGA_DATA_DIR         where local state lives (default ./.bottega)
  TELEGRAM_TOKEN           enables the Telegram transport
  TELEGRAM_API_ENDPOINT    Bot API endpoint format (default https://api.telegram.org/bot%s/%s)
  TELEGRAM_WEBHOOK_URL     use a webhook instead of long polling
  TELEGRAM_WEBHOOK_SECRET  secret checked on every webhook request
  TELEGRAM_RATE            Telegram messages per second overall (default 30)
  WHATSAPP_TOKEN, WHATSAPP_PHONE_NUMBER_ID, WHATSAPP_APP_SECRET, WHATSAPP_VERIFY_TOKEN
                           enable the WhatsApp Cloud API transport (webhook at /whatsapp on HTTP_ADDR)
  WHATSAPP_API_ENDPOINT, WHATSAPP_API_VERSION   the Graph API (default https://graph.facebook.com, v25.0)
  WHATSAPP_RATE            WhatsApp messages per second for the number (default 80)
  WHATSAPP_TEMPLATES       templates outside the 24-hour window: kind.locale=name/language, comma-separated
  WHATSAPP_CONFIRM_WAIT    how long a reply in flight at a crash waits for WhatsApp's status before it is sent again (default 1m)
  OPENAI_API_KEY, OPENAI_BASE_URL, OPENAI_MODEL   the LLM (any OpenAI-compatible server)
  OPENAI_EMBEDDING_MODEL   embeddings model on the same server: questions are matched by meaning too
  OPENAI_TRANSCRIBE_MODEL  speech-to-text model on the same server: lesson videos are transcribed when published
  FFMPEG                   ffmpeg binary (ffprobe next to it) that cuts lesson videos into clips (default: on PATH)
  BOTTEGA_DAILY_QUESTIONS  questions a learner may ask per day (default 30, 0: no limit)
  BOTTEGA_DAILY_TOKENS     LLM tokens a learner's answers may use per day (default 80000, 0: no limit; then the lessons answer alone)
  BOTTEGA_ADMINS           comma-separated user ids allowed to use admin commands
  BOTTEGA_CONTACT          how learners reach a person (an email address, a phone number or a link)
  BOTTEGA_PUBLIC_URL       the address the bot is reached at (https://...): the web console's sign-in links, certificates' /verify/<code>
  HTTP_ADDR                health, metrics, webhook and certificate verification address (default 127.0.0.1:8080)
  LOG_LEVEL                debug, info, warn or error (default info)
`

func usage(w io.Writer) {
	fmt.Fprintf(w, "Bottega: bite-size digital-skills lessons in chat.\n\nUsage: bottega [command] [flags]\n\nCommands:\n")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-11s %s\n", c.name, c.summary)
	}
	fmt.Fprintf(w, "\nRun 'bottega <command> --help' for a command's flags.\n\n%s", envHelp)
}

func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) (err error) {
	e := env{getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr, redact: newRedactor(getenv)}
	// Whatever fails, and however its error was built, exitCode prints no
	// secret.
	defer func() { err = e.redact.err(err) }()
	name := "serve"
	if len(args) > 0 {
		switch a := args[0]; {
		case a == "-h" || a == "--help" || a == "-help" || a == "help":
			usage(stdout)
			return nil
		case strings.HasPrefix(a, "-"):
			// flags for the default command
		default:
			name, args = a, args[1:]
		}
	}
	for _, c := range commands() {
		if c.name == name {
			return c.run(ctx, e, args)
		}
	}
	return usagef("unknown command %q: run 'bottega --help' to see the commands", name)
}

// newFlags returns a flag set whose --help prints the summary, the flags and
// the environment.
func newFlags(e env, name, summary string) *flag.FlagSet {
	fs := flag.NewFlagSet("bottega "+name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintf(e.stdout, "Usage: bottega %s [flags]\n\n%s\n\n", name, summary)
		fs.SetOutput(e.stdout)
		fs.PrintDefaults()
		fs.SetOutput(e.stderr)
		fmt.Fprintf(e.stdout, "\n%s", envHelp)
	}
	return fs
}

// parseFlags parses args; a bad flag is a usage error, --help is not an error.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := parseFlagsArgs(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q (see 'bottega %s --help')", fs.Arg(0), strings.TrimPrefix(fs.Name(), "bottega "))
	}
	return nil
}

// parseFlagsArgs is parseFlags for a command that takes arguments besides its
// flags (a folder, a code).
//
// Flags may come after the arguments too ("content publish DIR -yes"), as
// people type them; after "--" everything is an argument.
func parseFlagsArgs(fs *flag.FlagSet, args []string) error {
	// The usage is for --help; a mistake gets one line that says it and
	// where the help is, not the whole page after the flag package's own
	// line.
	usage, out := fs.Usage, fs.Output()
	fs.Usage = func() {}
	fs.SetOutput(io.Discard)
	defer func() { fs.Usage = usage; fs.SetOutput(out) }()
	parse := func(args []string) error {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				usage()
				return err
			}
			return usagef("%v (see 'bottega %s --help')", err, strings.TrimPrefix(fs.Name(), "bottega "))
		}
		return nil
	}
	if slices.Contains(args, "--") {
		return parse(args)
	}
	var pos []string
	for {
		if err := parse(args); err != nil {
			return err
		}
		if fs.NArg() == 0 {
			break
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
	return parse(append([]string{"--"}, pos...))
}
