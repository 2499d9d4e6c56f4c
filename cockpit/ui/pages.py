"""The page registry: every screen, its file and its title key, in sidebar order."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["PageSpec", "PAGES", "page_spec"]


@dataclass(frozen=True)
class PageSpec:
    name: str
    path: str
    title_key: str
    icon: str
    kiosk: bool = False  # may be shown full-screen without sidebar or menus (?kiosk=1)


PAGES: tuple[PageSpec, ...] = (
    PageSpec("today", "pages/11_today.py", "nav.today", ":material/today:"),
    PageSpec("overview", "app.py", "nav.overview", ":material/dashboard:"),
    PageSpec("county", "pages/12_county.py", "nav.county", ":material/account_tree:"),
    PageSpec("map", "pages/1_map.py", "nav.map", ":material/map:"),
    PageSpec("services", "pages/2_services.py", "nav.services", ":material/balance:"),
    PageSpec("cases", "pages/3_cases.py", "nav.cases", ":material/support_agent:"),
    PageSpec("village", "pages/4_village.py", "nav.village", ":material/home_pin:"),
    PageSpec("whatif", "pages/10_planner.py", "nav.whatif", ":material/tune:"),
    PageSpec("party", "pages/5_party.py", "nav.party", ":material/flag:"),
    PageSpec("command", "pages/6_command.py", "nav.command", ":material/tv:", kiosk=True),
    PageSpec("presenter", "pages/7_presenter.py", "nav.presenter", ":material/slideshow:"),
    PageSpec("admin", "pages/8_admin.py", "nav.admin", ":material/admin_panel_settings:"),
    PageSpec("data", "pages/9_data.py", "nav.data", ":material/upload_file:"),
)


def page_spec(name: str) -> PageSpec:
    for p in PAGES:
        if p.name == name:
            return p
    raise KeyError(f"unknown page: {name!r}")
