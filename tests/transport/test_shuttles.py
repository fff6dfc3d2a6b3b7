"""Shuttles from a consolidation point to a transfer station: the trailer's cycle, the
swap recorded by both sides with seals and counts (and what did not match), the chain of
custody through the swap, the pass check on the shuttle's run, the board and the CLI."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from tests.contingency.test_api import _computed_plan
from typer.testing import CliRunner

from baotong.auth.permissions import Principal
from baotong.cli.main import app
from baotong.config import get_settings
from baotong.db.session import session_scope
from baotong.transport import service
from baotong.warehouse import service as warehouse_service
from baotong.warehouse.models import (
    DocumentKind,
    DocumentStatus,
    Warehouse,
    WarehouseKind,
    WarehouseStatus,
)
from baotong.warehouse.schemas import Layout, WarehouseCreate

API = "/api/v1/transport"
POINT = "WH-HJD"


def _dispatched(sessions: sessionmaker[Session], province: str = "420000",
                packages: int = 3, seal: str = "QF-1") -> int:  # fmt: skip
    """A consolidation point that has dispatched one sealed shipment to transport."""
    system = Principal.system()
    with session_scope(sessions) as session:
        site = session.scalar(select(Warehouse).where(Warehouse.code == POINT))
        if site is None:
            site = warehouse_service.create_warehouse(session, system, WarehouseCreate(
                code=POINT, name="武汉汇集点", kind=WarehouseKind.CONSOLIDATION_POINT,
                province_code=province, status=WarehouseStatus.OPEN,
                layout=Layout(zones=["A"], aisles=1, racks=1, bins=2)))  # fmt: skip
        handover = {"shipment_id": 1, "seal": seal, "packages": [f"PK{i}" for i in range(packages)],
                    "carrier": "shuttle", "handed_to": "盘驳车"}  # fmt: skip
        doc = warehouse_service.new_document(session, site, DocumentKind.DISPATCH, "picker",
                                             status=DocumentStatus.DONE,
                                             data={"handover": handover})  # fmt: skip
        return doc.id


def _fleet(client: TestClient, headers: dict[str, str]) -> dict[str, int]:
    ids = {}
    for name, kind in (("鄂A·G0001", "tractor"), ("鄂A·T0009挂", "trailer"), ("鄂A·V0003", "van")):
        made = client.post(f"{API}/vehicles", headers=headers, json={
            "plate": name, "kind": kind, "capacity_kg": 20000, "capacity_m3": 80,
            "packages": 2000, "home_site": POINT, "province_code": "420000"})  # fmt: skip
        assert made.status_code == 201, made.text
        ids[kind] = made.json()["id"]
    driver = client.post(f"{API}/people", headers=headers, json={
        "name": "赵师傅", "phone": "13900000001", "job": "driver", "site": POINT,
        "province_code": "420000"})  # fmt: skip
    ids["driver"] = driver.json()["id"]
    return ids


def _timetable(client: TestClient, headers: dict[str, str], ids: dict[str, int],
               dispatches: list[int], region: str = "420101", **extra: Any) -> Any:  # fmt: skip
    departs = service.start_of(service.today()) + timedelta(hours=8)
    return client.post(f"{API}/shuttles", headers=headers, json={
        "warehouse_code": POINT, "station": "武汉东转运站", "station_region": region,
        "trailer_id": ids["trailer"], "tractor_id": ids["tractor"], "driver_id": ids["driver"],
        "departs_at": departs.isoformat(), "arrives_at": (departs + timedelta(hours=3)).isoformat(),
        "dispatch_ids": dispatches, **extra})  # fmt: skip


def _swap(client: TestClient, users: Any, url: str, handed: dict[str, Any],
          received: dict[str, Any], province: str = "420000") -> Any:  # fmt: skip
    """Each side states its own: the shuttle's dispatcher, then the transfer station."""
    first = client.post(f"{url}/swap/handed", json=handed,
                        headers=users.headers("transport_dispatcher", province))  # fmt: skip
    assert first.status_code == 200, first.text
    assert first.json()["swap_state"] == "handed"
    return client.post(f"{url}/swap/received", json=received,
                       headers=users.headers("transfer_station", province))  # fmt: skip


def test_a_trailer_walks_its_cycle_and_the_swap_joins_the_chain_of_custody(
    client: TestClient, users: Any, seeded: sessionmaker[Session]
) -> None:
    td = users.headers("transport_dispatcher", "420000")
    ids = _fleet(client, td)
    made = _timetable(client, td, ids, [_dispatched(seeded)])
    assert made.status_code == 201, made.text
    shuttle = made.json()
    assert (shuttle["stage"], shuttle["packages"], shuttle["seal"]) == ("loading", 3, "QF-1")
    board = client.get(f"{API}/shuttles", headers=td).json()
    assert [s["id"] for s in board["shuttles"]] == [shuttle["id"]]
    assert {t["plate"]: t["stage"] for t in board["trailers"]} == {"鄂A·T0009挂": "loading"}

    url = f"{API}/shuttles/{shuttle['id']}"
    assert client.post(f"{url}/arrive", headers=td, json={}).json()["code"] == \
        "shuttle.wrong_stage"  # fmt: skip
    assert client.post(f"{url}/depart", headers=td, json={}).json()["stage"] == "on_road"
    assert client.post(f"{url}/arrive", headers=td, json={}).json()["stage"] == "at_station"
    swapped = _swap(client, users, url, {"name": "赵师傅", "seal": "QF-1", "count": 3},
                    {"name": "区保供组 孙强", "seal": "QF-7", "count": 2,
                     "area_vehicle": "鄂A·Q0001"})  # fmt: skip
    assert swapped.status_code == 200, swapped.text
    assert swapped.json()["swap_state"] == "done"
    found = {(d["kind"], d["by"], str(d["expected"]), str(d["found"]))
             for d in swapped.json()["discrepancies"]}  # fmt: skip
    assert found == {("seal_mismatch", "区保供组 孙强", "QF-1", "QF-7"),
                     ("short", "区保供组 孙强", "3", "2")}  # fmt: skip
    handed = swapped.json()["swap"]["handed"]
    assert {k: handed[k] for k in ("name", "seal", "count", "loads", "by")} == {
        "name": "赵师傅", "seal": "QF-1", "count": 3,
        "loads": [{"document_id": shuttle["dispatch_ids"][0], "seal": "QF-1", "count": 3}],
        "by": "transport_dispatcher_420000"}  # fmt: skip
    assert swapped.json()["received"]["by"] == "transfer_station_420000"
    returned = client.post(f"{url}/return", headers=td, json={})
    assert returned.json()["stage"] == "returned"

    chain = client.get(f"{API}/loads/{shuttle['load_ref']}/custody", headers=td).json()
    assert [(h["leg"], h["to_party"], h["count"], h["short"], h["seal"])
            for h in chain["handovers"]] == [
        ("point_to_shuttle", "鄂A·T0009挂", 3, 0, "QF-1"),
        ("swap", "鄂A·Q0001", 2, 1, "QF-7"),
    ]  # fmt: skip
    assert chain["holder"] == "鄂A·Q0001"
    runs = client.get(f"{API}/runs", params={"date": str(service.today())}, headers=td).json()
    assert [(r["run"]["kind"], r["run"]["state"]) for r in runs] == [("shuttle", "done")]
    assert client.get(f"{API}/shuttles", headers=td).json()["trailers"][0]["stage"] == "returned"


def test_a_shuttle_needs_a_free_trailer_and_the_points_own_dispatches(
    client: TestClient, users: Any, seeded: sessionmaker[Session]
) -> None:
    td = users.headers("transport_dispatcher", "420000")
    ids = _fleet(client, td)
    first = _dispatched(seeded)
    not_a_trailer = _timetable(client, td, {**ids, "trailer": ids["van"]}, [first])
    assert (not_a_trailer.status_code, not_a_trailer.json()["code"]) == \
        (422, "shuttle.not_a_trailer")  # fmt: skip
    unknown = _timetable(client, td, ids, [first + 1000])
    assert (unknown.status_code, unknown.json()["field"]) == (422, "dispatch_ids.0")
    assert _timetable(client, td, ids, [first]).status_code == 201
    again = _timetable(client, td, ids, [first])
    assert (again.status_code, again.json()["code"]) == (409, "shuttle.trailer_busy")
    viewer = users.headers("viewer")
    assert client.post(f"{API}/shuttles", headers=viewer, json={}).status_code == 403
    assert client.get(f"{API}/shuttles", headers=viewer).status_code == 200


def test_a_shuttle_into_locked_henan_departs_only_with_its_passes(
    client: TestClient,
    users: Any,
    seeded: sessionmaker[Session],
    scenario_body: Callable[..., dict[str, Any]],
    wait: Callable[..., dict[str, Any]],
) -> None:
    plan_id = _computed_plan(client, users, scenario_body, wait)
    assert client.post(f"/api/v1/plans/{plan_id}/approve",
                       headers=users.headers("planner")).status_code == 200  # fmt: skip
    assert client.post(f"/api/v1/plans/{plan_id}/activate",
                       headers=users.headers("dispatcher")).status_code == 200  # fmt: skip
    td = users.headers("transport_dispatcher")
    ids = _fleet(client, td)
    made = _timetable(client, td, ids, [_dispatched(seeded)], region="410102",
                      route_type="inter_provincial")  # fmt: skip
    assert made.status_code == 201, made.text
    refused = client.post(f"{API}/shuttles/{made.json()['id']}/depart", headers=td, json={})
    assert (refused.status_code, refused.json()["code"]) == (409, "run.not_cleared")
    assert "鄂A·G0001" in refused.json()["detail"]
    assert client.get(f"{API}/shuttles/{made.json()['id']}", headers=td).json()["stage"] == \
        "loading"  # fmt: skip
    assert client.get(f"{API}/loads/{made.json()['load_ref']}/custody",
                      headers=td).status_code == 404  # fmt: skip


def test_the_board_page_and_the_cli_show_the_timetable(
    client: TestClient, users: Any, seeded: sessionmaker[Session], database_url: str,
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    td = users.headers("transport_dispatcher", "420000")
    ids = _fleet(client, td)
    shuttle = _timetable(client, td, ids, [_dispatched(seeded)]).json()
    login = {"username": "transport_dispatcher_420000", "password": "correct horse"}
    assert client.post("/api/v1/auth/login", json=login).status_code == 200
    page = client.get("/transport/shuttles")
    assert page.status_code == 200
    assert "鄂A·T0009挂" in page.text
    assert f'id="shuttle-{shuttle["id"]}"' in page.text
    assert 'data-stage="loading"' in page.text
    assert client.get("/transport/shuttles", params={"date": "x"}).status_code == 422

    monkeypatch.setenv("BAOTONG_DATABASE_URL", database_url)
    monkeypatch.setenv("BAOTONG_DATA_DIR", str(tmp_path / "var"))
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["transport", "shuttles", "--date",
                                          str(service.today())])  # fmt: skip
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    assert f"shuttle {shuttle['id']}:" in result.output
    assert "trailer 鄂A·T0009挂: loading" in result.output
    assert "1 shuttle(s)" in result.output


def _at_station(client: TestClient, td: dict[str, str], seeded: sessionmaker[Session],
                loads: list[tuple[int, str]]) -> tuple[str, list[int]]:  # fmt: skip
    ids = _fleet(client, td)
    docs = [_dispatched(seeded, packages=n, seal=s) for n, s in loads]
    made = _timetable(client, td, ids, docs)
    assert made.status_code == 201, made.text
    url = f"{API}/shuttles/{made.json()['id']}"
    assert client.post(f"{url}/depart", headers=td, json={}).json()["stage"] == "on_road"
    assert client.post(f"{url}/arrive", headers=td, json={}).json()["stage"] == "at_station"
    return url, docs


def test_a_shuttle_with_two_loads_compares_seals_and_counts_per_load(
    client: TestClient, users: Any, seeded: sessionmaker[Session]
) -> None:
    td = users.headers("transport_dispatcher", "420000")
    url, (first, second) = _at_station(client, td, seeded, [(3, "QF-1"), (2, "QF-2")])
    shuttle = client.get(url, headers=td).json()
    assert [(x["document_id"], x["seal"], x["packages"]) for x in shuttle["loads"]] == [
        (first, "QF-1", 3), (second, "QF-2", 2)]  # fmt: skip

    def side(name: str, *entries: tuple[int, str, int]) -> dict[str, Any]:
        return {"name": name, "loads": [{"document_id": d, "seal": s, "count": c}
                                        for d, s, c in entries]}  # fmt: skip

    # every seal intact and every count right: nothing to record
    swapped = _swap(client, users, url, side("赵师傅", (first, "QF-1", 3), (second, "QF-2", 2)),
                    {**side("孙强", (first, "QF-1", 3), (second, "QF-2", 2)),
                     "area_vehicle": "鄂A·Q0001"})  # fmt: skip
    assert swapped.status_code == 200, swapped.text
    assert swapped.json()["discrepancies"] == []


def test_a_short_second_load_is_named_by_its_document(
    client: TestClient, users: Any, seeded: sessionmaker[Session]
) -> None:
    td = users.headers("transport_dispatcher", "420000")
    url, (first, second) = _at_station(client, td, seeded, [(3, "QF-1"), (2, "QF-2")])
    swapped = _swap(client, users, url, {"name": "赵师傅", "loads": [
                        {"document_id": first, "seal": "QF-1", "count": 3},
                        {"document_id": second, "seal": "QF-2", "count": 2}]},
                    {"name": "孙强", "area_vehicle": "鄂A·Q0001", "loads": [
                        {"document_id": first, "seal": "QF-1", "count": 3},
                        {"document_id": second, "seal": "QF-9", "count": 1}]})  # fmt: skip
    assert swapped.status_code == 200, swapped.text
    found = {(d["kind"], d["document_id"], d["by"], str(d["expected"]), str(d["found"]))
             for d in swapped.json()["discrepancies"]}  # fmt: skip
    assert found == {("seal_mismatch", second, "孙强", "QF-2", "QF-9"),
                     ("short", second, "孙强", "2", "1")}  # fmt: skip


def test_the_swap_must_name_every_load_it_carries(
    client: TestClient, users: Any, seeded: sessionmaker[Session]
) -> None:
    td = users.headers("transport_dispatcher", "420000")
    url, (first, _second) = _at_station(client, td, seeded, [(3, "QF-1"), (2, "QF-2")])
    side = {"name": "x", "loads": [{"document_id": first, "seal": "QF-1", "count": 3}]}
    refused = client.post(f"{url}/swap/handed", headers=td, json=side)
    assert refused.status_code == 422, refused.text
    assert refused.json()["code"] == "shuttle.loads_missing"
    shuttle = client.get(url, headers=td).json()
    assert (shuttle["stage"], shuttle["swap_state"], shuttle["handed"]) == \
        ("at_station", "waiting", None)  # fmt: skip


def test_a_document_rides_one_shuttle_only_in_the_database(
    client: TestClient, users: Any, seeded: sessionmaker[Session]
) -> None:
    from sqlalchemy.exc import IntegrityError

    from baotong.transport.models import Shuttle, ShuttleLoad

    td = users.headers("transport_dispatcher", "420000")
    ids = _fleet(client, td)
    doc = _dispatched(seeded)
    made = _timetable(client, td, ids, [doc])
    assert made.status_code == 201, made.text
    with session_scope(seeded) as session:
        other = session.get(Shuttle, made.json()["id"])
        assert other is not None
        session.add(ShuttleLoad(shuttle_id=other.id, document_id=doc, seal="X", packages=1))
        with pytest.raises(IntegrityError):
            session.flush()
        session.rollback()


def test_the_board_page_records_each_side_of_a_two_load_swap_on_its_own_form(
    client: TestClient, users: Any, seeded: sessionmaker[Session]
) -> None:
    td = users.headers("transport_dispatcher", "420000")
    url, (first, second) = _at_station(client, td, seeded, [(3, "QF-1"), (2, "QF-2")])
    shuttle_id = url.rsplit("/", 1)[1]
    login = {"username": "transport_dispatcher_420000", "password": "correct horse"}
    assert client.post("/api/v1/auth/login", json=login).status_code == 200
    page = client.get("/transport/shuttles")
    assert 'data-testid="swap-handed-form"' in page.text
    assert 'data-testid="swap-received-form"' not in page.text  # the station's, not theirs
    for key in ("seal", "count"):
        assert f'name="{key}_{first}"' in page.text
        assert f'name="{key}_{second}"' in page.text
    csrf = client.cookies["baotong_csrf"]
    handed = {"csrf_token": csrf, "name": "赵师傅", f"seal_{first}": "QF-1",
              f"count_{first}": "3", f"seal_{second}": "QF-2", f"count_{second}": "2"}  # fmt: skip
    done = client.post(f"/transport/shuttles/{shuttle_id}/swap/handed", data=handed,
                       follow_redirects=False)  # fmt: skip
    assert done.status_code == 303, done.text
    refused = client.post(f"/transport/shuttles/{shuttle_id}/swap/received",
                          data={**handed, "area_vehicle": "鄂A·Q0001"})  # fmt: skip
    assert refused.status_code == 403
    page = client.get("/transport/shuttles")
    assert 'data-swap-state="handed"' in page.text
    assert 'data-testid="statement-handed"' in page.text

    users.headers("transfer_station", "420000")
    login = {"username": "transfer_station_420000", "password": "correct horse"}
    assert client.post("/api/v1/auth/login", json=login).status_code == 200
    assert client.get("/", follow_redirects=False).headers["location"] == "/transport"
    page = client.get("/transport/shuttles")
    assert 'data-testid="swap-received-form"' in page.text
    assert 'data-testid="shuttle-form"' not in page.text
    received = {"csrf_token": client.cookies["baotong_csrf"], "name": "孙强",
                "area_vehicle": "鄂A·Q0001", f"seal_{first}": "QF-1", f"count_{first}": "3",
                f"seal_{second}": "QF-2", f"count_{second}": "1"}  # fmt: skip
    done = client.post(f"/transport/shuttles/{shuttle_id}/swap/received", data=received,
                       follow_redirects=False)  # fmt: skip
    assert done.status_code == 303, done.text
    swapped = client.get(url, headers=td).json()
    assert (swapped["stage"], swapped["swap_state"]) == ("swapped", "done")
    assert [(d["kind"], d["document_id"]) for d in swapped["discrepancies"]] == [("short", second)]
    again = client.post(f"/transport/shuttles/{shuttle_id}/swap/received", data=received)
    assert again.status_code == 409
