from cockpit.text.numbers import DASH, format_delta, format_value


def test_values():
    assert format_value(0.96157, "percent") == "96.2%"
    assert format_value(float("nan"), "percent") == DASH
    assert format_value(12345.4, "count") == "12,345"
    assert format_value(16.666, "yuan", "zh") == "16.7 元"
    assert format_value(16.666, "yuan", "en") == "¥16.7"
    assert format_value(1_234_567, "yuan", "zh") == "123.5 万元"
    assert format_value(55_843.0, "yuan", "en") == "¥55,843"
    assert format_value(1.6667, "per1000") == "1.67"
    assert format_value(8.04, "days", "zh") == "8.0 天"


def test_deltas():
    assert format_delta(0.012, "percent") == "+1.2 pp"
    assert format_delta(-0.012, "percent", "zh") == "-1.2个百分点"
    assert format_delta(-3, "count") == "-3"
    assert format_delta(2.5, "yuan", "en") == "+¥2.5"
    assert format_delta(None, "count") is None


def test_a_change_that_reads_as_zero_gets_no_arrow():
    from cockpit.text.numbers import shows_no_change
    assert shows_no_change("+0.0 pp") and shows_no_change("-0.0 天") and shows_no_change("+0")
    assert not shows_no_change("+0.1 pp") and not shows_no_change("-3") and not shows_no_change(None)
