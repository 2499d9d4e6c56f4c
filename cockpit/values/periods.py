"""Calendar months (periods) written ``YYYY-MM``."""

from __future__ import annotations

from datetime import date, datetime

__all__ = ["month_bounds", "previous_period", "parse_period", "last_full_month", "following_period"]


def parse_period(period: str) -> date:
    """The first day of ``period``; raise ``ValueError`` naming it if it is not ``YYYY-MM``."""
    try:
        d = datetime.strptime(period, "%Y-%m").date()
    except (TypeError, ValueError):
        raise ValueError(f"period must be YYYY-MM, got {period!r}") from None
    return d


def month_bounds(period: str) -> tuple[datetime, datetime]:
    """Start (inclusive) and end (exclusive) of the month as datetimes."""
    start = parse_period(period)
    end = date(start.year + start.month // 12, start.month % 12 + 1, 1)
    return datetime(start.year, start.month, 1), datetime(end.year, end.month, 1)


def previous_period(period: str) -> str:
    start = parse_period(period)
    year, month = (start.year - 1, 12) if start.month == 1 else (start.year, start.month - 1)
    return f"{year:04d}-{month:02d}"


def last_full_month(today: date | None = None) -> str:
    """The calendar month before the one containing ``today``."""
    today = today or date.today()
    return previous_period(f"{today.year:04d}-{today.month:02d}")


def following_period(shown: str, before: list[str], now: list[str]) -> str:
    """The month a page refreshed on a timer shows: the newest when it showed the newest (a wall
    display moves on to a new month), else the same month while the data still has it."""
    if shown not in now or (before and shown == before[-1]):
        return now[-1]
    return shown
