"""The sample's demo accounts: shipped hashed, listed in the README, usable only while synthetic."""

from pathlib import Path

import duckdb
import pandas as pd

from cockpit.auth.demo import COUNTY_DEMO_ACCOUNTS, DEMO_ACCOUNTS, demo_accounts_markdown, demo_users_frame, offered_demo_accounts
from cockpit.auth.login import LoginPolicy, authenticate
from cockpit.auth.passwords import DEMO_PARAMS, params_of, verify_password
from cockpit.auth.roles import ROLE_IDS, roles_table_markdown
from cockpit.auth.users import list_users
from tests.auth_fixtures import FAST

ROOT = Path(__file__).resolve().parents[2]
USERS_CSV = ROOT / "sample_data" / "users.csv"


def test_one_demo_account_per_role():
    """The township's roles in the sample township; the county's own in the sample county."""
    assert sorted(a.role for a in DEMO_ACCOUNTS + COUNTY_DEMO_ACCOUNTS) == sorted(ROLE_IDS)


def test_users_csv_holds_hashes_not_passwords():
    text = USERS_CSV.read_text(encoding="utf-8")
    users = pd.read_csv(USERS_CSV, dtype=str, keep_default_na=False).set_index("user_name")
    for a in DEMO_ACCOUNTS:
        assert a.password not in text
        stored = users.loc[a.name, "password_hash"]
        assert params_of(stored) == DEMO_PARAMS and verify_password(a.password, stored)
        assert users.loc[a.name, "role"] == a.role and users.loc[a.name, "demo"] == "true"
    assert users["password_hash"].nunique() == len(users)
    villages = pd.read_csv(ROOT / "sample_data" / "villages.csv", dtype=str)
    first_village = villages[villages["kind"] == "village"]["village_id"].iloc[0]
    assert users.loc["secretary", "village_ids"] == first_village


def test_users_csv_is_what_the_generator_writes():
    import numpy as np

    villages = pd.read_csv(ROOT / "sample_data" / "villages.csv", dtype=str)
    expected = demo_users_frame(villages, np.random.default_rng([20261, 10]), "2024-11-01 08:00:00")
    shipped = pd.read_csv(USERS_CSV, dtype=str, keep_default_na=False)
    pd.testing.assert_frame_equal(shipped, expected.astype(str))


def test_readme_lists_the_demo_accounts_and_the_roles_table():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert demo_accounts_markdown() in readme
    assert roles_table_markdown() in readme
    assert "python -m cockpit users add admin --role administrator" in readme


def test_sample_database_ships_the_demo_accounts(fresh_db):
    con = duckdb.connect(str(fresh_db))
    users = {u.name: u for u in list_users(con)}
    assert set(users) == {a.name for a in DEMO_ACCOUNTS}
    assert all(u.demo and u.active for u in users.values())
    assert users["secretary"].villages == ("350781105201",)
    assert offered_demo_accounts(con) == list(DEMO_ACCOUNTS)
    con.execute("UPDATE users SET active = false WHERE user_name = 'party'")
    assert [a.name for a in offered_demo_accounts(con)] == [a.name for a in DEMO_ACCOUNTS if a.name != "party"]
    result = authenticate(con, "secretary", "demo-secretary", policy=LoginPolicy(), params=FAST)
    assert result.ok and result.user.villages == ("350781105201",)
    con.close()


def test_demo_accounts_are_refused_and_hidden_once_the_data_is_real(fresh_db):
    con = duckdb.connect(str(fresh_db))
    con.execute("UPDATE meta SET value = 'false' WHERE key = 'synthetic'")  # as an import of real data would
    assert authenticate(con, "leader", "demo-leader", policy=LoginPolicy(), params=FAST).reason == "demo_disabled"
    assert offered_demo_accounts(con) == []
    con.close()
