"""Site operating permits and the processing-centre whitelist bite: a run whose origin or
end site lies in a controlled area is refused (``run.site_not_permitted``, naming the site,
the area and what is missing) until that site holds a granted, valid permit — on the API,
the runs page and ``baotong transport check-runs``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.contingency.test_api import _computed_plan
from typer.testing import CliRunner

from baotong.cli.main import app
from baotong.config import get_settings
from baotong.network.entities import Network
from baotong.transport import service

API = "/api/v1/transport"


def _grant(client: TestClient, td: dict[str, str], body: dict[str, Any]) -> None:
    today = service.today()
    made = client.post(f"{API}/credentials", headers=td, json={
        "areas": ["410000"], "route_types": ["inter_provincial"], "authority": "河南省指挥部",
        "valid_from": str(today), "valid_to": str(today + timedelta(days=7)), **body})  # fmt: skip
    assert made.status_code == 201, made.text
    cid = made.json()["id"]
    assert client.post(f"{API}/credentials/{cid}/submit", headers=td).status_code == 200
    granted = client.post(f"{API}/credentials/{cid}/grant", headers=td, json={"number": "1"})
    assert granted.json()["state"] == "granted", granted.text


def test_a_run_ending_at_a_centre_in_locked_henan_needs_its_whitelist_entry(
    client: TestClient, users: Any, scenario_body: Callable[..., dict[str, Any]],
    wait: Callable[..., dict[str, Any]], database_url: str, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch, network: Network,
) -> None:  # fmt: skip
    plan_id = _computed_plan(client, users, scenario_body, wait)
    assert client.post(f"/api/v1/plans/{plan_id}/approve",
                       headers=users.headers("planner")).status_code == 200  # fmt: skip
    assert client.post(f"/api/v1/plans/{plan_id}/activate",
                       headers=users.headers("dispatcher")).status_code == 200  # fmt: skip
    td = users.headers("transport_dispatcher")
    vehicle = client.post(f"{API}/vehicles", headers=td, json={
        "plate": "鄂A·T0003", "kind": "truck", "capacity_kg": 9000, "capacity_m3": 40,
        "packages": 9000, "home_site": "WH", "province_code": "420000"}).json()  # fmt: skip
    driver = client.post(f"{API}/people", headers=td, json={
        "name": "钱师傅", "phone": "13900000000", "job": "driver", "site": "WH",
        "province_code": "420000"}).json()  # fmt: skip
    _grant(client, td, {"kind": "vehicle_pass", "vehicle_id": vehicle["id"]})
    _grant(client, td, {"kind": "staff_whitelist", "person_id": driver["id"]})
    today = service.today()
    run = {"kind": "zone_run", "run_date": str(today), "vehicle_id": vehicle["id"],
           "driver_id": driver["id"], "origin": "WH", "destination": "410102",
           "route_type": "inter_provincial"}  # fmt: skip
    unknown = client.post(f"{API}/runs", headers=td, json={**run, "end_site": "NOWHERE"})
    assert (unknown.status_code, unknown.json()["code"]) == (422, "run.unknown_site")
    made = client.post(f"{API}/runs", headers=td, json={**run, "end_site": "ZZ"})
    assert made.status_code == 201, made.text
    assert made.json()["end_site"] == "ZZ"
    run_id = made.json()["id"]

    [entry] = client.get(f"{API}/runs", params={"date": str(today)}, headers=td).json()
    assert [(m["subject"], m["who"], m["need"], m["reason"]) for m in entry["missing"]] == [
        ("site", "河南中心 (ZZ)", "centre_whitelist", "none")]  # fmt: skip
    refused = client.post(f"{API}/runs/{run_id}/dispatch", headers=td)
    assert refused.status_code == 409
    assert (refused.json()["code"], refused.json()["site"], refused.json()["need"]) == \
        ("run.site_not_permitted", "河南中心 (ZZ)", "centre_whitelist")  # fmt: skip
    assert "河南中心 (ZZ)" in refused.json()["detail"]

    login = {"username": "transport_dispatcher_cn", "password": "correct horse"}
    assert client.post("/api/v1/auth/login", json=login).status_code == 200
    page = client.get("/transport/runs", params={"date": str(today)})
    assert "河南中心 (ZZ)" in page.text
    assert "处理中心白名单" in page.text
    monkeypatch.setattr("baotong.cli.transport.load_active", lambda settings: network)
    monkeypatch.setenv("BAOTONG_DATABASE_URL", database_url)
    monkeypatch.setenv("BAOTONG_DATA_DIR", str(tmp_path / "var"))
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["transport", "check-runs", str(today)])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 1, result.output
    assert f"run {run_id}: site 河南中心 (ZZ) — centre_whitelist" in result.output

    # a site permit is not the centre's whitelist entry; the whitelist entry clears it
    _grant(client, td, {"kind": "site_permit", "site_id": "ZZ", "route_types": []})
    assert client.post(f"{API}/runs/{run_id}/dispatch", headers=td).status_code == 409
    _grant(client, td, {"kind": "centre_whitelist", "site_id": "ZZ", "route_types": []})
    dispatched = client.post(f"{API}/runs/{run_id}/dispatch", headers=td)
    assert dispatched.status_code == 200, dispatched.text
