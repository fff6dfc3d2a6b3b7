"""Inbound mail for a closed area at its delivery station: the special run from the backup
centre, its arrival as a handover, opening a bag against its manifest with tracking scans,
the call list in the caller's order with its guarded contact states, the delivery that
closes a line and its proof (a photo and/or the signed name, kept as the handover's
evidence), the return of a refused item, planning a run from the station page, revealing a
phone (audited), the page, the CLI and the demo."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from rich.console import Console
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker
from tests.contingency.test_api import _computed_plan
from typer.testing import CliRunner

from baotong.audit.models import AuditEntry
from baotong.auth.permissions import Principal
from baotong.cli import transport as transport_cli
from baotong.cli.main import app
from baotong.config import Settings, get_settings
from baotong.core.exceptions import ValidationError
from baotong.db.session import session_scope
from baotong.network.entities import Network, ProductClass
from baotong.tracking import s10
from baotong.tracking import service as tracking
from baotong.tracking.schemas import ItemCreate
from baotong.transport import service, stations
from baotong.transport.models import SpecialRun, StationBag, StationItem

API = "/api/v1/transport"
STATION = "S4101020"  # 河南2县0站, county 410102
PEOPLE = [("刘芳", "13903710001", "金水区 锦江花园小区 3号楼"),
          ("张伟", "13903710002", "金水区 农科新村 12号"),
          ("王秀英", "13903710003", "金水区 经三路 5号"),
          ("李强", "13903710004", "金水区 晨旭苑 9号楼"),
          ("陈静", "13903710005", "")]  # fmt: skip


def cli_against(
    monkeypatch: pytest.MonkeyPatch, database_url: str, tmp_path: Path, network: Network
) -> None:
    """The CLI run in this process against the test's database and network."""
    monkeypatch.setenv("BAOTONG_DATABASE_URL", database_url)
    monkeypatch.setenv("BAOTONG_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setattr(transport_cli, "load_active", lambda _: network)
    monkeypatch.setattr(transport_cli, "console", Console(width=200))
    get_settings.cache_clear()


def _items(sessions: sessionmaker[Session], network: Network, start: int = 500) -> list[str]:
    numbers = [s10.make("XD", start + i) for i in range(len(PEOPLE))]
    with session_scope(sessions) as session:
        tracking.add_items(session, network=network, items=[
            ItemCreate(number=n, product_class=ProductClass.PARCEL, origin_site_id="ZZ",
                       dest_region_code="410102", dest_station_id=STATION,
                       recipient_contact=" ".join(p).strip())
            for n, p in zip(numbers, PEOPLE, strict=True)])  # fmt: skip
    return numbers


def _fleet(client: TestClient, td: dict[str, str]) -> dict[str, int]:
    van = client.post(f"{API}/vehicles", headers=td, json={
        "plate": "豫A·Z0001", "kind": "van", "capacity_kg": 1500, "capacity_m3": 8,
        "packages": 400, "home_site": "ZZ", "province_code": "410000"})  # fmt: skip
    driver = client.post(f"{API}/people", headers=td, json={
        "name": "郭师傅", "phone": "13800000009", "job": "driver", "site": "ZZ",
        "province_code": "410000"})  # fmt: skip
    assert van.status_code == 201, van.text
    assert driver.status_code == 201, driver.text
    return {"vehicle_id": van.json()["id"], "driver_id": driver.json()["id"]}


def _plan(client: TestClient, headers: dict[str, str], fleet: dict[str, int],
          numbers: list[str], **extra: Any) -> Any:  # fmt: skip
    return client.post(f"{API}/special-runs", headers=headers, json={
        "station_id": STATION, "run_date": str(service.today()), **fleet,
        "bags": [{"label": "ZT-01", "items": [{"number": n} for n in numbers[:3]]
                  + [{"number": numbers[3], "pickup_point": "晨旭苑 团购自提点"}]},
                 {"label": "ZT-02", "items": [{"number": numbers[4]}]}], **extra})  # fmt: skip


def test_a_special_run_arrives_its_bag_is_opened_and_the_calls_close_with_delivery(
    client: TestClient, users: Any, seeded: sessionmaker[Session], network: Network
) -> None:
    td = users.headers("transport_dispatcher", "410000")
    staff = users.headers("station_staff", "410000")
    numbers = _items(seeded, network)
    fleet = _fleet(client, td)
    assert _plan(client, td, fleet, numbers).status_code == 403  # a dispatcher reads only
    made = _plan(client, staff, fleet, numbers)
    assert made.status_code == 201, made.text
    run = made.json()
    assert (run["origin"], run["origin_source"], run["stage"]) == ("ZZ", "baseline", "planned")
    assert [(b["label"], b["manifest_count"], b["state"]) for b in run["bags"]] == [
        ("ZT-01", 4, "sealed"),
        ("ZT-02", 1, "sealed"),
    ]
    bag = run["bags"][0]["id"]
    refused = client.post(f"{API}/bags/{bag}/open", headers=staff, json={"scanned": numbers[:2]})
    assert (refused.status_code, refused.json()["code"]) == (409, "bag.not_arrived")

    url = f"{API}/special-runs/{run['id']}"
    assert client.post(f"{url}/depart", headers=staff, json={}).json()["stage"] == "on_road"
    arrived = client.post(f"{url}/arrive", headers=staff, json={"received_by": "吴敏"})
    assert arrived.json()["stage"] == "arrived", arrived.text
    chain = client.get(f"{API}/loads/{run['load_ref']}/custody", headers=td).json()
    assert [(h["leg"], h["from_party"], h["count"]) for h in chain["handovers"]] == [
        ("centre_to_station", "河南中心", 5)
    ]
    extra = _items(seeded, network, start=900)[0]  # not on the manifest, found in the bag
    opened = client.post(f"{API}/bags/{bag}/open", headers=staff,
                         json={"scanned": [numbers[0], numbers[1], numbers[3], extra]})  # fmt: skip
    assert opened.status_code == 200, opened.text
    assert (opened.json()["scanned_count"], opened.json()["missing"], opened.json()["extra"]) == (
        4,
        [numbers[2]],
        [extra],
    )
    again = client.post(f"{API}/bags/{bag}/open", headers=staff, json={"scanned": []})
    assert (again.status_code, again.json()["code"]) == (409, "bag.wrong_state")
    tracked = client.get(f"/api/v1/public/track/{numbers[0]}").json()
    assert [(e["event"], e["site_id"]) for e in tracked["events"]][-2:] == [
        ("dispatched", "ZZ"),
        ("arrived", STATION),
    ]

    calls = client.get(f"{API}/stations/{STATION}/calls", headers=td)
    assert calls.status_code == 200, calls.text
    lines = {c["number"]: c for c in calls.json()}
    assert set(lines) == {numbers[0], numbers[1], numbers[3], extra}
    first = lines[numbers[0]]
    assert (first["recipient"], first["phone"], first["pickup_point"], first["contact"]) == (
        "刘芳",
        "139****0001",
        "锦江花园小区",
        "to_call",
    )
    assert lines[numbers[3]]["pickup_point"] == "晨旭苑 团购自提点"

    def act(number: str, path: str, body: dict[str, Any]) -> Any:
        return client.post(f"{API}/calls/{lines[number]['id']}/{path}", headers=staff, json=body)

    no_answer = act(numbers[0], "contact", {"outcome": "no_answer"})
    assert (no_answer.json()["contact"], no_answer.json()["attempts"]) == ("no_answer", 1)
    assert no_answer.json()["next_try_at"] is not None
    early = act(numbers[1], "deliver", {"to": "张伟"})
    assert (early.status_code, early.json()["code"]) == (409, "station_item.wrong_contact")
    assert act(numbers[1], "contact", {"outcome": "reached"}).json()["contact"] == "reached"
    later = (service.start_of(service.today()) + timedelta(days=1, hours=15)).isoformat()
    uncalled = act(numbers[3], "contact", {"outcome": "appointment", "appointment_at": later})
    assert uncalled.status_code == 409  # no appointment before the recipient is reached
    act(numbers[3], "contact", {"outcome": "reached"})
    no_time = act(numbers[3], "contact", {"outcome": "appointment"})
    assert (no_time.status_code, no_time.json()["code"]) == (422, "station_item.no_appointment")
    booked = act(numbers[3], "contact", {"outcome": "appointment", "appointment_at": later})
    assert booked.json()["contact"] == "appointment"
    refused_call = act(extra, "contact", {"outcome": "refused"})
    assert refused_call.status_code == 409  # refused only after reaching them
    done = act(numbers[1], "deliver", {"to": "张伟", "count": 1})
    assert done.status_code == 200, done.text
    assert (done.json()["contact"], done.json()["delivered_to"]) == ("delivered", "张伟")
    again = act(numbers[1], "contact", {"outcome": "reached"})
    assert (again.status_code, again.json()["code"]) == (409, "station_item.wrong_contact")

    # The caller's order: not reached first (the to-call before the no-answer waiting for
    # its next try), then the reached and appointed; the delivered line is gone.
    order = [c["number"] for c in client.get(f"{API}/stations/{STATION}/calls",
                                             headers=staff).json()]  # fmt: skip
    assert order == [extra, numbers[0], numbers[3]]
    assert tracked != client.get(f"/api/v1/public/track/{numbers[1]}").json()
    assert client.get(f"/api/v1/public/track/{numbers[1]}").json()["status"] == "delivered"
    handed = client.get(f"{API}/loads/{numbers[1]}/custody", headers=td).json()["handovers"]
    assert [(h["leg"], h["to_party"], h["count"]) for h in handed] == [("to_recipient", "张伟", 1)]

    assert client.post(f"{API}/calls/{first['id']}/reveal", headers=td).status_code == 403
    revealed = client.post(f"{API}/calls/{first['id']}/reveal", headers=staff)
    assert revealed.json()["phone"] == "13903710001"
    with session_scope(seeded, write=False) as session:
        assert session.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.action == "station_item.reveal")) == 1  # fmt: skip

    hubei = users.headers("station_staff", "420000")
    assert client.get(f"{API}/stations/{STATION}/calls", headers=hubei).status_code == 404
    assert client.post(f"{API}/calls/{first['id']}/reveal", headers=hubei).status_code == 404
    assert client.get(f"{API}/special-runs", headers=hubei).json() == []


def test_a_special_run_starts_at_the_backup_of_the_plan_in_force_and_needs_its_pass(
    client: TestClient, users: Any, seeded: sessionmaker[Session], network: Network,
    scenario_body: Callable[..., dict[str, Any]], wait: Callable[..., dict[str, Any]],
) -> None:  # fmt: skip
    plan_id = _computed_plan(client, users, scenario_body, wait)
    assert client.post(f"/api/v1/plans/{plan_id}/approve",
                       headers=users.headers("planner")).status_code == 200  # fmt: skip
    assert client.post(f"/api/v1/plans/{plan_id}/activate",
                       headers=users.headers("dispatcher")).status_code == 200  # fmt: skip
    backup = client.get("/api/v1/routing", params={"destination": STATION},
                        headers=users.headers("dispatcher")).json()["center_id"]  # fmt: skip
    assert backup != "ZZ"
    staff = users.headers("station_staff", "410000")
    run = _plan(client, staff, _fleet(client, users.headers("transport_dispatcher", "410000")),
                _items(seeded, network))  # fmt: skip
    assert run.status_code == 201, run.text
    assert (run.json()["origin"], run.json()["origin_source"], run.json()["plan_id"]) == (
        backup,
        "plan",
        plan_id,
    )
    blocked = client.post(f"{API}/special-runs/{run.json()['id']}/depart", headers=staff, json={})
    assert (blocked.status_code, blocked.json()["code"]) == (409, "run.not_cleared")
    # The station page shows what the run lacks, and its depart button is refused alike.
    login = {"username": "station_staff_410000", "password": "correct horse"}
    assert client.post("/api/v1/auth/login", json=login).status_code == 200
    page = client.get(f"/transport/stations/{STATION}")
    csrf = {"csrf_token": client.cookies.get("baotong_csrf") or ""}
    check = page.text.split('data-testid="run-check"', 1)[1].split("</div></div>", 1)[0]
    assert "豫A·Z0001" in check or "郭师傅" in check
    refused = client.post(f"/transport/stations/{STATION}/special-runs/{run.json()['id']}/depart",
                          data=csrf)  # fmt: skip
    assert refused.status_code == 409
    assert 'data-testid="error"' in refused.text
    assert "Traceback" not in refused.text
    wrong = client.post(
        f"{API}/special-runs",
        headers=staff,
        json={
            "station_id": "S4101010",
            "run_date": str(service.today()),
            "vehicle_id": 1,
            "driver_id": 1,
            "bags": [{"label": "x", "items": [{"number": s10.make("XD", 500)}]}],
        },
    )
    assert (wrong.status_code, wrong.json()["code"]) == (422, "special_run.wrong_station")


def test_the_station_page_and_the_cli_show_the_call_list(
    client: TestClient, users: Any, seeded: sessionmaker[Session], network: Network,
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    staff = users.headers("station_staff", "410000")
    numbers = _items(seeded, network)
    run = _plan(client, staff, _fleet(client, users.headers("transport_dispatcher", "410000")),
                numbers).json()  # fmt: skip
    client.post(f"{API}/special-runs/{run['id']}/depart", headers=staff, json={})
    login = {"username": "station_staff_410000", "password": "correct horse"}
    assert client.post("/api/v1/auth/login", json=login).status_code == 200
    page = client.get(f"/transport/stations/{STATION}")
    assert page.status_code == 200
    assert 'data-testid="arrive"' in page.text
    csrf = client.cookies.get("baotong_csrf") or ""
    headers = {"x-csrf-token": csrf}
    form = {"csrf_token": csrf}
    arrived = client.post(f"/transport/stations/{STATION}/special-runs/{run['id']}/arrive",
                          data={**form, "received_by": "吴敏"}, headers=headers,
                          follow_redirects=False)  # fmt: skip
    assert arrived.status_code == 303, arrived.text
    bag = run["bags"][0]["id"]
    opened = client.post(f"/transport/stations/{STATION}/bags/{bag}/open",
                         data={**form, "scanned": "\n".join(numbers[:2])}, headers=headers,
                         follow_redirects=False)  # fmt: skip
    assert opened.status_code == 303, opened.text
    page = client.get(f"/transport/stations/{STATION}")
    assert page.text.count('data-testid="call"') == 2
    assert "139****0001" in page.text
    assert "13903710001" not in page.text
    with session_scope(seeded, write=False) as session:
        line = session.scalar(select(StationItem.id).where(StationItem.number == numbers[0]))
    shown = client.post(f"/transport/stations/{STATION}/calls/{line}/reveal", data=form,
                        headers=headers)  # fmt: skip
    assert "13903710001" in shown.text
    bad = client.post(f"/transport/stations/{STATION}/calls/{line}/deliver",
                      data={**form, "to": "刘芳"}, headers=headers)  # fmt: skip
    assert bad.status_code == 409
    assert 'data-testid="error"' in bad.text
    assert client.get("/transport/stations/S999").status_code == 404
    assert STATION in client.get("/transport/stations").text

    cli_against(monkeypatch, database_url, tmp_path, network)
    try:
        result = CliRunner().invoke(app, ["transport", "calls", STATION])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    assert numbers[0] in result.output
    assert "139****0001" in result.output
    assert "to_call" in result.output


def test_the_demo_seeds_a_special_run_with_bags_and_a_call_list(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    from baotong.transport.demo_stations import seed_demo

    settings = Settings(data_dir=tmp_path, secret_key="k" * 40)
    with session_scope(sessions) as session:
        said = seed_demo(session, settings)
    assert any("special run SR-" in line for line in said)
    assert any("station_henan" in line for line in said)
    with session_scope(sessions) as session:
        seed_demo(session, settings)  # again: no second run
    with session_scope(sessions, write=False) as session:
        assert session.scalar(select(func.count()).select_from(SpecialRun)) == 1
        bags = session.scalars(select(StationBag).order_by(StationBag.id)).all()
        assert [(b.state.value, len(b.missing)) for b in bags] == [("opened", 1), ("sealed", 0)]
        states = {i.contact.value for i in session.scalars(
            select(StationItem).where(StationItem.scanned_at.is_not(None)))}  # fmt: skip
        assert {"to_call", "no_answer", "reached", "appointment", "delivered", "refused"} <= states
        delivered = session.scalars(select(StationItem).where(
            StationItem.contact == "delivered")).all()  # fmt: skip
        proof = stations.proof_of(session, list(delivered))
        assert [p.signed_by for p in proof[delivered[0].id]] == ["陈静"]


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64  # what the checks read: the type and the size


def _opened(client: TestClient, users: Any, seeded: sessionmaker[Session],
            network: Network) -> tuple[dict[str, str], dict[str, dict[str, Any]], str]:  # fmt: skip
    """A special run arrived at the station with its first bag opened: the staff's headers,
    the call-list lines by item number, and the run's load reference."""
    staff = users.headers("station_staff", "410000")
    numbers = _items(seeded, network)
    run = _plan(client, staff, _fleet(client, users.headers("transport_dispatcher", "410000")),
                numbers).json()  # fmt: skip
    url = f"{API}/special-runs/{run['id']}"
    assert client.post(f"{url}/depart", headers=staff, json={}).status_code == 200
    assert client.post(f"{url}/arrive", headers=staff, json={"received_by": "吴敏"}).is_success
    opened = client.post(f"{API}/bags/{run['bags'][0]['id']}/open", headers=staff,
                         json={"scanned": numbers[:4]})  # fmt: skip
    assert opened.status_code == 200, opened.text
    lines = client.get(f"{API}/stations/{STATION}/calls", headers=staff).json()
    return staff, {c["number"]: c for c in lines}, run["load_ref"]


def _reach(client: TestClient, staff: dict[str, str], line: dict[str, Any]) -> None:
    reached = client.post(f"{API}/calls/{line['id']}/contact", headers=staff,
                          json={"outcome": "reached"})  # fmt: skip
    assert reached.json()["contact"] == "reached", reached.text


def _page_login(client: TestClient, username: str) -> dict[str, str]:
    """Log the test client's cookie in as ``username``; the form's CSRF field."""
    login = {"username": username, "password": "correct horse"}
    assert client.post("/api/v1/auth/login", json=login).status_code == 200
    assert client.get(f"/transport/stations/{STATION}").status_code in (200, 404)
    return {"csrf_token": client.cookies.get("baotong_csrf") or ""}


def test_a_delivery_keeps_a_photo_and_the_signed_name_as_its_proof(
    client: TestClient, users: Any, seeded: sessionmaker[Session], network: Network
) -> None:
    staff, lines, _ = _opened(client, users, seeded, network)
    td = users.headers("transport_dispatcher", "410000")
    hubei = users.headers("station_staff", "420000")
    first, second, third = (lines[n] for n in sorted(lines)[:3])
    early = client.post(f"{API}/calls/{first['id']}/proof", headers=staff,
                        data={"signed_by": "刘芳"})  # fmt: skip
    assert (early.status_code, early.json()["code"]) == (409, "station_item.not_delivered")
    for line in (first, second, third):
        _reach(client, staff, line)

    # Delivered with the name the recipient signed with: kept as the handover's signature.
    done = client.post(f"{API}/calls/{first['id']}/deliver", headers=staff,
                       json={"to": "刘芳", "signed_by": "刘芳"})  # fmt: skip
    assert done.status_code == 200, done.text
    proof = client.get(f"{API}/calls/{first['id']}/proof", headers=staff).json()
    assert [(p["kind"], p["signed_by"], p["url"]) for p in proof] == [("signature", "刘芳", None)]

    # A photo added afterwards; only JPEG or PNG pictures of at most 2 MB.
    url = f"{API}/calls/{first['id']}/proof"
    pdf = client.post(
        url, headers=staff, files={"photo": ("x.pdf", b"%PDF-1.4", "application/pdf")}
    )
    assert (pdf.status_code, pdf.json()["code"], pdf.json()["field"]) == (
        422,
        "station_item.photo_type",
        "photo",
    )
    empty = client.post(url, headers=staff, files={"photo": ("e.png", b"", "image/png")})
    assert (empty.status_code, empty.json()["code"]) == (422, "station_item.photo_size")
    huge = PNG + b"\x00" * (2 * 1024 * 1024)
    big = client.post(url, headers=staff, files={"photo": ("big.png", huge, "image/png")})
    assert big.status_code == 413  # over the request limit: refused before it is read
    with session_scope(seeded) as session, pytest.raises(ValidationError) as caught:
        stations.add_proof(session, first["id"], principal=Principal.system("test"),
                           photo=stations.Photo("big.png", "image/png",
                                                b"\x00" * (stations.PHOTO_MAX + 1)))  # fmt: skip
    assert (caught.value.code, caught.value.field) == ("station_item.photo_size", "photo")
    nothing = client.post(url, headers=staff, data={"signed_by": " "})
    assert (nothing.status_code, nothing.json()["code"]) == (422, "station_item.no_proof")
    assert (
        client.post(url, headers=td, files={"photo": ("d.png", PNG, "image/png")}).status_code
        == 403
    )
    assert (
        client.post(url, headers=hubei, files={"photo": ("d.png", PNG, "image/png")}).status_code
        == 404
    )
    added = client.post(url, headers=staff, files={"photo": ("door.png", PNG, "image/png")})
    assert added.status_code == 201, added.text
    assert [p["kind"] for p in added.json()] == ["signature", "photo"]
    photo = added.json()[1]
    got = client.get(photo["url"], headers=td)
    assert (got.status_code, got.content, got.headers["content-type"]) == (200, PNG, "image/png")
    assert client.get(photo["url"], headers=hubei).status_code == 404
    other = client.get(f"{API}/calls/{second['id']}/proof/{photo['evidence_id']}", headers=staff)
    assert other.status_code == 404  # the photo belongs to another line's delivery

    # The proof is the evidence of the station → recipient handover in the chain of custody.
    chain = client.get(f"{API}/loads/{first['number']}/custody", headers=td).json()
    assert [(h["leg"], [e["kind"] for e in h["evidence"]]) for h in chain["handovers"]] == [
        ("to_recipient", ["signature", "photo"])
    ]
    with session_scope(seeded, write=False) as session:
        assert session.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.action == "station_item.proof")) == 2  # fmt: skip

    # On the page: delivered with a photo from the phone's form, shown on the line after.
    form = _page_login(client, "station_staff_410000")
    page_url = f"/transport/stations/{STATION}/calls"
    refused = client.post(f"{page_url}/{second['id']}/deliver", data={**form, "to": "张伟"},
                          files={"photo": ("scan.pdf", b"%PDF", "application/pdf")})  # fmt: skip
    assert refused.status_code == 422
    assert 'data-testid="error"' in refused.text
    assert "photo" in refused.text
    assert "Traceback" not in refused.text
    delivered = client.post(f"{page_url}/{second['id']}/deliver",
                            data={**form, "to": "张伟", "signed_by": "张伟"},
                            files={"photo": ("door.jpg", PNG, "image/jpeg")},
                            follow_redirects=False)  # fmt: skip
    assert delivered.status_code == 303, delivered.text
    assert client.post(f"{page_url}/{third['id']}/deliver", data={**form, "to": "王秀英"},
                       follow_redirects=False).status_code == 303  # fmt: skip
    later = client.post(f"{page_url}/{third['id']}/proof", data={**form, "signed_by": "王秀英"},
                        follow_redirects=False)  # fmt: skip
    assert later.status_code == 303, later.text
    page = client.get(f"/transport/stations/{STATION}")
    assert page.text.count('data-testid="proof-signed"') == 3
    assert page.text.count('data-testid="proof-photo"') == 2
    link = f"{API}/calls/{second['id']}/proof/"  # the API's file, read with the page's login
    assert link in page.text
    evidence = page.text.split(link, 1)[1].split('"', 1)[0]
    assert client.get(link + evidence).content == PNG


def test_a_refused_item_goes_back_with_a_returned_scan(
    client: TestClient, users: Any, seeded: sessionmaker[Session], network: Network,
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    staff, lines, _ = _opened(client, users, seeded, network)
    td = users.headers("transport_dispatcher", "410000")
    first, second, third = (lines[n] for n in sorted(lines)[:3])
    url = f"{API}/calls/{first['id']}/return"
    early = client.post(url, headers=staff, json={})
    assert (early.status_code, early.json()["code"]) == (409, "station_item.wrong_contact")
    for line in (first, second, third):
        _reach(client, staff, line)
        refusal = client.post(f"{API}/calls/{line['id']}/contact", headers=staff,
                              json={"outcome": "refused", "note": "不要了"})  # fmt: skip
        assert refusal.json()["contact"] == "refused"
    assert client.post(url, headers=td, json={}).status_code == 403
    hubei = users.headers("station_staff", "420000")
    assert client.post(url, headers=hubei, json={}).status_code == 404
    back = client.post(url, headers=staff, json={"note": "退回寄件人"})
    assert back.status_code == 200, back.text
    assert (back.json()["contact"], back.json()["note"]) == ("returned", "退回寄件人")
    assert back.json()["returned_at"] is not None
    again = client.post(url, headers=staff, json={})
    assert (again.status_code, again.json()["code"]) == (409, "station_item.wrong_contact")
    no_call = client.post(f"{API}/calls/{first['id']}/contact", headers=staff,
                          json={"outcome": "returned"})  # fmt: skip
    assert (no_call.status_code, no_call.json()["code"]) == (422, "station_item.bad_outcome")
    tracked = client.get(f"/api/v1/public/track/{first['number']}").json()
    assert (tracked["events"][-1]["event"], tracked["events"][-1]["site_id"]) == (
        "returned",
        STATION,
    )
    calls = client.get(f"{API}/stations/{STATION}/calls", headers=staff).json()
    assert first["number"] not in {c["number"] for c in calls}  # the line is closed
    with session_scope(seeded, write=False) as session:
        assert session.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.action == "station_item.returned")) == 1  # fmt: skip

    # The page's button on a refused line.
    form = _page_login(client, "station_staff_410000")
    page = client.get(f"/transport/stations/{STATION}")
    assert page.text.count('data-testid="return"') == 2
    done = client.post(f"/transport/stations/{STATION}/calls/{second['id']}/return",
                       data={**form, "note": "拒收"}, follow_redirects=False)  # fmt: skip
    assert done.status_code == 303, done.text
    page = client.get(f"/transport/stations/{STATION}")
    assert page.text.count('data-testid="return"') == 1
    assert f'data-number="{second["number"]}" data-contact="returned"' in page.text

    # The CLI, as a named station user.
    cli_against(monkeypatch, database_url, tmp_path, network)
    try:
        command = ["transport", "return-item", STATION, third["number"], "--as"]
        denied = CliRunner().invoke(app, [*command, "transport_dispatcher_410000"])
        result = CliRunner().invoke(app, [*command, "station_staff_410000", "--note", "拒收"])
        twice = CliRunner().invoke(app, [*command, "station_staff_410000"])
    finally:
        get_settings.cache_clear()
    assert denied.exit_code == 1, denied.output  # the service refuses: not station staff
    assert "stations:work" in denied.output
    assert result.exit_code == 0, result.output
    assert f"{third['number']} at {STATION}: returned" in result.output
    assert twice.exit_code == 1, twice.output


def test_station_staff_plan_a_special_run_on_the_station_page(
    client: TestClient, users: Any, seeded: sessionmaker[Session], network: Network
) -> None:
    numbers = _items(seeded, network)
    fleet = _fleet(client, users.headers("transport_dispatcher", "410000"))
    users.headers("station_staff", "410000")
    users.headers("station_staff", "420000")
    form = _page_login(client, "station_staff_410000")
    page = client.get(f"/transport/stations/{STATION}")
    assert 'data-testid="plan-form"' in page.text
    assert "豫A·Z0001" in page.text
    assert "郭师傅" in page.text
    url = f"/transport/stations/{STATION}/special-runs"
    base = {**form, "vehicle_id": str(fleet["vehicle_id"]), "driver_id": str(fleet["driver_id"]),
            "run_date": str(service.today()), "origin": "", "route_type": "city"}  # fmt: skip

    def post(**values: str) -> Any:
        return client.post(url, data={**base, **values}, follow_redirects=False)

    bad_line = post(bags=f"ZT-01: {numbers[0]}\nno colon here")
    assert bad_line.status_code == 422
    assert "bags" in bad_line.text
    assert "2" in bad_line.text
    assert "no colon here" in bad_line.text  # the form comes back as typed
    unknown = post(bags=f"ZT-01: {numbers[0]} {s10.make('XD', 777)}")
    assert unknown.status_code == 422
    assert "bags.0.items.1.number" in unknown.text
    short = post(bags="ZT-01: XD1")
    assert short.status_code == 422
    assert "bags.0.items.0.number" in short.text
    no_vehicle = post(vehicle_id="", bags=f"ZT-01: {numbers[0]}")
    assert no_vehicle.status_code == 422
    assert "vehicle_id" in no_vehicle.text
    assert "Traceback" not in no_vehicle.text
    made = post(bags=f"ZT-01: {numbers[0]}, {numbers[1]}\nZT-02：{numbers[2]}")
    assert made.status_code == 303, made.text
    via = post(bags=f"ZT-03: {numbers[3]}", transfer="中牟中转站")
    assert via.status_code == 303, via.text
    with session_scope(seeded, write=False) as session:
        runs = session.scalars(select(SpecialRun).order_by(SpecialRun.id)).all()
        assert [(r.origin, r.origin_source, len(r.bags)) for r in runs] == [
            ("ZZ", "baseline", 2),
            ("中牟中转站", "transfer", 1),
        ]
        first = runs[0].id
    page = client.get(f"/transport/stations/{STATION}")
    assert page.text.count('data-testid="depart"') == 2
    sent = client.post(f"{url}/{first}/depart", data=form, follow_redirects=False)
    assert sent.status_code == 303, sent.text
    twice = client.post(f"{url}/{first}/depart", data=form)
    assert twice.status_code == 409
    assert 'data-testid="error"' in twice.text

    # Role and scope as the API: a dispatcher reads the station, staff elsewhere see nothing.
    form = _page_login(client, "transport_dispatcher_410000")
    assert 'data-testid="plan-form"' not in client.get(f"/transport/stations/{STATION}").text
    assert client.post(url, data={**base, **form, "bags": f"ZT-9: {numbers[4]}"},
                       follow_redirects=False).status_code == 403  # fmt: skip
    form = _page_login(client, "station_staff_420000")
    assert client.post(url, data={**base, **form, "bags": f"ZT-9: {numbers[4]}"},
                       follow_redirects=False).status_code == 404  # fmt: skip


def test_masking_and_reading_contacts() -> None:
    assert stations.mask("13903710001") == "139****0001"
    assert stations.mask("123") == "***"
    assert stations.parse_contact("刘芳 139-0371-0001 锦江花园小区 3号楼") == (
        "刘芳",
        "13903710001",
        "锦江花园小区 3号楼",
    )
    assert stations.parse_contact("13903710001") == ("", "13903710001", "")
    assert stations.community_of("金水区 农科新村 12号") == "农科新村"
    assert stations.community_of("经三路 5号") == "经三路 5号"
