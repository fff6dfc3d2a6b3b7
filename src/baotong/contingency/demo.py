"""The contingency part of the demo: the Henan lockdown scenario (examples/henan.yaml)."""

from __future__ import annotations

from pathlib import Path

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from baotong.auth.permissions import Principal
from baotong.config import Settings
from baotong.contingency import service
from baotong.contingency.models import ScenarioRow
from baotong.db import demo
from baotong.network.reference import load_active

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "henan.yaml"


def seed_demo(session: Session, settings: Settings) -> list[str]:
    """Save the Henan scenario once (by name), ready to plan on the console."""
    if not EXAMPLE.is_file():
        return []
    body = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    if session.scalar(select(ScenarioRow.id).where(ScenarioRow.name == body["name"])):
        return []
    row = service.create_scenario(
        session, body=body, network=load_active(settings), principal=Principal.system("demo")
    )
    return [f"Scenario {row.id}: {row.name}"]


demo.register("contingency", seed_demo, after=("network",))
