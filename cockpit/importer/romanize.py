"""English names for villages that arrive with a Chinese name only: pinyin of the name, then its kind.

"溪口村" becomes "Xikou Village", "城关社区" "Chengguan Community". Polyphonic characters may be read
wrongly (pypinyin picks the commonest reading); the township corrects such names in the villages
table on the Data page. A name without Chinese characters is kept as it is.
"""

from __future__ import annotations

import re

from pypinyin import lazy_pinyin

__all__ = ["english_name", "name_in_english"]

# the longest suffix first: 社区居委会 before 居委会
_SUFFIXES: tuple[tuple[str, str], ...] = (
    ("村民委员会", "Village"), ("社区居民委员会", "Community"), ("社区居委会", "Community"),
    ("居民委员会", "Community"), ("村委会", "Village"), ("居委会", "Community"), ("社区", "Community"),
    ("村", "Village"), ("街道", "Subdistrict"), ("镇", "Town"), ("乡", "Township"),
)
_HAN = re.compile(r"[\u3400-\u9fff]")


def english_name(name_zh: str) -> str:
    """The village's name in English (pinyin, capitalised, with its kind: Village, Community …)."""
    name = (name_zh or "").strip()
    if not _HAN.search(name):
        return name
    stem, kind = name, ""
    for suffix, english in _SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            stem, kind = name[: -len(suffix)], english
            break
    words = " ".join(part for part in ("".join(lazy_pinyin(stem)).capitalize(), kind) if part)
    return words


def name_in_english(name_en: str | None, name_zh: str) -> str:
    """``name_en`` when it is written in Latin letters; else the romanised ``name_zh`` (a file whose
    one name column was taken for both names gives a Chinese "English" name)."""
    if name_en and name_en.strip() and not _HAN.search(name_en):
        return name_en.strip()
    return english_name(name_zh)
