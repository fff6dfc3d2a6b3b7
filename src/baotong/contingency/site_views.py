"""What the map and the site page show, gathered from the services: plain dicts for the
templates.

Nothing here decides anything: scope, permissions and the rules live in the services;
these functions only pick and shape what a page displays.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from baotong.auth.permissions import Principal
from baotong.contingency import routing as contingency_routing
from baotong.contingency import service as contingency_service
from baotong.core.exceptions import BaotongError
from baotong.network import service as network_service
from baotong.network.entities import Network, ProductClass, SiteStatus
from baotong.network.lookup import find_region

MAX_ROUTES = 40


def locked_regions(session: Session, network: Network, user: Principal) -> list[dict[str, Any]]:
    """The locked areas of the plans in force, with the plan that holds each."""
    found: list[dict[str, Any]] = []
    for run in contingency_service.active_plans(session, principal=user):
        for area in contingency_service.scenario_of(run).locked_areas:
            try:
                region = find_region(network, area.region)
            except BaotongError:
                continue
            found.append({"code": region.code, "level": region.level.value, "plan_id": run.id,
                          "plan": run.name})  # fmt: skip
    return found


def map_data(session: Session, network: Network, user: Principal) -> dict[str, Any]:
    """Centres in the user's scope (status, capacity, utilisation) and what is locked now."""
    current = network_service.effective_network(session, network=network)
    centres = [
        {
            "id": c.id,
            "name": c.name,
            "name_en": c.name_en,
            "value": [c.location[0], c.location[1], round(c.total_capacity)],
            "status": c.status.value,
            "utilisation": round(c.utilisation, 3),
            "province": c.province_code,
            "chutes_free": c.free_chutes,
        }
        for c in current.centers.values()
        if user.sees_province(c.province_code)
    ]
    return {
        "centres": centres,
        "locked": locked_regions(session, network, user),
        "scope": user.province_code,
    }


def site_view(
    session: Session, network: Network, user: Principal, site_id: str, **form_state: Any
) -> dict[str, Any]:
    """A site, its history and capacity changes, and how mail for it is routed now;
    ``form_state`` is a refused form shown again (``status_error``, ``status_form``...)."""
    site = network_service.get_site(session, site_id, principal=user)
    current = network_service.effective_network(session, network=network)
    centre = current.centers.get(site.id)
    destinations: list[str] = []
    if site.kind == "station":
        destinations = [site.id]
    elif site.kind == "center" and site.prefecture_code in network.regions:
        destinations = [r.code for r in network.counties_in(site.prefecture_code)][:MAX_ROUTES]
    routing = []
    for destination in destinations:
        try:
            routing.append(contingency_routing.current_routing(
                session, network=network, destination=destination))  # fmt: skip
        except BaotongError:
            continue
    served = []
    for claim_plan in contingency_service.active_plans(session, principal=None):
        result = contingency_service.result_of(claim_plan)
        for backup in result.backups if result is not None else []:
            if backup.center_id == site.id:
                served.append({"plan_id": claim_plan.id, "plan": claim_plan.name,
                               "zones": len(backup.zones)})  # fmt: skip
    return {
        "site": site,
        "centre": centre,
        "classes": list(ProductClass),
        "statuses": list(SiteStatus),
        "history": network_service.status_history(session, site_id, principal=user),
        "overrides": network_service.capacity_overrides(session, site_id, principal=user)
        if site.kind == "center"
        else [],
        "routing": routing,
        "serves_for": served,
        "status_form": {},
        "capacity_form": {},
        "status_error": None,
        "capacity_error": None,
        **form_state,
    }
