"""Roles: what each role may open and do. This table is the one place access is decided.

Pages are the names of :data:`cockpit.ui.pages.PAGES` (including pages still to come);
capabilities are the actions a page asks for with :func:`can`. Role names are translated with
the catalog keys ``role.<id>`` (and ``role.<id>.desc`` for a one-line description).

Users are any object with ``role``, ``villages`` and ``active`` attributes (see
:class:`cockpit.auth.users.User`); ``None`` (nobody signed in) may open nothing.
"""

from __future__ import annotations
from cockpit.i18n import Translator

from dataclasses import dataclass

__all__ = ["PAGE_NAMES", "CAPABILITIES", "Role", "ROLES", "ROLE_IDS", "DISPLAY", "role", "can_open", "can",
           "village_scope", "scoped", "roles_table_markdown"]

PAGE_NAMES: tuple[str, ...] = ("today", "overview", "county", "map", "village", "services", "cases", "party", "command",
                               "presenter", "whatif", "data", "admin")
"""Every page of the cockpit, existing or planned, by registry name."""

CAPABILITIES: tuple[str, ...] = (
    "see_case_lists",     # lists of single citizen appeals (personal fields masked)
    "see_personal_data",  # unmask a caller's name, phone and address (each unmasking is logged)
    "export",             # download CSV, PDF briefings, images
    "import",             # load or repair data
    "run_scenarios",      # run and save what-if scenarios
    "manage_users",       # add users, reset passwords, change roles, disable accounts
    "view_audit",         # read the audit log
    "close_months",       # close a month's figures (月结) and reopen a closed month
    "define_index",       # set the composite service index's weights and reference period for everyone
)


@dataclass(frozen=True)
class Role:
    """A role: its id, the pages it may open, what it may do, and whether it is bound to villages.

    ``village_scoped`` roles see their own villages only, everywhere (lists, maps, profiles,
    exports, briefings, scenario results); the others see the whole township.
    """

    id: str
    pages: frozenset[str]
    capabilities: frozenset[str]
    village_scoped: bool = False

    @property
    def name_key(self) -> str:
        return f"role.{self.id}"

    @property
    def description_key(self) -> str:
        return f"role.{self.id}.desc"


def _role(id: str, pages: tuple[str, ...], caps: tuple[str, ...], scoped: bool = False) -> Role:
    unknown = (set(pages) - set(PAGE_NAMES)) | (set(caps) - set(CAPABILITIES))
    if unknown:
        raise ValueError(f"role {id!r}: unknown page or capability {sorted(unknown)}")
    return Role(id, frozenset(pages), frozenset(caps), scoped)


_AGGREGATE_PAGES = ("overview", "map", "village", "services")

ROLES: tuple[Role, ...] = (
    # Runs the system: accounts, imports, the audit log; aggregates only, no citizens' data.
    _role("administrator", _AGGREGATE_PAGES + ("data", "admin"),
          ("import", "export", "manage_users", "view_audit")),
    # 乡镇长 / 党委书记: everything; user accounts stay with the administrator.
    _role("leader", tuple(p for p in PAGE_NAMES if p != "today"),   # Today is a village secretary's day
          ("see_case_lists", "see_personal_data", "export", "import", "run_scenarios", "view_audit",
           "close_months", "define_index")),
    # 党建工作委员会: party pages and aggregates.
    _role("party", _AGGREGATE_PAGES + ("party", "presenter"), ("export",)),
    # 规划、财政、民政 staff: what-if, scenarios and aggregates.
    _role("planner", _AGGREGATE_PAGES + ("whatif", "presenter"), ("run_scenarios", "export")),
    # 村支书: own village only, everywhere; handles its appeals, so sees their callers.
    _role("village_secretary", ("today",) + _AGGREGATE_PAGES + ("cases", "party", "whatif"),
          ("see_case_lists", "see_personal_data", "export"), scoped=True),
    # The public ("data for the people"): aggregate figures in plain language, nothing personal.
    _role("viewer", _AGGREGATE_PAGES, ()),
    # In a county's database (cockpit/county): a township's leader sees their township's villages
    # only, on every page and export, as a village secretary sees a village; the county's
    # definitions, months and accounts stay with the county.
    _role("township_leader", ("overview", "map", "village", "services", "cases", "whatif", "party", "command",
                              "presenter"),
          ("see_case_lists", "export", "run_scenarios"), scoped=True),
)

ROLE_IDS: tuple[str, ...] = tuple(r.id for r in ROLES)

DISPLAY = _role("display", ("command",), ())
"""A registered wall display (cockpit/auth/displays.py): the command screen, masked. Not a role a
user account can have, so it is not in :data:`ROLES`."""

_BY_ID = {r.id: r for r in ROLES + (DISPLAY,)}


def role(role_id: str) -> Role:
    """The role ``role_id``; raises ``KeyError`` naming it when unknown."""
    try:
        return _BY_ID[role_id]
    except KeyError:
        raise KeyError(f"unknown role: {role_id!r} (roles: {', '.join(ROLE_IDS)})") from None


def _role_of(user) -> Role | None:
    if user is None or not getattr(user, "active", False):
        return None
    return _BY_ID.get(getattr(user, "role", None))


def can_open(user, page_name: str) -> bool:
    """True when ``user`` may open page ``page_name`` (False for nobody, disabled users, unknown pages)."""
    r = _role_of(user)
    return r is not None and page_name in r.pages


def can(user, capability: str) -> bool:
    """True when ``user`` may do ``capability``; an unknown capability raises ``KeyError``."""
    if capability not in CAPABILITIES:
        raise KeyError(f"unknown capability: {capability!r}")
    r = _role_of(user)
    return r is not None and capability in r.capabilities


def village_scope(user) -> tuple[str, ...] | None:
    """The villages ``user`` may see: ``None`` means all villages; ``()`` means none.

    Nobody signed in, a disabled user or a village-scoped role without villages gets ``()``:
    store queries given an empty scope return no rows, so a mistake fails closed.
    """
    r = _role_of(user)
    if r is None:
        return ()
    if not r.village_scoped:
        return None
    return tuple(getattr(user, "villages", ()) or ())


def scoped(user, village_ids) -> list[str]:
    """The members of ``village_ids`` that ``user`` may see, in their order."""
    scope = village_scope(user)
    return [v for v in village_ids if scope is None or v in scope]


def roles_table_markdown() -> str:
    """The roles table as the README prints it (English page and capability names)."""

    en, zh = Translator("en"), Translator("zh")
    lines = ["| role | pages | may | villages |", "| --- | --- | --- | --- |"]
    for r in ROLES:
        caps = ", ".join(en(f"admin.cap.{c}") for c in CAPABILITIES if c in r.capabilities) or en("admin.cap.none")
        lines.append(f"| {en(r.name_key)} · {zh(r.name_key)} (`{r.id}`) | "
                     f"{', '.join(en(f'admin.page.{p}') for p in PAGE_NAMES if p in r.pages)} | {caps} | "
                     f"{en('admin.scope_own' if r.village_scoped else 'admin.scope_all')} |")
    return "\n".join(lines)
