"""Cost and feasibility of one assignment of zones to backups, on the planner's own terms.

The MIP, the heuristic, the nearest-centre rule and a human plan are all scored here, so
their costs compare like for like. An assignment is an integer array: the candidate index
taking each zone, or -1 when the zone is left unserved; ``levels`` (optional, same shape)
says at which of its depths each zone is sorted: 0 the depth asked, ``l`` its ``l``-th
coarser one (``Zone.coarser``), which needs fewer chutes and costs the hand sorting.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from baotong.contingency.zoning import Problem

Assignment = npt.NDArray[np.int64]
Levels = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Violation:
    """A limit a plan breaks: "capacity", "chutes", "reach", "backups" or "unserved"."""

    kind: str
    subject: str  # centre id or zone id
    amount: float  # items/day, chutes or hours over the limit
    message: str


@dataclass(frozen=True)
class Score:
    """Cost breakdown (CNY/day) and per-candidate usage of an assignment."""

    opening: float
    transport: float
    surge: float
    delay: float
    unserved: float
    shifts: npt.NDArray[np.int64]
    load: npt.NDArray[np.float64]
    chutes: npt.NDArray[np.int64]
    violations: list[Violation] = field(default_factory=list)
    hand_sort: float = 0.0  # zones sorted coarser than asked: the stations' hand sorting

    @property
    def total(self) -> float:
        return (
            self.opening + self.transport + self.surge + self.delay + self.unserved
            + self.hand_sort
        )  # fmt: skip

    def breakdown(self) -> dict[str, float]:
        return {
            "opening": round(self.opening, 2),
            "transport": round(self.transport, 2),
            "surge": round(self.surge, 2),
            "delay": round(self.delay, 2),
            "unserved": round(self.unserved, 2),
            "hand_sort": round(self.hand_sort, 2),
            "total": round(self.total, 2),
        }


def shifts_needed(problem: Problem, c: int, load: float) -> int | None:
    """Least surge shifts for a load at candidate ``c`` (None when even the most won't do)."""
    cand = problem.candidates[c]
    over = load - cand.capacity
    if over <= 1e-6:
        return 0
    if cand.surge_per_shift <= 0:
        return None
    n = math.ceil(over / cand.surge_per_shift - 1e-9)
    return n if n <= cand.max_shifts else None


def zone_chutes(problem: Problem, levels: Levels | None) -> npt.NDArray[np.int64]:
    """Chutes of each zone at its depth level (the depth asked when ``levels`` is None)."""
    if levels is None:
        return problem.chutes
    return problem.depth_chutes[np.arange(len(problem.zones)), levels]


def check_levels(problem: Problem, levels: Levels) -> None:
    """Refuse a level a zone does not have (a programming error, not a user's)."""
    width = problem.depth_chutes.shape[1]
    if levels.shape != (len(problem.zones),) or (levels < 0).any() or (levels >= width).any():
        raise ValueError('"levels" must give each zone one of its depth levels.')
    if (zone_chutes(problem, levels) < 0).any():
        raise ValueError('"levels" names a coarser depth a zone does not have.')


def score(problem: Problem, assign: Assignment, levels: Levels | None = None) -> Score:
    """Cost and violations of an assignment at the depths ``levels`` (violations are listed,
    never raised); without levels every zone is at its own depth."""
    nc = len(problem.candidates)
    load = np.zeros(nc)
    chutes = np.zeros(nc, dtype=np.int64)
    served = assign >= 0
    idx = np.nonzero(served)[0]
    if levels is not None:
        check_levels(problem, levels)
    at = np.zeros(len(problem.zones), dtype=np.int64) if levels is None else levels
    np.add.at(load, assign[idx], problem.load[idx])
    np.add.at(chutes, assign[idx], zone_chutes(problem, levels)[idx])
    hand = float(problem.hand_cost[idx, at[idx]].sum()) if idx.size else 0.0
    w = problem_weights(problem)
    delay = float((problem.volume[idx] * problem.extra_hours[idx, assign[idx]]).sum() * w[1])
    # the rest of the assignment cost the solvers use: item-km, air freight, transit hops
    transport = float(problem.cost[idx, assign[idx]].sum()) - delay
    unserved = float(problem.unserved_cost[~served].sum())
    shifts = np.zeros(nc, dtype=np.int64)
    violations: list[Violation] = []
    opening = surge = 0.0
    for c in np.unique(assign[idx]):
        cand = problem.candidates[c]
        opening += cand.opening_cost
        n = shifts_needed(problem, int(c), float(load[c]))
        if n is None:
            n = cand.max_shifts
            over = load[c] - cand.capacity - n * cand.surge_per_shift
            violations.append(
                Violation(
                    "capacity",
                    cand.center_id,
                    float(over),
                    f"{cand.name} ({cand.center_id}) is {over:,.0f} items/day over capacity "
                    f"even with {n} surge shifts.",
                )
            )
        shifts[c] = n
        surge += n * cand.surge_cost
        if chutes[c] > cand.free_chutes:
            miss = int(chutes[c] - cand.free_chutes)
            violations.append(
                Violation(
                    "chutes",
                    cand.center_id,
                    float(miss),
                    f"{cand.name} ({cand.center_id}) needs {chutes[c]} chutes but has "
                    f"{cand.free_chutes} free ({miss} short).",
                )
            )
    opened = len(np.unique(assign[idx]))
    if problem.max_backups is not None and opened > problem.max_backups:
        violations.append(Violation("backups", "plan", float(opened - problem.max_backups),
            f"{opened} backups are used; the scenario allows {problem.max_backups}."))  # fmt: skip
    relays = sum(1 for c in np.unique(assign[idx]) if not problem.candidates[int(c)].on_trunk)
    if problem.relay_limit is not None and relays > problem.relay_limit:
        violations.append(Violation("origin_chutes", "plan", float(relays - problem.relay_limit),
            f"{relays} backups off the trunk network need a new chute at every large origin; "
            f"the origins have {problem.relay_limit} free."))  # fmt: skip
    for z in idx:
        c = int(assign[z])
        if not problem.allowed[z, c]:
            zone, cand = problem.zones[z], problem.candidates[c]
            violations.append(
                Violation(
                    "reach",
                    zone.zone_id,
                    float(problem.hours[z, c]),
                    f"{zone.name} ({zone.zone_id}) is {problem.hours[z, c]:.1f} h by road from "
                    f"{cand.name}, beyond the limit.",
                )
            )
    for z in np.nonzero(~served)[0]:
        zone = problem.zones[z]
        text = f"{zone.name} ({zone.zone_id}): {zone.volume:,.0f} items/day have no backup."
        violations.append(Violation("unserved", zone.zone_id, zone.volume, text))
    return Score(opening, transport, surge, delay, unserved, shifts, load, chutes, violations,
                 hand)  # fmt: skip


def problem_weights(problem: Problem) -> tuple[float, float]:
    """(CNY per item-km, CNY per item-hour) the problem's cost matrix was built with."""
    return problem.weights


def is_feasible(sc: Score) -> bool:
    limits = ("capacity", "chutes", "reach", "backups", "origin_chutes")
    return not any(v.kind in limits for v in sc.violations)
