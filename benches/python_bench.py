#!/usr/bin/env python3
"""The Python package against the CLI and against the pandas + numpy
baseline (`just bench-python`; a benchmark that prints ratios, not a test).

    python3 benches/python_bench.py [--rows 1000000] [--runs 3]

On one matrix of 12 roles x 30 capabilities (`rolefit synth matrix`) and
`--rows` synthetic respondents (`rolefit synth responses`), top 3, it times
(median of `--runs`, interleaved):

- `cli`: `rolefit score FILE.csv --top 3 --format csv -o OUT.csv`, the
  release binary, whole process;
- `score_arrow`: `rolefit.score_arrow` on the same rows already in memory as
  a pyarrow Table (read before timing), the result a RecordBatch;
- `score(pandas)`: `rolefit.score` on the rows already in memory as a
  pandas DataFrame, the result a pandas DataFrame;
- `baseline`: benches/baseline.py (the pandas + numpy baseline of
  benches/compare.py), whole process, reading the CSV and writing its
  scores, as compare.py times it.

The issue's targets: cli / score_arrow >= 2, baseline / score(pandas) >=
20. The release wheel must be installed (`maturin build --release
--manifest-path crates/python/Cargo.toml` and pip install), and the release
binary built (`cargo build --release`); the baseline runs with the python
running this script (pandas and numpy installed, as benches/requirements.txt
pins them).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
import pyarrow.csv as pacsv

import rolefit

ROOT = Path(__file__).resolve().parent.parent


def timed(work) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rows", type=int, default=1_000_000)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--rolefit", default=str(ROOT / "target" / "release" / "rolefit"))
    args = p.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        matrix_csv, responses_csv = tmp / "matrix.csv", tmp / "responses.csv"
        run = lambda *a: subprocess.run([args.rolefit, *map(str, a)], check=True, capture_output=True)
        run("synth", "matrix", "--roles", 12, "--capabilities", 30, "--seed", 1, "-o", matrix_csv)
        run("synth", "responses", "--matrix", matrix_csv, "--rows", args.rows, "--seed", 2, "-o", responses_csv)
        matrix = rolefit.Matrix.from_csv(str(matrix_csv))
        table = pacsv.read_csv(responses_csv)
        frame = pd.read_csv(responses_csv)

        def cli():
            run("score", responses_csv, "--matrix", matrix_csv, "--top", 3, "--format", "csv", "--quiet",
                "-o", tmp / "cli.csv")

        def baseline():
            subprocess.run([sys.executable, ROOT / "benches" / "baseline.py", responses_csv, matrix_csv,
                            "--strategy", "euclidean", "--top", "3", "-o", tmp / "baseline.csv", "--quiet"],
                           check=True)

        works = {
            "cli": cli,
            "score_arrow": lambda: rolefit.score_arrow(table, matrix, top=3),
            "score(pandas)": lambda: rolefit.score(frame, matrix, top=3),
            "baseline": baseline,
        }
        # The same rankings before any timing.
        ours = rolefit.score(frame, matrix, top=3)
        cli()
        theirs = pd.read_csv(tmp / "cli.csv")
        assert ours["role"].astype(str).tolist() == theirs["role"].astype(str).tolist()

        times: dict[str, list[float]] = {name: [] for name in works}
        for _ in range(args.runs):
            for name, work in works.items():
                times[name].append(timed(work))

    median = {name: statistics.median(t) for name, t in times.items()}
    print(f"{args.rows:,} respondents x 30 capabilities x 12 roles, top 3; "
          f"median of {args.runs} runs; load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    for name, t in times.items():
        print(f"  {name:14} {median[name]:8.3f} s   (runs: {', '.join(f'{x:.3f}' for x in t)})")
    arrow_ratio = median["cli"] / median["score_arrow"]
    pandas_ratio = median["baseline"] / median["score(pandas)"]
    print(f"cli / score_arrow:        {arrow_ratio:6.2f}x  (target >= 2)  {'PASS' if arrow_ratio >= 2 else 'FAIL'}")
    print(f"baseline / score(pandas): {pandas_ratio:6.2f}x  (target >= 20) {'PASS' if pandas_ratio >= 20 else 'FAIL'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
