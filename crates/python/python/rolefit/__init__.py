"""rolefit: recommend the role that fits a person best from a capability
self-assessment, inside pandas, Polars, Arrow and Spark.

The same library crates as the ``rolefit`` command line do the work, so a
frame scored here gives the rankings ``rolefit score --format csv`` gives
for the same data saved as CSV, and bad input raises :class:`InputError`
with the message the command line prints.

>>> import rolefit
>>> m = rolefit.Matrix.builtin()
>>> len(m.roles), len(m.capabilities)
(4, 20)

Functions:

- :func:`score` -- a pandas, Polars or pyarrow frame in, a pandas DataFrame
  of rankings out (the CLI's long CSV columns).
- :func:`score_arrow` -- Arrow in, a ``pyarrow.RecordBatch`` out, for
  engines (Spark's ``mapInArrow``, Dask); no CSV text anywhere.
- :func:`read_responses` -- a responses file or survey-tool export into a
  DataFrame of capability values.
- :func:`strategies` -- the scoring strategies.
- :class:`Matrix` -- a role matrix (built in, from CSV or from a frame).
"""

from __future__ import annotations

from typing import Any, Optional, Sequence, Tuple, Union

from . import _frames
from ._rolefit import InputError, Matrix, __version__
from ._rolefit import read_responses_arrow as _read_responses_arrow
from ._rolefit import score_arrow
from ._rolefit import strategies as _strategies

__all__ = [
    "InputError",
    "Matrix",
    "read_responses",
    "score",
    "score_arrow",
    "strategies",
    "__version__",
]

Scale = Union[Tuple[float, float], str, None]


def score(
    data: Any,
    matrix: Optional[Matrix] = None,
    *,
    strategy: str = "euclidean",
    top: int = 5,
    min_answered: float = 0.5,
    explain: bool = False,
    survey: Optional[str] = None,
    id_column: Optional[str] = None,
    scale: Scale = None,
    ignore_unknown_columns: bool = False,
    threads: Optional[int] = None,
    source: str = "data",
) -> Any:
    """Rank every role of ``matrix`` for every respondent of ``data``.

    Parameters
    ----------
    data:
        A pandas or Polars DataFrame, or a pyarrow Table or RecordBatch:
        an id column (``respondent``, ``id``, ... or ``id_column``) and one
        column per capability (its id, name or alias, matched loosely) or
        per survey item (``Q01`` ...; see ``survey``). Answers are numbers
        on the response scale (1..5 unless ``scale``) or its labels
        (``"Agree"``); missing values (NaN, None) are unanswered.
    matrix:
        The role matrix; the built-in one (4 roles x 20 capabilities) if
        omitted.
    strategy:
        ``euclidean`` (default), ``cosine``, ``pearson``, ``manhattan`` or
        ``coverage``; see :func:`strategies`.
    top:
        How many of the best roles to keep per respondent.
    min_answered:
        The fraction of the capabilities a respondent must answer to be
        ranked; others get one row with status ``insufficient``.
    explain:
        Add the ``strengths``, ``gaps`` and ``above_level`` columns.
    survey:
        A survey CSV file (``id,text,capability,reverse``) mapping item
        columns to capabilities; the built-in survey if omitted.
    id_column, scale, ignore_unknown_columns:
        As ``--id-column``, ``--scale`` (``(min, max)`` or a label scale's
        name) and ``--ignore-unknown-columns``.
    threads:
        Worker threads (default: every core). The GIL is released while
        scoring.
    source:
        The name messages give the data.

    Returns
    -------
    pandas.DataFrame
        The columns of ``rolefit score --format csv``: ``respondent``,
        ``rank``, ``role``, ``score``, ``answered``, ``status`` (plus the
        explanation columns), one row per respondent and ranked role in
        input order. ``score`` is the exact value (the CSV rounds it to six
        decimals); ``rank``, ``role`` and ``score`` are missing for a
        respondent who is not ranked.

    Raises
    ------
    InputError
        Bad input (an unknown column, an answer off the scale, ...), with
        the message ``rolefit score`` prints for the same data saved as CSV.

    Examples
    --------
    >>> import pandas as pd, rolefit
    >>> df = pd.read_csv("datasets/sample-responses.csv")  # doctest: +SKIP
    >>> rolefit.score(df, top=3).head()                     # doctest: +SKIP
    """
    batch = score_arrow(
        _frames.to_arrow(data),
        matrix,
        strategy=strategy,
        top=top,
        min_answered=min_answered,
        explain=explain,
        survey=survey,
        id_column=id_column,
        scale=scale,
        ignore_unknown_columns=ignore_unknown_columns,
        threads=threads,
        source=source,
    )
    return _frames.to_pandas(batch)


def read_responses(
    path: str,
    matrix: Optional[Matrix] = None,
    *,
    survey: Optional[str] = None,
    id_column: Optional[str] = None,
    scale: Scale = None,
    ignore_unknown_columns: bool = False,
) -> Any:
    """Read a responses file as ``rolefit score`` reads it (plain CSV, or a
    Qualtrics, SurveyMonkey, Google Forms, Microsoft Forms or Typeform
    export) into a pandas DataFrame: ``respondent``, then one column per
    capability of ``matrix`` (its name), on the matrix's scale, missing
    where not answered. The frame can be passed to :func:`score` as it is.

    Raises :class:`InputError` with the CLI's message for a file it cannot
    use.
    """
    batch = _read_responses_arrow(
        path,
        matrix,
        survey=survey,
        id_column=id_column,
        scale=scale,
        ignore_unknown_columns=ignore_unknown_columns,
    )
    return _frames.to_pandas(batch)


def strategies() -> Sequence[dict]:
    """The scoring strategies, as ``rolefit strategies --format json``
    lists them: dicts with ``name``, ``formula``, ``description`` and
    ``default``."""
    return _strategies()
