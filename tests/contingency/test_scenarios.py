"""Scenarios are resolved once, when saved: the shipped examples through the API, one region
resolver for the API, the CLI and the planner, and the canonical form that is stored."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker
from tests.conftest import Users, nearest_engine, staff

from baotong.app import create_app
from baotong.config import Settings
from baotong.contingency import service
from baotong.contingency.scenario import Scenario, resolve
from baotong.contingency.zoning import build_problem
from baotong.core.exceptions import ValidationError
from baotong.db.session import session_scope
from baotong.network.entities import Network
from baotong.network.reference import load_reference

API = "/api/v1"
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
LOCKED = {
    "henan": ["410000"],
    "chaoyang": ["110105"],
    "three-provinces": ["410000", "310000", "220000"],
}


@pytest.fixture(scope="module")
def reference() -> Network:
    return load_reference()


@pytest.fixture
def china(
    service_settings: Settings, seeded: sessionmaker[Session], reference: Network
) -> Iterator[tuple[TestClient, Users]]:
    """The API on the bundled reference network of China (whose regions the examples name)."""
    app = create_app(service_settings, network=lambda: reference, engine=nearest_engine)
    with TestClient(app) as client:
        yield client, Users(client, seeded)


def _example(name: str) -> dict[str, Any]:
    body: dict[str, Any] = yaml.safe_load((EXAMPLES / f"{name}.yaml").read_text("utf-8"))
    return body


@pytest.mark.parametrize("name", sorted(LOCKED))
def test_every_example_is_saved_through_the_api_with_its_regions_as_codes(
    china: tuple[TestClient, Users], name: str
) -> None:
    client, users = china
    reply = client.post(
        f"{API}/scenarios", json={"body": _example(name)}, headers=users.headers("planner")
    )
    assert reply.status_code == 201, reply.text
    stored = reply.json()["body"]
    assert [a["region"] for a in stored["locked_areas"]] == LOCKED[name]
    assert stored == Scenario.model_validate(stored).canonical()  # every option written out
    assert reply.json()["provinces"] == sorted({c[:2] + "0000" for c in LOCKED[name]})


@pytest.mark.parametrize("text", ["河南", "河南省", "henan", "Henan", "41", "410000"])
def test_the_api_accepts_every_name_the_cli_accepts(
    china: tuple[TestClient, Users], reference: Network, text: str
) -> None:
    client, users = china
    body = {"name": "x", "locked_areas": [{"region": text}], "product_classes": {"ems": 1.0}}
    reply = client.post(f"{API}/scenarios", json={"body": body}, headers=users.headers("planner"))
    assert reply.status_code == 201, reply.text
    assert reply.json()["body"]["locked_areas"][0]["region"] == "410000"
    planned = build_problem(reference, Scenario.model_validate(body))  # what `baotong plan` does
    assert [a.code for a in planned.areas] == ["410000"]


def test_an_ambiguous_district_is_refused_when_saved_with_its_candidates(
    china: tuple[TestClient, Users],
) -> None:
    client, users = china
    body = {"name": "x", "locked_areas": [{"region": "朝阳区", "level": "city"}],
            "product_classes": {"ems": 1.0}}  # fmt: skip
    reply = client.post(f"{API}/scenarios", json={"body": body}, headers=users.headers("planner"))
    assert reply.status_code == 422
    problem = reply.json()
    assert problem["code"] == "scenario.ambiguous_region"
    assert problem["field"] == "body.locked_areas.0.region"
    assert problem["candidates"] == ["110105", "220104"]
    assert "朝阳区 (110105, 北京市); 朝阳区 (220104, 长春市)" in problem["detail"]


def test_an_unknown_region_is_refused_with_its_code(china: tuple[TestClient, Users]) -> None:
    client, users = china
    body = {"name": "x", "locked_areas": [{"region": "Atlantis"}], "product_classes": {"ems": 1}}
    reply = client.post(f"{API}/scenarios", json={"body": body}, headers=users.headers("planner"))
    assert reply.status_code == 422
    assert reply.json()["code"] == "scenario.unknown_region"
    assert reply.json()["field"] == "body.locked_areas.0.region"


def test_overlapping_areas_are_refused_when_saved_not_when_planned(
    china: tuple[TestClient, Users],
) -> None:
    client, users = china
    body = {"name": "x", "locked_areas": [{"region": "河南"}, {"region": "郑州", "level": "city"}],
            "product_classes": {"ems": 1.0}}  # fmt: skip
    reply = client.post(f"{API}/scenarios", json={"body": body}, headers=users.headers("planner"))
    assert reply.status_code == 422
    assert reply.json()["code"] == "scenario.overlapping_areas"
    assert reply.json()["field"] == "body.locked_areas.1.region"


def test_the_cli_and_the_planner_refuse_the_same_ambiguous_name(reference: Network) -> None:
    scenario = Scenario.model_validate(
        {"name": "x", "locked_areas": [{"region": "朝阳区", "level": "city"}],
         "product_classes": {"ems": 1.0}}
    )  # fmt: skip
    with pytest.raises(ValidationError) as caught:
        resolve(reference, scenario)
    assert caught.value.code == "scenario.ambiguous_region"
    assert caught.value.data["candidates"] == ["110105", "220104"]


def test_a_stored_scenario_is_the_validated_model_and_plans_as_saved(
    seeded: sessionmaker[Session], network: Network
) -> None:
    with session_scope(seeded) as session:
        row = service.create_scenario(
            session,
            body={"name": "x", "locked_areas": [{"region": "henan"}],
                  "product_classes": {"ems": 1.0}, "options": {"max_road_hours": 6}},
            network=network, principal=staff("p"),
        )  # fmt: skip
        scenario = service.scenario_of(row)
        assert scenario.locked_areas[0].region == "410000"
        assert scenario.options.max_road_hours == 6.0
        assert row.body == scenario.canonical()
        run = service.create_plan(session, scenario_id=row.id, name=None,
                                  parameters={"time_limit_s": 3}, network=network,
                                  principal=staff("p"))  # fmt: skip
        assert service.scenario_of(run).options.time_limit_s == 3.0
        assert service.scenario_of(run).locked_areas[0].region == "410000"


def test_a_closure_without_a_lockdown_is_saved_in_the_closed_sites_province(
    china: tuple[TestClient, Users],
) -> None:
    client, users = china
    reply = client.post(f"{API}/scenarios", json={"body": _example("zhengzhou-flood")},
                        headers=users.headers("planner"))  # fmt: skip
    assert reply.status_code == 201, reply.text
    assert reply.json()["body"]["locked_areas"] == []
    assert reply.json()["provinces"] == ["410000"]


def test_a_scenario_with_nothing_closed_is_refused(china: tuple[TestClient, Users]) -> None:
    client, users = china
    body = {**_example("zhengzhou-flood"), "closed_sites": []}
    reply = client.post(f"{API}/scenarios", json={"body": body}, headers=users.headers("planner"))
    assert reply.status_code == 422
    assert "a scenario needs a locked area or a closed site" in reply.text
