"""Type hints for the rolefit package (see the docstrings for what each does)."""

from typing import Any, Dict, Optional, Sequence, Tuple, Union

import os

import pandas
import pyarrow

__version__: str

Scale = Union[Tuple[float, float], str, None]

class InputError(ValueError):
    """Bad input; the message is the one the rolefit command line prints."""

class Matrix:
    """A role matrix: roles, the capabilities they need, levels and importances."""

    @staticmethod
    def builtin() -> Matrix: ...
    @staticmethod
    def from_csv(path: str, scale: Optional[Tuple[float, float]] = None) -> Matrix: ...
    @staticmethod
    def from_csv_text(text: str, source: str = "frame", scale: Optional[Tuple[float, float]] = None) -> Matrix: ...
    @staticmethod
    def from_frame(frame: Any, scale: Optional[Tuple[float, float]] = None, source: str = "frame") -> Matrix: ...
    def to_frame(self) -> pandas.DataFrame: ...
    @property
    def roles(self) -> list[str]: ...
    @property
    def role_ids(self) -> list[str]: ...
    @property
    def capabilities(self) -> list[str]: ...
    @property
    def capability_ids(self) -> list[str]: ...
    @property
    def scale(self) -> Tuple[float, float]: ...
    def long_columns(self) -> Tuple[list[str], list[str], list[float], list[float]]: ...
    def __len__(self) -> int: ...

def score(
    data: Union[pandas.DataFrame, pyarrow.Table, pyarrow.RecordBatch, Any],
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
) -> pandas.DataFrame: ...
def score_arrow(
    data: Union[pyarrow.RecordBatch, pyarrow.Table, Any],
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
    first_row: int = 0,
) -> pyarrow.RecordBatch: ...
def read_responses(
    path: str,
    matrix: Optional[Matrix] = None,
    *,
    survey: Optional[str] = None,
    id_column: Optional[str] = None,
    scale: Scale = None,
    ignore_unknown_columns: bool = False,
) -> pandas.DataFrame: ...
def strategies() -> Sequence[dict[str, Any]]: ...
def evaluate(
    data: Union[pandas.DataFrame, pyarrow.Table, pyarrow.RecordBatch, Any],
    labels: Union[str, "os.PathLike[str]", Dict[str, str], pandas.Series, pandas.DataFrame],
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
) -> Dict[str, Any]: ...
