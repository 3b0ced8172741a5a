"""Shared fixtures: the repository, the rolefit binary the parity tests
compare with, and synthetic responses."""

from __future__ import annotations

import io
import json
import os
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import rolefit

ROOT = Path(__file__).resolve().parents[3]
SAMPLE = ROOT / "datasets" / "sample-responses.csv"


def rolefit_bin() -> str:
    """The CLI to compare with: $ROLEFIT_BIN, else the newest of the
    workspace's debug and release builds."""
    if os.environ.get("ROLEFIT_BIN"):
        return os.environ["ROLEFIT_BIN"]
    built = [ROOT / "target" / kind / "rolefit" for kind in ("release", "debug")]
    built = [p for p in built if p.exists()]
    if not built:
        pytest.fail("no rolefit binary: run `cargo build --bin rolefit` or set ROLEFIT_BIN")
    return str(max(built, key=lambda p: p.stat().st_mtime))


class Cli:
    """Runs the rolefit binary."""

    def __init__(self) -> None:
        self.bin = rolefit_bin()

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        done = subprocess.run([self.bin, *args], capture_output=True, text=True)
        if check and done.returncode != 0:
            raise AssertionError(f"rolefit {' '.join(args)} failed ({done.returncode}): {done.stderr}")
        return done

    def score_csv(self, path: Path, *args: str) -> pd.DataFrame:
        out = self.run("score", str(path), "--format", "csv", "--quiet", *args).stdout
        return pd.read_csv(io.StringIO(out), dtype={"respondent": str}, keep_default_na=False, na_values=[""])

    def score_ndjson(self, path: Path, *args: str) -> list:
        out = self.run("score", str(path), "--format", "ndjson", "--quiet", *args).stdout
        return [json.loads(line) for line in out.splitlines()]


@pytest.fixture(scope="session")
def cli() -> Cli:
    return Cli()


def synthetic(rows: int, seed: int = 7, matrix: rolefit.Matrix | None = None) -> pd.DataFrame:
    """`rows` respondents answering the matrix's capabilities on 1..5 with
    some answers missing (and some respondents with too few to rank)."""
    matrix = matrix or rolefit.Matrix.builtin()
    rng = np.random.default_rng(seed)
    caps = matrix.capabilities
    values = rng.integers(1, 6, size=(rows, len(caps))).astype(float)
    # Half-points too, so that scores are not all on a coarse grid.
    values += np.where(rng.random((rows, len(caps))) < 0.2, 0.5, 0.0)
    values = np.minimum(values, 5.0)
    values[rng.random((rows, len(caps))) < 0.05] = np.nan
    sparse = rng.random(rows) < 0.01
    values[sparse, 3:] = np.nan
    frame = pd.DataFrame(values, columns=caps)
    frame.insert(0, "respondent", [f"P{i:07d}" for i in range(rows)])
    return frame


def assert_same_rankings(ours: pd.DataFrame, cli: pd.DataFrame, score_tol: float) -> None:
    """The CLI's long CSV and ours: same rows, same rankings, scores within
    `score_tol` of the CLI's (six decimals: 5e-7)."""
    assert list(ours.columns[: len(cli.columns)]) == list(cli.columns)
    assert len(ours) == len(cli)
    assert ours["respondent"].tolist() == cli["respondent"].tolist()
    for column in ("rank", "answered"):
        assert ours[column].astype("Int64").tolist() == cli[column].astype("Int64").tolist(), column
    for column in ("role", "status"):
        a = ours[column].astype(object).where(ours[column].notna(), None).tolist()
        b = cli[column].astype(object).where(cli[column].notna(), None).tolist()
        assert a == b, column
    ranked = cli["status"] == "ranked"
    diff = (ours["score"][ranked].to_numpy() - cli["score"][ranked].to_numpy().astype(float))
    assert np.abs(diff).max(initial=0.0) <= score_tol
    assert ours["score"][~ranked].isna().all()
