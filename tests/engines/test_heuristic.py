"""The warm-start heuristic and the plan's time budget: incremental costs, deadlines."""

from __future__ import annotations

import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.engines.conftest import random_network
from tests.engines.test_planner import check_invariants, scenario

from baotong.contingency.assess import is_feasible, score
from baotong.contingency.engine import TimeBudget, plan
from baotong.contingency.heuristic import _State, greedy, heuristic, local_search
from baotong.contingency.zoning import build_problem


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
