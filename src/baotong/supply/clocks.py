"""The two clocks of a demand table: quote within 24 hours, confirm within 4 hours.

When a province submits its demand table, the sourcing desk's clock starts: a quotation
is due 24 hours later. When the quotation is sent, the province's clock starts: it must
confirm (or reject lines) within 4 hours. At 75 % of either clock the owner is reminded;
at the deadline the supervisor of the responsible side is alerted and the breach recorded.
This module only computes the moments; the job runner's deadline sweep fires them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from baotong.core.enums import LabelledEnum
from baotong.core.exceptions import ValidationError


class ClockKind(LabelledEnum):
    QUOTE = "quote", "orange"  # sourcing desk → quotation
    CONFIRM = "confirm", "purple"  # province → confirmation


@dataclass(frozen=True, slots=True)
class ClockParams:
    """Deadlines in hours and the reminder's share of the time (0–1)."""

    quote_hours: float = 24.0
    confirm_hours: float = 4.0
    reminder_share: float = 0.75

    def __post_init__(self) -> None:
        for name in ("quote_hours", "confirm_hours"):
            value = getattr(self, name)
            if not 0 < value <= 24 * 14:
                raise ValidationError("must be > 0 and ≤ 336 hours.", code="supply.bad_parameter",
                                      field=name, value=value)  # fmt: skip
        if not 0 < self.reminder_share < 1:
            raise ValidationError("must be > 0 and < 1.", code="supply.bad_parameter",
                                  field="reminder_share", value=self.reminder_share)  # fmt: skip

    def hours(self, kind: ClockKind) -> float:
        return self.quote_hours if kind is ClockKind.QUOTE else self.confirm_hours


@dataclass(frozen=True, slots=True)
class ClockTimes:
    """When a clock started, when its reminder fires and when it is due."""

    kind: ClockKind
    started_at: datetime
    remind_at: datetime
    due_at: datetime

    def remaining(self, now: datetime) -> timedelta:
        """Time left (negative once overdue)."""
        return self.due_at - now

    def elapsed_share(self, now: datetime) -> float:
        total = (self.due_at - self.started_at).total_seconds()
        return (now - self.started_at).total_seconds() / total


def start(kind: ClockKind, started_at: datetime, params: ClockParams | None = None) -> ClockTimes:
    """The reminder and due moments of a clock started at ``started_at`` (aware, UTC)."""
    if started_at.tzinfo is None:
        raise ValueError("started_at must be timezone-aware")
    params = params or ClockParams()
    span = timedelta(hours=params.hours(kind))
    return ClockTimes(kind, started_at, started_at + span * params.reminder_share,
                      started_at + span)  # fmt: skip
