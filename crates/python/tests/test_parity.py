"""rolefit.score against `rolefit score` on the same data: same rankings,
scores equal (to 1e-9 against the CLI's full-precision JSON, to its six
decimals against its CSV)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

import rolefit

from conftest import SAMPLE, assert_same_rankings, synthetic

STRATEGIES = [s["name"] for s in rolefit.strategies()]
# The CSV writes six decimals, rounded half away from zero.
CSV_TOLERANCE = 5e-7 + 1e-12


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_sample_responses_match_the_cli_for_every_strategy(cli, strategy):
    ours = rolefit.score(pd.read_csv(SAMPLE), strategy=strategy, top=3)
    theirs = cli.score_csv(SAMPLE, "--strategy", strategy, "--top", "3")
    assert_same_rankings(ours, theirs, CSV_TOLERANCE)


@pytest.mark.parametrize(
    "strategy", ["euclidean+importance", "manhattan+importance+center", "cosine+center", "Euclidean+uniform"]
)
def test_composed_names_score_as_the_clis(cli, strategy):
    ours = rolefit.score(pd.read_csv(SAMPLE), strategy=strategy, top=3)
    theirs = cli.score_csv(SAMPLE, "--strategy", strategy, "--top", "3")
    assert_same_rankings(ours, theirs, CSV_TOLERANCE)


def test_uniform_weights_are_the_default_and_importance_differs():
    frame = pd.read_csv(SAMPLE)
    plain = rolefit.score(frame, top=4)
    assert plain.equals(rolefit.score(frame, strategy="euclidean+uniform", top=4))
    assert not plain.equals(rolefit.score(frame, strategy="euclidean+importance", top=4))
    with pytest.raises(rolefit.InputError, match="distance strategies"):
        rolefit.score(frame, strategy="cosine+uniform")
    with pytest.raises(rolefit.InputError, match="learned weights of a model file"):
        rolefit.score(frame, strategy="euclidean+learned")


def test_scores_equal_the_clis_full_precision_to_1e_9(cli):
    ours = rolefit.score(pd.read_csv(SAMPLE), top=4)
    ours = ours[ours["status"] == "ranked"]
    assert len(ours) > 100
    exact = [
        (r["respondent"], e["rank"], e["role"], e["score"])
        for r in cli.score_ndjson(SAMPLE, "--top", "4")
        for e in r["ranking"]
    ]
    assert len(exact) == len(ours)
    for (respondent, rank, role, score), row in zip(exact, ours.itertuples()):
        assert (row.respondent, row.rank, row.role) == (respondent, rank, role)
        assert abs(row.score - score) <= 1e-9


def test_explanations_match_the_clis_csv(cli):
    ours = rolefit.score(pd.read_csv(SAMPLE), top=2, explain=True)
    theirs = cli.score_csv(SAMPLE, "--top", "2", "--explain")
    assert_same_rankings(ours, theirs, CSV_TOLERANCE)
    for column in ("strengths", "gaps", "above_level"):
        assert ours[column].fillna("").tolist() == theirs[column].fillna("").tolist(), column


def test_100k_synthetic_rows_match_the_cli(cli, tmp_path):
    frame = synthetic(100_000)
    path = tmp_path / "synthetic.csv"
    frame.to_csv(path, index=False)
    theirs = cli.score_csv(path, "--top", "3")
    assert (theirs["status"] == "insufficient").sum() > 100  # the sparse rows
    ours = rolefit.score(frame, top=3)
    assert_same_rankings(ours, theirs, CSV_TOLERANCE)
    # The same from the CSV text pandas reads back, and from Arrow directly.
    again = rolefit.score(pd.read_csv(path), top=3)
    pd.testing.assert_frame_equal(again, ours)
    arrow = rolefit.score_arrow(pa.Table.from_pandas(frame, preserve_index=False), top=3)
    assert arrow.num_rows == len(ours)
    np.testing.assert_array_equal(arrow.column("score").to_numpy(zero_copy_only=False), ours["score"].to_numpy())


def test_results_do_not_depend_on_the_number_of_threads():
    frame = synthetic(20_000, seed=3)
    one = rolefit.score(frame, top=5, threads=1)
    many = rolefit.score(frame, top=5, threads=4)
    pd.testing.assert_frame_equal(one, many)


def test_min_answered_and_top_as_the_cli(cli, tmp_path):
    frame = synthetic(2_000, seed=11)
    path = tmp_path / "s.csv"
    frame.to_csv(path, index=False)
    ours = rolefit.score(frame, top=12, min_answered=0.9, strategy="cosine")
    theirs = cli.score_csv(path, "--top", "12", "--min-answered", "0.9", "--strategy", "cosine")
    assert_same_rankings(ours, theirs, CSV_TOLERANCE)
