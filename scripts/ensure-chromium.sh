#!/bin/sh
# Makes sure Chromium is installed, installing Debian's chromium package
# with apt-get when it is missing. The web console's browser tests drive it
# headless through chromedp; nothing is started here.
set -eu

for b in chromium chromium-browser google-chrome; do
    if command -v "$b" >/dev/null 2>&1; then
        exit 0
    fi
done

"$(dirname "$0")/apt-install.sh" "Chromium" chromium
