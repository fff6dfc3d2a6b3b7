"""The users of the demo: the ``demo`` administrator, with a new password on every run."""

from __future__ import annotations

from sqlalchemy.orm import Session

from baotong.auth import service
from baotong.auth.permissions import Principal
from baotong.config import Settings
from baotong.db import demo

DEMO_USER = "demo"
SEEDER = Principal.system("demo")


def seed_demo(session: Session, settings: Settings) -> list[str]:
    """Create the demo admin, or give it a fresh password (its old logins end)."""
    if service.get_user(session, DEMO_USER) is None:
        password = service.generated_password()
        service.create_user(session, username=DEMO_USER, password=password, role="admin",
                            principal=SEEDER)  # fmt: skip
    else:
        password = service.reset_password(session, username=DEMO_USER, principal=SEEDER)
    return [f"Log in as {DEMO_USER} with password {password} (admin)"]


demo.register("auth", seed_demo, after=("network",))
