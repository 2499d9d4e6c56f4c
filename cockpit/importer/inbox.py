"""The drop folder: monthly files imported by the running app, without anyone opening the Data page.

A clerk (or the system that exports the 12345 cases) drops a file in the folder of its kind,
``<inbox>/cases/``, ``<inbox>/coverage/``, ``<inbox>/allocations/``, ``<inbox>/boundaries/`` … (one
folder per import kind, made when the app starts). The app imports it exactly as the Data page
would: the column mapping saved for its source (the file name without dates), checked row by row,
loaded in one transaction by the system user ``system:inbox``, the original kept, the import
audited. Unattended, a file loads all or nothing unless its source was last imported with
"load the valid rows". Then the file moves to ``<inbox>/done/`` or ``<inbox>/failed/`` with its
report beside it (``<name>.report.csv``: every problem with its line). A file whose checksum was
loaded before is not imported again (it moves to done/ with a note). Files still being written
(changed in the last few seconds) wait for the next round.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path

from cockpit.i18n import Translator
from cockpit.importer.kinds import KIND_NAMES
from cockpit.importer.mapping import source_name
from cockpit.importer.pipeline import check, load, open_upload, saved_for, suggested_mapping
from cockpit.importer.problems import ImportFailed
from cockpit.importer.report import report_csv
from cockpit.importer.translations import value_options
from cockpit.importer.validate import Options
from cockpit.store import inbox_sql

__all__ = ["INBOX_USER", "SETTLE_SECONDS", "InboxResult", "prepare_inbox", "pending_files", "import_dropped",
           "process_inbox"]

INBOX_USER = "system:inbox"
SETTLE_SECONDS = 5.0  # a file changed more recently may still be being copied in


@dataclass(frozen=True)
class InboxResult:
    file_name: str
    kind: str
    status: str  # loaded, rejected, failed or duplicate
    batch_id: int | None
    message: str
    moved_to: Path


def prepare_inbox(inbox: Path) -> None:
    """Make the folder of every import kind, and done/ and failed/."""
    for name in (*KIND_NAMES, "done", "failed"):
        (inbox / name).mkdir(parents=True, exist_ok=True)


def pending_files(inbox: Path, now: float | None = None) -> list[tuple[str, Path]]:
    """(kind, file) of every settled file waiting in a kind's folder, oldest first."""
    now = time.time() if now is None else now
    found = []
    for kind in KIND_NAMES:
        folder = inbox / kind
        if folder.is_dir():
            found += [(kind, p) for p in folder.iterdir()
                      if p.is_file() and not p.name.startswith(".") and now - p.stat().st_mtime >= SETTLE_SECONDS]
    return sorted(found, key=lambda kp: kp[1].stat().st_mtime)


def _move(path: Path, folder: Path, report: bytes | None) -> Path:
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    target = folder / f"{stamp}-{path.name}"
    shutil.move(str(path), target)
    if report is not None:
        target.with_name(target.name + ".report.csv").write_bytes(report)
    return target


def import_dropped(con, kind: str, path: Path, inbox: Path, imports_dir: Path, geodata: Path,
                   t: Translator) -> InboxResult:
    """Import one dropped file through the writable cursor ``con``, then move it (see the module)."""
    data = path.read_bytes()
    earlier = inbox_sql.loaded_batch_of(con, hashlib.sha256(data).hexdigest())
    if earlier is not None:
        note = t("inbox.duplicate", batch=earlier).encode("utf-8-sig")
        return InboxResult(path.name, kind, "duplicate", earlier, t("inbox.duplicate", batch=earlier),
                           _move(path, inbox / "done", note))
    try:
        upload = open_upload(data, path.name, kind)
        source = source_name(path.name)
        saved = saved_for(con, source, kind)
        options = Options(values=value_options(saved.values if saved else {}))
        checked = check(con, upload, suggested_mapping(con, upload, source), options, geodata_path=geodata)
        mode = "valid_rows" if inbox_sql.last_mode(con, source, kind) == "valid_rows" else "all_or_nothing"
        result = load(con, upload, checked, mode=mode, user=INBOX_USER, source=source, imports_dir=imports_dir,
                      geodata_path=geodata, options=options)
    except ImportFailed as exc:
        message = exc.problem.text(t)
        return InboxResult(path.name, kind, "failed", None, message,
                           _move(path, inbox / "failed", message.encode("utf-8-sig")))
    message = result.message.text(t) if result.message is not None else ""
    folder = inbox / ("done" if result.status == "loaded" else "failed")
    return InboxResult(path.name, kind, result.status, result.batch_id, message,
                       _move(path, folder, report_csv(checked, t)))


def process_inbox(connect: Callable[[], AbstractContextManager], inbox: Path, imports_dir: Path, geodata: Path,
                  t: Translator) -> list[InboxResult]:
    """Import every settled file waiting in ``inbox``, each under its own write (``connect``)."""
    prepare_inbox(inbox)
    results = []
    for kind, path in pending_files(inbox):
        with connect() as con:
            results.append(import_dropped(con, kind, path, inbox, imports_dir, geodata, t))
    return results
