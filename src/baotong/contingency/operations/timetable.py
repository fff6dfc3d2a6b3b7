"""全国邮路计划 changes: the trunk routes a plan adds, as a daily timetable.

One route per origin province and backup (the plan's trunk flows): road trunks leave the
origin hub at ``road_departure``, mail flights at ``air_departure`` with a road feeder
from the arrival airport hub. Each lists the centres that origin stops sending the mail to
(the transit changes it replaces). ``timetable_rows`` repeats it for each day, the shape a
transport office loads.
"""

from __future__ import annotations

import math

from baotong.contingency.document import PlanDocument, TransitChange
from baotong.contingency.operations.document import TimetabledRoute, clock
from baotong.contingency.operations.params import OperationsParams
from baotong.contingency.operations.schedule import trunk_times
from baotong.network.entities import Network


def routes(network: Network, plan: PlanDocument, params: OperationsParams) -> list[TimetabledRoute]:
    replaced: dict[tuple[str, str], set[str]] = {}
    for change in plan.transit_changes:
        if isinstance(change, TransitChange):
            key = (change.origin_province_code, change.to_center_id)
            replaced.setdefault(key, set()).add(change.from_center_id)
    out = []
    for flow in plan.transport.trunk:
        departure, arrival = trunk_times(network, flow, params)
        air = flow.mode == "air"
        vehicles = (math.ceil(flow.volume / params.flight_capacity_items - 1e-9) if air
                    else flow.trucks) if flow.volume > 0 else 0  # fmt: skip
        out.append(TimetabledRoute(
            route_id=f"R-{flow.origin_province_code}-{flow.backup_center_id}-{flow.mode[0].upper()}",
            origin_province_code=flow.origin_province_code, origin=flow.origin,
            backup_center_id=flow.backup_center_id, backup=flow.backup, mode=flow.mode,
            vehicle="flight" if air else "truck", vehicles=vehicles,
            departure=round(departure, 2), arrival=round(arrival, 2),
            hours=round(arrival - departure, 2), km=flow.km, volume=flow.volume,
            replaces=sorted(replaced.get((flow.origin_province_code, flow.backup_center_id), ())),
        ))  # fmt: skip
    return out


def timetable_rows(routes: list[TimetabledRoute], days: int) -> list[dict[str, object]]:
    """One row per route and day: day 1 is the plan's first day."""
    rows: list[dict[str, object]] = []
    for day in range(days):
        for r in routes:
            rows.append({
                "day": day + 1, "route_id": r.route_id, "origin": r.origin,
                "backup": r.backup, "mode": r.mode, "vehicle": r.vehicle,
                "vehicles": r.vehicles, "departs": clock(r.departure + 24 * day),
                "arrives": clock(r.arrival + 24 * day), "volume": r.volume,
                "replaces": " ".join(r.replaces),
            })  # fmt: skip
    return rows
