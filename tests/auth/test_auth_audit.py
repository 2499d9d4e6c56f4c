"""The audit log: insert and read only, filters, no update or delete path anywhere in the app."""

import datetime as dt
import re
from pathlib import Path

import duckdb
import pytest

from cockpit.auth import audit_log as audit_module
from cockpit.auth.audit_log import EVENTS, AuditFilter, audit, read_audit
from cockpit.auth.users import User
from cockpit.store import audit_sql
from tests.auth_fixtures import T0, copy_database

ROOT = Path(__file__).resolve().parents[2]
DAY = dt.timedelta(days=1)


@pytest.fixture
def con(tiny, tmp_path):
    c = duckdb.connect(str(copy_database(tiny, tmp_path)))
    leader = User("li", "李", "leader", (), True, False)
    audit(c, leader, "export", {"file": "cases.csv", "rows": 12}, T0)
    audit(c, "wang", "import", {"table": "cases", "rows": 300}, T0 + DAY)
    audit(c, "li", "unmask", {"case_id": "C-17", "field": "phone"}, T0 + 2 * DAY)
    audit(c, None, "user_change", {"action": "add", "user": "zhao", "note": "岭头村"}, T0 + 3 * DAY)
    yield c
    c.close()


def test_events_are_the_documented_ones():
    assert EVENTS == ("login_success", "login_failure", "logout", "import", "export", "download",
                      "scenario_save", "user_change", "unmask",
                      "session_end", "display_change", "login_throttled",
                      "data_real", "scenario_rename", "scenario_delete",
                      "decision_create", "decision_edit", "decision_close",
                      "month_close", "month_reopen", "index_definition", "publish", "county_add")


def test_read_newest_first_with_json_detail(con):
    log = read_audit(con)
    assert list(log["event"]) == ["user_change", "unmask", "import", "export"]
    assert list(log.columns) == ["event_id", "logged_at", "user_name", "event", "detail"]
    assert log["event_id"].is_monotonic_decreasing
    assert log["detail"].iloc[-1] == '{"file": "cases.csv", "rows": 12}'
    assert log["user_name"].iloc[0] is None or str(log["user_name"].iloc[0]) in ("None", "nan")
    assert "岭头村" in log["detail"].iloc[0]  # stored as UTF-8 text, not escaped


@pytest.mark.parametrize("filters,expected", [
    (AuditFilter(user="li"), ["unmask", "export"]),
    (AuditFilter(events=("import", "export")), ["import", "export"]),
    (AuditFilter(since=T0 + DAY), ["user_change", "unmask", "import"]),
    (AuditFilter(until=T0 + DAY), ["export"]),
    (AuditFilter(since=T0 + DAY, until=T0 + 3 * DAY), ["unmask", "import"]),
    (AuditFilter(text="PHONE"), ["unmask"]),
    (AuditFilter(user="li", events=("export",)), ["export"]),
    (AuditFilter(limit=2), ["user_change", "unmask"]),
    (AuditFilter(user="nobody"), []),
])
def test_filters(con, filters, expected):
    assert list(read_audit(con, filters)["event"]) == expected


def test_filter_values_are_parameters_not_sql(con):
    assert len(read_audit(con, AuditFilter(user="x' OR '1'='1"))) == 0
    assert len(read_audit(con, AuditFilter(text="') OR true --"))) == 0
    assert len(read_audit(con)) == 4


def test_unknown_event_and_secrets_are_refused(con):
    with pytest.raises(ValueError, match="unknown audit event"):
        audit(con, "li", "delete_everything", {})
    with pytest.raises(ValueError, match="unknown audit event"):
        read_audit(con, AuditFilter(events=("nope",)))
    for key in ("password", "new_password", "password_hash", "Secret"):
        with pytest.raises(ValueError, match="secrets"):
            audit(con, "li", "user_change", {key: "x"})
    assert len(read_audit(con)) == 4


def test_default_time_is_now(con):
    before = dt.datetime.now().replace(microsecond=0)
    audit(con, "li", "download", {"file": "briefing.pdf"})
    at = read_audit(con, AuditFilter(events=("download",)))["logged_at"].iloc[0]
    assert before <= at <= dt.datetime.now()


def test_the_module_offers_insert_and_read_only():
    public = set(audit_module.__all__)
    assert public == {"EVENTS", "AuditFilter", "audit", "read_audit", "now", "shell_actor"}  # shell_actor: who, not a write
    assert set(audit_sql.__all__) == {"now", "actor_name", "append_event", "select_events"}
    code = " ".join(_code_only(Path(m.__file__).read_text(encoding="utf-8")).upper() for m in (audit_module, audit_sql))
    assert "INSERT INTO AUDIT_LOG" in code and "FROM AUDIT_LOG" in code
    assert not re.search(r"\b(UPDATE|DELETE|TRUNCATE|DROP|ALTER)\b", code)


def _code_only(source: str) -> str:
    """The source without docstrings and comments (they may say "update" in prose)."""
    source = re.sub(r'"""[\s\S]*?"""', "", source)
    return re.sub(r"#.*", "", source)


APPEND_ONLY = ("audit_log", "login_attempts")
_WRITE = re.compile(r"\b(UPDATE|DELETE\s+FROM|TRUNCATE(\s+TABLE)?|DROP\s+TABLE(\s+IF\s+EXISTS)?|ALTER\s+TABLE"
                    r"|INSERT\s+OR\s+REPLACE\s+INTO|CREATE\s+OR\s+REPLACE\s+TABLE)\s+(?P<table>\w+)", re.IGNORECASE)


def test_no_update_or_delete_path_in_the_app():
    files = [ROOT / "app.py", *ROOT.glob("pages/*.py"), *ROOT.glob("cockpit/**/*.py")]
    offenders = []
    for path in files:
        for match in _WRITE.finditer(_code_only(path.read_text(encoding="utf-8"))):
            if match["table"].lower() in APPEND_ONLY:
                offenders.append(f"{path.relative_to(ROOT)}: {match.group(0)}")
    assert offenders == []
    assert len(files) > 20


def test_the_scan_would_catch_one():
    sample = 'con.execute("DELETE FROM audit_log WHERE 1")\ncon.execute("update login_attempts set x=1")'
    assert [m["table"] for m in _WRITE.finditer(sample)] == ["audit_log", "login_attempts"]
