"""The validation report: one line per problem, in the user's language, downloadable as CSV.

Values of personal fields (the caller's name, phone and address) are masked in the report, as
everywhere else; the quarantine keeps them for repair.
"""

from __future__ import annotations

import json

import pandas as pd

from cockpit.text.csv_export import to_csv_bytes
from cockpit.i18n import Translator
from cockpit.importer.validate import Checked, Issue
from cockpit.text.privacy import LOCATION_COLUMNS, PERSONAL_COLUMNS

__all__ = ["report_frame", "report_csv", "summary", "quarantine_rows", "personal_headers", "REPORT_COLUMNS"]

REPORT_COLUMNS = ("line", "severity", "column", "field", "value", "problem", "code")


def _value(issue: Issue):
    mask = PERSONAL_COLUMNS.get(issue.field)
    value = issue.value
    if mask is not None and value is not None:
        return mask(str(value))
    if value is None:
        return ""
    return str(value)


def report_frame(checked: Checked, t: Translator, limit: int | None = None) -> pd.DataFrame:
    """Problems in line order: line, severity (translated), column (header), field, value,
    problem (translated), code; the header row is translated (``import.report.<column>``)."""
    issues = checked.issues()
    if limit is not None:
        issues = issues[:limit]
    frame = pd.DataFrame(
        [(i.line, t(f"import.severity.{i.severity}"), i.header, i.field, _value(i), i.problem.text(t),
          i.problem.code) for i in issues],
        columns=list(REPORT_COLUMNS))
    return frame.rename(columns={c: t(f"import.report.{c}") for c in REPORT_COLUMNS})


def report_csv(checked: Checked, t: Translator) -> bytes:
    """The whole report as CSV (UTF-8 with BOM, so Excel shows Chinese; formula-safe)."""
    frame = report_frame(checked, t)
    notes = [n.text(t) for n in checked.notes]
    if notes:
        extra = pd.DataFrame([("", t("import.severity.note"), "", "", "", n, "") for n in notes],
                             columns=frame.columns)
        frame = pd.concat([extra, frame], ignore_index=True)
    return to_csv_bytes(frame)


def summary(checked: Checked) -> dict[str, int]:
    return {"rows_in": checked.rows_in, "rows_valid": checked.rows_valid,
            "rows_rejected": len(checked.rejected), "rows_flagged": checked.rows_flagged}


def personal_headers(checked: Checked) -> dict[str, str]:
    """Headers of the file that hold personal data -> their field: the personal fields, and the
    location of a case (a case's exact point points at its caller; generalised on export)."""
    located = LOCATION_COLUMNS.get(checked.kind.name, ())
    return {h: f for f, h in checked.mapping.items() if h and (f in PERSONAL_COLUMNS or f in located)}


def quarantine_rows(checked: Checked) -> list[tuple]:
    """Rows for the quarantine table: (line, problems in English, codes, raw JSON, personal keys)."""
    en = Translator("en")
    personal = json.dumps(personal_headers(checked), ensure_ascii=False) if personal_headers(checked) else None
    out = []
    for i, issues in sorted(checked.rejected.items()):
        record = {k: (v.isoformat(sep=" ") if hasattr(v, "isoformat") else v)
                  for k, v in checked.raw.record(i).items()} if checked.raw.headers else {}
        out.append((checked.raw.lines[i], "; ".join(x.problem.text(en) for x in issues),
                    ",".join(dict.fromkeys(x.problem.code for x in issues)),
                    json.dumps(record, ensure_ascii=False, default=str), personal))
    return out
