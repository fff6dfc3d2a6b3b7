"""Air legs into zones no backup reaches by road (Xinjiang, Tibet, Hainan, the far north).

A backup beyond the road-time limit may still take a zone by air: its mail goes by road to
the collection hub nearest the backup, flies to the airport nearest the zone (a charter or
the belly of a scheduled flight, with the network's airport handling at both ends) and is
run from there by road into the zone. The pair is usable when both road legs are within
the scenario's ``max_road_hours`` and the hub is neither locked nor closed; the airport
keeps working when its prefecture is locked (only the last road leg enters the area).

Cost: ``air_item`` per item flown plus ``item_km`` on both road legs; hours: the whole
chain, so the delay penalty sees the flight and the handling.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from baotong.contingency.distances import gc_matrix
from baotong.network.entities import Airport, CollectionHub, LonLat, Network

Array = npt.NDArray[np.float64]


@dataclass(frozen=True)
class AirLegs:
    """Per zone its landing airport; per candidate its feeder hub; per pair the chain.

    ``usable[z, c]``: the chain exists within the limits; ``hours``/``road_km``: the whole
    chain's hours and the km of its two road legs.
    """

    landing: tuple[str | None, ...]  # the nearest airport per zone (None: no airports)
    last_hours: Array  # road hours from it to the zone (inf without an airport)
    feeder: tuple[str | None, ...]  # hub id per candidate
    usable: npt.NDArray[np.bool_]
    hours: Array
    road_km: Array

    @staticmethod
    def none(zones: int, candidates: int) -> AirLegs:
        return AirLegs(
            (None,) * zones, np.full(zones, np.inf), (None,) * candidates,
            np.zeros((zones, candidates), dtype=bool), np.zeros((zones, candidates)),
            np.zeros((zones, candidates)),
        )  # fmt: skip


def air_legs(
    network: Network,
    zone_locations: Sequence[LonLat],
    candidate_locations: Sequence[LonLat],
    max_road_hours: float,
    hub_usable: Callable[[CollectionHub], bool],
) -> AirLegs:
    """The air chains between every zone and candidate (see the module's docstring)."""
    p = network.params
    nz, nc = len(zone_locations), len(candidate_locations)
    hubs = [h for h in sorted(network.hubs.values(), key=lambda h: h.id) if hub_usable(h)]
    airports: list[Airport] = sorted(network.airports.values(), key=lambda a: a.code)
    if not nz or not nc or not hubs or not airports:
        return AirLegs.none(nz, nc)  # (a zone's nearest airport then goes unnamed)
    zone_km = gc_matrix(list(zone_locations), [a.location for a in airports]) * p.road_circuity
    near = zone_km.argmin(axis=1)
    last_km = zone_km[np.arange(nz), near]
    last_hours = last_km / p.road_speed_kmh
    cand_km = gc_matrix(list(candidate_locations), [h.location for h in hubs]) * p.road_circuity
    feed = cand_km.argmin(axis=1)
    feed_km = cand_km[np.arange(nc), feed]
    flight_km = gc_matrix([h.location for h in hubs], [a.location for a in airports])
    flight_hours = flight_km[feed][:, near].T / p.air_speed_kmh + p.air_handling_hours
    hours = feed_km[None, :] / p.road_speed_kmh + flight_hours + last_hours[:, None]
    usable = (last_hours[:, None] <= max_road_hours + 1e-9) & (
        feed_km[None, :] / p.road_speed_kmh <= max_road_hours + 1e-9
    )
    landing = tuple(airports[int(near[z])].code for z in range(nz))
    feeder = tuple(hubs[int(feed[c])].id for c in range(nc))
    return AirLegs(landing, last_hours, feeder, usable, hours, feed_km[None, :] + last_km[:, None])
