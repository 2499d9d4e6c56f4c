"""The server's look into the drop folder (cockpit/importer/inbox.py) every ``inbox_seconds``.

One background thread per server process, started and stopped with the server (serve.py). Each
file is imported under the database's one write lock, like an import from the Data page, so pages
re-read the data afterwards. Nothing it meets stops it: a failure is logged and the next round
tries again.
"""

from __future__ import annotations

import logging
import threading

from cockpit import settings
from cockpit.i18n import Translator, normalize_language
from cockpit.importer.inbox import prepare_inbox, process_inbox
from cockpit.ui import connection

__all__ = ["InboxWatcher"]

_LOG = logging.getLogger("cockpit.inbox")


class InboxWatcher:
    def __init__(self) -> None:
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> bool:
        """Start looking (False, doing nothing, when the drop folder setting is empty)."""
        if not (settings.get("inbox_dir") or "").strip():
            return False
        try:
            prepare_inbox(settings.path("inbox_dir"))  # the kinds' folders are there for the clerk at once
        except OSError as exc:
            _LOG.error("drop folder %s cannot be made: %s", settings.path("inbox_dir"), exc)
            return False
        self._thread = threading.Thread(target=self._run, name="cockpit-inbox", daemon=True)
        self._thread.start()
        return True

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def run_once(self) -> list:
        db = str(settings.path("db_path"))
        t = Translator(normalize_language(settings.get("default_language")))
        results = process_inbox(lambda: connection.writing(db), settings.path("inbox_dir"),
                                settings.path("imports_dir"), settings.path("geodata_path"), t)
        for r in results:
            _LOG.warning("drop folder: %s (%s): %s%s", r.file_name, r.kind, r.status,
                         f" as import #{r.batch_id}" if r.batch_id else "")
        return results

    def _run(self) -> None:
        interval = max(1.0, float(settings.get("inbox_seconds") or 60))
        while not self._stop.is_set():
            try:
                self.run_once()
            except Exception:  # noqa: BLE001 - logged; the next round tries again
                _LOG.exception("drop folder: a round failed")
            self._stop.wait(interval)
