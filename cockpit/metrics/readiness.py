"""What a township's data holds, and what each page needs before it can show anything.

A new township starts empty (``python -m cockpit new-township``) and fills month by month. Until
a page has what it needs it opens anyway and shows :func:`checklist`: every part of the data, how
much of it is there, which pages it feeds and which import kind on the Data page brings it.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Part", "PARTS", "Item", "checklist", "missing_for", "NEEDS"]


@dataclass(frozen=True)
class Part:
    key: str            # villages, boundaries, coverage, allocations, cases, facilities, party
    kind: str           # the import kind that brings it (Data page, ``python -m cockpit import KIND``)
    unit: str           # rows (villages, facilities, branches, features) or months


PARTS: tuple[Part, ...] = (
    Part("villages", "villages", "rows"),
    Part("boundaries", "boundaries", "rows"),
    Part("coverage", "coverage", "months"),
    Part("allocations", "allocations", "months"),
    Part("cases", "cases", "months"),
    Part("facilities", "facilities", "rows"),
    Part("party", "party_branches", "rows"),
)

# page name -> the parts it cannot show anything without ("month": any of coverage, allocations, cases)
NEEDS: dict[str, tuple[str, ...]] = {
    "today": ("villages", "month"),
    "overview": ("villages", "month"),
    "county": ("villages", "month"),
    "map": ("villages", "boundaries", "month"),
    "services": ("villages", "coverage"),
    "cases": ("villages", "cases"),
    "village": ("villages", "month"),
    "whatif": ("villages", "coverage", "allocations"),
    "party": ("villages", "party", "month"),
    "command": ("villages", "month"),
    "presenter": ("villages", "month"),
    "admin": (),
    "data": (),
}

_MONTHLY = ("coverage", "allocations", "cases")
# parts that pages show without needing them (facilities: the map's points, accessibility)
_SHOWN_ON = {"facilities": ("map", "services", "village")}


@dataclass(frozen=True)
class Item:
    part: Part
    count: int
    pages: tuple[str, ...]   # pages that need or show this part

    @property
    def ready(self) -> bool:
        return self.count > 0


def checklist(contents: dict[str, int], boundaries: int) -> list[Item]:
    """One item per part of the data: ``contents`` as :meth:`cockpit.store.Store.contents` gives
    it, ``boundaries`` the villages with a polygon in the boundary file."""
    counts = {**contents, "boundaries": boundaries}
    return [Item(p, int(counts.get(p.key, 0)), tuple(
        page for page, needs in NEEDS.items()
        if p.key in needs or (p.key in _MONTHLY and "month" in needs) or page in _SHOWN_ON.get(p.key, ())))
        for p in PARTS]


def missing_for(page: str, items: list[Item]) -> list[str]:
    """The parts ``page`` still lacks (``"month"``: no monthly data of any kind); empty: it can show."""
    have = {i.part.key for i in items if i.ready}
    missing = []
    for need in NEEDS[page]:
        if need == "month":
            if not have & set(_MONTHLY):
                missing.append(need)
        elif need not in have:
            missing.append(need)
    return missing
