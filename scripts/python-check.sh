#!/usr/bin/env bash
# The Python package, as users install it, and the engines it serves
# (.ci/run runs this after the Rust tests):
#   1. pip installs the build and test tools, and a Java runtime for Spark
#      comes from apt-get if `java` is missing;
#   2. the wheel is built and installed as docs/python.md says;
#   3. pytest runs crates/python/tests against the rolefit binary;
#   4. examples/spark/check.py runs the Spark example in local-cluster mode
#      (and the Dask one) on 200,000 rows and checks them against the CLI.
set -euo pipefail
cd "$(dirname "$0")/.."
python=${PYTHON:-python3}

step() { echo "== $* ($(date +%T))" >&2; }

step "python tools"
"$python" -m pip install --quiet --disable-pip-version-check \
    maturin numpy pandas polars pyarrow pytest pyspark "dask[dataframe]"
if ! command -v java >/dev/null 2>&1; then
    step "a Java runtime for Spark (apt-get)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends default-jre-headless
fi

target=${CARGO_TARGET_DIR:-$PWD/target}
# The binary the results are compared with: the tests' debug build unless
# ROLEFIT_BIN names one.
if [ -z "${ROLEFIT_BIN:-}" ]; then
    cargo build --bin rolefit
    ROLEFIT_BIN="$target/debug/rolefit"
fi
export ROLEFIT_BIN

step "the wheel (maturin build --release), installed with pip"
rm -f "$target"/wheels/rolefit-*.whl
"$python" -m maturin build --release --manifest-path crates/python/Cargo.toml --out "$target/wheels"
"$python" -m pip install --quiet --disable-pip-version-check --force-reinstall --no-deps "$target"/wheels/rolefit-*.whl

step "pytest crates/python/tests"
"$python" -m pytest crates/python/tests -q

step "Spark (local-cluster) and Dask on 200,000 rows"
start=$(date +%s)
"$python" examples/spark/check.py --rolefit "$ROLEFIT_BIN"
echo "Spark and Dask checks: $(( $(date +%s) - start )) s" >&2
