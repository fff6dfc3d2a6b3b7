"""市趟: van runs from each backup through the drop points (甩点) of a locked city.

For the zones of city-level locked areas, the drop point is the zone's delivery station:
its zones' items are unloaded there together. A drop point with more than a vanload gets
full vans of its own; the rest of each backup's drop points are routed by PyVRP as a
capacitated VRP (vans of ``van_capacity_items``, a run no longer than ``run_shift_hours``,
``run_service_minutes`` per stop, city road times), seeded so the same plan gives the same
runs. Each run leaves so that its last stop is served by the delivery start.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

from pyvrp import Model
from pyvrp.stop import MaxIterations

from baotong.contingency.document import Assignment, Backup, PlanDocument
from baotong.contingency.operations.document import CityRun, CityStop
from baotong.contingency.operations.params import OperationsParams
from baotong.network.entities import LonLat, Network


@dataclass
class _Drop:
    code: str
    name: str
    location: LonLat
    volume: float
    zone_ids: list[str]


def drop_points(network: Network, assignments: list[Assignment]) -> list[_Drop]:
    drops: dict[str, _Drop] = {}
    for a in assignments:
        code = a.station_id or a.destination
        station = network.stations.get(code)
        drop = drops.setdefault(code, _Drop(code, station.name if station else a.name,
                                            station.location if station else a.location,
                                            0.0, []))  # fmt: skip
        drop.volume += a.volume
        drop.zone_ids.append(a.zone_id)
    return sorted(drops.values(), key=lambda d: d.code)


def city_runs(network: Network, plan: PlanDocument, params: OperationsParams) -> list[CityRun]:
    cities = {a.code for a in plan.areas if a.level == "city"}
    by_backup: dict[str, list[Assignment]] = defaultdict(list)
    for a in plan.assignments:
        if a.area_code in cities:
            by_backup[a.backup_center_id].append(a)
    backups = {b.center_id: b for b in plan.backups}
    runs: list[CityRun] = []
    for center_id in sorted(by_backup):
        runs += _runs_of(network, backups[center_id], drop_points(network, by_backup[center_id]),
                         params)  # fmt: skip
    return runs


def _minutes(network: Network, a: LonLat, b: LonLat, params: OperationsParams) -> float:
    return network.road_km(a, b) / params.city_speed_kmh * 60.0


def _runs_of(
    network: Network, backup: Backup, drops: list[_Drop], params: OperationsParams
) -> list[CityRun]:
    cap = network.params.van_capacity_items
    runs: list[CityRun] = []
    rest: list[_Drop] = []
    for d in drops:  # full vans straight to a big drop point
        full = math.floor(d.volume / cap)
        for _ in range(full):
            runs.append(_run(network, backup, [(d, cap)], params, len(runs) + 1))
        left = d.volume - full * cap
        if left > 1e-6:
            rest.append(_Drop(d.code, d.name, d.location, left, d.zone_ids))
    if not rest:
        return runs
    model = Model()
    depot_loc = model.add_location(x=backup.location[0], y=backup.location[1])
    depot = model.add_depot(depot_loc)
    places = [depot_loc]
    for d in rest:
        loc = model.add_location(x=d.location[0], y=d.location[1], name=d.code)
        model.add_client(loc, delivery=[math.ceil(d.volume)],
                         service_duration=round(params.run_service_minutes))  # fmt: skip
        places.append(loc)
    points = [backup.location, *(d.location for d in rest)]
    longest = max(_minutes(network, backup.location, p, params) for p in points)
    shift = max(params.run_shift_hours * 60.0, 2 * longest + params.run_service_minutes + 1)
    model.add_vehicle_type(num_available=len(rest), capacity=[math.ceil(cap)],
                           start_depot=depot, end_depot=depot,
                           shift_duration=math.ceil(shift))  # fmt: skip
    for i, a in enumerate(places):
        for j, b in enumerate(places):
            km = network.road_km(points[i], points[j]) if i != j else 0.0
            minutes = _minutes(network, points[i], points[j], params)
            model.add_edge(a, b, distance=round(km * 10), duration=round(minutes))
    result = model.solve(stop=MaxIterations(params.vrp_iterations), seed=1, display=False)
    for route in result.best.routes():
        visits = [rest[a.idx] for a in route.schedule() if a.is_client()]
        runs.append(_run(network, backup, [(d, d.volume) for d in visits], params, len(runs) + 1))
    return runs


def _run(
    network: Network,
    backup: Backup,
    stops: list[tuple[_Drop, float]],
    params: OperationsParams,
    number: int,
) -> CityRun:
    """A run through ``stops`` in order, leaving so that its last stop is served in time."""
    here, minutes, km, times = backup.location, 0.0, 0.0, []
    for drop, _ in stops:
        minutes += _minutes(network, here, drop.location, params)
        km += network.road_km(here, drop.location)
        times.append(minutes)
        minutes += params.run_service_minutes
        here = drop.location
    last = times[-1] + params.run_service_minutes
    back = minutes + _minutes(network, here, backup.location, params)
    km += network.road_km(here, backup.location)
    departure = params.delivery_start - last / 60.0
    return CityRun(
        run_id=f"{backup.center_id}-{number:02d}", backup_center_id=backup.center_id,
        vehicle="van", departure=round(departure, 2), back=round(departure + back / 60.0, 2),
        km=round(km, 1), volume=round(sum(v for _, v in stops), 1),
        stops=[CityStop(zone_ids=d.zone_ids, drop_point=d.code, name=d.name,
                        arrival=round(departure + t / 60.0, 2), volume=round(v, 1))
               for (d, v), t in zip(stops, times, strict=True)],
    )  # fmt: skip
