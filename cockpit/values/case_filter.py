"""What the cases page looks at: a :class:`Period` (one month or a range of months) and a
:class:`CaseFilter` (villages, domains, categories, departments, channels).

Both are frozen and hashable, so they can key a cache. The store turns a filter into a
parameterized WHERE fragment (:func:`cockpit.store.case_sql.filter_sql`); nothing here builds SQL.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import datetime

from cockpit.values.periods import month_bounds, parse_period

__all__ = ["CaseFilter", "Period", "as_period", "FILTER_FIELDS", "SPANS", "span_period"]

FILTER_FIELDS = ("village_ids", "domain_ids", "category_ids", "department_ids", "channels")


def _values(name: str, value) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, (str, bytes)):
        raise TypeError(f"CaseFilter.{name} must be a sequence of strings, not a single string "
                        f"({value!r}); write ({value!r},)")
    try:
        items = list(value)
    except TypeError:
        raise TypeError(f"CaseFilter.{name} must be a sequence of strings, got {value!r}") from None
    for item in items:
        if not isinstance(item, str):
            raise TypeError(f"CaseFilter.{name} must hold strings, got {item!r}")
    return tuple(sorted(set(items)))


@dataclass(frozen=True)
class CaseFilter:
    """Which cases count. Each field is a tuple of ids; an empty tuple means "all".

    Values are de-duplicated and sorted, so equal selections give equal (and equally hashed)
    filters. Fields combine with AND; the values of one field with OR.

    Examples
    --------
    >>> CaseFilter(village_ids=["b", "a", "a"]).village_ids
    ('a', 'b')
    >>> CaseFilter().is_empty
    True
    """

    village_ids: tuple[str, ...] = ()
    domain_ids: tuple[str, ...] = ()
    category_ids: tuple[str, ...] = ()
    department_ids: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for f in fields(self):
            object.__setattr__(self, f.name, _values(f.name, getattr(self, f.name)))

    @property
    def is_empty(self) -> bool:
        """True when the filter lets every case through."""
        return not any(getattr(self, name) for name in FILTER_FIELDS)

    def with_(self, **changes) -> "CaseFilter":
        """A copy with some fields replaced, e.g. ``f.with_(village_ids=("350781105201",))``."""
        return replace(self, **changes)


@dataclass(frozen=True)
class Period:
    """Calendar months ``start`` to ``end`` inclusive, both ``YYYY-MM``.

    Examples
    --------
    >>> Period.of("2026-10").bounds()
    (datetime.datetime(2026, 10, 1, 0, 0), datetime.datetime(2026, 11, 1, 0, 0))
    >>> Period.of(("2026-08", "2026-10")).previous()
    Period(start='2026-05', end='2026-07')
    """

    start: str
    end: str

    def __post_init__(self) -> None:
        if parse_period(self.start) > parse_period(self.end):
            raise ValueError(f"period start {self.start!r} is after its end {self.end!r}")

    @classmethod
    def of(cls, value: "Period | str | tuple[str, str]") -> "Period":
        """A period from ``"YYYY-MM"``, ``"YYYY-MM..YYYY-MM"``, ``(start, end)`` or a Period."""
        if isinstance(value, Period):
            return value
        if isinstance(value, str):
            start, _, end = value.partition("..")
            return cls(start, end or start)
        if isinstance(value, (tuple, list)) and len(value) == 2:
            return cls(str(value[0]), str(value[1]))
        raise TypeError(f"period must be 'YYYY-MM', 'YYYY-MM..YYYY-MM' or (start, end), got {value!r}")

    @property
    def months(self) -> int:
        """Number of calendar months covered."""
        a, b = parse_period(self.start), parse_period(self.end)
        return (b.year - a.year) * 12 + b.month - a.month + 1

    @property
    def label(self) -> str:
        """``2026-10`` for one month, ``2026-08..2026-10`` for a range."""
        return self.start if self.start == self.end else f"{self.start}..{self.end}"

    def bounds(self) -> tuple[datetime, datetime]:
        """Start (inclusive) and end (exclusive) instants of the period."""
        return month_bounds(self.start)[0], month_bounds(self.end)[1]

    def previous(self) -> "Period":
        """The period of the same length that ends just before this one."""
        n = self.months
        return Period(_shift(self.start, -n), _shift(self.end, -n))


def _shift(period: str, months: int) -> str:
    d = parse_period(period)
    k = d.year * 12 + d.month - 1 + months
    return f"{k // 12:04d}-{k % 12 + 1:02d}"


def as_period(value: "Period | str | tuple[str, str]") -> Period:
    """Shorthand for :meth:`Period.of`."""
    return Period.of(value)


SPANS: tuple[str, ...] = ("month", "3m", "12m", "ytd")
"""What the appeals page may look at, ending with the chosen month: that month, the last 3 or 12
months, or the year to date."""


def span_period(end: str, span: str, first: str | None = None) -> str:
    """The period of ``span`` ending with month ``end``, as ``YYYY-MM`` or ``YYYY-MM..YYYY-MM``,
    starting no earlier than ``first`` (the first month of the data).

    >>> span_period("2026-10", "3m"), span_period("2026-10", "ytd"), span_period("2026-02", "12m", "2025-06")
    ('2026-08..2026-10', '2026-01..2026-10', '2025-06..2026-02')
    """
    if span not in SPANS:
        raise ValueError(f"span must be one of {SPANS}, got {span!r}")
    start = {"month": end, "3m": _shift(end, -2), "12m": _shift(end, -11), "ytd": f"{end[:4]}-01"}[span]
    if first is not None and parse_period(start) < parse_period(first):
        start = first
    return Period(start, end).label
