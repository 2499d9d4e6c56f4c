from datetime import datetime

import pandas as pd

from cockpit.cases.command_screen import below_target, case_state, overdue_villages
from cockpit.values.periods import following_period

VT = pd.DataFrame({"village_id": ["a", "b", "c", "d"], "overdue_at_end": [0, 3, 1, 3],
                   "on_time_rate": [0.95, 0.6, float("nan"), 0.85]})


def test_overdue_villages_most_first():
    assert list(overdue_villages(VT)["village_id"]) == ["b", "d", "c"]


def test_below_target_worst_first_unknown_ignored():
    out = below_target(VT, "on_time_rate", 0.9)
    assert list(out["village_id"]) == ["b", "d"]


def test_case_state_on_a_day():
    cases = pd.DataFrame({"closed_at": ["2026-10-02 10:00", None, None, "2026-11-03 09:00"],
                          "due_at": ["2026-10-05", "2026-10-20", "2026-11-05", "2026-10-30"]})
    assert list(case_state(cases, datetime(2026, 11, 1))) == ["closed", "overdue", "open", "overdue"]


def test_a_refreshed_wall_moves_on_to_a_new_month_only_from_the_newest():
    before, now = ["2026-09", "2026-10"], ["2026-09", "2026-10", "2026-11"]
    assert following_period("2026-10", before, now) == "2026-11"
    assert following_period("2026-09", before, now) == "2026-09"  # a month chosen on purpose stays
    assert following_period("2026-10", before, before) == "2026-10"
    assert following_period("2026-08", ["2026-08", "2026-09"], now) == "2026-11"  # gone from the data
