"""The network changes a plan sends to sites.

* **Sort plan changes** (分拣封发关系), one per zone: the destination's sorting moves from
  its baseline centre to the backup, which closes a bag per sort destination.
* **Dispatch relations**, one per origin centre and backup: every origin centre in the
  country now closes a bag "origin → backup" for the zones that backup took (listed once,
  in the plan's ``backups[].zones``).
* **Transit changes** (经转关系): per origin province (its hub onward is what changes) and
  per (baseline centre → backup) move, the old and new centre chains ("changed") with the
  volume that province sends along them, plus the lines (hops between centres) the new
  chains add or no longer use ("added"/"removed").
"""

from __future__ import annotations

from collections import defaultdict
from typing import Literal

from baotong.contingency import document as doc
from baotong.contingency.assess import Assignment
from baotong.contingency.distances import OriginWeights
from baotong.contingency.zoning import Problem, Zone
from baotong.network.entities import Network, SiteStatus


def sort_plan_changes(
    network: Network, problem: Problem, assign: Assignment
) -> list[doc.SortPlanChange]:
    rows: list[doc.SortPlanChange] = []
    for z, c in enumerate(assign):
        if c < 0:
            continue
        zone, cand = problem.zones[z], problem.candidates[int(c)]
        rows.append(
            doc.SortPlanChange(
                zone_id=zone.zone_id,
                zone_kind=zone.zone_kind,
                region_code=zone.region_code,
                station_id=zone.station_id,
                destination=zone.name,
                area_code=problem.areas[zone.area].code,
                from_center_id=zone.home_center_id,
                to_center_id=cand.center_id,
                bag=f"{cand.name} → {zone.name}",
                chutes=zone.chutes,
            )
        )
    return rows


def _origin_centres(network: Network, problem: Problem) -> list[str]:
    locked = [a.code for a in problem.areas]
    return sorted(
        c.id
        for c in network.centers.values()
        if c.status is not SiteStatus.CLOSED
        and not any(network.contains(code, c.prefecture_code) for code in locked)
    )


def dispatch_relations(
    network: Network, problem: Problem, assign: Assignment
) -> list[doc.DispatchRelation]:
    """For every origin centre: the bag it closes to each backup and the zones in it."""
    zones_of: dict[int, list[str]] = defaultdict(list)
    for z, c in enumerate(assign):
        if c >= 0:
            zones_of[int(c)].append(problem.zones[z].zone_id)
    rows: list[doc.DispatchRelation] = []
    for origin in _origin_centres(network, problem):
        o = network.centers[origin]
        for c, zone_ids in sorted(zones_of.items()):
            cand = problem.candidates[c]
            rows.append(
                doc.DispatchRelation(
                    origin_center_id=origin,
                    backup_center_id=cand.center_id,
                    bag=f"{o.name} → {cand.name} (异地分拣 / backup sort)",
                    zones=len(zone_ids),
                )
            )
    return rows


def transit_changes(
    network: Network, problem: Problem, assign: Assignment
) -> list[doc.TransitChange | doc.LineChange]:
    """Changed chains per origin province hub, and the lines added or removed."""
    moves: dict[tuple[str, str], list[int]] = defaultdict(list)
    for z, c in enumerate(assign):
        if c >= 0:
            moves[(problem.zones[z].home_center_id, problem.candidates[int(c)].center_id)].append(z)
    hubs = sorted(
        {
            network.provincial_hub(network.centers[o].province_code).id
            for o in _origin_centres(network, problem)
        }
    )
    weights = OriginWeights(network)
    shares: dict[tuple[str, str], float] = {}

    def share(province: str, zone: Zone) -> float:
        """The part of a zone's inbound mail that comes from ``province`` (kept per
        province and prefecture: every hub asks it of every zone)."""
        key = (province[:2], zone.prefecture_code)
        if key not in shares:
            codes, _, w = weights(zone.prefecture_code)
            shares[key] = float(sum(float(x) for code, x in zip(codes, w, strict=True)
                                    if code[:2] == key[0]))  # fmt: skip
        return shares[key]

    rows: list[doc.TransitChange | doc.LineChange] = []
    for hub_id in hubs:
        hub = network.centers[hub_id]
        old_lines: set[tuple[str, str]] = set()
        new_lines: set[tuple[str, str]] = set()
        for (home_id, backup_id), zs in sorted(moves.items()):
            old = network.transit_between(hub, network.centers[home_id])
            new = network.transit_between(hub, network.centers[backup_id])
            old_lines.update(zip(old.chain, old.chain[1:], strict=False))
            new_lines.update(zip(new.chain, new.chain[1:], strict=False))
            rows.append(
                doc.TransitChange(
                    action="changed",
                    origin_center_id=hub_id,
                    origin_province_code=hub.province_code,
                    from_center_id=home_id,
                    to_center_id=backup_id,
                    old_chain=list(old.chain),
                    new_chain=list(new.chain),
                    old_mode=old.mode,
                    new_mode=new.mode,
                    zones=len(zs),
                    volume=round(
                        sum(
                            problem.zones[z].volume * share(hub.province_code, problem.zones[z])
                            for z in zs
                        ),
                        1,
                    ),
                )
            )
        for action, lines in _line_changes(old_lines, new_lines):
            for a, b in sorted(lines):
                rows.append(
                    doc.LineChange(
                        action=action,
                        origin_center_id=hub_id,
                        origin_province_code=hub.province_code,
                        from_center_id=a,
                        to_center_id=b,
                    )
                )
    return rows


def _line_changes(
    old: set[tuple[str, str]], new: set[tuple[str, str]]
) -> list[tuple[Literal["added", "removed"], set[tuple[str, str]]]]:
    return [("added", new - old), ("removed", old - new)]
