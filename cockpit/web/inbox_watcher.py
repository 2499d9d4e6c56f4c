"""The server's look into the drop folder (cockpit/importer/inbox.py) every ``inbox_seconds``.

Each file is imported under the database's one write lock, like an import from the Data page, so
pages re-read the data afterwards.
"""

from __future__ import annotations

import logging

from cockpit import settings
from cockpit.i18n import Translator, normalize_language
from cockpit.importer.inbox import prepare_inbox, process_inbox
from cockpit.ui import connection
from cockpit.web.periodic import Periodic

__all__ = ["InboxWatcher"]

_LOG = logging.getLogger("cockpit.inbox")


class InboxWatcher:
    def __init__(self) -> None:
        self._periodic = Periodic("inbox", lambda: float(settings.get("inbox_seconds") or 60), self.run_once)

    def start(self) -> bool:
        """Start looking (False, doing nothing, when the drop folder setting is empty)."""
        if not (settings.get("inbox_dir") or "").strip():
            return False
        try:
            prepare_inbox(settings.path("inbox_dir"))  # the kinds' folders are there for the clerk at once
        except OSError as exc:
            _LOG.error("drop folder %s cannot be made: %s", settings.path("inbox_dir"), exc)
            return False
        self._periodic.start()
        return True

    def stop(self) -> None:
        self._periodic.stop()

    def run_once(self) -> list:
        db = str(settings.path("db_path"))
        t = Translator(normalize_language(settings.get("default_language")))
        results = process_inbox(lambda: connection.writing(db), settings.path("inbox_dir"),
                                settings.path("imports_dir"), settings.path("geodata_path"), t)
        for r in results:
            _LOG.warning("drop folder: %s (%s): %s%s", r.file_name, r.kind, r.status,
                         f" as import #{r.batch_id}" if r.batch_id else "")
        return results
