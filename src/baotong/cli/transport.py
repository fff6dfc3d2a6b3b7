"""``baotong transport``: credentials about to expire, the runs a pass check would stop,
the shuttle timetable and the trailers' places in their cycle, a delivery station's call
list, and the routing engine on benchmark instances."""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy.orm import Session

from baotong.auth import service as auth_service
from baotong.auth.permissions import Principal
from baotong.cli.db import cli_transaction
from baotong.config import get_settings
from baotong.core.exceptions import BaotongError
from baotong.network.reference import load_active
from baotong.network.service import effective_network
from baotong.transport import service, shuttles, stations
from baotong.transport.engine import gap, solve_data
from baotong.transport.vrplib import read

app = typer.Typer(help="Transport: passes, runs, shuttles and their swap, vehicle routing.",
                  no_args_is_help=True)  # fmt: skip
console = Console()
CLI = Principal.system("cli")


@app.command("passes")
def passes(
    expiring: int = typer.Option(7, "--expiring", min=0, max=366,
                                 help="Granted credentials ending within this many days."),
) -> None:  # fmt: skip
    """Passes, green channels, whitelist entries and permits about to expire."""
    with cli_transaction("list the credentials") as session:
        found = service.list_credentials(session, principal=CLI, expiring_days=expiring)
        rows = [(c.id, c.kind.value, service.holder_of(session, c), ",".join(c.areas),
                 c.valid_to.isoformat()) for c in found.items]  # fmt: skip
    for row in rows:
        console.print("  ".join(str(v) for v in row), highlight=False)
    console.print(f"{len(rows)} credential(s) expire within {expiring} day(s).")


@app.command("check-runs")
def check_runs(day: str = typer.Argument(..., metavar="DATE", help="YYYY-MM-DD.")) -> None:
    """The runs of a day that the pass check would stop, and why (exit 1 if any)."""
    on = _date(day)
    with cli_transaction("check the runs") as session:
        network = effective_network(session, network=load_active(get_settings()))
        rows = service.runs_on(session, on, network=network, principal=CLI)
        blocked = [(run.id, vehicle.plate, driver.name, missing)
                   for run, vehicle, driver, missing in rows if missing]  # fmt: skip
    for run_id, plate, driver, missing in blocked:
        for m in missing:
            until = f" ({m.until})" if m.until else ""
            who = {"vehicle": plate, "driver": driver}.get(m.subject, m.who)
            console.print(f"run {run_id}: {m.subject} {who} — {m.need.value} for {m.area}: "
                          f"{m.reason}{until}", highlight=False, soft_wrap=True)  # fmt: skip
    console.print(f"{len(rows)} run(s) on {on}, {len(blocked)} would be stopped.")
    if blocked:
        raise SystemExit(1)


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        console.print(f"[red]DATE must be a date such as 2022-04-01, not {text!r}.[/]")
        raise SystemExit(2) from None


@app.command("shuttles")
def shuttle_board(
    day: str = typer.Option("", "--date", metavar="DATE", help="YYYY-MM-DD (default today)."),
) -> None:
    """The day's shuttle timetable (Beijing time) and where each trailer is in its cycle:
    loading → on_road → at_station → swapped → returned."""
    on = _date(day) if day else service.today()
    with cli_transaction("read the shuttles") as session:
        timetable = shuttles.on_day(session, on, principal=CLI)
        positions = shuttles.positions(session, principal=CLI)
        plates = shuttles.plates(session, timetable)
        lines = [
            f"shuttle {s.id}: {s.departs_at.astimezone(service.BEIJING):%H:%M} → "
            f"{s.arrives_at.astimezone(service.BEIJING):%H:%M}  {s.warehouse_code} → {s.station}"
            f"  trailer {plates[s.id][0]}, tractor {plates[s.id][1]}  {s.packages} packages"
            f"  seal {s.seal or '-'}  {s.stage.value}"
            + "".join(f"  [{d['kind']}: {d['expected']} → {d['found']}]"
                      for d in s.discrepancies)
            for s in timetable
        ]  # fmt: skip
        trailers = [f"trailer {p.trailer.plate}: "
                    + (f"{p.stage.value} (shuttle {p.shuttle.id}, load {p.shuttle.load_ref})"
                       if p.shuttle is not None and p.stage is not None else "idle")
                    for p in positions]  # fmt: skip
    for line in [*lines, *trailers]:
        console.print(line, highlight=False, soft_wrap=True, markup=False)
    console.print(f"{len(lines)} shuttle(s) on {on}, {len(trailers)} trailer(s).")


def _load(text: str) -> shuttles.LoadCount:
    """``DOC=SEAL:COUNT`` (the seal may be empty: ``DOC=:COUNT``)."""
    doc, _, rest = text.partition("=")
    seal, _, count = rest.rpartition(":")
    if not (doc.strip().isdigit() and count.strip().isdigit()):
        console.print(f"[red]--load must be DOCUMENT=SEAL:COUNT, not {text!r}.[/]")
        raise SystemExit(2)
    return shuttles.LoadCount(int(doc), seal.strip(), int(count))


def _acting(session: Session, username: str) -> Principal:
    """The active user a command acts as (``--as``); exit 2 when there is none. What the
    user may do is the service's to check, as for the API."""
    found = auth_service.get_user(session, username)
    if found is None or not found.active:
        console.print(f"[red]No active user {username!r}.[/]")
        raise SystemExit(2)
    return auth_service.principal_of(found)


@app.command("swap")
def swap(
    shuttle_id: int = typer.Argument(..., metavar="SHUTTLE_ID", min=1),
    side: str = typer.Option(..., "--side", help="handed (the shuttle's) or received "
                             "(the transfer station's)."),
    user: str = typer.Option(..., "--as", help="The user who records it (a username)."),
    name: str = typer.Option(..., "--name", help="Who states it at the station."),
    seal: str = typer.Option("", "--seal", help="The seal seen (a shuttle with one load)."),
    count: int = typer.Option(0, "--count", min=0, help="The packages counted (one load)."),
    loads: list[str] = typer.Option([], "--load", help="DOCUMENT=SEAL:COUNT, once per load."),
    area_vehicle: str = typer.Option("", "--area-vehicle",
                                     help="The area's vehicle the loads go into (received)."),
    note: str = typer.Option("", "--note"),
) -> None:  # fmt: skip
    """Record one side of the swap at the transfer station (换厢) as a named user: the
    seal and count of each load; when both sides are in, the discrepancies are printed."""
    statement = shuttles.SwapSide(name, seal, count, tuple(_load(x) for x in loads))
    with cli_transaction("record the swap") as session:
        principal = _acting(session, user)
        network = effective_network(session, network=load_active(get_settings()))
        row = shuttles.record_side(session, shuttle_id, side=side, statement=statement,
                                   area_vehicle=area_vehicle or None, note=note or None,
                                   network=network, principal=principal)  # fmt: skip
        state, stage, discrepancies = row.swap_state.value, row.stage.value, row.discrepancies
    console.print(f"shuttle {shuttle_id}: {side} recorded by {user}; swap {state}, {stage}",
                  highlight=False, markup=False)  # fmt: skip
    for d in discrepancies:
        console.print(f"  #{d['document_id']} {d['kind']}: {d['expected']} → {d['found']} "
                      f"(by {d['by']})", highlight=False, markup=False)  # fmt: skip


@app.command("solve-vrplib")
def solve_vrplib(
    instance: Path = typer.Argument(..., help="A VRPLIB .vrp file, or a Solomon .txt file."),
    time_limit: float = typer.Option(10.0, "--time-limit", min=0.1, help="Seconds."),
    seed: int = typer.Option(1, "--seed", help="The same seed gives the same routes."),
) -> None:
    """Solve a CVRP or VRPTW benchmark instance with the service's routing engine and print
    the cost, the time taken and the gap to the best-known solution (a .sol file beside)."""
    try:
        inst = read(instance)
    except BaotongError as exc:
        console.print(f"[red]{exc.message}[/]", soft_wrap=True)
        raise SystemExit(2) from None
    result, seconds = solve_data(inst.data, time_limit_s=time_limit, seed=seed)
    best = result.best  # type: ignore[attr-defined]
    cost = result.cost() / inst.scale  # type: ignore[attr-defined]
    kind = "VRPTW" if inst.time_windows else "CVRP"
    line = (f"{inst.name} ({kind}, {inst.data.num_clients} clients): cost {cost:,.1f} in "
            f"{seconds:.1f} s, {best.num_routes()} routes")  # fmt: skip
    if not best.is_feasible():
        console.print(f"{line} — [red]no feasible solution found[/]")
        raise SystemExit(1)
    if inst.best_known is not None:
        g = gap(cost, inst.best_known)
        line += (
            f"; best known {inst.best_known:,.1f}, gap {g * 100:.2f} %" if math.isfinite(g) else ""
        )
    console.print(line, highlight=False, soft_wrap=True)


@app.command("return-item")
def return_item(
    station: str = typer.Argument(..., metavar="STATION", help="The delivery station's id."),
    number: str = typer.Argument(..., metavar="NUMBER", help="The refused item's number."),
    user: str = typer.Option(..., "--as", help="The station user who records it."),
    note: str = typer.Option("", "--note", help="Why, or where it goes back."),
) -> None:
    """Put an item its recipient refused on its way back (退回): the line is closed as
    returned and tracking shows a ``returned`` scan at the station."""
    with cli_transaction("return the item") as session:
        principal = _acting(session, user)
        network = effective_network(session, network=load_active(get_settings()))
        line = stations.line_of(session, station, number, network=network, principal=principal)
        row = stations.return_item(session, line.id, note=note or None, network=network,
                                   principal=principal)  # fmt: skip
        said = f"{row.number} at {row.station_id}: {row.contact.value} by {user}"
    console.print(said, highlight=False, markup=False)


@app.command("calls")
def calls(
    station: str = typer.Argument(..., metavar="STATION", help="The delivery station's id."),
) -> None:
    """A delivery station's call list, in the caller's order: recipients not reached yet
    first, the longest waiting first (phones masked)."""
    with cli_transaction("read the call list") as session:
        network = effective_network(session, network=load_active(get_settings()))
        try:
            lines = stations.call_list(session, station, network=network, principal=CLI)
        except BaotongError as exc:
            console.print(f"[red]{exc.message}[/]", soft_wrap=True)
            raise SystemExit(2) from None
        rows = [(str(i), line.number, line.recipient, stations.mask(line.phone),
                 line.pickup_point, line.contact.value, str(line.attempts),
                 f"{line.next_try_at.astimezone(service.BEIJING):%m-%d %H:%M}"
                 if line.next_try_at else "") for i, line in enumerate(lines, 1)]  # fmt: skip
    table = Table(title=f"{station}: {len(rows)} to call")
    for name in (
        "#",
        "item",
        "recipient",
        "phone",
        "community / pickup point",
        "contact",
        "attempts",
        "next try",
    ):
        table.add_column(name)
    for row in rows:
        table.add_row(*row)
    console.print(table)
