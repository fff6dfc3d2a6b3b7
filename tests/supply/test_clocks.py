"""The 24 h quote and 4 h confirm clocks: reminder at 75 %, due at 100 %."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from baotong.core.exceptions import ValidationError
from baotong.supply.clocks import ClockKind, ClockParams, start

SUBMITTED = datetime(2022, 4, 10, 8, 0, tzinfo=UTC)


def test_quote_clock_reminds_at_18_hours_and_is_due_at_24() -> None:
    clock = start(ClockKind.QUOTE, SUBMITTED)
    assert clock.remind_at == SUBMITTED + timedelta(hours=18)
    assert clock.due_at == SUBMITTED + timedelta(hours=24)
    assert clock.remaining(SUBMITTED + timedelta(hours=25)) == timedelta(hours=-1)
    assert clock.elapsed_share(SUBMITTED + timedelta(hours=6)) == pytest.approx(0.25)


def test_confirm_clock_is_four_hours() -> None:
    clock = start(ClockKind.CONFIRM, SUBMITTED)
    assert clock.remind_at == SUBMITTED + timedelta(hours=3)
    assert clock.due_at == SUBMITTED + timedelta(hours=4)


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        start(ClockKind.QUOTE, datetime(2022, 4, 10, 8, 0))  # noqa: DTZ001


@pytest.mark.parametrize(
    ("field", "value"), [("quote_hours", 0), ("confirm_hours", 1000), ("reminder_share", 1.0)]
)
def test_clock_parameters_are_checked(field: str, value: float) -> None:
    with pytest.raises(ValidationError, match=field):
        ClockParams(**{field: value})
