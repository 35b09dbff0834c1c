#!/bin/sh
# Install the Debian packages the pipeline needs, or say exactly which are missing.
#   gettext         msgfmt --check on every catalog
#   ffmpeg          MP3 encoding, loudness normalisation, chapters; ffprobe in tests
#   poppler-utils   pdffonts, pdftotext, pdftoppm in tests and docs
#   fonts-noto-*    Arabic, Devanagari (core) and Simplified Chinese (cjk) print fonts
#   fontconfig, libpango*  what WeasyPrint lays text out with
#   libharfbuzz-subset0    fast font subsetting (Chinese PDFs: 9 s with fontTools, <1 s with it)
# and, where the command is missing (the build itself needs none of them):
#   java     default-jre-headless   EPUBCheck and the Nu HTML checker (vnu.jar)
#   chromium chromium               DAISY Ace and axe-core check the EPUB and HTML in it
#   npm      npm                    installs Ace and vnu-jar (tools/node, `npm ci`), and
#                                   fetches the Kokoro voices (kokoro-js) at set-up
#   zbarimg  zbar-tools             reads the QR code printed on page 1 of the PDFs back
#   linkchecker linkchecker         finds broken links in the published site (output/site/)
set -eu
PACKAGES="gettext ffmpeg poppler-utils fonts-noto-core fonts-noto-cjk fontconfig libharfbuzz-subset0
libpango-1.0-0 libpangoft2-1.0-0"
COMMANDS="java:default-jre-headless chromium:chromium npm:npm zbarimg:zbar-tools
linkchecker:linkchecker"

if ! command -v dpkg-query >/dev/null 2>&1; then
    echo "setup: not a Debian/Ubuntu system; install the equivalents of:" $PACKAGES >&2
    exit 0
fi
missing=""
for package in $PACKAGES; do
    status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
    case "$status" in
        *" installed") ;;
        *) missing="$missing $package" ;;
    esac
done
for pair in $COMMANDS; do
    command -v "${pair%%:*}" >/dev/null 2>&1 || missing="$missing ${pair#*:}"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing Debian packages:$missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q >/dev/null
    # shellcheck disable=SC2086
    apt-get install -y -q --no-install-recommends $missing >/dev/null
    echo "setup: installed$missing"
else
    echo "setup: these Debian packages are missing:$missing" >&2
    echo "setup: install them with: sudo apt-get install --no-install-recommends$missing" >&2
    exit 1
fi
