"""Sort depth as a decision: which depth each zone's backup sorts it to, and why.

A city lockdown asks the backups to sort down to segment, grid or station; a province
lockdown to the county plus a chute per high-volume station. Each zone also has coarser
alternatives (``Zone.coarser``: grid or station below a segment, station below a grid; the
county alone, its high-volume stations sorted by the county's delivery branch). A coarser
depth needs fewer chutes at the backup and costs the hand sorting at the station
(``costs.hand_sort_item`` per item and depth step, ``Problem.hand_cost``).

The alternatives are one-of variants in the MIP (planning.py), the heuristic
(heuristic.py) and the scorer (assess.py), so the optimiser trades chutes between zones:
a station already served at the depth asked is sorted coarser when that lets another
zone be served. The rule that follows: no zone is left unserved while a coarser depth
would let it fit, and a zone keeps the depth asked unless a coarser one saves more than
its hand sorting costs (with the default cost, only when chutes run short or another
backup would have to open).
"""

from __future__ import annotations

import numpy as np

from baotong.contingency.assess import Assignment, Levels
from baotong.contingency.zoning import Problem, Zone


def at_chosen_depths(problem: Problem, assign: Assignment, levels: Levels) -> Problem:
    """The problem with each served zone at the depth the plan chose; a zone left
    unserved is reported at the depth asked."""
    return problem.at_depths(np.where(assign >= 0, levels, 0).astype(np.int64))


def depth_reason(
    zone: Zone, hand_sort_item: float, backup: str, free: int, used: int
) -> str | None:
    """Why a zone got a coarser depth than asked (None when it got the one asked).

    ``backup`` names the centre that sorts it, with ``free`` chutes of which the plan's
    zones use ``used`` at the depths they got.
    """
    if zone.asked is None:
        return None
    depth, chutes = zone.asked
    more = chutes - zone.chutes
    left = free - used
    why = (
        f"{more} more than its backup {backup} has left ({free} free, {used} used by the plan)"
        if more > left
        else f"which its backup {backup} has left, but the solver stopped within its gap"
    )
    hand = zone.volume * hand_sort_item * zone.hand_steps
    sorter = "county's delivery branch" if depth == "county" else "station"
    return (
        f"at {_label(depth, chutes)} depth it needs {chutes} chutes, {why}; at "
        f"{_label(zone.zone_kind, zone.chutes)} depth it needs {zone.chutes} and the {sorter} "
        f"sorts the rest by hand ({hand:,.0f} CNY/day), cheaper than another backup, longer "
        "runs or a zone left unserved"
    )


def _label(depth: str, chutes: int) -> str:
    """A county alone is called so; its asked depth keeps the high-volume stations."""
    if depth == "county":
        return "county" if chutes == 1 else "county and high-volume station"
    return depth
