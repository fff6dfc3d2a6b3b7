"""Gated routers step aside for a path none of their routes can match, and match every
other path as FastAPI would."""

from __future__ import annotations

import gc
from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.testclient import TestClient

from baotong.api.routing import gated, literal_head
from baotong.app import create_app
from baotong.config import Settings
from baotong.network.entities import Network


def test_a_routes_literal_head_is_its_path_up_to_the_first_parameter() -> None:
    assert literal_head("/warehouse/documents/{id}/scan") == "/warehouse/documents/"
    assert literal_head("/healthz") == "/healthz"


def test_a_gated_router_answers_its_paths_and_steps_aside_for_the_others() -> None:
    seen: list[str] = []
    tracking, groupbuy = APIRouter(), APIRouter(prefix="/groupbuy")

    @tracking.get("/public/track/{number}")
    def track(number: str) -> dict[str, str]:
        return {"number": number}

    @groupbuy.get("/{token}")
    def group(token: str) -> dict[str, str]:
        return {"token": token}

    app = FastAPI()
    api = gated(tracking, under="/api/v1")
    outer = APIRouter(prefix="/api/v1")
    outer.include_router(api)
    app.include_router(outer)
    app.include_router(gated(groupbuy))
    assert api.heads == ("/api/v1/public/track/",)

    original = type(api).matches

    def spy(self: object, scope: dict[str, str]) -> object:
        seen.append(scope["path"])
        return original(self, scope)  # type: ignore[arg-type]

    type(api).matches = spy  # type: ignore[method-assign]
    try:
        client = TestClient(app)
        assert client.get("/api/v1/public/track/CP1").json() == {"number": "CP1"}
        assert client.get("/groupbuy/abc").json() == {"token": "abc"}
        assert client.get("/api/v1/public/tracking").status_code == 404
    finally:
        type(api).matches = original  # type: ignore[method-assign]
    assert "/groupbuy/abc" in seen  # asked, and answered "no" without matching its routes


def test_the_running_service_keeps_what_startup_built_out_of_full_collections(
    service_settings: Settings, seeded: Any, network: Network
) -> None:
    """A full pass of the collector over the network's objects stalled requests for
    100-230 ms; while the service runs they are frozen, and released when it stops."""
    app = create_app(service_settings, network=lambda: network)
    with TestClient(app):
        assert gc.get_freeze_count() > 10_000
    assert gc.get_freeze_count() == 0
