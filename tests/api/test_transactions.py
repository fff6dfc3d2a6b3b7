"""A request's transaction always ends, however many requests wait to begin theirs.

Each writing request keeps its transaction (and the row locks it took, or SQLite's write
lock) from its session dependency to the end of the response. Begun on the request thread
pool, sixty people changing the same row at once filled all forty threads with requests
waiting for one of the fifteen connections or for the write lock, while the requests that
held them waited for a thread to run their endpoint or commit.
"""

from __future__ import annotations

import asyncio

import httpx
from sqlalchemy.orm import Session, sessionmaker

from baotong.app import create_app
from baotong.auth import service as auth_service
from baotong.config import Settings
from baotong.db.session import session_scope
from baotong.network.entities import Network

WRITERS = 60  # more than the request threads (40) and the connections (15)
ZONES = ["Asia/Shanghai", "Asia/Urumqi", "Asia/Harbin", "Asia/Chongqing"]


def test_sixty_writers_of_one_row_at_once_all_finish(
    service_settings: Settings, seeded: sessionmaker[Session], network: Network
) -> None:
    with session_scope(seeded) as session:
        auth_service.create_user(session, username="busy", password="correct horse",
                                 role="dispatcher")  # fmt: skip
    app = create_app(service_settings, network=lambda: network)

    async def run() -> list[int]:
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c,
        ):
            body = {"username": "busy", "password": "correct horse"}
            login = await c.post("/api/v1/auth/login", json=body)
            headers = {"Authorization": f"Bearer {login.json()['access_token']}"}

            async def change(k: int) -> int:
                reply = await c.put("/api/v1/auth/me/time-zone", headers=headers,
                                    json={"time_zone": ZONES[k % len(ZONES)]})  # fmt: skip
                return reply.status_code

            return await asyncio.wait_for(
                asyncio.gather(*(change(k) for k in range(WRITERS))), timeout=120
            )

    assert asyncio.run(run()) == [200] * WRITERS
