"""Shipping mode per line: direct from source or via the consolidation point, with reason."""

from __future__ import annotations

import pytest

from baotong.core.exceptions import ValidationError
from baotong.supply.shipping import LineLoad, ShippingMode, ShippingParams, decide

PARAMS = ShippingParams(truck_kg=10_000, truck_m3=45, full_load_share=0.8)


def test_full_load_from_one_supplier_goes_direct() -> None:
    decision = decide(LineLoad(False, {"SUP-A": (9_000.0, 20.0)}), PARAMS)
    assert decision.mode is ShippingMode.DIRECT
    assert decision.reason == "full_load"
    assert decision.load_share == pytest.approx(0.9)


def test_volume_can_fill_a_truck_before_weight() -> None:
    decision = decide(LineLoad(False, {"SUP-A": (2_000.0, 40.0)}), PARAMS)
    assert decision.mode is ShippingMode.DIRECT
    assert decision.load_share == pytest.approx(40 / 45)


def test_part_load_goes_via_the_consolidation_point() -> None:
    decision = decide(LineLoad(False, {"SUP-A": (3_000.0, 10.0)}), PARAMS)
    assert decision.mode is ShippingMode.CONSOLIDATED
    assert decision.reason == "part_load"
    assert "30%" in decision.explain()


def test_kit_from_several_suppliers_is_assembled_at_the_consolidation_point() -> None:
    line = LineLoad(True, {"SUP-A": (9_500.0, 30.0), "SUP-B": (500.0, 2.0)})
    decision = decide(line, PARAMS)
    assert decision.mode is ShippingMode.CONSOLIDATED
    assert decision.reason == "kit_several_sources"
    assert decision.suppliers == 2


def test_cold_chain_part_load_goes_direct_unless_switched_off() -> None:
    line = LineLoad(False, {"SUP-A": (1_000.0, 2.0)}, cold_chain=True)
    assert decide(line, PARAMS).reason == "cold_chain"
    off = ShippingParams(cold_chain_direct=False)
    assert decide(line, off).mode is ShippingMode.CONSOLIDATED


def test_unallocated_line_waits_at_the_consolidation_point() -> None:
    assert decide(LineLoad(False, {}), PARAMS).reason == "no_allocation"


@pytest.mark.parametrize("field", ["truck_kg", "truck_m3", "full_load_share"])
def test_parameters_are_checked(field: str) -> None:
    with pytest.raises(ValidationError, match=field):
        ShippingParams(**{field: 0})
