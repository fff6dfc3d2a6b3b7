"""The planner's entry points: ``plan``, ``evaluate`` (a human plan) and ``compare``.

``plan`` builds the problem, takes the heuristic plan as a start, solves the MIP with HiGHS
and derives relations, transport and delays. It never raises for an infeasible lockdown:
zones nobody can take are listed in ``unserved`` with the capacity and chutes missing.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from baotong.contingency import delays as delay_engine
from baotong.contingency import document as doc
from baotong.contingency import relations, trunks
from baotong.contingency.assess import Assignment, Violation, is_feasible, score
from baotong.contingency.depths import at_chosen_depths
from baotong.contingency.document import PlanStatus
from baotong.contingency.heuristic import fit_depths, heuristic, nearest_centre
from baotong.contingency.planning import CancelFn, ProgressFn, relative_gap, solve
from baotong.contingency.result import Plan
from baotong.contingency.scenario import ManualPlan, Scenario
from baotong.contingency.zoning import Problem, build_problem
from baotong.core.exceptions import ValidationError
from baotong.network.entities import Network
from baotong.network.lookup import region_at


def _noop(_fraction: float, _message: str) -> None:
    return None


@dataclass(frozen=True)
class TimeBudget:
    """How one plan spends the scenario's ``time_limit_s`` (all in seconds, wall clock).

    The whole plan (zones, heuristic, HiGHS, relations, transport and delays) ends within
    the limit plus the assembly's own overrun, which ``assembly_s`` estimates and keeps back.

    heuristic_share: most of the limit local search may use after the greedy plan.
    heuristic_max_s: and never more than this: HiGHS improves a plan faster than it does.
    assembly_base_s, assembly_per_zone_s: time kept back for deriving relations, transport
        and delays once HiGHS stops (base plus a share per zone).
    """

    heuristic_share: float = 0.1
    heuristic_max_s: float = 1.0
    assembly_base_s: float = 0.1
    assembly_per_zone_s: float = 0.001

    def __post_init__(self) -> None:
        if not 0.0 <= self.heuristic_share <= 1.0:
            raise ValueError('"heuristic_share" must be within [0, 1].')
        for name in ("heuristic_max_s", "assembly_base_s", "assembly_per_zone_s"):
            if getattr(self, name) < 0:
                raise ValueError(f'"{name}" must be >= 0.')

    def heuristic_s(self, time_limit_s: float) -> float:
        return min(self.heuristic_share * time_limit_s, self.heuristic_max_s)

    def assembly_s(self, zones: int, time_limit_s: float) -> float:
        return min(0.25 * time_limit_s, self.assembly_base_s + self.assembly_per_zone_s * zones)


def plan(
    network: Network,
    scenario: Scenario,
    *,
    on_progress: ProgressFn | None = None,
    should_cancel: CancelFn | None = None,
    budget: TimeBudget = TimeBudget(),
) -> Plan:
    """Plan backups for a scenario (see the package docstring for the model).

    The plan ends within ``options.time_limit_s`` (see ``TimeBudget``): HiGHS gets what
    the zoning and the heuristic left, less the time kept back for the assembly.
    """
    t0 = time.perf_counter()
    opts = scenario.options
    progress: Callable[[float, str], None] = on_progress or _noop
    progress(0.0, "Building zones and candidates")
    problem = build_problem(network, scenario)
    progress(0.15, f"{len(problem.zones)} zones, {len(problem.candidates)} candidates")
    start, start_levels = heuristic(
        problem, deadline=time.perf_counter() + budget.heuristic_s(opts.time_limit_s)
    )
    h_cost = score(problem, start, start_levels).total
    progress(0.3, f"Heuristic plan: {h_cost:,.0f} CNY/day")
    reserve = budget.assembly_s(len(problem.zones), opts.time_limit_s)
    left = opts.time_limit_s - (time.perf_counter() - t0) - reserve
    levels = start_levels
    if should_cancel is not None and should_cancel():
        solver_status, assign, bound = "cancelled", start, 0.0
    elif left <= 0:
        solver_status, assign, bound = "time_limit", start, 0.0
    else:
        res = solve(problem, start, start_levels=start_levels, time_limit_s=left,
                    mip_rel_gap=opts.mip_rel_gap, on_progress=on_progress,
                    should_cancel=should_cancel)  # fmt: skip
        solver_status, assign, bound = res.solver_status, res.assign, res.bound
        levels = start_levels if res.levels is None else res.levels
    problem = at_chosen_depths(problem, assign, levels)  # the depth each zone got
    return assemble(network, scenario, problem, assign, solver_status, bound, h_cost, t0, progress)


def assemble(
    network: Network,
    scenario: Scenario,
    problem: Problem,
    assign: Assignment,
    solver_status: str,
    bound: float,
    heuristic_cost: float,
    t0: float,
    progress: Callable[[float, str], None] = _noop,
) -> Plan:
    """A Plan with its relations, transport, delays and unserved explanation."""
    objective = score(problem, assign).total
    bound = min(bound, objective)
    unserved = explain_unserved(problem, assign)
    status: PlanStatus
    if unserved.zones:
        status = "infeasible"
    else:
        status = "optimal" if solver_status == "optimal" else "feasible"
    progress(0.9, "Deriving relations, transport and delays")
    near = score(problem, nearest_centre(problem))
    result = Plan(
        scenario=scenario.name, network=network.name, status=status, solver_status=solver_status,
        objective=objective, bound=bound, gap=relative_gap(objective, bound),
        solve_seconds=0.0, problem=problem, assign=assign,
        heuristic_objective=heuristic_cost,
        nearest_centre_objective=near.total, nearest_centre_feasible=is_feasible(near),
        sort_plan_changes=relations.sort_plan_changes(network, problem, assign),
        dispatch_relations=relations.dispatch_relations(network, problem, assign),
        transit_changes=relations.transit_changes(network, problem, assign),
        transport=doc.Transport(
            trunk=trunks.trunk_flows(network, problem, assign,
                                     scenario.options.presorted_share),
            zone_runs=trunks.zone_runs(network, problem, assign),
        ),
        delays=delay_engine.delays(network, problem, assign), unserved=unserved,
    )  # fmt: skip
    result.solve_seconds = time.perf_counter() - t0
    progress(1.0, f"Plan {status}: {objective:,.0f} CNY/day")
    return result


def explain_unserved(problem: Problem, assign: Assignment) -> doc.Unserved:
    """Which zones have no backup, and how much capacity and how many chutes are missing."""
    sc = score(problem, assign)
    zones = [z for z in range(len(problem.zones)) if assign[z] < 0]
    opened = {int(c) for c in assign if c >= 0}
    capped = problem.max_backups is not None and len(opened) >= problem.max_backups
    usable = np.array(
        [(c in opened) or not capped for c in range(len(problem.candidates))], dtype=bool
    )
    rows = []
    for z in zones:
        zone = problem.zones[z]
        reach: list[int] = np.nonzero(problem.allowed[z] & usable)[0].tolist()
        room = sum(_room(problem, sc.load, int(c)) for c in reach)
        free = sum(max(0, problem.candidates[c].free_chutes - int(sc.chutes[c])) for c in reach)
        if not problem.allowed[z].any():
            reason = _beyond_reach(problem, z)
        elif room < zone.load - 1e-6 or free < zone.chutes:
            reason = "reachable centres lack capacity or chutes" + (
                f" (max_backups {problem.max_backups} reached)" if capped else ""
            )
        else:
            reason = _too_dear(problem, z, reach, opened)
        rows.append(doc.UnservedZone(
            zone_id=zone.zone_id, name=zone.name, region_code=zone.region_code,
            volume=round(zone.volume, 1), load=round(zone.load, 1), chutes=zone.chutes,
            reachable_candidates=len(reach), reason=reason,
        ))  # fmt: skip
    need_load = sum(problem.zones[z].load for z in zones)
    need_chutes = sum(problem.zones[z].chutes for z in zones)
    reach_any: list[int] = (
        np.nonzero(problem.allowed[zones].any(axis=0) & usable)[0].tolist() if zones else []
    )
    room = sum(_room(problem, sc.load, c) for c in reach_any)
    free = sum(max(0, problem.candidates[c].free_chutes - int(sc.chutes[c])) for c in reach_any)
    return doc.Unserved(
        zones=rows,
        volume=round(float(sum(problem.zones[z].volume for z in zones)), 1),
        missing_capacity=round(float(max(0.0, need_load - room)), 1),
        missing_chutes=int(max(0, need_chutes - free)),
        message=_unserved_message(rows, need_load, need_chutes, room, free),
    )


def _too_dear(problem: Problem, z: int, reach: list[int], opened: set[int]) -> str:
    """A zone left out because taking it costs more than its penalty: say what it costs."""
    costs = [(float(problem.cost[z, c]), 0.0 if c in opened else
              problem.candidates[c].opening_cost) for c in reach]  # fmt: skip
    take, opening = min(costs, key=sum)
    why = " (a backup no other zone uses must be opened)" if opening > 0 else ""
    return (
        f"covering it costs more than the unserved penalty: at least {take + opening:,.0f} "
        f"CNY/day{why} against {float(problem.unserved_cost[z]):,.0f}"
    )


def _beyond_reach(problem: Problem, z: int) -> str:
    """Why nothing reaches a zone: the nearest backup by road (on its side of the water),
    the nearest airport's run, the nearest ferry port's run."""
    reason = "no candidate centre within the road-time limit"
    boats = problem.ferries
    road = problem.hours[z]
    if boats is not None and boats.across[z].any():
        road = np.where(boats.across[z], np.inf, road)  # no road over the water
    if problem.candidates and np.isfinite(road).any():
        reason += f"; the nearest is {float(road.min()):.1f} h away by road"
    elif problem.candidates:
        reason += "; none is on its side of the water"
    if problem.landing and problem.landing[z] and problem.landing_hours is not None:
        reason += (f"; from the nearest airport ({problem.landing[z]}) the run takes "
                   f"{float(problem.landing_hours[z]):.1f} h")  # fmt: skip
    # the ferry matters to a zone on an island, or one no candidate on its side could reach
    port = None
    if boats is not None and (boats.zone_island[:, z].any() or not np.isfinite(road).any()):
        port = boats.nearest_port(z)
    if port is not None and boats is not None and not boats.enabled:
        reason += f"; the {port[0].name} ferry is off in this scenario"
    elif port is not None:
        reason += f"; from the nearest ferry port ({port[1]}) the run takes {port[2]:.1f} h"
    return reason


def _unserved_message(
    rows: list[doc.UnservedZone], load: float, chutes: int, room: float, free: int
) -> str:
    if not rows:
        return ""
    out = (f"{len(rows)} zone(s), {load:,.0f} items/day of handling load and {chutes} chutes, "
           "cannot be covered")  # fmt: skip
    far = sum(1 for r in rows if r.reason.startswith("no candidate"))
    if far:
        out += f"; {far} of them have no candidate centre within the road-time limit"
    if far < len(rows):
        out += (
            f"; the centres that reach the rest have {room:,.0f} items/day and {free} chutes left"
        )
    return out + "."


def _room(problem: Problem, load: np.ndarray[Any, np.dtype[np.float64]], c: int) -> float:
    """Items/day candidate ``c`` could still take with all its surge shifts."""
    cand = problem.candidates[c]
    return max(0.0, cand.capacity + cand.max_shifts * cand.surge_per_shift - float(load[c]))


@dataclass
class Evaluation:
    """A human plan scored on the planner's model, against the optimum."""

    name: str
    cost: dict[str, float]
    violations: list[Violation]
    delays: doc.Delays
    optimum: float
    gap_to_optimum: float
    assign: Assignment
    problem: Problem

    def document(self) -> doc.EvaluationDocument:
        """What is shown and written (``evaluation.json``)."""
        return doc.EvaluationDocument(
            name=self.name,
            cost=doc.Cost(**self.cost),
            feasible=not self.violations,
            violations=[
                doc.Violation(
                    kind=v.kind, subject=v.subject, amount=round(v.amount, 2), message=v.message
                )
                for v in self.violations
            ],  # fmt: skip
            delays=self.delays,
            optimum=round(self.optimum, 2),
            gap_to_optimum=round(self.gap_to_optimum, 6),
            assignments=[
                doc.ManualAssignment(
                    zone_id=self.problem.zones[z].zone_id,
                    backup_center_id=self.problem.candidates[int(c)].center_id if c >= 0 else None,
                )
                for z, c in enumerate(self.assign)
            ],  # fmt: skip
        )


def manual_assignment(
    network: Network, problem: Problem, manual: ManualPlan
) -> tuple[Assignment, list[Violation]]:
    """The zones each manual backup takes (a zone inside one of its regions)."""
    index = {c.center_id: i for i, c in enumerate(problem.candidates)}
    assign = np.full(len(problem.zones), -1, dtype=np.int64)
    extra: list[Violation] = []
    for b, backup in enumerate(manual.backups):
        center = _find_center(network, backup.center, f"backups.{b}.center")
        if center not in index:
            extra.append(Violation("ineligible", center,
                0.0, f"{network.centers[center].name} ({center}) cannot be a backup in this "
                "scenario (locked, closed or below the automation required)."))  # fmt: skip
            continue
        for r, text in enumerate(backup.regions):
            region = region_at(network, text, field=f"backups.{b}.regions.{r}",
                               domain="manual_plan")  # fmt: skip
            for z, zone in enumerate(problem.zones):
                if network.contains(region.code, zone.region_code):
                    assign[z] = index[center]
    return assign, extra


def _find_center(network: Network, text: str, field: str) -> str:
    if text in network.centers:
        return text
    low = text.strip().lower()
    hits = [c.id for c in network.centers.values()
            if text in (c.name,) or low == c.name_en.lower()]  # fmt: skip
    if len(hits) == 1:
        return hits[0]
    hits = [c.id for c in network.centers.values() if text in c.name or low in c.name_en.lower()]
    if len(hits) == 1:
        return hits[0]
    what = "no" if not hits else f"{len(hits)} ({', '.join(sorted(hits)[:5])})"
    raise ValidationError(f"{what} processing centres match '{text}'; use the centre id.",
                          code="manual.unmatched_centre", field=field, value=text,
                          count=len(hits))  # fmt: skip


def evaluate(
    network: Network,
    scenario: Scenario,
    manual: ManualPlan,
    optimum: Plan | None = None,
    *,
    optimum_objective: float | None = None,
) -> Evaluation:
    """Score a human plan: cost, capacity/chute/reach violations, delays, gap to the optimum.

    The plan is scored at the depths the scenario asks; a backup it gives more zones than
    its chutes take sorts some coarser (``heuristic.fit_depths``), as the optimiser would.
    The optimum is ``optimum`` when given, else ``optimum_objective`` (the objective of a
    plan computed earlier, such as a stored one: only the zones are rebuilt, nothing is
    re-solved), else it is planned here first.
    """
    if optimum is not None:
        best_objective = optimum.objective
    elif optimum_objective is not None:
        best_objective = optimum_objective
    else:
        best_objective = plan(network, scenario).objective
    problem = build_problem(network, scenario)  # at the depths asked
    assign, extra = manual_assignment(network, problem, manual)
    levels = fit_depths(problem, assign)  # coarser only where its backups lack chutes
    sc = score(problem, assign, levels)
    problem = at_chosen_depths(problem, assign, levels)
    gap = (sc.total - best_objective) / best_objective if best_objective > 0 else 0.0
    return Evaluation(manual.name, sc.breakdown(), extra + sc.violations,
                      delay_engine.delays(network, problem, assign), best_objective, gap, assign,
                      problem)  # fmt: skip


def compare(plan_a: doc.PlanDocument, plan_b: doc.PlanDocument) -> doc.PlanComparison:
    """What differs between two plans: cost, backups, and zones that moved."""
    a_of = {r.zone_id: r.backup_center_id for r in plan_a.assignments}
    b_of = {r.zone_id: r.backup_center_id for r in plan_b.assignments}
    moved = [doc.ZoneMove(zone_id=z, from_=a_of.get(z), to=b_of.get(z))
             for z in sorted(set(a_of) | set(b_of)) if a_of.get(z) != b_of.get(z)]  # fmt: skip
    backups_a = {r.center_id for r in plan_a.backups}
    backups_b = {r.center_id for r in plan_b.backups}
    return doc.PlanComparison(
        objective=doc.ObjectiveDifference(a=plan_a.objective, b=plan_b.objective,
                                          difference=plan_b.objective - plan_a.objective),
        backups_added=sorted(backups_b - backups_a),
        backups_removed=sorted(backups_a - backups_b),
        zones_moved=moved,
    )  # fmt: skip
