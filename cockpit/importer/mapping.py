"""Column mapping: which header of the file feeds which target field, suggested automatically.

:func:`suggest` matches headers against the field names and their English and Chinese synonyms
(受理时间 → received_at, 所属村 → village_id, requested_datetime → received_at …): an exact
match after normalisation first, then a header that contains a synonym (工单受理时间). A mapping
saved for the same source (:func:`source_name` of next month's file is the same) wins over the
suggestions as long as its headers are still in the file.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import PurePath

from cockpit.importer.kinds import Kind

__all__ = ["SYNONYMS", "SavedMapping", "normalise", "suggest", "source_name", "missing_required"]

# field -> synonyms, best first. Kind-specific lists (KIND_SYNONYMS) come before these.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "village_id": ("village_id", "village_code", "villagecode", "村编码", "村代码", "村居编码",
                   "行政区划代码", "区划代码", "统计用区划代码", "所属村编码", "adcode",
                   "所属村", "所属村居", "所属社区", "村（社区）", "村居", "村社区", "村名", "village",
                   "villagename", "村", "社区"),
    "name_zh": ("name_zh", "中文名称", "中文名", "名称", "村名", "村居名称", "村（社区）名称", "村名称",
                "设施名称", "支部名称", "name", "名字"),
    "name_en": ("name_en", "英文名称", "英文名", "english_name", "englishname", "拼音", "pinyin"),
    "title_zh": ("title_zh", "任务名称", "任务", "标题", "title", "事项"),
    "title_en": ("title_en", "英文标题", "english_title"),
    "kind": ("kind", "村居类型", "类型", "type", "村类型"),
    "area_group": ("area_group", "城乡分类", "城乡属性", "城乡", "urban_rural", "urbanrural"),
    "population": ("population", "户籍人口", "总人口", "人口", "人口数", "pop"),
    "households": ("households", "总户数", "户数", "households_count"),
    "elderly_share": ("elderly_share", "老龄化率", "60岁以上人口占比", "老年人口比例", "老年人口占比"),
    "area_km2": ("area_km2", "面积（平方公里）", "面积平方公里", "面积", "area"),
    "distance_km": ("distance_km", "距镇区距离", "到镇距离", "距离", "distance"),
    "elevation_m": ("elevation_m", "海拔", "海拔（米）", "elevation", "altitude"),
    "broadband_share": ("broadband_share", "宽带入户率", "宽带覆盖率", "宽带", "broadband"),
    "lon": ("lon", "lng", "long", "longitude", "经度", "x"),
    "lat": ("lat", "latitude", "纬度", "y"),
    "point": ("point", "location", "coordinates", "coords", "latlon", "lat_lon", "lat/lon", "坐标",
              "位置", "经纬度"),
    "case_id": ("case_id", "service_request_id", "工单号", "工单编号", "诉求编号", "案件编号",
                "request_id", "ticket_id", "单号", "编号", "ticket", "id"),
    "category_id": ("category_id", "service_code", "category", "诉求类别", "事项类型", "问题类型",
                    "类别", "分类", "service_name", "诉求分类"),
    "department_id": ("department_id", "agency_responsible", "承办部门", "责任部门", "办理部门",
                      "处置部门", "部门", "department", "agency"),
    "channel": ("channel", "来源渠道", "诉求渠道", "受理渠道", "渠道", "来源", "source"),
    "received_at": ("received_at", "requested_datetime", "受理时间", "来电时间", "登记时间", "接收时间",
                    "诉求时间", "反映时间", "创建时间", "created_at", "created", "created_date",
                    "opened_at", "opened", "open_date", "received", "requested"),
    "acknowledged_at": ("acknowledged_at", "签收时间", "首次响应时间", "响应时间", "接单时间",
                        "acknowledged", "ack_time"),
    "due_at": ("due_at", "expected_datetime", "应办结时间", "办理时限", "截止时间", "到期时间",
               "限办时间", "due_date", "deadline", "due"),
    "closed_at": ("closed_at", "办结时间", "结案时间", "完成时间", "关闭时间", "closed_datetime",
                  "closed_date", "closed", "resolved_at", "completed_at", "updated_datetime"),
    "status": ("status", "办理状态", "工单状态", "任务状态", "状态", "state"),
    "resolved": ("resolved", "是否解决", "解决情况", "is_resolved"),
    "satisfaction": ("satisfaction", "回访满意度", "满意度", "评价", "rating"),
    "rated_at": ("rated_at", "回访时间", "评价时间"),
    "summary": ("summary", "description", "诉求内容", "问题描述", "内容", "摘要", "事项内容"),
    "citizen_name": ("citizen_name", "诉求人", "来电人", "联系人", "姓名", "caller", "name"),
    "phone": ("phone", "联系电话", "手机号码", "电话", "手机", "telephone", "mobile"),
    "address": ("address", "详细地址", "地址", "住址"),
    "facility_id": ("facility_id", "设施编码", "设施编号", "编号", "id"),
    "domain_id": ("domain_id", "服务领域", "领域", "domain"),
    "capacity": ("capacity", "容量", "床位数", "学位数", "座位数"),
    "staff": ("staff", "人员", "工作人员", "人员数", "编制"),
    "period": ("period", "月份", "统计月份", "年月", "month"),
    "coverage": ("coverage", "覆盖率"),
    "funding_yuan": ("funding_yuan", "资金（元）", "资金", "经费", "投入", "funding"),
    "staff_fte": ("staff_fte", "人员（全职当量）", "人员投入", "staff"),
    "task_id": ("task_id", "任务编号", "编号", "id"),
    "branch_id": ("branch_id", "支部编码", "党支部", "支部", "branch"),
    "owner": ("owner", "责任人", "负责人"),
    "assigned_on": ("assigned_on", "下达日期", "交办日期", "assigned"),
    "due_on": ("due_on", "截止日期", "完成时限", "due"),
    "completed_on": ("completed_on", "完成日期", "completed"),
    "progress": ("progress", "进度", "完成进度"),
    "evidence_count": ("evidence_count", "佐证材料数", "佐证数", "evidence"),
    "category": ("category", "任务类别", "类别"),
}
# Synonyms that mean something else in one kind: the village's own name, code and id.
KIND_SYNONYMS: dict[str, dict[str, tuple[str, ...]]] = {
    "villages": {"village_id": ("village_id", "行政区划代码", "区划代码", "统计用区划代码", "村编码",
                                "村代码", "代码", "编码", "code", "adcode", "id")},
    # DataV and Amap (adcode, name), France's IGN (code, code_insee, nom), US city open data (nc_id, name)
    "boundaries": {"village_id": ("village_id", "adcode", "code", "行政区划代码", "区划代码", "村编码",
                                  "id", "gb", "code_insee", "insee", "nc_id", "district_id", "area_id",
                                  "geoid", "fid"),
                   "name_zh": ("name_zh", "名称", "村名", "name", "NAME", "nom", "nom_com", "libelle",
                               "nc_name", "district_name", "area_name")},
}
_STRIP = re.compile(r"[\s_\-()（）\[\]【】:：/.·]+")
_DATE_PART = re.compile(
    r"(19|20)\d{2}\s*(?:[-_.年]?\s*(?:1[0-2]|0?[1-9])\s*月?)?(?:\s*[-_.]?\s*(?:3[01]|[0-2]?\d)日?)?"
    r"|\d{1,2}月|第?\d+季度|[qQ][1-4]")


def normalise(header: str) -> str:
    """Lower case, NFKC, without spaces, underscores, hyphens, brackets, colons or dots."""
    return _STRIP.sub("", unicodedata.normalize("NFKC", str(header)).lower())


def _may_contain(synonym: str) -> bool:
    """Whether a header containing ``synonym`` may match it: Chinese synonyms of two characters
    or more (工单受理时间), English ones of eight or more (a short "name" is in "service_name")."""
    if re.search(r"[\u4e00-\u9fff]", synonym):
        return len(synonym) >= 2
    return len(synonym) >= 8


def _candidates(kind: Kind, field: str) -> list[str]:
    own = KIND_SYNONYMS.get(kind.name, {}).get(field, ())
    return [normalise(s) for s in (*own, field, *SYNONYMS.get(field, ()))]


@dataclass(frozen=True)
class SavedMapping:
    """What is remembered of a source: the header feeding each field (``columns``), the fields
    its user left without a column on purpose (``unmapped``: never suggested again for it) and
    what its own coded values mean here (``values``: field -> their value -> our code)."""

    columns: dict[str, str] = field(default_factory=dict)
    unmapped: frozenset[str] = frozenset()
    values: dict[str, dict[str, str]] = field(default_factory=dict)

    @classmethod
    def of(cls, mapping: dict[str, str | None], values: dict[str, dict[str, str]] | None = None,
           cleared=None) -> "SavedMapping":
        """The mapping as used for a load. ``cleared``: the fields left without a column on purpose
        (default: every field without one)."""
        unmapped = {f for f, h in mapping.items() if not h}
        return cls({f: h for f, h in mapping.items() if h},
                   frozenset(unmapped if cleared is None else unmapped & set(cleared)),
                   {f: dict(v) for f, v in (values or {}).items() if v})

    @classmethod
    def from_stored(cls, stored: dict | None) -> "SavedMapping | None":
        """Read what the store holds: this structure, or the plain field -> header of older versions."""
        if stored is None:
            return None
        if "columns" not in stored:
            return cls({f: h for f, h in stored.items() if isinstance(h, str) and h})
        return cls(dict(stored.get("columns") or {}), frozenset(stored.get("unmapped") or ()),
                   {f: dict(v) for f, v in (stored.get("values") or {}).items()})

    def stored(self) -> dict:
        return {"columns": dict(sorted(self.columns.items())), "unmapped": sorted(self.unmapped),
                "values": {f: dict(sorted(v.items())) for f, v in sorted(self.values.items())}}


def suggest(headers: list[str], kind: Kind, saved: SavedMapping | dict[str, str] | None = None) -> dict[str, str | None]:
    """For every field of ``kind``, the header that should feed it (or None).

    A header feeds one field at most. ``saved`` (its columns: field -> header) is used first where
    its header exists, and the fields it left unmapped stay so; then exact matches of the
    normalised header against the synonyms (earlier synonyms and earlier fields win), then headers
    containing a synonym of at least two characters.
    """
    if isinstance(saved, dict):
        saved = SavedMapping.from_stored(saved)
    norm = {h: normalise(h) for h in headers}
    taken: set[str] = set()
    out: dict[str, str | None] = {f.name: None for f in kind.fields}
    kept = set(saved.unmapped) if saved else set()
    for name, header in (saved.columns if saved else {}).items():
        if name in out and header in norm and header not in taken:
            out[name] = header
            taken.add(header)
    for contains in (False, True):
        ranked = []
        for order, f in enumerate(kind.fields):
            if out[f.name] is not None or f.name in kept:
                continue
            for rank, syn in enumerate(_candidates(kind, f.name)):
                for h in headers:
                    if h in taken:
                        continue
                    hit = norm[h] == syn if not contains else (_may_contain(syn) and syn in norm[h])
                    if hit:
                        ranked.append((rank, order, len(norm[h]), f.name, h))
        for rank, order, _, name, header in sorted(ranked):
            if out[name] is None and header not in taken:
                out[name] = header
                taken.add(header)
    return out


def source_name(filename: str) -> str:
    """The name a file's source is remembered by: the file name without extension and dates,
    so that ``12345工单_2026年10月.xlsx`` and ``12345工单_2026年11月.xlsx`` share a mapping."""
    stem = PurePath(filename).stem
    cleaned = _DATE_PART.sub(" ", stem)
    cleaned = re.sub(r"[\s_\-.()（）]+", " ", cleaned).strip()
    return cleaned or stem


def missing_required(kind: Kind, mapping: dict[str, str | None]) -> list[str]:
    """Required fields that no header feeds (lon/lat count as given by a point column)."""
    missing = [f.name for f in kind.fields if f.required and not mapping.get(f.name)]
    return missing
