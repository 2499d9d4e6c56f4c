"""Saved mappings (columns, fields left unmapped, value translations) and the values a file needs translated."""

from __future__ import annotations

from cockpit.importer.kinds import KINDS
from cockpit.importer.mapping import SavedMapping, suggest
from cockpit.importer.reading import RawTable
from cockpit.importer.translations import allowed, coded_fields, parse_value_option, translate, untranslated, \
    value_options
from cockpit.importer.validate import Context

CASES = KINDS["cases"]


def test_a_saved_mapping_round_trips_and_older_flat_mappings_still_read():
    mapping = {"case_id": "SRNumber", "summary": None, "category_id": "RequestType"}
    saved = SavedMapping.of(mapping, {"channel": {"Voice In": "hotline"}, "status": {}})
    assert SavedMapping.from_stored(saved.stored()) == saved
    assert saved.unmapped == {"summary"} and saved.values == {"channel": {"Voice In": "hotline"}}
    legacy = SavedMapping.from_stored({"case_id": "工单编号"})
    assert legacy.columns == {"case_id": "工单编号"} and not legacy.unmapped and not legacy.values
    assert SavedMapping.from_stored(None) is None


def test_a_field_left_unmapped_is_not_suggested_again_for_its_source():
    headers = ["工单编号", "受理时间", "诉求类别", "诉求内容"]
    assert suggest(headers, CASES)["summary"] == "诉求内容"
    saved = SavedMapping.of({"case_id": "工单编号", "summary": None})
    got = suggest(headers, CASES, saved)
    assert got["summary"] is None and got["case_id"] == "工单编号" and got["received_at"] == "受理时间"


def test_the_values_to_translate_are_the_unread_ones_most_rows_first():
    raw = RawTable(["id", "src", "cat"], [["1", "Voice In", "Pothole"], ["2", "热线", "roads"],
                                          ["3", "Voice In", "路面"], ["4", "Mobile App", None]], [2, 3, 4, 5], "csv")
    ctx = Context(ids={"categories": {"roads", "water"}}, names={"categories": {"道路交通": ["roads"], "路面": []}})
    mapping = {"case_id": "id", "channel": "src", "category_id": "cat"}
    assert untranslated(raw, CASES, mapping, ctx) == {"channel": [("Voice In", 2), ("Mobile App", 1)],
                                                      "category_id": [("Pothole", 1), ("路面", 1)]}
    assert untranslated(raw, CASES, mapping, ctx, {"channel": {"voice in ": "hotline", "Mobile App": "app"}}) == {
        "category_id": [("Pothole", 1), ("路面", 1)]}
    assert allowed(CASES, CASES.field("channel"), ctx) == ["app", "grid", "hotline", "visit"]
    assert allowed(CASES, CASES.field("category_id"), ctx) == ["roads", "water"]
    assert {f.name for f in coded_fields(CASES)} == {"category_id", "department_id", "channel", "status"}


def test_translate_and_the_command_line_form():
    assert translate(" VOICE in ", {"Voice In": "hotline"}) == "hotline"
    assert translate("Call", {"Voice In": "hotline"}) == "Call" and translate(None, {"a": "b"}) is None
    assert parse_value_option("channel:Voice In=hotline") == ("channel", "Voice In", "hotline")
    assert parse_value_option("category_id:a=b=c") == ("category_id", "a=b", "c")
    assert value_options({"status": {"x": "open"}, "channel": {"b": "app", "a": "hotline"}}) == (
        ("channel", "a", "hotline"), ("channel", "b", "app"), ("status", "x", "open"))


def _placing_context():
    import geopandas as gpd
    from shapely.geometry import box

    from cockpit.importer import coords

    boundaries = gpd.GeoDataFrame({"village_id": ["A", "B", "C"]},
                                  geometry=[box(118.0, 27.0, 118.1, 27.1), box(118.1, 27.0, 118.2, 27.1),
                                            box(118.15, 27.05, 118.25, 27.15)], crs="EPSG:4326")
    return Context(ids={"villages": {"A", "B", "C"}, "categories": {"roads"}, "departments": {"URB"}},
                   names={"villages": {"甲村": ["A"]}}, categories={"roads": ("URB", 10)},
                   box=coords.BBox(117.5, 26.5, 118.8, 27.6), boundaries=boundaries)


def test_cases_are_placed_by_their_point_when_their_village_is_empty_or_unknown():
    from cockpit.importer.validate import validate

    raw = RawTable(["id", "at", "village", "cat", "lon", "lat"], [
        ["1", "2026-11-01 09:00", None, "roads", "118.05", "27.05"],        # empty: placed in A (a note)
        ["2", "2026-11-01 09:00", "Old Town", "roads", "118.12", "27.02"],  # unknown: placed in B, flagged
        ["3", "2026-11-01 09:00", "Old Town", "roads", "118.50", "27.50"],  # unknown, outside: rejected
        ["4", "2026-11-01 09:00", None, "roads", "118.50", "27.50"],        # empty, outside: rejected
        ["5", "2026-11-01 09:00", None, "roads", "118.18", "27.08"],        # in B and C: placed in B, flagged
        ["6", "2026-11-01 09:00", "甲村", "roads", "118.18", "27.08"],      # its own village wins
    ], [2, 3, 4, 5, 6, 7], "csv")
    mapping = {"case_id": "id", "received_at": "at", "village_id": "village", "category_id": "cat",
               "lon": "lon", "lat": "lat"}
    checked = validate(raw, CASES, mapping, _placing_context())
    placed = dict(zip(checked.rows.column("case_id").to_pylist(), checked.rows.column("village_id").to_pylist()))
    assert placed == {"1": "A", "2": "B", "5": "B", "6": "A"}
    codes = {i.line: (i.severity, i.problem.code) for i in checked.issues()}
    assert codes == {3: ("flag", "placed_by_point"), 4: ("error", "unknown_ref"), 5: ("error", "point_in_no_village"),
                     6: ("flag", "point_in_two_villages")}
    assert [n.params for n in checked.notes if n.code == "note_located"] == [{"rows": 2}]


def test_a_rejected_row_is_not_counted_as_flagged():
    from cockpit.importer.report import summary
    from cockpit.importer.validate import validate

    raw = RawTable(["id", "at", "closed", "village", "cat"], [
        ["1", "2026-11-02 09:00", "2026-11-01 09:00", "甲村", "roads"],     # closed before received: flagged
        ["2", "2026-11-02 09:00", "2026-11-01 09:00", "甲村", "nonsense"],  # flagged, and rejected
    ], [2, 3], "csv")
    mapping = {"case_id": "id", "received_at": "at", "closed_at": "closed", "village_id": "village",
               "category_id": "cat"}
    checked = validate(raw, CASES, mapping, _placing_context())
    assert len(checked.flagged) == 2 and len(checked.rejected) == 1
    assert summary(checked) == {"rows_in": 2, "rows_valid": 1, "rows_rejected": 1, "rows_flagged": 1}
