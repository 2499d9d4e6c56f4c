"""Demo accounts of the synthetic sample township (sample_data/users.csv).

Their passwords are published (README, login page), so their hashes use the cheaper
:data:`~cockpit.auth.passwords.DEMO_PARAMS` (raised on first login) and seeded salts, which keeps
the generated sample byte-identical for a given seed. They are flagged ``demo`` and
:func:`cockpit.auth.login.authenticate` refuses them once the database is no longer synthetic.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from cockpit.auth.passwords import DEMO_PARAMS, hash_password
from cockpit.store.schema import table
from cockpit.i18n import Translator
from cockpit.auth.login import is_synthetic
from cockpit.auth.users import list_users

__all__ = ["DemoAccount", "DEMO_ACCOUNTS", "COUNTY_DEMO_ACCOUNTS", "demo_users_frame", "demo_accounts_markdown", "offered_demo_accounts"]


@dataclass(frozen=True)
class DemoAccount:
    name: str
    password: str
    role: str
    display_name: str


DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount("admin", "demo-admin", "administrator", "演示管理员 Demo administrator"),
    DemoAccount("leader", "demo-leader", "leader", "演示镇领导 Demo township leader"),
    DemoAccount("party", "demo-party", "party", "演示党建办 Demo party committee"),
    DemoAccount("planner", "demo-planner", "planner", "演示规划员 Demo planner"),
    DemoAccount("secretary", "demo-secretary", "village_secretary", "演示村支书 Demo village secretary"),
    DemoAccount("viewer", "demo-viewer", "viewer", "演示公众 Demo public viewer"),
)

COUNTY_DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount("township", "demo-township", "township_leader", "演示乡镇领导 Demo township leader in the county"),
)
"""Accounts of the sample county only (cockpit/sample/county.py): a role bound to one township."""

COUNTY_DISPLAY_NAMES = {"leader": "演示县领导 Demo county leader"}
"""In the sample county, the leader leads the county."""


def _secretary_village(villages: pd.DataFrame) -> str:
    rural = villages[villages["kind"] == "village"]
    return str((rural if len(rural) else villages)["village_id"].iloc[0])


def demo_users_frame(villages: pd.DataFrame, rng: np.random.Generator, created_at: str,
                     township: tuple[str, ...] = ()) -> pd.DataFrame:
    """The rows of users.csv: the demo accounts, hashed; the secretary gets the first administrative
    village. ``created_at`` is ``YYYY-MM-DD HH:MM:SS``. ``township``: the villages of the sample
    county's first township, which adds its township leader (COUNTY_DEMO_ACCOUNTS)."""

    village = _secretary_village(villages)
    accounts = DEMO_ACCOUNTS + (COUNTY_DEMO_ACCOUNTS if township else ())
    bound = {"village_secretary": village, "township_leader": " ".join(township)}
    rows = [{
        "user_name": a.name, "role": a.role,
        "display_name": COUNTY_DISPLAY_NAMES.get(a.name, a.display_name) if township else a.display_name,
        "village_ids": bound.get(a.role, ""),
        "password_hash": hash_password(a.password, DEMO_PARAMS, salt=rng.bytes(16)),
        "active": "true", "demo": "true", "created_at": created_at, "updated_at": created_at,
    } for a in accounts]
    return pd.DataFrame(rows, columns=table("users").column_names)


def demo_accounts_markdown() -> str:
    """The demo accounts as the README lists them."""

    en, zh = Translator("en"), Translator("zh")
    lines = ["| user | password | role |", "| --- | --- | --- |"]
    lines += [f"| `{a.name}` | `{a.password}` | {en(f'role.{a.role}')} · {zh(f'role.{a.role}')} (`{a.role}`) |"
              for a in DEMO_ACCOUNTS]
    return "\n".join(lines)


def offered_demo_accounts(con) -> list[DemoAccount]:
    """The demo accounts a sign-in page may list: none unless the database is the synthetic sample,
    and only those still active and flagged demo."""

    if not is_synthetic(con):
        return []
    live = {u.name for u in list_users(con) if u.demo and u.active}
    return [a for a in DEMO_ACCOUNTS if a.name in live]
