"""``baotong users``: create a user, set a password. Passwords are never defaults."""

from __future__ import annotations

import sys

import typer
from rich.console import Console

from baotong.auth import service as auth_service
from baotong.auth.permissions import Role
from baotong.cli.db import cli_transaction

app = typer.Typer(help="Users: create them, set their passwords.", no_args_is_help=True)
console = Console()
ROLES = ", ".join(r.value for r in Role)


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    return str(typer.prompt("Password", hide_input=True, confirmation_prompt=True))


@app.command()
def create(
    name: str = typer.Argument(..., help="Login name."),
    role: str = typer.Option(..., "--role", help=f"One of: {ROLES}."),
    province: str | None = typer.Option(
        None, "--province", help="Province code (e.g. 410000); national when left out."
    ),
    password_stdin: bool = typer.Option(
        False, "--password-stdin", help="Read the password from stdin."
    ),
) -> None:
    """Create a user (the password is prompted, or read from stdin)."""
    password = _password(password_stdin)
    with cli_transaction("create the user") as session:
        user = auth_service.create_user(
            session,
            username=name,
            password=password,
            role=role,
            province_code=province,
            actor="cli",
        )
        scope = user.province_code or "national"
    console.print(f"Created user [bold]{name}[/] ({role}, {scope})")


@app.command("set-password")
def set_password(
    name: str = typer.Argument(..., help="Login name."),
    password_stdin: bool = typer.Option(
        False, "--password-stdin", help="Read the password from stdin."
    ),
) -> None:
    """Set a user's password."""
    password = _password(password_stdin)
    with cli_transaction("set the password") as session:
        auth_service.set_password(session, username=name, password=password, actor="cli")
    console.print(f"Password of [bold]{name}[/] changed")
