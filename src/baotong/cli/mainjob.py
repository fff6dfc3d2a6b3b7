"""``baotong run``: Baotong's main job on the embedded defaults (what ``make run`` does).

Migrates the database, seeds the demo of every domain into it (the network, the ``demo``
admin with a freshly generated password, the Henan scenario; see ``baotong db seed
--demo``), writes the Henan example report, and serves at http://127.0.0.1:8000.
"""

from __future__ import annotations

from pathlib import Path

import typer
import uvicorn
from rich.console import Console

from baotong.app import configure_logging, create_app
from baotong.cli.db import database_errors, seed_demo
from baotong.cli.plan import run_example
from baotong.config import get_settings
from baotong.core.exceptions import BaotongError
from baotong.db import migrate

console = Console()


def prepare_database(url: str) -> list[str]:
    """Migrate to head and seed the demo (only what is missing); what the seeding did."""
    migrate.upgrade(url)
    return seed_demo(url)


def write_example(folder: Path) -> None:
    """The Henan example: plan examples/henan.yaml and write its report and tables."""
    try:
        report = run_example(folder)
    except BaotongError as exc:
        console.print(f"[yellow]The Henan example could not be written:[/] {exc.message}")
        return
    console.print(f"Henan example report: {report}")


def run(
    host: str | None = typer.Option(None, help="Interface (BAOTONG_HOST, 127.0.0.1)."),
    port: int | None = typer.Option(None, help="Port (BAOTONG_PORT, 8000)."),
) -> None:
    """Run Baotong's main job on the embedded defaults: the demo, served."""
    settings = get_settings()
    try:
        with database_errors("prepare the database"):
            seeded = prepare_database(settings.effective_database_url)
    except BaotongError as exc:
        console.print(f"[red]Cannot prepare the database:[/] {exc.message}")
        raise SystemExit(1) from None
    write_example(Path("out/henan"))
    address = f"http://{host or settings.host}:{port or settings.port}"
    console.print(f"\n[bold green]Baotong is serving at {address}[/]  (API docs: {address}/docs)")
    for line in seeded:
        console.print(line, highlight=False)
    configure_logging()
    uvicorn.run(create_app(settings), host=host or settings.host, port=port or settings.port,
                log_level="info")  # fmt: skip
