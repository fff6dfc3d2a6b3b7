"""``baotong warehouse``: stock of a warehouse, a check of the ledger against on-hand, and
location labels as PDF."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy import select

from baotong.auth.permissions import Principal
from baotong.cli.db import cli_transaction
from baotong.core.pagination import PageRequest
from baotong.warehouse import labels, ledger, service
from baotong.warehouse.models import Location, Warehouse

app = typer.Typer(help="Warehouses: stock, the ledger check, labels.", no_args_is_help=True)
console = Console()
CLI = Principal.system("cli")


@app.command()
def stock(site: str = typer.Argument(..., help="Warehouse code, e.g. SZ-HJD.")) -> None:
    """On-hand, reserved and available per location, SKU and lot."""
    table = Table("location", "sku", "lot", "expiry", "on hand", "reserved", "available")
    with cli_transaction("read the stock") as session:
        offset = 0
        while True:
            found = service.stock(session, CLI, site, page=PageRequest(limit=1000, offset=offset))
            for row in found.items:
                table.add_row(
                    row.location,
                    row.sku,
                    row.lot or "-",
                    str(row.expiry or "-"),
                    str(row.on_hand),
                    str(row.reserved),
                    str(row.available),
                )
            offset += len(found.items)
            if not found.has_more:
                break
    console.print(table)


@app.command("check-ledger")
def check_ledger(
    site: str | None = typer.Argument(None, help="Warehouse code; every warehouse when left out."),
) -> None:
    """Recompute on-hand from the ledger; exit 1 on any difference or negative stock."""
    with cli_transaction("check the ledger") as session:
        warehouse_id = service.get_warehouse(session, CLI, site).id if site else None
        found = ledger.differences(session, warehouse_id)
        query = select(Location.id, Warehouse.code, Location.code).join(
            Warehouse, Warehouse.id == Location.warehouse_id
        )
        places = {i: f"{w} {c}" for i, w, c in session.execute(query)}
    for diff in found:
        console.print(
            f"[red]{places.get(diff.location_id, diff.location_id)} {diff.sku} "
            f"lot {diff.lot or '-'}:[/] on hand {diff.on_hand}, ledger {diff.ledger}"
        )
    if found:
        console.print(f"[red]{len(found)} quant(s) disagree with the ledger[/]")
        raise typer.Exit(1)
    console.print(f"Ledger and on-hand agree ({site or 'every warehouse'})")


@app.command("labels")
def location_labels(
    site: str = typer.Argument(..., help="Warehouse code."),
    out: Path = typer.Option(..., "--out", help="The PDF file to write."),
) -> None:
    """One label per location (Code 128 and QR) as a PDF."""
    with cli_transaction("make the labels") as session:
        data = labels.site_labels(session, CLI, site)
    out.write_bytes(data)
    console.print(f"Wrote {out} ({len(data)} bytes)")
