"""rolefit.evaluate against `rolefit evaluate --format json`: the same
metrics for the same respondents, labels and options, and the CLI's
messages for bad input."""

from __future__ import annotations

import json
import math

import pandas as pd
import pytest

import rolefit

from conftest import ROOT, SAMPLE

LABELS = ROOT / "datasets" / "sample-responses.labels.csv"


def cli_json(cli, *args: str) -> dict:
    out = cli.run("evaluate", str(SAMPLE), "--labels", str(LABELS), "--format", "json", "--quiet", *args)
    return json.loads(out.stdout)


def assert_same(ours: dict, theirs: dict) -> None:
    """Every key of the CLI's JSON, numbers equal to 1e-12."""

    def same(a, b, where):
        if isinstance(b, dict):
            assert set(b) <= set(a), where
            for key in b:
                same(a[key], b[key], f"{where}.{key}")
        elif isinstance(b, list):
            assert len(a) == len(b), where
            for i, (x, y) in enumerate(zip(a, b)):
                same(x, y, f"{where}[{i}]")
        elif isinstance(b, float):
            assert math.isclose(a, b, rel_tol=0, abs_tol=1e-12), (where, a, b)
        else:
            assert a == b, (where, a, b)

    same(ours, theirs, "evaluation")


def test_evaluate_mirrors_the_clis_json(cli):
    frame = pd.read_csv(SAMPLE)
    ours = rolefit.evaluate(frame, str(LABELS))
    assert_same(ours, cli_json(cli))
    assert [s["name"] for s in ours["strategies"]][-3:] == ["model:centroid", "model:knn", "model:logistic"]
    assert ours["unlabelled"] == 0 and ours["unused_labels"] == 0
    # The metrics table, as a frame.
    table = pd.DataFrame(ours["strategies"])
    assert {"name", "top1_accuracy", "mrr", "stability"} <= set(table.columns)


def test_composed_names_and_weights_are_the_clis(cli):
    frame = pd.read_csv(SAMPLE)
    names = "euclidean,euclidean+importance+center,manhattan+learned,cosine"
    ours = rolefit.evaluate(frame, LABELS, strategies=names, weights="importance")
    theirs = cli_json(cli, "--strategies", names, "--weights", "importance")
    assert_same(ours, theirs)
    assert [s["name"] for s in ours["strategies"]] == [
        "euclidean+importance",
        "euclidean+importance+center",
        "manhattan+learned",
        "cosine",
    ]
    with pytest.raises(rolefit.InputError, match="unknown strategy \"eucldean\" in strategies"):
        rolefit.evaluate(frame, LABELS, strategies="eucldean")
    with pytest.raises(rolefit.InputError, match="weights: expected"):
        rolefit.evaluate(frame, LABELS, weights="heavy")


def test_options_are_the_clis(cli):
    frame = pd.read_csv(SAMPLE)
    ours = rolefit.evaluate(
        frame,
        LABELS,
        strategies=["cosine", "euclidean+center", "model:knn"],
        k=2,
        folds=3,
        neighbours=3,
        seed=9,
        min_answered=0.8,
        center="person",
    )
    theirs = cli_json(
        cli,
        "--strategies", "cosine,euclidean+center,model:knn",
        "--k-accuracy", "2", "--folds", "3", "--neighbours", "3", "--seed", "9",
        "--min-answered", "0.8", "--center", "person",
    )
    assert_same(ours, theirs)
    assert [s["name"] for s in ours["strategies"]] == [s["name"] for s in theirs["strategies"]]


def test_labels_as_a_dict_a_series_or_a_frame():
    frame = pd.read_csv(SAMPLE)
    labels = pd.read_csv(LABELS)
    expected = rolefit.evaluate(frame, LABELS, strategies="euclidean,model:centroid")
    pairs = dict(zip(labels["respondent"], labels["role"]))
    for given in (pairs, labels.set_index("respondent")["role"], labels):
        assert rolefit.evaluate(frame, given, strategies="euclidean,model:centroid") == expected
    # Fewer labels: the others are left out and counted.
    some = dict(list(pairs.items())[:20])
    part = rolefit.evaluate(frame, some, strategies="euclidean")
    assert part["respondents"] + part["excluded"] == 20 and part["unlabelled"] == len(frame) - 20


def test_bad_input_raises_the_clis_message(cli, tmp_path):
    frame = pd.read_csv(SAMPLE)
    with pytest.raises(rolefit.InputError, match='did you mean "euclidean"'):
        rolefit.evaluate(frame, LABELS, strategies="eucldean")
    twice = pd.concat([frame, frame.iloc[[3]]], ignore_index=True)
    with pytest.raises(rolefit.InputError, match=r'respondent "R004" appears twice, on lines 5 and 38'):
        rolefit.evaluate(twice, LABELS)
    # A label naming no role: the message the CLI prints for the same file.
    bad = tmp_path / "labels.csv"
    bad.write_text(LABELS.read_text().replace("Product Manager", "Produce Manager", 1))
    done = cli.run("evaluate", str(SAMPLE), "--labels", str(bad), check=False)
    assert done.returncode == 2
    with pytest.raises(rolefit.InputError) as raised:
        rolefit.evaluate(frame, str(bad))
    assert done.stderr.startswith(f"error: {raised.value}"), (done.stderr, str(raised.value))
    with pytest.raises(rolefit.InputError, match="cross-validation needs at least as many respondents as folds"):
        rolefit.evaluate(frame, LABELS, strategies="model:knn", folds=40)
    with pytest.raises(TypeError, match="labels: expected a file path"):
        rolefit.evaluate(frame, 17)
