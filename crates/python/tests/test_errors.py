"""Bad input raises rolefit.InputError (a ValueError) with the message the
CLI prints for the same data saved as CSV; nothing is returned half done."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pytest

import rolefit

from conftest import SAMPLE


def cli_message(cli, path, *args) -> str:
    done = cli.run("score", str(path), "--format", "csv", "--quiet", *args, check=False)
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith("error: ")
    return done.stderr[len("error: "):].strip()


def test_input_error_is_a_value_error():
    assert issubclass(rolefit.InputError, ValueError)


@pytest.mark.parametrize(
    "change",
    [
        # An answer off the scale, in row 7 (line 8 of the CSV).
        lambda df: df.assign(Q03=df["Q03"].where(df.index != 6, 7)),
        # A label that is not one of the scale.
        lambda df: df.astype({"Q05": object}).assign(Q05=["agreee" if i == 9 else v for i, v in enumerate(df["Q05"])]),
        # A column that matches nothing.
        lambda df: df.rename(columns={"Q04": "Risk Managment"}),
        # An empty id.
        lambda df: df.assign(respondent=["" if i == 2 else v for i, v in enumerate(df["respondent"])]),
    ],
    ids=["off-scale", "bad-label", "unknown-column", "empty-id"],
)
def test_messages_are_the_clis(cli, tmp_path, change):
    bad = change(pd.read_csv(SAMPLE))
    path = tmp_path / "bad.csv"
    bad.to_csv(path, index=False)
    expected = cli_message(cli, path)
    with pytest.raises(rolefit.InputError) as raised:
        rolefit.score(bad, source=str(path))
    assert str(raised.value) == expected


def test_line_numbers_continue_across_batches(cli, tmp_path):
    bad = pd.read_csv(SAMPLE)
    bad.loc[30, "Q10"] = 9
    path = tmp_path / "late.csv"
    bad.to_csv(path, index=False)
    table = pa.Table.from_batches(pa.Table.from_pandas(bad).to_batches(max_chunksize=8))
    with pytest.raises(rolefit.InputError) as raised:
        rolefit.score(table, source=str(path))
    assert str(raised.value) == cli_message(cli, path)
    assert f"{path}:32:" in str(raised.value)


def test_no_rows_unknown_strategy_and_bad_options():
    empty = pd.read_csv(SAMPLE).iloc[:0]
    with pytest.raises(rolefit.InputError, match="no respondents"):
        rolefit.score(empty)
    with pytest.raises(rolefit.InputError, match=r'unknown strategy "euclid".*did you mean "euclidean"'):
        rolefit.score(pd.read_csv(SAMPLE), strategy="euclid")
    with pytest.raises(rolefit.InputError, match="min_answered"):
        rolefit.score(pd.read_csv(SAMPLE), min_answered=1.5)
    with pytest.raises(rolefit.InputError, match="top"):
        rolefit.score(pd.read_csv(SAMPLE), top=0)
    with pytest.raises(TypeError, match="expected a pandas or Polars DataFrame"):
        rolefit.score([1, 2, 3])


def test_a_column_of_another_type_names_the_column():
    table = pa.Table.from_pandas(pd.read_csv(SAMPLE))
    table = table.append_column("when", pa.array([pd.Timestamp("2026-01-01")] * table.num_rows))
    with pytest.raises(rolefit.InputError, match=r'column 42 "when": the column holds values of type Timestamp'):
        rolefit.score_arrow(table, ignore_unknown_columns=True)


def test_bad_files_raise_the_clis_message(cli, tmp_path):
    missing = tmp_path / "nope.csv"
    with pytest.raises(rolefit.InputError, match="nope.csv"):
        rolefit.Matrix.from_csv(str(missing))
    with pytest.raises(rolefit.InputError, match="nope.csv"):
        rolefit.read_responses(str(missing))
    bad = tmp_path / "bad.csv"
    bad.write_text("respondent,Q01\nr1,7\n")
    with pytest.raises(rolefit.InputError) as raised:
        rolefit.read_responses(str(bad))
    assert str(raised.value) == cli_message(cli, bad)
    matrix = tmp_path / "matrix.csv"
    matrix.write_text("role,capability,level,importance\nA,x,9,1\n")
    done = cli.run("roles", "--matrix", str(matrix), check=False)
    with pytest.raises(rolefit.InputError) as raised:
        rolefit.Matrix.from_csv(str(matrix))
    assert done.returncode == 2 and str(raised.value) in done.stderr
