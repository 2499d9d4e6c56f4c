"""The app's one connection to the database file, shared by every session, and its write lock.

The handles are process state (one per file), shared by the page scripts and the web layer in
front of them (cockpit/web: sign-in, the session check): DuckDB allows one configuration of a file
per process.

The server owns its file (cockpit/store/owner.py) and holds it read-write for as long as it runs
(``own``): pages read through cursors of that one connection, a write (an import, an undo, a
sign-in, an audit entry) takes the file's one write lock and a cursor, and no other program can
open the file meanwhile, so nothing outside can hold up a sign-in. After every write that changes
data the handle's ``generation`` goes up; :mod:`cockpit.ui.data` puts it into the cache key, so
every page reads the new data on its next run (sign-ins and audit entries keep it).

Where the process does not own the file (AppTests, tools that share a file with the test process)
the handle is read-only between writes: :func:`writing` waits until no query is running, reopens
the file read-write, yields a cursor, and afterwards reopens it read-only; while the write runs,
pages keep reading and see the data as it was before the write commits (snapshot isolation).
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

__all__ = ["Handle", "handle", "own", "reading", "writing", "WriteUnavailable", "WRITE_WAIT_SECONDS"]

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
    """One database file: its current Store, the gate around it, the write lock, the generation.

    ``owned``: this process owns the file (the server, cockpit/store/owner.py), so it is held
    read-write for the life of the process: a write never reopens it (no lost buffers, no wait for
    other programs, which cannot open it at all). Otherwise (tests, tools in the app's process) it
    is read-only between writes, so other readers of the same file keep working.
    """

    def __init__(self, path: str, owned: bool = False):
        self.path = path
        self.owned = owned
        self.gate = _Gate()
        self.write_lock = threading.Lock()
        self.generation = 0
        self.store = Store(path, read_only=not owned)

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
_OWNED: set[str] = set()  # files this process has claimed (cockpit/web/startup.py)
_HANDLES_LOCK = threading.Lock()


def _handle(path: str, file_id: tuple) -> Handle:
    with _HANDLES_LOCK:
        h = _HANDLES.get((path, file_id))
        if h is None:
            h = _HANDLES[(path, file_id)] = _open_handle(path)
        return h


def own(path: str) -> None:
    """Hold ``path`` read-write from its first use on (the server, once it has claimed the file)."""
    with _HANDLES_LOCK:
        _OWNED.add(str(path))


def _open_handle(path: str) -> Handle:
    upgrade_database(Path(path))  # pending migrations, once per file per process
    h = Handle(path, owned=path in _OWNED)
    cursor = h.store.cursor()
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
        cursor = h.store.cursor()
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
    if h.owned:
        with h.write_lock:
            cursor = h.store.cursor()
            try:
                yield cursor
            finally:
                cursor.close()
                if data_changed:
                    h.generation += 1
        return
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
        cursor = h.store.cursor()
        try:
            yield cursor
        finally:
            cursor.close()
            if data_changed:
                h.generation += 1
            with h.gate.exclusive():
                h._reopen(read_only=True)
