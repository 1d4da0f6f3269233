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

"$(dirname "$0")/apt-install.sh" "ffmpeg" --no-install-recommends ffmpeg
