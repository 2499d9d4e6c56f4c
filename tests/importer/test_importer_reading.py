"""Reading files (encodings, delimiters, quoting, missing values, Excel, JSON) and mapping columns."""

import codecs
import json

import pytest

from cockpit.importer import KINDS, source_name, suggest
from cockpit.importer.problems import ImportFailed
from cockpit.importer.reading import read_table
from tests import importer_fixtures as fx

TEXT = "编号,村名,人口\n07,溪口村,1200\n2A,岭头村,NA\n"


@pytest.mark.parametrize("data,encoding", [
    (TEXT.encode("utf-8"), "UTF-8"),
    (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "UTF-8-BOM"),
    (TEXT.encode("gbk"), "GB18030"),
    ((TEXT + "03,䶮村,5\n").encode("gb18030"), "GB18030"),   # a character outside GBK
    (TEXT.encode("utf-16"), "UTF-16"),                        # Excel "Unicode text"
])
def test_encodings(data, encoding):
    table = read_table(data, "villages.csv")
    assert table.encoding == encoding
    assert table.headers == ["编号", "村名", "人口"]
    assert table.rows[:2] == [["07", "溪口村", "1200"], ["2A", "岭头村", None]]


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_delimiters(delimiter):
    text = TEXT.replace(",", delimiter)
    table = read_table(text.encode(), "x.txt")
    assert table.delimiter == delimiter and len(table.headers) == 3


def test_semicolon_file_with_decimal_commas_in_quotes():
    table = read_table('a;b;c\n1;"2,5";x\n2;"3,5";y\n'.encode(), "x.csv")
    assert table.delimiter == ";" and table.rows[0] == ["1", "2,5", "x"]


def test_quoted_newlines_keep_the_starting_line_number():
    text = 'id,text\n1,"first\nsecond\nthird"\n2,plain\n\n3,"a,b"\n'
    table = read_table(text.encode(), "x.csv")
    assert table.lines == [2, 5, 7]
    assert table.rows[0][1] == "first\nsecond\nthird" and table.rows[2][1] == "a,b"


def test_missing_value_tokens():
    text = "a,b,c,d,e,f,g\nNA,null,-,,N/A,NULL,ok\n"
    assert read_table(text.encode(), "x.csv").rows[0] == [None] * 6 + ["ok"]


def test_short_rows_are_padded_and_wide_rows_reported():
    table = read_table(b"a,b,c\n1,2\n1,2,3,4\n1,2,3,,\n", "x.csv")
    assert table.rows[0] == ["1", "2", None]
    assert table.wide_rows == {3: 4}
    assert table.rows[2] == ["1", "2", "3"]


def test_duplicate_and_empty_headers_are_renamed():
    table = read_table("名称,名称,\n1,2,3\n".encode(), "x.csv")
    assert table.headers == ["名称", "名称 (2)", "column 3"]
    assert [n.code for n in table.notes] == ["duplicate_header"]


@pytest.mark.parametrize("data,name,code", [
    (b"", "x.csv", "empty_file"), (b"a,b\n", "x.csv", "no_rows"), (b"\n\n", "x.csv", "empty_file"),
    (b"\xd0\xcf\x11\xe0" + b"\x00" * 100, "x.xls", "old_xls"), (b"PK\x03\x04garbage", "x.xlsx", "bad_xlsx"),
    (b"\x00\x01\x02binary", "x.csv", "not_text"), (b"[1, 2]", "x.json", "json_not_records"),
    (b"{not json", "x.json", "bad_json"),
])
def test_unusable_files_say_why(data, name, code):
    with pytest.raises(ImportFailed) as info:
        read_table(data, name)
    assert info.value.problem.code == code


def test_excel_cells_keep_their_types_and_the_first_sheet_with_data_is_read():
    table = read_table(fx.excel_cases(), "工单.xlsx")
    assert table.source_format == "xlsx"
    assert table.headers[:3] == ["工单编号", "受理时间", "办结时间"]
    assert table.lines == [2, 3, 4]
    first = table.record(0)
    assert first["所属村"] == 350781105203 and first["受理时间"].year == 2026
    assert [n.code for n in table.notes] == ["sheet_used"]


def test_open311_json_is_a_table_of_records():
    table = read_table(json.dumps(fx.open311(3)).encode(), "requests.json")
    assert table.headers[:3] == ["service_request_id", "status", "status_notes"]
    assert table.lines == [1, 2, 3]
    wrapped = read_table(json.dumps({"service_requests": fx.open311(2)}).encode(), "x.json")
    assert len(wrapped.rows) == 2


def test_nested_json_objects_are_flattened():
    table = read_table(json.dumps([{"id": 1, "loc": {"lat": 27.4, "lon": 118.1}, "tags": [1, 2]}]).encode(), "x.json")
    assert table.headers == ["id", "loc.lat", "loc.lon", "tags"] and table.rows[0][3] == "[1, 2]"


def test_suggestions_from_chinese_headers():
    headers = ["工单编号", "工单受理时间", "办结时间", "所属村", "诉求类别", "诉求内容", "来电人", "联系电话", "坐标"]
    m = suggest(headers, KINDS["cases"])
    assert m["case_id"] == "工单编号" and m["received_at"] == "工单受理时间" and m["closed_at"] == "办结时间"
    assert m["village_id"] == "所属村" and m["category_id"] == "诉求类别" and m["point"] == "坐标"
    assert m["citizen_name"] == "来电人" and m["phone"] == "联系电话" and m["summary"] == "诉求内容"


def test_suggestions_from_english_and_open311_headers():
    open311 = list(fx.open311(1)[0])
    m = suggest(open311, KINDS["cases"])
    assert (m["case_id"], m["received_at"], m["due_at"], m["closed_at"]) == (
        "service_request_id", "requested_datetime", "expected_datetime", "updated_datetime")
    assert (m["lat"], m["lon"], m["category_id"], m["department_id"]) == ("lat", "long", "service_code",
                                                                          "agency_responsible")
    assert m["citizen_name"] is None  # "service_name" is not a person's name
    m = suggest(["Case ID", "Created", "Closed Date", "Village"], KINDS["cases"])
    assert (m["case_id"], m["received_at"], m["closed_at"], m["village_id"]) == ("Case ID", "Created",
                                                                                 "Closed Date", "Village")


def test_villages_suggestions_and_a_saved_mapping_wins():
    headers = ["行政区划代码", "村名", "Romanized", "类型", "城乡分类", "户籍人口", "经度", "纬度"]
    m = suggest(headers, KINDS["villages"])
    assert (m["village_id"], m["name_zh"], m["name_en"], m["population"]) == ("行政区划代码", "村名", None, "户籍人口")
    saved = {"name_en": "Romanized", "population": "nonexistent"}
    m = suggest(headers, KINDS["villages"], saved)
    assert m["name_en"] == "Romanized" and m["population"] == "户籍人口"


@pytest.mark.parametrize("name,source", [
    ("12345工单_2026年10月.xlsx", "12345工单"), ("12345工单_2026年11月.xlsx", "12345工单"),
    ("cases-2026-11.csv", "cases"), ("工单202611.csv", "工单"), ("2026年10月工单.csv", "工单"),
    ("villages.csv", "villages"), ("2026-10.csv", "2026-10"),
])
def test_source_names_drop_dates(name, source):
    assert source_name(name) == source
