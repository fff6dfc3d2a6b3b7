"""Every example scenario of ``examples/`` is accepted by the API as the CLI accepts it —
regions named in Chinese (``region: 河南``), pinyin or code — on the reference network."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from baotong.app import create_app
from baotong.config import Settings
from baotong.core.documents import load_yaml
from baotong.network.reference import load_reference

from ..conftest import Users

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SCENARIOS = sorted(p.name for p in EXAMPLES.glob("*.yaml") if "manual" not in p.name)


@pytest.fixture
def reference_client(
    service_settings: Settings, sessions: sessionmaker[Session], engine_for_tests: Any
) -> Iterator[TestClient]:
    network = load_reference()
    app = create_app(service_settings, network=lambda: network, engine=engine_for_tests)
    with TestClient(app) as client:
        yield client


@pytest.mark.parametrize("name", SCENARIOS)
def test_an_example_scenario_is_accepted_by_the_api(
    reference_client: TestClient, sessions: sessionmaker[Session], name: str
) -> None:
    body = load_yaml((EXAMPLES / name).read_text(encoding="utf-8"))
    planner = Users(reference_client, sessions).headers("planner")
    reply = reference_client.post("/api/v1/scenarios", json={"body": body}, headers=planner)
    assert reply.status_code == 201, reply.text
    for area in reply.json()["body"]["locked_areas"]:
        assert area["region"].isdigit()  # stored by its code
