"""``baotong run``: Baotong's main job on the embedded defaults (what ``make run`` does).

Migrates and seeds the embedded SQLite database when needed, (re)creates a demo login
with a freshly generated password, writes the Henan example report, and serves at
http://127.0.0.1:8000.
"""

from __future__ import annotations

import secrets
from pathlib import Path

import uvicorn
from rich.console import Console

from baotong.app import configure_logging, create_app
from baotong.auth import service as auth_service
from baotong.cli.db import database_errors, seed_database
from baotong.cli.plan import run_example
from baotong.config import get_settings
from baotong.core.exceptions import BaotongError
from baotong.db import migrate
from baotong.db.session import make_engine, make_sessionmaker, session_scope
from baotong.network import service as network_service

console = Console()
DEMO_USER = "demo"


def ensure_demo_login(url: str) -> str:
    """Create the demo admin, or give it a new password; returns the password."""
    password = secrets.token_urlsafe(12)
    engine = make_engine(url)
    try:
        with session_scope(make_sessionmaker(engine)) as session:
            if auth_service.get_user(session, DEMO_USER) is None:
                auth_service.create_user(
                    session, username=DEMO_USER, password=password, role="admin", actor="run"
                )
            else:
                auth_service.set_password(
                    session, username=DEMO_USER, password=password, actor="run"
                )
    finally:
        engine.dispose()
    return password


def prepare_database(url: str) -> None:
    migrate.upgrade(url)
    engine = make_engine(url)
    try:
        with session_scope(make_sessionmaker(engine), write=False) as session:
            seeded = network_service.is_seeded(session)
    finally:
        engine.dispose()
    if not seeded:
        console.print("Seeding the reference network into the database…")
        report = seed_database(url)
        console.print(f"  {report.regions_total} regions, {report.sites_total} sites")


def write_example(folder: Path) -> None:
    """The Henan example: plan examples/henan.yaml and write its report and tables."""
    try:
        report = run_example(folder)
    except BaotongError as exc:
        console.print(f"[yellow]The Henan example could not be written:[/] {exc.message}")
        return
    console.print(f"Henan example report: {report}")


def run() -> None:
    """Run Baotong's main job on the embedded defaults."""
    settings = get_settings()
    url = settings.effective_database_url
    try:
        with database_errors("prepare the database"):
            prepare_database(url)
            password = ensure_demo_login(url)
    except BaotongError as exc:
        console.print(f"[red]Cannot prepare the database:[/] {exc.message}")
        raise SystemExit(1) from None
    write_example(Path("out/henan"))
    address = f"http://{settings.host}:{settings.port}"
    console.print(f"\n[bold green]Baotong is serving at {address}[/]  (API docs: {address}/docs)")
    console.print(f"Log in as [bold]{DEMO_USER}[/] with password [bold]{password}[/] (admin)\n")
    configure_logging()
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_level="info")
