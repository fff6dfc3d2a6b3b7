"""Coarser sort depths: a station short of chutes at the depth asked gets a coarser one."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest
from tests.engines.conftest import CenterSpec, ProvinceSpec, make_network
from tests.engines.test_planner import check_invariants, scenario

from baotong.contingency.assess import is_feasible, score
from baotong.contingency.engine import plan
from baotong.contingency.heuristic import fit_depths, heuristic
from baotong.contingency.planning import solve
from baotong.contingency.scenario import Scenario
from baotong.contingency.zoning import Area, Candidate, Problem, Zone, build_problem
from baotong.network.entities import Network


def short_of_chutes(free: int) -> Network:
    """Province 41's 6 stations (2 grids × 3 segments each) and two backups with few chutes."""
    provinces = [
        ProvinceSpec("41", "豫", (113.0, 34.0)),
        ProvinceSpec("42", "鄂", (114.0, 34.0), counties=1),
        ProvinceSpec("61", "陕", (112.0, 34.0), counties=1),
    ]
    centers = [
        CenterSpec("HN", "41", (113.3, 34.1)),
        CenterSpec("HB", "42", (113.8, 34.0), chutes=50 + free),
        CenterSpec("SX", "61", (112.3, 34.0), chutes=50 + free),
    ]
    return make_network(provinces, centers)


def city(depth: str) -> Scenario:
    base = scenario(max_road_hours=5).model_dump()
    return Scenario.model_validate(
        {**base, "locked_areas": [{"region": "410000", "level": "city", "depth": depth}]}
    )


def test_stations_get_a_coarser_depth_rather_than_no_backup() -> None:
    network = short_of_chutes(free=10)  # 20 free chutes; 36 segments, 12 grids
    sc = city("segment")
    result = plan(network, sc)
    check_invariants(network, sc, result)
    document = result.document()
    assert not document.unserved.zones
    depths = Counter(a.sort_depth for a in document.assignments)
    assert depths["grid"] + depths["station"] > 0  # some had to go coarser
    assert sum(b.chutes_used for b in document.backups) <= 20
    for a in document.assignments:  # each coarser one says what was asked and why
        if a.sort_depth == "segment":
            assert (a.asked_depth, a.depth_reason) == (None, None)
        else:
            assert a.asked_depth == "segment"
            assert a.depth_reason is not None
            assert a.depth_reason.startswith("at segment depth it needs 6 chutes")  # 2 × 3
            assert f"at {a.sort_depth} depth it needs {a.chutes} " in a.depth_reason


def test_the_depth_asked_is_kept_when_it_fits() -> None:
    network = short_of_chutes(free=40)
    result = plan(network, city("segment"))
    assert {a.sort_depth for a in result.document().assignments} == {"segment"}
    assert {a.asked_depth for a in result.document().assignments} == {None}


def test_a_station_too_big_for_any_depth_stays_unserved_at_the_depth_asked() -> None:
    network = short_of_chutes(free=0)
    result = plan(network, city("grid"))
    unserved = result.document().unserved.zones
    assert len(unserved) == 6
    assert {z.chutes for z in unserved} == {2}  # grid chutes, as asked


def two_stations(free_chutes: int) -> Problem:
    """Two stations of 1,000 items/day (6 segments, 2 grids each), one backup 100 km away."""
    zones = [
        Zone(f"S{i}", "segment", f"站{i}", 0, "410101", "410100", f"S{i}", (113.0, 34.0),
             1000.0, 1000.0, 6, "HOME", (("grid", 2), ("station", 1)))
        for i in (1, 2)
    ]  # fmt: skip
    backup = Candidate("B", "备份", "42", (114.0, 34.0), 10_000.0, 0.0, 0.0, 0, free_chutes,
                       20_000.0)  # fmt: skip
    km = np.full((2, 1), 100.0)
    return Problem(
        areas=[Area(0, "410100", "郑州", "city", "segment")], zones=zones, candidates=[backup],
        km=km, hours=km / 60, extra_hours=np.zeros((2, 1)), cost=1000.0 * 0.002 * km,
        allowed=np.ones((2, 1), dtype=bool), unserved_cost=np.full(2, 50_000.0),
        held_by_class={}, rerouted_by_class={}, weights=(0.002, 0.05), max_backups=None,
        hand_sort_item=1.0,
    )  # fmt: skip


def test_a_served_station_is_sorted_coarser_so_that_another_is_served() -> None:
    # At segment depth one station takes all 6 free chutes and the other stays unserved
    # (50,000 CNY/day); both at grid take 4 chutes and cost 2 × 1,000 items × 1 CNY of hand
    # sorting: 20,000 opening + 2 × 200 transport + 2,000 = 22,400 CNY/day.
    problem = two_stations(free_chutes=6)
    res = solve(problem, np.full(2, -1, dtype=np.int64), time_limit_s=5, mip_rel_gap=0.0)
    for assign, levels in ((res.assign, res.levels), heuristic(problem)):
        assert assign.tolist() == [0, 0]
        assert levels is not None
        assert levels.tolist() == [1, 1]  # both at grid depth
        sc = score(problem, assign, levels)
        assert sc.hand_sort == pytest.approx(2_000.0)
        assert sc.total == pytest.approx(22_400.0)
        assert is_feasible(sc)
    assert res.objective == pytest.approx(22_400.0)  # the scorer agrees with the optimiser
    assert score(problem, np.array([0, 0]), np.array([0, 0])).violations[0].kind == "chutes"


def test_the_scorer_prices_a_plan_at_the_depths_it_chose() -> None:
    problem = two_stations(free_chutes=6)
    coarse = problem.at_depths(np.array([1, 2]))  # grid and station: 1 + 2 steps by hand
    assert [z.chutes for z in coarse.zones] == [2, 1]
    assert [z.asked for z in coarse.zones] == [("segment", 6), ("segment", 6)]
    assign = np.array([0, 0])
    assert score(coarse, assign).total == pytest.approx(
        score(problem, assign, np.array([1, 2])).total
    )
    assert score(coarse, assign).hand_sort == pytest.approx(3_000.0)


def test_the_depth_asked_is_kept_when_the_chutes_suffice() -> None:
    problem = two_stations(free_chutes=12)
    res = solve(problem, np.full(2, -1, dtype=np.int64), time_limit_s=5, mip_rel_gap=0.0)
    assert res.assign.tolist() == [0, 0]
    assert res.levels is not None
    assert res.levels.tolist() == [0, 0]
    assert heuristic(problem)[1].tolist() == [0, 0]
    assert res.objective == pytest.approx(20_400.0)


def test_the_plan_says_per_station_the_depth_asked_and_why_it_got_a_coarser_one() -> None:
    # 6 stations need 36 segment chutes; with 22 free the optimiser coarsens the fewest
    network = short_of_chutes(free=11)
    result = plan(network, city("segment"))
    document = result.document()
    assert not document.unserved.zones
    coarse = [a for a in document.assignments if a.asked_depth is not None]
    assert coarse
    assert sum(a.chutes for a in document.assignments) <= 22
    assert all(a.depth_reason and f"its backup {a.backup}" in a.depth_reason for a in coarse)
    assert document.cost.hand_sort == pytest.approx(
        sum(a.volume * (2 if a.sort_depth == "station" else 1) for a in coarse), rel=1e-3
    )
    assert score(result.problem, result.assign).total == pytest.approx(result.objective)


def province(network: Network) -> Scenario:
    base = scenario(max_road_hours=5).model_dump()
    return Scenario.model_validate(
        {**base, "locked_areas": [{"region": "410000", "level": "province"}]}
    )


def test_a_county_can_be_sorted_without_its_high_volume_station_chutes() -> None:
    network = short_of_chutes(free=40)
    problem = build_problem(network, province(network))
    assert all(z.coarser == (("county", 1),) for z in problem.zones if z.chutes > 1)
    asked = sum(z.chutes for z in problem.zones)
    assert (len(problem.zones), asked) == (3, 9)  # 3 counties, each with 2 stations
    tight = short_of_chutes(free=2)  # 4 chutes in all: one per county, not 3
    result = plan(tight, province(tight))
    document = result.document()
    assert not document.unserved.zones
    assert {(a.sort_depth, a.asked_depth, a.chutes) for a in document.assignments} == {
        ("county", "county", 1)
    }
    assert all(a.depth_reason is not None and "high-volume station depth it needs" in
               a.depth_reason for a in document.assignments)  # fmt: skip
    assert asked > len(problem.zones)


def test_a_human_plan_is_sorted_coarser_where_its_backup_lacks_chutes() -> None:
    problem = two_stations(free_chutes=6)
    assign = np.array([0, 0])  # both stations to the one backup, as a planner would
    levels = fit_depths(problem, assign)
    assert levels.tolist() == [1, 1]  # 250 CNY per chute freed at grid, 400 at station
    sc = score(problem, assign, levels)
    assert is_feasible(sc)
    assert sc.total == pytest.approx(22_400.0)  # what the optimiser found
    assert fit_depths(two_stations(free_chutes=12), assign).tolist() == [0, 0]
