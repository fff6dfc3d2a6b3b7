"""The plan a planner run returns: the solved problem, and its document (``plan.json``)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from baotong.contingency import document as doc
from baotong.contingency.assess import Assignment, Score, score
from baotong.contingency.depths import depth_reason
from baotong.contingency.figures import load_rate
from baotong.contingency.zoning import Problem, Zone
from baotong.network.entities import ProductClass


@dataclass
class Plan:
    """A contingency plan: who takes each zone, what changes, and how good it is proven to be.

    It keeps the problem and the assignment (``evaluate`` scores a human plan on the same
    zones); ``document()`` is what is stored, shown and exported. ``status`` is as in
    :class:`~baotong.contingency.document.PlanDocument`. Costs are CNY/day, volumes
    items/day, times hours.
    """

    scenario: str
    network: str
    status: doc.PlanStatus
    solver_status: str
    objective: float
    bound: float
    gap: float
    solve_seconds: float
    problem: Problem
    assign: Assignment
    heuristic_objective: float
    nearest_centre_objective: float
    nearest_centre_feasible: bool
    sort_plan_changes: list[doc.SortPlanChange]
    dispatch_relations: list[doc.DispatchRelation]
    transit_changes: list[doc.TransitChange | doc.LineChange]
    transport: doc.Transport
    delays: doc.Delays
    unserved: doc.Unserved

    @property
    def score(self) -> Score:
        return score(self.problem, self.assign)

    def backups(self) -> list[doc.Backup]:
        sc = self.score
        rows: list[doc.Backup] = []
        for c in sorted({int(c) for c in self.assign if c >= 0}):
            cand = self.problem.candidates[c]
            capacity = cand.capacity + int(sc.shifts[c]) * cand.surge_per_shift
            zones = [self.problem.zones[z].zone_id for z in np.nonzero(self.assign == c)[0]]
            rows.append(doc.Backup(
                center_id=cand.center_id, name=cand.name, province_code=cand.province_code,
                location=cand.location, load=round(float(sc.load[c]), 1),
                spare_capacity=round(cand.capacity, 1), surge_shifts=int(sc.shifts[c]),
                capacity=round(capacity, 1),
                utilisation=round(load_rate(
                    cand.baseline_load, cand.total_capacity or cand.capacity, float(sc.load[c]),
                    int(sc.shifts[c]) * cand.surge_per_shift), 4) if capacity else None,
                chutes_used=int(sc.chutes[c]), chutes_free=cand.free_chutes, zones=zones,
                on_trunk=cand.on_trunk, new_relations=cand.new_relations,
            ))  # fmt: skip
        return rows

    def assignments(self) -> list[doc.Assignment]:
        rows: list[doc.Assignment] = []
        used = self.score.chutes
        for z, c in enumerate(self.assign):
            if c < 0:
                continue
            zone, cand = self.problem.zones[z], self.problem.candidates[int(c)]
            rows.append(doc.Assignment(
                zone_id=zone.zone_id, zone_kind=zone.zone_kind, region_code=zone.region_code,
                station_id=zone.station_id, name=zone.name,
                area_code=self.problem.areas[zone.area].code, location=zone.location,
                backup_center_id=cand.center_id, backup=cand.name,
                volume=round(zone.volume, 1), load=round(zone.load, 1), chutes=zone.chutes,
                sort_depth=zone.zone_kind, km=round(float(self.problem.km[z, c]), 1),
                hours=round(float(self.problem.hours[z, c]), 2),
                extra_hours=round(float(self.problem.extra_hours[z, c]), 2),
                **self._air(z, int(c)), **self._depth(zone, int(c), used),
            ))  # fmt: skip
        return rows

    def _depth(self, zone: Zone, c: int, used: npt.NDArray[np.int64]) -> dict[str, str | None]:
        """The depth asked and why a coarser one (nothing when it got the one asked);
        ``used``: each candidate's chutes in the plan."""
        cand = self.problem.candidates[c]
        reason = depth_reason(zone, self.problem.hand_sort_item, f"{cand.name} ({cand.center_id})",
                              cand.free_chutes, int(used[c]))  # fmt: skip
        if zone.asked is None or reason is None:
            return {}
        return {"asked_depth": zone.asked[0], "depth_reason": reason}

    def _air(self, z: int, c: int) -> dict[str, str | None]:
        """The airport and hub of a zone flown to, the crossing and ports of a zone shipped
        to (nothing for a road pair)."""
        boats = self.problem.ferries
        if self.problem.by_ferry(z, c) and boats is not None:
            route = boats.route(z, c)
            if route is not None:
                return {"ferry": route[0].id, "ferry_from": route[1], "ferry_to": route[2]}
        if not self.problem.by_air(z, c):
            return {}
        return {"airport": self.problem.landing[z], "via_hub": self.problem.feeder[c]}

    def document(self) -> doc.PlanDocument:
        """The complete, versioned plan (plan.json, schema "baotong.plan/1")."""
        sc = self.score
        return doc.PlanDocument(
            scenario=self.scenario,
            network=self.network,
            status=self.status,
            solver_status=self.solver_status,
            objective=round(self.objective, 2),
            bound=round(self.bound, 2),
            gap=self.gap,
            solve_seconds=round(self.solve_seconds, 3),
            heuristic_objective=round(self.heuristic_objective, 2),
            nearest_centre_objective=round(self.nearest_centre_objective, 2),
            nearest_centre_feasible=self.nearest_centre_feasible,
            cost=doc.Cost(**sc.breakdown()),
            areas=[
                doc.LockedArea(code=a.code, name=a.name, level=a.level, depth=a.depth)
                for a in self.problem.areas
            ],  # fmt: skip
            counts=doc.Counts(
                zones=len(self.problem.zones),
                candidates=len(self.problem.candidates),
                backups=len({int(c) for c in self.assign if c >= 0}),
            ),  # fmt: skip
            volume=doc.Volume(
                rerouted_by_class=_round(self.problem.rerouted_by_class),
                held_by_class=_round(self.problem.held_by_class),
            ),  # fmt: skip
            backups=self.backups(),
            assignments=self.assignments(),
            sort_plan_changes=self.sort_plan_changes,
            dispatch_relations=self.dispatch_relations,
            transit_changes=self.transit_changes,
            transport=self.transport,
            delays=self.delays,
            unserved=self.unserved,
        )


def _round(values: dict[str, float]) -> dict[ProductClass, float]:
    return {ProductClass(k): round(v, 1) for k, v in values.items()}
