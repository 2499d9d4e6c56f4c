"""What the server does once when it starts: claim the database, make sure it is there and current.

The server owns its database file for as long as it runs (cockpit/store/owner.py): a second
server on the same file refuses to start, naming the process that holds it.
"""

from __future__ import annotations

import logging
import os
import sys

from cockpit import settings
from cockpit.store import BuildError, StoreError, build_database
from cockpit.store.owner import DatabaseOwned, OwnerLock
from cockpit.ui import connection

__all__ = ["prepare_database"]

_LOG = logging.getLogger("cockpit")
EXIT_OWNED = 3  # the exit status of a server that will not start on a database another app owns
_CLAIMS: list[OwnerLock] = []  # held for the life of the process


def prepare_database() -> None:
    """Claim the configured database (exit naming the holder when another app owns it), build the
    sample when the file is missing (first run), then open it once, which applies pending schema
    migrations. A database that cannot be used otherwise is logged, not raised: the sign-in page
    and every page then say why."""
    path = settings.path("db_path")
    path.parent.mkdir(parents=True, exist_ok=True)
    claim = OwnerLock(path)
    try:
        claim.acquire()
    except DatabaseOwned as exc:
        message = (f"cockpit: will not start: {exc}. One app serves one database file: stop that one, "
                   "or point COCKPIT_DB at another file.")
        print(message, file=sys.stderr, flush=True)
        os._exit(EXIT_OWNED)  # before anything was opened: nothing to clean up, and no traceback
    _CLAIMS.append(claim)
    try:
        if not path.exists():
            _LOG.info("building the sample database at %s", path)
            build_database(settings.path("sample_dir"), path)
        connection.own(str(path))  # ours alone: held read-write while the server runs
        connection.handle(str(path))
    except (StoreError, BuildError, OSError) as exc:
        _LOG.error("database %s cannot be used: %s", path, exc)
