"""设备分拣方案: each new destination bag of a backup on a physical chute of its sorter.

The sorter's layout comes from the network data (``sorters.csv``: each chute's dock,
capacity and whether the baseline uses it). A centre without one (the whole reference
network) follows documented defaults: chutes are numbered from the induction, the nearest
``double_chute_share`` have double capacity, every ``chutes_per_dock`` consecutive chutes
load at one outbound dock, and the baseline's bags keep the chutes they use — the free
ones lie spread evenly along the sorter. New bags go by volume: the biggest on the free
chutes of the most capacity, nearest the induction first. A bag that finds no free chute
is listed as unplaced.
"""

from __future__ import annotations

import math

from baotong.contingency.document import Assignment, Backup
from baotong.contingency.operations.document import ChutePlan, ChuteSlot
from baotong.contingency.operations.params import OperationsParams
from baotong.network.entities import Network

Bag = tuple[str, str, float]  # (bag code, zone id, items/day)


def bags_of(network: Network, a: Assignment) -> list[Bag]:
    """The bags a zone's chutes close: a county's own plus one per high-volume station;
    one per station, grid or segment at those depths."""
    n = max(1, a.chutes)
    if a.zone_kind == "county":
        stations = network.stations_in_county(a.region_code)
        total = sum(s.daily_inbound for s in stations)
        own = [s for s in stations if network.is_high_volume(s)][: n - 1]
        split = [(s.id, a.volume * s.daily_inbound / total if total else 0.0) for s in own]
        names = [a.region_code, *(code for code, _ in split)]
        names += [f"{a.region_code}-{i}" for i in range(len(names) + 1, n + 1)]
        volumes = [a.volume - sum(v for _, v in split), *(v for _, v in split)]
        volumes += [0.0] * (n - len(volumes))
        return [(name, a.zone_id, round(v, 1)) for name, v in zip(names, volumes, strict=True)]
    if n == 1:
        return [(a.destination, a.zone_id, round(a.volume, 1))]
    station = network.stations.get(a.station_id or "")
    per_grid = station.segments_per_grid if station is not None else 1
    if a.sort_depth == "grid":
        names = [f"{a.destination}-G{g + 1:02d}" for g in range(n)]
    else:
        names = [f"{a.destination}-G{k // per_grid + 1:02d}-S{k % per_grid + 1:02d}"
                 for k in range(n)]  # fmt: skip
    return [(name, a.zone_id, round(a.volume / n, 1)) for name in names]


def free_positions(chutes: int, free: int) -> list[int]:
    """The chute numbers the baseline leaves free: ``free`` of ``chutes``, spread evenly."""
    free = max(0, min(free, chutes))
    return sorted({min(chutes, 1 + math.floor((i + 0.5) * chutes / free)) for i in range(free)})


def chute_plan(
    network: Network, backup: Backup, assignments: list[Assignment], params: OperationsParams
) -> ChutePlan:
    layout = network.sorters.get(backup.center_id)
    if layout:
        total = len(layout)
        docks = {x.chute: x.dock for x in layout}
        doubles = {x.chute for x in layout if x.capacity >= 2}
        capacity = {x.chute: x.capacity for x in layout}
        free = [x.chute for x in layout if not x.in_use][: backup.chutes_free]
    else:
        centre = network.centers.get(backup.center_id)
        total = centre.chutes if centre is not None else backup.chutes_used + backup.chutes_free
        free = free_positions(total, backup.chutes_free)
        while len(free) < min(backup.chutes_free, total):  # rounding collisions: fill the gaps
            free.append(next(c for c in range(total, 0, -1) if c not in free))
        double = math.ceil(total * params.double_chute_share)
        docks = {c: f"D{(c - 1) // params.chutes_per_dock + 1:02d}" for c in range(1, total + 1)}
        doubles = set(range(1, double + 1))
        capacity = {c: 2.0 if c in doubles else 1.0 for c in range(1, total + 1)}
    order = sorted(free, key=lambda c: (-capacity[c], c))
    bags = sorted((b for a in assignments for b in bags_of(network, a)),
                  key=lambda b: (-b[2], b[0]))  # fmt: skip
    placed = dict(zip(order, bags, strict=False))
    slots = []
    for chute in range(1, total + 1):
        bag = placed.get(chute)
        use = "new" if bag else ("free" if chute in free else "baseline")
        slots.append(ChuteSlot(chute=chute, double=chute in doubles, dock=docks[chute], use=use,
                               bag=bag[0] if bag else None, zone_id=bag[1] if bag else None,
                               volume=bag[2] if bag else 0.0))  # fmt: skip
    return ChutePlan(
        chutes=total, baseline=total - len(free), assigned=len(placed),
        left_free=len(free) - len(placed), slots=slots,
        unplaced=[b[0] for b in bags[len(placed):]],
    )  # fmt: skip
