"""Villages of the sample township: geometry, attributes, roles and households.

Remoteness drives everything: ``remoteness = distance_km / max(distance_km)``. Population falls,
the elderly share rises and broadband falls with it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from cockpit.sample import geography as geo
from cockpit.sample.names import (COMMUNITY_NAME, SEAT_NAME, TOWNSHIP_ZH, given_pool, surname_pool,
                                  village_names)

__all__ = ["Township", "Households", "build_township", "COUNTY_CODE", "TOWN_CODE", "PHONE_PREFIXES"]

COUNTY_CODE = "350781"
TOWN_CODE = "105"
_STREETS = ("中山路", "解放路", "人民路", "溪滨路", "新华街", "建设路", "文化街", "府前路", "青溪路", "南门街")
PHONE_PREFIXES = np.array([130, 131, 132, 133, 134, 135, 136, 137, 138, 139, 150, 151, 152, 153, 155,
                            156, 157, 158, 159, 180, 181, 182, 183, 185, 186, 187, 188, 189], dtype=np.int64)


@dataclass(frozen=True)
class Households:
    """Household locations and their (synthetic) heads; arrays aligned by household.

    ``start[v]:start[v] + count[v]`` are the households of village ``v``. ``place`` is the short
    location used in case texts (溪口村3组 / 城关社区中山路), ``address`` the full postal address.
    """

    start: np.ndarray
    count: np.ndarray
    lon: np.ndarray
    lat: np.ndarray
    place: np.ndarray
    address: np.ndarray
    head: np.ndarray
    phone: np.ndarray


@dataclass(frozen=True)
class Township:
    """The places of the township: villages table, geometries (UTM metres) and roles.

    ``high_load`` are villages deliberately short of staff (queue near capacity); ``planted`` are
    the two villages (A, B) that carry the planted trace-formalism patterns.
    """

    villages: pd.DataFrame
    outline: object
    cells: list
    seats: np.ndarray
    remoteness: np.ndarray
    high_load: tuple[int, ...]
    planted: tuple[int, int]
    households: Households


def _phones(n: int, rng: np.random.Generator) -> np.ndarray:
    num = rng.choice(PHONE_PREFIXES, n) * 100_000_000 + rng.integers(0, 100_000_000, n)
    return num.astype(str)


def _households(vil: pd.DataFrame, cells: list, seats: np.ndarray, rng: np.random.Generator) -> Households:
    sur, giv = surname_pool(), given_pool()
    w = 1.0 / np.arange(1, len(sur) + 1) ** 0.8
    xs, ys, places, addrs = [], [], [], []
    counts = vil["households"].to_numpy()
    for v, row in enumerate(vil.itertuples()):
        n = int(counts[v])
        urban = row.area_group == "urban"
        n_hamlets = 0 if urban else int(rng.integers(1, 4))
        centres = np.vstack([seats[v], geo.sample_points(cells[v], n_hamlets, seats[v:v + 1], np.ones(1),
                                                         600.0, rng)]) if n_hamlets else seats[v:v + 1]
        weights = np.array([0.6] + [0.4 / max(n_hamlets, 1)] * n_hamlets)
        xy = geo.sample_points(cells[v], n, centres, weights, 450.0 if urban else 220.0, rng)
        order = np.argsort(np.arctan2(xy[:, 1] - seats[v, 1], xy[:, 0] - seats[v, 0]), kind="stable")
        xy = xy[order]
        groups = len(_STREETS) if urban else int(rng.integers(6, 16))  # 村民小组 or streets
        size = max(1, -(-n // groups))
        idx = np.arange(n)
        group, number = idx // size, idx % size + 1
        if urban:
            place = np.strings.add(row.name_zh, np.array(_STREETS)[group])
        else:
            place = np.strings.add(np.strings.add(row.name_zh, (group + 1).astype(str)), "组")
        xs.append(xy[:, 0]), ys.append(xy[:, 1]), places.append(place)
        addrs.append(np.strings.add(np.strings.add(np.strings.add(TOWNSHIP_ZH, place), number.astype(str)), "号"))
    n_all = int(counts.sum())
    lon, lat = geo.to_lonlat(np.concatenate(xs), np.concatenate(ys))
    head = np.strings.add(sur[rng.choice(len(sur), n_all, p=w / w.sum())], giv[rng.integers(0, len(giv), n_all)])
    start = np.concatenate([[0], np.cumsum(counts)[:-1]])
    return Households(start=start, count=counts, lon=lon, lat=lat, place=np.concatenate(places),
                      address=np.concatenate(addrs), head=head, phone=_phones(n_all, rng))


def _village_ids(n_villages: int, community: bool) -> list[str]:
    if n_villages > 799:
        raise ValueError("at most 799 villages fit in the 3-digit village serials 200-999")
    ids = [COUNTY_CODE + TOWN_CODE + "001"]
    if community:
        ids.append(COUNTY_CODE + TOWN_CODE + "002")
    ids += [COUNTY_CODE + TOWN_CODE + f"{200 + i:03d}" for i in range(1, n_villages - int(community) + 1)]
    return ids


def build_township(n_villages: int, rng: np.random.Generator, outline=None) -> Township:
    """Build the seat community plus ``n_villages`` administrative units (one may be a community).

    With 5 or more villages the first of them is an urban community next to the seat. The villages
    fill ``outline`` (a polygon in UTM metres, as :mod:`cockpit.sample.geography` draws them), by
    default an outline drawn for their number.
    """
    if n_villages < 1:
        raise ValueError("need at least one village besides the seat")
    community = n_villages >= 5
    n = n_villages + 1
    outline = geo.township_outline(n, rng) if outline is None else outline
    seats = geo.place_seats(outline, n, community, rng)
    # order rural villages clockwise from north, as administrative codes often run
    first = 1 + int(community)
    ang = np.mod(np.arctan2(seats[first:, 0] - seats[0, 0], seats[first:, 1] - seats[0, 1]), 2 * np.pi)
    seats = np.vstack([seats[:first], seats[first:][np.argsort(ang, kind="stable")]])
    cells = geo.voronoi_cells(outline, seats)
    elev, dist = geo.terrain(seats, outline, rng)
    rem = dist / max(dist.max(), 1e-9)
    kind = ["seat"] + ["community"] * int(community) + ["village"] * (n - first)
    names = [SEAT_NAME] + [COMMUNITY_NAME] * int(community) + village_names(n - first, rng)
    pop = np.exp(rng.normal(np.log(1500) - 0.9 * (rem - 0.5), 0.45))
    pop = np.clip(pop, 300, 3000)
    pop[0] = rng.uniform(4000, 8000)
    if community:
        pop[1] = rng.uniform(2500, 4000)
    pop = np.round(pop).astype(int)
    households = np.round(pop / 2.8 * rng.uniform(0.95, 1.05, n)).astype(int)
    elderly = np.clip(0.15 + 0.22 * rem + rng.normal(0, 0.015, n), 0.15, 0.40)
    broadband = np.clip(0.98 - 0.38 * rem + rng.normal(0, 0.015, n), 0.55, 0.99)
    broadband[0] = 0.98
    lon, lat = geo.to_lonlat(seats[:, 0], seats[:, 1])
    vil = pd.DataFrame({
        "village_id": _village_ids(n_villages, community),
        "name_zh": [z for z, _ in names], "name_en": [e for _, e in names],
        "kind": kind, "area_group": ["urban" if k != "village" else "rural" for k in kind],
        "population": pop, "households": households, "elderly_share": np.round(elderly, 3),
        "area_km2": np.round([c.area / 1e6 for c in cells], 2), "distance_km": dist,
        "elevation_m": elev, "broadband_share": np.round(broadband, 3), "lon": lon, "lat": lat,
    })
    rural = np.flatnonzero(vil["kind"].to_numpy() == "village")
    n_high = max(1, round(len(rural) / 9)) if len(rural) >= 3 else 0
    remote_pool = rural[np.argsort(-rem[rural], kind="stable")][:max(n_high, len(rural) // 3)]
    high = tuple(sorted(int(i) for i in rng.choice(remote_pool, n_high, replace=False)))
    others = [int(i) for i in rural if i not in high] or [int(i) for i in range(1, n)] or [0]
    by_pop = sorted(others, key=lambda i: -pop[i])
    planted = (by_pop[0], by_pop[1] if len(by_pop) > 1 else by_pop[0])
    return Township(villages=vil, outline=outline, cells=cells, seats=seats, remoteness=rem,
                    high_load=high, planted=planted, households=_households(vil, cells, seats, rng))
