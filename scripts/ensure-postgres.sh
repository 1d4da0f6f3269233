#!/bin/sh
# Makes sure the PostgreSQL server binaries are installed, installing them
# with apt-get when they are missing. Bottega starts its own private server
# from them; nothing is started here.
set -eu

if [ -n "${DATABASE_URL:-}" ]; then
    exit 0 # an external server is configured
fi
if command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    exit 0
fi

"$(dirname "$0")/apt-install.sh" "PostgreSQL server binaries" postgresql postgresql-contrib
