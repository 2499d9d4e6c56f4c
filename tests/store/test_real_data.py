"""Demo accounts are a property of the sample: the first import of real data, or a build from a
folder that is not the sample, makes the database real (meta synthetic = false), once, audited."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import duckdb
import pytest

from cockpit.auth.audit_log import AuditFilter, read_audit
from cockpit.auth.login import LoginPolicy, authenticate, is_synthetic
from cockpit.cli import main
from cockpit.importer import ImportFailed, check, load, open_upload, source_name, suggested_mapping, undo
from cockpit.store import imports as imports_sql
from cockpit.store.build import build_database
from cockpit.store.real_data import EVENT, mark_real_data
from tests import importer_fixtures as fx
from tests.auth_fixtures import FAST
from tests.tiny_township import write_tiny_township

ROOT = Path(__file__).resolve().parents[2]
GEODATA = ROOT / "geodata" / "villages.geojson"

ONE_CASE = fx.cases_csv(["R001,2026-10-05 08:30,,350781105203,roads,路面坑洼,,,"]).encode()
TWO_CASES = fx.cases_csv(["R002,2026-10-06 09:00,,350781105203,roads,路灯不亮,,,",
                          "R003,2026-10-07 10:00,,350781105203,water,停水,,,"]).encode()


@pytest.fixture
def con(fresh_db):
    c = duckdb.connect(str(fresh_db))
    yield c
    c.close()


def run(con, data: bytes, filename: str, kind: str, tmp_path: Path, mode: str = "valid_rows",
        geodata: Path = GEODATA):
    upload = open_upload(data, filename, kind)
    source = source_name(filename)
    checked = check(con, upload, suggested_mapping(con, upload, source), geodata_path=geodata)
    return load(con, upload, checked, mode=mode, user="tester", source=source, imports_dir=tmp_path / "imports",
                geodata_path=geodata)


def meta_synthetic(con) -> str | None:
    row = con.execute("SELECT value FROM meta WHERE key = 'synthetic'").fetchone()
    return row[0] if row else None


def entries(con) -> list[tuple[str, dict]]:
    log = read_audit(con, AuditFilter(events=(EVENT,)))
    return [(u, json.loads(d)) for u, d in zip(log["user_name"], log["detail"])]


def demo_admin(con):
    return authenticate(con, "admin", "demo-admin", policy=LoginPolicy(), params=FAST)


def test_the_sample_is_synthetic_and_its_demo_admin_signs_in(con):
    assert meta_synthetic(con) == "true" and is_synthetic(con)
    assert entries(con) == []
    assert demo_admin(con).ok


def test_first_import_of_cases_makes_the_data_real_and_ends_the_demo_accounts(con, tmp_path):
    result = run(con, ONE_CASE, "12345工单_2026年10月.csv", "cases", tmp_path)
    assert (result.status, result.inserted) == ("loaded", 1)
    assert meta_synthetic(con) == "false" and not is_synthetic(con)
    assert entries(con) == [("tester", {"via": "import", "batch_id": result.batch_id, "kind": "cases",
                                        "file": "12345工单_2026年10月.csv"})]
    refused = demo_admin(con)
    assert not refused.ok and refused.reason == "demo_disabled"

    second = run(con, TWO_CASES, "12345工单_2026年11月.csv", "cases", tmp_path)
    assert (second.status, second.inserted) == ("loaded", 2)
    assert meta_synthetic(con) == "false" and len(entries(con)) == 1  # no second entry


def test_the_import_event_comes_first_in_the_same_commit(con, tmp_path):
    result = run(con, ONE_CASE, "cases.csv", "cases", tmp_path)
    log = read_audit(con, AuditFilter(events=("import", EVENT)))
    assert list(log["event"]) == [EVENT, "import"]            # newest first
    assert json.loads(log["detail"][1])["batch_id"] == result.batch_id


def test_refused_import_leaves_the_sample_synthetic(con, tmp_path):
    result = run(con, fx.messy_cases_csv().encode(), "cases.csv", "cases", tmp_path, mode="all_or_nothing")
    assert result.status == "rejected"
    nothing_valid = fx.cases_csv(["R009,not a date,,350781105203,roads,x,,,"]).encode()
    result = run(con, nothing_valid, "cases.csv", "cases", tmp_path)
    assert result.status == "rejected" and result.message.code == "nothing_valid"
    assert meta_synthetic(con) == "true" and entries(con) == []
    assert demo_admin(con).ok


def test_failed_import_rolls_the_flag_back_with_everything_else(con, tmp_path, monkeypatch):
    real = imports_sql.record_batch

    def failing(c, row):
        if row.get("status") == "loaded":
            raise RuntimeError("disk full")
        real(c, row)

    monkeypatch.setattr(imports_sql, "record_batch", failing)
    with pytest.raises(RuntimeError, match="disk full"):
        run(con, ONE_CASE, "cases.csv", "cases", tmp_path)
    assert list(imports_sql.batches(con)["status"]) == ["failed"]
    assert meta_synthetic(con) == "true" and entries(con) == []


def test_unreadable_file_changes_nothing(con, tmp_path):
    with pytest.raises(ImportFailed):
        run(con, b"\xd0\xcf\x11\xe0" + b"\x00" * 64, "old.xls", "cases", tmp_path)
    assert meta_synthetic(con) == "true" and entries(con) == []


def test_undo_does_not_make_the_data_synthetic_again(con, tmp_path):
    result = run(con, fx.villages_csv([fx.new_village_row()]).encode(), "villages.csv", "villages", tmp_path)
    assert result.status == "loaded" and entries(con)[0][1]["kind"] == "villages"
    undo(con, result.batch_id, "tester")
    assert meta_synthetic(con) == "false" and len(entries(con)) == 1
    assert demo_admin(con).reason == "demo_disabled"


def test_coverage_counts_as_real_data(con, tmp_path):
    coverage = "月份,村编码,服务领域,覆盖率\n2026-11,350781105203,health,0.9\n".encode()
    result = run(con, coverage, "coverage.csv", "coverage", tmp_path)
    assert (result.status, result.inserted) == ("loaded", 1)
    assert meta_synthetic(con) == "false" and entries(con)[0][1]["kind"] == "coverage"


def test_boundaries_count_as_real_data(con, tmp_path):
    geodata = tmp_path / "villages.geojson"
    shutil.copy(GEODATA, geodata)
    seat = next(f for f in json.loads(GEODATA.read_text(encoding="utf-8"))["features"]
                if f["properties"]["village_id"] == fx.SEAT)
    result = run(con, fx.as_bytes(fx.collection([seat])), "seat.geojson", "boundaries", tmp_path, geodata=geodata)
    assert result.status == "loaded"
    assert meta_synthetic(con) == "false" and entries(con)[0][1]["kind"] == "boundaries"


def test_mark_real_data_audits_only_the_change_from_synthetic(con):
    con.execute("DELETE FROM meta WHERE key = 'synthetic'")         # an older real database
    assert mark_real_data(con, "tester", {"via": "test"}) is False
    assert meta_synthetic(con) == "false" and entries(con) == []
    assert mark_real_data(con, "tester", {"via": "test"}) is False  # already real: unchanged
    assert meta_synthetic(con) == "false" and entries(con) == []


def _write_meta(folder: Path, synthetic: str | None) -> None:
    rows = [{"key": "township_name_zh", "value": "小溪镇"}, {"key": "township_name_en", "value": "Xiaoxi Town"}]
    if synthetic is not None:
        rows.append({"key": "synthetic", "value": synthetic})
    with (folder / "meta.csv").open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, ["key", "value"])
        writer.writeheader()
        writer.writerows(rows)


@pytest.mark.parametrize("synthetic", [None, "false", "no"])
def test_init_db_from_a_folder_of_real_data_is_not_synthetic(tmp_path, capsys, monkeypatch, synthetic):
    monkeypatch.setattr("getpass.getuser", lambda: "zhang")
    src = write_tiny_township(tmp_path / "src")
    _write_meta(src, synthetic)
    db = tmp_path / "real.duckdb"
    assert main(["init-db", "--from", str(src), "--db", str(db)]) == 0
    assert "real data" in capsys.readouterr().out
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert meta_synthetic(con) == "false" and not is_synthetic(con)
        assert entries(con) == [("cli:zhang", {"via": "init-db", "folder": str(src)})]
    finally:
        con.close()


def test_init_db_from_a_synthetic_folder_stays_synthetic(tmp_path, capsys):
    src = write_tiny_township(tmp_path / "src")  # its meta.csv says synthetic = true
    db = tmp_path / "tiny.duckdb"
    assert main(["init-db", "--from", str(src), "--db", str(db)]) == 0
    assert "real data" not in capsys.readouterr().out
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert meta_synthetic(con) == "true" and entries(con) == []
    finally:
        con.close()


def test_the_sample_database_is_built_synthetic(sample_db):
    con = duckdb.connect(str(sample_db), read_only=True)
    try:
        assert is_synthetic(con) and entries(con) == []
    finally:
        con.close()


def test_build_without_an_actor_records_the_system(tmp_path):
    src = write_tiny_township(tmp_path / "src")
    _write_meta(src, None)
    db = tmp_path / "real.duckdb"
    assert "real data" in build_database(src, db)
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert meta_synthetic(con) == "false" and entries(con) == [(None, {"via": "init-db", "folder": str(src)})]
    finally:
        con.close()
