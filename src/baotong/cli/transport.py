"""``baotong transport``: the routing engine on benchmark instances."""

from __future__ import annotations

import math
from pathlib import Path

import typer
from rich.console import Console

from baotong.core.exceptions import BaotongError
from baotong.transport.engine import gap, solve_data
from baotong.transport.vrplib import read

app = typer.Typer(help="Transport: vehicle routing.", no_args_is_help=True)
console = Console()


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
