import pytest
import math

from cockpit.geo.classify import class_breaks, class_of, ramp


def test_quantile_breaks_by_hand():
    assert class_breaks([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], k=5) == pytest.approx([1, 3, 5, 7, 9, 11])
    assert class_breaks([0.5, 0.5, 0.5], k=5) == [0.5, 0.5]
    assert class_breaks([math.nan, None]) == []


def test_class_of_edges():
    b = [1, 3, 5, 7, 9, 11]
    assert [class_of(v, b) for v in (1, 2.9, 3, 10, 11)] == [0, 0, 1, 4, 4]
    assert class_of(math.nan, b) is None


def test_ramps_direction():
    good = ramp(5, True)
    assert good[0][0] > good[0][1]  # lowest class is red
    assert good[-1][1] > good[-1][0]  # highest class is green
    assert ramp(5, False) == good[::-1]
    assert len(ramp(3, None)) == 3
