"""Runs the Spark and Dask examples for real and checks them against
`rolefit score` (run by .ci/run).

1. Writes N synthetic respondents (default 200,000) as a Parquet dataset of
   8 files, and the same rows as one CSV file.
2. `rolefit score` scores the CSV, and examples/shards/score_shards.sh
   scores it in 4 shards (the same bytes); examples/spark/score_parquet.py scores
   the Parquet dataset on the given master (default
   `local-cluster[2,1,1024]`: two executor processes) and
   examples/dask/score_parquet.py does too; both outputs must equal the
   CLI's rows (same rankings, scores within the CSV's six decimals).
3. One bad answer in one file must fail the Spark job, with rolefit's
   message in the driver's error output and no `_SUCCESS` written.

    python examples/spark/check.py --rolefit target/debug/rolefit [--rows N] [--master M]
"""

from __future__ import annotations

import argparse
import io
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

HERE = Path(__file__).resolve().parent
FILES = 8


def synthetic(rows: int, capabilities: list[str], seed: int = 42) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    values = rng.integers(1, 6, size=(rows, len(capabilities))).astype(float)
    values[rng.random(values.shape) < 0.03] = np.nan
    frame = pd.DataFrame(values, columns=capabilities)
    frame.insert(0, "respondent", [f"S{i:08d}" for i in range(rows)])
    return frame


def write_dataset(frame: pd.DataFrame, directory: Path) -> None:
    directory.mkdir(parents=True)
    bounds = np.linspace(0, len(frame), FILES + 1).astype(int)
    for i in range(FILES):
        part = frame.iloc[bounds[i] : bounds[i + 1]]
        pq.write_table(pa.Table.from_pandas(part, preserve_index=False), directory / f"part-{i}.parquet",
                       row_group_size=10_000)


def sorted_long(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.astype({"respondent": str})
    return frame.sort_values(["respondent", "rank"], na_position="first").reset_index(drop=True)


def compare(name: str, got: pd.DataFrame, expected: pd.DataFrame) -> None:
    got, expected = sorted_long(got), sorted_long(expected)
    assert len(got) == len(expected), f"{name}: {len(got)} rows, expected {len(expected)}"
    for column in ("respondent", "role", "status"):
        a = got[column].astype(object).where(got[column].notna(), None).tolist()
        b = expected[column].astype(object).where(expected[column].notna(), None).tolist()
        assert a == b, f"{name}: column {column} differs"
    for column in ("rank", "answered"):
        assert got[column].astype("Int64").tolist() == expected[column].astype("Int64").tolist(), f"{name}: {column}"
    diff = (got["score"].astype(float) - expected["score"].astype(float)).abs().max()
    assert diff <= 5e-7 + 1e-12, f"{name}: scores differ by {diff}"
    print(f"{name}: {len(got)} rows equal to rolefit score's", flush=True)


def run(argv: list[str], **kw) -> tuple[subprocess.CompletedProcess, float]:
    started = time.monotonic()
    done = subprocess.run(argv, capture_output=True, text=True, **kw)
    return done, time.monotonic() - started


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rolefit", required=True, help="the rolefit binary")
    p.add_argument("--rows", type=int, default=200_000)
    p.add_argument("--master", default="local-cluster[2,1,1024]")
    args = p.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        matrix = tmp / "matrix.csv"
        matrix.write_text(subprocess.run([args.rolefit, "roles", "--format", "csv"], check=True,
                                         capture_output=True, text=True).stdout)
        capabilities = pd.read_csv(matrix)["capability"].unique().tolist()
        frame = synthetic(args.rows, capabilities)
        write_dataset(frame, tmp / "responses.parquet")
        frame.to_csv(tmp / "responses.csv", index=False)

        done, seconds = run([args.rolefit, "score", str(tmp / "responses.csv"), "--matrix", str(matrix),
                             "--top", "3", "--format", "csv", "--quiet"])
        assert done.returncode == 0, done.stderr
        expected = pd.read_csv(io.StringIO(done.stdout), dtype={"respondent": str})
        print(f"rolefit score: {args.rows} rows in {seconds:.1f} s", flush=True)

        # docs/scaling.md's shards: the same bytes as the whole file.
        shards, seconds = run(["bash", str(HERE.parent / "shards" / "score_shards.sh"),
                               str(tmp / "responses.csv"), str(tmp / "shards.csv"), "4",
                               "--matrix", str(matrix), "--top", "3"],
                              env={**os.environ, "ROLEFIT": args.rolefit})
        assert shards.returncode == 0, shards.stderr
        assert (tmp / "shards.csv").read_text() == done.stdout, "the shards' scores differ from the whole file's"
        print(f"shards (4 processes): the same bytes as rolefit score, in {seconds:.1f} s", flush=True)

        # Small files make several partitions (Spark packs files into
        # partitions of up to maxPartitionBytes); a bad row fails the same
        # way on every try, so no retries.
        spark = [sys.executable, str(HERE / "score_parquet.py"), "--matrix", str(matrix), "--top", "3",
                 "--master", args.master, "--conf", "spark.sql.files.maxPartitionBytes=1m",
                 "--conf", "spark.task.maxFailures=1"]
        done, seconds = run([*spark, str(tmp / "responses.parquet"), str(tmp / "scores.parquet")])
        assert done.returncode == 0, done.stderr[-5000:]
        compare("spark", pq.read_table(tmp / "scores.parquet").to_pandas(), expected)
        parts = sorted((tmp / "scores.parquet").glob("part-*.parquet"))
        assert len(parts) >= 4, f"{len(parts)} partitions: expected several"
        print(f"spark ({args.master}): {args.rows} rows in {len(parts)} partitions in {seconds:.1f} s, "
              "JVM start included", flush=True)

        done, seconds = run([sys.executable, str(HERE.parent / "dask" / "score_parquet.py"),
                             str(tmp / "responses.parquet"), str(tmp / "dask.parquet"), "--top", "3"])
        assert done.returncode == 0, done.stderr[-5000:]
        compare("dask", pd.read_parquet(tmp / "dask.parquet"), expected)
        print(f"dask: {args.rows} rows in {seconds:.1f} s", flush=True)

        # One answer off the scale in the third file: the job fails, and
        # the driver says why in rolefit's words.
        bad = tmp / "bad.parquet"
        bad.mkdir()
        for part in sorted((tmp / "responses.parquet").iterdir()):
            table = pq.read_table(part)
            if part.name == "part-2.parquet":
                column = table.column(capabilities[4]).to_pylist()
                column[1234] = 9.0
                table = table.set_column(5, capabilities[4], pa.array(column))
            pq.write_table(table, bad / part.name)
        done, seconds = run([*spark, str(bad), str(tmp / "bad-scores.parquet")])
        assert done.returncode != 0, "a bad row must fail the job"
        message = f'column 6 "{capabilities[4]}": "9.0" is outside the response scale'
        assert message in done.stderr, done.stderr[-5000:]
        assert "rolefit.InputError" in done.stderr or "InputError" in done.stderr
        assert not (tmp / "bad-scores.parquet" / "_SUCCESS").exists()
        line = next(l for l in done.stderr.splitlines() if message in l)
        print(f"spark, one bad row: the job failed in {seconds:.1f} s; the driver says: {line.strip()}", flush=True)


if __name__ == "__main__":
    main()
