"""A route plan as a routing problem: road distances and times from the network's
distance model, the stops' windows and service times, one vehicle kind per vehicle."""

from __future__ import annotations

import pytest

from baotong.core.exceptions import ValidationError
from baotong.network.entities import LonLat, great_circle_km
from baotong.transport.engine import solve
from baotong.transport.problems import Place, Van, problem, seconds

DEPOT = (121.42, 31.22)


def road_km(a: LonLat, b: LonLat) -> float:  # ``Network.road_km`` at the default circuity
    return great_circle_km(a, b) * 1.25


def test_distances_are_the_networks_road_distances_at_the_plans_speed() -> None:
    stop = Place("A", 121.52, 31.22, 10, seconds("08:00", field="ready"),
                 seconds("10:30", field="due"), 300)  # fmt: skip
    built = problem(DEPOT, [stop], [Van("7", 50)], road_km=road_km, speed_kmh=30.0)
    km = great_circle_km(DEPOT, (121.52, 31.22)) * 1.25
    assert built.distance_m[0][1] == round(km * 1000)
    assert built.duration_s[0][1] == round(km / 30.0 * 3600)
    assert (built.stops[0].ready, built.stops[0].due, built.stops[0].service) == (
        8 * 3600, 10 * 3600 + 1800, 300)  # fmt: skip
    assert [(v.name, v.capacity, v.count) for v in built.vehicles] == [("7", 50, 1)]


def test_each_vehicle_is_a_kind_of_its_own_and_the_small_one_takes_what_fits() -> None:
    places = [Place(f"P{i}", DEPOT[0] + 0.01 * i, DEPOT[1], 30, 0, 86_400, 0)
              for i in range(1, 4)]  # fmt: skip
    solution = solve(problem(DEPOT, places, [Van("big", 60), Van("small", 30)], road_km=road_km,
                             speed_kmh=30.0), time_limit_s=0.5)  # fmt: skip
    assert solution.feasible
    assert sorted((r.vehicle, r.load) for r in solution.routes) == [("big", 60), ("small", 30)]


@pytest.mark.parametrize("text", ["8h", "25:00", "08:61", ""])
def test_a_time_that_is_not_a_time_of_day_is_refused(text: str) -> None:
    with pytest.raises(ValidationError) as refused:
        seconds(text, field="stops.0.ready")
    assert refused.value.data["field"] == "stops.0.ready"


def test_a_plan_without_vehicles_is_refused() -> None:
    with pytest.raises(ValidationError) as refused:
        problem(DEPOT, [], [], road_km=road_km, speed_kmh=30.0)
    assert refused.value.code == "routing.no_vehicle"
