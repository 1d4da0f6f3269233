#!/bin/sh
# Makes sure ffmpeg and ffprobe are installed, installing Debian's ffmpeg
# package with apt-get when they are missing. The video tests generate their
# test clips with it; lessons with a video: need it to publish.
set -eu

if [ -n "${FFMPEG:-}" ] && [ -x "${FFMPEG}" ] && [ -x "$(dirname "${FFMPEG}")/ffprobe" ]; then
    exit 0 # a configured ffmpeg, with ffprobe next to it
fi
if command -v ffmpeg >/dev/null 2>&1 && command -v ffprobe >/dev/null 2>&1; then
    exit 0
fi

echo "ffmpeg not found: installing it with apt-get..." >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
        SUDO="sudo"
    else
        echo "Please install ffmpeg first (apt-get install ffmpeg)." >&2
        exit 1
    fi
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "No apt-get here: install ffmpeg with your package manager." >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
# apt-get waits for another install in progress instead of failing at once.
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq -o DPkg::Lock::Timeout=600 --no-install-recommends ffmpeg >/dev/null
