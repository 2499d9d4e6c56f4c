"""The running app's own backups: every ``backup_every_hours`` into ``backup_dir``, keeping the
``backup_keep`` newest, the outcome of each written for the Data page (cockpit/store/backup.py).
It looks every ten minutes whether one is due, so a server that was down catches up when it starts."""

from __future__ import annotations

import datetime as dt
import logging

from cockpit import settings
from cockpit.store.backup import BackupError, backup_due, make_backup, prune_backups, record_last
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
        try:
            done = make_backup(settings.path("db_path"), out, settings.path("imports_dir"), by="system:backup")
        except (BackupError, OSError) as exc:
            record_last(out, now, False, error=str(exc))
            _LOG.error("scheduled backup failed: %s", exc)
            return False
        record_last(out, now, True, done.folder, rows=sum(done.manifest["rows"].values()))
        prune_backups(out, int(settings.get("backup_keep") or 14))
        return True
