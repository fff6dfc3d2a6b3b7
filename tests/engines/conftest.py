"""Small synthetic networks for the planner tests: hand-checkable, built in microseconds."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

import numpy as np
import pytest

from baotong.network.entities import (
    PRODUCT_CLASSES,
    Automation,
    CenterRole,
    CollectionHub,
    DeliveryStation,
    Network,
    ProcessingCenter,
    ProductClass,
    Region,
    RegionLevel,
)


@dataclass
class CenterSpec:
    """A centre to put in a synthetic network (spare capacity = capacity - load)."""

    id: str
    province: str  # two digits, e.g. "42"
    location: tuple[float, float]
    capacity: float = 100_000.0
    load: float = 50_000.0
    chutes: int = 100
    chutes_in_use: int = 50
    surge_per_shift: float = 10_000.0
    surge_cost: float = 5_000.0
    max_shifts: int = 2
    automation: Automation = Automation.AUTOMATED
    role: CenterRole = CenterRole.PROVINCIAL_HUB


@dataclass
class ProvinceSpec:
    """A province with one prefecture whose counties sit around ``location``."""

    code2: str
    name: str
    location: tuple[float, float]
    counties: int = 3
    stations_per_county: int = 2
    station_inbound: float = 4_000.0
    inbound_per_class: float = 30_000.0
    extra: dict[str, float] = field(default_factory=dict)


def make_network(provinces: list[ProvinceSpec], centers: list[CenterSpec]) -> Network:
    """A network of one prefecture per province; each county lies 0.3° from the next."""
    regions: dict[str, Region] = {}
    stations: dict[str, DeliveryStation] = {}
    sort_plan: dict[str, str] = {}
    prefs: list[str] = []
    for p in provinces:
        pcode, fcode = f"{p.code2}0000", f"{p.code2}0100"
        regions[pcode] = Region(pcode, p.name + "省", p.name, RegionLevel.PROVINCE, None,
                                p.location, 1_000_000)  # fmt: skip
        regions[fcode] = Region(fcode, p.name + "市", p.name + "shi", RegionLevel.PREFECTURE,
                                pcode, p.location, 1_000_000)  # fmt: skip
        prefs.append(fcode)
        home = next(c.id for c in centers if c.province == p.code2)
        for k in range(p.counties):
            ccode = f"{p.code2}01{k + 1:02d}"
            loc = (p.location[0] + 0.3 * k, p.location[1] + 0.1 * k)
            regions[ccode] = Region(ccode, f"{p.name}{k + 1}县", f"{p.name}{k + 1}xian",
                                    RegionLevel.COUNTY, fcode, loc, 100_000)  # fmt: skip
            sort_plan[ccode] = home
            for s in range(p.stations_per_county):
                sid = f"S{ccode}{s}"
                stations[sid] = DeliveryStation(sid, f"{p.name}{k + 1}-{s}站", ccode,
                                                (loc[0] + 0.02 * s, loc[1]), p.station_inbound,
                                                2, 3)  # fmt: skip
    flows = np.zeros((len(prefs), len(prefs), len(PRODUCT_CLASSES)))
    for j, p in enumerate(provinces):
        for i in range(len(prefs)):
            flows[i, j, :] = p.inbound_per_class / len(prefs)
    cmap = {}
    for c in centers:
        pcode = f"{c.province}0000"
        cmap[c.id] = ProcessingCenter(
            c.id, f"{c.id}中心", c.id, c.location, f"{c.province}0100", pcode, c.role,
            c.automation, {ProductClass.PARCEL: c.capacity}, {ProductClass.PARCEL: c.load},
            c.chutes, c.chutes_in_use, c.surge_per_shift, c.surge_cost, c.max_shifts,
        )  # fmt: skip
    hub_center = centers[-1]
    hub = CollectionHub("NH", "集散", "Hub", hub_center.location, f"{hub_center.province}0100",
                        "XXX", hub_center.id, True)  # fmt: skip
    hubs = {"NH": hub}
    return Network(regions, cmap, hubs, stations, sort_plan, tuple(prefs), flows, name="synthetic")


@pytest.fixture
def three_centre_network() -> Network:
    """A locked province "41" with 3 counties and two neighbours with one centre each.

    Centre HB sits 2° east, SX 2° west; each county needs 3 chutes (1 + two
    high-volume stations) and receives 4 classes × 30 000 × 1/3 ... = 40 000 items/day.
    """
    provinces = [
        ProvinceSpec("41", "豫", (113.0, 34.0)),
        ProvinceSpec("42", "鄂", (116.0, 34.0), counties=1),
        ProvinceSpec("61", "陕", (109.0, 34.0), counties=1),
    ]
    centers = [
        CenterSpec("HN", "41", (113.3, 34.1)),
        CenterSpec("HB", "42", (115.0, 34.0)),
        CenterSpec("SX", "61", (110.5, 34.0)),
    ]
    return make_network(provinces, centers)


def random_network(seed: int) -> Network:
    """A random network: locked province "41" and 2–5 neighbours with 1–3 centres each."""
    rng = random.Random(seed)
    provinces = [ProvinceSpec("41", "豫", (113.0, 34.0), counties=rng.randint(2, 6),
                              stations_per_county=rng.randint(1, 3),
                              station_inbound=rng.choice([1000.0, 4000.0]),
                              inbound_per_class=rng.uniform(5_000, 60_000))]  # fmt: skip
    centers = [CenterSpec("HN", "41", (113.2, 34.1))]
    for i in range(rng.randint(2, 5)):
        code2 = str(50 + i)
        loc = (113.0 + rng.uniform(-5, 5), 34.0 + rng.uniform(-4, 4))
        provinces.append(ProvinceSpec(code2, f"省{i}", loc, counties=1))
        for j in range(rng.randint(1, 3)):
            centers.append(CenterSpec(
                f"C{i}{j}", code2, (loc[0] + rng.uniform(-1, 1), loc[1] + rng.uniform(-1, 1)),
                capacity=rng.uniform(20_000, 150_000), load=rng.uniform(0, 20_000),
                chutes=rng.randint(5, 40), chutes_in_use=0,
                surge_per_shift=rng.uniform(0, 20_000), max_shifts=rng.randint(0, 3),
                role=CenterRole.PROVINCIAL_HUB if j == 0 else CenterRole.PREFECTURE,
            ))  # fmt: skip
    return make_network(provinces, centers)
