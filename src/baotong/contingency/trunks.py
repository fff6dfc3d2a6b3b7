"""Transport a plan needs: trunk flows into the backups and road runs into the locked zones.

Trunk flows are aggregated per origin province and backup: by air (via the collection hubs
nearest each end) when the road distance reaches the network's air threshold, by road
otherwise; trucks are counted for the road leg into the backup. The share the national hub
pre-sorted arrives as bags the backup only cross-docks. Each backup → zone run goes by
road into a controlled area, so it needs a vehicle pass (通行证); a zone flown to is run
from the airport its mail lands at, a zone shipped to from the ferry port it arrives at.
"""

from __future__ import annotations

import math
from collections import defaultdict

from baotong.contingency import document as doc
from baotong.contingency.assess import Assignment
from baotong.contingency.distances import origin_weights
from baotong.contingency.zoning import Problem
from baotong.network.entities import CollectionHub, LonLat, Network, great_circle_km


def _nearest_hub(network: Network, loc: LonLat) -> CollectionHub | None:
    hubs = list(network.hubs.values())
    return min(hubs, key=lambda h: great_circle_km(h.location, loc)) if hubs else None


def _air_route(network: Network, a: LonLat, b: LonLat) -> list[str]:
    """Hub ids a flight path uses: nearest hub at each end, through the national hub when
    the two have no direct link."""
    start, end = _nearest_hub(network, a), _nearest_hub(network, b)
    if start is None or end is None:
        return []
    if start.id == end.id:
        return [start.id]
    if end.id in start.air_links or start.id in end.air_links:
        return [start.id, end.id]
    national = [
        h.id for h in network.hubs.values() if h.national and h.id not in (start.id, end.id)
    ]
    return [start.id, *national[:1], end.id]


def trunk_flows(
    network: Network, problem: Problem, assign: Assignment, presorted_share: float
) -> list[doc.TrunkFlow]:
    """Items/day per (origin province, backup), with mode, km and vehicles."""
    volume: dict[tuple[str, int], float] = defaultdict(float)
    by_pref: dict[tuple[str, int], float] = defaultdict(float)
    for z, c in enumerate(assign):
        if c >= 0:
            zone = problem.zones[z]
            by_pref[(zone.prefecture_code, int(c))] += zone.volume
    for (pref, c), zone_volume in by_pref.items():
        codes, _, w = origin_weights(network, pref)
        for code, share in zip(codes, (w * zone_volume).tolist(), strict=True):
            volume[(code[:2] + "0000", c)] += share
    p = network.params
    rows: list[doc.TrunkFlow] = []
    for (prov, c), vol in sorted(volume.items()):
        cand = problem.candidates[c]
        origin = (
            network.provincial_hub(prov).location
            if network.centers_in_province(prov)
            else network.regions[prov].centroid
        )
        km = network.road_km(origin, cand.location)
        mode: doc.Mode = "air" if km >= p.air_min_km else "road"
        via: list[str] = []
        feeder_km = km
        if mode == "air":
            via = _air_route(network, origin, cand.location)
            b = network.hubs[via[-1]] if via else None
            feeder_km = network.road_km(b.location, cand.location) if b is not None else 0.0
        rows.append(
            doc.TrunkFlow(
                origin_province_code=prov,
                origin=network.regions[prov].name if prov in network.regions else prov,
                backup_center_id=cand.center_id,
                backup=cand.name,
                mode=mode,
                via_hubs=via,
                km=round(km, 1),
                volume=round(vol, 1),
                crossdock_volume=round(vol * presorted_share, 1),
                trucks=math.ceil(vol / p.truck_capacity_items - 1e-9) if vol > 0 else 0,
                feeder_km=round(feeder_km, 1),
            )
        )
    return rows


def zone_runs(network: Network, problem: Problem, assign: Assignment) -> list[doc.ZoneRun]:
    """Road runs backup → zone with vehicle counts; every one needs a pass."""
    p = network.params
    rows: list[doc.ZoneRun] = []
    for z, c in enumerate(assign):
        if c < 0:
            continue
        zone, cand = problem.zones[z], problem.candidates[int(c)]
        county = zone.zone_kind == "county"
        cap = p.truck_capacity_items if county else p.van_capacity_items
        landing = problem.landing_hours if problem.by_air(z, int(c)) else None
        flown = landing is not None
        hours = float(landing[z]) if landing is not None else float(problem.hours[z, c])
        route = problem.ferries.route(z, int(c)) if problem.ferries is not None else None
        shipped = route is not None and problem.by_ferry(z, int(c))
        if shipped and problem.ferries is not None:
            hours = float(problem.ferries.last_hours[z, c])
        rows.append(
            doc.ZoneRun(
                backup_center_id=cand.center_id,
                zone_id=zone.zone_id,
                destination=zone.name,
                area_code=problem.areas[zone.area].code,
                km=round(
                    hours * p.road_speed_kmh if flown or shipped else float(problem.km[z, c]), 1
                ),
                hours=round(hours, 2),
                airport=problem.landing[z] if flown else None,
                port=route[2] if shipped and route is not None else None,
                volume=round(zone.volume, 1),
                vehicle="truck" if county else "van",
                vehicles=math.ceil(zone.volume / cap - 1e-9) if zone.volume > 0 else 0,
                needs_pass=True,
            )
        )
    return rows
