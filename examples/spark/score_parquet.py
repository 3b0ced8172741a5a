"""Score a Parquet dataset of survey responses with Apache Spark.

Each executor scores its Arrow batches with ``rolefit.score_arrow`` inside
``mapInArrow``: the answers go from Parquet to Arrow to rolefit's parser
without ever becoming CSV text, and the rankings come back as Arrow.

    python examples/spark/score_parquet.py RESPONSES.parquet SCORES.parquet \
        [--matrix matrix.csv] [--top 3] [--strategy euclidean] [--master local[2]]

The rolefit wheel must be installed in the executors' Python (here, the
driver's: ``PYSPARK_PYTHON`` is set to it). The matrix file is shipped to
every executor with ``addFile`` and found there with ``SparkFiles.get``,
which works in local and cluster modes alike. A bad row fails its task with
rolefit's ``InputError``; Spark retries it, then fails the job, and the
driver's exception carries rolefit's message (the input, the partition,
the row's line counted from the partition's first row as in a CSV file
with a header, the column and what was expected). A bad row fails the same
way on every try: ``--conf spark.task.maxFailures=1`` spares the retries. ``.ci/run`` runs this file
(``examples/spark/check.py``).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from pyspark import SparkFiles, TaskContext
from pyspark.sql import SparkSession

# The long layout of `rolefit score --format csv`, typed.
SCHEMA = "respondent string, rank int, role string, score double, answered int, status string"


def scorer(matrix_name: str | None, top: int, strategy: str, source: str):
    """The function mapInArrow runs on each partition's iterator of batches."""

    def score(batches):
        import rolefit

        matrix = rolefit.Matrix.from_csv(SparkFiles.get(matrix_name)) if matrix_name else None
        partition = TaskContext.get().partitionId()
        first_row = 0
        for batch in batches:
            # One thread per task: Spark already runs one task per core.
            yield rolefit.score_arrow(
                batch,
                matrix,
                top=top,
                strategy=strategy,
                threads=1,
                source=f"{source} (partition {partition})",
                first_row=first_row,
            )
            first_row += batch.num_rows

    return score


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("responses", help="Parquet file or directory of responses")
    p.add_argument("scores", help="Parquet directory to write the scores to")
    p.add_argument("--matrix", help="role matrix CSV (default: the built-in matrix)")
    p.add_argument("--top", type=int, default=3)
    p.add_argument("--strategy", default="euclidean")
    p.add_argument("--master", default=None, help="Spark master, e.g. local[2] or local-cluster[2,1,1024]")
    p.add_argument("--conf", action="append", default=[], metavar="KEY=VALUE", help="a Spark setting")
    args = p.parse_args(argv)

    # Executors run the driver's Python, where the rolefit wheel is installed.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = SparkSession.builder.appName("rolefit")
    if args.master:
        builder = builder.master(args.master)
    for setting in args.conf:
        key, _, value = setting.partition("=")
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    try:
        matrix_name = None
        if args.matrix:
            spark.sparkContext.addFile(str(Path(args.matrix).resolve()))
            matrix_name = Path(args.matrix).name
        responses = spark.read.parquet(args.responses)
        scored = responses.mapInArrow(scorer(matrix_name, args.top, args.strategy, args.responses), SCHEMA)
        scored.write.mode("overwrite").parquet(args.scores)
    finally:
        spark.stop()


if __name__ == "__main__":
    main()
