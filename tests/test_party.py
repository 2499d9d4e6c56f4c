from datetime import date

import pandas as pd
import pytest

from cockpit.party import (monthly_completion, quarter_bounds, quarter_of, responsibility_list,
                           scoreboard, task_state)

TASKS = pd.DataFrame({
    "task_id": ["t1", "t2", "t3", "t4", "t5"],
    "branch_id": ["A", "A", "A", "B", "B"],
    "assigned_on": ["2026-07-01", "2026-07-01", "2026-08-01", "2026-07-10", "2026-10-05"],
    "due_on": ["2026-08-15", "2026-09-10", "2026-09-20", "2026-08-31", "2026-11-30"],
    "completed_on": ["2026-08-10", "2026-09-15", None, "2026-08-30", None],
    "status": ["done", "done", "in_progress", "done", "in_progress"],
    "evidence_count": [2, 0, 0, 1, 0],
})
BRANCHES = pd.DataFrame({"branch_id": ["A", "B"], "village_id": ["va", "vb"],
                         "name_zh": ["甲支部", "乙支部"], "name_en": ["A", "B"]})
ASSESS = pd.DataFrame({"branch_id": ["A", "B"], "quarter": ["2026-Q3", "2026-Q3"], "score": [88.0, 93.5]})


def test_quarters():
    assert quarter_of("2026-08") == "2026-Q3" and quarter_of("2026-12") == "2026-Q4"
    assert quarter_bounds("2026-Q3") == (date(2026, 7, 1), date(2026, 9, 30))


def test_states_on_a_day():
    assert list(task_state(TASKS, date(2026, 9, 30))) == ["done", "done_late", "overdue", "done", "open"]


def test_responsibility_list_overdue_first_and_flags():
    r = responsibility_list(TASKS, date(2026, 9, 30))
    assert list(r["task_id"]) == ["t3", "t2", "t1", "t4"]  # t5 not assigned yet
    assert r.loc[0, "days_overdue"] == 10
    assert list(r["no_evidence"]) == [False, True, False, False]


def test_scoreboard_quarter_by_hand():
    start, end = quarter_bounds("2026-Q3")
    s = scoreboard(TASKS, BRANCHES, ASSESS, start, end, "2026-Q3").set_index("branch_id")
    # A: 3 due in Q3, 2 completed (t1 on time, t2 late), t3 overdue; t2 done with no evidence.
    assert (s.loc["A", "due"], s.loc["A", "completed"], s.loc["A", "overdue"]) == (3, 2, 1)
    assert s.loc["A", "completion_rate"] == pytest.approx(2 / 3)
    assert s.loc["A", "on_time_rate"] == pytest.approx(1 / 3)
    assert s.loc["A", "no_evidence"] == 1 and s.loc["A", "score"] == 88.0
    # B: t4 due and done on time; t5 due in Q4 does not count.
    assert (s.loc["B", "due"], s.loc["B", "on_time_rate"], s.loc["B", "overdue"]) == (1, 1.0, 0)


def test_monthly_completion():
    m = monthly_completion(TASKS, ["2026-08", "2026-09", "2026-10"])
    assert m.loc["2026-08", "due"] == 2 and m.loc["2026-08", "on_time_rate"] == 1.0
    assert m.loc["2026-09", "completion_rate"] == pytest.approx(0.5)
    assert pd.isna(m.loc["2026-10", "completion_rate"])
