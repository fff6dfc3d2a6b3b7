"""The planner on small synthetic networks: optimum by hand, invariants, infeasibility."""

from __future__ import annotations

import itertools
import time
from pathlib import Path
from typing import Any

import highspy
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.engines.conftest import random_network

from baotong.contingency import planning
from baotong.contingency.assess import is_feasible, score
from baotong.contingency.engine import compare, plan
from baotong.contingency.heuristic import greedy, heuristic
from baotong.contingency.planning import export_model, relative_gap, solve
from baotong.contingency.result import Plan
from baotong.contingency.scenario import Scenario
from baotong.contingency.zoning import Area, Candidate, Problem, Zone, build_problem
from baotong.core.exceptions import ValidationError
from baotong.network.entities import Network


def scenario(**options: Any) -> Scenario:
    return Scenario.model_validate({
        "name": "test", "locked_areas": [{"region": "410000"}],
        "product_classes": {"ems": 0.8, "supply": 1.5},
        "options": {"time_limit_s": 5, "mip_rel_gap": 0.0, "min_automation": None, **options},
    })  # fmt: skip


def brute_force(problem: Problem) -> float:
    """Cheapest feasible assignment by enumeration (tiny problems only)."""
    nz, nc = len(problem.zones), len(problem.candidates)
    best = float("inf")
    for combo in itertools.product(range(-1, nc), repeat=nz):
        assign = np.array(combo, dtype=np.int64)
        opened = len({c for c in combo if c >= 0})
        if problem.max_backups is not None and opened > problem.max_backups:
            continue
        sc = score(problem, assign)
        if is_feasible(sc):
            best = min(best, sc.total)
    return best


def check_invariants(network: Network, sc: Scenario, result: Plan) -> None:
    data = result.document()
    zone_ids = [z.zone_id for z in result.problem.zones]
    covered = [a.zone_id for a in data.assignments]
    unserved = [u.zone_id for u in data.unserved.zones]
    assert sorted(covered + unserved) == sorted(zone_ids)  # each zone exactly once
    assert len(set(covered)) == len(covered)
    closed = {c.center_id for c in sc.closed_sites if c.status == "closed"}
    for b in data.backups:
        assert b.load <= b.capacity + 1e-6
        assert b.chutes_used <= b.chutes_free
        center = network.centers[b.center_id]
        assert b.center_id not in closed
        for area in result.problem.areas:  # no backup inside any locked area
            locked = area.center_id is None  # a closed site's catchment locks nothing
            assert not (locked and network.contains(area.code, center.prefecture_code))
    for a in data.assignments:
        assert a.hours <= sc.options.max_road_hours + 1e-6
    assert data.bound <= data.objective + 1e-6
    assert data.gap == pytest.approx(relative_gap(data.objective, data.bound), abs=1e-6)
    assert data.objective == pytest.approx(data.cost.total, abs=0.05)
    if unserved:
        assert data.status == "infeasible"
        assert data.unserved.message
    else:
        assert data.status in ("optimal", "feasible")


def test_three_centre_optimum_matches_enumeration(three_centre_network: Network) -> None:
    sc = scenario()
    result = plan(three_centre_network, sc)
    assert result.status == "optimal"
    assert result.objective == pytest.approx(brute_force(result.problem), rel=1e-9)
    assert result.gap == pytest.approx(0.0, abs=1e-9)


def test_three_centre_by_hand(three_centre_network: Network) -> None:
    # Each county: 30 000 × (0.8 + 1.5) / 3 = 23 000 items/day, load 23 000 × 0.76 = 17 480;
    # three of them (52 440) exceed HB's 50 000 spare, so one surge shift (5 000 CNY) is
    # cheaper than opening SX as well (20 000 CNY plus longer runs).
    problem = build_problem(three_centre_network, scenario())
    assert [z.volume for z in problem.zones] == pytest.approx([23_000.0] * 3)
    assert [z.load for z in problem.zones] == pytest.approx([17_480.0] * 3)
    assert [z.chutes for z in problem.zones] == [3, 3, 3]  # county + 2 high-volume stations
    result = plan(three_centre_network, scenario())
    backups = result.document().backups
    assert [(b.center_id, b.surge_shifts, len(b.zones)) for b in backups] == [("HB", 1, 3)]


def test_closed_site_is_never_a_backup(three_centre_network: Network) -> None:
    sc = Scenario.model_validate({**scenario().model_dump(), "closed_sites": [
        {"center_id": "HB", "status": "closed", "reason": "flooded"}]})  # fmt: skip
    result = plan(three_centre_network, sc)
    assert {b.center_id for b in result.document().backups} == {"SX"}
    check_invariants(three_centre_network, sc, result)


def test_limited_site_counts_with_its_share(three_centre_network: Network) -> None:
    limited = {"closed_sites": [{"center_id": "HB", "status": "limited", "capacity_share": 0.6,
                                 "reason": "half the staff in quarantine"}]}  # fmt: skip
    sc = Scenario.model_validate({**scenario().model_dump(), **limited})
    hb = next(c for c in build_problem(three_centre_network, sc).candidates if c.center_id == "HB")
    assert hb.capacity == pytest.approx(100_000 * 0.6 - 50_000)
    assert hb.free_chutes == 30  # floor(50 free × 0.6)
    check_invariants(three_centre_network, sc, plan(three_centre_network, sc))


def test_unknown_closed_site_is_named(three_centre_network: Network) -> None:
    sc = Scenario.model_validate({**scenario().model_dump(), "closed_sites": [
        {"center_id": "XX", "reason": "fire"}]})  # fmt: skip
    with pytest.raises(ValidationError) as err:
        plan(three_centre_network, sc)
    assert str(err.value) == "field 'closed_sites.0.center_id': no processing centre has id 'XX'."


def test_overlapping_areas_are_refused(three_centre_network: Network) -> None:
    sc = Scenario.model_validate({**scenario().model_dump(), "locked_areas": [
        {"region": "410000"}, {"region": "410101", "level": "city"}]})  # fmt: skip
    with pytest.raises(ValidationError, match="field 'locked_areas.1.region'.*overlaps"):
        plan(three_centre_network, sc)


def test_infeasible_scenario_is_explained(three_centre_network: Network) -> None:
    # One backup allowed and no surge shifts: HB's 50 000 spare holds two counties of 17 480.
    sc = scenario(max_backups=1, surge_shifts=False)
    result = plan(three_centre_network, sc)
    data = result.document()
    assert data.status == "infeasible"
    assert len(data.unserved.zones) == 1
    assert data.unserved.missing_capacity == pytest.approx(17_480 - (50_000 - 2 * 17_480))
    assert "cannot be covered" in data.unserved.message
    check_invariants(three_centre_network, sc, result)


def test_out_of_reach_zones_are_explained(three_centre_network: Network) -> None:
    result = plan(three_centre_network, scenario(max_road_hours=0.5))
    data = result.document()
    assert data.assignments == []
    problem = result.problem
    for u in data.unserved.zones:
        z = next(k for k, zone in enumerate(problem.zones) if zone.zone_id == u.zone_id)
        nearest = float(problem.hours[z].min())  # no airports in this network: road only
        assert nearest > 0.5
        assert u.reason == (
            f"no candidate centre within the road-time limit; the nearest is {nearest:.1f} h "
            "away by road"
        )


def test_chutes_limit_is_respected() -> None:
    network = random_network(11)
    result = plan(network, scenario())
    for b in result.document().backups:
        assert b.chutes_used <= b.chutes_free


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), max_backups=st.sampled_from([None, 1, 2]),
       surge=st.booleans())  # fmt: skip
def test_random_scenarios_keep_invariants(seed: int, max_backups: int | None, surge: bool) -> None:
    network = random_network(seed)
    sc = scenario(max_backups=max_backups, surge_shifts=surge)
    result = plan(network, sc)
    check_invariants(network, sc, result)
    if len(result.problem.zones) <= 4 and len(result.problem.candidates) <= 5:
        best = brute_force(result.problem)
        if np.isfinite(best):
            assert result.objective <= best + 1e-6


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), depth=st.sampled_from(["station", "grid", "segment"]),
       second_area=st.booleans())  # fmt: skip
def test_random_city_level_scenarios_keep_invariants(
    seed: int, depth: str, second_area: bool
) -> None:
    network = random_network(seed)
    areas: list[dict[str, Any]] = [{"region": "410000", "level": "city", "depth": depth}]
    if second_area:  # a neighbour locked at the same time, province level
        areas.append({"region": "500000", "level": "province"})
    sc = Scenario.model_validate({**scenario().model_dump(), "locked_areas": areas})
    result = plan(network, sc)
    check_invariants(network, sc, result)
    order = ["segment", "grid", "station"]
    for a in result.document().assignments:
        if a.area_code == "410000":
            station = network.stations[a.station_id]
            # the depth asked, or a coarser one for a station that would be unserved
            assert order.index(a.zone_kind) >= order.index(depth)
            chutes = {"station": 1, "grid": station.grids, "segment": station.segments}
            assert a.chutes == chutes[a.zone_kind]


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 10_000))
def test_heuristic_plans_are_feasible_and_no_better_than_the_optimum(seed: int) -> None:
    problem = build_problem(random_network(seed), scenario())
    start, levels = heuristic(problem)
    assert is_feasible(score(problem, start, levels))
    assert score(problem, start, levels).total <= score(problem, *greedy(problem)).total + 1e-6
    res = solve(problem, start, start_levels=levels, time_limit_s=5, mip_rel_gap=0.0)
    assert res.objective <= score(problem, start, levels).total + 1e-6
    assert res.bound <= res.objective + 1e-6


def test_cancel_returns_the_heuristic_plan(three_centre_network: Network) -> None:
    result = plan(three_centre_network, scenario(), should_cancel=lambda: True)
    assert result.solver_status == "cancelled"
    assert result.status == "feasible"
    assert result.objective == pytest.approx(result.heuristic_objective)


def test_time_limit_gives_a_feasible_plan_with_a_consistent_gap() -> None:
    network = random_network(24)
    sc = scenario(time_limit_s=1e-9)
    result = plan(network, sc)
    assert result.solver_status == "time_limit"
    assert result.status in ("feasible", "infeasible")
    assert result.objective <= result.heuristic_objective + 1e-6
    check_invariants(network, sc, result)


def test_progress_is_reported_to_completion(three_centre_network: Network) -> None:
    seen: list[float] = []
    plan(three_centre_network, scenario(), on_progress=lambda f, _m: seen.append(f))
    assert seen[0] == 0.0
    assert seen[-1] == 1.0
    assert seen == sorted(seen)


def test_exported_model_reads_back_with_the_same_optimum(
    three_centre_network: Network, tmp_path: Path
) -> None:
    sc = scenario()
    result = plan(three_centre_network, sc)
    mps, data = export_model(result.problem, tmp_path)
    assert data.exists()
    h = highspy.Highs()
    h.silent()
    h.readModel(str(mps))
    h.run()
    assert h.getModelStatus() == highspy.HighsModelStatus.kOptimal
    assert h.getInfo().objective_function_value == pytest.approx(result.objective, rel=1e-9)


def test_compare_lists_moved_zones(three_centre_network: Network) -> None:
    a = plan(three_centre_network, scenario()).document()
    closed = {"closed_sites": [{"center_id": "HB", "reason": "flooded"}]}
    b = plan(three_centre_network, Scenario.model_validate({**scenario().model_dump(), **closed}))
    diff = compare(a, b.document())
    assert diff.backups_added == ["SX"]
    assert diff.backups_removed == ["HB"]
    assert len(diff.zones_moved) == 3


def two_zones_that_split() -> Problem:
    """Two stations of 6,000 items/day and two backups of 10,000 opening at 1,000 CNY/day:
    A takes each station for 100 CNY/day, B for 1,000. Whole stations: both open, one
    station each (3,100 CNY/day); split, A takes 10,000 items and B the 2,000 left (2,500)."""
    zones = [
        Zone(f"S{i}", "segment", f"站{i}", 0, "410101", "410100", f"S{i}", (113.0, 34.0),
             6000.0, 6000.0, 1, "HOME", ())
        for i in range(2)
    ]  # fmt: skip
    backups = [Candidate(name, name, "42", (114.0, 34.0), 10_000.0, 0.0, 0.0, 0, 10, 1_000.0)
               for name in ("A", "B")]  # fmt: skip
    cost = np.array([[100.0, 1000.0]] * 2)
    return Problem(
        areas=[Area(0, "410100", "郑州", "city", "segment")], zones=zones, candidates=backups,
        km=cost / 2, hours=cost / 1000, extra_hours=np.zeros((2, 2)), cost=cost,
        allowed=np.ones((2, 2), dtype=bool), unserved_cost=np.full(2, 50_000.0),
        held_by_class={}, rerouted_by_class={}, weights=(0.002, 0.05), max_backups=None,
    )  # fmt: skip


def spy_two_phase(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """What each call of ``planning._two_phase`` returned."""
    seen: list[Any] = []
    inner = planning._two_phase

    def spy(*args: Any) -> Any:
        seen.append(inner(*args))
        return seen[-1]

    monkeypatch.setattr(planning, "_two_phase", spy)
    return seen


def test_two_phases_prove_a_plan_without_the_whole_mip(monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.engines.test_heuristic import four_zones

    problem = four_zones()
    seen = spy_two_phase(monkeypatch)
    highs, whole = planning._Run.highs, []

    def count(run: Any, lp: Any, options: dict[str, Any], *rest: Any, **kwargs: Any) -> Any:
        whole.append("mip_heuristic_run_rens" in options)  # only the whole MIP sets it
        return highs(run, lp, options, *rest, **kwargs)

    monkeypatch.setattr(planning._Run, "highs", count)
    res = solve(problem, greedy(problem)[0], time_limit_s=5, mip_rel_gap=0.0)
    assert res.objective == pytest.approx(21_800.0)  # the optimum (see test_heuristic)
    assert res.bound == pytest.approx(21_800.0)
    assert res.solver_status == "optimal"
    assert seen[0] is not None
    assert seen[0][0].tolist() == [1, 1, 1, 1]
    assert whole == [False, False]  # phase one's bound proved phase two's plan


def test_when_splitting_pays_the_whole_mip_proves_the_plan(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    problem = two_zones_that_split()
    seen = spy_two_phase(monkeypatch)
    start = np.array([0, 1], dtype=np.int64)
    res = solve(problem, start, time_limit_s=5, mip_rel_gap=0.0)
    assert seen[0] is not None
    assert seen[0][2] == pytest.approx(2_500.0)  # phase one: the relaxation's bound
    assert res.objective == pytest.approx(3_100.0) == pytest.approx(brute_force(problem))
    assert res.bound == pytest.approx(3_100.0)  # the whole MIP's, not phase one's
    assert res.solver_status == "optimal"


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10_000))
def test_two_phases_find_the_plan_the_whole_mip_does(seed: int) -> None:
    problem = build_problem(random_network(seed), scenario())
    start, levels = heuristic(problem)
    both = solve(problem, start, start_levels=levels, time_limit_s=5, mip_rel_gap=0.001)
    saved = planning.TWO_PHASE_MAX_COLUMNS
    planning.TWO_PHASE_MAX_COLUMNS = 0
    try:
        whole = solve(problem, start, start_levels=levels, time_limit_s=5, mip_rel_gap=0.001)
    finally:
        planning.TWO_PHASE_MAX_COLUMNS = saved
    assert both.solver_status == whole.solver_status == "optimal"
    assert both.bound <= whole.objective + 1e-6
    assert whole.bound <= both.objective + 1e-6
    assert both.gap <= 0.001 + 1e-9


@pytest.mark.parametrize("failing", [None, 1, 2])  # none fails, phase one, phase two
def test_two_phases_give_the_model_back_as_it_was(
    failing: int | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Phase one makes the zones continuous and phase two fixes the backups: the model the
    whole MIP solves next must be the one built, also when a phase fails midway."""
    problem = two_zones_that_split()
    model = planning.build_model(problem)
    lp = model.lp
    built = (list(lp.integrality_), list(lp.col_lower_), list(lp.col_upper_))
    start = planning.start_vector(model, problem, np.array([0, 1], dtype=np.int64))
    highs, calls = planning._Run.highs, []

    def fails(self: planning._Run, *args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) == failing:
            raise RuntimeError("HiGHS stopped")
        return highs(self, *args, **kwargs)

    monkeypatch.setattr(planning._Run, "highs", fails)
    run = planning._Run(time.perf_counter() + 5, 5, 0.0, None, None)
    if failing is None:
        found = planning._two_phase(model, run, start)
        assert found is not None
        assert found[2] == pytest.approx(2_500.0)
    else:
        with pytest.raises(RuntimeError):
            planning._two_phase(model, run, start)
    assert (list(lp.integrality_), list(lp.col_lower_), list(lp.col_upper_)) == built
