"""Data frames in and out: pandas, Polars and pyarrow to Arrow, Arrow to pandas."""

from __future__ import annotations

import io
from typing import Any


def is_pandas(data: Any) -> bool:
    """Whether ``data`` is a pandas DataFrame (without importing pandas)."""
    return type(data).__module__.startswith("pandas") and hasattr(data, "to_csv")


def to_arrow(data: Any) -> Any:
    """``data`` as an object the native module reads: pyarrow objects and
    anything with ``__arrow_c_stream__`` (Polars) as they are; a pandas
    DataFrame through ``pyarrow.Table.from_pandas``, so that its NaN are
    missing answers (as the empty cells of its ``to_csv``)."""
    if is_pandas(data):
        import pyarrow as pa

        try:
            return pa.Table.from_pandas(data, preserve_index=False)
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            # Columns of mixed numbers and text: read as text, each value
            # as pandas' to_csv writes it.
            return pa.Table.from_pandas(_mixed_as_text(data), preserve_index=False)
    if hasattr(data, "__arrow_c_stream__") or hasattr(data, "__arrow_c_array__"):
        return data
    if type(data).__module__.startswith("pyarrow"):
        return data
    raise TypeError(
        "expected a pandas or Polars DataFrame, or a pyarrow Table or RecordBatch, "
        f"got {type(data).__name__}"
    )


def _mixed_as_text(frame: Any) -> Any:
    """``frame`` with its object columns as text (missing values kept)."""
    import pandas as pd

    frame = frame.copy()
    for column in frame.columns:
        if frame[column].dtype == object:
            frame[column] = [None if pd.isna(v) else str(v) for v in frame[column]]
    return frame


def to_pandas(batch: Any) -> Any:
    """A pyarrow RecordBatch as a pandas DataFrame, integers with missing
    values as pandas' nullable integers (a rank is missing when a
    respondent is not ranked)."""
    import pandas as pd
    import pyarrow as pa

    mapping = {pa.int32(): pd.Int32Dtype(), pa.int64(): pd.Int64Dtype()}
    return batch.to_pandas(types_mapper=mapping.get)


def to_csv_text(frame: Any) -> str:
    """A matrix frame as CSV text, for the matrix reader."""
    if is_pandas(frame):
        return frame.to_csv(index=False)
    if hasattr(frame, "write_csv"):
        return frame.write_csv()
    import pyarrow as pa
    import pyarrow.csv as pacsv

    table = frame if isinstance(frame, pa.Table) else pa.table(frame)
    sink = io.BytesIO()
    pacsv.write_csv(table, sink)
    return sink.getvalue().decode("utf-8")
