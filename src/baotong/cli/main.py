"""Entry point of the ``baotong`` command: one sub-app per area."""

from __future__ import annotations

import typer

from baotong.cli import (
    command,
    db,
    mainjob,
    network,
    plan,
    serve,
    servicedesk,
    simulate,
    supply,
    sweep,
    tracking,
    transport,
    users,
    warehouse,
)

app = typer.Typer(
    name="baotong",
    help="Baotong (保通): keep supplies and mail moving through a lockdown.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(network.app, name="network")
app.add_typer(db.app, name="db")
app.add_typer(users.app, name="users")
app.add_typer(command.app, name="command")
app.add_typer(transport.app, name="transport")
app.add_typer(tracking.app, name="tracking")
app.add_typer(servicedesk.app, name="servicedesk")
app.add_typer(supply.app, name="supply")
app.add_typer(warehouse.app, name="warehouse")
app.command("serve")(serve.serve)
app.command("run")(mainjob.run)
app.command("plan")(plan.plan)
app.command("simulate")(simulate.simulate)
app.command("sweep")(sweep.sweep)
