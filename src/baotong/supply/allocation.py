"""Allocation (配货): which supplier delivers how many units of each SKU on which day.

A kit of vegetables needs cabbage, potatoes and carrots; each comes from suppliers that
sell vegetables, each of which can deliver only so many units a day (its daily capacity,
shared by every table it serves). The allocation walks the days from the first delivery
day and, each day, takes what the preferred suppliers still have free, in order, until
the need is met — like filling a row of buckets from taps that each run so fast. Pure:
plain data in, plain data out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from baotong.core.exceptions import ValidationError


@dataclass(frozen=True, slots=True)
class Need:
    """Units of one SKU for one demand line, and the suppliers that may deliver them
    (preferred first)."""

    line_id: int
    sku: str
    quantity: int
    suppliers: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Piece:
    """Units of an SKU a supplier delivers for a line on a day."""

    line_id: int
    supplier: str
    sku: str
    quantity: int
    day: date


@dataclass(frozen=True, slots=True)
class AllocationParams:
    """``max_days``: how many days from the first delivery day the allocation may use."""

    max_days: int = 14

    def __post_init__(self) -> None:
        if not 1 <= self.max_days <= 90:
            raise ValidationError(
                "must be between 1 and 90 days.",
                code="supply.bad_parameter",
                field="max_days",
                value=self.max_days,
            )


def allocate(
    needs: Sequence[Need],
    capacity: Mapping[str, int],
    used: Mapping[tuple[str, date], int],
    first_day: date,
    params: AllocationParams | None = None,
) -> list[Piece]:
    """Pieces meeting every need within each supplier's daily ``capacity`` (units/day),
    ``used`` being what other allocations already take per (supplier, day).

    Raises ValidationError ``supply.no_capacity`` naming the SKU when the suppliers cannot
    deliver a need within ``max_days``.
    """
    params = params or AllocationParams()
    taken: dict[tuple[str, date], int] = dict(used)
    pieces: list[Piece] = []
    for need in needs:
        remaining = need.quantity
        for offset in range(params.max_days):
            day = first_day + timedelta(days=offset)
            for supplier in need.suppliers:
                free = capacity.get(supplier, 0) - taken.get((supplier, day), 0)
                if free <= 0 or remaining == 0:
                    continue
                units = min(free, remaining)
                taken[(supplier, day)] = taken.get((supplier, day), 0) + units
                pieces.append(Piece(need.line_id, supplier, need.sku, units, day))
                remaining -= units
            if remaining == 0:
                break
        if remaining:
            raise ValidationError(
                f"{need.sku}: {remaining} of {need.quantity} units find no supplier capacity "
                f"within {params.max_days} days.",
                code="supply.no_capacity",
                field="line",
                value=need.line_id,
                sku=need.sku,
                missing=remaining,
                days=params.max_days,
            )
    return pieces
