"""A plan run is bounded: a scenario of too many zones is refused with the reason before
anything is stored, the time limit has a ceiling, and a cancelled run stops after the
solver instead of going on to coarser depths."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from baotong.contingency import engine, zoning
from baotong.contingency.scenario import Scenario, validate
from baotong.core.exceptions import ValidationError

from ..conftest import henan_scenario, make_network

API = "/api/v1"


def city_level() -> dict[str, Any]:
    return {**henan_scenario(), "locked_areas": [
        {"region": "410000", "level": "city", "depth": "segment"}]}  # fmt: skip


def test_a_scenario_of_more_zones_than_the_limit_is_refused_with_the_reason(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    network = make_network()  # Henan: 3 counties of 2 stations, 6 zones at city level
    scenario = validate(Scenario, city_level())
    assert zoning.check_size(network, scenario) == 6
    monkeypatch.setattr(zoning, "MAX_ZONES", 5)
    with pytest.raises(ValidationError) as refused:
        zoning.build_problem(network, scenario)
    assert refused.value.code == "scenario.too_many_zones"
    assert refused.value.data["zones"] == 6


def test_the_api_refuses_a_scenario_beyond_the_zone_limit_before_storing_it(
    client: TestClient, users: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(zoning, "MAX_ZONES", 5)
    planner = users.headers("planner")
    reply = client.post(f"{API}/scenarios", json={"body": city_level()}, headers=planner)
    assert reply.status_code == 422
    assert reply.json()["code"] == "scenario.too_many_zones"
    assert reply.json()["field"] == "body.locked_areas"
    assert client.get(f"{API}/scenarios", headers=planner).json() == []


def test_a_time_limit_beyond_an_hour_is_refused() -> None:
    body = {**henan_scenario(), "options": {"time_limit_s": 3601}}
    with pytest.raises(ValidationError) as refused:
        validate(Scenario, body)
    assert refused.value.field == "options.time_limit_s"


def test_a_cancelled_run_ends_as_cancelled_without_more_work() -> None:
    network = make_network()
    scenario = validate(Scenario, city_level())
    steps: list[str] = []
    result = engine.plan(
        network, scenario, should_cancel=lambda: True, on_progress=lambda _, m: steps.append(m)
    )
    assert result.solver_status == "cancelled"
    assert not any("Coarser" in step for step in steps)
