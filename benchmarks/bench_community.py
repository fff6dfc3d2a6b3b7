"""The community delivery case (issue target ≤ 10 s): one forward warehouse in the middle
of a 20 km × 20 km Shanghai district, 300 pickup points with two-hour windows between
08:00 and 14:00 and 10 minutes each, 25 vans of 120 packages. The problem is built the
way a route plan builds it (``transport.problems``): road distances from the network's
distance model (great-circle × road circuity 1.25) at 25 km/h. One seed, PyVRP's default
iterated local search, 7 s of search; the time reported is the wall time of the whole
solve (model building included).

    python -m benchmarks community
"""

from __future__ import annotations

import random
import time

from baotong.network.entities import LonLat, NetworkParams, great_circle_km
from baotong.transport.engine import RoutingProblem, solve
from baotong.transport.problems import Place, Van, problem

DEPOT = (121.42, 31.22)  # lon, lat
KM_PER_DEG_LAT, KM_PER_DEG_LON = 111.2, 95.1  # at 31° N
SEARCH_S = 7.0


def ROAD_KM(a: LonLat, b: LonLat) -> float:  # noqa: N802  (``Network.road_km``, default params)
    return great_circle_km(a, b) * NetworkParams().road_circuity


def community(points: int = 300, vans: int = 25, seed: int = 7) -> RoutingProblem:
    rng = random.Random(seed)
    places = []
    for i in range(1, points + 1):
        dx, dy = rng.uniform(-10, 10), rng.uniform(-10, 10)  # km from the warehouse
        start = rng.choice([8, 9, 10, 11, 12]) * 3600
        places.append(Place(f"P{i:03d}", DEPOT[0] + dx / KM_PER_DEG_LON,
                            DEPOT[1] + dy / KM_PER_DEG_LAT, rng.randint(3, 12), start,
                            start + 7200, 600))  # fmt: skip
    return problem(DEPOT, places, [Van(f"van{i:02d}", 120) for i in range(vans)],
                   road_km=ROAD_KM, speed_kmh=25.0)  # fmt: skip


def main() -> None:
    case = community()
    started = time.perf_counter()
    solution = solve(case, time_limit_s=SEARCH_S, seed=1)
    took = time.perf_counter() - started
    verdict = "ok" if took <= 10 and solution.feasible and not solution.unassigned else "MISSED"
    print(f"community 300 points / 25 vans: cost {solution.distance_m / 1000:,.1f} km on "
          f"{len(solution.routes)} routes, feasible {solution.feasible}, "
          f"{len(solution.unassigned)} unassigned, {took:.1f} s wall ({solution.seconds:.1f} s "
          f"search) — target ≤ 10 s: {verdict}")  # fmt: skip
