"""The roles table: each role's pages, capabilities and village scope."""

import pytest

from cockpit.auth.roles import CAPABILITIES, PAGE_NAMES, ROLE_IDS, ROLES, can, can_open, role, scoped, \
    village_scope
from cockpit.auth.users import User
from cockpit.ui.pages import PAGES

ALL = set(PAGE_NAMES)
AGGREGATE = {"overview", "map", "village", "services"}

EXPECTED = {
    "administrator": (AGGREGATE | {"data", "admin"}, {"import", "export", "manage_users", "view_audit"}),
    "leader": (ALL - {"today"}, set(CAPABILITIES) - {"manage_users"}),
    "party": (AGGREGATE | {"party", "presenter"}, {"export"}),
    "planner": (AGGREGATE | {"whatif", "presenter"}, {"run_scenarios", "export"}),
    "village_secretary": (AGGREGATE | {"today", "cases", "party", "whatif"}, {"see_case_lists", "see_personal_data", "export"}),
    "viewer": (AGGREGATE, set()),
    "township_leader": (AGGREGATE | {"cases", "whatif", "party", "command", "presenter"},
                        {"see_case_lists", "export", "run_scenarios"}),
}


def _user(role_id, villages=(), active=True):
    return User("u", "", role_id, tuple(villages), active, False)


def test_the_seven_roles():
    assert ROLE_IDS == ("administrator", "leader", "party", "planner", "village_secretary", "viewer",
                        "township_leader")
    assert set(EXPECTED) == set(ROLE_IDS)


@pytest.mark.parametrize("role_id", ROLE_IDS)
def test_pages_of_each_role(role_id):
    user = _user(role_id, ["350781105201"])
    pages, _ = EXPECTED[role_id]
    assert {p for p in PAGE_NAMES if can_open(user, p)} == pages
    for p in ALL - pages:
        assert not can_open(user, p), (role_id, p)


@pytest.mark.parametrize("role_id", ROLE_IDS)
def test_capabilities_of_each_role(role_id):
    user = _user(role_id, ["350781105201"])
    _, caps = EXPECTED[role_id]
    assert {c for c in CAPABILITIES if can(user, c)} == caps


def test_viewer_sees_no_cases_and_no_personal_data():
    viewer = _user("viewer")
    assert not can_open(viewer, "cases") and not can(viewer, "see_case_lists")
    assert not can(viewer, "see_personal_data") and not can(viewer, "export")


def test_only_the_administrator_manages_users():
    assert [r for r in ROLE_IDS if can(_user(r, ["x"]), "manage_users")] == ["administrator"]


def test_village_secretary_scope():
    sec = _user("village_secretary", ["350781105201", "350781105202"])
    assert village_scope(sec) == ("350781105201", "350781105202")
    assert scoped(sec, ["350781105001", "350781105202", "350781105201"]) == ["350781105202", "350781105201"]
    assert role("village_secretary").village_scoped


def test_secretary_without_villages_sees_nothing():
    assert village_scope(_user("village_secretary", [])) == ()
    assert scoped(_user("village_secretary", []), ["a", "b"]) == []


def test_a_township_leader_sees_their_township_s_villages_only():
    town = _user("township_leader", ["350781102001", "350781102201"])
    assert village_scope(town) == ("350781102001", "350781102201")
    assert scoped(town, ["350781101001", "350781102201"]) == ["350781102201"]
    assert village_scope(_user("township_leader", [])) == ()
    assert not can_open(town, "county") and not can(town, "define_index") and not can(town, "close_months")


@pytest.mark.parametrize("role_id", [r for r in ROLE_IDS if r not in ("village_secretary", "township_leader")])
def test_other_roles_see_all_villages(role_id):
    assert village_scope(_user(role_id)) is None
    assert scoped(_user(role_id), ["a", "b"]) == ["a", "b"]


@pytest.mark.parametrize("user", [None, _user("leader", active=False), _user("nonsense")])
def test_nobody_disabled_or_unknown_role_gets_nothing(user):
    assert not any(can_open(user, p) for p in PAGE_NAMES)
    assert not any(can(user, c) for c in CAPABILITIES)
    assert village_scope(user) == ()


def test_unknown_page_is_closed_and_unknown_capability_is_an_error():
    assert not can_open(_user("leader"), "no_such_page")
    with pytest.raises(KeyError, match="unknown capability"):
        can(_user("leader"), "fly")
    with pytest.raises(KeyError, match="unknown role"):
        role("king")


def test_every_registered_page_is_in_the_table_and_someone_may_open_it():
    for spec in PAGES:
        assert spec.name in PAGE_NAMES, spec.name
    for page in PAGE_NAMES:
        assert any(page in r.pages for r in ROLES), page
    assert can_open(_user("administrator"), "admin")


def test_i18n_keys_of_roles():
    assert [r.name_key for r in ROLES] == [f"role.{r}" for r in ROLE_IDS]
    assert role("viewer").description_key == "role.viewer.desc"
