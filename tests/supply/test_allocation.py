"""Allocation across suppliers and days within their daily capacity (no database)."""

from __future__ import annotations

from datetime import date

import pytest

from baotong.core.exceptions import ValidationError
from baotong.supply.allocation import AllocationParams, Need, allocate

DAY = date(2022, 4, 10)


def test_the_preferred_supplier_fills_first_and_the_next_takes_the_rest() -> None:
    pieces = allocate([Need(1, "VEG-CABBAGE", 150, ("A", "B"))], {"A": 100, "B": 100}, {}, DAY)
    assert [(p.supplier, p.quantity, p.day) for p in pieces] == [("A", 100, DAY), ("B", 50, DAY)]


def test_what_other_tables_use_counts_and_a_full_day_spills_to_the_next() -> None:
    pieces = allocate([Need(1, "MILK-UHT-12", 120, ("A",))], {"A": 100}, {("A", DAY): 60}, DAY)
    assert [(p.quantity, p.day.day) for p in pieces] == [(40, 10), (80, 11)]


def test_needs_share_one_supplier_day_by_day() -> None:
    needs = [Need(1, "X", 70, ("A",)), Need(2, "Y", 70, ("A",))]
    pieces = allocate(needs, {"A": 100}, {}, DAY)
    by_day: dict[int, int] = {}
    for p in pieces:
        by_day[p.day.day] = by_day.get(p.day.day, 0) + p.quantity
    assert by_day == {10: 100, 11: 40}


def test_a_need_beyond_every_supplier_s_capacity_is_refused_with_the_sku() -> None:
    with pytest.raises(ValidationError) as refused:
        allocate(
            [Need(7, "PROT-ANTIGEN", 500, ("A",))],
            {"A": 100},
            {},
            DAY,
            AllocationParams(max_days=3),
        )
    assert refused.value.code == "supply.no_capacity"
    assert refused.value.data["missing"] == 200


def test_the_horizon_must_be_sensible() -> None:
    with pytest.raises(ValidationError, match="between 1 and 90"):
        AllocationParams(max_days=0)
