#!/bin/sh
# Installs Debian packages with apt-get, through sudo when not root, for the
# ensure-*.sh scripts: apt-install.sh "what it is" package...
# It fails with a line saying what to install by hand when it cannot.
set -eu

what=$1
shift
echo "$what not found: installing it with apt-get ($*)..." >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
        SUDO="sudo"
    else
        echo "Please install $what first: apt-get install $*" >&2
        exit 1
    fi
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "No apt-get here: install $what ($*) with your package manager." >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
# apt-get waits for another install in progress instead of failing at once.
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq -o DPkg::Lock::Timeout=600 "$@" >/dev/null
