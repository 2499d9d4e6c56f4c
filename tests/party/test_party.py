from datetime import date

import pandas as pd
import pytest

from cockpit.party.review import (branch_trend, monthly_completion, period_bounds, quarter_bounds, quarter_of,
                           responsibility_list, scoreboard, task_state, township_trend, trend_periods)

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


def test_trend_periods_and_bounds():
    months = ["2026-08", "2026-09", "2026-10", "2026-11"]
    assert trend_periods(months, "month") == months
    assert trend_periods(months, "quarter") == ["2026-Q3", "2026-Q4"]
    assert period_bounds("2026-02") == (date(2026, 2, 1), date(2026, 2, 28))
    assert period_bounds("2026-Q4") == (date(2026, 10, 1), date(2026, 12, 31))
    with pytest.raises(ValueError):
        trend_periods(months, "week")


def _at(trend, period, branch):
    return trend.set_index(["period", "branch_id"]).loc[(period, branch)]


def test_branch_trend_by_month_by_hand():
    t = branch_trend(TASKS, BRANCHES, ASSESS, ["2026-07", "2026-08", "2026-09", "2026-10", "2026-11"])
    assert len(t) == 10 and list(t["period"].unique()) == ["2026-07", "2026-08", "2026-09", "2026-10", "2026-11"]
    # July: nothing due for either branch -> no rates, nothing overdue.
    a7 = _at(t, "2026-07", "A")
    assert a7["due"] == 0 and pd.isna(a7["completion_rate"]) and pd.isna(a7["on_time_rate"]) and a7["overdue"] == 0
    # August: A's t1 (due 08-15, done 08-10) and B's t4 (due 08-31, done 08-30): both on time.
    a8, b8 = _at(t, "2026-08", "A"), _at(t, "2026-08", "B")
    assert (a8["due"], a8["completion_rate"], a8["on_time_rate"], a8["overdue"]) == (1, 1.0, 1.0, 0)
    assert (b8["due"], b8["completion_rate"], b8["on_time_rate"], b8["overdue"]) == (1, 1.0, 1.0, 0)
    # September: A's t2 done late (09-15 > 09-10), t3 open past its due date -> 1/2 complete,
    # 0 on time, 1 overdue. B has no task due: rates NaN, 0 overdue. September closes Q3: scores.
    a9, b9 = _at(t, "2026-09", "A"), _at(t, "2026-09", "B")
    assert (a9["due"], a9["completed"], a9["on_time"], a9["overdue"]) == (2, 1, 0, 1)
    assert a9["completion_rate"] == pytest.approx(0.5) and a9["on_time_rate"] == 0.0
    assert b9["due"] == 0 and pd.isna(b9["completion_rate"]) and b9["overdue"] == 0
    assert (a9["score"], b9["score"]) == (88.0, 93.5)
    assert pd.isna(a8["score"]) and pd.isna(_at(t, "2026-10", "A")["score"])  # not a quarter's end
    # October: t3 still overdue; November: B's t5 due 11-30 not done, but not yet overdue on 11-30.
    assert _at(t, "2026-10", "A")["overdue"] == 1 and pd.isna(_at(t, "2026-10", "A")["completion_rate"])
    b11 = _at(t, "2026-11", "B")
    assert (b11["due"], b11["completion_rate"], b11["on_time_rate"], b11["overdue"]) == (1, 0.0, 0.0, 0)
    assert list(t.loc[t["period"] == "2026-09", "name_zh"]) == ["甲支部", "乙支部"]


def test_branch_trend_by_quarter_sums_the_months():
    months = ["2026-07", "2026-08", "2026-09", "2026-10", "2026-11"]
    q = branch_trend(TASKS, BRANCHES, ASSESS, months, "quarter")
    assert list(q["period"]) == ["2026-Q3", "2026-Q3", "2026-Q4", "2026-Q4"]
    a3, b3 = _at(q, "2026-Q3", "A"), _at(q, "2026-Q3", "B")
    # A in Q3: t1, t2, t3 due; t1 and t2 completed, t1 on time; t3 overdue at 09-30.
    assert (a3["due"], a3["completed"], a3["on_time"], a3["overdue"]) == (3, 2, 1, 1)
    assert a3["completion_rate"] == pytest.approx(2 / 3) and a3["on_time_rate"] == pytest.approx(1 / 3)
    assert (b3["due"], b3["completion_rate"], b3["on_time_rate"], b3["score"]) == (1, 1.0, 1.0, 93.5)
    assert a3["score"] == 88.0
    # Q4 (to 12-31): A has nothing due, t3 still overdue; B's t5 (due 11-30) is overdue; no scores.
    a4, b4 = _at(q, "2026-Q4", "A"), _at(q, "2026-Q4", "B")
    assert a4["due"] == 0 and pd.isna(a4["completion_rate"]) and a4["overdue"] == 1
    assert (b4["due"], b4["completion_rate"], b4["overdue"]) == (1, 0.0, 1)
    assert q["score"].iloc[2:].isna().all()
    # The quarter's due/completed/on-time are the sums of its months; overdue its last month's.
    m = branch_trend(TASKS, BRANCHES, ASSESS, months)
    q3_months = m[m["period"].isin(["2026-07", "2026-08", "2026-09"])].groupby("branch_id")
    for col in ["due", "completed", "on_time"]:
        assert list(q3_months[col].sum()) == list(q.loc[q["period"] == "2026-Q3", col])
    # And it is the quarter's scoreboard, row for row.
    start, end = quarter_bounds("2026-Q3")
    board = scoreboard(TASKS, BRANCHES, ASSESS, start, end, "2026-Q3")
    pd.testing.assert_frame_equal(q[q["period"] == "2026-Q3"].drop(columns="period").reset_index(drop=True),
                                  board)


def test_branch_trend_cut_at_as_of_is_quarter_to_date():
    q = branch_trend(TASKS, BRANCHES, ASSESS, ["2026-09", "2026-10", "2026-11"], "quarter",
                     as_of=date(2026, 11, 15))
    # Q4 to 11-15: t5 is not due yet, so B has nothing due and nothing overdue.
    b4 = _at(q, "2026-Q4", "B")
    assert b4["due"] == 0 and pd.isna(b4["completion_rate"]) and b4["overdue"] == 0
    assert _at(q, "2026-Q4", "A")["overdue"] == 1
    assert branch_trend(TASKS, BRANCHES, ASSESS, ["2026-12"], as_of=date(2026, 11, 30)).empty


def test_township_trend_by_hand_and_equal_to_monthly_completion():
    q = township_trend(branch_trend(TASKS, BRANCHES, ASSESS, ["2026-08", "2026-11"], "quarter"))
    # Q3: 4 due, 3 completed (t1, t2, t4), 2 on time (t1, t4), 1 overdue; score mean of 88 and 93.5.
    assert (q.loc["2026-Q3", "due"], q.loc["2026-Q3", "overdue"]) == (4, 1)
    assert q.loc["2026-Q3", "completion_rate"] == 0.75 and q.loc["2026-Q3", "on_time_rate"] == 0.5
    assert q.loc["2026-Q3", "score"] == pytest.approx(90.75) and pd.isna(q.loc["2026-Q4", "score"])
    assert (q.loc["2026-Q4", "due"], q.loc["2026-Q4", "completion_rate"], q.loc["2026-Q4", "overdue"]) == (1, 0.0, 2)
    assert q.loc["2026-Q3", "overdue_per_branch"] == 0.5 and q.loc["2026-Q4", "overdue_per_branch"] == 1.0
    months = ["2026-08", "2026-09", "2026-10"]
    township = township_trend(branch_trend(TASKS, BRANCHES, ASSESS, months))
    pd.testing.assert_frame_equal(township[["due", "completion_rate", "on_time_rate"]],
                                  monthly_completion(TASKS, months), check_dtype=False, check_names=False)
