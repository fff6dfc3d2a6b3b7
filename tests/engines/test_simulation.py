"""The backlog simulation: conservation, a hand-computed case, seeds and plans from the planner."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.engines.conftest import random_network
from tests.engines.test_planner import scenario

from baotong.contingency.engine import plan
from baotong.contingency.operations import plan_operations
from baotong.contingency.simulation import (
    Lane,
    SimulationParams,
    Site,
    assignment_from_plan,
    compare_runs,
    plan_lanes,
    simulate,
)
from baotong.contingency.simulation_report import simulation_dict, simulation_html


def test_a_short_backup_builds_backlog_by_hand() -> None:
    # 100 items/day arrive, the backup sorts 60 a day in one wave at noon, the van drives
    # 0 h and the station delivers at the next wave: day n has delivered 60 (n − 1) items
    # and 100 n − 60 (n − 1) are still waiting.
    result = simulate(
        [Site("A", 60.0)],
        [Lane("z", 0, 100.0)],
        SimulationParams(days=4, arrival_cv=0.0, sort_waves=1, delivery_share=10.0),
    )
    assert [d["delivered"] for d in result.days] == [0.0, 60.0, 120.0, 180.0]
    assert [d["backlog"] for d in result.days] == [100.0, 140.0, 180.0, 220.0]
    assert [d["overdue"] for d in result.days] == [0.0, 40.0, 80.0, 120.0]
    # day 1's 60 wait 36 h; day 2's wave takes day 1's other 40 (60 h) and 20 of day 2 (36 h)
    assert result.delays["mean_hours"] == pytest.approx(8880 / 180, abs=0.01)
    assert result.delays["p95_hours"] == 60.0
    assert result.clears_on_day is None


def test_enough_capacity_clears_on_the_first_day() -> None:
    result = simulate(
        [Site("A", 200.0)], [Lane("z", 0, 100.0, hours=2.0)], SimulationParams(days=5)
    )
    assert result.clears_on_day == 1
    assert result.held == 0.0


def test_mail_without_a_backup_is_held() -> None:
    result = simulate([], [Lane("z", None, 50.0)], SimulationParams(days=3, arrival_cv=0.0))
    assert result.held == pytest.approx(150.0)
    assert result.delivered == 0.0
    assert [d["backlog"] for d in result.days] == [50.0, 100.0, 150.0]


@settings(max_examples=30, deadline=None)
@given(
    capacity=st.floats(1.0, 500.0),
    volumes=st.lists(st.floats(0.0, 300.0), min_size=1, max_size=4),
    hours=st.floats(0.0, 30.0),
    seed=st.integers(0, 1000),
    cv=st.floats(0.0, 0.5),
)
def test_items_in_are_delivered_or_in_the_backlog(
    capacity: float, volumes: list[float], hours: float, seed: int, cv: float
) -> None:
    lanes = [
        Lane(f"z{i}", None if i == 3 else i % 2, v, hours, transport=v * 1.5)
        for i, v in enumerate(volumes)
    ]
    sites = [Site("A", capacity), Site("B", capacity / 2)]
    result = simulate(sites, lanes, SimulationParams(days=6, seed=seed, arrival_cv=cv))
    assert result.arrived == pytest.approx(result.delivered + result.backlog, abs=1e-6)
    for day in result.days:
        assert day["arrived"] == pytest.approx(day["delivered"] + day["backlog"], abs=0.2)
        assert day["overdue"] <= day["backlog"] + 0.1


def test_the_same_seed_gives_the_same_result() -> None:
    lanes = [Lane("a", 0, 100.0, 3.0), Lane("b", 0, 80.0, 5.0)]
    params = SimulationParams(days=5, seed=42, arrival_cv=0.3)
    first = simulate([Site("A", 170.0)], lanes, params).to_dict()
    assert simulate([Site("A", 170.0)], lanes, params).to_dict() == first
    other = SimulationParams(days=5, seed=43, arrival_cv=0.3)
    assert simulate([Site("A", 170.0)], lanes, other).to_dict() != first


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("days", 0, '"days" must be >= 1.'),
        ("arrival_cv", -0.1, '"arrival_cv" must be >= 0.'),
        ("sort_waves", 0, '"sort_waves" must be >= 1.'),
        ("delivery_share", 0.0, '"delivery_share" must be > 0.'),
        ("clear_share", -1.0, '"clear_share" must be >= 0.'),
    ],
)
def test_params_refuse_bad_values(field: str, value: float, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        SimulationParams(**{field: value})


def test_a_plan_beats_doing_nothing() -> None:
    network = random_network(3)
    result = plan(network, scenario())
    params = SimulationParams(days=7, seed=1)
    assert np.array_equal(assignment_from_plan(result.problem, result.document()), result.assign)
    runs = compare_runs(result.problem, network.params, {"optimum": result.assign}, params)
    by_name = {r.name: r for r in runs}
    assert set(by_name) == {"optimum", "do_nothing"}
    assert by_name["do_nothing"].delivered == 0.0
    assert by_name["do_nothing"].held == pytest.approx(by_name["do_nothing"].arrived)
    assert by_name["optimum"].delivered > 0.5 * by_name["optimum"].arrived
    sites, lanes = plan_lanes(result.problem, result.assign, network.params)
    assert len(sites) == len({int(c) for c in result.assign if c >= 0})
    assert all(lane.transport >= lane.volume for lane in lanes if lane.site is not None)
    data = simulation_dict("test", network.name, params, runs)
    assert data["schema"] == "baotong.simulation/1"
    html = simulation_html(data)
    assert "<svg" in html
    assert "do_nothing" in html


def test_a_zone_run_leaves_at_its_scheduled_departure() -> None:
    # 100 items a day, sorted 25 per wave at 3, 9, 15 and 21 h. Runs after every wave
    # deliver 75 on day 1 (each wave's mail at the next wave); a run that leaves at 1 h
    # finds nothing sorted on day 1 and takes day 1's mail at 25 h.
    params = SimulationParams(days=3, arrival_cv=0.0)
    free = simulate([Site("A", 100.0)], [Lane("z", 0, 100.0)], params)
    early = simulate([Site("A", 100.0)], [Lane("z", 0, 100.0, departure=1.0)], params)
    assert free.days[0]["delivered"] == pytest.approx(75.0)
    assert early.days[0]["delivered"] == 0.0
    assert early.days[1]["delivered"] == pytest.approx(100.0)  # day 1's mail, at 27 h
    assert early.delays["mean_hours"] > free.delays["mean_hours"] + 12


def test_staff_on_shift_limit_what_a_backup_sorts() -> None:
    # The sorter could do 100 a day, but the people sort 2 items an hour: 48 a day.
    params = SimulationParams(days=3, arrival_cv=0.0)
    staffed = simulate([Site("A", 100.0, (2.0,) * 24)], [Lane("z", 0, 100.0)], params)
    assert staffed.days[-1]["sorted"] == pytest.approx(3 * 48.0)
    assert simulate([Site("A", 100.0)], [Lane("z", 0, 100.0)], params).days[-1]["sorted"] == 300


def test_the_shift_plan_and_schedule_change_the_simulation_when_staff_is_short() -> None:
    network = random_network(3)
    result = plan(network, scenario())
    ops = plan_operations(network, result.document())
    assert sum(c.shifts.gap for c in ops.centres) > 0  # the modelled rosters are short
    runs = {}
    for lent in (True, False):
        params = SimulationParams(days=7, seed=1, staff_lent=lent)
        runs[lent] = compare_runs(result.problem, network.params, {"plan": result.assign},
                                  params, {"plan": ops})[0]  # fmt: skip
    without = compare_runs(result.problem, network.params, {"plan": result.assign},
                           SimulationParams(days=7, seed=1))[0]  # fmt: skip
    short, lent_ = runs[False], runs[True]
    assert short.arrived == pytest.approx(without.arrived)  # the same mail arrives
    # Only the roster's reserve on the floor: far less is sorted and delivered.
    assert short.days[-1]["sorted"] < 0.5 * without.days[-1]["sorted"]
    assert short.backlog > 2 * without.backlog
    # With the gap lent the shifts sort what arrives; zone runs wait for their departure.
    assert lent_.days[-1]["sorted"] > 0.9 * without.days[-1]["sorted"]
    assert lent_.backlog < short.backlog
    sites, lanes = plan_lanes(result.problem, result.assign, network.params, ops)
    assert all(len(s.hourly) == 24 for s in sites)
    assert all(0 <= lane.departure < 24 for lane in lanes if lane.departure is not None)
    assert any(lane.departure is not None for lane in lanes)
