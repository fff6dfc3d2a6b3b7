"""Distances and hours the planner needs, as numpy matrices.

Road km is great-circle km times the network's circuity; trunk hours go by road, or by air
(great-circle at block speed plus airport handling) once the road distance reaches the
network's air threshold. Extra hours compare origin → backup → zone with the baseline
origin → home centre → zone, weighted by each origin prefecture's share of the inbound.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from baotong.network.entities import EARTH_RADIUS_KM, LonLat, Network

if TYPE_CHECKING:
    from baotong.contingency.zoning import Candidate, Zone

Array = npt.NDArray[np.float64]


def gc_matrix(a: list[LonLat], b: list[LonLat]) -> Array:
    """Great-circle km between every point of ``a`` (rows) and of ``b`` (columns)."""
    if not a or not b:
        return np.zeros((len(a), len(b)))
    pa, pb = np.radians(np.array(a, dtype=float)), np.radians(np.array(b, dtype=float))
    lon1, lat1 = pa[:, 0:1], pa[:, 1:2]
    lon2, lat2 = pb[None, :, 0], pb[None, :, 1]
    h = (
        np.sin((lat2 - lat1) / 2) ** 2
        + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    )
    return np.asarray(2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.minimum(1.0, h))), dtype=float)


def trunk_hours(network: Network, gc_km: Array) -> Array:
    """Trunk hours for great-circle km: by road, or by air (with handling) beyond the threshold."""
    p = network.params
    road_km = gc_km * p.road_circuity
    air = gc_km / p.air_speed_kmh + p.air_handling_hours
    return np.where(road_km >= p.air_min_km, air, road_km / p.road_speed_kmh)


def origin_weights(network: Network, prefecture: str) -> tuple[list[str], list[LonLat], Array]:
    """Origin prefectures sending to a prefecture, their locations and share of its inbound."""
    if prefecture not in network.od_prefectures:
        return [], [], np.zeros(0)
    j = network.od_prefectures.index(prefecture)
    totals = network.od_flows[:, j, :].sum(axis=1)
    keep = [
        i
        for i in np.nonzero(totals > 0)[0].tolist()
        if network.od_prefectures[i] in network.regions
    ]
    codes = [network.od_prefectures[i] for i in keep]
    locs = [network.regions[c].centroid for c in codes]
    arr = totals[keep]
    return codes, locs, arr / arr.sum() if arr.size and arr.sum() > 0 else arr


class OriginWeights:
    """``origin_weights`` computed once per prefecture (a plan asks for each one many times)."""

    def __init__(self, network: Network) -> None:
        self.network = network
        self._cache: dict[str, tuple[list[str], list[LonLat], Array]] = {}

    def __call__(self, prefecture: str) -> tuple[list[str], list[LonLat], Array]:
        if prefecture not in self._cache:
            self._cache[prefecture] = origin_weights(self.network, prefecture)
        return self._cache[prefecture]


def extra_hours(
    network: Network, zones: list[Zone], candidates: list[Candidate], hours: Array
) -> Array:
    """Volume-weighted extra hours origin → backup → zone against origin → home → zone."""
    extra = np.zeros_like(hours)
    cand_locs = [c.location for c in candidates]
    per_pref: dict[str, tuple[list[LonLat], Array, Array]] = {}
    base_cache: dict[tuple[str, str], float] = {}
    for z, zone in enumerate(zones):
        home = network.centers[zone.home_center_id]
        pref = zone.prefecture_code
        if pref not in per_pref:
            _, locs, w = origin_weights(network, pref)
            trunk = (
                w @ trunk_hours(network, gc_matrix(locs, cand_locs))
                if locs
                else np.zeros(len(candidates))
            )
            per_pref[pref] = (locs, w, trunk)
        locs, w, trunk = per_pref[pref]
        key = (pref, home.id)
        if key not in base_cache:
            base_cache[key] = (
                float(w @ trunk_hours(network, gc_matrix(locs, [home.location]))[:, 0])
                if locs
                else 0.0
            )
        base_leg = network.road_hours(home.location, zone.location)
        extra[z, :] = np.maximum(0.0, trunk - base_cache[key] + hours[z, :] - base_leg)
    return extra
