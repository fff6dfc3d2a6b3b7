"""``baotong plan``: plan backup centres for a lockdown scenario and write the plan's files."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from baotong.config import get_settings
from baotong.contingency.document import EvaluationDocument, PlanDocument
from baotong.contingency.engine import evaluate
from baotong.contingency.engine import plan as run_plan
from baotong.contingency.operations import plan_operations
from baotong.contingency.operations.outputs import operations_xlsx
from baotong.contingency.outputs import TABLES, plan_csv, plan_xlsx
from baotong.contingency.planning import export_model
from baotong.contingency.report import report_html
from baotong.contingency.result import Plan
from baotong.contingency.scenario import ManualPlan, Scenario
from baotong.contingency.zoning import build_problem
from baotong.core.exceptions import BaotongError, ValidationError
from baotong.network.entities import Network
from baotong.network.reference import load_active

console = Console()
INFEASIBLE = 3  # the exit status of a plan that leaves zones uncovered (its files are written)
EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "henan.yaml"


def _json(document: PlanDocument | EvaluationDocument) -> str:
    return json.dumps(document.to_json(), ensure_ascii=False, indent=1)


def write_outputs(result: Plan, network: Network, out: Path) -> list[Path]:
    """plan.json, one CSV per table, plan.xlsx, report.html and what the plan asks of the
    backups' floors and the transport office (operations.json, operations.xlsx) in ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    document = result.document()
    paths = [out / "plan.json"]
    paths[0].write_text(_json(document), encoding="utf-8")
    for table in TABLES:
        path = out / f"{table}.csv"
        path.write_text(plan_csv(document, table), encoding="utf-8-sig")
        paths.append(path)
    (out / "plan.xlsx").write_bytes(plan_xlsx(document))
    operations = plan_operations(network, document)
    (out / "report.html").write_text(report_html(document, network, operations), encoding="utf-8")
    (out / "operations.json").write_text(
        json.dumps(operations.to_json(), ensure_ascii=False, indent=1), encoding="utf-8"
    )
    (out / "operations.xlsx").write_bytes(operations_xlsx(operations))
    extra = ["plan.xlsx", "report.html", "operations.json", "operations.xlsx"]
    return [*paths, *(out / name for name in extra)]


def _summary(plan: PlanDocument) -> Table:
    table = Table(title=f"{plan.scenario} — {plan.status} ({plan.solver_status})")
    table.add_column("Backup centre", no_wrap=True)
    for col in ("Province", "Zones", "Load/day", "Capacity", "Shifts", "Chutes used/free"):
        table.add_column(col, justify="right")
    for b in plan.backups:
        table.add_row(b.name, b.province_code, str(len(b.zones)), f"{b.load:,.0f}",
                      f"{b.capacity:,.0f}", str(b.surge_shifts),
                      f"{b.chutes_used}/{b.chutes_free}")  # fmt: skip
    overall = plan.delays.overall
    table.caption = (
        f"objective {plan.objective:,.0f} CNY/day · bound {plan.bound:,.0f} · "
        f"gap {plan.gap:.3%} · {plan.solve_seconds:.2f} s · nearest-centre rule "
        f"{plan.nearest_centre_objective:,.0f}"
        f"{'' if plan.nearest_centre_feasible else ' (breaks limits)'} · delay mean "
        f"{overall.mean_hours} h, p95 {overall.p95_hours} h"
    )
    return table


def solve_with_progress(network: Network, scenario: Scenario, quiet: bool = False) -> Plan:
    """Plan with a Rich progress bar (none when ``quiet``)."""
    if quiet:
        return run_plan(network, scenario)
    columns = (TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("Planning", total=1.0)

        def report(fraction: float, message: str) -> None:
            progress.update(task, completed=fraction, description=message)

        return run_plan(network, scenario, on_progress=report)


def plan(
    scenario: Path = typer.Argument(..., help="Scenario YAML (see examples/)."),
    out: Path | None = typer.Option(None, "--out", help="Folder for plan.json, CSV, XLSX, HTML."),
    evaluate_path: Path | None = typer.Option(
        None, "--evaluate", help="Manual plan YAML to score."
    ),
    export_dir: Path | None = typer.Option(None, "--export-model", help="Folder for model.mps."),
) -> None:
    """Plan backup centres for a lockdown: assignments, relations, transport, delays.

    Exit status: 0 a plan that covers every zone; 1 an error (one line, nothing written);
    3 a plan that leaves zones uncovered (its files are written all the same).
    """
    try:
        network = load_active(get_settings())
        spec = Scenario.from_yaml(scenario)
        manual = ManualPlan.from_yaml(evaluate_path) if evaluate_path is not None else None
        result = solve_with_progress(network, spec)
        document = result.document()
        console.print(_summary(document))
        if document.unserved.zones:
            console.print(f"[red]Not covered:[/red] {document.unserved.message}")
        if manual is not None:
            ev = evaluate(network, spec, manual, optimum=result).document()
            console.print(
                f"Manual plan '{ev.name}': {ev.cost.total:,.0f} CNY/day, "
                f"{ev.gap_to_optimum:+.1%} against the optimum, "
                f"{len(ev.violations)} violation(s); "
                f"delay mean {ev.delays.overall.mean_hours} h"
            )
            for v in ev.violations[:10]:
                console.print(f"  [yellow]{v.kind}[/yellow] {v.message}")
            if out is not None:
                out.mkdir(parents=True, exist_ok=True)
                (out / "evaluation.json").write_text(_json(ev), encoding="utf-8")
        if out is not None:
            paths = write_outputs(result, network, out)
            console.print(f"Wrote {len(paths)} files to {out}/ (open {out / 'report.html'})")
        if export_dir is not None:
            written = export_model(build_problem(network, spec), export_dir)
            console.print(f"Model written: {', '.join(str(p) for p in written)}")
    except BaotongError as exc:
        message = exc.message
        if isinstance(exc, ValidationError) and exc.file is None and exc.field:
            manual_field = exc.field.startswith("backups") and evaluate_path is not None
            message = f"{evaluate_path if manual_field else scenario}, {message}"
        console.print(f"[red]Error:[/red] {message}", highlight=False, soft_wrap=True)
        raise typer.Exit(1) from None
    except OSError as exc:  # --out or --export-model on a file or a read-only place
        where = exc.filename or out or export_dir
        console.print(f"[red]Error:[/red] cannot write {where}: {exc.strerror or exc}.",
                      highlight=False, soft_wrap=True)  # fmt: skip
        raise typer.Exit(1) from None
    if document.unserved.zones:
        raise typer.Exit(INFEASIBLE)


def run_example(out_dir: Path) -> Path:
    """Plan examples/henan.yaml on the active network and write every output; the report path."""
    network = load_active(get_settings())
    result = solve_with_progress(network, Scenario.from_yaml(EXAMPLE))
    console.print(_summary(result.document()))
    write_outputs(result, network, out_dir)
    return out_dir / "report.html"
