"""The metrics the cockpit shows: key, unit and which direction is better.

Labels and definitions live in the language catalogs under ``metric.<key>.label`` and
``metric.<key>.help`` (coverage keys share ``metric.coverage.*`` with the domain name filled in).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Metric", "coverage_key", "domain_of", "access_key", "access_domain_of", "CASE_KPIS",
           "RESOURCE_KPIS", "MAP_METRICS",
           "metric", "label"]


@dataclass(frozen=True)
class Metric:
    key: str
    unit: str  # percent | count | per10k | yuan | per1000 | days | index
    higher_is_better: bool | None


def coverage_key(domain_id: str) -> str:
    return f"coverage:{domain_id}"


def domain_of(key: str) -> str | None:
    """The domain of a coverage key (``coverage:health`` → ``health``), else None."""
    return key.split(":", 1)[1] if key.startswith("coverage:") else None


def access_key(domain_id: str) -> str:
    return f"access:{domain_id}"


def access_domain_of(key: str) -> str | None:
    """The domain of an accessibility key (``access:health`` → ``health``), else None."""
    return key.split(":", 1)[1] if key.startswith("access:") else None


_FIXED = {
    m.key: m
    for m in (
        Metric("service_index", "percent", True),
        Metric("response_rate", "percent", True),
        Metric("closure_rate", "percent", True),
        Metric("on_time_rate", "percent", True),
        Metric("satisfaction_rate", "percent", True),
        Metric("resolution_rate", "percent", True),
        Metric("three_rates_score", "percent", True),
        Metric("received", "count", None),
        Metric("open_at_end", "count", False),
        Metric("overdue_at_end", "count", False),
        Metric("cases_per_10k", "per10k", None),
        Metric("median_days_to_close", "days", False),
        Metric("p90_days_to_close", "days", False),
        Metric("funding_per_resident", "yuan", True),
        Metric("staff_per_1000", "per1000", True),
    )
}

CASE_KPIS = ("response_rate", "closure_rate", "on_time_rate", "satisfaction_rate",
             "open_at_end", "overdue_at_end", "cases_per_10k")
RESOURCE_KPIS = ("funding_per_resident", "staff_per_1000")
MAP_METRICS = ("service_index", "closure_rate", "on_time_rate", "satisfaction_rate",
               "cases_per_10k", "funding_per_resident", "staff_per_1000")


def metric(key: str) -> Metric:
    """The metric for ``key``; coverage keys (``coverage:<domain>``) are percentages."""
    if domain_of(key):
        return Metric(key, "percent", True)
    if access_domain_of(key):
        return Metric(key, "per1000", True)
    try:
        return _FIXED[key]
    except KeyError:
        raise KeyError(f"unknown metric: {key!r}") from None


def label(t, domain_names, key: str) -> str:
    """The metric's label in ``t``'s language; ``domain_names`` maps domain_id to its name there."""
    domain = domain_of(key) or access_domain_of(key)
    if domain_of(key):
        return t("metric.coverage.label", domain=domain_names.get(domain, domain))
    if access_domain_of(key):
        return t("metric.access.label", domain=domain_names.get(domain, domain))
    return t(f"metric.{key}.label")
