#!/bin/sh
# Makes sure poppler-utils (pdftoppm, pdftotext) is installed, installing it
# with apt-get when it is missing. The certificate tests turn the PDF they
# render into an image and into text with them.
set -eu

if command -v pdftoppm >/dev/null 2>&1 && command -v pdftotext >/dev/null 2>&1; then
    exit 0
fi

"$(dirname "$0")/apt-install.sh" "poppler-utils (pdftoppm, pdftotext)" poppler-utils
