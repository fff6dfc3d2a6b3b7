"""``baotong servicedesk``: the urgent tickets past their step's deadline."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.table import Table

from baotong.cli.db import cli_transaction

app = typer.Typer(help="Urgent tickets and the call centres.", no_args_is_help=True)
console = Console()


@app.command()
def overdue(
    province: str | None = typer.Option(None, "--province", help="Only this province (code)."),
) -> None:
    """Open tickets whose current step is past its deadline, the most overdue first."""
    from baotong.auth.permissions import NATIONAL, Principal, Role, Scope
    from baotong.core import clock
    from baotong.servicedesk import service

    scope = Scope.province(province) if province else NATIONAL
    principal = Principal(0, "cli", Role.ADMIN, scope)
    with cli_transaction("list overdue tickets") as session:
        late = service.overdue(session, principal=principal)
    if not late:
        console.print("No ticket is overdue.")
        return
    now = clock.now()
    table = Table(
        "Ticket", "Item or subject", "Province", "Unit", "Step", "Due", "Late by", "Escalated"
    )
    for t in late:
        due = t.step_due_at or now
        about = t.item_number or f"{t.subject_kind or ''} {t.subject_ref or ''}".strip()
        table.add_row(str(t.id), about, t.province_code, t.unit_id, t.status.label_en,
                      due.strftime("%Y-%m-%d %H:%M"), f"{(now - due).total_seconds() / 3600:.1f} h",
                      "yes" if t.escalated_at else "no")  # fmt: skip
    console.print(table)
    console.print(f"{len(late)} overdue ticket(s).")
