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


PAGES: tuple[PageSpec, ...] = (
    PageSpec("overview", "app.py", "nav.overview", ":material/dashboard:"),
    PageSpec("map", "pages/1_map.py", "nav.map", ":material/map:"),
    PageSpec("village", "pages/4_village.py", "nav.village", ":material/home_pin:"),
    PageSpec("party", "pages/5_party.py", "nav.party", ":material/flag:"),
)


def page_spec(name: str) -> PageSpec:
    for p in PAGES:
        if p.name == name:
            return p
    raise KeyError(f"unknown page: {name!r}")
