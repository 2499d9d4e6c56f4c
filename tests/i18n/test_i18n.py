import re
from pathlib import Path

import pytest

from cockpit.i18n import COUNTY, LANGUAGES, Translator, catalog, normalize_language
from cockpit.metrics.catalog import _FIXED, CASE_KPIS, MAP_METRICS, RESOURCE_KPIS
from cockpit.ui.map_view import LABEL_MODES
from cockpit.ui.pages import PAGES

ROOT = Path(__file__).resolve().parents[2]


def test_catalogs_have_the_same_keys():
    en, zh = set(catalog("en")), set(catalog("zh"))
    assert en - zh == set(), f"missing in zh: {sorted(en - zh)}"
    assert zh - en == set(), f"missing in en: {sorted(zh - en)}"


def test_no_empty_strings_and_placeholders_match():
    for key, text in catalog("en").items():
        zh = catalog("zh")[key]
        assert text.strip() and zh.strip(), key
        if key == "period.format":  # Chinese writes the month number, English its name
            continue
        assert set(re.findall(r"{(\w+)}", text)) == set(re.findall(r"{(\w+)}", zh)), key


def test_every_literal_key_used_in_code_exists():
    used = set()
    for path in [ROOT / "app.py", *ROOT.glob("pages/*.py"), *ROOT.glob("cockpit/**/*.py")]:
        used |= set(re.findall(r"\bt\(\s*\"([a-z_]+\.[a-z0-9_.]+)\"", path.read_text(encoding="utf-8")))
    assert used, "scan found no keys"
    missing = used - set(catalog("en"))
    assert not missing, sorted(missing)


def test_dynamic_keys_exist():
    keys = set(catalog("en"))
    for m in [*_FIXED, "overdue_per_1000", "coverage"]:
        assert {f"metric.{m}.label", f"metric.{m}.help"} <= keys, m
    for unit in {"percent", "count", "per10k", "yuan", "per1000", "days"}:
        assert f"unit.{unit}" in keys
    for mode in LABEL_MODES:
        assert f"map.labels_{mode}" in keys
    for p in PAGES:
        assert p.title_key in keys
    assert {"kind.seat", "kind.community", "kind.village", "group.urban", "group.rural"} <= keys
    assert set(CASE_KPIS + RESOURCE_KPIS + MAP_METRICS) <= set(_FIXED)


def test_translator_formats_and_names_periods():
    assert Translator("zh").period("2026-10") == "2026年10月"
    assert Translator("en").period("2026-01") == "January 2026"
    assert Translator("en")("overview.vs_previous", period="x") == "Changes are against x"
    with pytest.raises(KeyError, match="missing translation"):
        Translator("en")("no.such.key")


@pytest.mark.parametrize("value,expected", [("zh", "zh"), ("zh-CN", "zh"), ("EN", "en"),
                                            ("en_US", "en"), ("fr", "zh"), (None, "zh")])
def test_normalize_language(value, expected):
    assert normalize_language(value) == expected
    assert set(LANGUAGES) == {"zh", "en"}


def test_county_variants_stand_beside_their_key_and_say_county():
    """A ``key@county`` text replaces ``key`` on the pages of a whole county: it has its key and the
    same placeholders, and it says county where the township's says township."""
    for lang in ("zh", "en"):
        texts = catalog(lang)
        variants = [k for k in texts if k.endswith(COUNTY)]
        assert len(variants) >= 20
        for key in variants:
            base = key.removesuffix(COUNTY)
            assert base in texts, key
            assert set(re.findall(r"{(\w+)}", texts[key])) == set(re.findall(r"{(\w+)}", texts[base])), key
            assert "全镇" not in texts[key] and not re.search(r"(?<!{)\btownship\b(?!})", texts[key]), key
    assert Translator("zh", county=True)("planner.kpi.coverage") == "全县覆盖率"
    assert Translator("zh")("planner.kpi.coverage") == "全镇覆盖率"
    assert Translator("en", county=True)("overview.subtitle", period="x") == "State of the county · x"
    assert Translator("en", county=True)("nav.map") == Translator("en")("nav.map")   # no variant: the key's own
