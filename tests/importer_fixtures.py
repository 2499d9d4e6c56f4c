"""Input files for the importer tests, written by code (no network, nothing committed).

Every input the import issue lists has a builder here: encodings, delimiters, quoted newlines,
missing-value tokens, every date format, text ids, coordinates, Excel workbooks, Open311 JSON and
GeoJSON in its shapes. Village ids and names are those of the sample township (sample_data/).
"""

from __future__ import annotations

import io
import json
from datetime import datetime

SEAT = "350781105001"          # 城关社区, the township seat
LINGTOU = "350781105203"       # 岭头村
NEW_VILLAGE = "350781105299"   # not in the sample: added by the import tests
NEW_BOX = (118.22, 27.44, 118.24, 27.46)  # east of the sample villages, inside the township's box

CASES_HEADER = "工单编号,受理时间,办结时间,所属村,诉求类别,诉求内容,来电人,联系电话,坐标"


def cases_csv(rows: list[str], header: str = CASES_HEADER, delimiter: str = ",") -> str:
    text = "\n".join([header, *rows]) + "\n"
    return text if delimiter == "," else text.replace(",", delimiter)


def messy_cases_csv() -> str:
    """One row per case the issue lists, with known outcomes (see test_importer_pipeline)."""
    return cases_csv([
        'M001,2026/10/05 08:30,2026年10月7日,岭头村,water,"水管破裂\n第二行",张三,18259831085,"(27.43, 118.14)"',
        "M002,10/06/2026 09:15:00 AM,NA,350781105203,roads,路面坑洼,-,null,\"(118.14, 27.43)\"",
        "M003,2026-10-08T09:00:00+00:00,2026-10-07 10:00,350781105203,roads,先结后收,,,",
        "M004,2026-02-30 10:00,,350781105203,roads,日期不存在,,,",
        "M005,2026-10-09,,不存在村,roads,未知村,,,",
        "M006,2026-10-09,,350781105203,roads,重复一,,,",
        "M006,2026-10-10,,350781105203,roads,重复二,,,",
        "M007,46302.5,46305,350781105203,roads,Excel序列号,,,",
        "M008,10/9/26 8:05,10/10/26 17:30,350781105203,roads,Excel改写的日期,,,",
        "M009,2026年10月11日 下午3:20,2026-10-12,350781105203,roads,中文日期,,,",
        "M010,2026-10-12 08:00,,350781105203,roads,坐标超出,,,\"(40.1, 100.2)\"",
    ])


def villages_csv(rows: list[list], header=("行政区划代码", "村名", "Romanized", "类型", "城乡分类", "户籍人口",
                                           "户数", "老龄化率", "经度", "纬度")) -> str:
    lines = [",".join(header)] + [",".join("" if v is None else str(v) for v in r) for r in rows]
    return "\n".join(lines) + "\n"


def new_village_row(vid: str = NEW_VILLAGE, name: str = "新丰村", en: str = "Xinfeng Village") -> list:
    lon = (NEW_BOX[0] + NEW_BOX[2]) / 2
    lat = (NEW_BOX[1] + NEW_BOX[3]) / 2
    return [vid, name, en, "村", "农村", 812, 260, "31%", round(lon, 6), round(lat, 6)]


def square(x0: float, y0: float, x1: float, y1: float) -> list:
    return [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]


def feature(vid: str | None, rings: list, props: dict | None = None, multi: bool = False) -> dict:
    p = dict(props or {})
    if vid is not None:
        p.setdefault("village_id", vid)
    geometry = {"type": "MultiPolygon" if multi else "Polygon", "coordinates": rings}
    return {"type": "Feature", "properties": p, "geometry": geometry}


def collection(features: list[dict]) -> dict:
    return {"type": "FeatureCollection", "features": features}


def new_village_geojson(vid: str = NEW_VILLAGE) -> dict:
    return collection([feature(vid, square(*NEW_BOX), {"name_zh": "新丰村", "name_en": "Xinfeng Village"})])


def as_bytes(doc: dict) -> bytes:
    return json.dumps(doc, ensure_ascii=False).encode("utf-8")


def open311(records: int = 3) -> list[dict]:
    """GeoReport v2 service requests (as returned by GET requests.json)."""
    out = []
    for i in range(records):
        closed = i % 2 == 0
        out.append({
            "service_request_id": f"O311-{i:04d}", "status": "closed" if closed else "open",
            "status_notes": None, "service_name": "Roads and transport", "service_code": "roads",
            "description": f"Pothole {i}", "agency_responsible": "URB", "service_notice": None,
            "requested_datetime": f"2026-10-{i + 1:02d}T09:00:00+08:00",
            "updated_datetime": f"2026-10-{i + 3:02d}T10:00:00+08:00",
            "expected_datetime": f"2026-10-{i + 11:02d}T09:00:00+08:00",
            "address": "青溪镇岭头村3组5号", "address_id": None, "zipcode": None,
            "lat": 27.4338, "long": 118.1418, "media_url": None,
        })
    return out


def xlsx_bytes(header: list[str], rows: list[list], sheets_before: int = 0) -> bytes:
    """A workbook whose first sheet with data holds ``header`` and ``rows`` (cells typed as given)."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for n in range(sheets_before):
        ws.title = f"empty{n}"
        ws = wb.create_sheet(f"data{n}")
    ws.append(header)
    for r in rows:
        ws.append(r)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def excel_cases() -> bytes:
    header = ["工单编号", "受理时间", "办结时间", "所属村", "诉求类别", "满意度"]
    rows = [
        ["X001", datetime(2026, 10, 5, 8, 30), datetime(2026, 10, 6, 9, 0), 350781105203, "roads", "满意"],
        ["X002", 46301.25, None, "350781105203", "roads", 5],     # a serial number, a text id
        ["X003", "2026-10-07 10:00", "2026-10-08", 350781105203.0, "roads", "非常满意"],
    ]
    return xlsx_bytes(header, rows, sheets_before=1)
