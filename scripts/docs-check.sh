#!/usr/bin/env bash
# The docs' examples that `cargo test --workspace` cannot run because they
# need Python (issue 20). The console blocks and the rolefit lines of the
# sh blocks of README.md and docs/*.md are run by tests/docs.rs; the wheel,
# pytest, Spark, Dask and the shard script by scripts/python-check.sh; the
# person's pages by scripts/browser-check.sh. This runs the rest:
#   - docs/builtin-matrix.md: datasets/tools/make_samples.py --check, and
#     the sample files it writes are the ones in the repository.
set -euo pipefail
cd "$(dirname "$0")/.."

python=${PYTHON:-python3}
if ! command -v "$python" >/dev/null 2>&1; then
    echo "docs-check: $python not found: the builtin-matrix.md check needs it" >&2
    exit 1
fi
"$python" datasets/tools/make_samples.py --check >/dev/null
# Rewriting the samples must give the same bytes (a copy, so that a
# difference is reported, not left in the tree).
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cp -R datasets "$scratch/"
(cd "$scratch" && "$python" datasets/tools/make_samples.py >/dev/null)
diff -r datasets "$scratch/datasets" >&2 || {
    echo "docs-check: datasets/tools/make_samples.py no longer writes the sample files in datasets/" >&2
    exit 1
}
echo "docs-check: make_samples.py --check passed and rewrites the samples unchanged" >&2
