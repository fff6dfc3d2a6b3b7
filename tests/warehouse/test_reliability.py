"""Pickers keep scanning while the service is killed with SIGKILL and restarted: every
acknowledged scan stays applied, none is applied twice, and the ledger still sums to
on-hand — on both databases."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import httpx
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker
from tests.warehouse.conftest import CODE, SYSTEM, make_site

from baotong.auth import service as auth_service
from baotong.db.session import session_scope
from baotong.warehouse import inbound, ledger, service
from baotong.warehouse.models import Move, Scan
from baotong.warehouse.schemas import ReceiveLine

LOTS = 120
PICKERS = 6


def _serve(url: str, folder: Path, port: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "BAOTONG_DATABASE_URL": url,
        "BAOTONG_DATA_DIR": str(folder),
        "BAOTONG_SECRET_KEY": "r" * 40,
        "BAOTONG_JOB_WORKERS": "1",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "baotong", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return server
        except httpx.HTTPError:
            time.sleep(0.1)
    server.kill()
    raise AssertionError("the service did not start within 60 s")


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_scans_survive_a_sigkill_of_the_service_applied_exactly_once(
    database_url: str, sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    with session_scope(sessions) as session:
        make_site(session)
        auth_service.create_user(session, username="picker", password="correct horse", role="admin")
        lines = [ReceiveLine(sku="FOOD-NOODLE", qty=2, lot=f"R{i:03d}") for i in range(LOTS)]
        receipt, _ = inbound.receive(session, SYSTEM, CODE, lines=lines)
        putaway = service.get_document(session, SYSTEM, int(receipt.data["putaway_id"]))
        work = [(line.id, uuid.uuid4().hex) for line in service.lines_of(session, putaway)]
    port = _port()
    base = f"http://127.0.0.1:{port}"
    server = _serve(database_url, tmp_path, port)
    token = httpx.post(
        f"{base}/api/v1/auth/login", json={"username": "picker", "password": "correct horse"}
    ).json()
    headers = {"Authorization": f"Bearer {token['access_token']}"}
    acknowledged: set[str] = set()
    lock = threading.Lock()

    def picker(share: list[tuple[int, str]]) -> None:
        with httpx.Client(base_url=base, headers=headers, timeout=10) as http:
            for line_id, scan_id in share:
                try:
                    reply = http.post(
                        f"/api/v1/warehouse/documents/{putaway.id}/putaway",
                        json={"line_id": line_id, "scan_id": scan_id},
                    )
                except httpx.HTTPError:
                    return  # the service died under us: this handheld stops
                if reply.status_code == 200:
                    with lock:
                        acknowledged.add(scan_id)

    threads = [threading.Thread(target=picker, args=(work[i::PICKERS],)) for i in range(PICKERS)]
    for thread in threads:
        thread.start()
    while len(acknowledged) < LOTS // 3:
        time.sleep(0.01)
    os.kill(server.pid, signal.SIGKILL)  # in the middle of the pickers' scans
    server.wait()
    for thread in threads:
        thread.join()
    assert 0 < len(acknowledged) < LOTS

    server = _serve(database_url, tmp_path, port)
    try:
        with httpx.Client(base_url=base, headers=headers, timeout=30) as http:
            answers = {
                scan_id: http.post(
                    f"/api/v1/warehouse/documents/{putaway.id}/putaway",
                    json={"line_id": line_id, "scan_id": scan_id},
                ).json()
                for line_id, scan_id in work  # every handheld resends everything
            }
    finally:
        server.terminate()
        server.wait(timeout=30)
    for scan_id in acknowledged:
        assert answers[scan_id]["applied"] is False  # kept, and not applied again
    assert all(a["document"]["id"] == putaway.id for a in answers.values())
    with session_scope(sessions) as session:
        assert session.scalar(select(func.count()).select_from(Scan)) == LOTS
        put_away = session.scalar(
            select(func.count()).select_from(Move).where(Move.document_id == putaway.id)
        )
        assert put_away == LOTS
        assert ledger.differences(session) == []
        assert service.get_document(session, SYSTEM, putaway.id).status == "done"
