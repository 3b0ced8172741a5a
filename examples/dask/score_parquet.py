"""Score a Parquet dataset of survey responses with Dask: each partition, a
pandas DataFrame, is scored by ``rolefit.score``; ``.ci/run`` runs this file
(``examples/spark/check.py`` checks its output against ``rolefit score``).

    python examples/dask/score_parquet.py RESPONSES.parquet SCORES.parquet [--top 3]
"""

from __future__ import annotations

import argparse

import dask.dataframe as dd
import pandas as pd

import rolefit


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("responses")
    p.add_argument("scores")
    p.add_argument("--top", type=int, default=3)
    args = p.parse_args(argv)

    responses = dd.read_parquet(args.responses)
    meta = pd.DataFrame(
        {
            "respondent": pd.Series(dtype=str),
            "rank": pd.Series(dtype="Int32"),
            "role": pd.Series(dtype=str),
            "score": pd.Series(dtype=float),
            "answered": pd.Series(dtype="Int32"),
            "status": pd.Series(dtype=str),
        }
    )
    # One thread per partition: Dask already runs partitions in parallel.
    scored = responses.map_partitions(rolefit.score, top=args.top, threads=1, meta=meta)
    scored.to_parquet(args.scores, write_index=False)


if __name__ == "__main__":
    main()
