"""Coarser sort depths for the stations a plan could not serve at the depth asked.

A city lockdown asks the backups to sort down to segment, grid or station. When the
backups within reach lack the chutes for some stations at that depth, those stations are
not left without mail: each is offered the next coarser depth (fewer chutes; the station
then does the finer sort by hand), on the capacity, surge shifts and chutes the plan left
free, until it fits or no coarser depth is left. Stations served at the asked depth keep
it: the asked depth always comes first, and a station only gets a coarser one when it
would otherwise be unserved.
"""

from __future__ import annotations

import time
from dataclasses import replace

import numpy as np

from baotong.contingency.assess import Assignment, score
from baotong.contingency.heuristic import greedy
from baotong.contingency.planning import solve
from baotong.contingency.zoning import Candidate, Problem


def coarsen_unserved(
    problem: Problem, assign: Assignment, *, time_limit_s: float, mip_rel_gap: float
) -> tuple[Problem, Assignment]:
    """The problem with the depth each zone got, and the plan serving what now fits."""
    deadline = time.perf_counter() + time_limit_s
    assign = assign.copy()
    levels = np.zeros(len(problem.zones), dtype=np.int64)
    while time.perf_counter() < deadline:
        todo = [
            z
            for z in np.nonzero(assign < 0)[0].tolist()
            if levels[z] < len(problem.zones[z].coarser)
        ]
        if not todo:
            break
        levels[todo] += 1
        residual = _residual(problem.at_depths(levels), assign, todo)
        res = solve(residual, greedy(residual), mip_rel_gap=mip_rel_gap,
                    time_limit_s=max(1e-3, deadline - time.perf_counter()))  # fmt: skip
        assign[todo] = res.assign
    levels[assign < 0] = 0  # still unserved: reported at the depth asked
    return problem.at_depths(levels), assign


def _residual(problem: Problem, assign: Assignment, todo: list[int]) -> Problem:
    """The zones in ``todo`` against what the plan left of every candidate.

    A candidate keeps its unused capacity, shifts and chutes; one already taking zones
    opens at no cost. With a limit on backups only those already taking zones are offered.
    """
    sc = score(problem, assign)
    used = np.bincount(assign[assign >= 0], minlength=len(problem.candidates)) > 0
    cands: list[Candidate] = []
    for c, cand in enumerate(problem.candidates):
        n = int(sc.shifts[c])
        room = cand.capacity + n * cand.surge_per_shift - float(sc.load[c])
        cands.append(replace(
            cand, capacity=max(0.0, room), max_shifts=cand.max_shifts - n,
            free_chutes=cand.free_chutes - int(sc.chutes[c]),
            opening_cost=0.0 if used[c] else cand.opening_cost,
        ))  # fmt: skip
    allowed = problem.allowed[todo]
    if problem.max_backups is not None:
        allowed = allowed & used[None, :]
    return replace(
        problem, zones=[problem.zones[z] for z in todo], candidates=cands,
        km=problem.km[todo], hours=problem.hours[todo], extra_hours=problem.extra_hours[todo],
        cost=problem.cost[todo], allowed=allowed, unserved_cost=problem.unserved_cost[todo],
        max_backups=None, relay_limit=None,
        air=None if problem.air is None else problem.air[todo],
        landing=tuple(problem.landing[z] for z in todo) if problem.landing else (),
        landing_hours=None if problem.landing_hours is None else problem.landing_hours[todo],
    )  # fmt: skip
