"""Weekly alerts: robust z-scores worked by hand."""

import math
from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd
import pytest

from cockpit.cases.alerts import ALERT_COLUMNS, alerts, poisson_tail, robust_z, weekly_alerts

W0 = date(2026, 1, 5)  # a Monday
WEEKS = [W0 + timedelta(weeks=i) for i in range(14)]


def _frame(kind, key, counts):
    return pd.DataFrame([dict(kind=kind, key=key, week=w, count=c)
                         for w, c in zip(WEEKS, counts) if c])


def test_robust_z_by_hand():
    # median 3; |h − 3| sorted: six 0s, five 1s, one 2 -> MAD 0.5; 1.4826 × 0.5 = 0.74 < √3
    base, z = robust_z(9, [2, 3, 3, 4, 2, 3, 5, 3, 2, 4, 3, 3])
    assert base == 3 and z == pytest.approx(6 / np.sqrt(3))
    # a wide baseline: median 5, MAD 2.5 -> scale 1.4826 × 2.5 = 3.71 > √5
    base, z = robust_z(20, [0, 10, 2, 8, 1, 9, 3, 7, 4, 6, 5, 5])
    assert base == 5 and z == pytest.approx(15 / (1.4826 * 2.5))
    # MAD 0: mean |h − 10| = 4/12 -> 1.2533 × 0.33 = 0.42, floored by √10 (the old rule gave z = 14)
    base, z = robust_z(16, [10, 10, 10, 11, 10, 9, 10, 10, 11, 10, 9, 10])
    assert z == pytest.approx(6 / np.sqrt(10))
    # all zeros: scale √max(0, 1) = 1
    assert robust_z(4, [0] * 12)[1] == pytest.approx(4.0)
    # vectorised over keys
    _, zs = robust_z(np.array([9, 16]), np.array([[2, 3, 3, 4, 2, 3, 5, 3, 2, 4, 3, 3],
                                                  [10, 10, 10, 11, 10, 9, 10, 10, 11, 10, 9, 10]]))
    assert zs == pytest.approx([6 / np.sqrt(3), 6 / np.sqrt(10)])


def test_poisson_tail_by_hand():
    # level max(median 3, mean 37/12 = 3.08) = 3.08; P(X ≥ 9) = 1 − Σ_{k<9} e^−λ λ^k / k!
    lam = 37 / 12
    below = sum(math.exp(-lam) * lam ** k / math.factorial(k) for k in range(9))
    assert poisson_tail(9, [2, 3, 3, 4, 2, 3, 5, 3, 2, 4, 3, 3]) == pytest.approx(1 - below)
    # a silent baseline is taken as 0.5 a week: P(X ≥ 6 | 0.5)
    tail = 1 - sum(math.exp(-0.5) * 0.5 ** k / math.factorial(k) for k in range(6))
    assert poisson_tail(6, [0] * 12) == pytest.approx(tail)


def test_weekly_alerts_by_hand():
    history = [2, 3, 3, 4, 2, 3, 5, 3, 2, 4, 3, 3]
    counts = pd.concat([
        _frame("category", "roads", history + [12, 5]),          # z = 9/√3 = 5.2, P = 4e-5
        _frame("category", "water", [3] * 10 + [4, 5] + [10, 3]),  # z = 7/√3 = 4.04 but P = 0.002
        _frame("village", "quiet", [0] * 12 + [4, 0]),            # z = 4 but only 4 cases
        _frame("village", "loud", [0] * 12 + [6, 0]),             # z = 6, P = 1.4e-5
        _frame("village", "steady", [10, 10, 10, 11, 10, 9, 10, 10, 11, 10, 9, 10] + [16, 10]),  # z = 1.9
    ])
    out = weekly_alerts(counts, [WEEKS[12]], W0, window=12, threshold=3.5, min_count=5, all_rows=True)
    out = out.set_index(["kind", "key"])
    assert out.loc[("category", "roads"), "z"] == pytest.approx(9 / np.sqrt(3))
    assert out.loc[("category", "water"), "z"] == pytest.approx(7 / np.sqrt(3))
    assert out.loc[("village", "quiet"), "z"] == pytest.approx(4.0)
    assert out["alert"].to_dict() == {("category", "roads"): True, ("category", "water"): False,
                                      ("village", "loud"): True, ("village", "quiet"): False,
                                      ("village", "steady"): False}
    alerts_only = weekly_alerts(counts, [WEEKS[12]], W0)
    assert list(alerts_only.columns) == list(ALERT_COLUMNS)
    assert alerts_only["key"].tolist() == ["loud", "roads"]  # highest z first
    assert (alerts_only["week"] == WEEKS[12]).all()
    assert alerts_only.set_index("key").loc["roads", "baseline"] == 3


def _poisson_weeks(rng, level, keys, surge=1.0):
    """Weekly counts of ``keys`` keys steady at ``level`` for 12 weeks, then one week at surge × level."""
    values = np.concatenate([rng.poisson(level, (keys, 12)), rng.poisson(level * surge, (keys, 1))], axis=1)
    return pd.DataFrame({"kind": "village", "key": np.repeat(np.arange(keys), 13),
                         "week": np.tile(WEEKS[:13], keys), "count": values.ravel()})


@pytest.mark.parametrize("level", [1.0, 2.5, 5.0, 10.0, 20.0])
def test_steady_weeks_rarely_alert_and_a_tripling_is_found(level):
    rng = np.random.default_rng(7)
    keys = 20_000
    quiet = weekly_alerts(_poisson_weeks(rng, level, keys), [WEEKS[12]], W0)
    assert len(quiet) / keys < 0.0015, f"false alerts at λ={level}: {len(quiet) / keys:.3%}"
    tripled = weekly_alerts(_poisson_weeks(rng, level, keys, surge=3.0), [WEEKS[12]], W0)
    found = len(tripled) / keys
    assert found > {1.0: 0.03, 2.5: 0.15, 5.0: 0.45, 10.0: 0.8, 20.0: 0.98}[level], f"λ={level}: {found:.1%}"


def test_weeks_need_a_full_window_of_history():
    counts = _frame("category", "roads", [1] * 11 + [50])
    assert weekly_alerts(counts, [WEEKS[11]], W0).empty  # only 11 weeks before it
    assert len(weekly_alerts(counts, [WEEKS[11]], W0, window=11)) == 1
    # the following week, back to 0 after a spike in the window: no alert
    assert weekly_alerts(_frame("category", "roads", [1] * 12 + [50, 0]), [WEEKS[13]], W0).empty


def test_empty_inputs():
    assert weekly_alerts(pd.DataFrame(), [], W0).empty
    with pytest.raises(ValueError, match="window"):
        weekly_alerts(pd.DataFrame(), [W0], W0, window=0)


def test_weekly_case_counts_tiny(store):
    w = store.weekly_case_counts(datetime(2026, 9, 1), datetime(2026, 11, 1))
    got = {(r.kind, r.key, pd.Timestamp(r.week).date().isoformat()): r.count for r in w.itertuples()}
    # weeks start on Monday: 4 (Sun 09-20) -> 09-14; 6, 1, 2 -> 09-28; 5 -> 10-05; 7 -> 10-19;
    # 3 -> 10-26; the cancelled 8 is not counted
    assert got == {
        ("category", "c1", "2026-09-14"): 1, ("category", "c1", "2026-09-28"): 1,
        ("category", "c1", "2026-10-05"): 1, ("category", "c1", "2026-10-19"): 1,
        ("category", "c1", "2026-10-26"): 1, ("category", "c2", "2026-09-28"): 2,
        ("village", "350781105001", "2026-09-28"): 2, ("village", "350781105001", "2026-10-26"): 1,
        ("village", "350781105002", "2026-09-14"): 1, ("village", "350781105002", "2026-09-28"): 1,
        ("village", "350781105002", "2026-10-05"): 1, ("village", "350781105002", "2026-10-19"): 1,
    }


def test_alerts_on_tiny_have_too_little_history(store):
    assert alerts(store, "2026-10").empty
    judged = alerts(store, "2026-10", window=2, min_count=1, threshold=0.5, all_rows=True)
    # October weeks starting in October: 10-05, 10-12, 10-19, 10-26; village A in week 10-26:
    # 1 case against weeks 10-12 and 10-19 (0, 0): median 0, MAD 0 -> scale 1, z = 1
    row = judged.set_index(["kind", "key", "week"]).loc[("village", "350781105001", date(2026, 10, 26))]
    assert (row["count"], row["baseline"], row["z"]) == (1, 0.0, 1.0)
    assert sorted(set(judged["week"])) == [date(2026, 10, 5), date(2026, 10, 12), date(2026, 10, 19),
                                           date(2026, 10, 26)]


def test_poisson_tail_equals_scipy_stats():
    """The incomplete-gamma form gives scipy.stats.poisson.sf(x - 1, level), which it replaces
    (scipy.stats costs about a second to import on the first page)."""
    import numpy as np
    from scipy.stats import poisson

    from cockpit.cases.alerts import poisson_tail

    rng = np.random.default_rng(7)
    x = rng.integers(-1, 80, 4000)
    history = rng.poisson(rng.uniform(0, 40, (4000, 1)), (4000, 12))
    h = history.astype(float)
    level = np.maximum(np.maximum(np.median(h, axis=-1), h.mean(axis=-1)), 0.5)
    np.testing.assert_allclose(poisson_tail(x, history), poisson.sf(x - 1, level), rtol=1e-12, atol=1e-15)
