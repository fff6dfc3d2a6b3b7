"""The figures a plan is judged by, each defined once and used on every page, report and
export: 负荷率 (load rate), chute use, the delay histogram and transit volumes.

* **Load rate** (负荷率) of a centre: everything it sorts (its baseline load plus the zones
  plans send it) over everything it can sort (its capacity plus the surge shifts plans
  add). A backup at 0.998 is nearly full, whether read on the plan, the centre or the map.
* **Chute use**: the chutes a plan takes over the chutes that were free before it
  ("used / free"); 1.0 means every free chute is taken.
* **Delay histogram**: the re-routed volume by whole extra hours, weighted exactly as the
  mean and P95 are (each origin's share of a zone's inbound), so the bins and the P95 tell
  the same story (``delays.delays`` builds both from the same hours and weights).
* **Transit volume** of an origin province: the part of a moved zone's mail that comes
  from that province (``relations.transit_changes``), so the rows of one province sum to
  its own mail, and all provinces to the zone's.
"""

from __future__ import annotations

HISTOGRAM_HOURS = 24  # the last bin holds 24 hours and more


def load_rate(
    baseline_load: float, capacity: float, plan_load: float = 0.0, surge_capacity: float = 0.0
) -> float:
    """负荷率: (baseline load + plan load) / (capacity + surge capacity); 0 with no capacity.

    Items/day throughout.
    """
    total = capacity + surge_capacity
    return (baseline_load + plan_load) / total if total > 0 else 0.0


def chute_share(used: int, free: int) -> float:
    """The share of the free chutes a plan uses (1.0 when it needs chutes none are free)."""
    if free > 0:
        return used / free
    return 1.0 if used else 0.0


def hour_bin(hours: float) -> int:
    """The histogram bin of an extra delay: its whole hours, 24 and more in the last bin."""
    return min(int(max(0.0, hours)), HISTOGRAM_HOURS)
