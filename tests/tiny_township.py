"""A two-village township small enough to compute every metric by hand (see test_store.py)."""

from __future__ import annotations

import csv
from pathlib import Path

from cockpit.store.schema import table

ROWS: dict[str, list[dict]] = {
    "meta": [
        {"key": "township_name_zh", "value": "小溪镇"},
        {"key": "township_name_en", "value": "Xiaoxi Town"},
        {"key": "synthetic", "value": "true"},
        {"key": "data_end", "value": "2026-10"},
    ],
    "villages": [
        dict(village_id="350781105001", name_zh="城关社区", name_en="Chengguan Community",
             kind="seat", area_group="urban", population=2000, households=700, elderly_share=0.15,
             area_km2=3.0, distance_km=0.0, elevation_m=200, broadband_share=0.98,
             lon=118.10, lat=27.40),
        dict(village_id="350781105002", name_zh="岭头村", name_en="Lingtou Village",
             kind="village", area_group="rural", population=1000, households=380,
             elderly_share=0.32, area_km2=9.5, distance_km=12.5, elevation_m=650,
             broadband_share=0.71, lon=118.16, lat=27.45),
    ],
    "domains": [
        dict(domain_id="health", name_zh="医疗卫生", name_en="Health", sort_order=1),
        dict(domain_id="digital", name_zh="数字接入", name_en="Digital access", sort_order=2),
    ],
    "departments": [dict(department_id="health_office", name_zh="卫健办", name_en="Health Office"),
                    dict(department_id="net_office", name_zh="党政办", name_en="Network Office")],
    "categories": [
        dict(category_id="c1", domain_id="health", department_id="health_office", name_zh="看病就医",
             name_en="Medical care", response_hours=24, days_to_close=5),
        dict(category_id="c2", domain_id="digital", department_id="net_office", name_zh="网络信号",
             name_en="Network signal", response_hours=2, days_to_close=10),
    ],
    "facilities": [
        dict(facility_id="f1", village_id="350781105001", domain_id="health", name_zh="镇卫生院",
             name_en="Township Health Centre", lon=118.101, lat=27.401, capacity=40, staff=12),
    ],
    "coverage": [
        dict(period=p, village_id=v, domain_id=d, coverage=c)
        for p, v, d, c in [
            ("2026-09", "350781105001", "health", 0.85), ("2026-09", "350781105001", "digital", 0.75),
            ("2026-09", "350781105002", "health", 0.55), ("2026-09", "350781105002", "digital", 0.45),
            ("2026-10", "350781105001", "health", 0.90), ("2026-10", "350781105001", "digital", 0.80),
            ("2026-10", "350781105002", "health", 0.60), ("2026-10", "350781105002", "digital", 0.50),
        ]
    ],
    "allocations": [
        dict(period=p, village_id=v, domain_id=d, funding_yuan=f, staff_fte=s)
        for p, v, d, f, s in [
            ("2026-09", "350781105001", "health", 18000, 2), ("2026-09", "350781105001", "digital", 9000, 1),
            ("2026-09", "350781105002", "health", 12000, 1), ("2026-09", "350781105002", "digital", 3000, 0.5),
            ("2026-10", "350781105001", "health", 20000, 2), ("2026-10", "350781105001", "digital", 10000, 1),
            ("2026-10", "350781105002", "health", 15000, 1.5), ("2026-10", "350781105002", "digital", 5000, 0.5),
        ]
    ],
}

_A, _B = "350781105001", "350781105002"
# id, village, category, received, acknowledged, due, closed, resolved, satisfaction
_CASES = [
    ("1", _A, "c1", "2026-10-02 09:00", "2026-10-02 10:00", "2026-10-07 09:00", "2026-10-05 09:00", "true", 5),
    ("2", _A, "c2", "2026-10-03 09:00", "2026-10-03 12:00", "2026-10-13 09:00", "2026-10-20 09:00", "false", 2),
    ("3", _A, "c1", "2026-10-28 09:00", "", "2026-11-02 09:00", "", "", ""),
    ("4", _B, "c1", "2026-09-20 09:00", "2026-09-20 10:00", "2026-09-25 09:00", "", "", ""),
    ("5", _B, "c1", "2026-10-10 09:00", "2026-10-11 08:00", "2026-10-15 09:00", "2026-10-15 09:00", "", ""),
    ("6", _B, "c2", "2026-09-28 09:00", "2026-09-28 10:00", "2026-10-08 09:00", "2026-10-09 09:00", "true", 4),
    ("7", _B, "c1", "2026-10-20 09:00", "2026-10-20 09:30", "2026-10-25 09:00", "2026-10-19 09:00", "true", ""),
    # cancelled: left out of every count, rate, list and repeat (so none of the figures above moves)
    ("8", _A, "c1", "2026-10-05 09:00", "2026-10-05 10:00", "2026-10-10 09:00", "", "", ""),
]
_STATUS = {"8": "cancelled"}
# department owning the case (c2 cases belong to the network office), channel, coordinates
_DEPARTMENT = {"2": "net_office", "6": "net_office"}
_CHANNEL = {"5": "app", "7": "grid"}
_LONLAT = {"7": (118.11, 27.4)}  # about 990 m east of the others (118.1, 27.4)
# caller: cases 1, 2, 3 (and the cancelled 8) are 张三; 4 and 6 are 李小明; 5 and 7 call once
_CONTACT = {
    "1": ("张三", "13812341234", "小溪镇城关社区府前路1号"),
    "2": ("张三", "138-1234-1234", "小溪镇城关社区府前路1号"),
    "3": ("张三", "13812341234", "小溪镇城关社区府前路1号"),
    "4": ("李小明", "13900001111", "小溪镇岭头村3组8号"),
    "5": ("王五", "13700002222", "小溪镇岭头村1组2号"),
    "6": ("李小明", "13900001111", "小溪镇岭头村3组8号"),
    "7": ("赵六", "13600003333", "小溪镇岭头村5组9号"),
    "8": ("张三", "13812341234", "小溪镇城关社区府前路1号"),
}


def _ts(value: str) -> str:
    return f"{value}:00" if value else ""


ROWS["cases"] = [
    dict(case_id=i, village_id=v, category_id=c, department_id=_DEPARTMENT.get(i, "health_office"),
         channel=_CHANNEL.get(i, "hotline"),
         received_at=_ts(r), acknowledged_at=_ts(a), due_at=_ts(d), closed_at=_ts(cl),
         status=_STATUS.get(i, "closed" if cl else "open"), resolved=res, satisfaction=sat,
         rated_at=_ts(cl) if sat != "" else "", lon=_LONLAT.get(i, (118.1, 27.4))[0],
         lat=_LONLAT.get(i, (118.1, 27.4))[1], summary="测试诉求")
    for i, v, c, r, a, d, cl, res, sat in _CASES
]
ROWS["case_contacts"] = [
    dict(case_id=i, citizen_name=name, phone=phone, address=address)
    for i, (name, phone, address) in _CONTACT.items()
]


def write_tiny_township(folder: Path) -> Path:
    """Write the tiny township's CSV files into ``folder`` and return it."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in ROWS.items():
        columns = table(name).column_names
        with open(folder / f"{name}.csv", "w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=columns)
            writer.writeheader()
            for row in rows:
                writer.writerow({c: row.get(c, "") for c in columns})
    return folder
