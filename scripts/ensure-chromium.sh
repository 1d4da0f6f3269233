#!/bin/sh
# Makes sure Chromium is installed, with a colour emoji font, installing
# Debian's chromium and fonts-noto-color-emoji packages with apt-get when
# they are missing. The web console's browser tests drive it headless
# through chromedp, and its screenshots show the emoji of the console's
# texts (👍, 📍) instead of empty boxes; nothing is started here.
set -eu

have_chromium=""
for b in chromium chromium-browser google-chrome; do
    if command -v "$b" >/dev/null 2>&1; then
        have_chromium=1
        break
    fi
done
if [ -z "$have_chromium" ]; then
    "$(dirname "$0")/apt-install.sh" "Chromium" chromium
fi

if [ ! -e /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf ]; then
    "$(dirname "$0")/apt-install.sh" "A colour emoji font for Chromium" fonts-noto-color-emoji
fi
