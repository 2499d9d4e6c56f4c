"""A county database from townships' packages: the figures survive the trip, each package is loaded
whole or refused with its reason, and a township's newer package replaces the older."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from cockpit.metrics import snapshot
from cockpit.values.case_filter import CaseFilter
from cockpit.cli import main
from cockpit.county import assemble
from cockpit.county.assemble import add_packages, create_county
from cockpit.county.package import MANIFEST, publish
from cockpit.store import Store, build_database
from cockpit.store import county_sql
from tests.tiny_township import write_tiny_township

A, B = "350781105", "350781106"


def _township(folder: Path, code: str, name_zh: str, name_en: str) -> Path:
    """The tiny township under the code ``code`` (its villages' codes start with it)."""
    src = write_tiny_township(folder / "src")
    for csv in src.glob("*.csv"):
        text = csv.read_text(encoding="utf-8").replace(A, code)
        csv.write_text(text.replace("小溪镇", name_zh).replace("Xiaoxi Town", name_en), encoding="utf-8")
    db = folder / "township.duckdb"
    build_database(src, db)
    return db


def _publish(db: Path, out: Path, at: str = "2026-11-02T09:00:00") -> Path:
    with duckdb.connect(str(db)) as con:
        publish(con, None, out, "township-clerk", at=pd.Timestamp(at).to_pydatetime())
    return out


@pytest.fixture(scope="module")
def towns(tmp_path_factory):
    root = tmp_path_factory.mktemp("county")
    a = _township(root / "a", A, "小溪镇", "Xiaoxi Town")
    b = _township(root / "b", B, "大溪镇", "Daxi Town")
    return {"a": a, "b": b, "pa": _publish(a, root / "pkg-a"), "pb": _publish(b, root / "pkg-b"), "root": root}


@pytest.fixture
def county(tmp_path):
    db = tmp_path / "county.duckdb"
    create_county(db, "青溪县", "Qingxi County")
    return db


def _count(db: Path, sql: str) -> int:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchone()[0]


def test_two_townships_with_the_same_case_ids_stay_apart_and_keep_their_figures(county, towns):
    results = add_packages(county, [towns["pa"], towns["pb"]], "county-clerk")
    assert [(r.township, r.loaded, r.refused) for r in results] == [(A, True, ""), (B, True, "")]
    own = _count(towns["a"], "SELECT count(*) FROM cases")
    assert results[0].rows["cases"] == own and results[1].rows["cases"] == own
    assert _count(county, "SELECT count(DISTINCT case_id) FROM cases") == 2 * own   # qualified: no clash
    assert _count(county, f"SELECT count(*) FROM cases WHERE case_id LIKE '{B}:%'") == own
    county_store = Store(county)
    try:
        for code, key in ((A, "a"), (B, "b")):
            township = Store(towns[key])
            try:
                period = township.periods()[-1]
                ids = tuple(township.villages()["village_id"])
                theirs = township.case_counts(period).query("village_id.notna()").set_index("village_id")
                ours = county_store.case_counts(period, CaseFilter(village_ids=ids)).query(
                    "village_id.notna()").set_index("village_id")
                pd.testing.assert_frame_equal(ours.loc[theirs.index], theirs, check_dtype=False)
                table_theirs = snapshot.village_table(township, period).set_index("village_id")
                table_ours = snapshot.village_table(county_store, period).set_index("village_id").loc[list(ids)]
                columns = [c for c in table_theirs.columns if c.startswith(("coverage:", "funding", "cases"))]
                assert columns
                pd.testing.assert_frame_equal(table_ours[columns], table_theirs[columns], check_dtype=False)
            finally:
                township.close()
    finally:
        county_store.close()
    with duckdb.connect(str(county), read_only=True) as con:
        held = county_sql.registered(con)
        assert set(held) == {A, B} and held[B]["name_zh"] == "大溪镇" and held[B]["made_by"] == "township-clerk"
        events = con.execute("SELECT count(*) FROM audit_log WHERE event = 'county_add' "
                             "AND user_name = 'county-clerk'").fetchone()[0]
    assert events == 2


def test_a_newer_package_replaces_the_township_and_an_older_one_is_refused(county, towns, tmp_path):
    add_packages(county, [towns["pa"]], "clerk")
    before = _count(county, "SELECT count(*) FROM cases")
    newer = _publish(towns["a"], tmp_path / "pkg-a-newer", at="2026-12-01T09:00:00")
    (again,) = add_packages(county, [newer], "clerk")
    assert again.loaded and again.replaced
    assert _count(county, "SELECT count(*) FROM cases") == before            # replaced, not doubled
    assert _count(county, "SELECT count(*) FROM villages") == _count(towns["a"], "SELECT count(*) FROM villages")
    (stale,) = add_packages(county, [towns["pa"]], "clerk")
    assert not stale.loaded and stale.refused.startswith("stale:") and "2026-12-01" in stale.refused


def test_a_tampered_package_is_refused_and_the_others_still_load(county, towns, tmp_path):
    bad = tmp_path / "pkg-b-tampered"
    _publish(towns["b"], bad)
    with open(bad / "cases.parquet", "r+b") as fh:
        fh.seek(200)
        byte = fh.read(1)
        fh.seek(200)
        fh.write(bytes([byte[0] ^ 0xFF]))
    results = add_packages(county, [bad, towns["pa"]], "clerk")
    assert not results[0].loaded and "cases.parquet does not match its checksum" in results[0].refused
    assert results[1].loaded
    assert _count(county, f"SELECT count(*) FROM villages WHERE village_id LIKE '{B}%'") == 0


def test_a_package_of_another_schema_version_is_refused(county, towns, tmp_path):
    old = tmp_path / "pkg-old"
    _publish(towns["b"], old)
    doc = json.loads((old / MANIFEST).read_text(encoding="utf-8"))
    doc["schema_version"] -= 1
    (old / MANIFEST).write_text(json.dumps(doc), encoding="utf-8")
    (result,) = add_packages(county, [old], "clerk")
    assert not result.loaded and "schema version" in result.refused


def test_one_township_twice_in_a_run_and_a_village_of_another_township_are_refused(county, towns, tmp_path):
    results = add_packages(county, [towns["pa"], towns["pa"]], "clerk")
    assert results[0].loaded and results[1].refused == f"township {A} comes twice in this run"
    # a package naming itself another township but holding township A's villages
    copy = tmp_path / "renamed.duckdb"
    copy.write_bytes(towns["a"].read_bytes())
    with duckdb.connect(str(copy)) as con:
        con.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('township_code', '350781199')")
    (clash,) = add_packages(county, [_publish(copy, tmp_path / "pkg-renamed")], "clerk")
    assert not clash.loaded and clash.refused.startswith(f"village {A}001 belongs to township {A}")


def test_a_failure_while_loading_leaves_the_county_as_it_was(county, towns, monkeypatch):
    real = county_sql.load_own

    def failing(con, code, table, parquet):
        if table == "cases":
            raise duckdb.ConstraintException("simulated failure")
        return real(con, code, table, parquet)

    monkeypatch.setattr(assemble.sql, "load_own", failing)
    (result,) = add_packages(county, [towns["pb"]], "clerk")
    assert not result.loaded and result.refused.startswith("not loaded, nothing changed")
    for table in ("villages", "coverage", "facilities", "county_townships", "departments"):
        assert _count(county, f"SELECT count(*) FROM {table}") == 0, table


def test_a_shared_list_defined_otherwise_keeps_the_county_s_and_says_so(county, towns, tmp_path):
    other = tmp_path / "other.duckdb"
    other.write_bytes(towns["b"].read_bytes())
    with duckdb.connect(str(other)) as con:
        con.execute("UPDATE departments SET name_en = 'Health Bureau' WHERE department_id = 'health_office'")
    add_packages(county, [towns["pa"]], "clerk")
    (result,) = add_packages(county, [_publish(other, tmp_path / "pkg-other")], "clerk")
    assert result.loaded and result.conflicts == {"departments": ["health_office"]}
    assert _count(county, "SELECT count(*) FROM departments WHERE name_en = 'Health Office'") == 1


def test_the_command_line_makes_the_county_and_says_what_became_of_each_package(towns, tmp_path, capsys):
    db = tmp_path / "cli-county.duckdb"
    assert main(["county", "add", str(towns["pa"]), "--db", str(db)]) == 2
    assert "give --name-zh and --name-en" in capsys.readouterr().err
    code = main(["county", "add", str(towns["pa"]), str(towns["pb"]), str(tmp_path / "missing"), "--db", str(db),
                 "--name-zh", "青溪县", "--name-en", "Qingxi County", "--user", "clerk"])
    out, err = capsys.readouterr()
    assert code == 1
    assert f"township {A} 小溪镇 added" in out and f"township {B} 大溪镇 added" in out
    assert "missing: refused:" in err
    assert _count(db, "SELECT count(*) FROM county_townships") == 2
    assert main(["county", "add", str(towns["pa"]), "--db", str(towns["a"])]) == 2
    assert "a township's database, not a county's" in capsys.readouterr().err


def test_a_package_carrying_a_personal_field_is_refused_by_the_county(county, towns, tmp_path):
    from cockpit.store.backup import file_sha256

    bad = _publish(towns["b"], tmp_path / "pkg-personal")
    path = bad / "cases.parquet"
    with duckdb.connect() as con:   # a phone column added, the manifest made to match: the column is refused
        con.execute(f"COPY (SELECT *, '138 0000 0000' AS phone FROM read_parquet('{path}')) TO '{path}.new' "
                    "(FORMAT PARQUET)")
    Path(f"{path}.new").replace(path)
    doc = json.loads((bad / MANIFEST).read_text(encoding="utf-8"))
    doc["files"]["cases.parquet"].update(bytes=path.stat().st_size, sha256=file_sha256(path))
    (bad / MANIFEST).write_text(json.dumps(doc), encoding="utf-8")
    (result,) = add_packages(county, [bad], "clerk")
    assert not result.loaded and "carries personal data (phone)" in result.refused
    assert _count(county, "SELECT count(*) FROM cases") == 0
