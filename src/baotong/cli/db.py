"""``baotong db``: migrate the database up or down, write a new migration, seed data."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

import typer
from rich.console import Console
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

import baotong.db.registry  # noqa: F401  (every domain's demo part)
from baotong.app import default_network_loader
from baotong.config import get_settings
from baotong.core.exceptions import BaotongError
from baotong.db import demo, migrate
from baotong.db.session import make_engine, make_sessionmaker, session_scope
from baotong.network import service as network_service
from baotong.network.schemas import SeedReport

app = typer.Typer(
    help="The database: migrate up or down, new migrations, seed data.", no_args_is_help=True
)
console = Console()


def reason(exc: SQLAlchemyError) -> str:
    """A database error in one line, without SQLAlchemy's background link."""
    cause = getattr(exc, "orig", None) or exc
    return f"{type(cause).__name__}: {str(cause).splitlines()[0]}"


@contextmanager
def database_errors(doing: str) -> Iterator[None]:
    """Turn a database failure into a message and exit code 1."""
    try:
        yield
    except SQLAlchemyError as exc:
        console.print(f"[red]Cannot {doing}:[/] the database failed ({reason(exc)}).")
        raise typer.Exit(1) from None


@contextmanager
def cli_transaction(doing: str) -> Iterator[Session]:
    """One transaction on the configured database; a failure is a message and exit code 1."""
    engine = make_engine(_url())
    try:
        with database_errors(doing), session_scope(make_sessionmaker(engine)) as session:
            yield session
    except BaotongError as exc:
        console.print(f"[red]Cannot {doing}:[/] {exc.message}")
        raise typer.Exit(1) from None
    finally:
        engine.dispose()


def _url() -> str:
    return get_settings().effective_database_url


def _shown(url: str) -> str:
    """The URL without a password."""
    head, sep, tail = url.rpartition("@")
    if not sep or ":" not in head.split("//", 1)[-1]:
        return url
    scheme, _, creds = head.partition("//")
    return f"{scheme}//{creds.split(':', 1)[0]}:***@{tail}"


@app.command()
def upgrade(revision: str = typer.Argument("head", help="Target revision.")) -> None:
    """Migrate the database up (to the newest schema by default)."""
    url = _url()
    with database_errors("upgrade"):
        migrate.upgrade(url, revision)
    engine = make_engine(url)
    console.print(
        f"[green]Database at revision {migrate.current_revision(engine)}[/] ({_shown(url)})"
    )
    engine.dispose()


@app.command()
def downgrade(
    revision: str = typer.Argument("-1", help="Target revision ('base' empties it)."),
) -> None:
    """Migrate the database down (one revision by default)."""
    url = _url()
    with database_errors("downgrade"):
        migrate.downgrade(url, revision)
    engine = make_engine(url)
    current = migrate.current_revision(engine) or "base (empty)"
    console.print(f"[yellow]Database at revision {current}[/] ({_shown(url)})")
    engine.dispose()


@app.command()
def revision(
    message: str = typer.Option(..., "-m", "--message", help="What the migration does."),
    autogenerate: bool = typer.Option(
        False, "--autogenerate", help="Compare the models with the database (at head) first."
    ),
) -> None:
    """Write a new migration after the head (the same as 'alembic revision')."""
    with database_errors("write the revision"):
        path = migrate.revision(_url(), message, autogenerate=autogenerate)
    console.print(f"Wrote {path}: read it, then 'baotong db upgrade'.")


def seed_database(url: str) -> SeedReport:
    """Load the active network's regions and sites; safe to run again."""
    network = default_network_loader(get_settings())()
    engine = make_engine(url)
    try:
        with session_scope(make_sessionmaker(engine)) as session:
            return network_service.seed(session, network=network)
    finally:
        engine.dispose()


def seed_demo(url: str) -> list[str]:
    """Every domain's demo data (the network first), in one transaction; safe to run again."""
    engine = make_engine(url)
    try:
        with session_scope(make_sessionmaker(engine)) as session:
            return demo.seed(session, get_settings())
    finally:
        engine.dispose()


@app.command()
def seed(
    with_demo: bool = typer.Option(
        False, "--demo", help="Also every domain's demo data (what 'baotong run' serves)."
    ),
) -> None:
    """Load the network's regions and sites into the database (idempotent); with --demo,
    the demo data of every domain too."""
    started = time.perf_counter()
    try:
        with database_errors("seed"):
            if with_demo:
                for line in seed_demo(_url()):
                    console.print(line, highlight=False)
                return
            report = seed_database(_url())
    except BaotongError as exc:
        console.print(f"[red]Cannot seed:[/] {exc.message}")
        raise typer.Exit(1) from None
    console.print(
        f"Seeded {report.regions_added} regions and {report.sites_added} sites "
        f"(now {report.regions_total} regions, {report.sites_total} sites) "
        f"in {time.perf_counter() - started:.1f} s"
    )
