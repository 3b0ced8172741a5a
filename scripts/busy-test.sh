#!/usr/bin/env bash
# Runs the README's test command while every core is kept busy by another
# process, as on a shared machine: no test may depend on a timing that load
# can break (docs/reliability.md). The suite is built first, unloaded.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo test --workspace --no-run
cores=$(nproc 2>/dev/null || echo 2)
busy=()
stop() { kill "${busy[@]}" 2>/dev/null || true; }
trap stop EXIT
for _ in $(seq "$cores"); do
    (while :; do :; done) &
    busy+=($!)
done
echo "running the suite with $cores busy loops" >&2
# Last, so that the test runner's summary closes the output.
cargo test --workspace
