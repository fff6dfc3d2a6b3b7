"""``baotong tracking``: generate traffic, ingest scan files, show an item as the public
sees it."""

from __future__ import annotations

import time
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from baotong.cli.db import cli_transaction
from baotong.config import get_settings
from baotong.network.reference import load_active

app = typer.Typer(help="Mail items and their scans.", no_args_is_help=True)
console = Console()


@app.command()
def generate(
    days: int = typer.Option(1, "--days", min=1, max=31, help="Days of traffic, ending now."),
    items_per_day: int = typer.Option(2000, "--items-per-day", min=1, help="About this many."),
    seed: int = typer.Option(0, "--seed", help="The same seed draws the same traffic."),
) -> None:
    """Items and scans from the network's daily volumes, following the plans in force."""
    from baotong.tracking.generate import GenerateParams
    from baotong.tracking.generate import generate as run

    network = load_active(get_settings())
    started = time.perf_counter()
    with cli_transaction("generate traffic") as session:
        params = GenerateParams(days=days, items_per_day=items_per_day, seed=seed)
        report = run(session, network=network, params=params)
    seconds = time.perf_counter() - started
    console.print(f"Generated {report.items} items and {report.events} scans in {seconds:.1f} s; "
                  f"{report.rerouted} items pass a backup centre of a plan in force.")  # fmt: skip


@app.command()
def ingest(
    path: Path = typer.Argument(..., exists=True, dir_okay=False, help=".csv or .jsonl"),
) -> None:
    """Store the items and scans of a file; scans already stored are skipped."""
    from baotong.auth.permissions import Principal
    from baotong.tracking import files, service

    network = load_active(get_settings())
    started = time.perf_counter()
    with cli_transaction(f"ingest {path.name}") as session:
        items, events = files.read(path)
        report = service.ingest(session, network=network, items=items, events=events,
                                principal=Principal.system(), source=path.name)  # fmt: skip
    seconds = time.perf_counter() - started
    console.print(f"{path.name}: {report.items_added} of {report.items_received} items and "
                  f"{report.events_added} of {report.events_received} scans were new "
                  f"({seconds:.2f} s).")  # fmt: skip


@app.command()
def show(number: str = typer.Argument(..., help="The waybill number, e.g. EE123456785CN.")) -> None:
    """An item's scans, notices and announcements, as the public sees them."""
    from baotong.tracking import service

    network = load_active(get_settings())
    with cli_transaction("look the item up") as session:
        view = service.track(session, network=network, number=number)
    status = view.status.label_en if view.status else "registered"
    console.print(f"[bold]{view.number}[/] {view.product_class.label_en} → "
                  f"{view.dest_region_name} ({view.dest_region_code}): {status}")  # fmt: skip
    for notice in view.notices:
        if notice.kind == "lockdown":
            console.print(f"[red]Lockdown notice:[/] {notice.area_name or notice.area_code} is "
                          f"under control ({notice.plan_name}); sorted at "
                          f"{notice.backup_center_name}; expect about {notice.extra_hours} h "
                          "extra.", highlight=False)  # fmt: skip
        else:
            console.print(f"[red]Notice:[/] its route passes {notice.site_name}, which is "
                          "closed.", highlight=False)  # fmt: skip
    table = Table("Time (UTC)", "Event", "Site")
    for event in view.events:
        table.add_row(event.at.strftime("%Y-%m-%d %H:%M"), event.event.label_en, event.site_name)
    console.print(table)
    for a in view.announcements:
        console.print(f"[bold]Announcement:[/] {a.title}", highlight=False)


@app.command()
def prune(
    keep_days: int = typer.Option(
        None, "--keep-days", min=1, max=36500,
        help="Keep this many days of scans (default: BAOTONG_SCAN_RETENTION_DAYS, 400).",
    ),
) -> None:  # fmt: skip
    """Forget scans older than the retention (whole days; PostgreSQL drops their partitions)."""
    from baotong.auth.permissions import Principal
    from baotong.tracking.service import prune_scans

    days = keep_days or get_settings().scan_retention_days
    with cli_transaction("prune scans") as session:
        report = prune_scans(session, keep_days=days, principal=Principal.system("cli"))
    console.print(f"Scans before {report.cut:%Y-%m-%d} forgotten: {report.partitions_dropped} "
                  f"day partitions dropped, {report.events_deleted} scans deleted.")  # fmt: skip
