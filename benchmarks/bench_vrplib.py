"""Routing engine against VRPLIB best-known solutions at fixed wall time (issue targets:
X-n101-k25 ≤ 0.5 % in 10 s, X-n401-k29 ≤ 1.5 % in 30 s, X-n1001-k43 ≤ 3.5 % in 60 s; C101
and RC1_10_1 reported), and a community delivery case: one forward warehouse, 300 pickup
points with time windows, 25 vans (≤ 10 s). One seed, PyVRP's default parameters, one core.

    python -m benchmarks vrplib            # BAOTONG_VRPLIB=/path/to/vrplib to move the data
"""

from __future__ import annotations

import math
import os
import random
import time
from pathlib import Path

from baotong.transport.engine import RoutingProblem, Stop, VehicleKind, gap, solve, solve_data
from baotong.transport.vrplib import read

DATA = Path(os.environ.get("BAOTONG_VRPLIB", Path(__file__).resolve().parents[2] / "shared"
                           / "benchmarks" / "vrplib"))  # fmt: skip
CASES = [("cvrp/X-n101-k25.vrp", 10, 0.005), ("cvrp/X-n401-k29.vrp", 30, 0.015),
         ("cvrp/X-n1001-k43.vrp", 60, 0.035), ("vrptw/C101.txt", 10, None),
         ("vrptw/RC1_10_1.vrp", 60, None)]  # fmt: skip


def community(points: int = 300, vans: int = 25, seed: int = 7) -> RoutingProblem:
    """A forward warehouse in the middle of a 20 km × 20 km district, pickup points with
    two-hour windows between 08:00 and 14:00, 10 minutes each, vans of 120 packages."""
    rng = random.Random(seed)
    xy = [(10.0, 10.0)] + [(rng.uniform(0, 20), rng.uniform(0, 20)) for _ in range(points)]
    km = [[math.dist(a, b) * 1.3 for b in xy] for a in xy]
    stops = []
    for i in range(1, points + 1):
        start = rng.choice([8, 9, 10, 11, 12]) * 3600
        stops.append(Stop(f"P{i:03d}", i, rng.randint(3, 12), start, start + 7200, 600))
    return RoutingProblem(
        depots=(0,), stops=tuple(stops),
        vehicles=(VehicleKind("van", 0, vans, 120, shift_seconds=10 * 3600),),
        distance_m=tuple(tuple(round(d * 1000) for d in row) for row in km),
        duration_s=tuple(tuple(round(d / 25 * 3600) for d in row) for row in km),
    )  # fmt: skip


def main() -> None:
    for name, seconds, target in CASES:
        path = DATA / name
        if not path.is_file():
            print(f"{name}: not found under {DATA}")
            continue
        inst = read(path)
        result, took = solve_data(inst.data, time_limit_s=seconds, seed=1)
        cost = result.cost() / inst.scale  # type: ignore[attr-defined]
        g = gap(cost, inst.best_known or math.nan)
        verdict = "" if target is None else (" ok" if g <= target else f" ABOVE {target:.1%}")
        known = inst.best_known or math.nan
        print(f"{inst.name:12} {seconds:>3} s: cost {cost:>10,.1f}  best known {known:>10,.1f}"
              f"  gap {g:6.2%}{verdict}  ({took:.1f} s)")  # fmt: skip
    problem = community()
    started = time.perf_counter()
    solution = solve(problem, time_limit_s=8.0)
    took = time.perf_counter() - started
    print(f"community 300 points / 25 vans: {len(solution.routes)} routes, "
          f"{solution.distance_m / 1000:,.1f} km, feasible {solution.feasible}, {took:.1f} s "
          f"(target ≤ 10 s)")  # fmt: skip
