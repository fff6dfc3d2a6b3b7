"""``baotong serve``: run the service with uvicorn, once the database is ready for it."""

from __future__ import annotations

from typing import Any

import typer
import uvicorn
from rich.console import Console
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from baotong.app import configure_logging, create_app
from baotong.cli.db import reason
from baotong.config import get_settings
from baotong.db import migrate
from baotong.db.session import make_engine

console = Console()


def database_problem(url: str) -> str | None:
    """Why the service cannot start on ``url`` (None when it can)."""
    engine = make_engine(url)
    try:
        current = migrate.current_revision(engine)
    except SQLAlchemyError as exc:
        return f"the database is unreachable ({reason(exc)})"
    finally:
        engine.dispose()
    head = migrate.head_revision()
    if current != head:
        return (
            f"the database is at revision {current or 'none (empty)'}, not {head}; "
            "run 'baotong db upgrade' first"
        )
    return _refuses_writes(url)


def _refuses_writes(url: str) -> str | None:
    """Why the database cannot be written (a read-only file or server), or None."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn, conn.begin() as transaction:
            conn.execute(text("UPDATE alembic_version SET version_num = version_num"))
            transaction.rollback()
    except SQLAlchemyError as exc:
        return f"the database cannot be written ({reason(exc)})"
    finally:
        engine.dispose()
    return None


def serve(
    host: str | None = typer.Option(None, help="Interface (BAOTONG_HOST, 127.0.0.1)."),
    port: int | None = typer.Option(None, help="Port (BAOTONG_PORT, 8000)."),
    workers: int | None = typer.Option(
        None, min=1, max=64, help="Service processes on the one port (BAOTONG_WORKERS, 1)."
    ),
) -> None:
    """Serve the API and the console (migrate first: ``baotong db upgrade``).

    With several workers each process runs the whole service from the same settings
    (environment and data folder); they share the database, the job queue and the deadline
    sweep, and each keeps its own copy of what is in force.
    """
    settings = get_settings()
    problem = database_problem(settings.effective_database_url)
    if problem is not None:
        console.print(f"[red]Cannot serve:[/] {problem}.")
        raise typer.Exit(1)
    configure_logging()
    processes = workers or settings.workers
    options: dict[str, Any] = {
        "host": host or settings.host,
        "port": port or settings.port,
        "log_level": "info",
        "server_header": False,  # the service does not name its software
    }
    if processes == 1:
        uvicorn.run(create_app(settings), **options)
    else:  # each worker process builds the app itself, from the same environment
        uvicorn.run("baotong.app:create_app", factory=True, workers=processes, **options)
