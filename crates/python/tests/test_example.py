"""The notebook-style example runs, from the repository's root, and shows
what it says it shows."""

from __future__ import annotations

import subprocess
import sys

from conftest import ROOT


def test_the_python_example_runs():
    done = subprocess.run(
        [sys.executable, "examples/python/score_sample.py"], cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert "respondent" in done.stdout and "Program Manager" in done.stdout
    assert 'responses.csv:6: column 8 "Q07": "9.0" is outside the response scale' in done.stdout


def test_the_first_example_of_docs_python_md_prints_what_it_shows():
    text = (ROOT / "docs" / "python.md").read_text()
    code = text.split("```python\n", 1)[1].split("```", 1)[0]
    shown = text.split("```text\n", 1)[1].split("```", 1)[0]
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert [l.rstrip() for l in done.stdout.splitlines()] == [l.rstrip() for l in shown.splitlines()]
