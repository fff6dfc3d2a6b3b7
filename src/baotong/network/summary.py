"""What ``baotong network show`` prints: counts, capacities, loads and volumes of a region.

``region_summary`` computes plain numbers; ``render`` draws them as Rich tables — one row
per province (national view), per centre (province view), per county (prefecture view) or
per delivery station (county view).
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.console import Console
from rich.table import Table

from baotong.network.entities import (
    PRODUCT_CLASSES,
    Network,
    ProcessingCenter,
    ProductClass,
    Region,
    RegionLevel,
)
from baotong.network.lookup import find_region


@dataclass(frozen=True)
class RegionSummary:
    """Counts and daily figures of a region (or of the whole network when ``region`` is None).

    ``capacity`` and ``load`` (items/day) are those of the centres sorting its counties;
    ``inbound`` is items/day bound for the region, per product class.
    """

    region: Region | None
    prefectures: int
    counties: int
    centers: list[ProcessingCenter]
    stations: int
    capacity: float
    load: float
    inbound: dict[ProductClass, float]

    @property
    def utilisation(self) -> float:
        return self.load / self.capacity if self.capacity else 0.0


def inbound_by_class(network: Network, code: str) -> dict[ProductClass, float]:
    """Items/day bound for a region per class (a county gets its population share)."""
    region = network.region(code)
    if region.level is RegionLevel.COUNTY:
        parent = network.region(region.parent_code or "")
        share = region.population / parent.population if parent.population else 0.0
        return {c: v * share for c, v in network.inbound_by_class(parent.code).items()}
    if region.level is RegionLevel.PREFECTURE:
        return network.inbound_by_class(code)
    total = dict.fromkeys(PRODUCT_CLASSES, 0.0)
    for child in network.children(code):
        for cls, value in network.inbound_by_class(child.code).items():
            total[cls] += value
    return total


def region_summary(network: Network, code: str | None) -> RegionSummary:
    if code is None:
        counties = [r for r in network.regions.values() if r.level is RegionLevel.COUNTY]
        centers = sorted(network.centers.values(), key=lambda c: c.id)
        inbound = dict.fromkeys(PRODUCT_CLASSES, 0.0)
        for p in network.provinces():
            for cls, value in inbound_by_class(network, p.code).items():
                inbound[cls] += value
        region = None
    else:
        region = network.region(code)
        counties = network.counties_in(code)
        ids = {network.sort_plan[c.code] for c in counties if c.code in network.sort_plan}
        if region.level is RegionLevel.PROVINCE:
            ids |= {c.id for c in network.centers_in_province(code)}
        centers = sorted((network.centers[i] for i in ids), key=lambda c: c.id)
        inbound = inbound_by_class(network, code)
    prefectures = {c.parent_code for c in counties}
    return RegionSummary(
        region=region, prefectures=len(prefectures), counties=len(counties), centers=centers,
        stations=sum(len(network.stations_in_county(c.code)) for c in counties),
        capacity=sum(c.total_capacity for c in centers), load=sum(c.total_load for c in centers),
        inbound=inbound,
    )  # fmt: skip


def _n(value: float) -> str:
    return f"{value:,.0f}"


def _k(value: float) -> str:
    """Compact items/day for tables: 2.23M, 358k, 825."""
    if value >= 1e6:
        return f"{value / 1e6:.2f}M"
    return f"{value / 1e3:.0f}k" if value >= 1e4 else f"{value:.0f}"


def _header(console: Console, network: Network, s: RegionSummary) -> None:
    title = network.name if s.region is None else f"{s.region.name} {s.region.pinyin}"
    where = "" if s.region is None else f" ({s.region.code}, {s.region.level.label_en})"
    console.print(f"[bold]{title}[/bold]{where}")
    if s.region is not None and s.region.level is RegionLevel.COUNTY:
        parent = network.region(s.region.parent_code or "")
        console.print(
            f"In {parent.name} · {s.stations:,} delivery stations · population "
            f"{s.region.population:,} · sorted by {s.centers[0].name} ({s.centers[0].id})"
        )
    else:
        console.print(
            f"{s.prefectures} prefectures · {s.counties} counties · {len(s.centers)} centres · "
            f"{s.stations:,} delivery stations"
        )
    console.print(
        f"Centre capacity {_n(s.capacity)} items/day · baseline load {_n(s.load)} · "
        f"utilisation {s.utilisation:.0%}"
    )
    volumes = " · ".join(f"{c.label_en} {_n(v)}" for c, v in s.inbound.items())
    console.print(f"Inbound items/day: {volumes} · total {_n(sum(s.inbound.values()))}")


def _province_table(network: Network) -> Table:
    table = Table("code", "province", "pref.", "counties", "centres", "stations", "capacity",
                  "load", "util.", "inbound", title="Provinces (items/day)")  # fmt: skip
    for p in network.provinces():
        s = region_summary(network, p.code)
        table.add_row(p.code[:2], p.pinyin, str(s.prefectures), str(s.counties),
                      str(len(s.centers)), str(s.stations), _k(s.capacity), _k(s.load),
                      f"{s.utilisation:.0%}", _k(sum(s.inbound.values())))  # fmt: skip
    return table


def _center_table(centers: list[ProcessingCenter]) -> Table:
    title = "Processing centres (items/day, chutes in use/total)"
    table = Table(
        "id", "centre", "role", "sorter", "capacity", "load", "util.", "spare", "chutes",
        title=title,
    )  # fmt: skip
    for c in centers:
        closed = "" if c.status.value == "open" else f" [{c.status.colour}]{c.status.label_en}[/]"
        table.add_row(c.id, c.name + closed, c.role.label_zh, c.automation.label_zh,
                      _k(c.total_capacity), _k(c.total_load), f"{c.utilisation:.0%}",
                      _k(c.spare_capacity), f"{c.chutes_in_use}/{c.chutes}")  # fmt: skip
    return table


def _county_table(network: Network, code: str) -> Table:
    table = Table("code", "county", "population", "stations", "inbound/day", "sorted by",
                  title="Counties")  # fmt: skip
    for county in network.counties_in(code):
        stations = network.stations_in_county(county.code)
        table.add_row(county.code, f"{county.name} {county.pinyin}", f"{county.population:,}",
                      str(len(stations)), _k(sum(s.daily_inbound for s in stations)),
                      network.center_for(county.code).name)  # fmt: skip
    return table


def _station_table(network: Network, code: str) -> Table:
    table = Table("id", "station", "inbound/day", "grids", "segments", "high volume",
                  "sorted by", title="Delivery stations")  # fmt: skip
    for s in network.stations_in_county(code):
        table.add_row(s.id, s.name, _n(s.daily_inbound), str(s.grids), str(s.segments),
                      "yes" if network.is_high_volume(s) else "",
                      network.center_for(s.id).name)  # fmt: skip
    return table


def render(console: Console, network: Network, region: str | None) -> None:
    """Print the national summary, or the summary of the region ``region`` names."""
    code = None if region is None else find_region(network, region).code
    s = region_summary(network, code)
    _header(console, network, s)
    if s.region is None:
        console.print(_province_table(network))
    elif s.region.level is RegionLevel.PROVINCE:
        console.print(_center_table(s.centers))
    elif s.region.level is RegionLevel.PREFECTURE:
        console.print(_center_table(s.centers))
        console.print(_county_table(network, s.region.code))
    else:
        console.print(_station_table(network, s.region.code))
