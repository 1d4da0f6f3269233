#!/bin/sh
# Makes sure PgBouncer is installed, installing it with apt-get when it is
# missing. The tests start their own private PgBouncer from it (make
# test-pgbouncer); nothing is started here.
set -eu

if [ -n "${DATABASE_URL:-}" ]; then
    exit 0 # an external server is configured: the tests use it as it is
fi
if command -v pgbouncer >/dev/null 2>&1 || [ -x /usr/sbin/pgbouncer ]; then
    exit 0
fi

echo "PgBouncer not found: installing it with apt-get..." >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
        SUDO="sudo"
    else
        echo "Please install PgBouncer first (apt-get install pgbouncer)." >&2
        exit 1
    fi
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "No apt-get here: install PgBouncer with your package manager." >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq pgbouncer >/dev/null
# Debian's package starts a system-wide PgBouncer; the tests do not use it.
