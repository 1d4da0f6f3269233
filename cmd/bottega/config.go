package main

import (
	"log/slog"
	"net"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/lib/pq"

	"github.com/bottega-app/bottega/bot/whatsapp"
)

// config is the environment contract of DESIGN.md.
type config struct {
	DatabaseURL      string
	DataDir          string
	TelegramToken    string
	TelegramEndpoint string
	WebhookURL       string
	WebhookSecret    string
	TelegramRate     float64
	// WhatsApp's Cloud API: the transport runs when WhatsAppToken is set.
	WhatsAppToken, WhatsAppPhoneID, WhatsAppSecret, WhatsAppVerify string
	WhatsAppEndpoint, WhatsAppVersion                              string
	WhatsAppRate                                                   float64
	// WhatsAppConfirmWait is how long a reply that was being sent when the
	// last process stopped waits for WhatsApp's status of it before it is
	// sent again (WHATSAPP_CONFIRM_WAIT).
	WhatsAppConfirmWait time.Duration
	// WhatsAppTemplates replace reminders and broadcasts outside the
	// 24-hour window (WHATSAPP_TEMPLATES).
	WhatsAppTemplates whatsapp.Templates
	OpenAIKey         string
	OpenAIBaseURL     string
	OpenAIModel       string
	// OpenAIEmbeddingModel, if set, ranks passages by meaning too.
	OpenAIEmbeddingModel string
	// OpenAITranscribeModel, if set, transcribes the lessons' videos
	// when they are published.
	OpenAITranscribeModel string
	DailyQuestions        int
	DailyTokens           int
	Admins                []string
	// Contact is how learners reach a person, told at the onboarding.
	Contact  string
	HTTPAddr string
	// PublicURL is the address HTTP_ADDR is reached at from outside: the
	// web console's sign-in links, and certificates (PublicURL/verify/<code>).
	PublicURL   string
	LogLevel    slog.Level
	logLevelSet bool
	// HTTP bounds what a client of HTTP_ADDR may hold and send. The
	// defaults suit every deployment, so the environment does not set
	// them; tests shorten them.
	HTTP httpLimits
	// DBCheckEvery is how often the database is checked, so that an
	// outage is logged when it starts and when it ends.
	DBCheckEvery time.Duration
}

// httpLimits are the HTTP server's timeouts and sizes.
type httpLimits struct {
	// ReadHeader bounds the time to send the request headers (a client
	// that trickles them holds a connection and a goroutine).
	ReadHeader time.Duration
	// Read bounds the time to send the whole request, body included.
	Read time.Duration
	// Write bounds the time from the end of the request headers to the
	// end of the response: a webhook answers once its update is handled.
	Write time.Duration
	// Idle bounds how long a keep-alive connection may wait for its next
	// request.
	Idle time.Duration
	// MaxHeaderBytes bounds the request headers.
	MaxHeaderBytes int
	// MaxBody bounds a webhook's request body: an update is a few
	// kilobytes.
	MaxBody int64
}

func defaultHTTPLimits() httpLimits {
	return httpLimits{
		ReadHeader:     5 * time.Second,
		Read:           30 * time.Second,
		Write:          60 * time.Second,
		Idle:           30 * time.Second,
		MaxHeaderBytes: 32 << 10,
		MaxBody:        1 << 20,
	}
}

var secretRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,256}$`)

// loadConfig reads and checks the environment. Its errors say which variable
// is wrong and how to fix it, and never echo a secret.
func loadConfig(getenv func(string) string) (config, error) {
	c := config{
		DatabaseURL:           strings.TrimSpace(getenv("DATABASE_URL")),
		DataDir:               getenv("BOTTEGA_DATA_DIR"),
		TelegramToken:         strings.TrimSpace(getenv("TELEGRAM_TOKEN")),
		TelegramEndpoint:      getenv("TELEGRAM_API_ENDPOINT"),
		WebhookURL:            getenv("TELEGRAM_WEBHOOK_URL"),
		WebhookSecret:         getenv("TELEGRAM_WEBHOOK_SECRET"),
		OpenAIKey:             getenv("OPENAI_API_KEY"),
		OpenAIBaseURL:         getenv("OPENAI_BASE_URL"),
		OpenAIModel:           getenv("OPENAI_MODEL"),
		OpenAIEmbeddingModel:  strings.TrimSpace(getenv("OPENAI_EMBEDDING_MODEL")),
		OpenAITranscribeModel: strings.TrimSpace(getenv("OPENAI_TRANSCRIBE_MODEL")),
		HTTPAddr:              getenv("HTTP_ADDR"),
		Contact:               strings.TrimSpace(getenv("BOTTEGA_CONTACT")),
		WhatsAppToken:         strings.TrimSpace(getenv("WHATSAPP_TOKEN")),
		WhatsAppPhoneID:       strings.TrimSpace(getenv("WHATSAPP_PHONE_NUMBER_ID")),
		WhatsAppSecret:        strings.TrimSpace(getenv("WHATSAPP_APP_SECRET")),
		WhatsAppVerify:        strings.TrimSpace(getenv("WHATSAPP_VERIFY_TOKEN")),
		WhatsAppEndpoint:      strings.TrimSpace(getenv("WHATSAPP_API_ENDPOINT")),
		WhatsAppVersion:       strings.TrimSpace(getenv("WHATSAPP_API_VERSION")),
		PublicURL:             strings.TrimRight(strings.TrimSpace(getenv("BOTTEGA_PUBLIC_URL")), "/"),
		HTTP:                  defaultHTTPLimits(),
		DBCheckEvery:          5 * time.Second,
	}
	if c.DataDir == "" {
		c.DataDir = ".bottega"
	}
	c.TelegramRate = 30
	if r := strings.TrimSpace(getenv("TELEGRAM_RATE")); r != "" {
		v, err := strconv.ParseFloat(r, 64)
		if err != nil || v <= 0 || v > 1e6 {
			return c, usagef("TELEGRAM_RATE must be a positive number of messages per second, like 30, not %q", r)
		}
		c.TelegramRate = v
	}
	c.WhatsAppRate = 80
	if r := strings.TrimSpace(getenv("WHATSAPP_RATE")); r != "" {
		v, err := strconv.ParseFloat(r, 64)
		if err != nil || v <= 0 || v > 1000 {
			return c, usagef("WHATSAPP_RATE must be a positive number of messages per second up to 1000, like 80, not %q", r)
		}
		c.WhatsAppRate = v
	}
	c.WhatsAppConfirmWait = time.Minute
	if w := strings.TrimSpace(getenv("WHATSAPP_CONFIRM_WAIT")); w != "" {
		d, err := time.ParseDuration(w)
		if err != nil || d < time.Second || d > 24*time.Hour {
			return c, usagef("WHATSAPP_CONFIRM_WAIT must be a duration from 1s to 24h, like 1m or 90s, not %q", w)
		}
		c.WhatsAppConfirmWait = d
	}
	if c.WhatsAppEndpoint == "" {
		c.WhatsAppEndpoint = "https://graph.facebook.com"
	}
	if tp, err := whatsapp.ParseTemplates(getenv("WHATSAPP_TEMPLATES")); err != nil {
		return c, usagef("WHATSAPP_TEMPLATES: %v", err)
	} else {
		c.WhatsAppTemplates = tp
	}
	if c.WhatsAppVersion == "" {
		c.WhatsAppVersion = "v25.0"
	}
	if c.TelegramEndpoint == "" {
		c.TelegramEndpoint = "https://api.telegram.org/bot%s/%s"
	}
	if c.HTTPAddr == "" {
		c.HTTPAddr = "127.0.0.1:8080"
	}
	if c.OpenAIModel == "" {
		c.OpenAIModel = "gpt-4o-mini"
	}
	var err error
	if c.DailyQuestions, err = envInt(getenv, "BOTTEGA_DAILY_QUESTIONS", 30); err != nil {
		return c, err
	}
	if c.DailyTokens, err = envInt(getenv, "BOTTEGA_DAILY_TOKENS", 80000); err != nil {
		return c, err
	}
	for _, a := range strings.Split(getenv("BOTTEGA_ADMINS"), ",") {
		if a = strings.TrimSpace(a); a != "" {
			c.Admins = append(c.Admins, a)
		}
	}
	if len(c.Contact) > 200 || strings.ContainsAny(c.Contact, "\n\r") {
		return c, usagef("BOTTEGA_CONTACT must be one short line (an email address, a phone number or a link), at most 200 characters")
	}
	if c.DatabaseURL != "" {
		if err := checkDSN(c.DatabaseURL); err != nil {
			return c, err
		}
	}
	if strings.Count(c.TelegramEndpoint, "%s") != 2 {
		return c, usagef("TELEGRAM_API_ENDPOINT must contain two %%s (token, method), like https://api.telegram.org/bot%%s/%%s")
	}
	if c.TelegramToken != "" && strings.ContainsAny(c.TelegramToken, " /?#") {
		return c, usagef("TELEGRAM_TOKEN looks malformed: copy it again from @BotFather (it looks like 123456:ABC-DEF...)")
	}
	if c.WebhookURL != "" {
		u, err := url.Parse(c.WebhookURL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return c, usagef("TELEGRAM_WEBHOOK_URL must be an https:// URL that Telegram can reach")
		}
		if c.WebhookSecret == "" {
			return c, usagef("TELEGRAM_WEBHOOK_SECRET must be set with TELEGRAM_WEBHOOK_URL (1-256 characters of A-Z, a-z, 0-9, _ and -)")
		}
	}
	if c.WebhookSecret != "" && !secretRE.MatchString(c.WebhookSecret) {
		return c, usagef("TELEGRAM_WEBHOOK_SECRET may only contain A-Z, a-z, 0-9, _ and - (1-256 characters)")
	}
	if err := c.checkWhatsApp(); err != nil {
		return c, err
	}
	if c.OpenAIEmbeddingModel != "" && c.OpenAIKey == "" && c.OpenAIBaseURL == "" {
		return c, usagef("OPENAI_EMBEDDING_MODEL needs the server it runs on: set OPENAI_API_KEY or OPENAI_BASE_URL too")
	}
	if c.OpenAITranscribeModel != "" && c.OpenAIKey == "" && c.OpenAIBaseURL == "" {
		return c, usagef("OPENAI_TRANSCRIBE_MODEL needs the server it runs on: set OPENAI_API_KEY or OPENAI_BASE_URL too")
	}
	if c.OpenAIBaseURL != "" {
		if u, err := url.Parse(c.OpenAIBaseURL); err != nil || u.Host == "" {
			return c, usagef("OPENAI_BASE_URL must be a URL like http://localhost:11434/v1")
		}
	}
	if c.PublicURL != "" {
		u, err := url.Parse(c.PublicURL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" {
			return c, usagef("BOTTEGA_PUBLIC_URL must be the address the bot is reached at, like https://bottega.example.org")
		}
	}
	if _, port, err := net.SplitHostPort(c.HTTPAddr); err != nil {
		return c, usagef("HTTP_ADDR must be host:port, like 127.0.0.1:8080")
	} else if _, err := net.LookupPort("tcp", port); err != nil {
		return c, usagef("HTTP_ADDR must be host:port with a port from 1 to 65535, like 127.0.0.1:8080, not %q", c.HTTPAddr)
	}
	if lv := getenv("LOG_LEVEL"); lv != "" {
		if err := c.LogLevel.UnmarshalText([]byte(lv)); err != nil {
			return c, usagef("LOG_LEVEL must be debug, info, warn or error, not %q", lv)
		}
		c.logLevelSet = true
	}
	return c, nil
}

func checkDSN(dsn string) error {
	const hint = "DATABASE_URL must look like postgres://user:password@host:5432/dbname?sslmode=disable" // #nosec G101 -- an example for the user, no real password
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		u, err := url.Parse(dsn)
		if err != nil {
			return usagef("%s (it does not parse as a URL)", hint)
		}
		if u.Host == "" && u.Query().Get("host") == "" {
			return usagef("%s (the host is missing)", hint)
		}
	} else if !strings.Contains(dsn, "=") {
		return usagef("%s", hint)
	}
	// What the driver refuses before connecting (sslmode=bogus, a
	// port that is no number): said now, as a mistake in the setting.
	if _, err := pq.NewConfig(dsn); err != nil {
		return usagef("DATABASE_URL is not valid: %v", err)
	}
	return nil
}

// envInt reads a whole number of at least 0 (0 means no limit), or def
// when the variable is unset.
func envInt(getenv func(string) string, name string, def int) (int, error) {
	v := strings.TrimSpace(getenv(name))
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, usagef("%s must be a whole number, 0 or more (0: no limit), not %q", name, v)
	}
	return n, nil
}

var (
	versionRE = regexp.MustCompile(`^v[0-9]{1,3}\.[0-9]$`)
	phoneIDRE = regexp.MustCompile(`^[0-9]{5,32}$`)
)

// checkWhatsApp checks the WhatsApp variables: all four secrets and ids
// together, or none.
func (c config) checkWhatsApp() error {
	set := c.WhatsAppToken != "" || c.WhatsAppPhoneID != "" || c.WhatsAppSecret != "" || c.WhatsAppVerify != ""
	if !set {
		return nil
	}
	var missing []string
	for _, v := range []struct{ name, value string }{
		{"WHATSAPP_TOKEN", c.WhatsAppToken}, {"WHATSAPP_PHONE_NUMBER_ID", c.WhatsAppPhoneID},
		{"WHATSAPP_APP_SECRET", c.WhatsAppSecret}, {"WHATSAPP_VERIFY_TOKEN", c.WhatsAppVerify},
	} {
		if v.value == "" {
			missing = append(missing, v.name)
		}
	}
	switch {
	case len(missing) > 1:
		return usagef("WhatsApp needs its four variables together: %s missing (see README, WhatsApp)", strings.Join(missing, ", "))
	case c.WhatsAppToken == "":
		return usagef("WHATSAPP_TOKEN is missing: create a system user token with whatsapp_business_messaging in Meta Business Settings")
	case !phoneIDRE.MatchString(c.WhatsAppPhoneID):
		return usagef("WHATSAPP_PHONE_NUMBER_ID must be the number's id from WhatsApp Manager (digits), not the phone number")
	case c.WhatsAppSecret == "":
		return usagef("WHATSAPP_APP_SECRET is missing: copy it from the Meta app's Settings > Basic (it checks every webhook)")
	case c.WhatsAppVerify == "" || !secretRE.MatchString(c.WhatsAppVerify):
		return usagef("WHATSAPP_VERIFY_TOKEN must be set to the verify token given to Meta with the webhook URL (1-256 characters of A-Z, a-z, 0-9, _ and -)")
	case strings.ContainsAny(c.WhatsAppToken, " /?#"):
		return usagef("WHATSAPP_TOKEN looks malformed: copy it again from Meta Business Settings")
	case !versionRE.MatchString(c.WhatsAppVersion):
		return usagef("WHATSAPP_API_VERSION must look like v25.0, not %q", c.WhatsAppVersion)
	}
	if u, err := url.Parse(c.WhatsAppEndpoint); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return usagef("WHATSAPP_API_ENDPOINT must be a URL like https://graph.facebook.com")
	}
	return nil
}

// certificateBase is the address certificates are verified under:
// BOTTEGA_PUBLIC_URL, or HTTP_ADDR itself, which only this machine can
// open (fine for the terminal demo).
func (c config) certificateBase() string {
	if c.PublicURL != "" {
		return c.PublicURL
	}
	return "http://" + c.HTTPAddr
}
