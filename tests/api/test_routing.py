"""Gated routers step aside for a path none of their routes can match, and match every
other path as FastAPI would."""

from __future__ import annotations

import gc
from typing import Any

import pytest
from fastapi import APIRouter, FastAPI
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient
from starlette.responses import PlainTextResponse

from baotong.api.routing import RouteIndex, gated, literal_head
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


def _sample_path(context: Any) -> str:
    """A path the route matches: a number for an integer parameter, a word for the others."""
    values = {
        name: "7" if type(convertor).__name__ == "IntegerConvertor" else "word7"
        for name, convertor in context.param_convertors.items()
    }
    return str(context.path_format).format(**values)


def test_the_route_index_hands_every_request_where_fastapi_would(
    service_settings: Settings, network: Network, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every operation of the service, and requests no route takes whole (a wrong method,
    an unknown path, a missing trailing slash, a static file), reach the same route with
    the same scope through the index as through FastAPI's routers alone."""
    app = create_app(service_settings, network=lambda: network)
    index = app.router.middleware_stack
    assert isinstance(index, RouteIndex)
    seen: list[tuple[object, dict[str, Any], object, object]] = []

    async def record(self: APIRoute, scope: Any, receive: Any, send: Any) -> None:
        fastapi = scope["fastapi"]
        seen.append((self, dict(scope["path_params"]), fastapi["effective_route_context"],
                     fastapi["included_router"]))  # fmt: skip
        await PlainTextResponse("recorded")(scope, receive, send)

    monkeypatch.setattr(APIRoute, "handle", record)
    client = TestClient(app, follow_redirects=False)

    def both(method: str, url: str) -> tuple[Any, Any]:
        answers = []
        for stack in (index, index.fallback):  # type: ignore[attr-defined]
            seen.clear()
            app.router.middleware_stack = stack
            status = client.request(method, url).status_code
            answers.append((status, seen[-1] if seen else None))
        app.router.middleware_stack = index
        return answers[0], answers[1]

    operations = 0
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        if not isinstance(route, APIRoute):
            continue
        url = _sample_path(context)
        for method in sorted(route.methods):
            via_index, via_fastapi = both(method, url)
            assert via_index == via_fastapi, (method, url)
            assert via_index[1] is not None, (method, url)
            operations += 1
    assert operations > 300
    for method, url in [("DELETE", "/api/v1/warehouse/sites"), ("GET", "/api/v1/nowhere"),
                        ("GET", "/warehouse/"), ("GET", "/static/app.css"),
                        ("GET", "/openapi.json"), ("PATCH", "/healthz")]:  # fmt: skip
        via_index, via_fastapi = both(method, url)
        assert via_index == via_fastapi, (method, url)
