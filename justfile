# rolefit developer recipes. `just --list` shows them.

# Build the release binary.
build:
    cargo build --release

# The full test suite (what .ci/run runs).
test:
    cargo test --workspace

# The test suite with every core busy (what .ci/run runs).
test-busy:
    bash scripts/busy-test.sh

# Formatting and lints, warnings as errors.
lint:
    cargo fmt --all -- --check
    cargo clippy --workspace --all-targets -- -D warnings

# API docs, warnings as errors.
doc:
    RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps

# Criterion benchmarks (reports under target/criterion).
bench:
    cargo bench

# Score the sample data, with explanations for the first respondents.
demo: build
    ./target/release/rolefit roles
    ./target/release/rolefit score datasets/sample-responses.csv
    head -4 datasets/sample-responses.csv | ./target/release/rolefit score --explain --top 2

# Everything CI should agree with.
ci: lint test doc

# rolefit vs a pandas + numpy baseline and the CSV floor: PASS/FAIL per target, target/bench-compare.md.
bench-compare *ARGS:
    python3 benches/compare.py {{ARGS}}

# Render the cohort report in headless Chromium (installs Debian's chromium if missing): target/report.png.
check-report:
    bash scripts/check_report.sh

# The self-assessment page and the personal report in headless Chromium with Selenium (installs what is missing): target/browser-check/.
check-pages:
    bash scripts/browser-check.sh

# rolefit's k-means vs scikit-learn's (100,000 x 30, k = 12): PASS/FAIL per target, target/bench-cluster.md.
bench-cluster *ARGS:
    python3 benches/cluster_compare.py {{ARGS}}

# Functions of the import and score crates and the CLI over 100 lines without a `// Long:` reason (exit 1 if any).
fn-lengths:
    python3 scripts/fn-lengths.py

# The Python package against the CLI and the pandas + numpy baseline (release wheel and binary): ratios, docs/performance.md.
bench-python *ARGS:
    cargo build --release
    python3 -m maturin build --release --manifest-path crates/python/Cargo.toml --out target/wheels
    python3 -m pip install --force-reinstall --no-deps target/wheels/rolefit-*.whl
    python3 benches/python_bench.py {{ARGS}}

# Spark's Arrow route (local-cluster) against rolefit score on one machine, 1M rows by default (minutes): docs/scaling.md.
bench-spark *ARGS:
    cargo build --release
    python3 -m maturin build --release --manifest-path crates/python/Cargo.toml --out target/wheels
    python3 -m pip install --force-reinstall --no-deps target/wheels/rolefit-*.whl
    python3 benches/spark_compare.py {{ARGS}}

# The Python package's tests and the Spark and Dask examples (what .ci/run runs after the Rust tests).
test-python:
    bash scripts/python-check.sh
