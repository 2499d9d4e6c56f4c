"""The store against the tiny township, every figure computed by hand (tests/tiny_township.py)."""

import math

import duckdb
import pytest

from cockpit.store.schema import SCHEMA_VERSION
from cockpit.store import BuildError, Store, StoreError, build_database
from tests.tiny_township import write_tiny_township

A, B = "350781105001", "350781105002"


@pytest.fixture(scope="module")
def tiny_db(tmp_path_factory):
    folder = write_tiny_township(tmp_path_factory.mktemp("tiny"))
    db = folder / "cockpit.duckdb"
    build_database(folder, db)
    return db


@pytest.fixture(scope="module")
def store(tiny_db):
    s = Store(tiny_db)
    yield s
    s.close()


def _row(df, village_id):
    if village_id is None:
        return df[df["village_id"].isna()].iloc[0]
    return df[df["village_id"] == village_id].iloc[0]


def test_build_is_idempotent_and_versioned(tiny_db):
    report = build_database(tiny_db.parent, tiny_db)
    assert "nothing to do" in report
    con = duckdb.connect(str(tiny_db), read_only=True)
    assert con.execute("SELECT max(version) FROM schema_version").fetchone()[0] == SCHEMA_VERSION
    assert con.execute("SELECT count(*) FROM cases").fetchone()[0] == 8  # 7 + 1 cancelled
    con.close()


def test_ids_stay_text(store):
    assert list(store.villages()["village_id"]) == [A, B]


def test_case_counts_october_township(store):
    t = _row(store.case_counts("2026-10"), None)
    expected = dict(received=5, responded_on_time=3, due=5, closed_of_due=5, on_time_of_due=3,
                    closed=5, rated=3, satisfied=2, resolution_flagged=4, resolved=3,
                    open_at_end=2, overdue_at_end=1)
    assert {k: int(t[k]) for k in expected} == expected
    assert t["median_days_to_close"] == pytest.approx(8.0)
    assert t["p90_days_to_close"] == pytest.approx(15.2)


def test_case_counts_october_by_village(store):
    counts = store.case_counts("2026-10")
    a, b = _row(counts, A), _row(counts, B)
    assert (a["received"], a["responded_on_time"], a["due"], a["on_time_of_due"]) == (3, 1, 2, 1)
    assert (a["open_at_end"], a["overdue_at_end"]) == (1, 0)
    assert a["median_days_to_close"] == pytest.approx(10.0)
    assert (b["received"], b["due"], b["on_time_of_due"], b["closed"], b["rated"]) == (2, 3, 2, 3, 1)
    assert (b["open_at_end"], b["overdue_at_end"]) == (1, 1)
    assert b["median_days_to_close"] == pytest.approx(8.0)


def test_case_counts_september_backlog(store):
    t = _row(store.case_counts("2026-09"), None)
    assert (t["received"], t["responded_on_time"], t["due"], t["closed_of_due"]) == (2, 2, 1, 0)
    assert (t["open_at_end"], t["overdue_at_end"]) == (2, 1)
    assert math.isnan(t["median_days_to_close"])


def test_monthly_counts_equal_the_township_row(store):
    by_month = store.case_counts_by_period().set_index("period")
    assert list(by_month.index) == ["2026-09", "2026-10"]
    for period in by_month.index:
        t = _row(store.case_counts(period), None)
        for col in ("received", "due", "on_time_of_due", "closed", "satisfied", "open_at_end",
                    "overdue_at_end"):
            assert by_month.loc[period, col] == t[col], (period, col)


def test_period_without_cases_gives_zeros(store):
    t = _row(store.case_counts("2025-01"), None)
    assert t["received"] == 0 and t["due"] == 0


def test_periods_and_reference_data(store):
    assert store.periods() == ["2026-09", "2026-10"]
    assert store.meta()["township_name_zh"] == "小溪镇"
    assert list(store.domains()["domain_id"]) == ["health", "digital"]
    cov = store.coverage_by_period()
    oct_health = cov[(cov.period == "2026-10") & (cov.domain_id == "health")].iloc[0]
    assert oct_health["people_covered"] / oct_health["population"] == pytest.approx(0.8)


def test_missing_file_and_foreign_database(tmp_path):
    with pytest.raises(StoreError, match="not found"):
        Store(tmp_path / "none.duckdb")
    foreign = tmp_path / "foreign.duckdb"
    duckdb.connect(str(foreign)).execute("CREATE TABLE x (a INT)").close()
    with pytest.raises(StoreError, match="not a cockpit database"):
        Store(foreign)
    junk = tmp_path / "junk.duckdb"
    junk.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match=str(junk)):
        Store(junk)
    with pytest.raises(BuildError, match="not a readable DuckDB"):
        build_database(tmp_path, junk)


def test_bad_input_names_file_and_row_and_leaves_no_file(tmp_path):
    folder = write_tiny_township(tmp_path / "src")
    text = (folder / "cases.csv").read_text(encoding="utf-8").splitlines()
    text[3] = text[3].replace("2026-10-28 09:00:00", "2026-13-45 09:00:00", 1)
    (folder / "cases.csv").write_text("\n".join(text) + "\n", encoding="utf-8")
    db = tmp_path / "out.duckdb"
    with pytest.raises(BuildError, match=r"cases.csv: row 3: received_at = '2026-13-45"):
        build_database(folder, db)
    assert not db.exists()
    assert list(tmp_path.glob("*.building*")) == []


def test_unknown_reference_and_duplicate_id(tmp_path):
    folder = write_tiny_township(tmp_path / "src")
    text = (folder / "coverage.csv").read_text(encoding="utf-8").replace("350781105002", "999", 1)
    (folder / "coverage.csv").write_text(text, encoding="utf-8")
    with pytest.raises(BuildError, match="coverage.csv: village_id '999' does not exist"):
        build_database(folder, tmp_path / "a.duckdb")
    folder = write_tiny_township(tmp_path / "src2")
    lines = (folder / "cases.csv").read_text(encoding="utf-8").splitlines()
    (folder / "cases.csv").write_text("\n".join(lines + [lines[1]]) + "\n", encoding="utf-8")
    with pytest.raises(BuildError, match="cases.csv: .*duplicate key"):
        build_database(folder, tmp_path / "b.duckdb")


def test_replace_rebuilds_in_place(tmp_path):
    folder = write_tiny_township(tmp_path / "src")
    db = tmp_path / "c.duckdb"
    build_database(folder, db)
    assert "built" in build_database(folder, db, replace=True)
    assert Store(db).schema_version == SCHEMA_VERSION


def test_existing_version_1_database_is_upgraded_not_rebuilt(tmp_path):
    from cockpit.store.schema import MIGRATIONS
    from cockpit.store.migrate import current_version

    folder = write_tiny_township(tmp_path / "src")
    db = tmp_path / "old.duckdb"
    con = duckdb.connect(str(db))
    con.execute("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, "
                "applied_at TIMESTAMP NOT NULL, description VARCHAR NOT NULL)")
    for sql in MIGRATIONS[1][1]:
        con.execute(sql)
    con.execute("INSERT INTO schema_version VALUES (1, current_timestamp, 'v1')")
    con.execute("INSERT INTO meta VALUES ('township_name_zh', '旧镇')")
    con.close()
    assert "upgraded to schema version" in build_database(folder, db)
    con = duckdb.connect(str(db), read_only=True)
    assert current_version(con) == SCHEMA_VERSION
    assert con.execute("SELECT value FROM meta").fetchone()[0] == "旧镇"  # data kept
    assert con.execute("SELECT count(*) FROM norms").fetchone()[0] == 0
    con.close()


def test_optional_columns_may_be_left_out_but_required_ones_may_not(tmp_path):
    import pandas as pd

    folder = write_tiny_township(tmp_path / "src")
    villages = pd.read_csv(folder / "villages.csv", dtype=str)
    villages.drop(columns=["households", "elevation_m", "broadband_share"]).to_csv(folder / "villages.csv", index=False)
    db = tmp_path / "a.duckdb"
    build_database(folder, db)
    store = Store(db)
    got = store.villages()
    store.close()
    assert len(got) == len(villages) and got["households"].isna().all() and got["population"].notna().all()
    villages.drop(columns=["population"]).to_csv(folder / "villages.csv", index=False)
    with pytest.raises(BuildError, match="villages.csv: missing column"):
        build_database(folder, tmp_path / "b.duckdb")
