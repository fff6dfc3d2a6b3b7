"""``baotong groupbuy``: the daily cut-off (consolidation, picks, shortfall, deliveries) and
a synthetic group-buy day for demonstrations and the benchmark."""

from __future__ import annotations

from datetime import date

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy import select

from baotong.auth.permissions import Principal
from baotong.cli.db import cli_transaction
from baotong.config import get_settings
from baotong.groupbuy import cutoff, generate, service
from baotong.groupbuy.models import GroupOrder, GroupOrderStatus
from baotong.network.reference import load_active

app = typer.Typer(help="Community group buying: the daily cut-off, a synthetic day.",
                  no_args_is_help=True)  # fmt: skip
console = Console()
CLI = Principal.system("cli")


def _day(text: str | None) -> date:
    if not text:
        return service.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        console.print(f"[red]Error:[/] --date must be a date such as 2022-04-01, not {text!r}.")
        raise typer.Exit(2) from None


@app.command("cutoff")
def run_cutoff(
    day: str | None = typer.Option(None, "--date", help="The day (Beijing); today if left out."),
    province: str | None = typer.Option(None, "--province", help="One province, e.g. 310000."),
    routing: float = typer.Option(2.0, "--routing-seconds", min=0.1, max=600,
                                  help="Time for the delivery routing, all warehouses."),
) -> None:  # fmt: skip
    """Cut off the day's open group orders (every province that has some, or one): print
    orders, groups, pick waves, the shortfall sent to supply and the deliveries."""
    when = _day(day)
    network = load_active(get_settings())
    with cli_transaction("run the cut-off") as session:
        open_ones = select(GroupOrder.province_code).where(
            GroupOrder.day == when, GroupOrder.status == GroupOrderStatus.OPEN
        )
        provinces = [province] if province else sorted(set(session.scalars(open_ones)))
        results = [
            cutoff.run(session, province_code=p, day=when, network=network, principal=CLI,
                       routing_seconds=routing)
            for p in provinces
        ]  # fmt: skip
    if not results:
        console.print(f"No open group orders on {when}.")
        return
    for r in results:
        done = " (done before: nothing changed)" if r.repeated else ""
        console.print(
            f"[bold]{r.province_code} {r.day}[/]{done}: {r.orders} orders, "
            f"{r.groups} groups, fill rate {r.fill_rate:.1%}, {r.seconds:.2f} s"
        )
        console.print(
            f"  pick waves: {', '.join(r.waves) or '-'}; kit orders: "
            f"{', '.join(str(k) for k in r.kit_orders) or '-'}"
        )
        short = ", ".join(f"{k} {v}" for k, v in r.shortfall.items()) or "none"
        table = f" → demand table {r.demand_table_id}" if r.demand_table_id else ""
        console.print(f"  shortfall: {short}{table}")
        console.print(f"  deliveries: {r.deliveries} on {r.routes} routes; runs: "
                      f"{', '.join(str(x) for x in r.runs) or '-'}")  # fmt: skip


@app.command("generate")
def generate_day(
    groups: int = typer.Option(..., "--groups", min=1, max=50_000, help="Group points."),
    orders: int = typer.Option(..., "--orders", min=0, max=2_000_000, help="Resident orders."),
    day: str | None = typer.Option(None, "--date", help="The day (Beijing); today if left out."),
    province: str = typer.Option("310000", "--province", help="Province code."),
    seed: int = typer.Option(7, "--seed", min=0, max=2**31 - 1, help="Random seed."),
) -> None:
    """Write a synthetic day: warehouses, group points, open group orders and resident
    orders (for demonstrations and the benchmark)."""
    when = _day(day)
    network = load_active(get_settings())
    with Progress(TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(),
                  console=console) as bar:  # fmt: skip
        task = bar.add_task("generating", total=1.0)

        def step(what: str, done: float) -> None:
            bar.update(task, completed=done, description=what)

        with cli_transaction("generate the group-buy day") as session:
            made = generate.generate(session, network=network, province_code=province, day=when,
                                     groups=groups, orders=orders, principal=CLI, seed=seed,
                                     progress=step)  # fmt: skip
    console.print(f"{made.province_code} {made.day}: {made.groups} group orders, "
                  f"{made.orders} resident orders, {made.lines} lines, "
                  f"{made.forward_warehouses} forward warehouses")  # fmt: skip
