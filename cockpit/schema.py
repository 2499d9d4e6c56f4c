"""The database schema: every table, its columns and the ordered migrations.

This module is the one place where the tables are documented. The CSV files of a
township (sample_data/*.csv) carry the same columns as the tables of the same name.

Conventions
-----------
- Ids are text, even when they look numeric (village ids are 12-digit
  administrative codes such as ``350781101201``).
- ``period`` is a calendar month written ``YYYY-MM``.
- Timestamps are local time without zone (``YYYY-MM-DD HH:MM:SS``).
- Shares are fractions in [0, 1]; money is yuan; staff is full-time equivalents (FTE).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Table", "TABLES", "CSV_TABLES", "MIGRATIONS", "SCHEMA_VERSION", "table"]


@dataclass(frozen=True)
class Table:
    """A table: its name, its columns as ``(name, duckdb type, description)`` and constraints."""

    name: str
    columns: tuple[tuple[str, str, str], ...]
    primary_key: tuple[str, ...]
    description: str

    @property
    def column_names(self) -> list[str]:
        return [c[0] for c in self.columns]

    def create_sql(self) -> str:
        cols = [f"{name} {typ}" for name, typ, _ in self.columns]
        if self.primary_key:
            cols.append(f"PRIMARY KEY ({', '.join(self.primary_key)})")
        return f"CREATE TABLE {self.name} (\n  " + ",\n  ".join(cols) + "\n)"


TABLES: tuple[Table, ...] = (
    Table(
        "meta",
        (
            ("key", "VARCHAR NOT NULL", "setting name, e.g. township_name_zh"),
            ("value", "VARCHAR", "its value as text"),
        ),
        ("key",),
        "Facts about the township and the data set: township_name_zh, township_name_en, "
        "synthetic (true/false), data_end (last full month, YYYY-MM), generated_by.",
    ),
    Table(
        "villages",
        (
            ("village_id", "VARCHAR NOT NULL", "12-digit administrative code, as text"),
            ("name_zh", "VARCHAR NOT NULL", "name in Chinese, e.g. 溪口村"),
            ("name_en", "VARCHAR NOT NULL", "name in English (pinyin), e.g. Xikou Village"),
            ("kind", "VARCHAR NOT NULL", "seat (township seat community), community or village"),
            ("area_group", "VARCHAR NOT NULL", "urban or rural: the two groups equalization compares"),
            ("population", "INTEGER NOT NULL", "registered residents"),
            ("households", "INTEGER", "households"),
            ("elderly_share", "DOUBLE", "share of residents aged 60 and over"),
            ("area_km2", "DOUBLE", "area in square kilometres"),
            ("distance_km", "DOUBLE", "road distance from the village seat to the township seat"),
            ("elevation_m", "DOUBLE", "elevation of the village seat"),
            ("broadband_share", "DOUBLE", "share of households with fixed broadband"),
            ("lon", "DOUBLE", "longitude of the village seat (WGS84)"),
            ("lat", "DOUBLE", "latitude of the village seat (WGS84)"),
        ),
        ("village_id",),
        "Administrative villages and communities of the township.",
    ),
    Table(
        "domains",
        (
            ("domain_id", "VARCHAR NOT NULL", "education, health, elderly, culture, assistance, digital"),
            ("name_zh", "VARCHAR NOT NULL", "name in Chinese"),
            ("name_en", "VARCHAR NOT NULL", "name in English"),
            ("sort_order", "INTEGER NOT NULL", "display order"),
        ),
        ("domain_id",),
        "Basic public service domains (data-driven list).",
    ),
    Table(
        "departments",
        (
            ("department_id", "VARCHAR NOT NULL", "short code"),
            ("name_zh", "VARCHAR NOT NULL", "name in Chinese"),
            ("name_en", "VARCHAR NOT NULL", "name in English"),
        ),
        ("department_id",),
        "Line departments (条) that own cases.",
    ),
    Table(
        "categories",
        (
            ("category_id", "VARCHAR NOT NULL", "short code"),
            ("domain_id", "VARCHAR", "service domain the category belongs to, if any"),
            ("department_id", "VARCHAR NOT NULL", "department that owns such cases by default"),
            ("name_zh", "VARCHAR NOT NULL", "name in Chinese"),
            ("name_en", "VARCHAR NOT NULL", "name in English"),
            ("response_hours", "DOUBLE NOT NULL", "deadline to acknowledge a case, in hours"),
            ("days_to_close", "INTEGER NOT NULL", "deadline to close a case, in days (the SLA)"),
        ),
        ("category_id",),
        "Appeal categories with their service-level deadlines.",
    ),
    Table(
        "facilities",
        (
            ("facility_id", "VARCHAR NOT NULL", "id"),
            ("village_id", "VARCHAR NOT NULL", "village where it stands"),
            ("domain_id", "VARCHAR NOT NULL", "service domain"),
            ("name_zh", "VARCHAR NOT NULL", "name in Chinese"),
            ("name_en", "VARCHAR NOT NULL", "name in English"),
            ("lon", "DOUBLE NOT NULL", "longitude (WGS84)"),
            ("lat", "DOUBLE NOT NULL", "latitude (WGS84)"),
            ("capacity", "INTEGER", "places, beds or seats"),
            ("staff", "DOUBLE", "staff in FTE"),
        ),
        ("facility_id",),
        "Service facilities: schools, clinics, elderly-care centres, cultural halls ...",
    ),
    Table(
        "coverage",
        (
            ("period", "VARCHAR NOT NULL", "month, YYYY-MM"),
            ("village_id", "VARCHAR NOT NULL", "village"),
            ("domain_id", "VARCHAR NOT NULL", "domain"),
            ("coverage", "DOUBLE NOT NULL", "share of the domain's target population served"),
        ),
        ("period", "village_id", "domain_id"),
        "Service coverage by month, village and domain.",
    ),
    Table(
        "allocations",
        (
            ("period", "VARCHAR NOT NULL", "month, YYYY-MM"),
            ("village_id", "VARCHAR NOT NULL", "village"),
            ("domain_id", "VARCHAR NOT NULL", "domain"),
            ("funding_yuan", "DOUBLE NOT NULL", "funding spent in the month, yuan"),
            ("staff_fte", "DOUBLE NOT NULL", "staff working in the village and domain, FTE"),
        ),
        ("period", "village_id", "domain_id"),
        "Where funding and staff go, by month, village and domain.",
    ),
    Table(
        "cases",
        (
            ("case_id", "VARCHAR NOT NULL", "id"),
            ("village_id", "VARCHAR NOT NULL", "village the appeal concerns"),
            ("category_id", "VARCHAR NOT NULL", "category"),
            ("department_id", "VARCHAR NOT NULL", "department that owns the case"),
            ("channel", "VARCHAR NOT NULL", "hotline (12345), app, visit or grid (grid worker)"),
            ("received_at", "TIMESTAMP NOT NULL", "when the appeal was received"),
            ("acknowledged_at", "TIMESTAMP", "first action (签收); empty if not yet"),
            ("due_at", "TIMESTAMP NOT NULL", "closure deadline"),
            ("closed_at", "TIMESTAMP", "when closed (办结); empty while open"),
            ("status", "VARCHAR NOT NULL", "open or closed"),
            ("resolved", "BOOLEAN", "closed and the problem solved; empty when not flagged"),
            ("satisfaction", "SMALLINT", "follow-up rating 1-5 (5 very satisfied, 4 satisfied); empty if not rated"),
            ("rated_at", "TIMESTAMP", "when the rating was entered"),
            ("lon", "DOUBLE", "longitude of the place concerned"),
            ("lat", "DOUBLE", "latitude of the place concerned"),
            ("summary", "VARCHAR", "short description of the appeal"),
        ),
        ("case_id",),
        "Citizen appeals (民生诉求 / 工单). Personal fields live apart in case_contacts.",
    ),
    Table(
        "case_contacts",
        (
            ("case_id", "VARCHAR NOT NULL", "case"),
            ("citizen_name", "VARCHAR", "name of the caller (personal data)"),
            ("phone", "VARCHAR", "phone number (personal data)"),
            ("address", "VARCHAR", "address (personal data)"),
        ),
        ("case_id",),
        "Personal data of the citizens behind cases, kept apart and masked by default.",
    ),
    Table(
        "party_branches",
        (
            ("branch_id", "VARCHAR NOT NULL", "id"),
            ("village_id", "VARCHAR NOT NULL", "village the branch belongs to"),
            ("name_zh", "VARCHAR NOT NULL", "name in Chinese"),
            ("name_en", "VARCHAR NOT NULL", "name in English"),
            ("secretary", "VARCHAR", "branch secretary"),
            ("members", "INTEGER", "party members"),
        ),
        ("branch_id",),
        "Party branches (党支部), usually one per village.",
    ),
    Table(
        "party_tasks",
        (
            ("task_id", "VARCHAR NOT NULL", "id"),
            ("branch_id", "VARCHAR NOT NULL", "branch that owns the task"),
            ("category", "VARCHAR NOT NULL", "task category code"),
            ("title_zh", "VARCHAR NOT NULL", "title in Chinese"),
            ("title_en", "VARCHAR NOT NULL", "title in English"),
            ("owner", "VARCHAR", "person responsible"),
            ("assigned_on", "DATE NOT NULL", "date assigned"),
            ("due_on", "DATE NOT NULL", "deadline"),
            ("completed_on", "DATE", "date completed; empty while not done"),
            ("status", "VARCHAR NOT NULL", "not_started, in_progress or done"),
            ("progress", "DOUBLE NOT NULL", "share done, 0-1"),
            ("evidence_count", "INTEGER NOT NULL", "evidence items attached (photos, minutes ...)"),
        ),
        ("task_id",),
        "The responsibility list (权责清单) of party branches.",
    ),
    Table(
        "party_assessments",
        (
            ("branch_id", "VARCHAR NOT NULL", "branch"),
            ("quarter", "VARCHAR NOT NULL", "quarter, YYYY-Qn"),
            ("score", "DOUBLE NOT NULL", "assessment score, 0-100"),
        ),
        ("branch_id", "quarter"),
        "Quarterly assessment (考核) scores of party branches.",
    ),
)

NORMS = Table(
    "norms",
    (
        ("norm_id", "VARCHAR NOT NULL", "id"),
        ("domain_id", "VARCHAR NOT NULL", "service domain the norm is about"),
        ("measure", "VARCHAR NOT NULL",
         "what is compared: coverage, facility_count (facilities of the domain in the village) "
         "or broadband_share"),
        ("threshold", "DOUBLE NOT NULL", "the level a village should reach"),
        ("applies_to", "VARCHAR NOT NULL", "village (administrative villages only) or all"),
        ("name_zh", "VARCHAR NOT NULL", "the norm in Chinese, e.g. 每个行政村至少一个村卫生室"),
        ("name_en", "VARCHAR NOT NULL", "the norm in English"),
        ("source", "VARCHAR", "where the norm comes from"),
    ),
    ("norm_id",),
    "Service norms villages are held to (configurable data, not code).",
)

TABLES = TABLES + (NORMS,)

CSV_TABLES: tuple[str, ...] = tuple(t.name for t in TABLES)


def table(name: str) -> Table:
    """Return the table called ``name``; raise ``KeyError`` naming it if unknown."""
    for t in TABLES:
        if t.name == name:
            return t
    raise KeyError(f"unknown table: {name!r}")


def _v1_statements() -> list[str]:
    stmts = [t.create_sql() for t in TABLES if t.name != "norms"]
    stmts += [
        "CREATE INDEX cases_received ON cases (received_at)",
        "CREATE INDEX cases_due ON cases (due_at)",
        "CREATE INDEX cases_village ON cases (village_id)",
    ]
    return stmts


# Ordered migrations: version -> (description, statements). Never edit a released one; add the next.
MIGRATIONS: dict[int, tuple[str, list[str]]] = {
    1: ("core tables: township, villages, services, allocations, cases, party", _v1_statements()),
    2: ("service norms", [NORMS.create_sql()]),
}

SCHEMA_VERSION: int = max(MIGRATIONS)
