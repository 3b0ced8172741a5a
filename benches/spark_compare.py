#!/usr/bin/env python3
"""Spark's Arrow route against `rolefit score` on one machine, on the same
rows (`just bench-spark`; a benchmark that prints times and ratios, not a
test: it takes minutes).

    python3 benches/spark_compare.py [--rows 1000000] [--runs 1] [--master 'local-cluster[2,1,1024]']

On one matrix of 12 roles x 30 capabilities (`rolefit synth matrix`) and
`--rows` synthetic respondents (`rolefit synth responses`), top 3, it times
(wall clock, whole process, median of `--runs`, interleaved):

- `cli csv`: `rolefit score responses.csv --top 3 --format csv -o OUT.csv`,
  the release binary;
- `cli parquet`: `rolefit score responses.parquet --top 3 -o OUT.parquet`,
  the same rows as one Parquet file in, Parquet out;
- `spark`: examples/spark/score_parquet.py (`mapInArrow` calling
  `rolefit.score_arrow`) on the same rows as a Parquet dataset of 8 files,
  on `--master` (default `local-cluster[2,1,1024]`: two executor
  processes of one core each), JVM and executors' start included, writing
  Parquet;
- `spark start`: the same script on a dataset of 8 rows, the cost of
  starting Spark and running a job at all, to read the rest against.

It checks that Spark's rows equal the CLI's (same rankings, scores within
the CSV's six decimals) and prints `spark / cli csv`. The `RDD.pipe` route
is not timed: it was removed from docs/scaling.md (it lost data; see issue
15). The rolefit wheel must be installed in this Python, with pyspark, and
the release binary built (`cargo build --release`).
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

import numpy as np
import pandas as pd
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parent.parent
FILES = 8


def timed(argv: list[str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed ({done.returncode}):\n{done.stderr[-4000:]}")
    return time.perf_counter() - started


def write_dataset(csv: Path, directory: Path, rows: int) -> None:
    """The rows of `csv` as `FILES` Parquet files (respondent ids as text)."""
    table = pacsv.read_csv(csv, convert_options=pacsv.ConvertOptions(column_types={"respondent": "string"}))
    directory.mkdir()
    bounds = np.linspace(0, rows, FILES + 1).astype(int)
    for i in range(FILES):
        pq.write_table(table.slice(bounds[i], bounds[i + 1] - bounds[i]), directory / f"part-{i}.parquet")


def same_rankings(spark_dir: Path, cli_csv: Path) -> int:
    ours = pq.read_table(spark_dir).to_pandas().astype({"respondent": str})
    theirs = pd.read_csv(cli_csv, dtype={"respondent": str})
    key = ["respondent", "rank"]
    ours = ours.sort_values(key, na_position="first").reset_index(drop=True)
    theirs = theirs.sort_values(key, na_position="first").reset_index(drop=True)
    assert len(ours) == len(theirs), f"spark: {len(ours)} rows, the CLI {len(theirs)}"
    assert ours["role"].astype(str).tolist() == theirs["role"].astype(str).tolist(), "rankings differ"
    diff = (ours["score"].astype(float) - theirs["score"].astype(float)).abs().max()
    assert diff <= 5e-7 + 1e-12, f"scores differ by {diff}"
    return len(ours)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rows", type=int, default=1_000_000)
    p.add_argument("--runs", type=int, default=1)
    p.add_argument("--master", default="local-cluster[2,1,1024]")
    p.add_argument("--rolefit", default=str(ROOT / "target" / "release" / "rolefit"))
    p.add_argument("--tmp", default=None, help="where to write the data (default: a temporary folder)")
    args = p.parse_args()

    with tempfile.TemporaryDirectory(dir=args.tmp) as tmp:
        tmp = Path(tmp)
        matrix, csv = tmp / "matrix.csv", tmp / "responses.csv"
        rolefit = lambda *a: subprocess.run([args.rolefit, *map(str, a)], check=True, capture_output=True)
        rolefit("synth", "matrix", "--roles", 12, "--capabilities", 30, "--seed", 1, "-o", matrix)
        rolefit("synth", "responses", "--matrix", matrix, "--rows", args.rows, "--seed", 2, "-o", csv)
        write_dataset(csv, tmp / "responses.parquet", args.rows)
        pq.write_table(pq.read_table(tmp / "responses.parquet"), tmp / "one.parquet")
        small = tmp / "small.csv"
        rolefit("synth", "responses", "--matrix", matrix, "--rows", 8, "--seed", 3, "-o", small)
        write_dataset(small, tmp / "small.parquet", 8)

        spark = [sys.executable, str(ROOT / "examples" / "spark" / "score_parquet.py"), "--matrix", str(matrix),
                 "--top", "3", "--master", args.master, "--conf", "spark.task.maxFailures=1"]
        works = {
            "cli csv": [args.rolefit, "score", str(csv), "--matrix", str(matrix), "--top", "3", "--format",
                        "csv", "--quiet", "-o", str(tmp / "cli.csv")],
            "cli parquet": [args.rolefit, "score", str(tmp / "one.parquet"), "--matrix", str(matrix), "--top",
                            "3", "--quiet", "-o", str(tmp / "cli.parquet")],
            "spark": [*spark, str(tmp / "responses.parquet"), str(tmp / "spark.parquet")],
            "spark start": [*spark, str(tmp / "small.parquet"), str(tmp / "spark-small.parquet")],
        }
        times: dict[str, list[float]] = {name: [] for name in works}
        for _ in range(args.runs):
            for name, argv in works.items():
                times[name].append(timed(argv))
                print(f"  {name}: {times[name][-1]:.2f} s", file=sys.stderr, flush=True)
        rows = same_rankings(tmp / "spark.parquet", tmp / "cli.csv")
        cli_parquet = pq.read_table(tmp / "cli.parquet")
        assert cli_parquet.num_rows == rows, "the CLI's Parquet output has another number of rows"

    median = {name: statistics.median(t) for name, t in times.items()}
    print(f"{args.rows:,} respondents x 30 capabilities x 12 roles, top 3 ({rows:,} output rows, equal); "
          f"median of {args.runs} run(s); Spark master {args.master}; "
          f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    for name, t in times.items():
        print(f"  {name:12} {median[name]:8.2f} s   (runs: {', '.join(f'{x:.2f}' for x in t)})")
    print(f"spark / cli csv:                 {median['spark'] / median['cli csv']:6.1f}x")
    work = median["spark"] - median["spark start"]
    print(f"spark less its start / cli csv:  {work / median['cli csv']:6.1f}x")
    print(f"cli parquet / cli csv:           {median['cli parquet'] / median['cli csv']:6.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
