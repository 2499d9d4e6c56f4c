"""CSV output in the project's conventions: UTF-8, header = schema columns, empty cell for NULL.

Timestamps are int64 seconds since 1970-01-01 (local time, no zone) with :data:`NAT` for NULL and
are written ``YYYY-MM-DD HH:MM:SS``; dates ``YYYY-MM-DD``; booleans ``true``/``false``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from cockpit.store.schema import table

__all__ = ["NAT", "fmt_ts", "fmt_date", "fmt_bool", "write_table", "TableWriter"]

NAT = np.iinfo(np.int64).min
"""Missing timestamp (numpy's NaT as int64)."""


def fmt_ts(seconds: np.ndarray) -> np.ndarray:
    """Format int64 seconds as 'YYYY-MM-DD HH:MM:SS' ('' for :data:`NAT`)."""
    sec = np.asarray(seconds, dtype=np.int64)
    if sec.size == 0:
        return np.array([], dtype=object)
    s = np.strings.replace(np.datetime_as_string(sec.astype("datetime64[s]"), unit="s"), "T", " ")
    return np.where(sec == NAT, "", s).astype(object)


def fmt_date(days: np.ndarray) -> np.ndarray:
    """Format int64 days since 1970-01-01 as 'YYYY-MM-DD' ('' for :data:`NAT`)."""
    d = np.asarray(days, dtype=np.int64)
    if d.size == 0:
        return np.array([], dtype=object)
    s = np.datetime_as_string(d.astype("datetime64[D]"), unit="D")
    return np.where(d == NAT, "", s).astype(object)


def fmt_bool(flags: np.ndarray) -> np.ndarray:
    """Format int8 flags 1/0/-1 as 'true'/'false'/'' (NULL)."""
    return np.array(["", "false", "true"], dtype=object)[np.asarray(flags, dtype=np.int64) + 1]


def _check(name: str, df: pd.DataFrame) -> None:
    expected = table(name).column_names
    if list(df.columns) != expected:
        raise ValueError(f"{name}: columns {list(df.columns)} differ from the schema {expected}")


def write_table(out_dir: Path, name: str, df: pd.DataFrame) -> int:
    """Write ``df`` as ``out_dir/name.csv`` after checking its columns against the schema; return rows."""
    with TableWriter(out_dir, name) as w:
        w.append(df)
    return len(df)


class TableWriter:
    """Append frames to one table's CSV file; writes the header on open (use as a context manager)."""

    def __init__(self, out_dir: Path, name: str) -> None:
        self.name = name
        self.rows = 0
        self._f = open(Path(out_dir) / f"{name}.csv", "w", encoding="utf-8", newline="")
        self._f.write(",".join(table(name).column_names) + "\n")

    def append(self, df: pd.DataFrame) -> None:
        """Append rows (columns must equal the schema's)."""
        _check(self.name, df)
        df.to_csv(self._f, header=False, index=False, lineterminator="\n", na_rep="")
        self.rows += len(df)

    def close(self) -> None:
        """Close the file."""
        self._f.close()

    def __enter__(self) -> "TableWriter":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
