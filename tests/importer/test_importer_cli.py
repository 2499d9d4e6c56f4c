"""``python -m cockpit import|export|imports|undo``."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from cockpit.cli import main
from tests import importer_fixtures as fx

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def db(fresh_db):
    return fresh_db


def test_import_report_list_and_undo(db, tmp_path, capsys):
    file = tmp_path / "12345工单_2026年10月.csv"
    file.write_bytes(fx.messy_cases_csv().encode("gbk"))
    report = tmp_path / "report.csv"
    code = main(["import", "cases", str(file), "--db", str(db), "--imports-dir", str(tmp_path / "imp"),
                 "--report", str(report), "--user", "wang"])
    out = capsys.readouterr().out
    assert code == 0
    assert "11 rows, 6 valid, 5 rejected, 2 flagged" in out
    assert "line 6: error: 受理时间: “2026-02-30 10:00” is not a real date or time" in out
    assert "import #1 loaded: 6 new" in out
    frame = pd.read_csv(report, encoding="utf-8-sig", dtype=str)
    assert set(frame["Code"].dropna()) >= {"impossible_date", "duplicate_key", "closed_before_received"}

    assert main(["imports", "--db", str(db)]) == 0
    assert "wang" in capsys.readouterr().out
    assert main(["undo", "1", "--db", str(db), "--user", "wang"]) == 0
    assert "7 rows removed, 0 restored (case_contacts: 1 removed, 0 restored; cases: 6 removed" in capsys.readouterr().out
    assert main(["undo", "1", "--db", str(db)]) == 1
    assert "cannot be undone" in capsys.readouterr().err


def test_all_or_nothing_exit_code_and_saved_mapping(db, tmp_path, capsys):
    file = tmp_path / "cases.csv"
    file.write_text(fx.messy_cases_csv(), encoding="utf-8")
    code = main(["import", "cases", str(file), "--db", str(db), "--imports-dir", str(tmp_path / "imp"),
                 "--all-or-nothing"])
    assert code == 1 and "nothing loaded" in capsys.readouterr().out
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT count(*) FROM cases WHERE case_id LIKE 'M0%'").fetchall() == [(0,)]
    con.close()
    villages = tmp_path / "村情.csv"
    villages.write_text(fx.villages_csv([fx.new_village_row()]), encoding="utf-8")
    assert main(["import", "villages", str(villages), "--db", str(db), "--imports-dir", str(tmp_path / "imp"),
                 "--mapping", "村情月报"]) == 0
    con = duckdb.connect(str(db), read_only=True)
    saved = json.loads(con.execute("SELECT mapping FROM column_mappings WHERE source_name = '村情月报'").fetchall()[0][0])
    con.close()
    assert saved["columns"]["village_id"] == "行政区划代码" and saved["columns"]["population"] == "户籍人口"


def test_boundaries_and_unusable_file(db, tmp_path, capsys):
    geodata = tmp_path / "villages.geojson"
    shutil.copy(ROOT / "geodata" / "villages.geojson", geodata)
    villages = tmp_path / "v.csv"
    villages.write_text(fx.villages_csv([fx.new_village_row()]), encoding="utf-8")
    common = ["--db", str(db), "--imports-dir", str(tmp_path / "imp"), "--geodata", str(geodata)]
    assert main(["import", "villages", str(villages), *common]) == 0
    shape = tmp_path / "new.geojson"
    shape.write_bytes(fx.as_bytes(fx.new_village_geojson()["features"][0]["geometry"]))
    assert main(["import", "boundaries", str(shape), *common]) == 2
    assert "name its village" in capsys.readouterr().err
    assert main(["import", "boundaries", str(shape), *common, "--village-id", fx.NEW_VILLAGE]) == 0
    assert fx.NEW_VILLAGE in geodata.read_text(encoding="utf-8")
    junk = tmp_path / "old.xls"
    junk.write_bytes(b"\xd0\xcf\x11\xe0" + b"\x00" * 64)
    assert main(["import", "cases", str(junk), *common]) == 2
    assert "save it as .xlsx or CSV" in capsys.readouterr().err


def test_export_masks_unless_allowed(db, tmp_path, capsys):
    out = tmp_path / "contacts.csv"
    assert main(["export", "case_contacts", "--format", "csv", "--out", str(out), "--db", str(db)]) == 0
    assert "personal data masked" in capsys.readouterr().out
    masked = pd.read_csv(out, dtype=str, encoding="utf-8-sig")
    assert masked["phone"].str.contains(r"\*{4}").all()
    parquet = tmp_path / "contacts.parquet"
    assert main(["export", "case_contacts", "--format", "parquet", "--out", str(parquet), "--db", str(db),
                 "--allow-personal", "--user", "admin"]) == 0
    assert pd.read_parquet(parquet)["phone"].str.fullmatch(r"\d{11}").all()
    con = duckdb.connect(str(db), read_only=True)
    rows = con.execute("SELECT direction, kind, user_name FROM import_batches ORDER BY batch_id").fetchall()
    con.close()
    assert rows == [("export", "case_contacts", "local"), ("export", "case_contacts", "admin")]


def test_missing_database_is_a_clear_error(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["imports", "--db", str(tmp_path / "none.duckdb")])
    assert exit_.value.code == 2 and "no database" in capsys.readouterr().err


def _la311(month: str, rows: list[tuple]) -> str:
    """A Los Angeles style 311 export: its own headers and its own coded values."""
    header = "SRNumber,CreatedDate,ClosedDate,RequestType,Status,RequestSource,Neighborhood,Summary"
    lines = [f"{sr},{month}-0{d} 0{h}:05,{'' if status == 'Open' else f'{month}-0{d + 1} 10:00'},{kind},{status},"
             f"{source},{place},{note}" for sr, d, h, kind, status, source, place, note in rows]
    return "\n".join([header, *lines]) + "\n"


LA_NOVEMBER = [("1-001", 3, 8, "Pothole", "Open", "Voice In", "岭头村", "x"),
               ("1-002", 4, 9, "Bulky Items", "Referred Out", "Mobile App", "岭头村", "y"),
               ("1-003", 5, 7, "Pothole", "Closed", "Call", "溪口村", "z")]


def test_mapping_unmapping_and_value_translations_from_the_command_line_are_remembered(db, tmp_path, capsys):
    common = ["--db", str(db), "--imports-dir", str(tmp_path / "imp")]
    first = tmp_path / "la311_2026-11.csv"
    first.write_text(_la311("2026-11", LA_NOVEMBER), encoding="utf-8")
    assert main(["import", "cases", str(first), *common]) == 2        # Case id and Category: no column
    assert "Case id" in capsys.readouterr().err

    assert main(["import", "cases", str(first), *common, "--map", "case_id=SRNumber", "--map",
                 "category_id=RequestType", "--map", "village_id=Neighborhood", "--map", "channel=RequestSource",
                 "--unmap", "summary"]) == 1
    out = capsys.readouterr().out                                        # every category and channel unknown
    assert "nothing loaded" in out and "“Voice In”" in out

    values = ["--value", "category_id:Pothole=roads", "--value", "category_id:Bulky Items=sanitation",
              "--value", "channel:Voice In=hotline", "--value", "channel:Mobile App=app",
              "--value", "channel:Call=hotline", "--value", "status:Referred Out=closed"]
    assert main(["import", "cases", str(first), *common, "--map", "case_id=SRNumber", "--map",
                 "category_id=RequestType", "--map", "village_id=Neighborhood", "--map", "channel=RequestSource",
                 "--unmap", "summary", *values]) == 0
    out = capsys.readouterr().out
    assert "import #" in out and "3 new" in out and "not mapped: " in out and "summary" in out.split("not mapped: ")[1]
    assert "cells read through the source's value translations" in out
    with duckdb.connect(str(db), read_only=True) as con:
        got = con.execute("SELECT case_id, category_id, channel, status, summary FROM cases "
                          "WHERE case_id LIKE '1-00%' ORDER BY case_id").fetchall()
    assert got == [("1-001", "roads", "hotline", "open", None), ("1-002", "sanitation", "app", "closed", None),
                   ("1-003", "roads", "hotline", "closed", None)]

    second = tmp_path / "la311_2026-12.csv"                              # next month: the same source, no option
    second.write_text(_la311("2026-12", [("2-001", 1, 8, "Bulky Items", "Referred Out", "Call", "溪口村", "w")]),
                      encoding="utf-8")
    assert main(["import", "cases", str(second), *common]) == 0
    out = capsys.readouterr().out
    assert "mapping: case_id <- 'SRNumber'" in out and "status: 'Referred Out' = closed" in out
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT category_id, channel, status, summary FROM cases WHERE case_id = '2-001'"
                           ).fetchall() == [("sanitation", "hotline", "closed", None)]


@pytest.mark.parametrize("option, message", [
    (["--map", "nonsense=SRNumber"], "write FIELD=COLUMN with a field of cases"), (["--map", "case_id=NoSuchColumn"], "no column"),
    (["--unmap", "nonsense"], "has no field"), (["--value", "channel=hotline"], "FIELD:THEIR VALUE=OUR CODE")])
def test_bad_mapping_options_are_refused_with_the_reason(db, tmp_path, capsys, option, message):
    file = tmp_path / "la311_2026-11.csv"
    file.write_text(_la311("2026-11", LA_NOVEMBER), encoding="utf-8")
    assert main(["import", "cases", str(file), "--db", str(db), "--imports-dir", str(tmp_path / "imp"), *option]) == 2
    assert message in capsys.readouterr().err


def test_messages_that_say_what_happened(db, tmp_path, capsys):
    common = ["--db", str(db), "--imports-dir", str(tmp_path / "imp")]
    cut = tmp_path / "cut.csv"
    cut.write_text('工单编号,受理时间,诉求类别\n"A1,2026-11-01 09:00,roads\nA2,2026-11-02 09:00,water\n', encoding="utf-8")
    assert main(["import", "cases", str(cut), *common]) == 2
    assert "ends inside a quoted cell that starts on line 2" in capsys.readouterr().err
    bare = tmp_path / "bare.csv"
    bare.write_text("A1,2026-11-01 09:00,roads\nA2,2026-11-02 09:00,water\n", encoding="utf-8")
    assert main(["import", "cases", str(bare), *common]) == 2
    captured = capsys.readouterr()
    assert "the first row was taken as the header (A1, 2026-11-01 09:00, roads" in captured.out
    assert "required fields have no column" in captured.err
    empty = tmp_path / "empty.geojson"
    empty.write_text('{"type": "FeatureCollection", "features": []}', encoding="utf-8")
    assert main(["import", "boundaries", str(empty), *common, "--geodata", str(tmp_path / "g.geojson")]) == 2
    assert "holds no features" in capsys.readouterr().err
    quoted = tmp_path / "quoted.csv"                       # a quote inside a cell is no cut: read as written
    quoted.write_text('工单编号,受理时间,所属村,诉求类别,诉求内容\nQ1,2026-11-01 09:00,岭头村,water,5" 水管\n',
                      encoding="utf-8")
    assert main(["import", "cases", str(quoted), *common]) == 0


def test_the_local_time_zone_is_a_setting(db, tmp_path, capsys, monkeypatch):
    file = tmp_path / "offsets.csv"
    file.write_text("工单编号,受理时间,所属村,诉求类别\nZ1,2026-11-01T01:30:00+00:00,岭头村,water\n", encoding="utf-8")
    common = ["--db", str(db), "--imports-dir", str(tmp_path / "imp")]
    monkeypatch.setenv("COCKPIT_TIME_ZONE", "Mars/Olympus_Mons")
    assert main(["import", "cases", str(file), *common]) == 2
    assert "local_time_zone (COCKPIT_TIME_ZONE) is not a known time zone" in capsys.readouterr().err
    monkeypatch.setenv("COCKPIT_TIME_ZONE", "Europe/Paris")
    assert main(["import", "cases", str(file), *common]) == 0
    with duckdb.connect(str(db), read_only=True) as con:
        assert str(con.execute("SELECT received_at FROM cases WHERE case_id = 'Z1'").fetchone()[0]) == \
            "2026-11-01 02:30:00"                                  # UTC+1 in November


def test_a_villages_file_of_codes_and_coordinates_updates_known_villages_only(db, tmp_path, capsys):
    file = tmp_path / "坐标.csv"
    file.write_text("行政区划代码,经度,纬度\n350781105203,118.1401,27.4302\n350781105299,118.23,27.45\n",
                    encoding="utf-8")
    assert main(["import", "villages", str(file), "--db", str(db), "--imports-dir", str(tmp_path / "imp")]) == 0
    out = capsys.readouterr().out
    assert "1 updated" in out and "line 3: error" in out and "is empty but required" in out   # a new village needs them
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT lon, lat, kind, population > 0 FROM villages WHERE village_id = '350781105203'"
                           ).fetchone() == (118.1401, 27.4302, "village", True)
