"""What the server does once when it starts: make sure the database is there and current."""

from __future__ import annotations

import logging

from cockpit import settings
from cockpit.store import BuildError, StoreError, build_database
from cockpit.ui import connection

__all__ = ["prepare_database"]

_LOG = logging.getLogger("cockpit")


def prepare_database() -> None:
    """Build the sample database when the configured file is missing (first run), then open it
    once, which applies pending schema migrations. A database that cannot be used is logged, not
    raised: the sign-in page and every page then say why."""
    path = settings.path("db_path")
    try:
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            _LOG.info("building the sample database at %s", path)
            build_database(settings.path("sample_dir"), path)
        connection.handle(str(path))
    except (StoreError, BuildError, OSError) as exc:
        _LOG.error("database %s cannot be used: %s", path, exc)
