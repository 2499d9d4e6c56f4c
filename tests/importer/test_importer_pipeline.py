"""Imports end to end against a copy of the sample database: report, load, quarantine, record,
saved mappings, undo, failures, exports."""

from __future__ import annotations

import hashlib
import io
import json
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from cockpit.importer import ImportFailed, Options, check, export_table, load, open_upload, source_name, \
    suggested_mapping, undo
from cockpit.store import imports as imports_sql
from tests import importer_fixtures as fx

ROOT = Path(__file__).resolve().parents[2]
GEODATA = ROOT / "geodata" / "villages.geojson"


@pytest.fixture
def con(fresh_db):
    c = duckdb.connect(str(fresh_db))
    yield c
    c.close()


def run(con, data: bytes, filename: str, kind: str, tmp_path: Path, mode: str = "valid_rows",
        mapping: dict | None = None, options: Options = Options(), source: str | None = "auto"):
    upload = open_upload(data, filename, kind)
    source = source_name(filename) if source == "auto" else source
    chosen = suggested_mapping(con, upload, source)
    chosen.update(mapping or {})
    checked = check(con, upload, chosen, options, geodata_path=GEODATA)
    result = load(con, upload, checked, mode=mode, user="tester", source=source, imports_dir=tmp_path / "imports",
                  geodata_path=GEODATA, options=options)
    return upload, checked, result


def by_line(checked):
    out = {}
    for issue in checked.issues():
        out.setdefault(issue.line, []).append((issue.severity, issue.problem.code))
    return out


def test_messy_cases_file_report_and_load(con, tmp_path):
    data = fx.messy_cases_csv().encode("gbk")
    upload, checked, result = run(con, data, "12345工单_2026年10月.csv", "cases", tmp_path)
    issues = by_line(checked)
    assert issues[4] == [("flag", "coords_swapped")]
    assert issues[5] == [("flag", "closed_before_received")]
    assert issues[6] == [("error", "impossible_date")]
    assert issues[7] == [("error", "unknown_ref")]
    assert issues[8] == [("error", "duplicate_key")] and issues[9] == [("error", "duplicate_key")]
    assert issues[13] == [("error", "coords_outside")]
    assert set(issues) == {4, 5, 6, 7, 8, 9, 13}
    dup = next(i for i in checked.issues() if i.line == 8)
    assert dup.problem.params["lines"] == [9]

    assert (result.status, result.inserted, result.rejected, result.flagged) == ("loaded", 6, 5, 2)
    cases = con.execute("SELECT * FROM cases WHERE case_id LIKE 'M0%' ORDER BY case_id").df().set_index("case_id")
    assert list(cases.index) == ["M001", "M002", "M003", "M007", "M008", "M009"]
    m1 = cases.loc["M001"]
    assert m1["village_id"] == fx.LINGTOU                       # matched by its unique name 岭头村
    assert m1["received_at"] == pd.Timestamp("2026-10-05 08:30")
    assert m1["closed_at"] == pd.Timestamp("2026-10-07 23:59:59")  # date-only closure: end of day
    assert m1["summary"] == "水管破裂\n第二行" and m1["status"] == "closed" and m1["department_id"] == "URB"
    assert m1["due_at"] == pd.Timestamp("2026-10-10 08:30")     # received + water's 5 days to close
    assert (cases.loc["M002", "lon"], cases.loc["M002", "lat"]) == (118.14, 27.43)  # swapped back
    assert cases.loc["M002", "status"] == "open" and pd.isna(cases.loc["M002", "closed_at"])
    assert cases.loc["M003", "received_at"] == pd.Timestamp("2026-10-08 17:00")   # +00:00 → Beijing time
    assert cases.loc["M003", "closed_at"] < cases.loc["M003", "received_at"]       # kept, flagged
    assert cases.loc["M007", "received_at"] == pd.Timestamp("2026-10-07 12:00")    # Excel serial
    assert cases.loc["M008", "closed_at"] == pd.Timestamp("2026-10-10 17:30")      # M/D/YY H:MM
    assert cases.loc["M009", "received_at"] == pd.Timestamp("2026-10-11 15:20")    # 下午3:20
    contacts = con.execute("SELECT * FROM case_contacts WHERE case_id LIKE 'M0%'").fetchall()
    assert contacts == [("M001", "张三", "18259831085", None)]

    quarantine = imports_sql.quarantine(con, result.batch_id)
    assert list(quarantine["line"]) == [6, 7, 8, 9, 13]
    assert json.loads(quarantine["raw_row"][0])["工单编号"] == "M004"
    batch = imports_sql.batch(con, result.batch_id)
    assert (batch["rows_in"], batch["rows_loaded"], batch["rows_rejected"], batch["rows_flagged"]) == (11, 6, 5, 2)
    assert (batch["user_name"], batch["kind"], batch["status"], batch["source_name"]) == ("tester", "cases",
                                                                                          "loaded", "12345工单")
    stored = Path(batch["stored_path"])
    assert stored.read_bytes() == data and batch["sha256"] == hashlib.sha256(data).hexdigest()
    assert json.loads(batch["details"])["encoding"] == "GB18030"


def test_load_nothing_leaves_the_data_as_it_was(con, tmp_path):
    before = con.execute("SELECT count(*) FROM cases").fetchall()
    _, checked, result = run(con, fx.messy_cases_csv().encode(), "cases.csv", "cases", tmp_path,
                             mode="all_or_nothing")
    assert result.status == "rejected" and result.message.code == "rejected_all_or_nothing"
    assert con.execute("SELECT count(*) FROM cases").fetchall() == before
    assert con.execute("SELECT count(*) FROM quarantine").fetchall() == [(0,)]
    assert imports_sql.batch(con, result.batch_id)["status"] == "rejected"
    assert imports_sql.saved_mapping(con, "cases", "cases") is None


def _villages_rows(con) -> pd.DataFrame:
    return con.execute("SELECT * FROM villages ORDER BY village_id").df()


def test_upsert_and_undo_restore_exactly(con, tmp_path):
    before = _villages_rows(con)
    seat = before[before["village_id"] == fx.SEAT].iloc[0]
    lingtou = before[before["village_id"] == fx.LINGTOU].iloc[0]
    changed = [fx.SEAT, seat["name_zh"], seat["name_en"], "镇区", "城镇", 9999, seat["households"],
               seat["elderly_share"], seat["lon"], seat["lat"]]
    same = [fx.LINGTOU, lingtou["name_zh"], lingtou["name_en"], lingtou["kind"], lingtou["area_group"],
            lingtou["population"], lingtou["households"], lingtou["elderly_share"], lingtou["lon"], lingtou["lat"]]
    data = fx.villages_csv([changed, same, fx.new_village_row()]).encode()
    _, checked, result = run(con, data, "villages.csv", "villages", tmp_path, mapping={"name_en": "Romanized"})
    assert not checked.rejected
    assert (result.inserted, result.updated, result.unchanged) == (1, 1, 1)
    after = _villages_rows(con).set_index("village_id")
    assert after.loc[fx.SEAT, "population"] == 9999
    assert after.loc[fx.NEW_VILLAGE, "name_en"] == "Xinfeng Village"
    assert after.loc[fx.NEW_VILLAGE, "elderly_share"] == pytest.approx(0.31)
    assert after.loc[fx.SEAT, "broadband_share"] == seat["broadband_share"]  # not in the file: kept
    undone = undo(con, result.batch_id, "tester")
    assert (undone.inserted, undone.updated) == (1, 1)
    pd.testing.assert_frame_equal(_villages_rows(con), before)
    assert imports_sql.batch(con, result.batch_id)["status"] == "undone"
    with pytest.raises(ImportFailed, match="not_undoable"):
        undo(con, result.batch_id, "tester")


def test_undo_refuses_while_a_later_import_changed_the_same_rows(con, tmp_path):
    before = _villages_rows(con)
    row = fx.new_village_row()
    _, _, first = run(con, fx.villages_csv([row]).encode(), "villages.csv", "villages", tmp_path)
    row[5] = 900
    _, _, second = run(con, fx.villages_csv([row]).encode(), "villages.csv", "villages", tmp_path)
    assert second.updated == 1
    with pytest.raises(ImportFailed) as info:
        undo(con, first.batch_id, "tester")
    assert info.value.problem.code == "undo_later_batches" and info.value.problem.params["later"] == [second.batch_id]
    undo(con, second.batch_id, "tester")
    assert con.execute("SELECT population FROM villages WHERE village_id = ?", [fx.NEW_VILLAGE]).fetchall() == [(812,)]
    undo(con, first.batch_id, "tester")
    pd.testing.assert_frame_equal(_villages_rows(con), before)


def test_mapping_is_remembered_for_next_months_file(con, tmp_path):
    header = ("编码", "名称", "Romanized", "类型", "城乡", "人数", "户数", "老龄化率", "经度", "纬度")
    data = fx.villages_csv([fx.new_village_row()], header=header).encode()
    upload = open_upload(data, "村情_2026年10月.csv", "villages")
    assert suggested_mapping(con, upload, "村情")["name_en"] is None
    _, _, result = run(con, data, "村情_2026年10月.csv", "villages", tmp_path,
                       mapping={"village_id": "编码", "name_en": "Romanized", "area_group": "城乡",
                                "population": "人数"})
    assert result.status == "loaded"
    nxt = open_upload(data, "村情_2026年11月.csv", "villages")
    remembered = suggested_mapping(con, nxt, source_name(nxt.filename))
    assert (remembered["village_id"], remembered["name_en"], remembered["population"]) == ("编码", "Romanized", "人数")


def test_open311_requests(con, tmp_path):
    records = fx.open311(4)
    _, checked, result = run(con, json.dumps(records).encode(), "requests.json", "cases", tmp_path)
    assert result.status == "loaded" and result.inserted == 4 and not checked.rejected
    assert "note_located" in {n.code for n in checked.notes}
    rows = con.execute("SELECT case_id, status, received_at, closed_at, due_at, village_id, department_id "
                       "FROM cases WHERE case_id LIKE 'O311-%' ORDER BY case_id").fetchall()
    assert rows[0][1:5] == ("closed", datetime(2026, 10, 1, 9), datetime(2026, 10, 3, 10), datetime(2026, 10, 11, 9))
    assert rows[1][1] == "open" and rows[1][3] is None   # the update time of an open request is not a closure
    located = {r[5] for r in rows}
    assert len(located) == 1 and located.pop().startswith("3507811052")
    addresses = con.execute("SELECT address FROM case_contacts WHERE case_id LIKE 'O311-%'").fetchall()
    assert addresses == [("青溪镇岭头村3组5号",)] * 4


def test_excel_cases(con, tmp_path):
    _, checked, result = run(con, fx.excel_cases(), "工单.xlsx", "cases", tmp_path)
    assert not checked.rejected and result.inserted == 3
    rows = dict(con.execute("SELECT case_id, satisfaction FROM cases WHERE case_id LIKE 'X00%'").fetchall())
    assert rows == {"X001": 4, "X002": 5, "X003": 5}
    village = con.execute("SELECT DISTINCT village_id FROM cases WHERE case_id LIKE 'X00%'").fetchall()
    assert village == [(fx.LINGTOU,)]


def test_other_kinds_coverage_facilities_and_tasks(con, tmp_path):
    coverage = "月份,村编码,服务领域,覆盖率\n2026年11月,350781105203,health,85%\n2026-11,350781105203,health,0.9\n" \
               "2026/11,350781105203,education,1.2\n"
    _, checked, result = run(con, coverage.encode(), "coverage.csv", "coverage", tmp_path)
    assert [i.problem.code for i in checked.issues()] == ["duplicate_key", "duplicate_key", "share_range"]
    assert result.inserted == 0 and result.status == "rejected"
    facilities = "设施编码,设施名称,服务领域,lon,lat,容量,人员\nF9001,新卫生室,health,118.1418,27.4338,4,1.5\n"
    _, checked, result = run(con, facilities.encode(), "facilities.csv", "facilities", tmp_path)
    assert result.inserted == 1 and {n.code for n in checked.notes} >= {"note_located", "note_english_name"}
    tasks = "任务编号,支部,类别,任务名称,下达日期,截止日期,完成日期,进度,佐证数\n" \
            "T9001,PB350781105203,safety,检查山塘,2026-10-01,2026-09-01,,50%,0\n"
    _, checked, result = run(con, tasks.encode(), "tasks.csv", "party_tasks", tmp_path)
    assert result.inserted == 1 and [i.problem.code for i in checked.issues()] == ["due_before_assigned"]
    assert con.execute("SELECT status, title_en FROM party_tasks WHERE task_id = 'T9001'").fetchall() == [
        ("in_progress", "检查山塘")]


def test_a_failure_midway_rolls_everything_back_and_is_recorded(con, tmp_path, monkeypatch):
    before = con.execute("SELECT count(*) FROM cases").fetchall()
    real = imports_sql.load_rows

    def half(c, batch_id, table, data, update=None):
        real(c, batch_id, table, data, update)
        raise RuntimeError("disk full")

    monkeypatch.setattr(imports_sql, "load_rows", half)
    with pytest.raises(RuntimeError, match="disk full"):
        run(con, fx.messy_cases_csv().encode(), "cases.csv", "cases", tmp_path)
    assert con.execute("SELECT count(*) FROM cases").fetchall() == before
    assert con.execute("SELECT count(*) FROM import_batch_rows").fetchall() == [(0,)]
    failed = imports_sql.batches(con)
    assert list(failed["status"]) == ["failed"] and "disk full" in failed["message"][0]


def test_exports_mask_personal_data_unless_allowed(con, tmp_path):
    csv = export_table(con, "case_contacts", "csv")
    frame = pd.read_csv(io.BytesIO(csv), dtype=str, encoding="utf-8-sig")
    assert frame["phone"].str.contains(r"^\d{3}\*{4}\d{4}$").all()
    assert not frame["citizen_name"].str.len().eq(frame["citizen_name"].str.count(r"\*")).any()
    raw = pd.read_parquet(io.BytesIO(export_table(con, "case_contacts", "parquet", allow_personal=True)))
    assert raw["phone"].str.fullmatch(r"\d{11}").all()
    cases = pd.read_parquet(io.BytesIO(export_table(con, "cases", "parquet")))
    assert len(cases) == con.execute("SELECT count(*) FROM cases").fetchall()[0][0]
    exports = imports_sql.batches(con)
    assert list(exports["direction"]) == ["export"] * 3 and list(exports["status"]) == ["exported"] * 3
    with pytest.raises(KeyError, match="not an exportable table"):
        export_table(con, "users", "csv")


def test_quarantine_export_masks_the_personal_cells(con, tmp_path):
    bad = fx.cases_csv(["Q001,not a date,,350781105203,roads,x,李小明,13812341234,",
                        "Q002,2026-10-01,,350781105203,roads,ok,,,"])
    run(con, bad.encode(), "cases.csv", "cases", tmp_path)
    raw = imports_sql.read_table(con, "quarantine")
    assert "13812341234" in raw["raw_row"][0]
    masked = pd.read_csv(io.BytesIO(export_table(con, "quarantine", "csv")), encoding="utf-8-sig")
    record = json.loads(masked["raw_row"][0])
    assert record["联系电话"] == "138****1234" and record["来电人"] == "李**" and record["工单编号"] == "Q001"


def test_unmapped_required_field_and_unknown_header_fail_clearly(con):
    upload = open_upload(b"a,b\n1,2\n", "x.csv", "cases")
    with pytest.raises(ImportFailed) as info:
        check(con, upload, {"case_id": "a"})
    assert info.value.problem.code == "unmapped_required"
    assert set(info.value.problem.params["fields"]) == {"category_id", "received_at"}
    with pytest.raises(ImportFailed, match="unknown_header"):
        check(con, upload, {"case_id": "zzz"})


def test_imports_undo_and_exports_reach_the_audit_log(con, tmp_path):
    from cockpit.auth.audit_log import AuditFilter, read_audit

    _, _, result = run(con, fx.villages_csv([fx.new_village_row()]).encode(), "villages.csv", "villages", tmp_path)
    undo(con, result.batch_id, "tester")
    export_table(con, "cases", "csv", user="li")
    log = read_audit(con, AuditFilter(events=("import", "export")))
    assert list(log["event"]) == ["export", "import", "import"]
    assert list(log["user_name"]) == ["li", "tester", "tester"]
    details = [json.loads(d) for d in log["detail"]]
    assert details[1]["action"] == "undo" and details[2]["rows_loaded"] == 1
