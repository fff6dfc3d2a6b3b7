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
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

DEFAULT_ZONE = "Asia/Shanghai"  # a user's time zone unless they chose another


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


@cache
def zone(name: str | None) -> ZoneInfo:
    """The time zone ``name`` (IANA, e.g. "Asia/Shanghai"); the default for an unknown name."""
    try:
        return ZoneInfo(name or DEFAULT_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_ZONE)


@cache
def zone_names() -> list[str]:
    """Every IANA time zone name a user may choose, sorted."""
    return sorted(available_timezones())


def local(value: datetime, zone_name: str | None) -> datetime:
    """A stored (UTC) time as the wall-clock time of ``zone_name``."""
    return value.astimezone(zone(zone_name))


def from_local(value: datetime, zone_name: str | None) -> datetime:
    """A typed time in UTC: a naive one is read as wall-clock time of ``zone_name``."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone(zone_name))
    return value.astimezone(UTC)


def offset_label(value: datetime) -> str:
    """The UTC offset of an aware time as people read it: "UTC+8", "UTC+5:30", "UTC"."""
    offset = value.utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    if minutes == 0:
        return "UTC"
    sign, minutes = ("+" if minutes > 0 else "-"), abs(minutes)
    hours, rest = divmod(minutes, 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")
