from datetime import date

import pandas as pd
import pytest

from cockpit.village.profile import change_table, history, task_summary


def _tables():
    return {f"2026-{m:02d}": pd.DataFrame({"village_id": ["a", "b"], "on_time_rate": [m / 100, 0.5]})
            for m in range(1, 11)}


def test_history_and_change_by_hand():
    h = history(_tables(), "a", ["on_time_rate"])
    assert list(h.index) == [f"2026-{m:02d}" for m in range(1, 11)]
    t = change_table(h, ["on_time_rate"], months_back=3)
    row = t.iloc[0]
    assert (row["before_period"], row["now_period"]) == ("2026-07", "2026-10")
    assert row["change"] == pytest.approx(0.03)
    short = change_table(h, ["on_time_rate"], months_back=12)  # only 10 months: earliest used
    assert short.iloc[0]["before_period"] == "2026-01"


def test_task_summary_by_hand():
    tasks = pd.DataFrame({
        "assigned_on": ["2026-09-01", "2026-09-01", "2026-09-05", "2026-10-01", "2026-11-01"],
        "due_on": ["2026-09-30", "2026-09-20", "2026-10-10", "2026-10-20", "2026-11-30"],
        "completed_on": ["2026-09-25", "2026-09-28", None, None, None],
        "status": ["done", "done", "in_progress", "in_progress", "in_progress"],
        "evidence_count": [3, 0, 0, 1, 0],
    })
    s = task_summary(tasks, date(2026, 10, 15))
    # the task assigned in November is left out; one done on time with evidence, one done late
    # with none; two open, one of them (due 10-10) overdue.
    assert (s.total, s.done, s.open, s.overdue, s.done_late, s.done_without_evidence) == (4, 2, 2, 1, 1, 1)
