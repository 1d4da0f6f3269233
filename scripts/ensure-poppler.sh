#!/bin/sh
# Makes sure poppler-utils (pdftoppm, pdftotext) is installed, installing it
# with apt-get when it is missing. The certificate tests turn the PDF they
# render into an image and into text with them.
set -eu

if command -v pdftoppm >/dev/null 2>&1 && command -v pdftotext >/dev/null 2>&1; then
    exit 0
fi

echo "pdftoppm/pdftotext not found: installing poppler-utils with apt-get..." >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
        SUDO="sudo"
    else
        echo "Please install poppler-utils first (apt-get install poppler-utils)." >&2
        exit 1
    fi
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "No apt-get here: install poppler-utils with your package manager." >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq poppler-utils >/dev/null
