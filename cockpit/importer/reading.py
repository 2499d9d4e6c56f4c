"""Read an uploaded file into a table of raw cells: CSV/TSV text, Excel .xlsx or Open311 JSON.

Nothing is interpreted here beyond the cell level: every cell is text (CSV), or the value the
spreadsheet or JSON holds (number, date, text, bool); missing-value tokens ("NA", "null", "-",
empty) become None. Each row keeps the line it came from, so every later problem names it.

- Encodings: UTF-8 (with or without BOM), UTF-16 with BOM (Excel "Unicode text"), GBK/GB18030
  (Chinese Excel exports); anything else is guessed with charset-normalizer or refused.
- Delimiters: comma, semicolon, tab or vertical bar, chosen by how consistently they split the
  first records. Quoted cells may hold delimiters and newlines.
- Line numbers: CSV, the physical line where the record starts (the header is line 1); Excel,
  the sheet row; JSON, the record number.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from cockpit.importer.problems import ImportFailed, Problem

__all__ = ["RawTable", "read_table", "decode", "sniff_delimiter", "is_missing", "NA_TOKENS",
           "read_json_records", "table_from_records"]

NA_TOKENS = frozenset({"", "na", "n/a", "#n/a", "null", "none", "nan", "-", "--", "—", "－", "/"})
_DELIMITERS = (",", ";", "\t", "|")
_SNIFF_CHARS = 64_000
_XLSX_MAGIC = b"PK\x03\x04"
_XLS_MAGIC = b"\xd0\xcf\x11\xe0"


@dataclass
class RawTable:
    """Cells of a file: ``rows[i][j]`` is the cell of ``headers[j]`` on line ``lines[i]``."""

    headers: list[str]
    rows: list[list[Any]]
    lines: list[int]
    source_format: str                      # csv, xlsx, json
    encoding: str | None = None
    delimiter: str | None = None
    notes: list[Problem] = field(default_factory=list)
    wide_rows: dict[int, int] = field(default_factory=dict)  # line -> cells, rows wider than the header

    def __len__(self) -> int:
        return len(self.rows)

    def column(self, header: str) -> list[Any]:
        j = self.headers.index(header)
        return [row[j] for row in self.rows]

    def record(self, i: int) -> dict[str, Any]:
        """Row ``i`` as {header: cell} (for the quarantine and the report)."""
        return dict(zip(self.headers, self.rows[i]))


def is_missing(value: Any) -> bool:
    """True for None and the missing-value tokens ("NA", "null", "-", "" …)."""
    if value is None:
        return True
    if isinstance(value, str):
        return value.strip().lower() in NA_TOKENS
    if isinstance(value, float):
        return value != value  # NaN
    return False


def _cell(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        return None if value.lower() in NA_TOKENS else value
    if isinstance(value, float) and value != value:
        return None
    return value


def decode(data: bytes) -> tuple[str, str]:
    """The text of ``data`` and the name of its encoding; raise ImportFailed when it is not text."""
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[3:].decode("utf-8"), "UTF-8-BOM"
        except UnicodeDecodeError as exc:
            raise ImportFailed("bad_utf8", position=exc.start) from None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError:
            raise ImportFailed("not_text") from None
    if b"\x00" in data[:_SNIFF_CHARS]:
        raise ImportFailed("not_text")
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "GB18030"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data[:1_000_000]).best()
    if best is None or best.encoding is None:
        raise ImportFailed("not_text")
    try:
        return data.decode(best.encoding), best.encoding.upper()
    except (UnicodeDecodeError, LookupError):
        raise ImportFailed("not_text") from None


def sniff_delimiter(text: str) -> str:
    """The delimiter that splits the first records most consistently (comma when in doubt)."""
    sample = text[:_SNIFF_CHARS]
    best, best_score = ",", (0.0, 0)
    for delim in _DELIMITERS:
        try:
            records = []
            for record in csv.reader(io.StringIO(sample, newline=""), delimiter=delim):
                if record:
                    records.append(len(record))
                if len(records) >= 50:
                    break
        except csv.Error:
            continue
        if not records or records[0] < 2:
            continue
        body = records[1:-1] or records[1:] or records
        share = sum(1 for n in body if n == records[0]) / len(body)
        score = (share, records[0])
        if score > best_score:
            best, best_score = delim, score
    return best


def _headers(raw: list[Any]) -> tuple[list[str], list[Problem]]:
    headers, seen, notes = [], {}, []
    for j, h in enumerate(raw, start=1):
        name = re.sub(r"\s+", " ", unicodedata.normalize("NFC", str(h if h is not None else ""))).strip()
        name = name.lstrip("\ufeff")
        if not name:
            name = f"column {j}"
        if name in seen:
            seen[name] += 1
            new = f"{name} ({seen[name]})"
            notes.append(Problem("duplicate_header", {"header": name, "renamed": new}))
            name = new
        else:
            seen[name] = 1
        headers.append(name)
    return headers, notes


def _fit(cells: list[Any], width: int, line: int) -> list[Any]:
    if len(cells) < width:
        return cells + [None] * (width - len(cells))
    if len(cells) > width and any(c is not None for c in cells[width:]):
        raise _TooMany(line, len(cells))
    return cells[:width]


class _TooMany(Exception):
    def __init__(self, line: int, cells: int):
        self.line, self.cells = line, cells


def _read_csv(text: str) -> RawTable:
    delim = sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim)
    headers: list[str] | None = None
    rows, lines, notes, too_many = [], [], [], []
    last = 0
    try:
        for record in reader:
            start, last = last + 1, reader.line_num
            if not record or all(not c.strip() for c in record):
                continue
            if headers is None:
                headers, notes = _headers(record)
                continue
            cells = [_cell(c) for c in record]
            try:
                rows.append(_fit(cells, len(headers), start))
            except _TooMany as exc:
                too_many.append(exc)
                rows.append([None] * len(headers))
            lines.append(start)
    except csv.Error as exc:
        raise ImportFailed("csv_error", line=last + 1, error=str(exc)) from None
    if headers is None:
        raise ImportFailed("empty_file")
    if rows and text.count('"') % 2 and any("\n" in str(c) for c in rows[-1] if c is not None):
        # a quote opened and never closed swallowed the rest of the file into one cell
        raise ImportFailed("ends_mid_record", line=lines[-1])
    if _looks_like_data(headers):
        notes.append(Problem("header_looks_like_data", {"headers": headers[:4]}))
    return RawTable(headers, rows, lines, "csv", delimiter=delim, notes=notes,
                    wide_rows={e.line: e.cells for e in too_many})


_DATA_LIKE = re.compile(r"^[-+]?\d[\d,.]*$|^\d{4}[-/年.]\d{1,2}|^\d{1,2}/\d{1,2}/\d{2,4}")


def _looks_like_data(headers: list[str]) -> bool:
    """Whether the row taken as the header looks like a row of data (numbers, dates): the file may
    have no header row."""
    return sum(bool(_DATA_LIKE.match(h)) for h in headers) >= max(1, len(headers) // 3)


def _excel_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime.combine(value, time())
    if isinstance(value, time):
        return value.strftime("%H:%M:%S")
    return _cell(value)


def _read_xlsx(data: bytes) -> RawTable:
    import zipfile

    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise ImportFailed("bad_xlsx", error=str(exc) or type(exc).__name__) from None
    try:
        for ws in wb.worksheets:
            headers: list[str] | None = None
            rows, lines, notes = [], [], []
            for number, values in enumerate(ws.iter_rows(min_row=1, values_only=True), start=1):
                cells = [_excel_value(v) for v in values]
                if all(c is None for c in cells):
                    continue
                if headers is None:
                    headers, notes = _headers([c if c is not None else "" for c in cells])
                    while headers and headers[-1].startswith("column ") and cells[len(headers) - 1] is None:
                        headers.pop()
                    continue
                rows.append((cells + [None] * len(headers))[: len(headers)])
                lines.append(number)
            if headers:
                return RawTable(headers, rows, lines, "xlsx", notes=notes + (
                    [Problem("sheet_used", {"sheet": ws.title})] if len(wb.worksheets) > 1 else []))
    finally:
        wb.close()
    raise ImportFailed("empty_file")


def _flatten(obj: dict, prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in obj.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(_flatten(value, f"{name}."))
        elif isinstance(value, list):
            out[name] = json.dumps(value, ensure_ascii=False)
        else:
            out[name] = value
    return out


def read_json_records(data: bytes) -> list[dict]:
    """The records of an Open311 GeoReport v2 (or similar) JSON file: a list of objects."""
    text, _ = decode(data)
    try:
        doc = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as exc:
        raise ImportFailed("bad_json", error=str(exc)[:200]) from None
    if isinstance(doc, dict):
        for key in ("service_requests", "requests", "records", "data", "items"):
            if isinstance(doc.get(key), list):
                doc = doc[key]
                break
    if not isinstance(doc, list) or not all(isinstance(r, dict) for r in doc):
        raise ImportFailed("json_not_records")
    if not doc:
        raise ImportFailed("empty_file")
    return doc


def table_from_records(records: list[dict], source_format: str = "json") -> RawTable:
    """A RawTable of JSON records (nested objects flattened to ``a.b``); line = record number."""
    flat = [_flatten(r) for r in records]
    headers: list[str] = []
    seen = set()
    for r in flat:
        for k in r:
            if k not in seen:
                seen.add(k)
                headers.append(k)
    rows = [[_cell(r.get(h)) if not isinstance(r.get(h), bool) else r.get(h) for h in headers] for r in flat]
    return RawTable(headers, rows, list(range(1, len(rows) + 1)), source_format)


def read_table(data: bytes, filename: str) -> RawTable:
    """Read ``data`` (the bytes of ``filename``) as CSV, Excel .xlsx or JSON records.

    Raises :class:`ImportFailed` naming the problem when the file cannot be read.
    """
    name = filename.lower()
    if not data:
        raise ImportFailed("empty_file")
    if data.startswith(_XLS_MAGIC) or name.endswith(".xls"):
        raise ImportFailed("old_xls")
    if data.startswith(_XLSX_MAGIC) or name.endswith((".xlsx", ".xlsm")):
        table = _read_xlsx(data)
    elif name.endswith((".json", ".geojson")) or data.lstrip()[:1] in (b"[", b"{"):
        table = table_from_records(read_json_records(data))
        table.encoding = decode(data)[1]
    else:
        text, encoding = decode(data)
        table = _read_csv(text)
        table.encoding = encoding
    if not table.rows:
        raise ImportFailed("no_rows")
    return table
