#!/usr/bin/env bash
# `rolefit audit` against an independent computation (.ci/run runs this
# after the Rust tests): pip installs pandas, NumPy and SciPy, then
# benches/audit_check.py recomputes every figure of the audit of synthetic
# cohorts (a planted group difference, and many seeds with none) from
# `rolefit score`'s scores and the responses file (docs/fairness.md).
set -euo pipefail
cd "$(dirname "$0")/.."
python=${PYTHON:-python3}

echo "== audit check: python tools ($(date +%T))" >&2
"$python" -m pip install --quiet --disable-pip-version-check numpy pandas scipy

target=${CARGO_TARGET_DIR:-$PWD/target}
if [ -z "${ROLEFIT_BIN:-}" ]; then
    cargo build --bin rolefit
    ROLEFIT_BIN="$target/debug/rolefit"
fi

echo "== audit check: benches/audit_check.py ($(date +%T))" >&2
"$python" benches/audit_check.py --rolefit "$ROLEFIT_BIN"
