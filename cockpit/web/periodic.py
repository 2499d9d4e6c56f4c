"""A job the server runs every so often in a background thread (the drop folder, the backups).

Nothing a round meets stops it: a failure is logged and the next round tries again. The thread is
a daemon, started and stopped with the server (serve.py).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

__all__ = ["Periodic"]

_LOG = logging.getLogger("cockpit")


class Periodic:
    def __init__(self, name: str, seconds: Callable[[], float], job: Callable[[], object]):
        self.name, self._seconds, self._job = name, seconds, job
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name=f"cockpit-{self.name}", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self._job()
            except Exception:  # noqa: BLE001 - logged; the next round tries again
                _LOG.exception("%s: a round failed", self.name)
            self._stop.wait(max(1.0, self._seconds()))
