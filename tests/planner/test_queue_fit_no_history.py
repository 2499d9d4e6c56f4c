"""A township (or a county's first package) without a month of closed cases and staff: the queue
model says it has nothing to fit instead of failing the planner page."""

from __future__ import annotations

import math

import pandas as pd

from cockpit.planner.calibrate import fit_queue


def test_no_village_month_with_closed_cases_and_staff_fits_nothing_and_says_so():
    history = pd.DataFrame({"period": ["2026-09", "2026-10"], "village_id": ["v1", "v1"], "days": [30, 31],
                            "received": [3, 4], "staff_fte": [0.0, 0.0], "closed": [2, 3],
                            "mean_close_days": [4.0, 5.0]})
    fit = fit_queue(history)
    assert fit.observations == 0
    assert math.isnan(fit.r2) and math.isnan(fit.closed_per_staff_month)
    assert (fit.mu, fit.share) == (1.0, 1.0)
