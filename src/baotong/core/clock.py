"""The one clock: timezone-aware UTC, replaceable in tests.

Tests that depend on time freeze it and move it by hand, instead of sleeping::

    with clock.frozen(datetime(2026, 12, 1, 8, tzinfo=UTC)) as frozen:
        ...
        frozen.advance(timedelta(hours=4))
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta


class FrozenClock:
    """A clock that only moves when told to."""

    def __init__(self, at: datetime) -> None:
        if at.tzinfo is None:
            raise ValueError('"at" must be timezone-aware.')
        self.at = at.astimezone(UTC)

    def advance(self, by: timedelta) -> datetime:
        self.at += by
        return self.at


_frozen: list[FrozenClock] = []


def now() -> datetime:
    return _frozen[-1].at if _frozen else datetime.now(UTC)


@contextmanager
def frozen(at: datetime | None = None) -> Iterator[FrozenClock]:
    """Stop the clock at ``at`` (now by default) for the block, in every thread."""
    clock = FrozenClock(at or now())
    _frozen.append(clock)
    try:
        yield clock
    finally:
        _frozen.remove(clock)
