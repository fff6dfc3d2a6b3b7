"""The service-desk part of the demo (filled in below)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from baotong.config import Settings
from baotong.db import demo


def seed_demo(session: Session, settings: Settings) -> list[str]:
    return []


demo.register("servicedesk", seed_demo, after=("tracking",))
