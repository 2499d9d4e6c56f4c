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

__all__ = ["Table", "TABLES", "CSV_TABLES", "APP_TABLES", "IMPORT_TABLES", "DECISION_TABLES",
           "SCENARIO_TABLES", "PLANNER_MODELS", "MONTH_CLOSES", "MONTH_CLOSE_COUNTS", "MONTH_CLOSE_CASES",
           "MONTH_CLOSE_TABLES", "MIGRATIONS", "SCHEMA_VERSION", "table"]


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
        "synthetic (true/false), data_end (last full month, YYYY-MM), generated_by; the composite "
        "index's definition: index_reference (all or a year) and index_weights (empty: entropy weights).",
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
            ("status", "VARCHAR NOT NULL",
             "open, closed or cancelled (a cancelled case is left out of every count and rate)"),
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

USERS = Table(
    "users",
    (
        ("user_name", "VARCHAR NOT NULL", "sign-in name, lower case, unique"),
        ("display_name", "VARCHAR", "name shown in the app"),
        ("role", "VARCHAR NOT NULL",
         "administrator, leader, party, planner, village_secretary or viewer (see cockpit/auth/roles.py)"),
        ("village_ids", "VARCHAR", "village_secretary only: the village ids it may see, separated by spaces"),
        ("password_hash", "VARCHAR NOT NULL", "scrypt hash with its parameters and salt; never a password"),
        ("active", "BOOLEAN NOT NULL", "false when the account is disabled (accounts are never deleted)"),
        ("demo", "BOOLEAN NOT NULL", "demo account of the synthetic sample; refused on a real township"),
        ("created_at", "TIMESTAMP NOT NULL", "when the account was created"),
        ("updated_at", "TIMESTAMP NOT NULL", "last change of role, password or state"),
    ),
    ("user_name",),
    "User accounts (cockpit/auth/users.py). The sample ships demo accounts in users.csv.",
)

TABLES = TABLES + (USERS,)

# Tables the app writes itself: created by migrations, never loaded from CSV files.
AUDIT_LOG = Table(
    "audit_log",
    (
        ("event_id", "BIGINT NOT NULL DEFAULT nextval('audit_log_seq')", "order of the events"),
        ("logged_at", "TIMESTAMP NOT NULL", "when"),
        ("user_name", "VARCHAR", "who acted (a user name, cli:<account> or empty for the system)"),
        ("event", "VARCHAR NOT NULL",
         "login_success, login_failure, logout, import, export, download, scenario_save, user_change "
         "or unmask"),
        ("detail", "VARCHAR", "what was done, as a JSON object"),
    ),
    ("event_id",),
    "The audit log: append-only from the app (cockpit/auth/audit_log.py offers insert and read only).",
)

LOGIN_ATTEMPTS = Table(
    "login_attempts",
    (
        ("attempt_id", "BIGINT NOT NULL DEFAULT nextval('login_attempts_seq')", "order of the attempts"),
        ("user_name", "VARCHAR NOT NULL", "the name tried (also names that do not exist)"),
        ("attempted_at", "TIMESTAMP NOT NULL", "when"),
        ("outcome", "VARCHAR NOT NULL",
         "success, failure, locked (refused during a lock-out) or reset (new password: lifts a lock)"),
    ),
    ("attempt_id",),
    "Sign-in attempts, for the lock-out after repeated failures (cockpit/auth/login.py).",
)

APP_TABLES: tuple[Table, ...] = (AUDIT_LOG, LOGIN_ATTEMPTS)

CSV_TABLES: tuple[str, ...] = tuple(t.name for t in TABLES)


# Imports (cockpit/importer, cockpit/store/imports.py): written by the app, never loaded from CSV.
IMPORT_BATCHES = Table(
    "import_batches",
    (
        ("batch_id", "INTEGER NOT NULL", "order of the imports and exports, from 1"),
        ("direction", "VARCHAR NOT NULL", "import or export"),
        ("kind", "VARCHAR NOT NULL", "what was imported (boundaries, villages, cases …) or exported (a table)"),
        ("source_name", "VARCHAR", "the source the column mapping is remembered by (file name without dates)"),
        ("file_name", "VARCHAR", "name of the uploaded or written file"),
        ("stored_path", "VARCHAR", "copy of the original file under imports_dir"),
        ("sha256", "VARCHAR", "SHA-256 checksum of the original file"),
        ("file_bytes", "BIGINT", "size of the file in bytes"),
        ("user_name", "VARCHAR NOT NULL", "who imported or exported ('local' before sign-in exists)"),
        ("started_at", "TIMESTAMP NOT NULL", "when the import started"),
        ("finished_at", "TIMESTAMP NOT NULL", "when it was committed, rejected or failed"),
        ("mode", "VARCHAR", "valid_rows (load valid rows, quarantine the rest) or all_or_nothing"),
        ("status", "VARCHAR NOT NULL", "loaded, rejected (nothing loaded), failed, undone or exported"),
        ("rows_in", "INTEGER", "rows (records, features) in the file"),
        ("rows_loaded", "INTEGER", "valid rows now in the database: inserted + updated + unchanged"),
        ("rows_inserted", "INTEGER", "new rows"),
        ("rows_updated", "INTEGER", "existing rows whose values changed"),
        ("rows_unchanged", "INTEGER", "rows identical to what the database held"),
        ("rows_rejected", "INTEGER", "rows with errors (in quarantine when loaded)"),
        ("rows_flagged", "INTEGER", "rows loaded with a warning (closed before received, swapped coordinates …)"),
        ("message", "VARCHAR", "why an import failed or was rejected"),
        ("details", "VARCHAR", "JSON: encoding, delimiter, mapping, options, checksums of boundary files"),
        ("undone_at", "TIMESTAMP", "when the import was undone"),
        ("undone_by", "VARCHAR", "who undid it"),
    ),
    ("batch_id",),
    "Every import and export: who, when, which file (with checksum), rows in / loaded / rejected.",
)

IMPORT_BATCH_ROWS = Table(
    "import_batch_rows",
    (
        ("batch_id", "INTEGER NOT NULL", "the import"),
        ("table_name", "VARCHAR NOT NULL", "table of the row (boundaries: the boundary file)"),
        ("row_key", "VARCHAR NOT NULL", "primary key of the row as a JSON array of text"),
        ("action", "VARCHAR NOT NULL", "insert (undo deletes the row) or update (undo restores old_row)"),
        ("old_row", "VARCHAR", "update: the row before the import, as a JSON object"),
    ),
    ("batch_id", "table_name", "row_key"),
    "Which rows each import inserted or changed, so that undo removes exactly those "
    "(the core tables keep their columns).",
)

QUARANTINE = Table(
    "quarantine",
    (
        ("batch_id", "INTEGER NOT NULL", "the import"),
        ("line", "INTEGER NOT NULL", "line of the file (record or feature number for JSON)"),
        ("problems", "VARCHAR NOT NULL", "why the row was rejected, in English"),
        ("codes", "VARCHAR NOT NULL", "problem codes, comma-separated (catalog keys import.problem.<code>)"),
        ("raw_row", "VARCHAR", "the row as it was in the file, a JSON object header -> cell"),
        ("personal_keys", "VARCHAR", "JSON object: headers of raw_row holding personal data -> field (masked on export)"),
    ),
    ("batch_id", "line"),
    "Rejected rows of imports that loaded their valid rows: kept for repair and re-import.",
)

COLUMN_MAPPINGS = Table(
    "column_mappings",
    (
        ("source_name", "VARCHAR NOT NULL", "the source (file name without dates, or a name the user gave)"),
        ("kind", "VARCHAR NOT NULL", "import kind"),
        ("mapping", "VARCHAR NOT NULL", "JSON object: target field -> header of the file"),
        ("updated_at", "TIMESTAMP NOT NULL", "when last saved"),
        ("updated_by", "VARCHAR NOT NULL", "who saved it"),
    ),
    ("source_name", "kind"),
    "Column mappings remembered per source, offered again for next month's file.",
)

IMPORT_TABLES: tuple[Table, ...] = (IMPORT_BATCHES, IMPORT_BATCH_ROWS, QUARANTINE, COLUMN_MAPPINGS)
APP_TABLES = APP_TABLES + IMPORT_TABLES


# Joint meetings (联席会议, cockpit/store/decisions.py): written by the app, never loaded from CSV.
MEETINGS = Table(
    "meetings",
    (
        ("meeting_id", "BIGINT NOT NULL DEFAULT nextval('meetings_seq')", "order of the meetings, from 1"),
        ("held_on", "DATE NOT NULL", "day of the meeting"),
        ("title", "VARCHAR NOT NULL", "title, e.g. 10月联席会议"),
        ("period", "VARCHAR NOT NULL", "month the meeting reviewed, YYYY-MM"),
        ("filters", "VARCHAR", "filters the presenter used (villages, departments, map metric), a JSON object"),
        ("created_by", "VARCHAR", "who opened the meeting (a user name; empty before sign-in exists)"),
    ),
    ("meeting_id",),
    "Joint meetings held with the presenter page: what they reviewed and with which filters.",
)

DECISIONS = Table(
    "decisions",
    (
        ("decision_id", "BIGINT NOT NULL DEFAULT nextval('decisions_seq')", "order of the items, from 1"),
        ("meeting_id", "BIGINT NOT NULL", "meeting where the item was recorded"),
        ("kind", "VARCHAR NOT NULL", "decision or action (an action item)"),
        ("text", "VARCHAR NOT NULL", "what was decided or is to be done, as typed (plain text)"),
        ("owner", "VARCHAR", "person responsible"),
        ("department_id", "VARCHAR", "department (条) responsible, if any"),
        ("village_id", "VARCHAR", "village (块) concerned, if any"),
        ("due_on", "DATE", "deadline; empty when none"),
        ("slide", "VARCHAR", "key of the presenter slide on screen when it was recorded"),
        ("status", "VARCHAR NOT NULL", "open or done"),
        ("done_on", "DATE", "day it was marked done; empty while open"),
        ("created_at", "TIMESTAMP NOT NULL", "when it was recorded"),
    ),
    ("decision_id",),
    "Decisions and action items of joint meetings, listed at later meetings until done.",
)

DECISION_TABLES: tuple[Table, ...] = (MEETINGS, DECISIONS)
APP_TABLES = APP_TABLES + DECISION_TABLES


# What-if scenarios of the allocation planner (情景推演, cockpit/store/scenarios.py): written by the
# app, never loaded from CSV.
SCENARIOS = Table(
    "scenarios",
    (
        ("scenario_id", "INTEGER NOT NULL DEFAULT nextval('scenarios_seq')", "order of the scenarios, from 1"),
        ("name", "VARCHAR NOT NULL", "name given when saved, unique (case-sensitive), 1-100 characters"),
        ("author", "VARCHAR NOT NULL", "who saved it (the signed-in user name)"),
        ("note", "VARCHAR", "free note, plain text up to 2000 characters; empty when none"),
        ("created_at", "TIMESTAMP NOT NULL", "when it was saved (replaced under the same name: when last saved)"),
        ("baseline_period", "VARCHAR NOT NULL", "month of the allocation the changes apply to, YYYY-MM"),
        ("mode", "VARCHAR NOT NULL",
         "neutral (funding and staff moved between villages and domains, same total) or added (extra budget)"),
        ("spec", "VARCHAR NOT NULL",
         "the changes, a JSON object: format (township-cockpit-scenario/1), added_budget_wan, "
         "funding (village_id -> domain_id -> change in 10,000 yuan per year) and "
         "staff (village_id -> change in FTE); only non-zero changes"),
    ),
    ("scenario_id",),
    "Saved what-if scenarios of the allocation planner, reopened, compared and exported later.",
)

SCENARIO_TABLES: tuple[Table, ...] = (SCENARIOS,)
APP_TABLES = APP_TABLES + SCENARIO_TABLES


def table(name: str) -> Table:
    """Return the table called ``name``; raise ``KeyError`` naming it if unknown."""
    for t in TABLES:
        if t.name == name:
            return t
    raise KeyError(f"unknown table: {name!r}")


def _v1_statements() -> list[str]:
    # The tables of version 1, by name: tables added to TABLES later belong to later migrations.
    v1 = ("meta", "villages", "domains", "departments", "categories", "facilities", "coverage",
          "allocations", "cases", "case_contacts", "party_branches", "party_tasks", "party_assessments")
    stmts = [table(name).create_sql() for name in v1]
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
    3: ("users, audit log and sign-in attempts", [
        USERS.create_sql(),
        "CREATE SEQUENCE audit_log_seq START 1",
        AUDIT_LOG.create_sql(),
        "CREATE INDEX audit_log_time ON audit_log (logged_at)",
        "CREATE SEQUENCE login_attempts_seq START 1",
        LOGIN_ATTEMPTS.create_sql(),
        "CREATE INDEX login_attempts_user ON login_attempts (user_name)",
    ]),
    4: ("imports: batches, their rows, quarantine, column mappings",
        [t.create_sql() for t in IMPORT_TABLES]
        + ["CREATE INDEX import_batch_rows_key ON import_batch_rows (table_name, row_key)"]),
    5: ("joint meetings: meetings and their decisions and action items", [
        "CREATE SEQUENCE meetings_seq START 1",
        MEETINGS.create_sql(),
        "CREATE SEQUENCE decisions_seq START 1",
        DECISIONS.create_sql(),
        "CREATE INDEX decisions_meeting ON decisions (meeting_id)",
    ]),
    6: ("what-if scenarios of the allocation planner", [
        "CREATE SEQUENCE scenarios_seq START 1",
        SCENARIOS.create_sql(),
        "CREATE UNIQUE INDEX scenarios_name ON scenarios (name)",
    ]),
}

WEB_SESSIONS = Table(
    "web_sessions",
    (
        ("token_hash", "VARCHAR NOT NULL", "SHA-256 of the session cookie's random token; never the token"),
        ("session_id", "VARCHAR NOT NULL", "public id of the session (shown to administrators)"),
        ("user_name", "VARCHAR NOT NULL", "who signed in"),
        ("created_at", "TIMESTAMP NOT NULL", "when they signed in"),
        ("last_seen", "TIMESTAMP NOT NULL", "last activity written back (at most a few minutes behind)"),
        ("client_address", "VARCHAR", "the client's address at sign-in"),
        ("user_agent", "VARCHAR", "the browser at sign-in, shortened"),
        ("ended_at", "TIMESTAMP", "when the session ended (empty while it lasts)"),
        ("end_reason", "VARCHAR", "user, timeout, expired, admin, disabled, role or password"),
    ),
    ("token_hash",),
    "Signed-in web sessions behind the HttpOnly cookie (cockpit/auth/sessions.py).",
)

DISPLAYS = Table(
    "displays",
    (
        ("token_hash", "VARCHAR NOT NULL", "SHA-256 of the display link's random token; never the token"),
        ("display_id", "VARCHAR NOT NULL", "public id of the display"),
        ("name", "VARCHAR NOT NULL", "where it hangs, e.g. 'Command room wall'"),
        ("lang", "VARCHAR NOT NULL", "language it shows: zh or en"),
        ("metric", "VARCHAR NOT NULL", "the map metric of its command screen"),
        ("created_by", "VARCHAR NOT NULL", "the administrator who registered it"),
        ("created_at", "TIMESTAMP NOT NULL", "when"),
        ("last_seen", "TIMESTAMP", "last time it opened the command screen"),
        ("revoked_at", "TIMESTAMP", "when its link was revoked (empty while it works)"),
    ),
    ("token_hash",),
    "Wall displays: devices that show the command screen, masked, without a person's session.",
)

APP_TABLES = APP_TABLES + (WEB_SESSIONS, DISPLAYS)

MIGRATIONS[7] = ("web sessions and registered wall displays", [
    WEB_SESSIONS.create_sql(),
    "CREATE INDEX web_sessions_user ON web_sessions (user_name)",
    DISPLAYS.create_sql(),
])



# -- month close (月结): a month's figures frozen when a leader closes it ----------------------------

_MONTH_CLOSES_V8 = Table(
    "month_closes",
    (
        ("period", "VARCHAR NOT NULL", "the month closed, YYYY-MM"),
        ("version", "INTEGER NOT NULL", "1 for the first close; a close after a reopening restates the month"),
        ("closed_by", "VARCHAR NOT NULL", "the leader who closed it"),
        ("closed_at", "TIMESTAMP NOT NULL", "when"),
        ("reopened_by", "VARCHAR", "the leader who reopened it (empty while it stands)"),
        ("reopened_at", "TIMESTAMP", "when it was reopened"),
        ("reopen_reason", "VARCHAR", "why it was reopened"),
    ),
    ("period", "version"),
    "Closed months: the figures of a month as a leader signed them (cockpit/metrics/month_close.py).",
)

_FROZEN_COUNTS = tuple((c, "DOUBLE" if "days" in c else "BIGINT", "as case_counts had it at the close")
                       for c in ("received", "responded_on_time", "due", "closed_of_due", "on_time_of_due",
                                 "closed", "rated", "satisfied", "resolution_flagged", "resolved",
                                 "open_at_end", "overdue_at_end", "median_days_to_close", "p90_days_to_close"))

_MONTH_CLOSE_COUNTS_V8 = Table(
    "month_close_counts",
    (
        ("period", "VARCHAR NOT NULL", "the month"),
        ("version", "INTEGER NOT NULL", "the close it belongs to"),
        ("grouping", "VARCHAR NOT NULL", "village or department"),
        ("key", "VARCHAR", "village_id or department_id; empty for the township total"),
    ) + _FROZEN_COUNTS,
    (),
    "The case counts of a closed month per village and per department (and their totals).",
)

_MONTH_CLOSE_CASES_V8 = Table(
    "month_close_cases",
    (
        ("period", "VARCHAR NOT NULL", "the month"),
        ("version", "INTEGER NOT NULL", "the close it belongs to"),
        ("case_id", "VARCHAR NOT NULL", "a case the month's figures counted"),
        ("village_id", "VARCHAR", "its village at the close"),
        ("department_id", "VARCHAR", "its department at the close"),
        ("status", "VARCHAR", "its status at the close"),
        ("received_at", "TIMESTAMP", "as at the close"),
        ("due_at", "TIMESTAMP", "as at the close"),
        ("closed_at", "TIMESTAMP", "as at the close"),
        ("satisfaction", "SMALLINT", "as at the close"),
    ),
    ("period", "version", "case_id"),
    "The cases behind a closed month's figures as they were at the close (to list what changed since).",
)

MIGRATIONS[8] = ("month close: closed months, their frozen counts and cases", [
    _MONTH_CLOSES_V8.create_sql(), _MONTH_CLOSE_COUNTS_V8.create_sql(), _MONTH_CLOSE_CASES_V8.create_sql(),
])

# Since version 10 the month-close tables carry the township whose close a row belongs to, so a county
# holds each township's closes side by side (cockpit/county/assemble.py). A township's database
# keeps its own closes under the empty key '': its code may be unknown (villages without 12-digit
# codes, no meta township_code) or set later, and "this database's own township" never goes stale.
# A package leaves the key out; the county writes the township's code (cockpit/store/county_sql.py).
_TOWNSHIP_KEY = ("township_code", "VARCHAR NOT NULL DEFAULT ''",
                 "the township whose close it is: empty in a township's own database, its code in a county's")


def _keyed(t: Table) -> Table:
    return Table(t.name, (_TOWNSHIP_KEY, *t.columns), ("township_code", *t.primary_key) if t.primary_key else (),
                 t.description)


MONTH_CLOSES = _keyed(_MONTH_CLOSES_V8)
MONTH_CLOSE_COUNTS = _keyed(_MONTH_CLOSE_COUNTS_V8)
MONTH_CLOSE_CASES = _keyed(_MONTH_CLOSE_CASES_V8)
MONTH_CLOSE_TABLES: tuple[Table, ...] = (MONTH_CLOSES, MONTH_CLOSE_COUNTS, MONTH_CLOSE_CASES)

APP_TABLES = APP_TABLES + MONTH_CLOSE_TABLES


def _rekeyed(new: Table, old: Table) -> list[str]:
    """Rebuild ``old``'s table as ``new`` (its rows under the township key ''): DuckDB cannot change
    a primary key in place."""
    columns = ", ".join(old.column_names)
    staged = new.create_sql().replace(f"CREATE TABLE {new.name} (", f"CREATE TABLE {new.name}_v10 (", 1)
    return [staged,
            f"INSERT INTO {new.name}_v10 (township_code, {columns}) SELECT '', {columns} FROM {old.name}",
            f"DROP TABLE {old.name}",
            f"ALTER TABLE {new.name}_v10 RENAME TO {new.name}"]


# -- the planner's calibration, kept per set of history it was fitted on --------------------------

PLANNER_MODELS = Table(
    "planner_models",
    (
        ("fingerprint", "VARCHAR NOT NULL", "SHA-256 of the history and the fitting method (cockpit/planner/model_cache.py)"),
        ("made_at", "TIMESTAMP NOT NULL", "when it was calibrated"),
        ("model", "VARCHAR NOT NULL", "the calibrated model as JSON"),
    ),
    ("fingerprint",),
    "The planner's calibrated models: a restart or another process reuses the one fitted on the same history.",
)

APP_TABLES = APP_TABLES + (PLANNER_MODELS,)

MIGRATIONS[9] = ("the planner's calibration kept per history", [PLANNER_MODELS.create_sql()])

MIGRATIONS[10] = ("month closes keyed by township, so a county holds its townships' closes side by side", [
    sql for new, old in zip(MONTH_CLOSE_TABLES, (_MONTH_CLOSES_V8, _MONTH_CLOSE_COUNTS_V8, _MONTH_CLOSE_CASES_V8))
    for sql in _rekeyed(new, old)])

SCHEMA_VERSION: int = max(MIGRATIONS)
