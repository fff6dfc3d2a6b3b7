"""Closures without a lockdown: a flooded centre's zones are re-homed, nothing is locked."""

from __future__ import annotations

from typing import Any

import pytest
from tests.engines.conftest import CenterSpec, ProvinceSpec, make_network
from tests.engines.test_planner import check_invariants

from baotong.contingency.engine import plan
from baotong.contingency.scenario import Scenario, validate
from baotong.contingency.zoning import build_problem
from baotong.core.exceptions import ValidationError
from baotong.network.entities import CenterRole, Network


@pytest.fixture
def network() -> Network:
    """Province 41 with two centres in one prefecture (HN sorts its 3 counties) and HB east."""
    provinces = [ProvinceSpec("41", "豫", (113.0, 34.0)), ProvinceSpec("42", "鄂", (115.0, 34.0),
                                                                      counties=1)]  # fmt: skip
    centers = [
        CenterSpec("HN", "41", (113.3, 34.1)),
        CenterSpec("HN2", "41", (113.5, 34.2), role=CenterRole.PREFECTURE),
        CenterSpec("HB", "42", (115.0, 34.0)),
    ]
    return make_network(provinces, centers)


def closure(**site: Any) -> Scenario:
    return Scenario.model_validate({
        "name": "flood", "closed_sites": [{"center_id": "HN", "reason": "flooded", **site}],
        "product_classes": {"ems": 1.0, "supply": 1.0},
        "options": {"min_automation": None, "mip_rel_gap": 0.0},
    })  # fmt: skip


def test_a_closed_centres_counties_are_rehomed(network: Network) -> None:
    sc = closure()
    result = plan(network, sc)
    check_invariants(network, sc, result)
    document = result.document()
    assert {a.zone_id for a in document.assignments} == {"410101", "410102", "410103"}
    assert "HN" not in {b.center_id for b in document.backups}
    assert all(c.from_center_id == "HN" for c in document.sort_plan_changes)
    assert [(a.code, a.name) for a in document.areas] == [("410100", "HN中心")]


def test_a_closure_locks_nothing_around_it(network: Network) -> None:
    problem = build_problem(network, closure())
    assert {c.center_id for c in problem.candidates} == {"HN2", "HB"}  # HN2 shares HN's city


def test_a_limited_centre_may_keep_what_its_share_allows(network: Network) -> None:
    problem = build_problem(network, closure(status="limited", capacity_share=1.0))
    assert "HN" in {c.center_id for c in problem.candidates}
    assert len(problem.zones) == 3


def test_nothing_locked_and_nothing_closed_is_refused() -> None:
    with pytest.raises(ValidationError, match="a scenario needs a locked area or a closed site"):
        validate(Scenario, {"name": "x", "product_classes": {"ems": 1.0}})
