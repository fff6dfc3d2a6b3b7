"""``baotong users``: create users, change their role and scope, deactivate and reactivate
them, reset their passwords. Passwords are never defaults; every change is audited as
done by ``cli``."""

from __future__ import annotations

import sys

import typer
from rich.console import Console

from baotong.auth import service as auth_service
from baotong.auth.permissions import Principal, Role, Scope, ScopeKind
from baotong.cli.db import cli_transaction

app = typer.Typer(
    help="Users: create them, change role and scope, deactivate, reset passwords.",
    no_args_is_help=True,
)
console = Console()
CLI = Principal.system("cli")
ROLES = ", ".join(r.value for r in Role)
UNITS = ", ".join(k.value for k in ScopeKind if k not in {ScopeKind.NATIONAL, ScopeKind.PROVINCE})

Province = typer.Option(
    None, "--province", help="Province code (e.g. 410000); national when left out."
)
Unit = typer.Option(
    None,
    "--unit",
    metavar="KIND:CODE",
    help=f"A unit scope in --province ({UNITS}): warehouse:ZZ-01.",
)
PasswordStdin = typer.Option(False, "--password-stdin", help="Read the password from stdin.")


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    return str(typer.prompt("Password", hide_input=True, confirmation_prompt=True))


def _scope(province: str | None, unit: str | None) -> Scope:
    kind, _, code = (unit or "").partition(":")
    return auth_service.scope_of(kind=kind or None, code=code or None, province_code=province)


@app.command()
def create(
    name: str = typer.Argument(..., help="Login name."),
    role: str = typer.Option(..., "--role", help=f"One of: {ROLES}."),
    province: str | None = Province,
    unit: str | None = Unit,
    email: str | None = typer.Option(None, "--email", help="Where notifications are mailed."),
    password_stdin: bool = PasswordStdin,
) -> None:
    """Create a user (the password is prompted, or read from stdin)."""
    password = _password(password_stdin)
    with cli_transaction("create the user") as session:
        user = auth_service.create_user(session, username=name, password=password, role=role,
                                        scope=_scope(province, unit), email=email,
                                        principal=CLI)  # fmt: skip
        scope = str(user.scope)
    console.print(f"Created user [bold]{name}[/] ({role}, {scope})")


@app.command("set-email")
def set_email(
    name: str = typer.Argument(..., help="Login name."),
    email: str = typer.Argument("", help="The address; empty: no more emails."),
) -> None:
    """Mail a user's notifications to an address (an empty one stops the emails)."""
    with cli_transaction("change the email") as session:
        user = auth_service.set_email(session, username=name, email=email, principal=CLI)
        address = user.email
    console.print(f"[bold]{name}[/] gets notifications by email at {address or 'nowhere'}")


@app.command("set-role")
def set_role(
    name: str = typer.Argument(..., help="Login name."),
    role: str = typer.Option(..., "--role", help=f"One of: {ROLES}."),
    province: str | None = Province,
    unit: str | None = Unit,
) -> None:
    """Give a user another role and scope (national unless --province / --unit)."""
    with cli_transaction("change the role") as session:
        user = auth_service.set_role(session, username=name, role=role,
                                     scope=_scope(province, unit), principal=CLI)  # fmt: skip
        scope = str(user.scope)
    console.print(f"[bold]{name}[/] is now {role} ({scope})")


@app.command()
def deactivate(name: str = typer.Argument(..., help="Login name.")) -> None:
    """Stop a user: they cannot log in, and every login of theirs ends now."""
    with cli_transaction("deactivate the user") as session:
        auth_service.deactivate(session, username=name, principal=CLI)
    console.print(f"Deactivated [bold]{name}[/]; their logins ended")


@app.command()
def reactivate(name: str = typer.Argument(..., help="Login name.")) -> None:
    """Let a deactivated user log in again."""
    with cli_transaction("reactivate the user") as session:
        auth_service.reactivate(session, username=name, principal=CLI)
    console.print(f"Reactivated [bold]{name}[/]")


@app.command("reset-password")
def reset_password(
    name: str = typer.Argument(..., help="Login name."),
    generate: bool = typer.Option(
        False, "--generate", help="Generate a password and print it (instead of a prompt)."
    ),
    password_stdin: bool = PasswordStdin,
) -> None:
    """Set a new password and end every login of the user."""
    password = None if generate else _password(password_stdin)
    with cli_transaction("reset the password") as session:
        chosen = auth_service.reset_password(session, username=name, password=password,
                                             principal=CLI)  # fmt: skip
    console.print(f"Password of [bold]{name}[/] reset; their logins ended")
    if generate:
        console.print(f"New password: [bold]{chosen}[/]", highlight=False)
