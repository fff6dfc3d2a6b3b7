"""Entry point of the ``baotong`` command: one sub-app per area."""

from __future__ import annotations

import sys
from typing import Any

import typer
from rich.console import Console
from sqlalchemy.exc import SQLAlchemyError

from baotong.cli import (
    command,
    db,
    groupbuy,
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


class Baotong(typer.Typer):
    """The command, whose faults at startup (a data folder under a file or in a place that
    cannot be created, a read-only or unreachable database) are one line and exit 1."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().__call__(*args, **kwargs)
        except OSError as exc:
            reason = f"{exc.strerror or exc}" + (f": {exc.filename}" if exc.filename else "")
        except SQLAlchemyError as exc:
            reason = f"the database failed ({db.reason(exc)})"
        Console(stderr=True).print(f"[red]Error:[/] {reason}.", highlight=False, soft_wrap=True)
        sys.exit(1)


app = Baotong(
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
app.add_typer(groupbuy.app, name="groupbuy")
app.command("serve")(serve.serve)
app.command("run")(mainjob.run)
app.command("plan")(plan.plan)
app.command("simulate")(simulate.simulate)
app.command("sweep")(sweep.sweep)
