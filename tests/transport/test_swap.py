"""The swap at the transfer station stated by each side on its own: the shuttle's side by
the transport dispatcher, the station's by the transfer station's staff, each once; the
swap state walks waiting → handed / received → done, and racing statements (both sides at
once, or one side twice) land exactly as they should on both databases. Also the CLI that
records a side as a named user."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker
from tests.transport.test_shuttles import API, _at_station
from typer.testing import CliRunner

from baotong.auth.permissions import Principal, Role, Scope
from baotong.cli.main import app
from baotong.config import get_settings
from baotong.core.exceptions import ConflictError, PermissionDeniedError
from baotong.db.session import session_scope
from baotong.network.entities import Network
from baotong.transport import shuttles
from baotong.transport.entities import Leg
from baotong.transport.models import Handover, Shuttle

HUBEI = "420000"
CREW = Principal(0, "crew", Role.TRANSPORT_DISPATCHER, Scope.province(HUBEI))
STATION = Principal(0, "station", Role.TRANSFER_STATION, Scope.province(HUBEI))


def _station_shuttle(client: TestClient, users: Any, seeded: sessionmaker[Session]) -> str:
    url, _ = _at_station(client, users.headers("transport_dispatcher", HUBEI), seeded,
                         [(3, "QF-1")])  # fmt: skip
    return url


def test_each_side_states_once_and_by_its_own_role(
    client: TestClient, users: Any, seeded: sessionmaker[Session]
) -> None:
    url = _station_shuttle(client, users, seeded)
    td, ts = users.headers("transport_dispatcher", HUBEI), users.headers("transfer_station", HUBEI)
    handed = {"name": "赵师傅", "seal": "QF-1", "count": 3}
    received = {"name": "孙强", "seal": "QF-1", "count": 3, "area_vehicle": "鄂A·Q0001"}
    # the wrong role for the side: 403; a station of another province: 404
    assert client.post(f"{url}/swap/received", headers=td, json=received).status_code == 403
    assert client.post(f"{url}/swap/handed", headers=ts, json=handed).status_code == 403
    henan = users.headers("transfer_station", "410000")
    assert client.post(f"{url}/swap/received", headers=henan, json=received).status_code == 404
    assert client.get(url, headers=henan).status_code == 404
    # the station first this time: the swap waits for the shuttle's side
    first = client.post(f"{url}/swap/received", headers=ts, json=received)
    assert first.status_code == 200, first.text
    assert (first.json()["swap_state"], first.json()["stage"]) == ("received", "at_station")
    assert first.json()["received"]["by"] == "transfer_station_420000"
    again = client.post(f"{url}/swap/received", headers=ts, json={**received, "count": 2})
    assert again.status_code == 409
    assert (again.json()["code"], again.json()["side"], again.json()["by"]) == \
        ("shuttle.side_recorded", "received", "transfer_station_420000")  # fmt: skip
    assert "transfer_station_420000" in again.json()["detail"]
    no_vehicle = client.post(
        f"{url}/swap/received", headers=ts, json={**received, "area_vehicle": ""}
    )
    assert no_vehicle.status_code == 422
    done = client.post(f"{url}/swap/handed", headers=td, json=handed)
    assert done.status_code == 200, done.text
    assert (done.json()["swap_state"], done.json()["stage"]) == ("done", "swapped")
    assert done.json()["discrepancies"] == []
    assert done.json()["swap"]["area_vehicle"] == "鄂A·Q0001"
    late = client.post(f"{url}/swap/handed", headers=td, json=handed)
    assert (late.status_code, late.json()["code"]) == (409, "shuttle.wrong_stage")
    board = client.get(f"{API}/shuttles", headers=ts)
    assert board.status_code == 200
    assert board.json()["shuttles"][0]["swap_state"] == "done"
    # the station reads the board, nothing it may not change
    assert client.post(f"{API}/vehicles", headers=ts, json={}).status_code == 403


def test_the_service_refuses_a_side_to_a_role_without_it(
    client: TestClient, users: Any, seeded: sessionmaker[Session], network: Network
) -> None:
    url = _station_shuttle(client, users, seeded)
    shuttle_id = int(url.rsplit("/", 1)[1])
    with session_scope(seeded) as session, pytest.raises(PermissionDeniedError) as refused:
        shuttles.record_side(session, shuttle_id, side="handed",
                             statement=shuttles.SwapSide("x", "QF-1", 3), network=network,
                             principal=STATION)  # fmt: skip
    assert refused.value.code == "shuttle.not_your_side"


def _race(work: list[Callable[[], None]]) -> list[BaseException]:
    errors: list[BaseException] = []
    start = threading.Barrier(len(work))

    def run(task: Callable[[], None]) -> None:
        start.wait()
        try:
            task()
        except BaseException as exc:  # noqa: BLE001  (collected, asserted below)
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(task,)) for task in work]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def _state(sessions: sessionmaker[Session], network: Network, shuttle_id: int, side: str,
           principal: Principal, count: int = 3) -> Callable[[], None]:  # fmt: skip
    def task() -> None:
        with session_scope(sessions) as session:
            shuttles.record_side(session, shuttle_id, side=side,
                                 statement=shuttles.SwapSide(principal.username, "QF-1", count),
                                 area_vehicle="鄂A·Q0001", network=network,
                                 principal=principal)  # fmt: skip

    return task


def test_both_sides_racing_both_land_and_the_swap_is_done_once(
    client: TestClient, users: Any, seeded: sessionmaker[Session], network: Network
) -> None:
    shuttle_id = int(_station_shuttle(client, users, seeded).rsplit("/", 1)[1])
    errors = _race(
        [
            _state(seeded, network, shuttle_id, "handed", CREW),
            _state(seeded, network, shuttle_id, "received", STATION, count=2),
        ]
    )
    assert errors == []
    with session_scope(seeded, write=False) as session:
        row = session.get(Shuttle, shuttle_id)
        assert row is not None
        assert (row.swap_state.value, row.stage.value) == ("done", "swapped")
        assert (row.handed or {})["by"] == "crew"
        assert (row.received or {})["by"] == "station"
        assert [(d["kind"], d["found"]) for d in row.discrepancies] == [("short", 2)]
        swaps = (
            select(func.count())
            .select_from(Handover)
            .where(Handover.load_ref == row.load_ref, Handover.leg == Leg.SWAP)
        )
        assert session.scalar(swaps) == 1


def test_the_same_side_twice_at_once_is_recorded_once(
    client: TestClient, users: Any, seeded: sessionmaker[Session], network: Network
) -> None:
    shuttle_id = int(_station_shuttle(client, users, seeded).rsplit("/", 1)[1])
    other = Principal(0, "station2", Role.TRANSFER_STATION, Scope.province(HUBEI))
    errors = _race(
        [
            _state(seeded, network, shuttle_id, "received", STATION, count=3),
            _state(seeded, network, shuttle_id, "received", other, count=1),
        ]
    )
    assert len(errors) == 1, errors
    [refused] = errors
    assert isinstance(refused, ConflictError)
    assert refused.code == "shuttle.side_recorded"
    with session_scope(seeded, write=False) as session:
        row = session.get(Shuttle, shuttle_id)
        assert row is not None
        assert (row.swap_state.value, row.stage.value) == ("received", "at_station")
        winner = (row.received or {})["by"]
        assert winner in {"station", "station2"}
        assert refused.data["by"] == winner
        assert row.handed is None


def test_the_cli_records_a_side_as_a_named_user(
    client: TestClient, users: Any, seeded: sessionmaker[Session], database_url: str,
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    shuttle_id = _station_shuttle(client, users, seeded).rsplit("/", 1)[1]
    users.headers("transport_dispatcher", HUBEI)
    users.headers("transfer_station", HUBEI)
    monkeypatch.setenv("BAOTONG_DATABASE_URL", database_url)
    monkeypatch.setenv("BAOTONG_DATA_DIR", str(tmp_path / "var"))
    get_settings.cache_clear()
    runner = CliRunner()
    try:
        wrong = runner.invoke(app, ["transport", "swap", shuttle_id, "--side", "handed",
                                    "--as", "transfer_station_420000", "--name", "孙强",
                                    "--seal", "QF-1", "--count", "3"])  # fmt: skip
        handed = runner.invoke(app, ["transport", "swap", shuttle_id, "--side", "handed",
                                     "--as", "transport_dispatcher_420000", "--name", "赵师傅",
                                     "--seal", "QF-1", "--count", "3"])  # fmt: skip
        received = runner.invoke(app, ["transport", "swap", shuttle_id, "--side", "received",
                                       "--as", "transfer_station_420000", "--name", "孙强",
                                       "--seal", "QF-9", "--count", "2",
                                       "--area-vehicle", "鄂A·Q0001"])  # fmt: skip
        unknown = runner.invoke(app, ["transport", "swap", shuttle_id, "--side", "handed",
                                      "--as", "nobody", "--name", "x"])  # fmt: skip
    finally:
        get_settings.cache_clear()
    assert wrong.exit_code == 1, wrong.output
    assert "may not state the handed side" in wrong.output
    assert handed.exit_code == 0, handed.output
    assert "swap handed" in handed.output
    assert received.exit_code == 0, received.output
    assert "swap done, swapped" in received.output
    assert "seal_mismatch: QF-1 → QF-9" in received.output
    assert "short: 3 → 2" in received.output
    assert unknown.exit_code == 2
