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
- :func:`evaluate` -- compare strategies on respondents whose role is
  known, as ``rolefit evaluate`` does.
- :func:`strategies` -- the scoring strategies.
- :class:`Matrix` -- a role matrix (built in, from CSV or from a frame).
"""

from __future__ import annotations

import json
import os
from typing import Any, Dict, Optional, Sequence, Tuple, Union

from . import _frames
from ._rolefit import InputError, Matrix, __version__
from ._rolefit import evaluate_arrow as _evaluate_arrow
from ._rolefit import read_responses_arrow as _read_responses_arrow
from ._rolefit import score_arrow
from ._rolefit import strategies as _strategies

__all__ = [
    "InputError",
    "Matrix",
    "evaluate",
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
        ``coverage`` (see :func:`strategies`), or one of them composed as
        ``--strategy`` takes it: ``+center`` for centred answers, and for
        the distances ``+importance`` to weigh gaps by the roles'
        importances instead of the default uniform weights
        (``euclidean+importance+center``).
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


def evaluate(
    data: Any,
    labels: Any,
    matrix: Optional[Matrix] = None,
    *,
    strategies: Union[str, Sequence[str]] = "all",
    k: int = 3,
    folds: int = 5,
    neighbours: Optional[int] = None,
    seed: int = 1,
    min_answered: float = 0.5,
    center: Optional[str] = None,
    weights: Optional[str] = None,
    survey: Optional[str] = None,
    id_column: Optional[str] = None,
    scale: Scale = None,
    ignore_unknown_columns: bool = False,
    threads: Optional[int] = None,
    source: str = "data",
) -> Dict[str, Any]:
    """Compare strategies on respondents whose role is known, as
    ``rolefit evaluate --format json`` does: top-1 and top-k accuracy, MRR,
    NDCG@k, macro-F1, the bootstrap stability of the top role, a confusion
    matrix per strategy and the agreement between strategies; learned
    strategies (``model:centroid``, ``model:knn``, ``model:logistic``) are
    cross-validated in ``folds`` folds.

    Parameters
    ----------
    data:
        The responses, as for :func:`score` (a pandas or Polars DataFrame,
        a pyarrow Table or RecordBatch); each respondent's id once.
    labels:
        Each respondent's actual role: a labels CSV file's path (columns
        ``respondent,role``, as ``--labels`` reads), a dict
        ``{respondent: role}``, a pandas Series (index: respondent) or a
        DataFrame whose first two columns are the respondent and the role.
        Roles by name or id, matched loosely.
    strategies:
        ``"all"`` (every built-in and learned strategy), or names, as a
        list or comma-separated: ``euclidean``, ``cosine+center``,
        ``euclidean+importance``, ``manhattan+learned``, ``model:knn``,
        ``lda``, ... (as ``--strategies``).
    k, folds, neighbours, seed, min_answered:
        As ``--k-accuracy``, ``--folds``, ``--neighbours``, ``--seed`` and
        ``--min-answered``: the same seed gives the same result. Without
        ``neighbours``, knn's k is chosen by cross-validation, as the CLI
        does.
    center:
        ``"person"`` adds each built-in strategy's centred variant (as
        ``--center person``).
    weights:
        ``"importance"``, ``"uniform"`` (the default) or ``"learned"``:
        what the distance strategies whose name says no weighting weigh
        their gaps by (as ``--weights``; ``learned`` is cross-validated).
    survey, id_column, scale, ignore_unknown_columns, threads, source:
        As for :func:`score`.

    Returns
    -------
    dict
        The keys of ``rolefit evaluate --format json`` (``respondents``,
        ``excluded``, ``needed``, ``k``, ``folds``, ``seed``,
        ``resamples``, ``roles``, ``strategies``, ``agreement``), plus
        ``unlabelled`` (respondents without a label, left out) and
        ``unused_labels`` (labels naming no respondent).
        ``pandas.DataFrame(result["strategies"])`` is the metrics table.

    Raises
    ------
    InputError
        Bad responses or labels, an unknown strategy, too few respondents
        for the folds, with the command line's message.
    """
    labels_csv, labels_source = _labels_csv(labels)
    if not isinstance(strategies, str):
        strategies = ",".join(strategies)
    text = _evaluate_arrow(
        _frames.to_arrow(data),
        labels_csv,
        matrix,
        strategies=strategies,
        k=k,
        folds=folds,
        neighbours=neighbours,
        seed=seed,
        min_answered=min_answered,
        center=center,
        weights=weights,
        survey=survey,
        id_column=id_column,
        scale=scale,
        ignore_unknown_columns=ignore_unknown_columns,
        source=source,
        labels_source=labels_source,
        threads=threads,
    )
    return json.loads(text)


def _labels_csv(labels: Any) -> Tuple[str, str]:
    """``labels`` as the text of a labels CSV file, and its name for
    messages."""
    import csv
    import io

    if isinstance(labels, (str, os.PathLike)):
        path = os.fspath(labels)
        try:
            with open(path, encoding="utf-8-sig", newline="") as f:
                return f.read(), path
        except OSError as e:
            raise InputError(f"cannot read labels {path}: {e.strerror}") from None
    if _frames.is_pandas(labels) and hasattr(labels, "columns"):
        if len(labels.columns) < 2:
            raise InputError("labels: expected a frame whose first two columns are the respondent and the role")
        pairs = zip(labels.iloc[:, 0], labels.iloc[:, 1])
    elif hasattr(labels, "items"):
        pairs = labels.items()
    else:
        raise TypeError(
            "labels: expected a file path, a dict {respondent: role}, a pandas Series or DataFrame, "
            f"got {type(labels).__name__}"
        )
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["respondent", "role"])
    for respondent, role in pairs:
        writer.writerow([respondent, role])
    return out.getvalue(), "labels"
