"""``baotong sweep``: pre-plan every province or prefecture lockdown on Dask, resumably."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from baotong.auth.permissions import Principal
from baotong.cli.db import cli_transaction
from baotong.cli.plan import console
from baotong.config import get_settings
from baotong.contingency import sweep_service
from baotong.contingency.document import PlanDocument
from baotong.contingency.sweep import SweepLevel, pending, run_sweep, summary, sweep_regions
from baotong.core.exceptions import BaotongError
from baotong.network.entities import Network
from baotong.network.reference import load_active

CLI = Principal.system("cli")


def _risk(data: dict[str, Any], rows: int = 10) -> Table:
    table = Table(title=f"Centres most often needed as backups ({data['planned']} plans)")
    table.add_column("Centre", no_wrap=True)
    for col in ("Province", "Plans", "Share", "Critical for", "Peak util."):
        table.add_column(col, justify="right")
    for r in data["risk"][:rows]:
        table.add_row(r["name"], r["province_code"], str(r["plans"]),
                      f"{r['share_of_plans']:.0%}", str(r["critical_for"]),
                      f"{r['peak_utilisation']:.0%}")  # fmt: skip
    return table


def _store(folder: Path, network: Network) -> None:
    """Store a sweep folder in the database (once: the same folder is found again)."""
    with cli_transaction("store the sweep") as session:
        row, created = sweep_service.import_folder(session, folder=folder, network=network,
                                                   principal=CLI)  # fmt: skip
        said = "Stored" if created else "Already stored as"
        console.print(f"{said} sweep {row.id}: {row.planned} plans, {len(row.risk)} centres "
                      f"in the risk table (/sweeps/{row.id}).")  # fmt: skip


def sweep(
    out: Path | None = typer.Option(
        None, "--out", help="Folder for plans/<code>.json and sweep.json."
    ),
    level: str = typer.Option("province", "--level", help="province, prefecture or all."),
    scheduler: str | None = typer.Option(
        None, "--scheduler", help="Dask scheduler address (tcp://HOST:PORT); default: local."
    ),
    workers: int = typer.Option(2, "--workers", min=1, help="Local workers (no --scheduler)."),
    time_limit_s: float = typer.Option(10.0, "--time-limit", min=0.1, help="Seconds per plan."),
    store: bool = typer.Option(
        False, "--store", help="Then store the results in the database for the console."
    ),
    import_dir: Path | None = typer.Option(
        None, "--import", help="Only store the existing sweep folder DIR (no planning)."
    ),
) -> None:
    """Plan every region's lockdown, skipping those already in DIR, and rank the backups;
    with --store keep the results for the console, with --import DIR store a folder."""
    if import_dir is not None:
        _store(import_dir, load_active(get_settings()))
        return
    if out is None:
        console.print("[red]Error:[/red] --out DIR is required (or --import DIR).")
        raise typer.Exit(1)
    if level not in ("province", "prefecture", "all"):
        console.print(f"[red]Error:[/red] --level must be province, prefecture or all, "
                      f"not '{level}'.")  # fmt: skip
        raise typer.Exit(1)
    lvl: SweepLevel = level  # type: ignore[assignment]
    try:
        network = load_active(get_settings())
        codes = sweep_regions(network, lvl)
        todo = pending(out, codes)
        console.print(f"{len(codes)} regions, {len(codes) - len(todo)} already planned in {out}/")
        t0 = time.perf_counter()
        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                   TimeElapsedColumn())  # fmt: skip
        with Progress(*columns, console=console) as progress:
            task = progress.add_task("Planning", total=len(todo))

            def done(code: str, document: PlanDocument) -> None:
                name = network.regions[code].name
                progress.update(task, advance=1, description=f"{name}: {document.status}")

            planned = run_sweep(network, codes, out, scheduler=scheduler, workers=workers,
                                time_limit_s=time_limit_s, on_done=done)  # fmt: skip
        seconds = time.perf_counter() - t0
        data = summary(network, codes, out, lvl, time_limit_s=time_limit_s)
        (out / "sweep.json").write_text(json.dumps(data, ensure_ascii=False, indent=1),
                                        encoding="utf-8")  # fmt: skip
        console.print(_risk(data))
        rate = f" ({len(planned) / seconds:.2f} plans/s)" if planned else ""
        console.print(f"Planned {len(planned)} regions in {seconds:.1f} s{rate}; "
                      f"wrote {out / 'sweep.json'}")  # fmt: skip
        if store:
            _store(out, network)
    except BaotongError as exc:
        console.print(f"[red]Error:[/red] {exc.message}", highlight=False, soft_wrap=True)
        raise typer.Exit(1) from None
