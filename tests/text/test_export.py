"""CSV export: UTF-8 with BOM, formula injection neutralised, numbers untouched."""

import io

import pandas as pd

from cockpit.text.csv_export import safe_cell, to_csv_bytes


def test_bom_and_chinese():
    data = to_csv_bytes(pd.DataFrame({"村": ["岭头村"], "n": [3]}))
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8-sig") == "村,n\r\n岭头村,3\r\n"


def test_formula_prefixes_are_quoted():
    cells = ["=1+1", "+86 138", "-2+3", "@SUM(A1)", "\tx", "\rx", "ok", "a=b", "", "'=x"]
    df = pd.DataFrame({"text": cells})
    back = pd.read_csv(io.BytesIO(to_csv_bytes(df)), encoding="utf-8-sig", keep_default_na=False)
    assert back["text"].tolist() == ["'=1+1", "'+86 138", "'-2+3", "'@SUM(A1)", "'\tx", "'\rx",
                                     "ok", "a=b", "", "'=x"]


def test_numbers_dates_and_missing_are_untouched():
    df = pd.DataFrame({"n": [-5, 2], "x": [-1.5, float("nan")], "flag": [True, False],
                       "t": pd.to_datetime(["2026-10-01 09:00", None]), "s": ["-5", None]})
    text = to_csv_bytes(df).decode("utf-8-sig")
    assert text == "n,x,flag,t,s\r\n-5,-1.5,True,2026-10-01 09:00:00,'-5\r\n2,,False,,\r\n"


def test_header_and_index_are_protected():
    df = pd.DataFrame({"=cmd": ["a"]}, index=pd.Index(["@x"], name="id"))
    assert to_csv_bytes(df, index=True).decode("utf-8-sig") == "id,'=cmd\r\n'@x,a\r\n"


def test_string_and_categorical_dtypes():
    df = pd.DataFrame({"s": pd.array(["=a", "b"], dtype="string"),
                       "c": pd.Categorical(["+x", "y"])})
    assert to_csv_bytes(df).decode("utf-8-sig") == "s,c\r\n'=a,'+x\r\nb,y\r\n"


def test_safe_cell():
    assert safe_cell("=x") == "'=x" and safe_cell(-3) == -3 and safe_cell(None) is None


def test_formulas_behind_spaces_or_in_full_width_are_quoted():
    for text in ("  =1+1", "\n=HYPERLINK(\"x\")", "\u3000@SUM(A1)", "＝1+1", "＋1", "－2+3", "＠A1"):
        assert safe_cell(text) == "'" + text, text
    for text in ("a =1", "张三 -", "1-2", "  ok"):
        assert safe_cell(text) == text, text
