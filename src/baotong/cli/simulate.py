"""``baotong simulate``: the locked area's backlog day by day under the optimum, a plan, nothing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pydantic
import typer
from rich.table import Table

from baotong.cli.plan import console, solve_with_progress
from baotong.config import get_settings
from baotong.contingency.assess import Assignment
from baotong.contingency.document import PlanDocument
from baotong.contingency.engine import manual_assignment
from baotong.contingency.operations import OperationsDocument, plan_operations
from baotong.contingency.scenario import ManualPlan, Scenario, from_pydantic
from baotong.contingency.simulation import SimulationParams, assignment_from_plan, compare_runs
from baotong.contingency.simulation_report import simulation_dict, simulation_html
from baotong.contingency.zoning import Problem
from baotong.core.exceptions import BaotongError, ValidationError
from baotong.network.entities import Network
from baotong.network.reference import load_active


def _other_plan(
    network: Network, problem: Problem, path: Path
) -> tuple[str, Assignment, OperationsDocument | None]:
    """A plan.json (by its assignments, with its operations) or a manual plan YAML (by its
    regions, without)."""
    if path.suffix.lower() == ".json":
        try:
            plan = PlanDocument.model_validate_json(path.read_text(encoding="utf-8"))
        except (OSError, pydantic.ValidationError) as exc:
            raise ValidationError(
                f"not a readable plan.json ({_reason(exc)}).",
                code="simulation.plan_unreadable",
                file=str(path),
                reason=str(exc),
            ) from None
        assign = assignment_from_plan(problem, plan)
        if not (assign >= 0).any():
            raise ValidationError(
                "no assignment matches this scenario's zones and candidates.",
                code="simulation.plan_mismatch",
                file=str(path),
            )
        return "plan", assign, plan_operations(network, plan)
    manual = ManualPlan.from_yaml(path)
    assign, _ = manual_assignment(network, problem, manual)
    return "manual", assign, None


def _reason(exc: OSError | pydantic.ValidationError) -> str:
    if isinstance(exc, OSError):
        return str(exc.strerror)
    return from_pydantic(exc).message


def _items(n: float) -> str:
    return f"{n / 1e6:.2f}M" if n >= 1e6 else f"{n:,.0f}"


def _day(day: int | None) -> str:
    return "never" if day is None else f"day {day}"


def _table(data: dict[str, Any]) -> Table:
    table = Table(title=f"{data['scenario']} — {data['params']['days']} days, "
                        f"seed {data['params']['seed']}")  # fmt: skip
    table.add_column("Plan", no_wrap=True)
    for col in ("Arrived", "Delivered", "Backlog", "Held", "Mean delay h", "P95 h", "Clears"):
        table.add_column(col, justify="right")
    for r in data["runs"]:
        table.add_row(r["name"], _items(r["arrived"]), _items(r["delivered"]),
                      _items(r["backlog"]), _items(r["held"]),
                      f"{r['delays']['mean_hours']}", f"{r['delays']['p95_hours']}",
                      _day(r["clears_on_day"]))  # fmt: skip
    return table


def simulate(
    scenario: Path = typer.Argument(..., help="Scenario YAML (see examples/)."),
    out: Path = typer.Option(..., "--out", help="Folder for simulation.json and simulation.html."),
    plan_path: Path | None = typer.Option(
        None, "--plan", help="A plan.json or a manual plan YAML to simulate next to the optimum."
    ),
    days: int = typer.Option(14, "--days", min=1, help="Days to simulate."),
    seed: int = typer.Option(0, "--seed", help="Random seed (same seed, same result)."),
) -> None:
    """Simulate the backlog day by day: the optimum, another plan, and doing nothing."""
    try:
        network = load_active(get_settings())
        spec = Scenario.from_yaml(scenario)
        optimum = solve_with_progress(network, spec)
        plans = {"optimum": optimum.assign}
        # A plan runs on its shift plan and production schedule, as the console's does (a
        # manual plan has none: it runs on the centres' capacity).
        operations = {"optimum": plan_operations(network, optimum.document())}
        if plan_path is not None:
            name, assign, ops = _other_plan(network, optimum.problem, plan_path)
            plans[name] = assign
            if ops is not None:
                operations[name] = ops
        params = SimulationParams(days=days, seed=seed)
        runs = compare_runs(optimum.problem, network.params, plans, params, operations)
        data = simulation_dict(spec.name, network.name, params, runs)
        out.mkdir(parents=True, exist_ok=True)
        (out / "simulation.json").write_text(json.dumps(data, ensure_ascii=False, indent=1),
                                             encoding="utf-8")  # fmt: skip
        (out / "simulation.html").write_text(simulation_html(data), encoding="utf-8")
        console.print(_table(data))
        console.print(f"Wrote simulation.json and simulation.html to {out}/")
    except BaotongError as exc:
        message = exc.message
        if isinstance(exc, ValidationError) and exc.file is None and exc.field:
            manual_field = exc.field.startswith("backups") and plan_path is not None
            message = f"{plan_path if manual_field else scenario}, {message}"
        console.print(f"[red]Error:[/red] {message}", highlight=False, soft_wrap=True)
        raise typer.Exit(1) from None
