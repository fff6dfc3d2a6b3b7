"""Demo data: every domain registers how to put its part of the demo into the database.

``baotong db seed --demo`` (and ``baotong run``, which serves the demo) runs every
registered seeder inside one transaction, each after the parts it names in ``after``.
A seeder adds only what is missing, so seeding twice changes nothing; it returns lines
saying what it did. A domain registers in its own ``demo.py`` (listed in
``baotong.db.registry``)::

    demo.register("contingency", seed_demo, after=("network",))
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from baotong.config import Settings

Seeder = Callable[[Session, Settings], list[str]]


@dataclass(frozen=True, slots=True)
class Part:
    name: str
    seeder: Seeder
    after: tuple[str, ...]


_PARTS: dict[str, Part] = {}


def register(name: str, seeder: Seeder, *, after: tuple[str, ...] = ()) -> None:
    """Add a domain's demo seeder, to run after the parts named in ``after``."""
    _PARTS[name] = Part(name, seeder, after)


def parts() -> list[Part]:
    """The registered parts in the order they run (each after what it needs)."""
    ordered: list[Part] = []
    pending = dict(sorted(_PARTS.items()))
    while pending:
        ready = [p for p in pending.values() if all(a not in pending for a in p.after)]
        if not ready:
            raise ValueError(f"demo parts wait on each other: {sorted(pending)}")
        for part in ready:
            ordered.append(pending.pop(part.name))
    return ordered


def seed(session: Session, settings: Settings) -> list[str]:
    """Run every seeder in the caller's transaction; what each did, one line per item."""
    return [line for part in parts() for line in part.seeder(session, settings)]
