"""The tracking part of the demo: a generated day of traffic, following the plans in force."""

from __future__ import annotations

from sqlalchemy.orm import Session

from baotong.config import Settings
from baotong.db import demo
from baotong.network.reference import load_active
from baotong.tracking import service
from baotong.tracking.generate import GenerateParams, generate


def seed_demo(session: Session, settings: Settings) -> list[str]:
    """A day of traffic (about 3,000 items), once."""
    if service.count_items(session):
        return []
    report = generate(
        session, network=load_active(settings), params=GenerateParams(days=1, items_per_day=3000)
    )
    return [f"Tracking: {report.items} items, {report.events} scans"]


demo.register("tracking", seed_demo, after=("network", "contingency"))
