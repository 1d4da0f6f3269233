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

"$(dirname "$0")/apt-install.sh" "PgBouncer" pgbouncer
# Debian's package starts a system-wide PgBouncer; the tests do not use it.
