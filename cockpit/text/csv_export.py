"""CSV export that Excel opens correctly and that cannot carry a spreadsheet formula.

- UTF-8 with a byte-order mark, so Excel shows Chinese text instead of mojibake; CRLF line
  ends (RFC 4180), so a field holding a line break or carriage return is quoted;
- every text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return, also
  after leading spaces or line breaks and in the full-width forms a Chinese keyboard types
  (＝ ＋ － ＠), is prefixed with a single quote (OWASP "CSV injection"), header included;
  numbers, booleans and dates are written as they are (a negative number stays a number).

Mask personal fields first (:func:`cockpit.text.privacy.mask_frame`): this module writes what it gets.

>>> to_csv_bytes(pd.DataFrame({"a": ["=1+1", "ok"], "n": [-1, 2]})).decode("utf-8-sig")
"a,n\\r\\n'=1+1,-1\\r\\nok,2\\r\\n"
"""

from __future__ import annotations

import pandas as pd

__all__ = ["to_csv_bytes", "safe_cell", "FORMULA_PREFIXES"]

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


def safe_cell(value):
    """``value`` with a leading single quote when it is text starting a formula; else unchanged."""
    if isinstance(value, str) and (value.startswith(FORMULA_PREFIXES)
                                   or value.lstrip(" \n\u3000").startswith(FORMULA_PREFIXES)):
        return "'" + value
    return value


def _is_text(series: pd.Series) -> bool:
    return series.dtype == object or pd.api.types.is_string_dtype(series.dtype) or isinstance(
        series.dtype, pd.CategoricalDtype)


def to_csv_bytes(df: pd.DataFrame, index: bool = False) -> bytes:
    """``df`` as CSV bytes: UTF-8 with BOM, CRLF line ends, formula-looking text neutralised.

    Empty cells (None / NaN) are written empty.
    """
    out = df.copy()
    if index:
        out = out.reset_index()
    for column in out.columns:
        if _is_text(out[column]):
            out[column] = out[column].astype(object).map(safe_cell)
    out.columns = [safe_cell(str(c)) for c in out.columns]
    text = out.to_csv(index=False, lineterminator="\r\n")
    return text.encode("utf-8-sig")
