"""人员班次: staff per shift and role for the re-routed mail of one backup, and the gap.

From the items sorted in each hour (the schedule), each shift's peak hour sets the people
at the induction, clearing chutes and closing bags (items per person-hour by automation
level; at least one clearer per ``chutes_per_clearer`` new chutes while the shift
sorts); loaders fill the zone runs that leave in the shift, each within two hours. The
centre's roster comes from the network data (``rosters.csv``: people per shift); a centre
without one (the whole reference network) has, on each shift, the people its baseline load
needs at the same productivity. Free for the extra work are the people beyond the
baseline's need, and at least ``roster_reserve`` of the shift's roster; what is still
missing is the gap to request by lending (command).
"""

from __future__ import annotations

import math

from baotong.contingency.document import Backup
from baotong.contingency.operations.document import Schedule, ShiftNeed, ShiftPlan
from baotong.contingency.operations.params import SHIFTS, OperationsParams
from baotong.network.entities import Automation, Network

LOADING_HOURS = 2.0
ROLES_BY_VOLUME = ("induction", "bag_closing", "loading")


def _in_shift(hour: float, start: float, end: float) -> bool:
    return start <= hour < end or start <= hour + 24.0 < end


def baseline_staff(network: Network, center_id: str, params: OperationsParams) -> int:
    """People a shift of the centre has for its own baseline (the modelled roster)."""
    centre = network.centers.get(center_id)
    if centre is None:
        return 0
    prod = params.productivity[centre.automation]
    per_hour = sum(centre.baseline_load.values()) / params.operating_hours
    clearers = max(
        math.ceil(per_hour / prod["chute_clearing"]),
        math.ceil(centre.chutes_in_use / params.chutes_per_clearer[centre.automation]),
    )
    return sum(math.ceil(per_hour / prod[r]) for r in ROLES_BY_VOLUME) + clearers


def shift_plan(
    network: Network,
    backup: Backup,
    volumes: dict[str, float],
    new_chutes: int,
    plan: Schedule,
    params: OperationsParams,
) -> ShiftPlan:
    """``volumes``: items/day of each zone the backup takes (its runs are loaded)."""
    centre = network.centers.get(backup.center_id)
    automation = centre.automation if centre is not None else Automation.SEMI
    prod = params.productivity[automation]
    need = baseline_staff(network, backup.center_id, params)
    roster = network.rosters.get(backup.center_id, {})
    arrivals = [0.0] * 24
    for w in plan.waves:
        for k in range(math.ceil(params.arrival_spread_hours)):
            arrivals[(math.floor(w.arrival) + k) % 24] += (w.volume + w.crossdock) / math.ceil(
                params.arrival_spread_hours
            )
    needs = []
    for name, start, end in SHIFTS:
        hours = [h for h in range(24) if _in_shift(h + 0.5, start, end)]
        volume = sum(plan.hourly_sorted[h] for h in hours)
        peak = max((plan.hourly_sorted[h] for h in hours), default=0.0)
        leaving = sum(volumes.get(d.zone_id, 0.0) for d in plan.departures
                      if _in_shift(d.departure % 24, start, end))  # fmt: skip
        staff = {
            "induction": math.ceil(peak / prod["induction"] - 1e-9),
            "chute_clearing": max(
                math.ceil(peak / prod["chute_clearing"] - 1e-9),
                math.ceil(new_chutes / params.chutes_per_clearer[automation]),
            ) if volume > 0 else 0,
            "bag_closing": math.ceil(peak / prod["bag_closing"] - 1e-9),
            "loading": math.ceil(leaving / (LOADING_HOURS * prod["loading"]) - 1e-9),
        }  # fmt: skip
        total = sum(staff.values())
        on_shift = roster.get(name, need)
        reserve = max(math.floor(on_shift * params.roster_reserve), on_shift - need)
        needs.append(ShiftNeed(
            shift=name, start=start, end=end, volume=round(volume, 1),
            peak_per_hour=round(peak, 1), staff=staff, total=total, reserve=reserve,
            gap=max(0, total - reserve),
        ))  # fmt: skip
    return ShiftPlan(
        automation=automation.value, hourly_arrivals=[round(a, 1) for a in arrivals],
        shifts=needs, surge_shifts=backup.surge_shifts, gap=sum(n.gap for n in needs),
    )  # fmt: skip
