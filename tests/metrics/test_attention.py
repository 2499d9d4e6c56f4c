import pytest
import pandas as pd

from cockpit.metrics.attention import attention_ranking

TOWNSHIP = dict(service_index=0.7, response_rate=0.9, on_time_rate=0.8, satisfaction_rate=0.85,
                overdue_at_end=6, population=4000)


def _villages():
    return pd.DataFrame({
        "village_id": ["a", "b", "c", "d"],
        "population": [1000] * 4,
        "service_index": [0.7, 0.7, 0.7, 0.7],
        "response_rate": [0.9, 0.9, 0.9, 0.9],
        "on_time_rate": [0.8, 0.6, 0.9, 0.9],
        "satisfaction_rate": [0.85, 0.85, 0.85, 0.85],
        "overdue_at_end": [1, 1, 1, 3],
    })


def test_ranking_and_reasons_by_hand():
    out = attention_ranking(_villages(), TOWNSHIP, n=3)
    # on-time: values .8 .6 .9 .9, mean .8 → sd = sqrt((0 + .04 + .01 + .01)/4) = sqrt(.015)
    sd_on_time = 0.015 ** 0.5
    # overdue per 1000: 1 1 1 3 vs township 1.5 → sd = sqrt((.25*3 + 2.25)/4) = sqrt(.75)
    sd_overdue = 0.75 ** 0.5
    # d: 1.5 / 0.866 = 1.73 beats b: 0.2 / 0.122 = 1.63; a and c fall short of nothing.
    assert list(out["village_id"]) == ["d", "b"]
    assert out.loc[0, "score"] == pytest.approx(1.5 / sd_overdue)
    assert out.loc[1, "score"] == pytest.approx(0.2 / sd_on_time)
    (reason,) = out.loc[1, "reasons"]
    assert reason.metric == "on_time_rate" and reason.value == 0.6 and reason.township == 0.8
    assert out.loc[0, "reasons"][0].metric == "overdue_per_1000"


def test_nobody_short_gives_empty_ranking():
    v = _villages().assign(on_time_rate=0.8, overdue_at_end=1.5)
    assert attention_ranking(v, TOWNSHIP).empty
