"""Delivery route plans: government orders to named sites, or deliveries to stations and
pickup points, from one depot with the vehicles a dispatcher names.

A plan is solved in the background by the job runner (``transport.route_plan``) with the
routing engine within its time limit; each route becomes a delivery run, checked against
the passes at once. A run the check stops is flagged in the plan, and the dispatcher
re-plans without that vehicle (its runs are cancelled and the plan is solved again). At a
stop, the recipient signs for the order: a handover with name, time, count and a photo or
signature.

Services flush and never commit; every change is audited.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from datetime import date, datetime
from typing import Any

import structlog
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from baotong import jobs
from baotong.audit import service as audit
from baotong.auth.permissions import Principal
from baotong.auth.scope import in_scope
from baotong.core import clock
from baotong.core.exceptions import ConflictError, NotFoundError, ValidationError
from baotong.core.i18n import N_
from baotong.core.pagination import Page, PageRequest, paginate
from baotong.db.transitions import transition
from baotong.network.entities import Network
from baotong.network.lookup import region_at
from baotong.transport import engine, problems, service
from baotong.transport.engine import RoutingProblem, RoutingSolution
from baotong.transport.entities import Leg, PlanState, RouteType, RunKind, RunState
from baotong.transport.models import Handover, Person, RoutePlan, Run, Vehicle

log = structlog.get_logger("baotong.transport")

SOLVE = "transport.route_plan"
MAX_STOPS = 500
audit.register_type("route_plan", label_key=N_("object.route_plan"),
                    link="/transport/plans/{id}")  # fmt: skip
N_("error.route_plan.not_found")


def _audit(session: Session, principal: Principal, action: str, row: RoutePlan,
           after: dict[str, Any] | None = None) -> None:  # fmt: skip
    audit.record(session, actor=principal.username, action=action, object_type="route_plan",
                 object_id=str(row.id), province_code=row.province_code, after=after)  # fmt: skip


def create(
    session: Session, *, name: str, plan_date: date, depot: dict[str, Any],
    stops: list[dict[str, Any]], fleet: list[dict[str, int]], speed_kmh: float = 30.0,
    time_limit_s: float = 10.0, background: bool = True, network: Network,
    principal: Principal,
) -> RoutePlan:  # fmt: skip
    """A plan with its stops (id, name, address, lon, lat, region, packages, ready and due
    as 'HH:MM', service minutes) and its vehicles, each with a driver; then queued for
    solving (``background=False``: left a draft for ``solve_now``)."""
    if not stops or len(stops) > MAX_STOPS:
        raise ValidationError(f"must hold 1-{MAX_STOPS} stops.", code="route_plan.bad_stops",
                              field="stops", value=len(stops))  # fmt: skip
    seen: set[str] = set()
    kept = []
    for i, stop in enumerate(stops):
        if stop["id"] in seen:
            raise ValidationError("names a stop twice.", code="route_plan.duplicate_stop",
                                  field=f"stops.{i}.id", value=stop["id"])  # fmt: skip
        seen.add(stop["id"])
        region = region_at(network, str(stop["region"]), field=f"stops.{i}.region",
                           domain="transport")  # fmt: skip
        for key in ("ready", "due"):
            problems.seconds(str(stop[key]), field=f"stops.{i}.{key}")
        kept.append({**stop, "region": region.code})
    vehicles = set()
    for i, pair in enumerate(fleet):
        vehicle = service.get_vehicle(session, pair["vehicle_id"], principal=principal)
        service.get_person(session, pair["driver_id"], principal=principal)
        if vehicle.id in vehicles:
            raise ValidationError("names a vehicle twice.", code="route_plan.duplicate_vehicle",
                                  field=f"fleet.{i}.vehicle_id", value=vehicle.id)  # fmt: skip
        vehicles.add(vehicle.id)
    province = kept[0]["region"][:2] + "0000"
    service._own(principal, province, "The plan")
    row = RoutePlan(name=name.strip(), plan_date=plan_date, depot=dict(depot), stops=kept,
                    fleet=[dict(p) for p in fleet], excluded=[], speed_kmh=speed_kmh,
                    time_limit_s=time_limit_s, job_id=None, result=None,
                    province_code=province, created_by=principal.username,
                    created_at=clock.now(), solved_at=None)  # fmt: skip
    session.add(row)
    session.flush()
    _audit(session, principal, "route_plan.create", row,
           {"stops": len(kept), "vehicles": len(fleet), "date": plan_date.isoformat()})  # fmt: skip
    return solve(session, row.id, principal=principal) if background else row


def get(session: Session, plan_id: int, *, principal: Principal) -> RoutePlan:
    row = session.get(RoutePlan, plan_id)
    if row is None or not principal.sees_province(row.province_code):
        raise NotFoundError(f"Unknown route plan {plan_id}.", code="route_plan.not_found",
                            id=plan_id)  # fmt: skip
    return row


def listed(session: Session, *, principal: Principal,
           page: PageRequest = PageRequest()) -> Page[RoutePlan]:  # fmt: skip
    query = select(RoutePlan).where(in_scope(principal, RoutePlan.province_code))
    return paginate(session, query.order_by(RoutePlan.plan_date.desc(), RoutePlan.id.desc()),
                    page)  # fmt: skip


def solve(session: Session, plan_id: int, *, principal: Principal) -> RoutePlan:
    """Queue the plan's solving on the job runner (it runs once the caller commits)."""
    from baotong.transport import jobs as _registers_the_job  # noqa: F401

    row = get(session, plan_id, principal=principal)
    if row.state is PlanState.SOLVING:
        raise ConflictError(f"Route plan {row.id} is being solved.",
                            code="route_plan.wrong_state", id=row.id, state=row.state)  # fmt: skip
    job = jobs.enqueue(session, SOLVE, {"plan_id": plan_id})
    done = session.execute(
        update(RoutePlan)
        .where(RoutePlan.id == plan_id, _same_job(row.job_id))
        .values(job_id=job.id, result=None, solved_at=None)
        .execution_options(synchronize_session=False)
    ).rowcount  # type: ignore[attr-defined]
    if done != 1:  # another request queued a solve in the meantime
        raise ConflictError(f"Route plan {row.id} is being solved.",
                            code="route_plan.wrong_state", id=row.id,
                            state=PlanState.SOLVING)  # fmt: skip
    session.expire(row)
    row = get(session, plan_id, principal=principal)
    _audit(session, principal, "route_plan.solve", row, {"job": job.id})
    return row


def _same_job(job_id: int | None) -> Any:
    return RoutePlan.job_id.is_(None) if job_id is None else RoutePlan.job_id == job_id


def replan(session: Session, plan_id: int, *, without: int, principal: Principal) -> RoutePlan:
    """Solve the plan again without vehicle ``without``; the runs it made are cancelled."""
    row = get(session, plan_id, principal=principal)
    if without not in {p["vehicle_id"] for p in row.fleet}:
        raise ValidationError("is not a vehicle of the plan.", code="route_plan.unknown_vehicle",
                              field="without", value=without)  # fmt: skip
    if row.state is PlanState.SOLVING:
        raise ConflictError(f"Route plan {row.id} is being solved.",
                            code="route_plan.wrong_state", id=row.id, state=row.state)  # fmt: skip
    for route in (row.result or {}).get("routes", []):
        run_id = route.get("run_id")
        if run_id is not None and session.scalar(select(Run.state).where(Run.id == run_id)) \
                is RunState.PLANNED:  # fmt: skip
            transition(session, Run, run_id, Run.state, RunState.PLANNED, RunState.CANCELLED)
    row.excluded = sorted({*row.excluded, without})
    session.flush()
    _audit(session, principal, "route_plan.replan", row, {"without": without})
    return solve(session, plan_id, principal=principal)


# -- what the job does -------------------------------------------------------------------------
def problem_of(session: Session, row: RoutePlan, network: Network) -> RoutingProblem:
    """The plan's routing problem: its stops, its vehicles but the excluded ones, road
    distances and times from the network's distance model."""
    places = [problems.Place(s["id"], float(s["lon"]), float(s["lat"]), int(s["packages"]),
                             problems.seconds(str(s["ready"]), field="ready"),
                             problems.seconds(str(s["due"]), field="due"),
                             int(s.get("service_min", 0)) * 60) for s in row.stops]  # fmt: skip
    vans = []
    for pair in row.fleet:
        vehicle = session.get(Vehicle, pair["vehicle_id"])
        if vehicle is not None and vehicle.id not in row.excluded and vehicle.active:
            vans.append(problems.Van(str(vehicle.id), vehicle.packages))
    return problems.problem((float(row.depot["lon"]), float(row.depot["lat"])), places, vans,
                            road_km=network.road_km,
                            speed_kmh=row.speed_kmh)  # fmt: skip


def solve_now(session: Session, plan_id: int, *, network: Network,
              principal: Principal) -> RoutePlan:  # fmt: skip
    """Solve a draft plan in this transaction (the demo and the command line; the console
    and the API queue it on the job runner)."""
    row = get(session, plan_id, principal=principal)
    if row.state is not PlanState.DRAFT:
        raise ConflictError(f"Route plan {row.id} is {row.state.value}.",
                            code="route_plan.wrong_state", id=row.id, state=row.state)  # fmt: skip
    solution = engine.solve(problem_of(session, row, network), time_limit_s=row.time_limit_s)
    _audit(session, principal, "route_plan.solve", row)
    stored = store(session, plan_id, solution, network=network)
    assert stored is not None  # no job: never superseded
    return stored


def _destination(codes: list[str]) -> str:
    """The region a route mostly serves (its run's destination for the pass check)."""
    return Counter(codes).most_common(1)[0][0]


def _current(session: Session, plan_id: int, job_id: int | None) -> RoutePlan | None:
    """The plan, locked; None when ``job_id`` is no longer its solve (a newer one was
    queued after this job was given up), so a late finish never overwrites it."""
    row = session.get(RoutePlan, plan_id, with_for_update={"of": RoutePlan})
    if row is None:
        raise NotFoundError(f"Unknown route plan {plan_id}.", code="route_plan.not_found",
                            id=plan_id)  # fmt: skip
    if job_id is not None and row.job_id != job_id:
        log.warning("superseded route plan solve", plan_id=plan_id, job_id=job_id,
                    current_job_id=row.job_id)  # fmt: skip
        return None
    return row


def store(session: Session, plan_id: int, solution: RoutingSolution, *,
          network: Network, job_id: int | None = None) -> RoutePlan | None:  # fmt: skip
    """Keep the solution: each route becomes a planned delivery run, checked at once.
    ``job_id``: the solve it comes from; nothing is kept when that is not the plan's solve
    any more (returns None)."""
    row = _current(session, plan_id, job_id)
    if row is None:
        return None
    owner = Principal.system(row.created_by)
    stops = {s["id"]: s for s in row.stops}
    drivers = {p["vehicle_id"]: p["driver_id"] for p in row.fleet}
    controlled = service.controlled_areas(session, network)
    routes = []
    for route in solution.routes:
        vehicle_id = int(route.vehicle)
        run = service.create_run(session, kind=RunKind.DELIVERY, run_date=row.plan_date,
                                 vehicle_id=vehicle_id, driver_id=drivers[vehicle_id],
                                 origin=str(row.depot.get("name", ""))[:64],
                                 destination=_destination([stops[s]["region"]
                                                           for s in route.stops]),
                                 route_type=RouteType.CITY, plan_id=None, network=network,
                                 principal=owner)  # fmt: skip
        missing = service.check(session, run, network, controlled)
        routes.append({
            "vehicle_id": vehicle_id, "driver_id": drivers[vehicle_id], "run_id": run.id,
            "stops": list(route.stops), "arrivals": list(route.arrivals),
            "distance_m": route.distance_m, "duration_s": route.duration_s, "load": route.load,
            "cleared": not missing,
            "missing": [{**dataclasses.asdict(m), "need": m.need.value,
                         "until": m.until.isoformat() if m.until else None} for m in missing],
        })  # fmt: skip
    result = {"routes": routes, "unassigned": list(solution.unassigned),
              "feasible": solution.feasible, "seconds": solution.seconds,
              "distance_m": solution.distance_m}  # fmt: skip
    row.result, row.solved_at = result, clock.now()
    session.flush()
    audit.record(session, actor="system", action="route_plan.solved", object_type="route_plan",
                 object_id=str(row.id), province_code=row.province_code,
                 after={"routes": len(routes), "unassigned": len(solution.unassigned),
                        "blocked": sum(1 for r in routes if not r["cleared"])})  # fmt: skip
    return row


def fail(session: Session, plan_id: int, *, code: str, message: str,
         job_id: int | None = None) -> None:  # fmt: skip
    """The plan could not be solved (say why on the page); ignored from a superseded solve."""
    row = _current(session, plan_id, job_id)
    if row is None:
        return
    row.result, row.solved_at = {"error": code, "message": message[:500]}, clock.now()
    session.flush()


# -- the page's figures ---------------------------------------------------------------------
def fleet_names(session: Session, row: RoutePlan) -> tuple[dict[int, str], dict[int, str]]:
    """Vehicle id → plate and driver id → name of the plan's fleet."""
    vehicles = select(Vehicle.id, Vehicle.plate).where(
        Vehicle.id.in_([p["vehicle_id"] for p in row.fleet])
    )
    people = select(Person.id, Person.name).where(
        Person.id.in_([p["driver_id"] for p in row.fleet])
    )
    plates = dict(session.execute(vehicles).all())
    names = dict(session.execute(people).all())
    return plates, names


def map_data(row: RoutePlan, plates: dict[int, str]) -> dict[str, Any]:
    """What the map draws: the depot, the stops, and each route as a line of points."""
    stops = {s["id"]: s for s in row.stops}
    depot = [float(row.depot["lon"]), float(row.depot["lat"])]
    return {
        "depot": {"name": row.depot.get("name", ""), "coord": depot},
        "stops": [{"id": s["id"], "name": s["name"], "coord": [s["lon"], s["lat"]],
                   "packages": s["packages"]} for s in row.stops],
        "routes": [{"name": plates.get(r["vehicle_id"], str(r["vehicle_id"])),
                    "cleared": r["cleared"],
                    "coords": [depot, *([stops[s]["lon"], stops[s]["lat"]] for s in r["stops"]),
                               depot]}
                   for r in (row.result or {}).get("routes", [])],
    }  # fmt: skip


def hhmm(seconds: int) -> str:
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}"


# -- delivery handover ---------------------------------------------------------------------------
def load_ref(run_id: int, stop_id: str) -> str:
    return f"R{run_id}-{stop_id}"[:40]


def deliver(
    session: Session, plan_id: int, *, run_id: int, stop_id: str, recipient: str,
    at: datetime, count: int, damaged: int = 0, note: str | None = None, network: Network,
    principal: Principal,
) -> Handover:  # fmt: skip
    """The recipient at a stop signs for the order: a handover from the vehicle with the
    recipient's name, the time and the count; what is short of the order is recorded."""
    row = get(session, plan_id, principal=principal)
    route = next((r for r in (row.result or {}).get("routes", []) if r["run_id"] == run_id),
                 None)  # fmt: skip
    if route is None or stop_id not in route["stops"]:
        raise ValidationError(f"is not a stop of run {run_id} in plan {plan_id}.",
                              code="route_plan.unknown_stop", field="stop_id",
                              value=stop_id[:40])  # fmt: skip
    stop = next(s for s in row.stops if s["id"] == stop_id)
    ordered = int(stop["packages"])
    if not 0 <= count <= ordered:
        raise ValidationError(f"must be 0-{ordered}, the packages ordered.",
                              code="route_plan.bad_count", field="count", value=count)  # fmt: skip
    vehicle = session.get(Vehicle, route["vehicle_id"])
    return service.record_handover(
        session, load_ref=load_ref(run_id, stop_id), leg=Leg.TO_RECIPIENT,
        from_party=vehicle.plate if vehicle else str(route["vehicle_id"]),
        to_party=recipient, at=at, place=str(stop.get("name", stop_id))[:100], count=count,
        short=ordered - count, damaged=damaged, note=note, run_id=run_id,
        province_code=stop["region"][:2] + "0000", network=network, principal=principal,
    )  # fmt: skip


def deliveries(session: Session, row: RoutePlan) -> dict[str, Handover]:
    """Load ref → its signed handover, for the plan's stops."""
    refs = [load_ref(r["run_id"], s) for r in (row.result or {}).get("routes", [])
            for s in r["stops"]]  # fmt: skip
    found = session.scalars(select(Handover).where(Handover.load_ref.in_(refs),
                                                   Handover.leg == Leg.TO_RECIPIENT))  # fmt: skip
    return {h.load_ref: h for h in found}
