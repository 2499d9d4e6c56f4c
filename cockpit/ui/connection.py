"""The app's one connection to the database file, shared by every session, and its write lock.

The handles are process state (one per file), shared by the page scripts and the web layer in
front of them (cockpit/web: sign-in, the session check): DuckDB allows one configuration of a file
per process.

Pages read through a read-only connection (so the command line and a second app can read the
same file). A write (an import, an undo, a recorded export or sign-in) goes through
:func:`writing`: it takes the one write lock of the file, waits until no query is running,
reopens the file read-write, yields a cursor, and afterwards reopens it read-only. While the
write runs, pages keep reading through the read-write connection and see the data as it was
before the write's transaction commits (DuckDB's snapshot isolation). After every write the
handle's ``generation`` goes up; :mod:`cockpit.ui.data` puts it into the cache key, so every page
reads the new data on its next run.

Why not hold the file read-write all the time: DuckDB refuses a second connection with another
configuration in the same process and any connection from another process while one process
writes; a read-only default keeps ``python -m cockpit`` commands and tests that read the same
file working while the app runs.
"""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import duckdb

from cockpit import settings
from cockpit.importer.pipeline import finish_boundary_import
from cockpit.store import Store, StoreError
from cockpit.store.build import upgrade_database

__all__ = ["Handle", "handle", "reading", "writing", "WriteUnavailable", "WRITE_WAIT_SECONDS"]

WRITE_WAIT_SECONDS = 5.0  # how long a write waits for a file another program holds, then says so


class WriteUnavailable(StoreError):
    """The file cannot be opened for writing now (another program holds it); says why."""


class _Gate:
    """Many readers at once, or one thing (reopening the file) alone; writers go first."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._readers = 0
        self._exclusive = False

    @contextmanager
    def shared(self) -> Iterator[None]:
        with self._cond:
            while self._exclusive:
                self._cond.wait()
            self._readers += 1
        try:
            yield
        finally:
            with self._cond:
                self._readers -= 1
                if not self._readers:
                    self._cond.notify_all()

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        with self._cond:
            while self._exclusive:
                self._cond.wait()
            self._exclusive = True
            while self._readers:
                self._cond.wait()
        try:
            yield
        finally:
            with self._cond:
                self._exclusive = False
                self._cond.notify_all()


class Handle:
    """One database file: its current Store, the gate around it, the write lock, the generation."""

    def __init__(self, path: str):
        self.path = path
        self.gate = _Gate()
        self.write_lock = threading.Lock()
        self.generation = 0
        self.store = Store(path)

    def _reopen(self, read_only: bool) -> None:
        self.store.close()
        try:
            self.store = Store(self.path, read_only=read_only)
        except StoreError:
            if read_only:
                raise
            self.store = Store(self.path)  # back to reading; the caller reports why writing failed
            raise


class _Guarded:
    """A Store whose every method call runs while the file cannot be reopened underneath it."""

    def __init__(self, h: Handle):
        self._h = h

    def __getattr__(self, name: str):
        attr = getattr(self._h.store, name)
        if not callable(attr):
            return attr

        def call(*args, **kwargs):
            with self._h.gate.shared():
                return getattr(self._h.store, name)(*args, **kwargs)

        return call


_HANDLES: dict[tuple, Handle] = {}  # the process's handles, by path and file identity
_HANDLES_LOCK = threading.Lock()


def _handle(path: str, file_id: tuple) -> Handle:
    with _HANDLES_LOCK:
        h = _HANDLES.get((path, file_id))
        if h is None:
            h = _HANDLES[(path, file_id)] = _open_handle(path)
        return h


def _open_handle(path: str) -> Handle:
    upgrade_database(Path(path))  # pending migrations, once per file per process
    h = Handle(path)
    cursor = h.store._con.cursor()
    try:  # a boundaries import killed after its commit: put its file in place before any map is drawn
        finish_boundary_import(cursor, settings.path("geodata_path"))
    except (OSError, duckdb.Error):
        pass  # the map then shows the previous boundaries; undo of that import says why it cannot run
    finally:
        cursor.close()
    return h


def _file_id(path: str) -> tuple:
    stat = Path(path).stat()
    return stat.st_dev, stat.st_ino


def handle(path: str) -> Handle:
    """The handle of ``path`` (opened, and upgraded to the current schema, on first use)."""
    return _handle(path, _file_id(path))


def guarded_store(path: str) -> _Guarded:
    """The Store of ``path`` for named queries, safe while another session writes."""
    return _Guarded(handle(path))


@contextmanager
def reading(path: str) -> Iterator[duckdb.DuckDBPyConnection]:
    """A cursor for reads of the import tables (batches, mappings, quarantine)."""
    h = handle(path)
    with h.gate.shared():
        cursor = h.store._con.cursor()
        try:
            yield cursor
        finally:
            cursor.close()


@contextmanager
def writing(path: str, data_changed: bool = True) -> Iterator[duckdb.DuckDBPyConnection]:
    """A writable cursor under the file's write lock (one writer at a time, across sessions).

    ``data_changed=False`` (sign-ins, audit entries) keeps the generation, so the pages' caches
    stay valid.

    Raises :class:`WriteUnavailable` when the file cannot be opened for writing (for example a
    ``python -m cockpit`` command or a notebook has it open) within :data:`WRITE_WAIT_SECONDS`.
    """
    h = handle(path)
    with h.write_lock:
        deadline = time.monotonic() + WRITE_WAIT_SECONDS
        while True:  # another program may hold the file for a moment (a backup, a quick read)
            with h.gate.exclusive():
                try:
                    h._reopen(read_only=False)
                    break
                except StoreError as exc:
                    if exc.kind != "locked" or time.monotonic() >= deadline:
                        raise WriteUnavailable(str(exc), exc.kind) from None
            time.sleep(0.25)
        cursor = h.store._con.cursor()
        try:
            yield cursor
        finally:
            cursor.close()
            if data_changed:
                h.generation += 1
            with h.gate.exclusive():
                h._reopen(read_only=True)
