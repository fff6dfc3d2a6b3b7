"""``baotong command``: the duty desk at the command line — record an incident, activate
an emergency plan (or drill it), list instructions (the overdue ones)."""

from __future__ import annotations

from typing import TypeVar

import typer
from rich.console import Console
from rich.table import Table

from baotong import jobs
from baotong.auth.permissions import Principal
from baotong.cli.db import cli_transaction, database_errors
from baotong.command import emergency
from baotong.command import jobs as command_jobs  # noqa: F401  (registers its deadline kinds)
from baotong.command import service as command_service
from baotong.command.models import EventType, IncidentKind, Severity
from baotong.config import get_settings
from baotong.contingency import jobs as contingency_jobs  # noqa: F401  (plan.compute)
from baotong.contingency import service as contingency_service
from baotong.core.enums import LabelledEnum
from baotong.core.exceptions import BaotongError
from baotong.core.pagination import PageRequest
from baotong.db.session import make_engine, make_sessionmaker, session_scope
from baotong.jobs import Runner
from baotong.network.lookup import find_region
from baotong.network.reference import load_active

app = typer.Typer(
    help="Command and dispatch: incidents, emergency plans, instructions.", no_args_is_help=True
)
incident_app = typer.Typer(help="Incidents: record what happened.", no_args_is_help=True)
app.add_typer(incident_app, name="incident")
console = Console()
CLI = Principal.system("cli")
E = TypeVar("E", bound=LabelledEnum)
KINDS = ", ".join(k.value for k in IncidentKind)
EVENTS = ", ".join(e.value for e in EventType)


def _choice(enum: type[E], value: str, option: str) -> E:
    try:
        return enum(value)
    except ValueError:
        console.print(
            f"[red]Error:[/] {option} must be one of "
            f"{', '.join(m.value for m in enum)}, not '{value}'."
        )
        raise typer.Exit(2) from None


@incident_app.command("create")
def incident_create(
    kind: str = typer.Option(..., "--kind", help=f"One of: {KINDS}."),
    site: str | None = typer.Option(None, "--site", help="The site's id (a centre, a station)."),
    region: str | None = typer.Option(None, "--region", help="Region code, name or pinyin."),
    title: str = typer.Option("", "--title", help="What happened, in a line."),
    severity: str = typer.Option("high", "--severity", help="low, medium, high or critical."),
    source: str = typer.Option("cli", "--source", help="Who reported it."),
) -> None:
    """Record an incident at a site or in a region."""
    chosen = _choice(IncidentKind, kind, "--kind")
    level = _choice(Severity, severity, "--severity")
    network = load_active(get_settings())
    with cli_transaction("record the incident") as session:
        row = command_service.create_incident(
            session,
            kind=chosen,
            title=title,
            network=network,
            principal=CLI,
            site_id=site,
            region=region,
            severity=level,
            source=source,
        )
        line = (
            f"Incident [bold]{row.id}[/]: {row.title} ({row.kind}, "
            f"{row.site_id or row.region_code}); next: "
            f"{command_service.suggestion(row).action}"
        )
    console.print(line)


@app.command("activate-plan")
def activate_plan(
    province: str = typer.Argument(..., help="Province code, name or pinyin (410000, 河南)."),
    kind: str = typer.Argument(..., help=f"Event type: {EVENTS}."),
    drill: bool = typer.Option(False, "--drill", help="Rehearse it: nothing is put in force."),
    wait: float = typer.Option(
        120.0, "--wait", min=0, help="Seconds to wait for the plan run to compute here."
    ),
) -> None:
    """Activate a province's emergency plan in one step: the incident, the planner scenario
    and its plan run (computed by a job runner of this command), the instructions to every
    unit it names."""
    event = _choice(EventType, kind, "KIND")
    settings = get_settings()
    network = load_active(settings)
    try:
        code = find_region(network, province).province_code
    except BaotongError as exc:
        console.print(f"[red]Error:[/] {exc.message}")
        raise typer.Exit(1) from None
    engine = make_engine(settings.effective_database_url)
    sessions = make_sessionmaker(engine)
    runner = Runner(sessions, settings)  # computes the plan run once the activation commits
    try:
        with database_errors("activate the emergency plan"), session_scope(sessions) as session:
            plan = emergency.find_plan(
                session,
                province=code,
                event_type=event,
                principal=CLI,
            )
            incident = emergency.activate(
                session, plan_id=plan.id, network=network, principal=CLI, drill=drill
            )
            orders = command_service.list_instructions(
                session, principal=CLI, incident_id=incident.id
            )
            run = contingency_service.get_plan(session, incident.plan_run_id or 0, principal=CLI)
            job_id, run_id = run.job_id, run.id
            lines = [
                f"{'Drilled' if drill else 'Activated'} [bold]{plan.name}[/]: incident "
                f"{incident.id}, scenario {incident.scenario_id}, plan run {run_id}, "
                f"{orders.total} instructions"
            ]
            lines += [
                f"  #{i.id} → {i.province_code}: {i.title} (execute by "
                f"{i.execute_by:%Y-%m-%d %H:%M} UTC)"
                for i in orders.items
            ]
        for line in lines:
            console.print(line)
        if wait:
            runner.wait(job_id, timeout=wait)
            with session_scope(sessions, write=False) as session:
                status = jobs.get_job(session, job_id).status
            console.print(f"Plan run {run_id}: {status}")
    except BaotongError as exc:
        console.print(f"[red]Cannot activate the emergency plan:[/] {exc.message}")
        raise typer.Exit(1) from None
    except TimeoutError:
        console.print(f"Plan run {run_id} is still computing; it stops with this command.")
    finally:
        runner.shutdown()
        engine.dispose()


@app.command("instructions")
def instructions(
    overdue: bool = typer.Option(False, "--overdue", help="Only those past their step's deadline."),
    province: str | None = typer.Option(None, "--province", help="Recipient province code."),
    limit: int = typer.Option(100, "--limit", min=1, max=1000),
) -> None:
    """List instructions, newest first (the overdue ones with --overdue)."""
    table = Table(title="Overdue instructions" if overdue else "Instructions")
    for col in ("#", "To", "Title", "Status", "Due (UTC)", "Escalations", "Objection"):
        table.add_column(col)
    with cli_transaction("list the instructions") as session:
        found = command_service.list_instructions(
            session,
            principal=CLI,
            overdue=overdue,
            province=province,
            page=PageRequest(limit=limit),
        )
        for i in found.items:
            due = f"{i.due_at:%Y-%m-%d %H:%M}" if i.due_at else ""
            table.add_row(
                str(i.id),
                i.province_code + (f" {i.site_id}" if i.site_id else ""),
                i.title,
                i.status.value,
                due,
                str(i.escalations),
                "yes" if i.objection else "",
            )
        total = found.total
    console.print(table)
    console.print(f"{total} instruction{'s' if total != 1 else ''}")
