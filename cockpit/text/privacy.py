"""Masking of citizens' personal fields (name, phone, address) for display and export, and the
generalisation of the places cases are about.

Masked by default: only a caller with the right to see personal data passes ``allowed=True``.
A case's exact point (lon, lat to 6 decimals) would undo the masking of its caller's address, so a
masked export rounds case locations to a grid of :data:`GRID_DEG` degrees (0.01°: about 1.1 km
north–south, 1.0 km east–west in southern China; the README's import/export section names it):

>>> generalise_coordinate(118.123456), generalise_coordinate(27.6789)
(118.12, 27.68)

>>> mask_name("张三"), mask_name("李小明")
('张*', '李**')
>>> mask_phone("13812341234")
'138****1234'
>>> mask_address("青溪镇岭头村12组26号")
'青溪镇岭头村'
>>> mask_text("岭头村12组王大爷(13812341234)反映26号门前路灯坏了")
'岭头村*组王大爷(138****1234)反映*号门前路灯坏了'
"""

from __future__ import annotations

import math
import re

import pandas as pd

__all__ = ["mask_name", "mask_phone", "mask_address", "mask_text", "mask_frame", "PERSONAL_COLUMNS",
           "GRID_DEG", "LOCATION_COLUMNS", "generalise_coordinate", "generalise_frame"]

GRID_DEG = 0.01
"""Grid (degrees of longitude and latitude) that masked exports round case locations to."""

LOCATION_COLUMNS: dict[str, tuple[str, ...]] = {"cases": ("lon", "lat")}
"""Table -> its columns that locate a citizen's case (rounded to :data:`GRID_DEG` when masked).
Villages' seats and facilities are public places and keep their coordinates."""

_VILLAGE_END = re.compile(r"(村|社区|居委会)")
_TOWN_END = re.compile(r"(镇|乡|街道)")


def _blank(value) -> bool:
    return value is None or (not isinstance(value, str) and pd.isna(value))


def mask_name(name):
    """Keep the first character and replace every other one by ``*`` (at least one).

    None / NaN / '' are returned unchanged.
    """
    if _blank(name) or str(name).strip() == "":
        return name
    text = str(name).strip()
    return text[0] + "*" * max(1, len(text) - 1)


def mask_phone(phone):
    """Keep the first 3 and last 4 digits, mask the middle: 13812341234 → 138****1234.

    Separators are dropped. Numbers with fewer than 8 digits are masked entirely (``*`` per digit).
    """
    if _blank(phone) or str(phone).strip() == "":
        return phone
    digits = re.sub(r"\D", "", str(phone))
    if len(digits) < 8:
        return "*" * max(1, len(digits))
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


def mask_address(address):
    """Cut an address to its village: '青溪镇XX村N组M号' → '青溪镇XX村'.

    The village part ends at the last 村 / 社区 / 居委会 before the first digit (so a village
    called 村头村 stays whole); without one, the address is cut after its township
    (镇 / 乡 / 街道); without either, it is replaced by ``***``.
    """
    if _blank(address) or str(address).strip() == "":
        return address
    text = str(address).strip()
    head = re.split(r"\d", text, maxsplit=1)[0]
    ends = [m.end() for m in _VILLAGE_END.finditer(head)]
    if ends:
        return head[: ends[-1]]
    town = _TOWN_END.search(text)
    return text[: town.end()] if town else "***"


_MOBILE = re.compile(r"(?<!\d)(1[3-9]\d)[ -]?(\d{4})[ -]?(\d{4})(?!\d)")
_ID_NUMBER = re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)")
_LANDLINE = re.compile(r"(?<!\d)0\d{2,3}-?\d{7,8}(?!\d)")
_BELOW_VILLAGE = re.compile(r"\d+(组|号|栋|单元|室)")


def mask_text(text):
    """Free text (a case summary) with what points at a person taken out: mobile numbers masked as
    :func:`mask_phone` does, ID-card and landline numbers replaced, and places below the village
    (group, house, building, flat numbers) starred, as :func:`mask_address` cuts addresses."""
    if _blank(text):
        return text
    out = _ID_NUMBER.sub("******************", str(text))
    out = _MOBILE.sub(lambda m: f"{m.group(1)}****{m.group(3)}", out)
    out = _LANDLINE.sub("****", out)
    return _BELOW_VILLAGE.sub(lambda m: f"*{m.group(1)}", out)


PERSONAL_COLUMNS = {"citizen_name": mask_name, "phone": mask_phone, "address": mask_address,
                    "summary": mask_text}
"""Column name -> masking function, applied by :func:`mask_frame`."""


def mask_frame(df: pd.DataFrame, allowed: bool = False) -> pd.DataFrame:
    """A copy of ``df`` with the personal columns present (``PERSONAL_COLUMNS``) masked.

    With ``allowed=True`` the copy is unmasked (for a role entitled to personal data).
    """
    out = df.copy()
    if allowed:
        return out
    for column, mask in PERSONAL_COLUMNS.items():
        if column in out.columns:
            out[column] = out[column].map(mask).astype(object)
    return out


def generalise_coordinate(value, grid: float = GRID_DEG):
    """``value`` (degrees) rounded to the nearest multiple of ``grid``; None / NaN / '' unchanged,
    text that is not a number replaced by ``***`` (it could hold the exact point)."""
    if _blank(value) or (isinstance(value, str) and value.strip() == ""):
        return value
    try:
        number = float(value)
    except (TypeError, ValueError):
        return "***"
    if number != number:  # NaN
        return value
    digits = max(0, -math.floor(math.log10(grid))) if grid < 1 else 0
    return round(round(number / grid) * grid, digits)


def generalise_frame(df: pd.DataFrame, table: str, grid: float = GRID_DEG) -> tuple[pd.DataFrame, list[str]]:
    """A copy of ``df`` (an export of ``table``) with its case-location columns
    (:data:`LOCATION_COLUMNS`) rounded to ``grid``; and the columns it rounded."""
    out = df.copy()
    done = [c for c in LOCATION_COLUMNS.get(table, ()) if c in out.columns]
    for column in done:
        out[column] = out[column].map(lambda v: generalise_coordinate(v, grid)).astype(object if out[column].dtype == object else "float64")
    return out, done
