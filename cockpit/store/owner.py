"""One owner of a database file: the running cockpit app.

DuckDB lets a process write only while no other process has the file open, so a second app, a
command-line import or a notebook on the live file would stop the app's writes (sign-ins
included). The app therefore claims the file when it starts: it holds an exclusive lock on a
small file beside it, ``<database>.owner``, which also says who holds it (process id, host, since
when). A second app on the same file refuses to start, naming the holder; command-line commands
that write refuse while an app owns the file and say what to do instead. The lock is released by
the operating system when the process ends, however it ends, so a crash leaves nothing to clean up.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import socket
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Owner", "DatabaseOwned", "OwnerLock", "current_owner", "owner_path", "refuse_while_owned"]


@dataclass(frozen=True)
class Owner:
    pid: int
    host: str
    since: str

    def describe(self) -> str:
        return f"the cockpit app (process {self.pid} on {self.host}, since {self.since})"


class DatabaseOwned(Exception):
    """The database is owned by another running app; the message names it."""

    def __init__(self, db: Path, owner: Owner | None):
        holder = owner.describe() if owner else "another cockpit app"
        super().__init__(f"{db} is in use by {holder}")
        self.db, self.owner = db, owner


def owner_path(db: Path | str) -> Path:
    return Path(f"{db}.owner")


def _read(path: Path) -> Owner | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8") or "{}")
        return Owner(int(data["pid"]), str(data["host"]), str(data["since"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


class OwnerLock:
    """The app's claim on ``db`` for as long as the process lives (or until :meth:`release`)."""

    def __init__(self, db: Path | str):
        self.db = Path(db)
        self.path = owner_path(db)
        self._fd: int | None = None

    def acquire(self) -> Owner:
        """Claim the file; raise :class:`DatabaseOwned` when another process holds it."""
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise DatabaseOwned(self.db, _read(self.path)) from None
        me = Owner(os.getpid(), socket.gethostname(), dt.datetime.now().replace(microsecond=0).isoformat(" "))
        os.ftruncate(fd, 0)
        os.write(fd, json.dumps(me.__dict__).encode("utf-8"))
        os.fsync(fd)
        self._fd = fd
        return me

    def release(self) -> None:
        if self._fd is not None:
            os.ftruncate(self._fd, 0)
            os.close(self._fd)  # closing drops the lock
            self._fd = None


def current_owner(db: Path | str) -> Owner | None:
    """The app that owns ``db`` now, or None when no process holds it.

    >>> import tempfile; db = Path(tempfile.mkdtemp()) / "t.duckdb"
    >>> current_owner(db) is None
    True
    >>> lock = OwnerLock(db); me = lock.acquire()
    >>> current_owner(db) == me
    True
    >>> lock.release(); current_owner(db) is None
    True
    """
    path = owner_path(db)
    if not path.exists():
        return None
    fd = os.open(path, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return _read(path) or Owner(0, "?", "?")
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return None
    finally:
        os.close(fd)


def refuse_while_owned(db: Path | str, instead: str) -> None:
    """For a command-line write: exit with a message naming the app that owns ``db`` and saying what
    to do ``instead`` (a sentence) when one does; nothing otherwise."""
    owner = current_owner(db)
    if owner is not None and owner.pid != os.getpid():
        raise SystemExit(f"error: {db} is in use by {owner.describe()}. {instead} Nothing was changed.")
