"""``baotong serve``: run the service with uvicorn."""

from __future__ import annotations

import typer
import uvicorn

from baotong.app import configure_logging, create_app
from baotong.config import get_settings


def serve(
    host: str | None = typer.Option(None, help="Interface (BAOTONG_HOST, 127.0.0.1)."),
    port: int | None = typer.Option(None, help="Port (BAOTONG_PORT, 8000)."),
) -> None:
    """Serve the API and the console (migrate first: ``baotong db upgrade``)."""
    settings = get_settings()
    configure_logging()
    uvicorn.run(
        create_app(settings),
        host=host or settings.host,
        port=port or settings.port,
        log_level="info",
    )
