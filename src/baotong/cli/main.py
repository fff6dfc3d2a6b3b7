"""Entry point of the ``baotong`` command: one sub-app per area."""

from __future__ import annotations

import typer

from baotong.cli import db, mainjob, network, plan, serve, simulate, sweep, transport, users

app = typer.Typer(
    name="baotong",
    help="Baotong (保通): keep supplies and mail moving through a lockdown.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(network.app, name="network")
app.add_typer(db.app, name="db")
app.add_typer(users.app, name="users")
app.add_typer(transport.app, name="transport")
app.command("serve")(serve.serve)
app.command("run")(mainjob.run)
app.command("plan")(plan.plan)
app.command("simulate")(simulate.simulate)
app.command("sweep")(sweep.sweep)
