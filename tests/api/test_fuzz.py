"""Fuzzing: schemathesis generates requests for every operation of the OpenAPI document
and sends them to the service, on SQLite and on PostgreSQL, as a national administrator
(who may call them all). No answer may be a 5xx, and every answer must match what the
document declares — its status, its content type and its schema.

Bounded so that it runs in the normal suite: at most ``MAX_EXAMPLES`` generated requests
per operation, derandomized (the same requests every run), no deadline. The requests go
through the test's own client, so the app runs once, with the test network.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.core.failures import FailureGroup
from schemathesis.openapi.loaders import from_dict

MAX_EXAMPLES = 25
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
BASE = "http://testserver"
API = "/api/v1"
LOGOUT = "/api/v1/auth/logout"
# Contract gaps of other domains, reported to their owners: the one check left out for the
# one operation (no 5xx and the documented statuses are still checked there).
KNOWN_GAPS: dict[str, Any] = {}  # operation label -> a check it is let off (none today)


def uploads(files: Any) -> list[tuple[str, Any]]:
    """Multipart parts as the test client sends them: every content as bytes (schemathesis
    may generate a number or an object for a file part)."""

    def raw(value: Any) -> bytes:
        if isinstance(value, bytes):
            return value
        return value.encode() if isinstance(value, str) else json.dumps(value).encode()

    pairs = files.items() if isinstance(files, dict) else files
    parts = []
    for name, value in pairs:
        parts.append((name, (value[0], raw(value[1]), *value[2:]) if isinstance(value, tuple)
                      else raw(value)))  # fmt: skip
    return parts


def known_objects(client: TestClient, users: Any, scenario: dict[str, Any], wait: Any) -> Any:
    """A scenario, a computed plan, a site, a region and a user the requests may name."""
    admin = users.headers("admin")
    users.headers("viewer")  # the user "viewer_cn"
    created = client.post(f"{API}/scenarios", json={"body": scenario}, headers=admin).json()
    plan = client.post(f"{API}/plans", json={"scenario_id": created["id"]}, headers=admin).json()
    wait(client, plan["id"], admin)
    plan_id = plan["id"]
    return {"scenario_id": created["id"], "plan_id": plan_id, "a": plan_id, "b": plan_id,
            "site_id": "ZZ", "code": "410000", "username": "viewer_cn"}  # fmt: skip


def test_no_operation_fails_or_breaks_its_contract(
    client: TestClient, users: Any, scenario_body: Any, wait: Any
) -> None:
    schema = from_dict(client.get("/openapi.json").json())
    known = known_objects(client, users, scenario_body(), wait)
    admin = users.headers("admin")
    fuzz = TestClient(client.app)  # no cookies: the token is the only login it sends
    failures: dict[str, str] = {}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 30

    for operation in operations:

        @given(operation.as_strategy(), st.booleans())
        @settings(
            max_examples=MAX_EXAMPLES,
            derandomize=True,
            deadline=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
            database=None,
        )
        def send(case: Any, name_known: bool) -> None:
            if name_known:  # half the requests name objects that exist
                for where in (case.path_parameters, case.query):
                    for key in set(where or ()) & set(known):
                        where[key] = known[key]
            request = case.as_transport_kwargs(base_url=BASE)
            request.pop("cookies", None)
            if case.operation.path != LOGOUT:  # logging out would end the administrator's login
                request["headers"].update(admin)
            if request.get("files"):
                request["files"] = uploads(request["files"])
            if "data" in request and isinstance(request["data"], str | bytes):
                request["content"] = request.pop("data")
            response = fuzz.request(**request)
            response.request.read()  # a multipart upload is sent as a stream; keep its body
            gap = KNOWN_GAPS.get(case.operation.label)
            case.validate_response(response, checks=[c for c in CHECKS if c is not gap])

        try:
            send()
        except FailureGroup as exc:
            failures[operation.label] = str(exc)[:1500]
    assert not failures, "\n\n".join(f"{k}:\n{v}" for k, v in failures.items())
