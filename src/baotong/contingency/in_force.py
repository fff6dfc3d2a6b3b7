"""The network's current routing: the baseline sort plan plus the zones active plans claim.

A destination (county, station, grid or segment) is sorted by the backup of the active plan that
claims it, or of the claim on its station or county, else by its baseline centre; the
answer names the transit relation from an origin centre (default: the sorting centre's
provincial hub) to that centre.

What is in force (the active plans' claims, the sites' statuses) is read once per version of
that state (``db.versions.IN_FORCE``) and kept by the process: every lookup after the first
reads one token, not the claims. Writers bump the token in their transaction.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from baotong.contingency.models import PlanLifecycle, PlanRun, ZoneClaim
from baotong.contingency.schemas import RoutingRead, TransitRead, resolve_destination
from baotong.core.exceptions import ValidationError
from baotong.db import versions
from baotong.network.entities import Network
from baotong.network.models import SiteRow

ACTIVE = PlanLifecycle.ACTIVE  # a scheduled plan's claims route nothing before its time


MAX_AGE_S = 60.0  # a copy is read again after this long even if no writer bumped the token


@dataclass(frozen=True, slots=True)
class InForce:
    """What routes mail now: each claimed destination's (plan, backup centre), the active
    plans' names, and each site's status."""

    token: str | None
    claims: Mapping[str, tuple[int, str]]
    plans: Mapping[int, str]
    site_status: Mapping[str, str]
    read_at: float


_copies: dict[str, InForce] = {}


def in_force(session: Session, token: str | None = None) -> InForce:
    """The state in force as of ``token`` (read when not given): the process's copy while
    the token is unchanged and the copy younger than ``MAX_AGE_S``, else read anew."""
    token = token if token is not None else versions.token(session)
    now = time.monotonic()
    known = _copies.get(token) if token else None
    if known is not None and now - known.read_at < MAX_AGE_S:
        return known
    claims = {
        destination: (plan_id, center)
        for destination, plan_id, center in session.execute(
            select(ZoneClaim.destination, ZoneClaim.plan_id, ZoneClaim.backup_center_id)
            .join(PlanRun, PlanRun.id == ZoneClaim.plan_id)
            .where(PlanRun.lifecycle == ACTIVE)
        )
    }
    active = select(PlanRun.id, PlanRun.name).where(PlanRun.lifecycle == ACTIVE)
    plans = dict(session.execute(active).all())
    status = {
        site: str(value) for site, value in session.execute(select(SiteRow.id, SiteRow.status))
    }
    state = InForce(token, claims, plans, status, now)
    if token:
        if len(_copies) > 16:
            _copies.clear()
        _copies[token] = state
    return state


def current_routing(
    session: Session, *, network: Network, destination: str, origin: str | None = None
) -> RoutingRead:
    """The centre that sorts ``destination`` now: an active plan's backup, else the baseline."""
    return routing_in(in_force(session), network=network, destination=destination, origin=origin)


def routing_in(
    state: InForce, *, network: Network, destination: str, origin: str | None = None
) -> RoutingRead:
    """``current_routing`` on a state already read."""
    kind, key, county, station = resolve_destination(network, destination)
    candidates = (
        [key]
        + ([station] if kind in ("grid", "segment") and station else [])
        + ([county] if key != county else [])
    )
    baseline = network.center_for(station or county)
    claim = next((state.claims[c] for c in candidates if c in state.claims), None)
    center = network.center(claim[1]) if claim else baseline
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
    return RoutingRead(
        destination=key,
        destination_kind=kind,
        region_code=county,
        station_id=station,
        center_id=center.id,
        center_name=center.name,
        center_status=state.site_status.get(center.id, center.status.value),
        source="plan" if claim else "baseline",
        plan_id=claim[0] if claim else None,
        plan_name=state.plans.get(claim[0]) if claim else None,
        baseline_center_id=baseline.id,
        transit=TransitRead(
            origin_center_id=transit.origin_center_id, chain=list(transit.chain), mode=transit.mode
        ),
    )
