"""What command asks of transport: the runs and passes a blocked road touches, and the
vehicle passes an emergency plan applies for when it is activated.

A **blocked road** (道路阻断) is recorded on a region (or a site, whose county counts):
every run not yet done from today on that starts at a site in it or goes to a place in it,
and every vehicle pass or green channel still in force for an area in it, use the road.
Flagging them puts the counts on the incident's timeline and tells the province's
transport dispatchers, who re-plan or re-route (the transport pages list the runs).

An emergency plan names the passes it needs (area, number of vehicles); activating it
applies for them in the transport domain (state requested) for the province's vehicles
that hold none for the area, and says on the timeline how many vehicles were missing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from baotong.auth.permissions import Principal, Role
from baotong.command import service as command_service
from baotong.command.models import Incident, IncidentKind
from baotong.core import clock
from baotong.core.exceptions import ConflictError, ValidationError
from baotong.core.i18n import N_
from baotong.network.entities import Network
from baotong.network.lookup import region_at
from baotong.notify import service as notify
from baotong.transport import service as transport
from baotong.transport.entities import CredentialKind, CredentialState, RouteType, RunState
from baotong.transport.models import Credential, Run, Vehicle

PASS_KINDS = (CredentialKind.VEHICLE_PASS, CredentialKind.GREEN_CHANNEL)
IN_FORCE = (CredentialState.REQUESTED, CredentialState.SUBMITTED, CredentialState.GRANTED)
OPEN_RUNS = (RunState.PLANNED, RunState.DISPATCHED)
PASS_DAYS = 14  # how long an emergency pass is applied for
AUTHORITY = "Public security traffic police (emergency plan)"


@dataclass(frozen=True)
class RoadEffects:
    """The runs and passes that use a blocked road's area from ``since`` on."""

    area: str
    since: date
    runs: list[Run]
    passes: list[Credential]


def _area(row: Incident, network: Network) -> str:
    if row.region_code:
        return row.region_code
    found = _site_region(network, row.site_id) if row.site_id else None
    if found is not None:
        return found
    raise ConflictError(
        f"Incident {row.id} names no place a road could be blocked in.",
        code="incident.no_place",
        id=row.id,
    )


def _site_region(network: Network, site: str) -> str | None:
    if site in network.centers:
        return network.centers[site].prefecture_code
    station = network.stations.get(site)
    return station.county_code if station is not None else None


def road_effects(session: Session, row: Incident, network: Network) -> RoadEffects:
    """What uses the road ``row`` (a blocked-road incident) reports blocked."""
    if row.kind is not IncidentKind.ROAD_BLOCKED:
        raise ConflictError(
            f"Incident {row.id} is not a blocked road.", code="incident.not_road", id=row.id
        )
    area = _area(row, network)
    occurred = row.occurred_at if row.occurred_at.tzinfo else row.occurred_at.replace(tzinfo=UTC)
    since = max(clock.local(occurred, None).date(), transport.today())

    def inside(code: str | None) -> bool:
        return code is not None and area in transport.chain_of(network, code)

    runs = [
        run
        for run in session.scalars(
            select(Run)
            .where(Run.run_date >= since, Run.state.in_(OPEN_RUNS))
            .order_by(Run.run_date, Run.id)
        )
        if inside(run.destination_code) or inside(_site_region(network, run.origin))
    ]
    passes = [
        cred
        for cred in session.scalars(
            select(Credential)
            .where(
                Credential.kind.in_(PASS_KINDS),
                Credential.state.in_(IN_FORCE),
                Credential.valid_to >= since,
            )
            .order_by(Credential.valid_to, Credential.id)
        )
        if any(inside(str(code)) for code in cred.areas)
    ]
    return RoadEffects(area, since, runs, passes)


def flag_road(
    session: Session, *, incident_id: int, network: Network, principal: Principal
) -> RoadEffects:
    """Put what uses the blocked road on the timeline and tell the transport dispatchers
    of the area's province; the incident starts responding."""
    row = command_service.get_incident(session, incident_id, principal=principal)
    found = road_effects(session, row, network)
    params: dict[str, Any] = {
        "area": found.area,
        "runs": len(found.runs),
        "passes": len(found.passes),
    }
    command_service.note(
        session,
        row.id,
        actor=principal.username,
        action=N_("timeline.road_flagged"),
        params=params,
        link=f"/transport/runs?day={found.since.isoformat()}",
    )
    notify.send(
        session,
        key=N_("notify.road_blocked"),
        params={"title": row.title, **params},
        link=f"/command/incidents/{row.id}",
        to_role=Role.TRANSPORT_DISPATCHER,
        province_code=found.area[:2] + "0000",
        subject_type="incident",
        subject_id=row.id,
    )
    command_service.respond(session, row, principal=principal)
    return found


def _pass_areas(session: Session, vehicle_ids: list[int]) -> dict[int, set[str]]:
    """The areas each vehicle holds a pass (or green channel) in force for, today on."""
    held: dict[int, set[str]] = {v: set() for v in vehicle_ids}
    for vehicle_id, areas in session.execute(
        select(Credential.vehicle_id, Credential.areas).where(
            Credential.vehicle_id.in_(vehicle_ids),
            Credential.kind.in_(PASS_KINDS),
            Credential.state.in_(IN_FORCE),
            Credential.valid_to >= transport.today(),
        )
    ):
        held[vehicle_id].update(str(code) for code in areas)
    return held


def apply_for_passes(
    session: Session,
    *,
    incident: Incident,
    province_code: str,
    passes: list[dict[str, Any]],
    network: Network,
    principal: Principal,
) -> None:
    """Apply for each planned pass (area, vehicles) for the province's active vehicles
    that hold none for the area; the timeline says how many were filed and how many short."""
    vehicles = list(
        session.scalars(
            select(Vehicle)
            .where(Vehicle.province_code == province_code, Vehicle.active.is_(True))
            .order_by(Vehicle.id)
        )
    )
    held = _pass_areas(session, [v.id for v in vehicles])
    start = transport.today()
    for planned in passes:
        wanted = int(planned.get("vehicles", 1))
        try:
            area = region_at(
                network, str(planned["area"]), field="passes.area", domain="command"
            ).code
        except ValidationError:  # a plan's free-text area the network does not know
            command_service.note(
                session,
                incident.id,
                actor=principal.username,
                action=N_("timeline.pass_area_unknown"),
                params={"area": str(planned["area"]), "missing": wanted},
            )
            continue
        chain = set(transport.chain_of(network, area))
        chosen = [v for v in vehicles if not held[v.id] & chain][:wanted]
        for vehicle in chosen:
            transport.apply(
                session,
                kind=CredentialKind.VEHICLE_PASS,
                vehicle_id=vehicle.id,
                areas=[area],
                route_types=[RouteType.INTRA_PROVINCIAL, RouteType.CITY],
                authority=AUTHORITY,
                valid_from=start,
                valid_to=start + timedelta(days=PASS_DAYS),
                note=f"incident {incident.id}",
                network=network,
                principal=principal,
            )
            held[vehicle.id].add(area)  # a second line for the same area counts it
        command_service.note(
            session,
            incident.id,
            actor=principal.username,
            action=N_("timeline.passes_applied"),
            params={"area": area, "applied": len(chosen), "missing": wanted - len(chosen)},
            link="/transport",
        )
