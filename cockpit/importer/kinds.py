"""What can be imported: one kind per table, its target fields and the header names they go by.

The fields of a kind are the columns of its table (cockpit/store/schema.py), typed from the schema,
plus a few extra targets: ``point`` ("(lat, lon)" in one cell) wherever a table has lon/lat, and
the caller's name, phone and address for cases (kept apart in case_contacts). ``boundaries``
is the village polygons (GeoJSON), which live in a file, not in a table.

Header synonyms (English and Chinese) drive the automatic column suggestions; they are compared
after normalisation (lower case, no spaces, underscores, hyphens or brackets).
"""

from __future__ import annotations

from dataclasses import dataclass

from cockpit.store.schema import TABLES, table as schema_table

__all__ = ["Field", "Kind", "KINDS", "kind", "KIND_NAMES", "REFERENCES", "DERIVED", "UPDATES_BY_KEY"]


@dataclass(frozen=True)
class Field:
    """A target of the column mapping."""

    name: str
    parser: str        # id, text, int, float, share, bool, satisfaction, period, quarter, datetime, date,
    #                    enum:<name>, point
    sql_type: str      # DuckDB type of the column ("" for extra targets)
    required: bool     # a header must feed it (it cannot be derived)
    key: bool = False  # part of the primary key
    table: str = ""    # table the value goes to (case_contacts for the personal fields of cases)
    not_null: bool = False  # every row needs a value (from the file or derived)


@dataclass(frozen=True)
class Kind:
    name: str
    table: str | None          # None for boundaries
    fields: tuple[Field, ...]

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(f"{self.name} has no field {name!r}")

    @property
    def key(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields if f.key)


# Columns that reference another table: (table, column) -> referenced table. Values are resolved
# by id, or by name when the name is unique (village names repeat across townships: codes win).
REFERENCES: dict[str, dict[str, str]] = {
    "facilities": {"village_id": "villages", "domain_id": "domains"},
    "coverage": {"village_id": "villages", "domain_id": "domains"},
    "allocations": {"village_id": "villages", "domain_id": "domains"},
    "categories": {"department_id": "departments", "domain_id": "domains"},
    "cases": {"village_id": "villages", "category_id": "categories", "department_id": "departments"},
    "case_contacts": {"case_id": "cases"},
    "party_branches": {"village_id": "villages"},
    "party_tasks": {"branch_id": "party_branches"},
    "party_assessments": {"branch_id": "party_branches"},
    "norms": {"domain_id": "domains"},
}

# Required columns the importer can fill when the file lacks them (see validate.derive).
DERIVED: dict[str, tuple[str, ...]] = {
    "cases": ("department_id", "due_at", "status", "channel", "village_id"),
    "party_tasks": ("status",),
    "facilities": ("village_id",),
}
_NAME_EN = {"name_en", "title_en"}  # filled from the Chinese name when missing
# Tables whose file may update known rows in a few columns (a villages file of codes and
# coordinates): their NOT NULL columns need a value for new rows only (checked per row).
UPDATES_BY_KEY = ("villages",)

_ENUM_FIELDS = {("villages", "kind"): "kind", ("villages", "area_group"): "area_group",
                ("cases", "status"): "case_status", ("cases", "channel"): "channel",
                ("party_tasks", "status"): "task_status", ("norms", "measure"): "measure",
                ("norms", "applies_to"): "applies_to"}
_SHARES = {"elderly_share", "broadband_share", "coverage", "progress"}
_IMPORTABLE = ("villages", "facilities", "coverage", "allocations", "cases", "case_contacts",
               "party_branches", "party_tasks", "party_assessments", "domains", "departments",
               "categories", "norms")
KIND_NAMES: tuple[str, ...] = ("boundaries", "villages", "facilities", "coverage", "allocations",
                               "cases", "party_tasks") + tuple(
    k for k in _IMPORTABLE if k not in ("villages", "facilities", "coverage", "allocations", "cases",
                                        "party_tasks"))


def _parser(table: str, column: str, sql_type: str) -> str:
    if (table, column) in _ENUM_FIELDS:
        return f"enum:{_ENUM_FIELDS[(table, column)]}"
    if column == "satisfaction":
        return "satisfaction"
    if column == "period":
        return "period"
    if column == "quarter":
        return "quarter"
    if column in _SHARES:
        return "share"
    if sql_type == "TIMESTAMP":
        return "datetime"
    if sql_type == "DATE":
        return "date"
    if sql_type == "BOOLEAN":
        return "bool"
    if sql_type in ("INTEGER", "SMALLINT", "BIGINT"):
        return "int"
    if sql_type == "DOUBLE":
        return "float"
    return "id" if column.endswith("_id") else "text"


def _table_kind(name: str) -> Kind:
    t = schema_table(name)
    derived = DERIVED.get(name, ())
    fields = []
    for column, declared, _ in t.columns:
        sql_type = declared.replace("NOT NULL", "").strip().split(" ")[0]
        required = ("NOT NULL" in declared and column not in derived and column not in _NAME_EN
                    and (name not in UPDATES_BY_KEY or column in t.primary_key))
        if column in ("lon", "lat") and required:
            required = False  # a "(lat, lon)" point column may give them; checked per row
        fields.append(Field(column, _parser(name, column, sql_type), sql_type, required,
                            key=column in t.primary_key, table=name, not_null="NOT NULL" in declared))
    if "lon" in t.column_names:
        fields.append(Field("point", "point", "", False, table=name))
    if name == "cases":
        contacts = schema_table("case_contacts")
        fields += [Field(c, "text", "VARCHAR", False, table="case_contacts")
                   for c, _, _ in contacts.columns if c != "case_id"]
    return Kind(name, name, tuple(fields))


_BOUNDARIES = Kind("boundaries", None, (
    Field("village_id", "id", "VARCHAR", True, key=True, not_null=True),
    Field("name_zh", "text", "VARCHAR", False),
    Field("name_en", "text", "VARCHAR", False),
    # read only for villages a boundaries import creates (Options.create_villages)
    Field("kind", "enum:kind", "VARCHAR", False),
    Field("area_group", "enum:area_group", "VARCHAR", False),
    Field("population", "int", "INTEGER", False),
))

KINDS: dict[str, Kind] = {"boundaries": _BOUNDARIES, **{n: _table_kind(n) for n in _IMPORTABLE}}
assert set(KINDS) == set(KIND_NAMES) and all(t in {x.name for x in TABLES} for t in _IMPORTABLE)


def kind(name: str) -> Kind:
    """The import kind ``name``; raise KeyError listing the kinds when unknown."""
    try:
        return KINDS[name]
    except KeyError:
        raise KeyError(f"unknown import kind {name!r}; use one of {', '.join(KIND_NAMES)}") from None
