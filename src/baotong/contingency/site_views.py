"""What the map and the site page show, gathered from the services: plain dicts for the
templates.

Nothing here decides anything: scope, permissions and the rules live in the services;
these functions only pick and shape what a page displays.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from baotong.auth.permissions import Principal
from baotong.contingency import figures
from baotong.contingency import in_force as contingency_routing
from baotong.contingency import service as contingency_service
from baotong.contingency.models import PlanAssignment, PlanLifecycle, PlanRun
from baotong.core.exceptions import BaotongError, NotFoundError
from baotong.core.i18n import N_
from baotong.core.pagination import PageRequest
from baotong.network import service as network_service
from baotong.network.entities import Network, ProcessingCenter, ProductClass, SiteStatus
from baotong.network.lookup import find_region
from baotong.network.models import SiteRow

MAX_ROUTES = 200
ZONE_KINDS = [N_("zone_kind.county"), N_("zone_kind.station"), N_("zone_kind.grid"),
              N_("zone_kind.segment")]  # fmt: skip
AREA_LEVELS = [N_("area_level.province"), N_("area_level.city")]


@dataclass
class InForce:
    """What the active plans do to the centres: the load they send each backup, the surge
    capacity they add, the centres inside their locked areas, and the sites they rely on
    that are closed or limited now (alerts)."""

    plans: list[PlanRun] = field(default_factory=list)
    extra_load: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    surge: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    locked_by: dict[str, PlanRun] = field(default_factory=dict)
    serves: dict[str, list[tuple[PlanRun, int]]] = field(default_factory=lambda: defaultdict(list))

    def load_rate(self, centre: ProcessingCenter) -> float:
        """负荷率 with the plans in force (``figures.load_rate``)."""
        return figures.load_rate(centre.total_load, centre.total_capacity,
                                 self.extra_load.get(centre.id, 0.0),
                                 self.surge.get(centre.id, 0.0))  # fmt: skip


def in_force(session: Session, network: Network) -> InForce:
    """The effect of the active plans on every centre (the system's view: all plans)."""
    found = InForce(plans=contingency_service.active_plans(session, principal=None))
    for run in found.plans:
        result = contingency_service.result_of(run)
        for b in result.backups if result is not None else []:
            found.extra_load[b.center_id] += b.load
            found.surge[b.center_id] += max(0.0, b.capacity - b.spare_capacity)
            found.serves[b.center_id].append((run, len(b.zones)))
        areas = {a.region for a in contingency_service.scenario_of(run).locked_areas}
        for centre in network.centers.values():
            if areas & {centre.province_code, centre.prefecture_code}:
                found.locked_by.setdefault(centre.id, run)
    return found


def alerts(
    session: Session,
    network: Network,
    *,
    principal: Principal | None = None,
    plan_id: int | None = None,
    site_id: str | None = None,
) -> list[dict[str, Any]]:
    """Backups of active or scheduled plans that are closed or limited now: each names the
    plan, the site and its status, so the plan, the site page and the map can offer
    re-planning. Filtered to one plan or one site when asked."""
    runs = [r for r in contingency_service.in_force(session)
            if (plan_id is None or r.id == plan_id)
            and (principal is None or principal.is_national
                 or r.province_code == principal.province_code)]  # fmt: skip
    wanted = {r.id: contingency_service.backup_ids(r) for r in runs}
    ids = set().union(*wanted.values()) if wanted else set()
    if site_id is not None:
        ids &= {site_id}
    if not ids:
        return []
    sites = {row.id: row for row in session.scalars(
        select(SiteRow).where(SiteRow.id.in_(ids), SiteRow.status != SiteStatus.OPEN))}  # fmt: skip
    found = []
    for run in runs:
        for center_id in sorted(wanted[run.id] & set(sites)):
            row = sites[center_id]
            found.append({"plan_id": run.id, "plan": run.name, "lifecycle": run.lifecycle,
                          "scenario_id": run.scenario_id, "site_id": row.id,
                          "status": row.status})  # fmt: skip
    return found


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
    """Centres in the user's scope (status, capacity, load rate with the plans in force;
    a centre inside a locked area is "locked") and what is locked now."""
    current = network_service.effective_network(session, network=network)
    effect = in_force(session, current)
    centres = [
        {
            "id": c.id,
            "name": c.name,
            "name_en": c.name_en,
            "value": [c.location[0], c.location[1], round(c.total_capacity)],
            "status": "locked" if c.id in effect.locked_by else c.status.value,
            "utilisation": round(effect.load_rate(c), 3),
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
        "alerts": len(alerts(session, network, principal=user)),
    }


def routed_destinations(session: Session, network: Network, prefecture: str) -> list[str]:
    """What a centre's page routes for a prefecture: each county, or — where an active
    plan re-routes it finer (stations, grids, segments) — those zones instead."""
    counties = [r.code for r in network.counties_in(prefecture)]
    finer: dict[str, list[str]] = defaultdict(list)
    rows = session.execute(
        select(PlanAssignment.region_code, PlanAssignment.destination)
        .join(PlanRun, PlanRun.id == PlanAssignment.plan_id)
        .where(PlanRun.lifecycle == PlanLifecycle.ACTIVE,
               PlanAssignment.region_code.in_(counties),
               PlanAssignment.destination != PlanAssignment.region_code)
        .order_by(PlanAssignment.destination)
    )  # fmt: skip
    for county, destination in rows:
        finer[county].append(destination)
    return [d for c in counties for d in (finer.get(c) or [c])]


def zones_taken(session: Session, site_id: str, limit: int = MAX_ROUTES) -> tuple[list[Any], int]:
    """The zones active plans send to a backup (first ``limit``) and how many in all."""
    query = (
        select(PlanAssignment)
        .join(PlanRun, PlanRun.id == PlanAssignment.plan_id)
        .where(PlanRun.lifecycle == PlanLifecycle.ACTIVE,
               PlanAssignment.backup_center_id == site_id)
    )  # fmt: skip
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = list(session.scalars(query.order_by(PlanAssignment.destination).limit(limit)))
    return rows, int(total)


def site_view(
    session: Session, network: Network, user: Principal, site_id: str, **form_state: Any
) -> dict[str, Any]:
    """A site, its history and capacity changes, and how mail for it is routed now;
    ``form_state`` is a refused form shown again (``status_error``, ``status_form``...)."""
    viewer, read_only = user, False
    try:
        site = network_service.get_site(session, site_id, principal=user)
    except NotFoundError:
        if not contingency_service.relies_on(session, site_id, principal=user):
            raise
        viewer, read_only = Principal.system(user.username), True  # a backup of their plan
        site = network_service.get_site(session, site_id, principal=viewer)
    current = network_service.effective_network(session, network=network)
    centre = current.centers.get(site.id)
    effect = in_force(session, current)
    destinations: list[str] = []
    if site.kind == "station":
        destinations = [site.id]
    elif site.kind == "center" and site.prefecture_code in network.regions:
        destinations = routed_destinations(session, network, site.prefecture_code)
    destinations_total = len(destinations)
    destinations = destinations[:MAX_ROUTES]
    routing = []
    for destination in destinations:
        try:
            routing.append(contingency_routing.current_routing(
                session, network=network, destination=destination))  # fmt: skip
        except BaotongError:
            continue
    served = [{"plan_id": run.id, "plan": run.name, "zones": zones}
              for run, zones in effect.serves.get(site.id, [])]  # fmt: skip
    taken, taken_total = zones_taken(session, site.id)
    locked = effect.locked_by.get(site.id)
    return {
        "site": site,
        "centre": centre,
        "classes": list(ProductClass),
        "statuses": list(SiteStatus),
        "read_only": read_only,
        "history": network_service.status_history(session, site_id, principal=viewer),
        "overrides": network_service.capacity_overrides(session, site_id, principal=viewer)
        if site.kind == "center"
        else [],
        "routing": routing,
        "serves_for": served,
        "routing_total": destinations_total,
        "load_rate": effect.load_rate(centre) if centre is not None else None,
        "locked_by": {"plan_id": locked.id, "plan": locked.name} if locked else None,
        "taken": taken,
        "taken_total": taken_total,
        "alerts": alerts(session, network, principal=user, site_id=site.id),
        "status_form": {},
        "capacity_form": {},
        "status_error": None,
        "capacity_error": None,
        **form_state,
    }


def search(session: Session, network: Network, user: Principal, q: str) -> dict[str, Any]:
    """The header search: centres and stations by name or id, and regions by code, name
    or pinyin — each county or station with where its mail is sorted now."""
    text = q.strip()
    if not text:
        return {"q": "", "sites": [], "regions": []}
    sites = network_service.list_sites(session, principal=user, q=text,
                                       page=PageRequest(limit=20)).items  # fmt: skip
    regions = [r for r in network_service.list_regions(session, q=text, limit=100)
               if user.sees_province(r.province_code)][:20]  # fmt: skip
    found = []
    for region in regions:
        routed = None
        if region.level == "county":
            try:
                routed = contingency_routing.current_routing(session, network=network,
                                                             destination=region.code)  # fmt: skip
            except BaotongError:
                routed = None
        found.append({"region": region, "routing": routed})
    return {"q": text, "sites": sites, "regions": found}
