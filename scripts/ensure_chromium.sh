#!/usr/bin/env bash
# The browser tests drive Debian's chromium through Playwright (Playwright's own
# browser download cannot work offline); the report tests read the PDF export
# back with poppler's pdftotext. Install what is missing when we can, else say how.
set -euo pipefail
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
missing=()
[ -x "$CHROMIUM" ] || missing+=(chromium)
command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing ${missing[*]} for the browser and report tests (about 20 s)..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  exit 0
fi
echo "The browser and report tests need: ${missing[*]} (Chromium at $CHROMIUM, pdftotext)." >&2
echo "Install with: sudo apt-get install -y ${missing[*]}   (or set CHROMIUM=/path/to/chromium)" >&2
exit 1
