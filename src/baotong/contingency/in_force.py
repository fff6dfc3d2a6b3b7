"""The network's current routing: the baseline sort plan plus the zones active plans claim.

A destination (county, station, grid or segment) is sorted by the backup of the active plan that
claims it, or of the claim on its station or county, else by its baseline centre; the
answer names the transit relation from an origin centre (default: the sorting centre's
provincial hub) to that centre.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from baotong.contingency.models import PlanLifecycle, PlanRun, ZoneClaim
from baotong.contingency.schemas import RoutingRead, TransitRead, resolve_destination
from baotong.core.exceptions import ValidationError
from baotong.network.entities import Network
from baotong.network.models import SiteRow

ACTIVE = PlanLifecycle.ACTIVE  # a scheduled plan's claims route nothing before its time


def current_routing(
    session: Session, *, network: Network, destination: str, origin: str | None = None
) -> RoutingRead:
    """The centre that sorts ``destination`` now: an active plan's backup, else the baseline."""
    kind, key, county, station = resolve_destination(network, destination)
    candidates = (
        [key]
        + ([station] if kind in ("grid", "segment") and station else [])
        + ([county] if key != county else [])
    )
    baseline = network.center_for(station or county)
    claims = {
        c.destination: c
        for c in session.scalars(
            select(ZoneClaim)
            .join(PlanRun, PlanRun.id == ZoneClaim.plan_id)
            .where(ZoneClaim.destination.in_(candidates), PlanRun.lifecycle == ACTIVE)
        )
    }
    claim = next((claims[c] for c in candidates if c in claims), None)
    plan = session.get(PlanRun, claim.plan_id) if claim else None
    center = network.center(claim.backup_center_id) if claim else baseline
    if origin is None:
        start = network.provincial_hub(center.province_code)
    elif origin in network.centers:
        start = network.centers[origin]
    else:
        raise ValidationError(
            f"unknown processing centre '{origin}'.",
            code="routing.unknown_origin",
            field="origin",
            value=origin,
        )
    transit = network.transit_between(start, center)
    site = session.get(SiteRow, center.id)
    return RoutingRead(
        destination=key,
        destination_kind=kind,
        region_code=county,
        station_id=station,
        center_id=center.id,
        center_name=center.name,
        center_status=site.status if site else center.status.value,
        source="plan" if claim else "baseline",
        plan_id=plan.id if plan else None,
        plan_name=plan.name if plan else None,
        baseline_center_id=baseline.id,
        transit=TransitRead(
            origin_center_id=transit.origin_center_id, chain=list(transit.chain), mode=transit.mode
        ),
    )
