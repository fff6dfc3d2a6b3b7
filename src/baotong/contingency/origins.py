"""What a backup costs the origins: new bags and chutes, or an extra transit hop.

Every origin centre already closes a bag to every provincial hub and air-hub centre (the
trunk network), so a backup that is one of them takes the locked area's mail in bags that
exist. Any other backup needs, at every origin prefecture whose mail into the locked area
reaches ``relation_min_items`` a day, a new dispatch relation: a bag and a sorter chute
there (``costs.new_relation`` CNY/day each, one chute of that origin's centre); the smaller
origins send it through the backup's provincial hub — an extra hop that costs
``costs.transit_hop_item`` per item and ``transit_hop_hours`` of delay.

The origins' volumes are those into the whole locked area: a backup takes only part of it,
so this counts the relations a backup may need at most (documented in docs/planner.md).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from baotong.contingency.distances import OriginWeights
from baotong.network.entities import CenterRole, Network, SiteStatus


@dataclass(frozen=True)
class OriginSide:
    """Per scenario: how many origins need a new bag to a non-hub backup, the share of the
    area's mail that would take the extra hop, and how many non-hub backups the origins'
    free chutes allow (None: no origin passes the threshold)."""

    relations: int
    hop_share: float
    chute_limit: int | None
    origins: tuple[tuple[str, float], ...]  # (prefecture, items/day) passing the threshold


def trunk_centres(network: Network) -> frozenset[str]:
    """Centres every origin already sends bags to: provincial hubs and air-hub centres."""
    hubs = {c.id for c in network.centers.values() if c.role is CenterRole.PROVINCIAL_HUB}
    return frozenset(hubs | {h.center_id for h in network.hubs.values()})


def origin_side(
    network: Network,
    zone_inbound: list[tuple[str, float]],
    locked: set[str],
    min_items: float,
) -> OriginSide:
    """The origin side of a scenario from its zones' (prefecture, items/day)."""
    weights = OriginWeights(network)
    into: dict[str, float] = defaultdict(float)  # the zones' items by their prefecture
    for prefecture, items in zone_inbound:
        into[prefecture] += items
    volume: dict[str, float] = defaultdict(float)
    for prefecture, items in into.items():
        codes, _, w = weights(prefecture)
        for code, share in zip(codes, (items * w).tolist(), strict=True):
            if code not in locked:
                volume[code] += share
    total = sum(volume.values())
    big = sorted(((p, v) for p, v in volume.items() if v >= min_items), key=lambda x: -x[1])
    small = total - sum(v for _, v in big)
    free: dict[str, int] = defaultdict(int)
    for centre in network.centers.values():
        if centre.status is not SiteStatus.CLOSED:
            free[centre.prefecture_code] = max(free[centre.prefecture_code], centre.free_chutes)
    limits = [free[p] for p, _ in big if p in free]
    return OriginSide(
        relations=len(big),
        hop_share=small / total if total > 0 else 0.0,
        chute_limit=min(limits) if limits else None,
        origins=tuple((p, round(v, 1)) for p, v in big),
    )
