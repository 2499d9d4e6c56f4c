"""Language catalogs (one JSON file per language) and the translator pages use.

Every user-visible string comes from here; a test fails when a key exists in one catalog and
not in the other. Village, domain and department names come from the data in both languages.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

__all__ = ["LANGUAGES", "LANGUAGE_NAMES", "COUNTY", "catalog", "Translator", "normalize_language"]

LANGUAGES: tuple[str, ...] = ("zh", "en")
LANGUAGE_NAMES = {"zh": "简体中文", "en": "English"}
COUNTY = "@county"  # a key's variant for pages that show a whole county
_DIR = Path(__file__).parent


@lru_cache(maxsize=None)
def catalog(lang: str) -> dict[str, str]:
    """The catalog of ``lang`` (read once; treat as read-only)."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; use one of {', '.join(LANGUAGES)}")
    return json.loads((_DIR / f"{lang}.json").read_text(encoding="utf-8"))


def normalize_language(value: str | None, default: str = "zh") -> str:
    """Map "zh", "zh-CN", "en-US", "EN" … to a supported language; else ``default``."""
    if value:
        head = str(value).strip().lower().split("-")[0].split("_")[0]
        if head in LANGUAGES:
            return head
    return default if default in LANGUAGES else LANGUAGES[0]


class Translator:
    """``t("key", name=...)`` returns the string for ``key`` in one language, formatted."""

    def __init__(self, lang: str, county: bool = False):
        self.lang = lang
        self.county = county
        self._catalog = catalog(lang)

    def __call__(self, key: str, **values) -> str:
        """The text of ``key``; for a whole county (``county``), its ``key@county`` variant where
        there is one ("全县" where a township's page says "全镇")."""
        try:
            text = self._catalog[key]
        except KeyError:
            raise KeyError(f"missing translation {key!r} for language {self.lang!r}") from None
        if self.county:
            text = self._catalog.get(f"{key}{COUNTY}", text)
        return text.format(**values) if values else text

    def has(self, key: str) -> bool:
        return key in self._catalog

    def period(self, period: str) -> str:
        """A month ``YYYY-MM`` as people write it: "2026年10月", "October 2026"."""
        year, month = period.split("-")
        return self("period.format", year=year, month=int(month),
                    month_name=self(f"month.{int(month)}"))

    def name(self, row) -> str:
        """The name of a data row (village, domain …) in this language: name_zh or name_en."""
        return row[f"name_{self.lang}"]
