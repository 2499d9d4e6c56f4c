"""The page registry: every screen, its file, its address and its title key, in sidebar order.

The one table the router (cockpit/ui/navigation.py, ``st.navigation``), the sidebar's links, the
roles and the tests read. A page's file is named for its address: pages/cases.py is /cases.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath

__all__ = ["PageSpec", "PAGES", "page_spec"]


@dataclass(frozen=True)
class PageSpec:
    name: str
    path: str
    title_key: str
    icon: str
    kiosk: bool = False  # may be shown full-screen without sidebar or menus (?kiosk=1)
    default: bool = False  # the front page, at /

    @property
    def url_path(self) -> str:
        """The page's address after the slash: its file's name, empty for the front page.

        >>> page_spec("cases").url_path, page_spec("overview").url_path
        ('cases', '')
        """
        return "" if self.default else PurePosixPath(self.path).stem


PAGES: tuple[PageSpec, ...] = (
    PageSpec("today", "pages/today.py", "nav.today", ":material/today:"),
    PageSpec("overview", "pages/overview.py", "nav.overview", ":material/dashboard:", default=True),
    PageSpec("county", "pages/county.py", "nav.county", ":material/account_tree:"),
    PageSpec("map", "pages/map.py", "nav.map", ":material/map:"),
    PageSpec("services", "pages/services.py", "nav.services", ":material/balance:"),
    PageSpec("cases", "pages/cases.py", "nav.cases", ":material/support_agent:"),
    PageSpec("village", "pages/village.py", "nav.village", ":material/home_pin:"),
    PageSpec("whatif", "pages/planner.py", "nav.whatif", ":material/tune:"),
    PageSpec("party", "pages/party.py", "nav.party", ":material/flag:"),
    PageSpec("command", "pages/command.py", "nav.command", ":material/tv:", kiosk=True),
    PageSpec("presenter", "pages/presenter.py", "nav.presenter", ":material/slideshow:"),
    PageSpec("admin", "pages/admin.py", "nav.admin", ":material/admin_panel_settings:"),
    PageSpec("data", "pages/data.py", "nav.data", ":material/upload_file:"),
)


def page_spec(name: str) -> PageSpec:
    for p in PAGES:
        if p.name == name:
            return p
    raise KeyError(f"unknown page: {name!r}")
