"""``baotong supply``: the demand-table template, importing a filled one, the kits, and the
clocks that are overdue or nearly so. Imports are audited as done by ``cli``."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from baotong.auth.permissions import Principal
from baotong.cli.db import cli_transaction
from baotong.core import clock
from baotong.supply import service
from baotong.supply.catalogue import OutbreakStage
from baotong.supply.template import template_bytes

app = typer.Typer(
    help="Emergency supply: the demand-table template, imports, kits, overdue clocks.",
    no_args_is_help=True,
)
console = Console()
CLI = Principal.system("cli")


@app.command()
def template(out: Path = typer.Argument(..., help="Where to write the .xlsx template.")) -> None:
    """Write the empty demand-table template (with the catalogue's codes)."""
    out.write_bytes(template_bytes(service.catalogue()))
    console.print(f"Wrote {out}")


@app.command("import")
def import_(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="A filled template."),
    province: str = typer.Option(..., "--province", help="Province code, e.g. 310000."),
    owner: str = typer.Option(..., "--owner", help="The table's owner (a username)."),
    deputy: str | None = typer.Option(None, "--deputy", help="The owner's deputy."),
    title: str | None = typer.Option(None, "--title", help="Title (the file name if left out)."),
    stage: OutbreakStage | None = typer.Option(None, "--stage", help="Outbreak stage."),
) -> None:
    """Import a filled template as a draft table and print its id; a bad file prints each
    problem (sheet, row, column) and exits 1, saving nothing."""
    with cli_transaction("import the demand table") as session:
        table = service.import_table(
            session,
            content=file.read_bytes(),
            file=file.name,
            title=title or file.stem,
            province_code=province,
            owner=owner,
            deputy=deputy,
            stage=stage,
            principal=CLI,
        )
        table_id, lines = table.id, len(table.lines)
    Console(stderr=True).print(f"Demand table {table_id}: {lines} lines (draft)")
    typer.echo(table_id)


@app.command()
def kits() -> None:
    """The kits, each variant with its items."""
    catalogue = service.catalogue()
    table = Table("kit", "variant", "name", "items")
    for kit in sorted(catalogue.kits, key=lambda k: (k.code, k.specificity)):
        variant = " · ".join(filter(None, (kit.province_code, kit.stage))) or "general"
        items = ", ".join(f"{sku} × {n}" for sku, n in kit.items.items())
        kind = "" if kit.standard else " (optional)"
        table.add_row(kit.code, variant, f"{kit.name} {kit.name_en}{kind}", items)
    console.print(table)


@app.command()
def overdue(
    within: float = typer.Option(2.0, "--within", help="Also clocks due within these hours."),
) -> None:
    """Running quote and confirm clocks past their deadline or due soon."""
    with cli_transaction("read the clocks") as session:
        found = service.overdue(session, principal=CLI, within=timedelta(hours=within))
        now = clock.now()
        rows = [
            (
                c.table_id,
                c.province_code,
                c.kind.value,
                c.round,
                c.due_at,
                c.due_at - now,
                bool(c.breached_at),
            )
            for c in found.items
        ]
    table = Table("table", "province", "clock", "round", "due (UTC)", "left", "escalated")
    for table_id, province, kind, round_, due_at, left, escalated in rows:
        hours = left.total_seconds() / 3600
        table.add_row(
            str(table_id),
            province,
            kind,
            str(round_),
            f"{due_at:%Y-%m-%d %H:%M}",
            f"{hours:+.1f} h",
            "yes" if escalated else "",
        )
    console.print(table if rows else "No clock is overdue or due soon.")
