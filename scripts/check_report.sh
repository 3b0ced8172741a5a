#!/usr/bin/env bash
# The browser check of `rolefit report` (`just check-report`).
#
# Builds rolefit, writes the cohort report of the sample data, and renders
# it in headless Chromium (Debian's `chromium` package, installed with
# apt-get if missing): a screenshot of the top of the page at 1280x2400
# (target/report.png), one of the whole page (target/report-full.png), and
# the DOM as the browser parsed it, which is checked for every section and
# every chart. The browser gets a throwaway profile and no network: every
# host name resolves to nothing, so a page that tried to load anything
# would show it. Look at the screenshots; the structure is also tested
# without a browser in tests/integration/cohort.rs.
set -euo pipefail
cd "$(dirname "$0")/.."

OUT=target/check-report
mkdir -p "$OUT"

if ! command -v chromium >/dev/null 2>&1; then
    echo "check-report: installing Debian's chromium" >&2
    SUDO=""
    if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi
chromium --version 2>/dev/null

cargo build --release --quiet
REPORT="$OUT/report.html"
./target/release/rolefit report datasets/sample-responses.csv -o "$REPORT"

PROFILE=$(mktemp -d)
trap 'rm -rf "$PROFILE"' EXIT
browser() {
    timeout 120 chromium --headless --no-sandbox --disable-gpu \
        --disable-background-networking --disable-component-update --disable-sync \
        --no-first-run --host-resolver-rules="MAP * ~NOTFOUND" \
        --user-data-dir="$PROFILE" "$@" 2>"$OUT/chromium.log"
}
URL="file://$PWD/$REPORT"
browser --screenshot=target/report.png --window-size=1280,2400 "$URL"
browser --screenshot=target/report-full.png --window-size=1280,"${REPORT_HEIGHT:-6400}" "$URL"
browser --dump-dom "$URL" >"$OUT/dom.html"

fail=0
for f in target/report.png target/report-full.png; do
    if [ "$(head -c 8 "$f" | od -An -tx1 | tr -d ' \n')" != "89504e470d0a1a0a" ]; then
        echo "check-report: $f is not a PNG" >&2
        fail=1
    fi
done
for id in summary top-roles fit-scores clusters overlap gaps method; do
    if ! grep -q "<section id=\"$id\">" "$OUT/dom.html"; then
        echo "check-report: the browser's DOM has no section $id" >&2
        fail=1
    fi
done
written=$(grep -o '<svg' "$REPORT" | wc -l)
parsed=$(grep -o '<svg' "$OUT/dom.html" | wc -l)
if [ "$written" -ne "$parsed" ] || [ "$parsed" -lt 5 ]; then
    echo "check-report: $written charts written, $parsed in the browser's DOM" >&2
    fail=1
fi
if grep -qi '<script' "$OUT/dom.html"; then
    echo "check-report: the page has a script" >&2
    fail=1
fi
[ "$fail" -eq 0 ] || exit 1
echo "check-report: ok: $parsed charts and 7 sections rendered; screenshots target/report.png (top, 1280x2400) and target/report-full.png (whole page)"
