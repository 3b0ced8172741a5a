#!/usr/bin/env bash
# The browser check of the person's pages (`just check-pages`, the last
# step of .ci/run; docs/person.md): the self-assessment page and the
# personal report in headless Chromium and in headless Firefox, each
# driven with Selenium through the same steps (scripts/browser-check.py).
#
# Installs what is missing, and nothing twice: Debian's chromium,
# chromium-driver, firefox-esr and poppler-utils (pdfinfo) with apt-get,
# geckodriver (Firefox's WebDriver) from crates.io with `cargo install`
# into target/browser-check/gecko, and Selenium from PyPI into a virtual
# environment under target/browser-check/venv. Then builds rolefit and
# runs the check in each browser, each bounded by `timeout`. Screenshots
# (1280 and 390 px wide), the downloaded answers and the printed PDFs are
# left in target/browser-check/chromium/ and target/browser-check/firefox/.
set -euo pipefail
cd "$(dirname "$0")/.."

OUT=target/browser-check
mkdir -p "$OUT"

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v chromedriver >/dev/null 2>&1 || missing+=(chromium-driver)
command -v firefox-esr >/dev/null 2>&1 || missing+=(firefox-esr)
command -v pdfinfo >/dev/null 2>&1 || missing+=(poppler-utils)
python3 -c 'import venv, ensurepip' >/dev/null 2>&1 || missing+=(python3-venv)
if [ "${#missing[@]}" -gt 0 ]; then
    echo "browser-check: installing ${missing[*]} with apt-get" >&2
    SUDO=""
    if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; fi
    timeout 900 $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive timeout 1200 $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

VENV="$OUT/venv"
if ! "$VENV/bin/python" -c 'import selenium' >/dev/null 2>&1; then
    echo "browser-check: installing Selenium into $VENV" >&2
    rm -rf "$VENV"
    python3 -m venv "$VENV"
    timeout 900 "$VENV/bin/pip" install -q selenium
fi

GECKO="$OUT/gecko/bin/geckodriver"
if ! [ -x "$GECKO" ]; then
    echo "browser-check: building geckodriver with cargo install" >&2
    timeout 1800 cargo install --quiet --locked geckodriver --root "$OUT/gecko"
fi

cargo build --quiet
# Selenium must not look for a driver on the network: it is given one.
export SE_OFFLINE=true
timeout 900 "$VENV/bin/python" scripts/browser-check.py chromium /usr/bin/chromedriver target/debug/rolefit "$OUT/chromium"
timeout 900 "$VENV/bin/python" scripts/browser-check.py firefox "$GECKO" target/debug/rolefit "$OUT/firefox"
