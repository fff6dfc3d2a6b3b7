"""Ferry legs across water no road crosses (the Qiongzhou Strait to Hainan).

The regions of a crossing's island (``Ferry.island``) are joined to the rest of the network
only by that crossing: no road run goes between a zone and a backup on opposite sides of it
(great-circle road km would drive across the strait). Such a pair may take the ferry
instead: the backup's mail goes by road to the port on its side, crosses (the hours at sea
plus loading, waiting and unloading at both ends; boats run round the clock) and is run by
road from the other port into the zone. The pair is usable when both road legs are within
the scenario's ``max_road_hours`` and the port the mail leaves from is not locked; the port
it arrives at keeps working when its prefecture is locked (only the last road leg enters
the area), like an airport. A pair on opposite sides of two crossings (island to island)
is not offered.

Cost: ``ferry_item`` per item crossed plus ``item_km`` on both road legs; hours: the whole
chain, so the delay penalty sees the crossing and the handling.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from baotong.contingency.distances import gc_matrix
from baotong.network.entities import Ferry, LonLat, Network

Array = npt.NDArray[np.float64]


@dataclass(frozen=True)
class FerryLegs:
    """Per pair: across a crossing, and the chain over it when usable.

    ``across[z, c]``: zone and candidate lie on opposite sides of a crossing (no road pair);
    ``usable[z, c]``: the ferry chain exists within the limits; ``crossing[z, c]``: index of
    its crossing in ``ferries`` (-1: none); ``hours``/``road_km``: the whole chain's hours and
    the km of its two road legs; ``last_hours``: road hours from the arrival port to the zone;
    ``zone_island[f, z]``: zone ``z`` lies on the island of ``ferries[f]``; ``enabled``:
    false when the scenario switches ferries off (pairs across stay off the road).
    """

    ferries: tuple[Ferry, ...]
    across: npt.NDArray[np.bool_]
    usable: npt.NDArray[np.bool_]
    crossing: npt.NDArray[np.int64]
    hours: Array
    road_km: Array
    last_hours: Array
    zone_island: npt.NDArray[np.bool_]
    enabled: bool = True

    @staticmethod
    def none(zones: int, candidates: int) -> FerryLegs:
        shape = (zones, candidates)
        return FerryLegs(
            (), np.zeros(shape, dtype=bool), np.zeros(shape, dtype=bool),
            np.full(shape, -1, dtype=np.int64), np.zeros(shape), np.zeros(shape),
            np.full(shape, np.inf), np.zeros((0, zones), dtype=bool),
        )  # fmt: skip

    def route(self, z: int, c: int) -> tuple[Ferry, str, str] | None:
        """The crossing pair ``(z, c)`` takes, its departure and arrival port (None: none)."""
        f = int(self.crossing[z, c])
        if f < 0 or not self.usable[z, c]:
            return None
        ferry = self.ferries[f]
        if self.zone_island[f, z]:
            return ferry, ferry.port_a, ferry.port_b
        return ferry, ferry.port_b, ferry.port_a

    def nearest_port(self, z: int) -> tuple[Ferry, str, float] | None:
        """The crossing whose arrival port is nearest zone ``z`` (among those it lies across
        from a candidate), that port, and the road hours from it (None: across none)."""
        rows = self.across[z]
        if not rows.any():
            return None
        best = np.where(rows, self.last_hours[z], np.inf)
        c = int(best.argmin())
        f = int(self.crossing[z, c])
        ferry = self.ferries[f]
        return ferry, (ferry.port_b if self.zone_island[f, z] else ferry.port_a), float(best[c])


def sides(network: Network, codes: Sequence[str | None]) -> npt.NDArray[np.int64]:
    """Per region code, the index (sorted by id) of the crossing whose island holds it; -1
    off every island (or no code). Two places on different sides need a crossing between
    them: no road run joins them."""
    ferries = sorted(network.ferries.values(), key=lambda f: f.id)
    out = np.full(len(codes), -1, dtype=np.int64)
    for k, code in enumerate(codes):
        for f, ferry in enumerate(ferries):
            if code and any(network.contains(i, code) for i in ferry.island):
                out[k] = f
                break
    return out


def ferry_legs(
    network: Network,
    zone_codes: Sequence[str],
    zone_locations: Sequence[LonLat],
    candidate_codes: Sequence[str],
    candidate_locations: Sequence[LonLat],
    max_road_hours: float,
    port_usable: Callable[[str], bool],
    enabled: bool = True,
) -> FerryLegs:
    """The ferry chains between every zone and candidate (see the module's docstring).

    ``zone_codes``/``candidate_codes``: the region each lies in (a county, a prefecture);
    ``port_usable(prefecture)``: a port there may be left from (not locked); ``enabled``
    false: no chain is usable, but the pairs across are still marked.
    """
    nz, nc = len(zone_locations), len(candidate_locations)
    ferries = tuple(sorted(network.ferries.values(), key=lambda f: f.id))
    if not nz or not nc or not ferries:
        return FerryLegs.none(nz, nc)
    p = network.params

    crossings = np.arange(len(ferries))[:, None]
    zone_island = sides(network, zone_codes)[None, :] == crossings  # (f, z)
    cand_island = sides(network, candidate_codes)[None, :] == crossings  # (f, c)
    across_each = zone_island[:, :, None] != cand_island[:, None, :]  # (f, z, c)
    single = across_each.sum(axis=0) == 1  # one crossing between them, not island to island
    hours = np.full((nz, nc), np.inf)
    road_km = np.zeros((nz, nc))
    last_hours = np.full((nz, nc), np.inf)
    crossing = np.full((nz, nc), -1, dtype=np.int64)
    usable = np.zeros((nz, nc), dtype=bool)
    zones, cands = list(zone_locations), list(candidate_locations)
    for f, ferry in enumerate(ferries):
        ports = [ferry.location_a, ferry.location_b]
        # the zone's port is on its side; the candidate's on its own
        zone_km = gc_matrix(zones, ports) * p.road_circuity
        zone_km = np.where(zone_island[f], zone_km[:, 1], zone_km[:, 0])
        cand_km = gc_matrix(cands, ports) * p.road_circuity
        cand_km = np.where(cand_island[f], cand_km[:, 1], cand_km[:, 0])
        leaves = np.array([port_usable(ferry.prefecture_b if side else ferry.prefecture_a)
                           for side in cand_island[f]], dtype=bool)  # fmt: skip
        chain = (cand_km[None, :] + zone_km[:, None]) / p.road_speed_kmh + ferry.hours
        ok = (
            across_each[f] & single & leaves[None, :] & enabled
            & (zone_km[:, None] / p.road_speed_kmh <= max_road_hours + 1e-9)
            & (cand_km[None, :] / p.road_speed_kmh <= max_road_hours + 1e-9)
        )  # fmt: skip
        last = np.broadcast_to(zone_km[:, None] / p.road_speed_kmh, (nz, nc))
        better = ok & (chain < hours)  # the quickest usable chain, its crossing and last leg
        hours = np.where(better, chain, hours)
        road_km = np.where(better, cand_km[None, :] + zone_km[:, None], road_km)
        crossing = np.where(better, f, crossing)
        last_hours = np.where(better, last, last_hours)
        usable |= ok
        near = across_each[f] & ~usable & (last < last_hours)  # else the nearest port's run
        crossing = np.where(near, f, crossing)
        last_hours = np.where(near, last, last_hours)
    return FerryLegs(ferries, across_each.any(axis=0), usable, crossing,
                     np.where(usable, hours, 0.0), road_km, last_hours,
                     zone_island, enabled)  # fmt: skip
