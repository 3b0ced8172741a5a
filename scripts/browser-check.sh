#!/usr/bin/env bash
# The browser check of the person's pages (`just check-pages`, the last
# step of .ci/run; docs/person.md): the self-assessment page and the
# personal report in headless Chromium, driven with Selenium.
#
# Installs what is missing, and nothing twice: Debian's chromium,
# chromium-driver and poppler-utils (pdfinfo) with apt-get, and Selenium
# from PyPI into a virtual environment under target/browser-check/venv.
# Then builds rolefit and runs scripts/browser-check.py, bounded by
# `timeout`. Screenshots (1280 and 390 px wide), the downloaded answers
# and the printed PDFs are left in target/browser-check/.
#
# Firefox is not driven: Debian's firefox-esr with geckodriver (built
# from crates.io) would add a second browser, but geckodriver's print and
# download handling differ enough that the check would need a second
# implementation; Chromium is the browser checked.
set -euo pipefail
cd "$(dirname "$0")/.."

OUT=target/browser-check
mkdir -p "$OUT"

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v chromedriver >/dev/null 2>&1 || missing+=(chromium-driver)
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

cargo build --quiet
# Selenium must not look for a driver on the network: it is given one.
export SE_OFFLINE=true
timeout 900 "$VENV/bin/python" scripts/browser-check.py target/debug/rolefit "$OUT"
