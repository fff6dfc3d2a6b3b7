"""Shipping mode per demand line: direct from source, or via a consolidation point.

The 2022 model ships a full load straight from the supplier to the government-designated
transfer station (源头直发), and sends everything else through a consolidation point next to
the locked area (汇集发运): a kit that needs goods from several suppliers must be assembled
there, and a part load is topped up there with other goods. The rule is a function of the
line's allocation and the parameters below; the decision carries its reason so the supply
desk can read it and override it with a comment.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from baotong.core.enums import LabelledEnum
from baotong.core.exceptions import ValidationError


class ShippingMode(LabelledEnum):
    DIRECT = "direct", "green"  # 源头直发
    CONSOLIDATED = "consolidated", "blue"  # 汇集发运


@dataclass(frozen=True, slots=True)
class ShippingParams:
    """When a line goes direct.

    Parameters
    ----------
    truck_kg, truck_m3
        What one delivery truck carries (kg, m³): a load is full when either is reached.
    full_load_share
        Share of a truck (0–1] a single supplier's goods for one line must fill to go direct.
    cold_chain_direct
        Cold-chain goods go direct from a single supplier even below a full load (they must
        not wait at an ambient consolidation point).
    """

    truck_kg: float = 10_000.0
    truck_m3: float = 45.0
    full_load_share: float = 0.8
    cold_chain_direct: bool = True

    def __post_init__(self) -> None:
        if not 0 < self.truck_kg <= 50_000:
            raise ValidationError("must be > 0 and ≤ 50000 kg.", code="supply.bad_parameter",
                                  field="truck_kg", value=self.truck_kg)  # fmt: skip
        if not 0 < self.truck_m3 <= 200:
            raise ValidationError("must be > 0 and ≤ 200 m³.", code="supply.bad_parameter",
                                  field="truck_m3", value=self.truck_m3)  # fmt: skip
        if not 0 < self.full_load_share <= 1:
            raise ValidationError("must be > 0 and ≤ 1.", code="supply.bad_parameter",
                                  field="full_load_share", value=self.full_load_share)  # fmt: skip


@dataclass(frozen=True, slots=True)
class LineLoad:
    """One demand line as allocated: goods (kg, m³) per supplier, and whether it is a kit."""

    is_kit: bool
    by_supplier: Mapping[str, tuple[float, float]]  # supplier → (kg, m³)
    cold_chain: bool = False


@dataclass(frozen=True, slots=True)
class ShippingDecision:
    """The mode with its reason: a stable code and the numbers behind it."""

    mode: ShippingMode
    reason: str  # kit_several_sources | full_load | part_load | cold_chain | no_allocation
    load_share: float  # of one truck, largest supplier's goods
    suppliers: int

    def explain(self) -> str:
        share = f"{self.load_share:.0%} of a truck"
        return {
            "kit_several_sources": f"a kit from {self.suppliers} suppliers is assembled at "
            "the consolidation point",
            "full_load": f"a full load from one supplier ({share}) goes straight to the "
            "transfer station",
            "part_load": f"a part load ({share}) is combined at the consolidation point",
            "cold_chain": f"cold-chain goods from one supplier go direct ({share})",
            "several_sources": f"goods from {self.suppliers} suppliers are combined at the "
            "consolidation point",
            "no_allocation": "not allocated to a supplier yet",
        }[self.reason]


def load_share(kg: float, m3: float, params: ShippingParams) -> float:
    """The share of one truck that ``kg`` and ``m3`` fill (the tighter of the two)."""
    return max(kg / params.truck_kg, m3 / params.truck_m3)


def decide(line: LineLoad, params: ShippingParams | None = None) -> ShippingDecision:
    """Direct or via the consolidation point, and why."""
    params = params or ShippingParams()
    loads = {s: load for s, load in line.by_supplier.items() if load[0] > 0 or load[1] > 0}
    if not loads:
        return ShippingDecision(ShippingMode.CONSOLIDATED, "no_allocation", 0.0, 0)
    biggest = max(load_share(kg, m3, params) for kg, m3 in loads.values())
    count = len(loads)
    if count > 1:
        reason = "kit_several_sources" if line.is_kit else "several_sources"
        return ShippingDecision(ShippingMode.CONSOLIDATED, reason, biggest, count)
    if biggest >= params.full_load_share:
        return ShippingDecision(ShippingMode.DIRECT, "full_load", biggest, 1)
    if line.cold_chain and params.cold_chain_direct:
        return ShippingDecision(ShippingMode.DIRECT, "cold_chain", biggest, 1)
    return ShippingDecision(ShippingMode.CONSOLIDATED, "part_load", biggest, 1)
