"""Time to load the Henan plan page: server time, and a real browser to a rendered map.

Starts Baotong on a free port against a fresh SQLite database seeded with the reference
network, computes the Henan plan through the console (as a planner would), then measures

- server: the plan page HTML and its map data, rendered in-process (median and p95);
- browser: Chromium navigating to the plan page until the ECharts map has drawn the
  zones (``data-ready``), with a cold cache and with the browser's cache warm.

It also times the network map switching to all ~2,900 counties of China (cold: the
boundaries are fetched; warm: the browser has them). Target: the Henan plan page in
under 1 s.  Run: ``python -m benchmarks pages``.
"""

from __future__ import annotations

import socket
import statistics
import tempfile
import threading
import time
from pathlib import Path

import uvicorn
from fastapi.testclient import TestClient
from playwright.sync_api import sync_playwright

from baotong.app import create_app
from baotong.auth import service as auth_service
from baotong.config import Settings
from baotong.db import migrate
from baotong.db.session import make_engine, make_sessionmaker, session_scope
from baotong.network import service as network_service
from baotong.network.reference import load_reference

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PASSWORD = "bench-password"
HENAN_FORM = {
    "name": "河南全省封控",
    "area_region": "410000",
    "area_level": "province",
    "class_ems": "1",
    "factor_ems": "0.8",
    "class_parcel": "1",
    "factor_parcel": "1",
    "class_supply": "1",
    "factor_supply": "1.5",
    "max_road_hours": "10",
    "time_limit_s": "10",
    "presorted_share": "0.3",
    "min_automation": "semi",
    "surge_shifts": "1",
}


def _settings(folder: Path) -> Settings:
    settings = Settings(
        data_dir=folder,
        database_url=f"sqlite:///{folder / 'bench.db'}",
        secret_key="b" * 40,
        job_workers=1,
    )
    migrate.upgrade(settings.effective_database_url)
    engine = make_engine(settings.effective_database_url)
    with session_scope(make_sessionmaker(engine)) as session:
        network_service.seed(session, network=load_reference())
        auth_service.create_user(session, username="planner", password=PASSWORD, role="planner")
    engine.dispose()
    return settings


def _log_in(client: TestClient) -> None:
    client.get("/login")
    client.post(
        "/login",
        data={
            "username": "planner",
            "password": PASSWORD,
            "csrf_token": client.cookies["baotong_csrf"],
        },
    )


def _henan_plan(client: TestClient) -> int:
    token = {"csrf_token": client.cookies["baotong_csrf"]}
    scenario = client.post("/scenarios", data={**HENAN_FORM, **token})
    run = client.post(f"{scenario.headers['location']}/run", data=token)
    plan_id = int(run.headers["location"].rsplit("/", 1)[-1])
    client.app.state.context.runner.wait(plan_id, timeout=120)  # type: ignore[attr-defined]
    return plan_id


def _times(client: TestClient, path: str, n: int) -> tuple[float, float, int]:
    samples, size = [], 0
    for _ in range(n):
        start = time.perf_counter()
        reply = client.get(path)
        samples.append(time.perf_counter() - start)
        size = len(reply.content)
    samples.sort()
    return statistics.median(samples), samples[int(0.95 * (n - 1))], size


def _browser(url: str, plan_id: int) -> list[tuple[str, float]]:
    found = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_context(viewport={"width": 1440, "height": 900}).new_page()
        page.goto(f"{url}/login")
        page.fill("input[name=username]", "planner")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_load_state("networkidle")
        for label in ("cold cache", "warm cache", "warm cache"):
            start = time.perf_counter()
            page.goto(f"{url}/plans/{plan_id}")
            page.wait_for_selector("[data-plan-map][data-ready]", timeout=30_000)
            found.append(
                (f"/plans/{plan_id} to a drawn map ({label})", time.perf_counter() - start)
            )
        page.goto(f"{url}/map")
        page.wait_for_selector("#network-map[data-ready^='province']", timeout=30_000)
        for label in ("cold cache", "warm cache"):
            start = time.perf_counter()
            page.click("[data-level=county]")
            page.wait_for_selector("#network-map[data-ready^='county:']", timeout=30_000)
            found.append((f"/map: all counties drawn ({label})", time.perf_counter() - start))
            page.click("[data-level=province]")
            page.wait_for_selector("#network-map[data-ready^='province']", timeout=30_000)
        browser.close()
    return found


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        settings = _settings(Path(folder))
        app = create_app(settings)
        with TestClient(app, follow_redirects=False) as client:
            _log_in(client)
            plan_id = _henan_plan(client)
            print(f"Henan plan #{plan_id} computed; measuring its page")
            for path in (f"/plans/{plan_id}", f"/plans/{plan_id}/map.json"):
                client.get(path)  # warm the process (templates, network, caches)
                median, p95, size = _times(client, path, 20)
                print(
                    f"server  {path:<22} median {median * 1000:7.1f} ms  p95 "
                    f"{p95 * 1000:7.1f} ms  {size / 1024:7.1f} KiB"
                )
            with socket.socket() as s:
                s.bind(("127.0.0.1", 0))
                port = int(s.getsockname()[1])
            server = uvicorn.Server(
                uvicorn.Config(
                    app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"
                )
            )
            thread = threading.Thread(target=server.run, daemon=True)
            thread.start()
            while not server.started:
                time.sleep(0.05)
            try:
                for label, seconds in _browser(f"http://127.0.0.1:{port}", plan_id):
                    verdict = "ok" if seconds < 1.0 else "over 1 s"
                    print(f"browser {label:<42} {seconds * 1000:7.1f} ms  {verdict}")
            finally:
                server.should_exit = True
                thread.join(timeout=10)


if __name__ == "__main__":
    main()
