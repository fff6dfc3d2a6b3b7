"""The warm-start heuristic and the plan's time budget: incremental costs, deadlines."""

from __future__ import annotations

import random
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.engines.conftest import random_network
from tests.engines.test_planner import check_invariants, scenario

from baotong.contingency.assess import is_feasible, score
from baotong.contingency.engine import TimeBudget, plan
from baotong.contingency.heuristic import (
    _exchanges,
    _openings,
    _State,
    _worth_moving,
    greedy,
    heuristic,
    local_search,
)
from baotong.contingency.planning import solve
from baotong.contingency.zoning import Area, Candidate, Problem, Zone, build_problem


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 10_000))
def test_incremental_total_matches_a_full_score(seed: int) -> None:
    problem = build_problem(random_network(seed), scenario())
    state = _State(problem, *greedy(problem))
    rng = random.Random(seed)
    for _ in range(60):
        z = rng.randrange(len(problem.zones))
        options = [-1, *np.nonzero(problem.allowed[z])[0].tolist()]
        levels = np.nonzero(problem.depth_chutes[z] >= 0)[0].tolist()
        state.move(z, rng.choice(options), rng.choice(levels))
        sc = score(problem, state.assign, state.levels)
        over_capacity = any(v.kind == "capacity" for v in sc.violations)
        if over_capacity:
            assert state.total() is None
        else:
            assert state.total() == pytest.approx(sc.total, rel=1e-9)


def test_a_passed_deadline_leaves_the_greedy_plan() -> None:
    problem = build_problem(random_network(7), scenario())
    assert np.array_equal(heuristic(problem, deadline=0.0)[0], greedy(problem)[0])
    searched = local_search(problem, greedy(problem), deadline=0.0)
    assert np.array_equal(searched[0], greedy(problem)[0])
    assert np.array_equal(searched[1], greedy(problem)[1])


def test_local_search_never_makes_the_greedy_plan_worse() -> None:
    problem = build_problem(random_network(11), scenario())
    start = greedy(problem)
    better = local_search(problem, start)
    assert is_feasible(score(problem, *better))
    assert score(problem, *better).total <= score(problem, *start).total + 1e-6


def test_a_plan_without_local_search_is_still_complete() -> None:
    network = random_network(5)
    sc = scenario()
    result = plan(network, sc, budget=TimeBudget(heuristic_share=0.0))
    check_invariants(network, sc, result)


def test_the_solver_gets_what_the_heuristic_left() -> None:
    budget = TimeBudget(heuristic_share=0.1, heuristic_max_s=1.0)
    assert budget.heuristic_s(5.0) == pytest.approx(0.5)
    assert budget.heuristic_s(60.0) == pytest.approx(1.0)
    assert budget.assembly_s(1000, 60.0) == pytest.approx(1.1)
    assert budget.assembly_s(1000, 1.0) == pytest.approx(0.25)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("heuristic_share", 1.5, '"heuristic_share" must be within [0, 1].'),
        ("heuristic_max_s", -1.0, '"heuristic_max_s" must be >= 0.'),
        ("assembly_per_zone_s", -0.1, '"assembly_per_zone_s" must be >= 0.'),
    ],
)
def test_time_budget_refuses_bad_values(field: str, value: float, message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("[", r"\[").replace("]", r"\]")):
        TimeBudget(**{field: value})


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 10_000))
def test_the_screen_of_single_moves_keeps_every_move_that_pays(seed: int) -> None:
    problem = build_problem(random_network(seed), scenario())
    state = _State(problem, *greedy(problem))
    rng = random.Random(seed)
    for _ in range(40):
        z = rng.randrange(len(problem.zones))
        kept = set(_worth_moving(state, z).tolist())
        for c in np.nonzero(problem.allowed[z])[0].tolist():
            delta = state.move_delta(z, c)
            if delta is not None and delta < -1e-6:
                assert c in kept
        options = [-1, *np.nonzero(problem.allowed[z])[0].tolist()]
        target = rng.choice(options)
        if target < 0 or state.move_delta(z, target) is not None:
            state.move(z, target)


@pytest.mark.parametrize("seed", [3, 11, 29, 47])
def test_local_search_ends_where_no_opening_or_exchange_pays(seed: int) -> None:
    problem = build_problem(random_network(seed), scenario())
    state = _State(problem, *heuristic(problem))
    before = state.assign.copy(), state.levels.copy(), state.total()
    assert not _openings(state, None)
    assert not _exchanges(state, None)
    assert np.array_equal(state.assign, before[0])
    assert np.array_equal(state.levels, before[1])
    assert state.total() == pytest.approx(before[2])


def four_zones() -> Problem:
    """Four stations and two backups of 20,000 CNY/day: A takes each for 1,000 CNY/day, B
    takes the big one (S0, biggest, so the greedy plan places it first) for 1,500 and the
    others for 100."""
    zones = [
        Zone(f"S{i}", "segment", f"站{i}", 0, "410101", "410100", f"S{i}", (113.0, 34.0),
             1000.0, 2000.0 if i == 0 else 1000.0, 1, "HOME", ())
        for i in range(4)
    ]  # fmt: skip
    backups = [Candidate(name, name, "42", (114.0, 34.0), 10_000.0, 0.0, 0.0, 0, 10, 20_000.0)
               for name in ("A", "B")]  # fmt: skip
    cost = np.array([[1000.0, 1500.0]] + [[1000.0, 100.0]] * 3)
    return Problem(
        areas=[Area(0, "410100", "郑州", "city", "segment")], zones=zones, candidates=backups,
        km=cost / 2, hours=cost / 1000, extra_hours=np.zeros((4, 2)), cost=cost,
        allowed=np.ones((4, 2), dtype=bool), unserved_cost=np.full(4, 50_000.0),
        held_by_class={}, rerouted_by_class={}, weights=(0.002, 0.05), max_backups=None,
    )  # fmt: skip


def test_an_opening_draws_the_zones_that_gain_and_closes_the_backup_it_empties() -> None:
    # The greedy plan puts everything on A (20,000 + 4 × 1,000); no single move pays (B's
    # opening), and opening B for the three small stations alone costs more (41,300) until
    # A, left with S0, closes too: 20,000 + 1,500 + 3 × 100 = 21,800 CNY/day.
    problem = four_zones()
    assert greedy(problem)[0].tolist() == [0, 0, 0, 0]
    assert score(problem, *greedy(problem)).total == pytest.approx(24_000.0)
    assign, levels = heuristic(problem)
    assert assign.tolist() == [1, 1, 1, 1]
    assert score(problem, assign, levels).total == pytest.approx(21_800.0)
    res = solve(problem, greedy(problem)[0], time_limit_s=5, mip_rel_gap=0.0)
    assert res.objective == pytest.approx(21_800.0)  # the optimum


def test_without_candidates_every_zone_stays_unserved() -> None:
    full = four_zones()
    problem = replace(full, candidates=[], km=full.km[:, :0], hours=full.hours[:, :0],
                      extra_hours=full.extra_hours[:, :0], cost=full.cost[:, :0],
                      allowed=full.allowed[:, :0])  # fmt: skip
    assign, _ = heuristic(problem)
    assert assign.tolist() == [-1, -1, -1, -1]
