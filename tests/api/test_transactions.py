"""A request's transaction always ends, however many requests wait to begin theirs.

Each writing request keeps its transaction (and the row locks it took, or SQLite's write
lock) from its session dependency to the end of the response. Begun on the request thread
pool, sixty people changing the same row at once filled all forty threads with requests
waiting for one of the fifteen connections or for the write lock, while the requests that
held them waited for a thread to run their endpoint or commit.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.orm import Session, sessionmaker
from tests.warehouse.conftest import CODE, SYSTEM, make_site

from baotong.app import create_app
from baotong.auth import service as auth_service
from baotong.config import Settings
from baotong.db.session import session_scope
from baotong.network.entities import Network
from baotong.warehouse import inbound, ledger, service
from baotong.warehouse.schemas import ReceiveLine

WRITERS = 60  # more than the request threads (40) and the connections (15)
ZONES = ["Asia/Shanghai", "Asia/Urumqi", "Asia/Harbin", "Asia/Chongqing"]


@asynccontextmanager
async def _logged_in(app: FastAPI) -> AsyncIterator[tuple[httpx.AsyncClient, dict[str, str]]]:
    """The started service's client, and the headers of user "busy" logged in."""
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c,
    ):
        body = {"username": "busy", "password": "correct horse"}
        login = await c.post("/api/v1/auth/login", json=body)
        yield c, {"Authorization": f"Bearer {login.json()['access_token']}"}


async def _change_time_zone(c: httpx.AsyncClient, headers: dict[str, str], k: int) -> int:
    """One writer of the user's row (through the session dependency)."""
    reply = await c.put("/api/v1/auth/me/time-zone", headers=headers,
                        json={"time_zone": ZONES[k % len(ZONES)]})  # fmt: skip
    return reply.status_code


def test_sixty_writers_of_one_row_at_once_all_finish(
    service_settings: Settings, seeded: sessionmaker[Session], network: Network
) -> None:
    with session_scope(seeded) as session:
        auth_service.create_user(session, username="busy", password="correct horse",
                                 role="dispatcher")  # fmt: skip
    app = create_app(service_settings, network=lambda: network)

    async def run() -> list[int]:
        async with _logged_in(app) as (c, headers):

            async def change(k: int) -> int:
                return await _change_time_zone(c, headers, k)

            return await asyncio.wait_for(
                asyncio.gather(*(change(k) for k in range(WRITERS))), timeout=120
            )

    assert asyncio.run(run()) == [200] * WRITERS


def test_scans_in_one_step_and_writers_of_the_session_dependency_all_finish_together(
    service_settings: Settings, seeded: sessionmaker[Session], network: Network
) -> None:
    """Sixty put-away scans (``api.deps.Step``: the whole transaction on one thread) of one
    document's lines, each sent twice, among sixty writers of one row through the session
    dependency: every request finishes, every scan is applied once, nothing is half-done."""
    with session_scope(seeded) as session:
        auth_service.create_user(session, username="busy", password="correct horse",
                                 role="admin")  # fmt: skip
        make_site(session)
        lines = [ReceiveLine(sku="VEG-ONION", qty=2, lot=f"L{k:02d}") for k in range(WRITERS)]
        receipt, _ = inbound.receive(session, SYSTEM, CODE, lines=lines)
        putaway = service.get_document(session, SYSTEM, int(receipt.data["putaway_id"]))
        line_ids = [line.id for line in service.lines_of(session, putaway)]
    app = create_app(service_settings, network=lambda: network)

    async def run() -> tuple[list[int], list[bool]]:
        async with _logged_in(app) as (c, headers):

            async def change(k: int) -> int:
                return await _change_time_zone(c, headers, k)

            async def scan(k: int) -> tuple[int, bool]:
                reply = await c.post(
                    f"/api/v1/warehouse/documents/{putaway.id}/putaway",
                    headers=headers,
                    json={"line_id": line_ids[k % WRITERS], "scan_id": f"scan-{k % WRITERS:04d}"},
                )
                return reply.status_code, reply.status_code == 200 and reply.json()["applied"]

            done = await asyncio.wait_for(
                asyncio.gather(
                    *(scan(k) for k in range(2 * WRITERS)), *(change(k) for k in range(WRITERS))
                ),
                timeout=180,
            )
            scans, changes = done[: 2 * WRITERS], done[2 * WRITERS :]
            return [*(s for s, _ in scans), *changes], [a for _, a in scans]

    statuses, applied = asyncio.run(run())
    assert statuses == [200] * (3 * WRITERS)
    assert sum(applied) == WRITERS  # each scan id once; its second sending a repeat
    with session_scope(seeded) as session:
        doc = service.get_document(session, SYSTEM, putaway.id)
        assert doc.status == "done"
        assert ledger.differences(session) == []


def test_a_scan_trusts_a_login_its_process_checked_for_a_second_and_a_logout_at_once(
    service_settings: Settings,
    seeded: sessionmaker[Session],
    network: Network,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A handheld's token is looked up once a second by its process, not for every scan: a
    login revoked elsewhere (another process, an administrator) is refused once that second
    is over; a logout through this process, and a wrong token, at once."""
    from baotong.api import deps

    clock = [1000.0]
    monkeypatch.setattr(deps.time, "monotonic", lambda: clock[0])
    with session_scope(seeded) as session:
        auth_service.create_user(session, username="busy", password="correct horse",
                                 role="admin")  # fmt: skip
        make_site(session)
        lines = [ReceiveLine(sku="VEG-ONION", qty=2, lot=f"L{k:02d}") for k in range(4)]
        receipt, _ = inbound.receive(session, SYSTEM, CODE, lines=lines)
        putaway = service.get_document(session, SYSTEM, int(receipt.data["putaway_id"]))
        line_ids = [line.id for line in service.lines_of(session, putaway)]
    app = create_app(service_settings, network=lambda: network)

    async def run() -> list[int]:
        async with _logged_in(app) as (c, headers):

            async def scan(k: int, sent: dict[str, str]) -> int:
                body = {"line_id": line_ids[k], "scan_id": f"trusted-{k:04d}"}
                url = f"/api/v1/warehouse/documents/{putaway.id}/putaway"
                return (await c.post(url, headers=sent, json=body)).status_code

            statuses = [await scan(0, headers)]  # checked against the database, then trusted
            with session_scope(seeded) as session:  # revoked by another process
                user = auth_service.get_user(session, "busy")
                assert user is not None
                auth_service.revoke_sessions(session, user=user)
            statuses.append(await scan(1, headers))  # within the second: trusted
            clock[0] += deps.LOGIN_TRUSTED_S
            statuses.append(await scan(2, headers))  # the second is over: looked up, refused
            wrong = {"Authorization": headers["Authorization"] + "x"}
            statuses.append(await scan(3, wrong))
            again = {"username": "busy", "password": "correct horse"}
            login = await c.post("/api/v1/auth/login", json=again)
            fresh = {"Authorization": f"Bearer {login.json()['access_token']}"}
            statuses.append(await scan(3, fresh))
            statuses.append((await c.post("/api/v1/auth/logout", headers=fresh)).status_code)
            statuses.append(await scan(3, fresh))  # logged out through this process: at once
            return statuses

    assert asyncio.run(run()) == [200, 200, 401, 401, 200, 204, 401]
