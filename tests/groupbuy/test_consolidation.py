"""The cut-off engine on plain data: sums, first come first served, kits, waves, linearity."""

from __future__ import annotations

import pytest

from baotong.groupbuy.consolidation import (
    ConsolidationInput,
    Cut,
    Group,
    OrderLine,
    OrderLines,
    consolidate,
)

GROUPS = (Group(1, "P1", "FW-A"), Group(2, "P2", "FW-A"), Group(3, "P3", "FW-B"))
KITS = {"KIT-VEG": {"VEG-CABBAGE": 2, "VEG-POTATO": 1}}


def test_sums_per_group_point_and_forward_warehouse_when_stock_covers_everything() -> None:
    lines = (OrderLine(1, 1, 10, "VEG-POTATO", 3), OrderLine(2, 2, 11, "VEG-POTATO", 2),
             OrderLine(3, 3, 12, "VEG-POTATO", 4))  # fmt: skip
    result = consolidate(ConsolidationInput(OrderLines.of(lines), GROUPS, {"VEG-POTATO": 100}))
    assert result.ordered == {"VEG-POTATO": 9}
    assert result.short == {}
    assert result.by_group == {1: {"VEG-POTATO": 3}, 2: {"VEG-POTATO": 2}, 3: {"VEG-POTATO": 4}}
    assert result.by_forward == {"FW-A": {"VEG-POTATO": 5}, "FW-B": {"VEG-POTATO": 4}}
    assert result.picks == {"FW-A": {"VEG-POTATO": 5}, "FW-B": {"VEG-POTATO": 4}}
    assert result.line_allocated == {}
    assert result.fill_rate == 1.0


def test_short_stock_goes_first_come_first_served_and_the_rest_is_shortfall() -> None:
    lines = (OrderLine(1, 1, 10, "VEG-CABBAGE", 3), OrderLine(2, 2, 11, "VEG-CABBAGE", 3),
             OrderLine(3, 3, 12, "VEG-CABBAGE", 3))  # fmt: skip
    result = consolidate(ConsolidationInput(OrderLines.of(lines), GROUPS, {"VEG-CABBAGE": 4}))
    assert result.allocated == {"VEG-CABBAGE": 4}
    assert result.short == {"VEG-CABBAGE": 5}
    assert result.line_allocated == {2: 1, 3: 0}  # the first resident is served in full
    assert result.cuts == {"VEG-CABBAGE": Cut(resident=11, line_id=2, take=1)}
    assert result.by_group == {1: {"VEG-CABBAGE": 3}, 2: {"VEG-CABBAGE": 1}}
    assert result.residents_by_group == {1: 1, 2: 1}


def test_kits_use_made_kits_then_the_components_the_skus_left() -> None:
    lines = (OrderLine(1, 1, 10, "VEG-POTATO", 2), OrderLine(2, 1, 10, "KIT-VEG", 4),
             OrderLine(3, 3, 11, "KIT-VEG", 1))  # fmt: skip
    stock = {"VEG-POTATO": 5, "VEG-CABBAGE": 6, "KIT-VEG": 1}
    result = consolidate(ConsolidationInput(OrderLines.of(lines), GROUPS, stock, KITS))
    # potatoes: 2 for the SKU line, 3 left → cabbage 6 allows 3 kits; 1 kit made already
    assert result.allocated == {"VEG-POTATO": 2, "KIT-VEG": 4}
    assert result.assemble == {"KIT-VEG": 3}
    assert result.short == {"KIT-VEG": 1}
    assert result.picks["FW-A"] == {"KIT-VEG": 1, "VEG-CABBAGE": 6, "VEG-POTATO": 5}


def test_refuses_lines_of_unknown_groups_and_negative_stock() -> None:
    with pytest.raises(ValueError, match="not in"):
        ConsolidationInput(OrderLines.of([OrderLine(1, 9, 1, "X", 1)]), GROUPS)
    with pytest.raises(ValueError, match="stock"):
        ConsolidationInput(OrderLines.of([]), GROUPS, {"X": -1})
    with pytest.raises(ValueError, match="qty"):
        OrderLine(1, 1, 1, "X", 0)


def _day(n: int) -> ConsolidationInput:
    groups = tuple(Group(g, f"P{g}", f"FW-{g % 20}") for g in range(200))
    lines = OrderLines.of(OrderLine(i, i % 200, i // 2, ("A", "B", "C")[i % 3], 1 + i % 4)
                          for i in range(n))  # fmt: skip
    return ConsolidationInput(lines, groups, {"A": n // 3, "B": n, "C": 10})


def test_every_unit_ordered_is_either_allocated_or_short_on_a_large_day() -> None:
    result = consolidate(_day(60_000))
    for item, ordered in result.ordered.items():
        assert result.allocated.get(item, 0) + result.short.get(item, 0) == ordered
    assert sum(sum(g.values()) for g in result.by_group.values()) == sum(result.allocated.values())
