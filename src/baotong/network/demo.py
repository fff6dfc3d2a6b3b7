"""The network's part of the demo: the regions and sites of the active network."""

from __future__ import annotations

from sqlalchemy.orm import Session

from baotong.config import Settings
from baotong.db import demo
from baotong.network import service
from baotong.network.reference import load_active


def seed_demo(session: Session, settings: Settings) -> list[str]:
    if service.is_seeded(session):
        return []
    report = service.seed(session, network=load_active(settings))
    return [f"Network: {report.regions_total} regions, {report.sites_total} sites"]


demo.register("network", seed_demo)
