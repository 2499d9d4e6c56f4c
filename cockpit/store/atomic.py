"""One transaction around a change and its audit entry: both are written, or neither.

>>> import duckdb
>>> con = duckdb.connect(); _ = con.execute("CREATE TABLE t (x INTEGER)")
>>> try:
...     with atomic(con):
...         _ = con.execute("INSERT INTO t VALUES (1)")
...         raise RuntimeError("the audit entry failed")
... except RuntimeError:
...     pass
>>> con.execute("SELECT count(*) FROM t").fetchone()[0]
0
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import duckdb

__all__ = ["atomic"]


@contextmanager
def atomic(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """``con`` inside ``BEGIN TRANSACTION`` … ``COMMIT``; rolled back when the block raises."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield con
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")
