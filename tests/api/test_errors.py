"""Every error is application/problem+json, names the offending field, leaks no traceback."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

API = "/api/v1"
PROBLEM = "application/problem+json"


def test_malformed_json_is_a_422_problem(client: TestClient, users: Any) -> None:
    reply = client.post(
        f"{API}/scenarios",
        content=b'{"body": {',
        headers={**users.headers("planner"), "Content-Type": "application/json"},
    )
    assert reply.status_code == 422
    assert reply.headers["content-type"] == PROBLEM
    assert reply.json()["status"] == 422
    assert "Traceback" not in reply.text


def test_a_wrong_field_type_names_the_field(client: TestClient, users: Any) -> None:
    reply = client.post(
        f"{API}/plans", json={"scenario_id": "first"}, headers=users.headers("planner")
    )
    assert reply.status_code == 422
    problem = reply.json()
    assert problem["field"] == "scenario_id"
    assert problem["errors"][0]["value"] == "first"
    assert "scenario_id" in problem["detail"]


def test_an_unknown_status_value_names_the_field(client: TestClient, users: Any) -> None:
    reply = client.post(
        f"{API}/sites/ZZ/status",
        json={"status": "flooded", "reason": "rain"},
        headers=users.headers("dispatcher"),
    )
    assert reply.status_code == 422
    assert reply.json()["field"] == "status"


def test_an_unknown_field_is_refused(client: TestClient, users: Any) -> None:
    reply = client.post(
        f"{API}/sites/ZZ/status",
        json={"status": "closed", "reason": "x", "colour": "red"},
        headers=users.headers("dispatcher"),
    )
    assert reply.status_code == 422
    assert reply.json()["field"] == "colour"


def test_unknown_routes_and_objects_are_404_problems(client: TestClient, users: Any) -> None:
    assert client.get(f"{API}/nothing-here").headers["content-type"] == PROBLEM
    reply = client.get(f"{API}/plans/999", headers=users.headers("viewer"))
    assert reply.status_code == 404
    assert reply.json()["detail"] == "Unknown plan 999."


def test_a_naive_datetime_is_refused(client: TestClient, users: Any) -> None:
    reply = client.post(
        f"{API}/sites/ZZ/status",
        json={"status": "closed", "reason": "x", "since": "2026-11-28T08:00:00"},
        headers=users.headers("dispatcher"),
    )
    assert reply.status_code == 422
    assert reply.json()["field"] == "since"


def test_an_unexpected_error_is_a_plain_500(
    client: TestClient, users: Any, monkeypatch: Any
) -> None:
    from baotong.contingency import service

    def broken(*_: Any, **__: Any) -> None:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(service, "list_plans", broken)
    local = TestClient(client.app, raise_server_exceptions=False)
    reply = local.get(f"{API}/plans", headers=users.headers("viewer"))
    assert reply.status_code == 500
    assert reply.headers["content-type"] == PROBLEM
    assert "secret internals" not in reply.text


def test_health_and_readiness(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["revision"] == ready.json()["head"]
    assert client.get("/docs").status_code == 200


def test_a_failed_commit_is_the_answer_not_a_silent_201(
    client: TestClient, users: Any, monkeypatch: Any
) -> None:
    from sqlalchemy.orm import Session

    headers = users.headers("dispatcher")

    def failing_commit(self: Session) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(Session, "commit", failing_commit)
    local = TestClient(client.app, raise_server_exceptions=False)
    reply = local.post(
        f"{API}/sites/ZZ/status", json={"status": "closed", "reason": "x"}, headers=headers
    )
    monkeypatch.undo()
    assert reply.status_code == 500
    assert reply.headers["content-type"] == PROBLEM
    site = client.get(f"{API}/sites/ZZ", headers=headers).json()
    assert site["status"] == "open"


def test_error_data_never_overrides_the_problem_fields(
    client: TestClient, users: Any, monkeypatch: Any
) -> None:
    from pathlib import Path

    from baotong.contingency import service
    from baotong.core.exceptions import ConflictError

    def clash(*_: Any, **__: Any) -> None:
        raise ConflictError("Busy.", status="x", title="y", where=Path("/tmp/a"))

    monkeypatch.setattr(service, "list_plans", clash)
    reply = client.get(f"{API}/plans", headers=users.headers("viewer"))
    assert reply.status_code == 409
    assert (reply.json()["status"], reply.json()["title"]) == (409, "Conflict")
    assert reply.json()["where"] == "/tmp/a"
