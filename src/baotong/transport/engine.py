"""Vehicle routing on PyVRP: capacity, time windows, service times, several depots and
vehicle kinds, solved within a time limit with a fixed seed (the same input and seed give
the same routes).

A problem is plain data: depots and stops with their places, a distance matrix in metres
and a duration matrix in seconds over all places (depots first), and the vehicle kinds.
The service builds it from the network's distance model; the benchmarks from VRPLIB files.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

from pyvrp import Model, ProblemData
from pyvrp import solve as pyvrp_solve
from pyvrp.stop import MaxRuntime

from baotong.core.exceptions import ValidationError

UNLIMITED = 10**12


@dataclass(frozen=True, slots=True)
class Stop:
    """A place to deliver to: demand in packages, a time window and a service time (s)."""

    id: str
    place: int  # index into the matrices
    demand: int
    ready: int = 0
    due: int = UNLIMITED
    service: int = 0

    def __post_init__(self) -> None:
        if self.demand < 0:
            raise ValidationError("must be >= 0.", code="routing.bad_value",
                                  field=f"stops.{self.id}.demand", value=self.demand)  # fmt: skip
        if self.ready > self.due:
            raise ValidationError("opens after it closes.", code="routing.bad_value",
                                  field=f"stops.{self.id}.ready", value=self.ready)  # fmt: skip


@dataclass(frozen=True, slots=True)
class VehicleKind:
    """Vehicles of one kind based at one depot (a place index)."""

    name: str
    depot: int
    count: int
    capacity: int
    shift_seconds: int = UNLIMITED
    fixed_cost: int = 0


@dataclass(frozen=True, slots=True)
class RoutingProblem:
    depots: tuple[int, ...]
    stops: tuple[Stop, ...]
    vehicles: tuple[VehicleKind, ...]
    distance_m: tuple[tuple[int, ...], ...]
    duration_s: tuple[tuple[int, ...], ...]

    def __post_init__(self) -> None:
        size = len(self.distance_m)
        if len(self.duration_s) != size or any(len(r) != size for r in self.distance_m):
            raise ValidationError("must be square and of one size.", code="routing.bad_value",
                                  field="distance_m", value=size)  # fmt: skip
        places = [*self.depots, *(s.place for s in self.stops)]
        if any(not 0 <= p < size for p in places):
            raise ValidationError("names a place outside the matrices.",
                                  code="routing.bad_value", field="stops", value=size)  # fmt: skip
        if not self.vehicles or any(v.depot not in self.depots for v in self.vehicles):
            raise ValidationError("needs vehicles based at the depots.",
                                  code="routing.bad_value", field="vehicles",
                                  value=len(self.vehicles))  # fmt: skip
        biggest = max(v.capacity for v in self.vehicles)
        for s in self.stops:
            if s.demand > biggest:
                raise ValidationError(
                    f"needs {s.demand} packages; the largest vehicle carries {biggest}.",
                    code="routing.stop_too_big",
                    field=f"stops.{s.id}.demand",
                    value=s.demand,
                )


@dataclass(frozen=True, slots=True)
class Route:
    vehicle: str
    depot: int
    stops: tuple[str, ...]
    arrivals: tuple[int, ...]  # seconds, at each stop
    distance_m: int
    duration_s: int
    load: int


@dataclass(frozen=True, slots=True)
class RoutingSolution:
    routes: tuple[Route, ...]
    distance_m: int
    feasible: bool
    seconds: float
    unassigned: tuple[str, ...] = field(default=())


def solve_data(data: ProblemData, *, time_limit_s: float, seed: int = 1) -> tuple[object, float]:
    """PyVRP's iterated local search on ``data`` for ``time_limit_s``: (result, seconds)."""
    started = time.perf_counter()
    result = pyvrp_solve(data, stop=MaxRuntime(time_limit_s), seed=seed, display=False,
                         collect_stats=False)  # fmt: skip
    return result, time.perf_counter() - started


def model_of(problem: RoutingProblem) -> Model:
    model = Model()
    places = {}
    depots = {}
    for p in problem.depots:
        places[p] = model.add_location(x=0, y=0)
        depots[p] = model.add_depot(places[p])
    for s in problem.stops:
        if s.place not in places:
            places[s.place] = model.add_location(x=0, y=0)
        model.add_client(places[s.place], delivery=[s.demand], tw_early=s.ready, tw_late=s.due,
                         service_duration=s.service, name=s.id)  # fmt: skip
    for v in problem.vehicles:
        model.add_vehicle_type(num_available=v.count, capacity=[v.capacity],
                               start_depot=depots[v.depot], end_depot=depots[v.depot],
                               shift_duration=v.shift_seconds, fixed_cost=v.fixed_cost,
                               name=v.name)  # fmt: skip
    for a, la in places.items():
        for b, lb in places.items():
            model.add_edge(la, lb, distance=problem.distance_m[a][b],
                           duration=problem.duration_s[a][b])  # fmt: skip
    return model


def solve(problem: RoutingProblem, *, time_limit_s: float = 5.0, seed: int = 1) -> RoutingSolution:
    """The best routes found within ``time_limit_s``; infeasible ones are reported as such."""
    model = model_of(problem)
    data = model.data()
    result, seconds = solve_data(data, time_limit_s=time_limit_s, seed=seed)
    best = result.best  # type: ignore[attr-defined]
    routes = []
    for route in best.routes():
        kind = problem.vehicles[route.vehicle_type()]
        visits = [a for a in route.schedule() if a.is_client()]
        routes.append(Route(
            vehicle=kind.name, depot=kind.depot,
            stops=tuple(problem.stops[a.idx].id for a in visits),
            arrivals=tuple(int(a.start_time) for a in visits),
            distance_m=int(route.distance()), duration_s=int(route.duration()),
            load=int(sum(route.delivery())),
        ))  # fmt: skip
    served = {s for r in routes for s in r.stops}
    return RoutingSolution(
        routes=tuple(routes),
        distance_m=sum(r.distance_m for r in routes),
        feasible=bool(best.is_feasible()),
        seconds=round(seconds, 3),
        unassigned=tuple(s.id for s in problem.stops if s.id not in served),
    )


def gap(cost: float, best_known: float) -> float:
    """(cost − best known) / best known; NaN without a best known value."""
    return (cost - best_known) / best_known if best_known > 0 else math.nan
