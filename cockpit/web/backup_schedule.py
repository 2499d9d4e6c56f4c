"""The running app's own backups: every ``backup_every_hours`` into ``backup_dir``, keeping the
``backup_keep`` newest, the outcome of each written for the Data page (cockpit/store/backup.py).
It looks every ten minutes whether one is due, so a server that was down catches up when it starts."""

from __future__ import annotations

import datetime as dt
import logging
import subprocess
import sys

from cockpit import settings
from cockpit.store.backup import backup_due, list_backups, prune_backups, record_last, verify_backup
from cockpit.web.periodic import Periodic

__all__ = ["BackupSchedule"]

_LOG = logging.getLogger("cockpit.backup")
_LOOK_SECONDS = 600.0


class BackupSchedule:
    def __init__(self) -> None:
        self._periodic = Periodic("backup", lambda: _LOOK_SECONDS, self.run_once)

    def start(self) -> bool:
        """Start (False, doing nothing, when the backup folder setting is empty)."""
        if not (settings.get("backup_dir") or "").strip():
            return False
        self._periodic.start()
        return True

    def stop(self) -> None:
        self._periodic.stop()

    def run_once(self, now: dt.datetime | None = None) -> bool:
        """Make a backup if one is due; True when one was made."""
        now = now or dt.datetime.now()
        out = settings.path("backup_dir")
        every = dt.timedelta(hours=float(settings.get("backup_every_hours") or 24))
        if not backup_due(out, every, now):
            return False
        # In another process: reading the database file here would drop DuckDB's lock on it (POSIX
        # locks belong to the process and go with the first descriptor of the file it closes).
        done = subprocess.run([sys.executable, "-m", "cockpit", "backup", "--out", str(out),
                               "--db", str(settings.path("db_path"))], capture_output=True, text=True, timeout=3600)
        if done.returncode != 0:
            error = (done.stderr.strip().splitlines() or ["the backup command failed"])[-1].removeprefix("error: ")
            record_last(out, now, False, error=error)
            _LOG.error("scheduled backup failed: %s", error)
            return False
        newest = list_backups(out)[-1]
        record_last(out, now, True, newest, rows=sum(verify_backup(newest).manifest["rows"].values()))
        prune_backups(out, int(settings.get("backup_keep") or 14))
        return True
