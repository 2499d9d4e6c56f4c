"""Dates and times as township exports write them, turned into local time without zone.

Accepted (a time part is optional everywhere):

- ISO-8601: ``2026-10-05``, ``2026-10-05 08:30:00``, ``2026-10-05T08:30:00+08:00``, ``…Z``;
  a value with an offset is converted to local time (the setting local_time_zone, Asia/Shanghai by
  default) and stored without zone;
- ``YYYY/MM/DD`` and ``YYYY.MM.DD`` (``2026/10/5 8:30``);
- Chinese: ``2026年10月5日``, ``2026年10月5日 8:30``, ``2026年10月5日8时30分``, with 上午/下午;
- US: ``MM/DD/YYYY hh:mm:ss AM/PM`` and the Excel-mangled ``M/D/YY H:MM`` (years 00–29 are
  20xx, 30–99 are 19xx, as Excel reads them);
- compact ``YYYYMMDD`` and ``YYYYMMDDHHMMSS``;
- Excel serial numbers (days since 1899-12-30, a fraction is the time of day), also as text;
- spreadsheet cells that already are dates.

Impossible dates (``2026-02-30``, hour 25) and years outside 1950–2100 raise
:class:`~cockpit.importer.problems.ValueProblem`.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from cockpit.importer.problems import ValueProblem
from cockpit import settings

__all__ = ["parse_datetime", "parse_date", "local_time_zone", "LOCAL_TZ", "EXCEL_EPOCH"]

LOCAL_TZ = "Asia/Shanghai"   # the setting local_time_zone's default
EXCEL_EPOCH = datetime(1899, 12, 30)
_YEARS = (1950, 2100)
_SERIAL = (1.0, 2958466.0)

_TIME = r"(?:[ T]*(?P<ampm1>上午|下午|AM|PM|am|pm)?\s*(?P<h>\d{1,2})[:时](?P<mi>\d{1,2})(?:[:分](?P<s>\d{1,2})(?:\.\d+)?秒?)?分?\s*(?P<ampm2>AM|PM|am|pm|a\.m\.|p\.m\.)?)?"
_YMD = re.compile(r"^(?P<y>\d{4})[/.\-](?P<m>\d{1,2})[/.\-](?P<d>\d{1,2})" + _TIME + "$")
_CN = re.compile(r"^(?P<y>\d{4})年(?P<m>\d{1,2})月(?P<d>\d{1,2})[日号]?" + _TIME + "$")
_US = re.compile(r"^(?P<m>\d{1,2})/(?P<d>\d{1,2})/(?P<y>\d{4}|\d{2})" + _TIME + "$")
_COMPACT = re.compile(r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})(?:(?P<h>\d{2})(?P<mi>\d{2})(?P<s>\d{2})?)?$")
_NUMBER = re.compile(r"^\d+(?:\.\d+)?$")


@lru_cache(maxsize=4)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def local_time_zone() -> str:
    """The township's time zone (setting ``local_time_zone``); ValueError naming the setting when
    it is not a time zone this machine knows."""

    name = settings.get("local_time_zone").strip() or LOCAL_TZ
    try:
        _zone(name)
    except (ValueError, KeyError, OSError):   # ZoneInfoNotFoundError is a KeyError
        raise ValueError(f"setting local_time_zone (COCKPIT_TIME_ZONE) is not a known time zone: {name!r}") from None
    return name


def _local(value: datetime, tz: str | None) -> datetime:
    if value.tzinfo is None:
        return value
    return value.astimezone(_zone(tz or local_time_zone())).replace(tzinfo=None)


def _check_year(value: datetime, raw) -> datetime:
    if not _YEARS[0] <= value.year <= _YEARS[1]:
        raise ValueProblem("date_out_of_range", value=raw, low=_YEARS[0], high=_YEARS[1])
    return value


def _serial(number: float, raw) -> datetime:
    if not _SERIAL[0] <= number < _SERIAL[1]:
        raise ValueProblem("not_a_date", value=raw)
    return EXCEL_EPOCH + timedelta(days=number)


def _build(m: re.Match, raw) -> tuple[datetime, bool]:
    g = m.groupdict()
    year = int(g["y"])
    if len(g["y"]) == 2:
        year += 2000 if year < 30 else 1900
    hour = int(g["h"]) if g.get("h") else 0
    ampm = (g.get("ampm1") or g.get("ampm2") or "").lower().replace(".", "")
    if ampm:
        if not 1 <= hour <= 12:
            raise ValueProblem("impossible_date", value=raw)
        if ampm in ("pm", "下午") and hour < 12:
            hour += 12
        elif ampm in ("am", "上午") and hour == 12:
            hour = 0
    try:
        value = datetime(year, int(g["m"]), int(g["d"]), hour,
                         int(g["mi"]) if g.get("mi") else 0, int(g["s"]) if g.get("s") else 0)
    except ValueError:
        raise ValueProblem("impossible_date", value=raw) from None
    return value, bool(g.get("h"))


def parse_datetime(value, tz: str | None = None) -> tuple[datetime, bool] | None:
    """``(local naive datetime, had_time)`` for a cell, or None for an empty cell.

    ``had_time`` is False for a date without a time (the caller decides which time of day it
    means). Raises ValueProblem ("not_a_date", "impossible_date", "date_out_of_range").
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueProblem("not_a_date", value=value)
    if isinstance(value, datetime):
        local = _local(value, tz)
        return _check_year(local, value), bool(local.hour or local.minute or local.second)
    if isinstance(value, date):
        return _check_year(datetime(value.year, value.month, value.day), value), False
    if isinstance(value, (int, float)):
        result = _serial(float(value), value)
        return _check_year(result, value), float(value) != int(value)
    text = unicodedata.normalize("NFKC", str(value)).strip()
    if not text:
        return None
    compact = _COMPACT.match(text)
    if compact and len(text) in (8, 12, 14):
        result, had_time = _build(compact, value)
        return _check_year(result, value), had_time
    if _NUMBER.match(text):
        number = float(text)
        return _check_year(_serial(number, value), value), number != int(number)
    try:
        iso = datetime.fromisoformat(text)
    except ValueError:
        iso = None
    if iso is not None:
        had_time = "T" in text or " " in text or ":" in text
        return _check_year(_local(iso, tz), value), had_time
    for pattern in (_YMD, _CN, _US):
        m = pattern.match(text)
        if m:
            result, had_time = _build(m, value)
            return _check_year(result, value), had_time
    if re.match(r"^\d{4}-\d{1,2}-\d{1,2}", text):  # ISO-like but not a real date
        raise ValueProblem("impossible_date", value=value)
    raise ValueProblem("not_a_date", value=value)


def parse_date(value, tz: str | None = None) -> date | None:
    """The calendar date of a cell (a time part, if any, is dropped); None for an empty cell."""
    parsed = parse_datetime(value, tz)
    return None if parsed is None else parsed[0].date()
