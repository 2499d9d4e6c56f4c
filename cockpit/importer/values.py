"""Cell parsers: ids, numbers, shares, booleans, ratings, months, quarters and coded values.

Each parser takes one cell (text from a CSV, or the number/date a spreadsheet holds) and returns
the typed value, None for an empty cell, or raises
:class:`~cockpit.importer.problems.ValueProblem` naming the value and what is wrong.

Ids stay text: ``"07"`` stays ``"07"``, a 12-digit administrative code stays exact, a number a
spreadsheet stored as ``350781105001.0`` becomes ``"350781105001"``; an id Excel already
rounded into scientific notation (``3.50781E+11``) is refused, because its digits are lost.
"""

from __future__ import annotations

import math
import re
import unicodedata

from cockpit.importer.problems import ValueProblem

__all__ = ["parse_id", "parse_text", "parse_int", "parse_float", "parse_share", "parse_bool",
           "parse_satisfaction", "parse_period", "parse_quarter", "parse_enum", "ENUMS",
           "INT_RANGES"]

INT_RANGES = {"INTEGER": (-2**31, 2**31 - 1), "SMALLINT": (-2**15, 2**15 - 1), "BIGINT": (-2**63, 2**63 - 1)}
_SCIENTIFIC = re.compile(r"^[+-]?\d+(?:\.\d+)?[eE][+-]?\d+$")
_TRAILING_ZERO = re.compile(r"^(\d+)\.0+$")
_NUMBER_JUNK = re.compile(r"[,\s_，'¥￥]|(?<=\d)(?:人|户|元)$")

# Coded values: field -> {accepted spelling (lower case) -> stored code}.
ENUMS: dict[str, dict[str, str]] = {
    "kind": {"seat": "seat", "镇区": "seat", "集镇": "seat", "驻地": "seat", "镇政府驻地": "seat",
             "community": "community", "社区": "community", "居委会": "community",
             "village": "village", "村": "village", "行政村": "village", "村委会": "village"},
    "area_group": {"urban": "urban", "城": "urban", "城镇": "urban", "城市": "urban", "城区": "urban",
                   "rural": "rural", "乡": "rural", "乡村": "rural", "农村": "rural"},
    "case_status": {"open": "open", "opened": "open", "pending": "open", "in progress": "open",
                    "处理中": "open", "办理中": "open", "待处理": "open", "未办结": "open", "在办": "open",
                    "已受理": "open", "已签收": "open", "待办": "open",
                    "closed": "closed", "done": "closed", "completed": "closed", "已办结": "closed",
                    "办结": "closed", "已结案": "closed", "结案": "closed", "已关闭": "closed",
                    "关闭": "closed", "已完成": "closed",
                    "cancelled": "cancelled", "canceled": "cancelled", "已撤销": "cancelled",
                    "撤销": "cancelled", "已作废": "cancelled", "作废": "cancelled"},
    "channel": {"hotline": "hotline", "12345": "hotline", "热线": "hotline", "电话": "hotline",
                "phone": "hotline", "12345热线": "hotline",
                "app": "app", "小程序": "app", "网上": "app", "online": "app", "web": "app",
                "网络": "app", "微信": "app", "网站": "app",
                "visit": "visit", "来访": "visit", "走访": "visit", "现场": "visit",
                "grid": "grid", "网格": "grid", "网格员": "grid"},
    "task_status": {"not_started": "not_started", "not started": "not_started", "未开始": "not_started",
                    "未启动": "not_started", "in_progress": "in_progress", "in progress": "in_progress",
                    "进行中": "in_progress", "推进中": "in_progress", "done": "done", "completed": "done",
                    "已完成": "done", "完成": "done"},
    "measure": {"coverage": "coverage", "facility_count": "facility_count",
                "broadband_share": "broadband_share"},
    "applies_to": {"village": "village", "all": "all", "行政村": "village", "全部": "all"},
}
_TRUE = {"true", "t", "yes", "y", "1", "是", "已解决", "解决", "对", "√", "✓"}
_FALSE = {"false", "f", "no", "n", "0", "否", "未解决", "不", "×", "✗"}
_RATINGS = {"非常满意": 5, "很满意": 5, "满意": 4, "基本满意": 3, "一般": 3, "不满意": 2, "非常不满意": 1,
            "很不满意": 1, "very satisfied": 5, "satisfied": 4, "neutral": 3, "dissatisfied": 2,
            "very dissatisfied": 1}
_PERIOD = re.compile(r"^(\d{4})\s*(?:[-/.年]\s*)?(\d{1,2})\s*月?(?:[-/.]\d{1,2}日?)?(?:[ T].*)?$")
_QUARTER = re.compile(r"^(\d{4})\s*[-年 ]?\s*(?:第)?\s*[Qq]?([1-4一二三四])\s*(?:季度)?$")
_CN_DIGITS = {"一": "1", "二": "2", "三": "3", "四": "4"}


def _text(value) -> str:
    return unicodedata.normalize("NFKC", str(value)).strip()


def parse_text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text or None


def parse_id(value) -> str | None:
    """An id as text; numbers from spreadsheets lose their ``.0``; scientific notation is refused."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueProblem("bad_id", value=value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value) or not value.is_integer() or abs(value) >= 1e15:
            raise ValueProblem("bad_id", value=value)
        return str(int(value))
    text = _text(value).lstrip("'").strip()
    if not text:
        return None
    if _SCIENTIFIC.match(text):
        raise ValueProblem("id_scientific", value=value)
    zero = _TRAILING_ZERO.match(text)
    return zero.group(1) if zero else text


def _number(value) -> float:
    if isinstance(value, bool):
        raise ValueProblem("not_a_number", value=value)
    if isinstance(value, (int, float)):
        number = float(value)
    else:
        text = _NUMBER_JUNK.sub("", _text(value))
        try:
            number = float(text)
        except ValueError:
            raise ValueProblem("not_a_number", value=value) from None
    if not math.isfinite(number):
        raise ValueProblem("not_a_number", value=value)
    return number


def parse_float(value) -> float | None:
    if value is None:
        return None
    if isinstance(value, str) and _text(value).endswith("%"):
        raise ValueProblem("percent_not_allowed", value=value)
    return _number(value)


def parse_int(value, sql_type: str = "INTEGER") -> int | None:
    if value is None:
        return None
    number = _number(value)
    if not number.is_integer():
        raise ValueProblem("not_an_integer", value=value)
    low, high = INT_RANGES.get(sql_type, INT_RANGES["BIGINT"])
    if not low <= number <= high:
        raise ValueProblem("out_of_range", value=value, low=low, high=high)
    return int(number)


def parse_share(value) -> float | None:
    """A share in [0, 1]; ``"85%"`` and ``"85 %"`` are read as 0.85."""
    if value is None:
        return None
    if isinstance(value, str) and _text(value).endswith("%"):
        number = _number(_text(value)[:-1]) / 100
    else:
        number = _number(value)
    if not 0 <= number <= 1:
        raise ValueProblem("share_range", value=value)
    return number


def parse_bool(value) -> bool | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    text = _text(value).lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueProblem("not_a_bool", value=value)


def parse_satisfaction(value) -> int | None:
    """A rating 1–5 (5 very satisfied); the usual Chinese and English words are accepted."""
    if value is None:
        return None
    if isinstance(value, str) and _text(value).lower() in _RATINGS:
        return _RATINGS[_text(value).lower()]
    number = parse_int(value, "SMALLINT")
    if not 1 <= number <= 5:
        raise ValueProblem("rating_range", value=value)
    return number


def parse_period(value) -> str | None:
    """A month as ``YYYY-MM`` from ``2026-10``, ``2026/10``, ``202610``, ``2026年10月`` or a date."""
    if value is None:
        return None
    if hasattr(value, "year") and hasattr(value, "month"):
        return f"{value.year:04d}-{value.month:02d}"
    m = _PERIOD.match(_text(value))
    if not m:
        raise ValueProblem("not_a_month", value=value)
    year, month = int(m.group(1)), int(m.group(2))
    if not 1 <= month <= 12 or not 1950 <= year <= 2100:
        raise ValueProblem("not_a_month", value=value)
    return f"{year:04d}-{month:02d}"


def parse_quarter(value) -> str | None:
    """A quarter as ``YYYY-Qn`` from ``2026-Q3``, ``2026Q3``, ``2026年第3季度``, ``2026年三季度``."""
    if value is None:
        return None
    m = _QUARTER.match(_text(value))
    if not m:
        raise ValueProblem("not_a_quarter", value=value)
    return f"{m.group(1)}-Q{_CN_DIGITS.get(m.group(2), m.group(2))}"


def parse_enum(value, enum: str) -> str | None:
    """A coded value of ``ENUMS[enum]`` from any accepted spelling."""
    if value is None:
        return None
    key = _text(value).lower()
    codes = ENUMS[enum]
    if key in codes:
        return codes[key]
    raise ValueProblem("not_allowed", value=value, allowed=sorted(set(codes.values())))
