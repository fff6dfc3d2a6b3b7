"""The routing engine: hand-checkable cases, refusals that name the field, and the
benchmark instances read with their best-known solutions."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from baotong.cli.main import app
from baotong.core.exceptions import ValidationError
from baotong.transport.engine import RoutingProblem, Stop, VehicleKind, gap, solve, solve_data
from baotong.transport.vrplib import read

DATA = Path(__file__).parent / "data"


def line(n: int, *, vehicles: int = 3, capacity: int = 10, demand: int = 4) -> RoutingProblem:
    """A depot at 0 and stops at 1..n km along a road, 1 km = 60 s."""
    km = [[abs(a - b) for b in range(n + 1)] for a in range(n + 1)]
    return RoutingProblem(
        depots=(0,),
        stops=tuple(Stop(f"S{i}", i, demand) for i in range(1, n + 1)),
        vehicles=(VehicleKind("van", 0, vehicles, capacity),),
        distance_m=tuple(tuple(d * 1000 for d in row) for row in km),
        duration_s=tuple(tuple(d * 60 for d in row) for row in km),
    )


def test_stops_along_a_line_are_served_by_full_vans_out_and_back() -> None:
    solution = solve(line(4), time_limit_s=0.5)
    assert solution.feasible
    assert solution.unassigned == ()
    assert sorted(sorted(r.stops) for r in solution.routes) == [["S1", "S2"], ["S3", "S4"]]
    assert solution.distance_m == 2 * 2000 + 2 * 4000  # each van out to its farthest and back
    assert all(r.load == 8 for r in solution.routes)


def test_time_windows_and_service_times_are_kept() -> None:
    base = line(3, vehicles=1, capacity=100)
    stops = (Stop("S1", 1, 1, ready=0, due=10_000, service=300),
             Stop("S2", 2, 1, ready=3_000, due=3_600, service=300),
             Stop("S3", 3, 1, ready=0, due=600, service=300))  # fmt: skip
    problem = RoutingProblem(base.depots, stops, base.vehicles, base.distance_m, base.duration_s)
    solution = solve(problem, time_limit_s=0.5)
    assert solution.feasible
    [route] = solution.routes
    windows = {s.id: (s.ready, s.due) for s in stops}
    for stop, arrival in zip(route.stops, route.arrivals, strict=True):
        ready, due = windows[stop]
        assert ready <= arrival <= due
    assert route.stops[-1] == "S2"  # it opens at 3,000 s: the van waits for it last


def test_several_depots_send_their_own_vans() -> None:
    km = [[abs(a - b) for b in range(6)] for a in range(6)]  # depots at 0 and 5
    problem = RoutingProblem(
        depots=(0, 5),
        stops=(Stop("near0", 1, 5), Stop("near5", 4, 5)),
        vehicles=(VehicleKind("west", 0, 1, 5), VehicleKind("east", 5, 1, 5)),
        distance_m=tuple(tuple(d * 1000 for d in row) for row in km),
        duration_s=tuple(tuple(d * 60 for d in row) for row in km),
    )
    solution = solve(problem, time_limit_s=0.5)
    assert {(r.vehicle, r.stops) for r in solution.routes} == {("west", ("near0",)),
                                                               ("east", ("near5",))}  # fmt: skip
    assert solution.distance_m == 4000


def test_the_same_seed_gives_the_same_routes() -> None:
    problem = line(12, vehicles=6, capacity=9, demand=3)
    assert (
        solve(problem, time_limit_s=0.3, seed=4).routes
        == solve(problem, time_limit_s=0.3, seed=4).routes
    )


def test_a_stop_bigger_than_every_vehicle_is_refused_naming_it() -> None:
    with pytest.raises(ValidationError) as refused:
        line(2, capacity=10, demand=11)
    assert refused.value.data["field"] == "stops.S1.demand"
    assert refused.value.code == "routing.stop_too_big"
    with pytest.raises(ValidationError):
        RoutingProblem((0,), (), (VehicleKind("van", 0, 1, 1),), ((0, 1),), ((0,),))


def test_benchmark_instances_are_read_with_their_best_known_cost() -> None:
    cvrp = read(DATA / "X-n101-k25.vrp")
    assert (cvrp.data.num_clients, cvrp.scale, cvrp.best_known) == (100, 1, 27591.0)
    assert not cvrp.time_windows
    vrptw = read(DATA / "C101.txt")
    assert (vrptw.data.num_clients, vrptw.scale, vrptw.best_known) == (100, 10, 827.3)
    result, _ = solve_data(vrptw.data, time_limit_s=1.0)
    assert result.best.is_feasible()  # type: ignore[attr-defined]
    assert gap(result.cost() / vrptw.scale, 827.3) < 0.05  # type: ignore[attr-defined]
    assert gap(27591.0, 27591.0) == 0.0


def test_the_cli_solves_an_instance_and_refuses_a_bad_file_in_one_line(tmp_path: Path) -> None:
    runner = CliRunner()
    done = runner.invoke(app, ["transport", "solve-vrplib", str(DATA / "X-n101-k25.vrp"),
                               "--time-limit", "1"])  # fmt: skip
    assert done.exit_code == 0, done.output
    assert "X-n101-k25 (CVRP, 100 clients): cost" in done.output
    assert "best known 27,591.0, gap" in done.output
    bad = tmp_path / "broken.vrp"
    bad.write_text("NAME : broken\nthis is not an instance\n")
    refused = runner.invoke(app, ["transport", "solve-vrplib", str(bad)])
    assert refused.exit_code == 2
    assert "broken.vrp" in refused.output
    assert "Traceback" not in refused.output
    assert len(refused.output.strip().splitlines()) == 1
