# Bottega: two commands on a fresh machine.
#   make run    chat with the bot in this terminal (or serve Telegram if TELEGRAM_TOKEN is set)
#   make test   run every test against a real, private PostgreSQL
#   make test-pgbouncer  the store and dispatcher tests through PgBouncer (transaction pooling)

GO ?= go

.PHONY: chromium run test test-pgbouncer vet fuzz bench bench-updates bench-retrieval bench-broadcast build postgres ffmpeg poppler

# The first build, with an empty Go cache, takes about a minute: say so.
run: postgres
	@echo "Building Bottega (go build; the first time takes about a minute)..."
	@mkdir -p .bottega
	@$(GO) build -o .bottega/bottega ./cmd/bottega
	@./.bottega/bottega

# The slowest package (cmd/bottega) takes about 8 minutes beside the others on
# two cores (all of .ci/run about 18): the timeout leaves room for a slower machine.
test: postgres chromium ffmpeg poppler
	$(GO) vet ./...
	$(GO) test -race -count=1 -timeout 20m ./...

# PGBOUNCER_PKGS can widen the run: make test-pgbouncer PGBOUNCER_PKGS=./...
PGBOUNCER_PKGS ?= ./store/... ./bot/
test-pgbouncer: postgres
	@./scripts/ensure-pgbouncer.sh
	BOTTEGA_TEST_PGBOUNCER=1 $(GO) test -race -count=1 -timeout 15m $(PGBOUNCER_PKGS)

build:
	CGO_ENABLED=0 $(GO) build -trimpath -o bottega ./cmd/bottega

postgres:
	@./scripts/ensure-postgres.sh

# pdftoppm and pdftotext, for the certificate tests.
poppler:
	@./scripts/ensure-poppler.sh

# The web console's browser tests drive a headless Chromium.
chromium:
	@./scripts/ensure-chromium.sh

# The video tests cut clips with ffmpeg (Debian's ffmpeg package).
ffmpeg:
	@./scripts/ensure-ffmpeg.sh

bench: postgres
	$(GO) test -run '^$$' -bench . -benchtime 2s ./...

# The measurements of cmd/bottega-bench (flags after ARGS=, e.g. ARGS='-chats 8').
bench-updates: postgres
	$(GO) run ./cmd/bottega-bench updates $(ARGS)

bench-retrieval: postgres
	$(GO) run ./cmd/bottega-bench retrieval $(ARGS)

bench-broadcast: postgres
	$(GO) run ./cmd/bottega-bench broadcast $(ARGS)
