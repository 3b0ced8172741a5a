"""The package explains itself: docstrings on everything public, help()
that shows the parameters, and a stub file for type checkers."""

from __future__ import annotations

import pydoc
from pathlib import Path

import rolefit


def test_help_of_score_names_its_parameters_and_result():
    text = pydoc.render_doc(rolefit.score, renderer=pydoc.plaintext)
    for word in ("strategy", "top", "min_answered", "explain", "InputError", "pandas.DataFrame", "respondent"):
        assert word in text, word


def test_every_public_name_has_a_docstring():
    for name in rolefit.__all__:
        if name.startswith("__"):
            continue
        thing = getattr(rolefit, name)
        assert (thing.__doc__ or "").strip(), name
    for method in ("builtin", "from_csv", "from_frame", "to_frame", "roles", "capabilities"):
        assert (getattr(rolefit.Matrix, method).__doc__ or "").strip(), method


def test_the_stub_lists_the_public_api():
    stub = (Path(rolefit.__file__).parent / "__init__.pyi").read_text()
    for name in rolefit.__all__:
        assert name in stub, name
    assert (Path(rolefit.__file__).parent / "py.typed").exists()
