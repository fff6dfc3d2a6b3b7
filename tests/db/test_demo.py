"""The demo registry: every domain's part, each after the parts it builds on."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from baotong.config import Settings
from baotong.db import demo


def _says(word: str) -> demo.Seeder:
    def seed(session: Session, settings: Settings) -> list[str]:
        return [word]

    return seed


def test_every_domain_registers_its_demo_part() -> None:
    import baotong.db.registry  # noqa: F401

    names = [p.name for p in demo.parts()]
    assert names[0] == "network"
    assert {"network", "auth", "contingency"} <= set(names)


def test_a_part_runs_after_the_parts_it_names(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(demo, "_PARTS", {})
    demo.register("orders", _says("orders"), after=("warehouse", "network"))
    demo.register("warehouse", _says("warehouse"), after=("network",))
    demo.register("network", _says("network"))
    assert demo.seed(None, Settings()) == ["network", "warehouse", "orders"]  # type: ignore[arg-type]


def test_parts_waiting_on_each_other_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(demo, "_PARTS", {})
    demo.register("a", _says("a"), after=("b",))
    demo.register("b", _says("b"), after=("a",))
    with pytest.raises(ValueError, match="wait on each other"):
        demo.parts()
