"""The compare page's data: the regions a planner assigns by hand, the centres offered,
and a manual plan scored on the planner's model next to the stored optimum.

Scoring is the planner engine's ``evaluate``; this module only builds the manual plan
from the form (or reads the uploaded YAML) and lays the two plans side by side.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable

from starlette.datastructures import FormData

from baotong.contingency.document import EvaluationDocument, PlanDocument
from baotong.contingency.scenario import ManualPlan, Scenario, validate
from baotong.core.exceptions import BaotongError, ValidationError
from baotong.network.entities import Network, ProcessingCenter, SiteStatus, great_circle_km
from baotong.network.lookup import find_region

OFFERED = 24  # centres a person can paint with (each its own colour)


def manual_regions(network: Network, scenario: Scenario) -> list[str]:
    """What a person assigns: prefectures of a locked province, else the area itself."""
    codes: list[str] = []
    for area in scenario.locked_areas:
        try:
            code = find_region(network, area.region).code
        except BaotongError:
            continue
        children = network.children(code) if code.endswith("0000") else []
        codes.extend(r.code for r in children) if children else codes.append(code)
    return codes


def optimum_choice(plan: PlanDocument, regions: list[str]) -> dict[str, str]:
    """For each region, the backup taking most of its volume in the optimal plan."""
    return _majority(((a.region_code, a.backup_center_id, a.volume) for a in plan.assignments),
                     regions)  # fmt: skip


def _majority(rows: Iterable[tuple[str, str | None, float]], regions: list[str]) -> dict[str, str]:
    volume: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for code, backup, amount in rows:
        owner = next((r for r in regions if _inside(r, code)), None)
        if owner and backup:
            volume[owner][backup] += amount
    return {code: max(v, key=lambda k: v[k]) for code, v in volume.items()}


def _inside(area: str, code: str) -> bool:
    if area.endswith("0000"):
        return code[:2] == area[:2]
    if area.endswith("00"):
        return code[:4] == area[:4]
    return code == area


def offered_centres(network: Network, plan: PlanDocument, provinces: list[str]) -> list[str]:
    """The optimum's backups, then the open centres outside the locked areas by reach: the
    distance to the nearest locked area divided by the square root of the capacity (in
    100,000 items/day), so a large hub a few hundred kilometres away (Wuhan, Xi'an for
    Henan) comes before a small centre next door, as the source's planners chose them."""
    chosen = [b.center_id for b in plan.backups]
    locked = {p[:2] for p in provinces}
    points = [network.regions[p].centroid for p in provinces if p in network.regions]

    def reach(c: ProcessingCenter) -> float:
        near = min((great_circle_km(c.location, p) for p in points), default=0.0)
        return near / math.sqrt(max(sum(c.capacity.values()), 1.0) / 1e5)

    others = sorted(
        (c for c in network.centers.values()
         if c.province_code[:2] not in locked and c.status is not SiteStatus.CLOSED
         and c.id not in chosen),
        key=lambda c: (reach(c), c.id),
    )  # fmt: skip
    return chosen + [c.id for c in others[: max(0, OFFERED - len(chosen))]]


def manual_from_form(
    form: FormData, yaml_text: str, regions: list[str], network: Network
) -> ManualPlan:
    """The manual plan given as YAML (typed or uploaded), or else the form's choices."""
    if yaml_text.strip():
        return ManualPlan.from_yaml(yaml_text.strip() + "\n")
    backups: dict[str, list[str]] = defaultdict(list)
    for code in regions:
        centre = str(form.get(f"assign_{code}") or "")
        if centre:
            if centre not in network.centers:
                raise ValidationError("unknown processing centre.", code="compare.unknown_centre",
                                      field=f"assign_{code}", value=centre)  # fmt: skip
            backups[centre].append(code)
    if not backups:
        raise ValidationError("assign at least one region to a backup centre.",
                              code="compare.nothing_assigned", field="assign")  # fmt: skip
    name = str(form.get("name") or "").strip() or "manual"
    body = {"name": name, "backups": [{"center": c, "regions": r} for c, r in backups.items()]}
    return validate(ManualPlan, body)


def evaluated_choice(evaluation: EvaluationDocument, regions: list[str]) -> dict[str, str]:
    """The region → backup choices of an evaluated manual plan (shown on the form)."""
    return _majority(((a.zone_id, a.backup_center_id, 1.0) for a in evaluation.assignments),
                     regions)  # fmt: skip
