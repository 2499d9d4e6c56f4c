"""One transaction around a change and its audit entry: both are written, or neither.

:func:`atomic` is the usual way; :func:`begin`, :func:`commit` and :func:`rollback` are its three
statements, for a caller whose transaction has more to do on failure than roll back (an import
records the failure in a transaction of its own, after the rollback).

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

__all__ = ["atomic", "begin", "commit", "rollback"]


@contextmanager
def atomic(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """``con`` inside ``BEGIN TRANSACTION`` … ``COMMIT``; rolled back when the block raises."""
    begin(con)
    try:
        yield con
    except BaseException:
        rollback(con)
        raise
    commit(con)


def begin(con: duckdb.DuckDBPyConnection) -> None:
    """Start a transaction on ``con``."""
    con.execute("BEGIN TRANSACTION")


def commit(con: duckdb.DuckDBPyConnection) -> None:
    """Commit the transaction ``con`` is in."""
    con.execute("COMMIT")


def rollback(con: duckdb.DuckDBPyConnection) -> None:
    """Roll back the transaction ``con`` is in."""
    con.execute("ROLLBACK")
