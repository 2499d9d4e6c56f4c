import math

import pandas as pd

import re

from cockpit.geo.choropleth import TOOLTIP, choropleth, tooltip_fields
from cockpit.text.literal import display_width
from cockpit.geo.classify import NO_DATA_COLOR


def test_colours_follow_classes_and_direction():
    values = pd.Series([0.5, 0.6, 0.7, 0.8, 0.9, math.nan], index=list("abcdef"))
    c = choropleth(values, "on_time_rate", "en", "No data")
    red, green = c.colors["a"][:3], c.colors["e"][:3]
    assert red[0] > red[1] and green[1] > green[0]  # worst red, best green
    assert c.colors["f"][:3] == list(NO_DATA_COLOR)
    assert c.legend[0].text == "82.0% – 90.0%"  # best class first
    assert c.legend[-1].text == "No data"


def test_lower_is_better_reverses_colours():
    values = pd.Series([1.0, 5.0], index=["a", "b"])
    c = choropleth(values, "overdue_at_end", "en", "No data")
    assert c.colors["b"][0] > c.colors["b"][1]  # many overdue cases are red


def test_tooltip_template_holds_no_data_and_fields_stay_plain():
    """One placeholder, shown as text: nothing in a value is read as HTML or as a placeholder."""
    fields = tooltip_fields("<img src=x onerror=alert(1)>", "村 & 社区", [("a<b", "1 > 0"), ("{tip}", "x")])
    assert fields == {"tip": "<img src=x onerror=alert(1)>\n村 & 社区\na<b: 1 > 0\n{tip}: x"}
    assert re.findall(r"{(\w+)}", TOOLTIP) == ["tip"] and TOOLTIP == "{tip}"


def test_tooltip_lines_are_one_line_each_and_cut_to_its_width():
    fields = tooltip_fields("长" * 1000, "a\nb", [("Label", "x" * 500)], "：")
    title, subtitle, row = fields["tip"].split("\n")
    assert title == "长" * 23 + "…" and subtitle == "a b" and row.endswith("…") and display_width(row) == 80
