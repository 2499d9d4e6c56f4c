"""Exports for roles that may not see personal data generalise locations (issue 13): the
administrator's CSV of ``cases`` holds no coordinate finer than the 0.01° grid, ``case_contacts``
has masked names beside village-level addresses only, the export dialog says what was masked and
generalised, and the audit entry records it. The command line's ``--allow-personal`` still writes
the exact points, and says so in the audit log."""

from __future__ import annotations

import html
import io
import json
from decimal import Decimal
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from cockpit.auth.audit_log import read_audit
from cockpit.importer.exporting import export_table, mask_quarantine
from cockpit.text.privacy import GRID_DEG
from tests.app.conftest import sign_in

ROOT = Path(__file__).resolve().parents[2]


def _decimals(value: str) -> int:
    return max(0, -Decimal(value).normalize().as_tuple().exponent) if value not in ("", "nan") else 0


def _export_page(table: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    sign_in(at, "admin")
    at.switch_page("pages/data.py")
    at.query_params["lang"] = "en"
    at.run()
    at.selectbox(key="data_export_table").set_value(table).run()
    assert not at.exception, at.exception
    return at


def test_the_administrator_s_cases_export_has_grid_points_only(fresh_db, click_download):
    con = duckdb.connect(str(fresh_db), read_only=True)
    exact = con.execute("SELECT count(*) FROM cases WHERE lon IS NOT NULL AND round(lon, 2) <> lon").fetchone()[0]
    con.close()
    assert exact > 0, "the sample's cases have exact points to generalise"
    at = _export_page("cases")
    assert not [c for c in at.checkbox if c.key == "data_export_personal"]  # the role may not unmask
    notes = [html.unescape(i.value) for i in at.info]
    assert any("Generalised in this file: lon, lat rounded to a grid of 0.01°" in n for n in notes), notes
    assert any("Masked in this file: summary" in n for n in notes), notes
    frame = pd.read_csv(io.BytesIO(click_download(at, "data_export_download")), dtype=str,
                        encoding="utf-8-sig", keep_default_na=False)
    assert len(frame) > 1000
    assert max(_decimals(v) for v in frame["lon"]) <= 2 and max(_decimals(v) for v in frame["lat"]) <= 2
    con = duckdb.connect(str(fresh_db), read_only=True)
    try:
        log = read_audit(con)
    finally:
        con.close()
    entry = log[log["event"] == "export"].iloc[0]
    detail = entry.detail if isinstance(entry.detail, dict) else json.loads(entry.detail)
    assert entry.user_name == "admin"
    assert detail["generalised"] == ["lon", "lat"] and detail["grid_deg"] == GRID_DEG and detail["personal"] is False


def test_case_contacts_put_no_precise_address_beside_a_masked_name(fresh_db, click_download):
    at = _export_page("case_contacts")
    notes = [html.unescape(i.value) for i in at.info]
    assert any("Masked in this file: citizen_name, phone, address" in n for n in notes), notes
    assert not any("Generalised" in n for n in notes)  # this table has no points
    frame = pd.read_csv(io.BytesIO(click_download(at, "data_export_download")), dtype=str,
                        encoding="utf-8-sig", keep_default_na=False)
    assert "lon" not in frame.columns and "lat" not in frame.columns
    addresses = [a for a in frame["address"] if a]
    assert addresses and not any(ch.isdigit() for a in addresses for ch in a)  # no group, house, flat
    assert all(n.endswith("*") for n in frame["citizen_name"] if n)


def test_allow_personal_keeps_exact_points_and_says_so(fresh_db):
    con = duckdb.connect(str(fresh_db))
    try:
        exact = pd.read_csv(io.BytesIO(export_table(con, "cases", "csv", allow_personal=True, user="cli")), dtype=str,
                            encoding="utf-8-sig", keep_default_na=False)
        log = read_audit(con)
    finally:
        con.close()
    assert max(_decimals(v) for v in exact["lon"]) > 2
    detail = log.iloc[0].detail if isinstance(log.iloc[0].detail, dict) else json.loads(log.iloc[0].detail)
    assert (log.iloc[0].user_name, detail["personal"], detail["generalised"]) == ("cli", True, [])


def test_quarantined_case_rows_lose_their_exact_point():
    frame = pd.DataFrame({"batch_id": [1], "line": [3], "raw_row": [json.dumps(
        {"编号": "C1", "经度": "118.123456", "纬度": "27.654321", "姓名": "张三", "摘要": "路灯"}, ensure_ascii=False)],
        "personal_keys": [json.dumps({"经度": "lon", "纬度": "lat", "姓名": "citizen_name"}, ensure_ascii=False)]})
    row = json.loads(mask_quarantine(frame).iloc[0]["raw_row"])
    assert (row["经度"], row["纬度"], row["姓名"], row["摘要"]) == (118.12, 27.65, "张*", "路灯")


@pytest.mark.parametrize(("value", "expected"), [(118.123456, 118.12), (27.675, 27.68), ("26.1", 26.1),
                                                 (None, None), ("", ""), ("not a number", "***")])
def test_generalise_coordinate(value, expected):
    from cockpit.text.privacy import generalise_coordinate

    assert generalise_coordinate(value) == expected
