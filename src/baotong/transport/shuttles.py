"""Shuttles (盘驳) with drop-and-hook trailers (甩挂) and the swap at the transfer station
(换厢).

A consolidation point's warehouse dispatches sealed shipments to transport; a timetabled
shuttle takes them in a trailer, towed by a tractor, to the government-designated transfer
station of a controlled area. There the trailer's load is swapped into the area's own
vehicle — each side states the seal and the count on its own (the shuttle's crew, the
transfer station's staff), and what does not match is recorded — and the trailer returns
empty for its next load. Like the fuel tanker that drops a full
tank at the station and takes the empty one home, a trailer walks

    loading → on_road → at_station → swapped → returned

The tractor's run is an ordinary transport run (kind ``shuttle``): it departs only when
the pass check clears it. Every change of custody is a handover, so the load's chain of
custody includes the loading and the swap.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from baotong.audit import service as audit
from baotong.auth.permissions import Permission, Principal
from baotong.auth.scope import in_scope
from baotong.core import clock
from baotong.core.exceptions import (
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)
from baotong.core.i18n import N_
from baotong.db.transitions import transition
from baotong.network.entities import Network
from baotong.transport import service
from baotong.transport.entities import (
    Discrepancy,
    Leg,
    RouteType,
    RunKind,
    RunState,
    ShuttleStage,
    SwapState,
    VehicleKind,
)
from baotong.transport.models import Run, Shuttle, ShuttleLoad, Vehicle
from baotong.warehouse import models as warehouse

audit.register_type("shuttle", label_key=N_("object.shuttle"),
                    link="/transport/shuttles#shuttle-{id}")  # fmt: skip
N_("error.shuttle.not_found")
N_("error.shuttle.side_recorded")
ACTIVE = (ShuttleStage.LOADING, ShuttleStage.ON_ROAD, ShuttleStage.AT_STATION,
          ShuttleStage.SWAPPED)  # fmt: skip


def _audit(session: Session, principal: Principal, action: str, row: Shuttle,
           after: dict[str, Any] | None = None) -> None:  # fmt: skip
    audit.record(session, actor=principal.username, action=action, object_type="shuttle",
                 object_id=str(row.id), province_code=row.province_code, after=after)  # fmt: skip


def _carried(session: Session, ids: list[int]) -> set[int]:
    """Which of the dispatch documents ``ids`` ride a shuttle already."""
    found = select(ShuttleLoad.document_id).where(ShuttleLoad.document_id.in_(ids))
    return set(session.scalars(found))


def _dispatched(session: Session, code: str, dispatch_ids: list[int]) -> list[dict[str, Any]]:
    """The warehouse's dispatch handovers (read only): each must be a done dispatch of the
    consolidation point ``code`` that no other shuttle carries, named once."""
    site = session.scalar(select(warehouse.Warehouse).where(warehouse.Warehouse.code == code))
    if site is None or site.kind is not warehouse.WarehouseKind.CONSOLIDATION_POINT:
        raise ValidationError(f"is not a consolidation point: '{code}'.",
                              code="shuttle.not_a_consolidation_point", field="warehouse_code",
                              value=code[:32])  # fmt: skip
    if not dispatch_ids:
        raise ValidationError("name at least one dispatched shipment.", code="shuttle.no_load",
                              field="dispatch_ids", value="")  # fmt: skip
    carried = _carried(session, list(dispatch_ids))
    out = []
    for i, doc_id in enumerate(dispatch_ids):
        doc = session.get(warehouse.Document, doc_id)
        if (doc is None or doc.warehouse_id != site.id
                or doc.kind is not warehouse.DocumentKind.DISPATCH
                or doc.status is not warehouse.DocumentStatus.DONE):  # fmt: skip
            raise ValidationError(f"is not a dispatch of {code}: {doc_id}.",
                                  code="shuttle.unknown_dispatch", field=f"dispatch_ids.{i}",
                                  value=doc_id)  # fmt: skip
        if doc_id in dispatch_ids[:i]:
            raise ValidationError(f"names dispatch {doc_id} twice.",
                                  code="shuttle.duplicate_dispatch", field=f"dispatch_ids.{i}",
                                  value=doc_id)  # fmt: skip
        if doc_id in carried:
            raise ConflictError(f"Dispatch {doc_id} rides another shuttle already.",
                                code="shuttle.dispatch_carried", id=doc_id)  # fmt: skip
        out.append(dict(doc.data.get("handover", {})))
    return out


def timetable(
    session: Session, *, warehouse_code: str, station: str, station_region: str,
    trailer_id: int, tractor_id: int, driver_id: int, departs_at: datetime,
    arrives_at: datetime, dispatch_ids: list[int],
    route_type: RouteType = RouteType.INTRA_PROVINCIAL, network: Network,
    principal: Principal,
) -> Shuttle:  # fmt: skip
    """Put a shuttle on the timetable with the loads the warehouse dispatched; its trailer
    is loading at the consolidation point until it departs."""
    if arrives_at <= departs_at:
        raise ValidationError("must be after the departure.", code="shuttle.bad_times",
                              field="arrives_at", value=arrives_at.isoformat())  # fmt: skip
    trailer = service.get_vehicle(session, trailer_id, principal=principal)
    if trailer.kind is not VehicleKind.TRAILER:
        raise ValidationError(f"{trailer.plate} is a {trailer.kind.value}, not a trailer.",
                              code="shuttle.not_a_trailer", field="trailer_id",
                              value=trailer_id)  # fmt: skip
    busy = session.scalar(select(Shuttle.id).where(Shuttle.trailer_id == trailer_id,
                                                   Shuttle.stage.in_(ACTIVE)))  # fmt: skip
    if busy is not None:
        raise ConflictError(f"Trailer {trailer.plate} is in the cycle of shuttle {busy}.",
                            code="shuttle.trailer_busy", plate=trailer.plate,
                            shuttle=busy)  # fmt: skip
    loads = _dispatched(session, warehouse_code.strip(), dispatch_ids)
    packages = sum(len(h.get("packages") or []) for h in loads)
    seals = [str(h["seal"]) for h in loads if h.get("seal")]
    run = service.create_run(session, kind=RunKind.SHUTTLE,
                             run_date=departs_at.astimezone(service.BEIJING).date(),
                             vehicle_id=tractor_id, driver_id=driver_id,
                             origin=warehouse_code.strip(), destination=station_region,
                             route_type=route_type, network=network,
                             principal=principal)  # fmt: skip
    row = Shuttle(run_id=run.id, trailer_id=trailer.id, warehouse_code=warehouse_code.strip(),
                  station=station.strip(), departs_at=departs_at, arrives_at=arrives_at,
                  loads=[ShuttleLoad(document_id=doc_id, seal=str(h.get("seal") or "")[:40]
                                     or None, packages=len(h.get("packages") or []))
                         for doc_id, h in zip(dispatch_ids, loads, strict=True)],
                  load_ref="pending", packages=packages,
                  seal=",".join(seals)[:40] or None, stage=ShuttleStage.LOADING, swap=None,
                  swap_state=SwapState.WAITING,
                  discrepancies=[], province_code=run.province_code,
                  created_by=principal.username, created_at=clock.now())  # fmt: skip
    session.add(row)
    session.flush()
    row.load_ref = f"{row.warehouse_code}-S{row.id}"[:40]
    session.flush()
    _audit(session, principal, "shuttle.timetable", row,
           {"trailer": trailer.plate, "dispatches": list(dispatch_ids), "packages": packages,
            "departs_at": departs_at.isoformat()})  # fmt: skip
    return row


def get(session: Session, shuttle_id: int, *, principal: Principal) -> Shuttle:
    row = session.get(Shuttle, shuttle_id)
    if row is None or not principal.sees_province(row.province_code):
        raise NotFoundError(f"Unknown shuttle {shuttle_id}.", code="shuttle.not_found",
                            id=shuttle_id)  # fmt: skip
    return row


def _plate(session: Session, vehicle_id: int) -> str:
    vehicle = session.get(Vehicle, vehicle_id)
    return vehicle.plate if vehicle is not None else str(vehicle_id)


def depart(session: Session, shuttle_id: int, *, at: datetime | None = None, network: Network,
           principal: Principal) -> Shuttle:  # fmt: skip
    """The tractor leaves with the loaded trailer — refused, naming what is missing, when
    the pass check does not clear its run. The loading is the load's first handover."""
    row = get(session, shuttle_id, principal=principal)
    if row.stage is not ShuttleStage.LOADING:
        raise ConflictError(f"Shuttle {row.id} is {row.stage.value}.",
                            code="shuttle.wrong_stage", id=row.id, stage=row.stage)  # fmt: skip
    when = at or clock.now()
    service.dispatch(session, row.run_id, network=network, principal=principal)
    row = transition(session, Shuttle, row.id, Shuttle.stage, ShuttleStage.LOADING,
                     ShuttleStage.ON_ROAD, departed_at=when)  # fmt: skip
    service.record_handover(session, load_ref=row.load_ref, leg=Leg.POINT_TO_SHUTTLE,
                            from_party=row.warehouse_code,
                            to_party=_plate(session, row.trailer_id), at=when,
                            place=row.warehouse_code, count=row.packages, seal=row.seal,
                            run_id=row.run_id, province_code=row.province_code,
                            network=network, principal=principal)  # fmt: skip
    _audit(session, principal, "shuttle.depart", row)
    return row


def arrive(session: Session, shuttle_id: int, *, at: datetime | None = None,
           principal: Principal) -> Shuttle:  # fmt: skip
    """The trailer is dropped at the transfer station."""
    get(session, shuttle_id, principal=principal)
    row = transition(session, Shuttle, shuttle_id, Shuttle.stage, ShuttleStage.ON_ROAD,
                     ShuttleStage.AT_STATION, arrived_at=at or clock.now())  # fmt: skip
    _audit(session, principal, "shuttle.arrive", row)
    return row


@dataclass(frozen=True, slots=True)
class LoadCount:
    """What one side states of one load: the seal it sees and the packages it counts."""

    document_id: int
    seal: str
    count: int


@dataclass(frozen=True, slots=True)
class SwapSide:
    """What one side of the swap states: who, and per load the seal and the count. A
    shuttle with one load may be stated with ``seal`` and ``count`` alone."""

    name: str
    seal: str = ""
    count: int = 0
    loads: tuple[LoadCount, ...] = ()


def _per_load(row: Shuttle, field: str, side: SwapSide) -> dict[int, LoadCount]:
    """The side's statement for each load of the shuttle (every load, each once)."""
    if not side.loads:
        if len(row.loads) != 1:
            raise ValidationError(f"must state the seal and count of each of the "
                                  f"{len(row.loads)} loads.", code="shuttle.loads_missing",
                                  field=f"{field}.loads", value="")  # fmt: skip
        only = row.loads[0]
        return {only.document_id: LoadCount(only.document_id, side.seal, side.count)}
    stated: dict[int, LoadCount] = {}
    carried = {load.document_id: load for load in row.loads}
    for i, entry in enumerate(side.loads):
        if entry.document_id not in carried or entry.document_id in stated:
            raise ValidationError(f"is not a load of shuttle {row.id}, or is named twice.",
                                  code="shuttle.unknown_load",
                                  field=f"{field}.loads.{i}.document_id",
                                  value=entry.document_id)  # fmt: skip
        load = carried[entry.document_id]
        if not 0 <= entry.count <= load.packages:
            raise ValidationError(f"must be 0-{load.packages}, the packages of this load.",
                                  code="shuttle.bad_count", field=f"{field}.loads.{i}.count",
                                  value=entry.count)  # fmt: skip
        stated[entry.document_id] = entry
    missing = [d for d in carried if d not in stated]
    if missing:
        raise ValidationError(f"does not state load(s) {', '.join(map(str, missing))}.",
                              code="shuttle.loads_missing", field=f"{field}.loads",
                              value=missing[0])  # fmt: skip
    return stated


def compare(row: Shuttle, handed: SwapSide, received: SwapSide) -> list[dict[str, Any]]:
    """The discrepancies, load by load: a seal either side finds that is not the one the
    load left with, and a load the receiving side counts short of what it left with."""
    sides = {"handed": _per_load(row, "handed", handed),
             "received": _per_load(row, "received", received)}  # fmt: skip
    found: list[dict[str, Any]] = []
    for load in row.loads:
        expected = load.seal or ""
        for key, side in (("handed", handed), ("received", received)):
            seal = sides[key][load.document_id].seal.strip()
            if seal != expected:
                found.append({"kind": Discrepancy.SEAL_MISMATCH.value, "side": key,
                              "by": side.name.strip(), "document_id": load.document_id,
                              "expected": expected, "found": seal})  # fmt: skip
        got = sides["received"][load.document_id].count
        if got < load.packages:
            found.append({"kind": Discrepancy.SHORT.value, "side": "received",
                          "by": received.name.strip(), "document_id": load.document_id,
                          "expected": load.packages, "found": got,
                          "handed": sides["handed"][load.document_id].count})  # fmt: skip
    return found


def _stated(row: Shuttle, field: str, side: SwapSide) -> dict[str, Any]:
    per = _per_load(row, field, side)
    loads = [{"document_id": d, "seal": per[d].seal.strip(), "count": per[d].count}
             for d in (load.document_id for load in row.loads)]  # fmt: skip
    return {"name": side.name.strip(),
            "seal": ",".join(str(x["seal"]) for x in loads if x["seal"]),
            "count": sum(x["count"] for x in loads), "loads": loads}  # fmt: skip


SIDES = {"handed": Permission.SWAP_HAND_OVER, "received": Permission.SWAP_RECEIVE}
OTHER = {"handed": "received", "received": "handed"}


def _side_of(stated: dict[str, Any]) -> SwapSide:
    """A recorded statement back as the comparison reads it."""
    return SwapSide(str(stated["name"]), loads=tuple(
        LoadCount(int(x["document_id"]), str(x["seal"]), int(x["count"]))
        for x in stated["loads"]))  # fmt: skip


def _recorded(session: Session, shuttle_id: int, side: str) -> ConflictError:
    """The refusal of a side stated a second time, naming who stated it first."""
    first = session.scalar(select(getattr(Shuttle, side)).where(Shuttle.id == shuttle_id)) or {}
    by = str(first.get("by") or "?")
    return ConflictError(f"The {side} side of shuttle {shuttle_id}'s swap was recorded by {by}.",
                         code="shuttle.side_recorded", id=shuttle_id, side=side,
                         by=by)  # fmt: skip


def record_side(
    session: Session, shuttle_id: int, *, side: str, statement: SwapSide,
    area_vehicle: str | None = None, at: datetime | None = None, note: str | None = None,
    network: Network, principal: Principal,
) -> Shuttle:  # fmt: skip
    """One side of the swap states, per load (dispatch document), the seal and the count
    it sees: ``handed`` is the shuttle's crew (the transport dispatcher records it),
    ``received`` the transfer station, naming the area's vehicle the loads go into. Each
    side is recorded once. The swap state walks waiting → handed / received → done, each
    step one guarded UPDATE, so of two racing statements of the same side one is refused
    and two sides racing both land. The side that completes the pair compares them load
    by load (:func:`compare`): a seal that is not the one the load left with, or fewer
    packages than it carried, is a discrepancy; the swap is then a handover in the
    shuttle's chain of custody (received count, the short, the seals found) and the
    trailer is swapped."""
    if side not in SIDES:
        raise ValidationError("must be handed or received.", code="shuttle.bad_side",
                              field="side", value=side[:20])  # fmt: skip
    if not principal.can(SIDES[side]):
        raise PermissionDeniedError(f"{principal.username} may not state the {side} side.",
                                    code="shuttle.not_your_side", side=side)  # fmt: skip
    row = get(session, shuttle_id, principal=principal)
    if row.stage is not ShuttleStage.AT_STATION:
        raise ConflictError(f"Shuttle {row.id} is {row.stage.value}.",
                            code="shuttle.wrong_stage", id=row.id, stage=row.stage)  # fmt: skip
    vehicle = (area_vehicle or "").strip()[:100]
    if side == "received" and not vehicle:
        raise ValidationError("name the area's vehicle the loads go into.",
                              code="shuttle.no_area_vehicle", field="area_vehicle",
                              value="")  # fmt: skip
    when = at or clock.now()
    stated = {**_stated(row, side, statement), "by": principal.username, "at": when.isoformat(),
              "note": (note or "").strip()[:500] or None}  # fmt: skip
    if side == "received":
        stated["area_vehicle"] = vehicle
    try:
        row = transition(session, Shuttle, row.id, Shuttle.swap_state, SwapState.WAITING,
                         SwapState(side), **{side: stated})  # fmt: skip
    except ConflictError as exc:
        if exc.data.get("swap_state") is not SwapState(OTHER[side]):
            raise _recorded(session, row.id, side) from exc
        try:
            row = transition(session, Shuttle, row.id, Shuttle.swap_state,
                             SwapState(OTHER[side]), SwapState.DONE, **{side: stated})  # fmt: skip
        except ConflictError as again:
            raise _recorded(session, row.id, side) from again
    _audit(session, principal, f"shuttle.swap_{side}", row, {side: stated})
    if row.swap_state is SwapState.DONE:
        row = _swapped(session, row, when, network=network, principal=principal)
    return row


def _swapped(session: Session, row: Shuttle, when: datetime, *, network: Network,
             principal: Principal) -> Shuttle:  # fmt: skip
    """Both sides are in: compare them and move the loads into the area's vehicle."""
    given, taken = dict(row.handed or {}), dict(row.received or {})
    found = compare(row, _side_of(given), _side_of(taken))
    area_vehicle = str(taken.get("area_vehicle") or "?")
    note = "; ".join(str(x) for x in (given.get("note"), taken.get("note")) if x) or None
    sides = {"handed": given, "received": taken, "area_vehicle": area_vehicle, "note": note}
    trailer = _plate(session, row.trailer_id)
    words = "; ".join(f"#{d['document_id']} {d['kind']}: {d['expected']} → {d['found']}"
                      for d in found)  # fmt: skip
    got = int(taken["count"])
    service.record_handover(session, load_ref=row.load_ref, leg=Leg.SWAP, from_party=trailer,
                            to_party=area_vehicle, at=when, place=row.station,
                            count=got, short=row.packages - got,
                            seal=str(taken["seal"])[:40] or None,
                            note="; ".join(x for x in (words, note or "") if x)[:500] or None,
                            run_id=row.run_id, province_code=row.province_code,
                            network=network, principal=principal)  # fmt: skip
    row = transition(session, Shuttle, row.id, Shuttle.stage, ShuttleStage.AT_STATION,
                     ShuttleStage.SWAPPED, swapped_at=when, swap=sides,
                     discrepancies=found)  # fmt: skip
    _audit(session, principal, "shuttle.swap", row, {"discrepancies": found})
    return row


def return_empty(session: Session, shuttle_id: int, *, at: datetime | None = None,
                 principal: Principal) -> Shuttle:  # fmt: skip
    """The empty trailer is back at the consolidation point; the tractor's run is done."""
    get(session, shuttle_id, principal=principal)
    row = transition(session, Shuttle, shuttle_id, Shuttle.stage, ShuttleStage.SWAPPED,
                     ShuttleStage.RETURNED, returned_at=at or clock.now())  # fmt: skip
    transition(session, Run, row.run_id, Run.state, RunState.DISPATCHED, RunState.DONE)
    _audit(session, principal, "shuttle.return", row)
    return row


# -- the board -------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class TrailerPosition:
    """A trailer and where it is: in the cycle of its current shuttle, or idle."""

    trailer: Vehicle
    shuttle: Shuttle | None  # the latest shuttle it rode (None: never)

    @property
    def stage(self) -> ShuttleStage | None:
        return self.shuttle.stage if self.shuttle is not None else None


def day_bounds(day: date) -> tuple[datetime, datetime]:
    return service.start_of(day), service.start_of(day + timedelta(days=1))


def on_day(session: Session, day: date, *, principal: Principal) -> list[Shuttle]:
    """The day's timetable (by departure, Beijing time)."""
    start, end = day_bounds(day)
    return list(session.scalars(
        select(Shuttle).where(Shuttle.departs_at >= start, Shuttle.departs_at < end,
                              in_scope(principal, Shuttle.province_code))
        .order_by(Shuttle.departs_at, Shuttle.id)))  # fmt: skip


def positions(session: Session, *, principal: Principal) -> list[TrailerPosition]:
    """Every trailer the principal sees, with its latest shuttle."""
    trailers = session.scalars(select(Vehicle).where(Vehicle.kind == VehicleKind.TRAILER,
                                                     in_scope(principal, Vehicle.province_code))
                               .order_by(Vehicle.plate))  # fmt: skip
    out = []
    for trailer in trailers:
        latest = session.scalars(select(Shuttle).where(Shuttle.trailer_id == trailer.id)
                                 .order_by(Shuttle.departs_at.desc(), Shuttle.id.desc())
                                 .limit(1)).first()  # fmt: skip
        out.append(TrailerPosition(trailer, latest))
    return out


def plates(session: Session, shuttles: list[Shuttle]) -> dict[int, tuple[str, str]]:
    """Shuttle id → (trailer plate, tractor plate)."""
    runs = select(Run.id, Run.vehicle_id).where(Run.id.in_([s.run_id for s in shuttles]))
    tractor_of = dict(session.execute(runs).all())
    ids = {s.trailer_id for s in shuttles} | set(tractor_of.values())
    vehicles = select(Vehicle.id, Vehicle.plate).where(Vehicle.id.in_(ids))
    found = dict(session.execute(vehicles).all())
    return {s.id: (found.get(s.trailer_id, ""), found.get(tractor_of.get(s.run_id, 0), ""))
            for s in shuttles}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Dispatched:
    """A consolidation point's dispatch no shuttle carries yet (what a shuttle may take)."""

    warehouse_code: str
    dispatch_id: int
    packages: int
    seal: str


def waiting_loads(session: Session, *, principal: Principal) -> list[Dispatched]:
    """The consolidation points' dispatches (read from the warehouse) not on a shuttle."""
    carried = set(session.scalars(select(ShuttleLoad.document_id)))
    query = (select(warehouse.Warehouse.code, warehouse.Document)
             .join(warehouse.Document, warehouse.Document.warehouse_id == warehouse.Warehouse.id)
             .where(warehouse.Warehouse.kind == warehouse.WarehouseKind.CONSOLIDATION_POINT,
                    warehouse.Document.kind == warehouse.DocumentKind.DISPATCH,
                    warehouse.Document.status == warehouse.DocumentStatus.DONE,
                    in_scope(principal, warehouse.Warehouse.province_code))
             .order_by(warehouse.Document.id))  # fmt: skip
    out = []
    for code, doc in session.execute(query):
        if doc.id not in carried:
            handover = doc.data.get("handover", {})
            out.append(Dispatched(code, doc.id, len(handover.get("packages") or []),
                                  str(handover.get("seal") or "")))  # fmt: skip
    return out
