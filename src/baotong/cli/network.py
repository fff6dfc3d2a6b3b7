"""``baotong network``: build, show, export and import the postal network."""

from __future__ import annotations

import typer

app = typer.Typer(
    help="The postal network: show, export, import, build the reference.", no_args_is_help=True
)


@app.command()
def show(region: str | None = typer.Argument(None, help="Code, Chinese name or pinyin.")) -> None:
    """Summarise the network, or one region of it."""
    raise typer.Exit(1)
