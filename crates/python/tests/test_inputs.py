"""Every input kind gives the same result: pandas, Polars, pyarrow Tables
(one batch or several) and RecordBatches, numbers as ints, floats, text or
labels, and matrices from files and frames."""

from __future__ import annotations

import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

import rolefit

from conftest import ROOT, SAMPLE, synthetic


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return synthetic(5_000, seed=5)


@pytest.fixture(scope="module")
def expected(frame) -> pd.DataFrame:
    return rolefit.score(frame, top=3)


def test_pandas_polars_and_pyarrow_agree(frame, expected):
    table = pa.Table.from_pandas(frame, preserve_index=False)
    kinds = {
        "polars": pl.from_pandas(frame),
        "table": table,
        "record batch": table.combine_chunks().to_batches()[0],
        "several batches": pa.Table.from_batches(table.to_batches(max_chunksize=777)),
    }
    for name, data in kinds.items():
        got = rolefit.score(data, top=3)
        pd.testing.assert_frame_equal(got, expected, obj=name)


def test_score_arrow_returns_typed_columns(frame):
    batch = rolefit.score_arrow(pa.Table.from_pandas(frame, preserve_index=False), top=2)
    assert isinstance(batch, pa.RecordBatch)
    assert batch.schema.names == ["respondent", "rank", "role", "score", "answered", "status"]
    assert [str(t) for t in batch.schema.types] == ["string", "int32", "string", "double", "int32", "string"]


def test_integers_text_and_labels_read_as_the_csv_reader_reads_them():
    sample = pd.read_csv(SAMPLE)
    expected = rolefit.score(sample)
    # Integer columns (nullable ones too), floats, and numbers as text.
    numeric = sample.select_dtypes("number").columns
    assert sample["Q01"].dtype.kind == "f" and (sample.dtypes == "int64").any()
    pd.testing.assert_frame_equal(rolefit.score(sample.astype({c: "Int64" for c in numeric})), expected)
    pd.testing.assert_frame_equal(rolefit.score(sample.astype(str)), expected)
    # Categories (pandas' dictionaries) read as their text.
    cats = sample.copy()
    cats["Q02"] = cats["Q02"].astype(str).astype("category")
    pd.testing.assert_frame_equal(rolefit.score(cats), expected)


LABELS = ["Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree"]


def test_labels_read_as_the_cli_reads_them(cli, tmp_path):
    sample = pd.read_csv(SAMPLE)
    words = sample.copy()
    for column in sample.select_dtypes("number").columns[:6]:
        words[column] = [None if pd.isna(v) else LABELS[int(v) - 1] for v in sample[column]]
    path = tmp_path / "labels.csv"
    words.to_csv(path, index=False)
    ours = rolefit.score(words, top=3)
    theirs = cli.score_csv(path, "--top", "3")
    assert ours["role"].tolist() == theirs["role"].tolist()
    assert (ours["score"] - theirs["score"]).abs().max() <= 5e-7 + 1e-12
    pd.testing.assert_frame_equal(ours, rolefit.score(sample, top=3))


def test_a_frame_without_an_id_column_numbers_its_rows_across_batches():
    sample = pd.read_csv(SAMPLE).drop(columns="respondent")
    table = pa.Table.from_batches(pa.Table.from_pandas(sample).to_batches(max_chunksize=10))
    got = rolefit.score(table, top=1)
    assert got["respondent"].tolist() == [str(i) for i in range(1, len(sample) + 1)]


def test_blank_rows_are_skipped_as_blank_csv_lines_are(cli, tmp_path):
    sample = pd.read_csv(SAMPLE)
    blank = pd.DataFrame([[None] * sample.shape[1]], columns=sample.columns)
    with_blank = pd.concat([sample.iloc[:3], blank, sample.iloc[3:]], ignore_index=True)
    got = rolefit.score(with_blank.drop(columns="respondent"), top=1)
    assert len(got) == len(sample)
    path = tmp_path / "blank.csv"
    with_blank.drop(columns="respondent").to_csv(path, index=False)
    theirs = cli.score_csv(path, "--top", "1")
    assert got["respondent"].tolist() == theirs["respondent"].astype(str).tolist()


def test_matrices_from_a_file_a_frame_and_back(tmp_path):
    builtin = rolefit.Matrix.builtin()
    frame = builtin.to_frame()
    assert list(frame.columns) == ["role", "capability", "level", "importance"]
    assert len(frame) == len(builtin.roles) * len(builtin.capabilities)
    for m in (
        rolefit.Matrix.from_frame(frame),
        rolefit.Matrix.from_frame(pl.from_pandas(frame)),
        rolefit.Matrix.from_frame(pa.Table.from_pandas(frame)),
    ):
        assert m.roles == builtin.roles and m.capabilities == builtin.capabilities
        pd.testing.assert_frame_equal(m.to_frame(), frame)
    path = tmp_path / "matrix.csv"
    frame.to_csv(path, index=False)
    from_file = rolefit.Matrix.from_csv(str(path))
    sample = pd.read_csv(SAMPLE)
    pd.testing.assert_frame_equal(rolefit.score(sample, from_file), rolefit.score(sample))
    assert rolefit.Matrix.from_csv(str(path), scale=(1, 10)).scale == (1.0, 10.0)


def test_matrix_file_scores_as_the_cli(cli, tmp_path):
    frame = rolefit.Matrix.builtin().to_frame()
    frame["level"] = (frame["level"] * 2).clip(upper=10)
    path = tmp_path / "matrix10.csv"
    frame.to_csv(path, index=False)
    matrix = rolefit.Matrix.from_csv(str(path), scale=(1, 10))
    ours = rolefit.score(pd.read_csv(SAMPLE), matrix, top=2)
    theirs = cli.score_csv(SAMPLE, "--matrix", str(path), "--matrix-scale", "1..10", "--top", "2")
    assert ours["role"].tolist() == theirs["role"].tolist()
    assert (ours["score"] - theirs["score"]).abs().max() <= 5e-7 + 1e-12


def test_read_responses_gives_a_frame_that_scores_the_same():
    read = rolefit.read_responses(str(SAMPLE))
    capabilities = rolefit.Matrix.builtin().capabilities
    assert list(read.columns) == ["respondent", *capabilities]
    assert read["respondent"].tolist() == pd.read_csv(SAMPLE)["respondent"].tolist()
    assert read[capabilities].min().min() >= 1 and read[capabilities].max().max() <= 5
    pd.testing.assert_frame_equal(rolefit.score(read), rolefit.score(pd.read_csv(SAMPLE)))


def test_strategies_mirror_the_cli_json(cli):
    import json

    theirs = json.loads(cli.run("strategies", "--format", "json").stdout)
    assert rolefit.strategies() == theirs
