"""The decision log of joint meetings (cockpit/store/decisions.py) on the tiny township."""

import datetime as dt

import duckdb
import pytest

from cockpit.store.schema import APP_TABLES, CSV_TABLES, MIGRATIONS, SCHEMA_VERSION
from cockpit.store import Store, build_database, decisions
from cockpit.store.build import upgrade_database
from cockpit.store.migrate import migrate
from tests.tiny_township import write_tiny_township

A, B = "350781105001", "350781105002"


@pytest.fixture
def con(tmp_path):
    folder = write_tiny_township(tmp_path / "tiny")
    db = tmp_path / "cockpit.duckdb"
    build_database(folder, db)
    c = duckdb.connect(str(db))
    yield c
    c.close()


def test_tables_are_app_tables_made_by_migration_5(con):
    assert {"meetings", "decisions"} <= {t.name for t in APP_TABLES}
    assert not {"meetings", "decisions"} & set(CSV_TABLES)  # never expected as CSV files
    assert "meetings" in MIGRATIONS[5][0] and SCHEMA_VERSION >= 5
    assert con.execute("SELECT count(*) FROM meetings").fetchone()[0] == 0


def test_existing_database_upgrades_to_migration_5(tmp_path):
    db = tmp_path / "old.duckdb"
    c = duckdb.connect(str(db))
    c.execute("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied_at TIMESTAMP NOT NULL, "
              "description VARCHAR NOT NULL)")
    for version in sorted(v for v in MIGRATIONS if v < 5):  # a database of schema version 4
        for sql in MIGRATIONS[version][1]:
            c.execute(sql)
        c.execute("INSERT INTO schema_version VALUES (?, current_timestamp, ?)", [version, MIGRATIONS[version][0]])
    c.close()
    assert 5 in upgrade_database(db)
    c = duckdb.connect(str(db), read_only=True)
    assert {r[0] for r in c.execute("SELECT table_name FROM information_schema.tables").fetchall()} >= {
        "meetings", "decisions"}
    c.close()


def test_record_list_and_mark_done(con):
    m1 = decisions.create_meeting(con, dt.date(2026, 10, 8), "九月联席会议", "2026-09",
                                  {"village_ids": [B]}, created_by="leader")
    d1 = decisions.record_item(con, m1, "action", "  修复岭头村网络信号  ", owner="王明",
                               department_id="net_office", village_id=B, due_on="2026-10-31",
                               slide="cross_department", at=dt.datetime(2026, 10, 8, 10, 0))
    d2 = decisions.record_item(con, m1, "decision", "每月通报超期诉求", slide="overview")
    assert (m1, d1, d2) == (1, 1, 2)
    meeting = decisions.get_meeting(con, m1)
    assert meeting.title == "九月联席会议" and meeting.filters == {"village_ids": [B]}
    assert meeting.held_on == dt.date(2026, 10, 8) and meeting.created_by == "leader"

    rows = decisions.items(con, meeting_id=m1)
    assert list(rows.columns) == list(decisions.ITEM_COLUMNS)
    first = rows.iloc[0]
    assert first["text"] == "修复岭头村网络信号"  # stored as typed, trimmed
    assert (first["kind"], first["owner"], first["department_id"], first["village_id"]) == (
        "action", "王明", "net_office", B)
    assert first["due_on"].date() == dt.date(2026, 10, 31) and first["status"] == "open"
    assert first["slide"] == "cross_department" and first["meeting_title"] == "九月联席会议"

    # a later meeting sees the first meeting's open items, earliest due first (no due date last)
    m2 = decisions.create_meeting(con, dt.date(2026, 11, 5), "十月联席会议", "2026-10")
    decisions.record_item(con, m2, "action", "本次会议事项")
    follow = decisions.open_items(con, exclude_meeting=m2)
    assert list(follow["decision_id"]) == [d1, d2]
    assert decisions.mark_done(con, d1, done_on=dt.date(2026, 11, 5))
    assert list(decisions.open_items(con, exclude_meeting=m2)["decision_id"]) == [d2]
    done = decisions.items(con, status="done")
    assert list(done["decision_id"]) == [d1] and done.iloc[0]["done_on"].date() == dt.date(2026, 11, 5)
    assert decisions.reopen(con, d1)
    assert list(decisions.open_items(con, exclude_meeting=m2)["decision_id"]) == [d1, d2]
    assert not decisions.mark_done(con, 999)
    assert len(decisions.open_items(con)) == 3


def test_text_is_stored_literally_and_bound_as_parameter(con):
    m = decisions.create_meeting(con, dt.date(2026, 11, 5), "t", "2026-10")
    nasty = "<img src=x onerror=alert(1)>'); DROP TABLE decisions; --"
    d = decisions.record_item(con, m, "decision", nasty, owner="O'Brien")
    row = decisions.items(con).set_index("decision_id").loc[d]
    assert row["text"] == nasty and row["owner"] == "O'Brien"


@pytest.mark.parametrize("kwargs,field", [
    (dict(kind="vote", text="x"), "kind"),
    (dict(kind="decision", text="   "), "text"),
    (dict(kind="decision", text="x", department_id="nope"), "department_id"),
    (dict(kind="decision", text="x", village_id="nope"), "village_id"),
    (dict(kind="decision", text="x", due_on="31/10/2026"), "due_on"),
    (dict(kind="decision", text="x" * (decisions.MAX_TEXT + 1)), "text"),
])
def test_bad_items_are_refused_naming_the_field(con, kwargs, field):
    m = decisions.create_meeting(con, dt.date(2026, 11, 5), "t", "2026-10")
    kind, text = kwargs.pop("kind"), kwargs.pop("text")
    with pytest.raises(ValueError, match=field):
        decisions.record_item(con, m, kind, text, **kwargs)
    assert decisions.items(con).empty


def test_bad_meetings_are_refused(con):
    with pytest.raises(ValueError, match="title"):
        decisions.create_meeting(con, dt.date(2026, 11, 5), " ", "2026-10")
    with pytest.raises(ValueError, match="period"):
        decisions.create_meeting(con, dt.date(2026, 11, 5), "t", "October")
    with pytest.raises(ValueError, match="meeting_id"):
        decisions.record_item(con, 42, "decision", "x")


def test_read_only_store_reads_the_log(tmp_path):
    folder = write_tiny_township(tmp_path / "tiny")
    db = tmp_path / "cockpit.duckdb"
    build_database(folder, db)
    c = duckdb.connect(str(db))
    m = decisions.create_meeting(c, dt.date(2026, 11, 5), "t", "2026-10")
    decisions.record_item(c, m, "decision", "x", department_id="health_office")
    c.close()
    store = Store(db)  # read-only, as the app reads
    try:
        cur = store.cursor()
        assert list(decisions.open_items(cur)["text"]) == ["x"]
        assert list(decisions.departments(cur)["department_id"]) == ["health_office", "net_office"]
    finally:
        store.close()


def test_in_memory_migration_has_the_tables():
    c = duckdb.connect()
    migrate(c)
    assert c.execute("SELECT count(*) FROM decisions").fetchone()[0] == 0
