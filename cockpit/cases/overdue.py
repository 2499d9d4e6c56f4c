"""Case lists of the cases page: the overdue list first, with personal fields masked.

Overdue = open at the period's end (or at the data end, when that comes first) and past its
due time; listed longest overdue first. Names, phones and addresses are masked
(:mod:`cockpit.text.privacy`) unless the caller passes ``allowed=True`` for a role that may see them.
"""

from __future__ import annotations

from datetime import datetime

import pandas as pd

from cockpit.values.case_filter import CaseFilter
from cockpit.text.privacy import mask_frame

__all__ = ["LIST_COLUMNS", "case_list", "overdue_list"]

LIST_COLUMNS: tuple[str, ...] = (
    "case_id", "received_at", "due_at", "days_overdue", "village_id", "category_id",
    "department_id", "channel", "summary", "citizen_name", "phone", "address",
)


def case_list(store, period, filt: CaseFilter | None = None, kind: str = "overdue",
              allowed: bool = False, as_of: datetime | None = None,
              limit: int | None = None) -> pd.DataFrame:
    """Cases of ``kind`` (overdue, open, received, due; see ``Store.case_list``), masked.

    Columns: LIST_COLUMNS plus closed_at and status. days_overdue is a float number of days
    (NaN for cases not overdue).
    """
    rows = store.case_list(period, filt, kind=kind, as_of=as_of, limit=limit)
    rows = rows[[*LIST_COLUMNS, "closed_at", "status"]]
    return mask_frame(rows, allowed=allowed)


def overdue_list(store, period, filt: CaseFilter | None = None, allowed: bool = False,
                 as_of: datetime | None = None, limit: int | None = None) -> pd.DataFrame:
    """Open cases past due at the period's end, longest overdue first, personal fields masked.

    Columns: LIST_COLUMNS (case_id, received_at, due_at, days_overdue, village_id,
    category_id, department_id, channel, summary, citizen_name, phone, address).
    """
    rows = case_list(store, period, filt, "overdue", allowed, as_of, limit)
    return rows[list(LIST_COLUMNS)].reset_index(drop=True)
