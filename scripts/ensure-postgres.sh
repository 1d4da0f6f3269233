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

echo "PostgreSQL server binaries not found: installing them with apt-get..." >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
        SUDO="sudo"
    else
        echo "Please install PostgreSQL first (apt-get install postgresql) or set DATABASE_URL." >&2
        exit 1
    fi
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "No apt-get here: install the PostgreSQL server (15 or newer) with your package manager, or set DATABASE_URL." >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq postgresql postgresql-contrib >/dev/null
