"""Inbound mail for a closed area at its delivery stations (item 18 of the domain model).

A special run (专趟) takes mail bags from the backup centre of the plan in force for the
station (or from a transfer station) to one delivery station; its arrival is the handover
of the bags to the station (leg ``centre_to_station``). The station opens each bag (开拆):
every item is scanned — a tracking scan, so the public tracking shows it arrived — and the
count is compared with the bag's manifest, what is missing and what is extra recorded.

Each item opened is a line of the station's call list: the recipient to phone (the phone
masked; revealing it is audited), the community or pickup point, and where the call stands
(``ContactState``): to_call → no_answer (attempts counted, next try) → reached →
appointment → delivered, or refused. The delivery is a handover to the recipient (leg
``to_recipient``, the item's number as its load) and a ``delivered`` scan; it closes the line.
Its proof — a photo and/or the name the recipient signed with — is kept as the evidence of
that handover. A refused item goes back (退回): refused → returned, with a ``returned``
tracking scan at the station so the public lookup shows it on its way back.

Services flush and never commit; every change is audited.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import case, select
from sqlalchemy.orm import Session

from baotong.audit import service as audit
from baotong.auth.permissions import Permission, Principal, checked
from baotong.auth.scope import in_scope
from baotong.contingency import in_force
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
from baotong.tracking import service as tracking
from baotong.tracking.models import MailItem, ScanKind
from baotong.tracking.schemas import EventIn
from baotong.transport import service
from baotong.transport.entities import (
    CONTACT_MOVES,
    BagState,
    ContactState,
    Leg,
    RouteType,
    RunKind,
    RunState,
    SpecialRunStage,
)
from baotong.transport.models import Evidence, Run, SpecialRun, StationBag, StationItem

audit.register_type("special_run", label_key=N_("object.special_run"),
                    link="/transport/stations#special-run-{id}")  # fmt: skip
audit.register_type("bag", label_key=N_("object.bag"), link=None)
audit.register_type("station_item", label_key=N_("object.station_item"), link=None)
N_("error.station.unknown")
NO_ANSWER_RETRY = timedelta(hours=2)  # when to call again after no answer, unless told
OPEN_CALLS = (ContactState.TO_CALL, ContactState.NO_ANSWER, ContactState.REACHED,
              ContactState.APPOINTMENT, ContactState.REFUSED)  # fmt: skip
# The caller's order: those not reached yet first, then reached, then refused.
RANK = {ContactState.TO_CALL: 0, ContactState.NO_ANSWER: 0, ContactState.REACHED: 1,
        ContactState.APPOINTMENT: 1, ContactState.REFUSED: 2,
        ContactState.DELIVERED: 3, ContactState.RETURNED: 3}  # fmt: skip
CLOSED = (ContactState.DELIVERED, ContactState.RETURNED)
PHOTO_TYPES = ("image/jpeg", "image/png")  # a proof of delivery is a picture, never a document
PHOTO_MAX = 2 * 1024 * 1024
PHONE = re.compile(r"\+?\d[\d\- ]{5,18}\d")
COMMUNITY = re.compile(r"([\w·]{1,20}(?:小区|社区|花园|新村|家园|公寓|苑|村))")


# -- plain helpers -----------------------------------------------------------------------
def mask(phone: str) -> str:
    """A phone number for the list: the first three and last four digits (139****5678)."""
    digits = re.sub(r"\D", "", phone)
    if len(digits) < 7:
        return "*" * len(digits)
    return f"{digits[:3]}{'*' * (len(digits) - 7)}{digits[-4:]}"


def parse_contact(text: str) -> tuple[str, str, str]:
    """(name, phone, address) of a tracking contact written 'name phone address' (each
    part may be missing)."""
    text = (text or "").strip()
    found = PHONE.search(text)
    if found is None:
        return "", "", text
    name = text[: found.start()].strip(" ,，")
    address = text[found.end():].strip(" ,，")  # fmt: skip
    return name, re.sub(r"[\s\-]", "", found.group()), address


def community_of(address: str) -> str:
    """The community (小区/社区…) an address names, else the address itself."""
    found = COMMUNITY.search(address or "")
    return found.group(1) if found else (address or "")[:100]


@dataclass(frozen=True, slots=True)
class ManifestEntry:
    """An item on a bag's manifest; what is not given is read from the item's contact."""

    number: str
    recipient: str = ""
    phone: str = ""
    address: str = ""
    pickup_point: str = ""  # the group-buy point or pickup point, when there is one


@dataclass(frozen=True, slots=True)
class BagManifest:
    label: str
    items: tuple[ManifestEntry, ...]


@dataclass(frozen=True, slots=True)
class StationInfo:
    id: str
    name: str
    county_code: str
    province_code: str


def station_of(network: Network, station_id: str, *, principal: Principal,
               field: str = "station_id") -> StationInfo:  # fmt: skip
    """The delivery station ``station_id`` of the network, in the principal's scope."""
    site = network.stations.get(station_id)
    county = network.regions.get(site.county_code) if site is not None else None
    if site is None or county is None or not principal.sees_province(county.province_code):
        raise NotFoundError(f"No delivery station '{station_id[:64]}'.",
                            code="station.unknown", station=station_id[:64])  # fmt: skip
    return StationInfo(site.id, str(site.name), county.code, county.province_code)


def _audit(session: Session, principal: Principal, action: str, row: Any,
           after: dict[str, Any] | None = None) -> None:  # fmt: skip
    audit.record(session, actor=principal.username, action=action,
                 object_type=action.split(".")[0], object_id=str(row.id),
                 province_code=row.province_code, after=after)  # fmt: skip


def _scan(session: Session, network: Network, principal: Principal, numbers: list[str],
          kind: ScanKind, site_id: str, at: datetime) -> None:  # fmt: skip
    """Tracking scans of ``numbers`` at ``site_id`` through the tracking ingest."""
    if numbers:
        tracking.ingest(session, network=network, principal=principal, source="station",
                        events=[EventIn(number=n, event=kind, site_id=site_id, at=at)
                                for n in numbers])  # fmt: skip


# -- special runs ------------------------------------------------------------------------
Origin = tuple[str, str, str, int | None]  # centre id, name, source, plan


def origin_for(session: Session, network: Network, station_id: str) -> Origin:
    """Where a special run to the station starts by default: the backup centre of the plan
    in force that claims the station (else its baseline centre) as (id, name, source, plan)."""
    routing = in_force.current_routing(session, network=network, destination=station_id)
    return routing.center_id, routing.center_name, routing.source, routing.plan_id


def plan_special_run(
    session: Session, *, station_id: str, vehicle_id: int, driver_id: int, run_date: date,
    bags: list[BagManifest], origin: str | None = None,
    route_type: RouteType = RouteType.CITY, network: Network, principal: Principal,
) -> SpecialRun:  # fmt: skip
    """Plan a special run with its bags. Without ``origin`` it starts at the backup centre
    of the plan in force for the station; a centre id or a transfer station's name may be
    given instead. Every item must be registered in tracking and bound for the station."""
    station = station_of(network, station_id, principal=principal)
    if not bags:
        raise ValidationError("name at least one bag.", code="special_run.no_bags",
                              field="bags", value="")  # fmt: skip
    seen: set[str] = set()
    checked: list[tuple[BagManifest, list[tuple[MailItem, ManifestEntry]]]] = []
    for b, bag in enumerate(bags):
        if not bag.items:
            raise ValidationError("lists no item.", code="special_run.empty_bag",
                                  field=f"bags.{b}.items", value=bag.label[:40])  # fmt: skip
        items = []
        for i, entry in enumerate(bag.items):
            field = f"bags.{b}.items.{i}.number"
            try:
                item = tracking.get_item(session, entry.number)
            except (NotFoundError, ValidationError):
                raise ValidationError(f"no item {entry.number[:13]}; register it first.",
                                      code="special_run.unknown_item", field=field,
                                      value=entry.number[:13]) from None  # fmt: skip
            bound = item.dest_station_id == station.id or (
                item.dest_station_id is None and item.dest_region_code == station.county_code
            )
            if not bound:
                raise ValidationError(f"{item.number} is not bound for {station.name}.",
                                      code="special_run.wrong_station", field=field,
                                      value=item.number)  # fmt: skip
            if item.number in seen:
                raise ValidationError(f"names {item.number} twice.",
                                      code="special_run.duplicate_item", field=field,
                                      value=item.number)  # fmt: skip
            seen.add(item.number)
            items.append((item, entry))
        checked.append((bag, items))
    if origin:
        origin = origin.strip()[:64]
        if origin in network.centers:
            origin_id, origin_name, source, plan_id = (origin, str(network.centers[origin].name),
                                                       "centre", None)  # fmt: skip
        else:
            origin_id, origin_name, source, plan_id = origin, origin, "transfer", None
    else:
        origin_id, origin_name, source, plan_id = origin_for(session, network, station.id)
    run = service.create_run(session, kind=RunKind.SPECIAL, run_date=run_date,
                             vehicle_id=vehicle_id, driver_id=driver_id, origin=origin_id,
                             destination=station.county_code, route_type=route_type,
                             plan_id=plan_id, network=network, principal=principal)  # fmt: skip
    now = clock.now()
    row = SpecialRun(run_id=run.id, station_id=station.id, station_name=station.name,
                     origin=origin_id, origin_name=origin_name[:100], origin_source=source,
                     plan_id=plan_id, load_ref="pending", stage=SpecialRunStage.PLANNED,
                     province_code=station.province_code, created_by=principal.username,
                     created_at=now)  # fmt: skip
    session.add(row)
    session.flush()
    row.load_ref = f"SR-{row.id}"
    for bag, items in checked:
        bag_row = StationBag(special_run_id=row.id, label=bag.label.strip()[:40] or "-",
                             station_id=station.id, state=BagState.SEALED,
                             manifest_count=len(items), missing=[], extra=[],
                             province_code=station.province_code)  # fmt: skip
        row.bags.append(bag_row)
        session.flush()
        for item, entry in items:
            session.add(_line(bag_row, item, entry, in_manifest=True, now=now))
    session.flush()
    _audit(session, principal, "special_run.plan", row,
           {"station": station.id, "origin": origin_id, "source": source,
            "bags": [b.label for b in bags], "items": len(seen)})  # fmt: skip
    return row


def _line(bag: StationBag, item: MailItem, entry: ManifestEntry, *, in_manifest: bool,
          now: datetime) -> StationItem:  # fmt: skip
    name, phone, address = parse_contact(item.recipient_contact)
    address = entry.address or address
    return StationItem(bag_id=bag.id, item_id=item.id, number=item.number,
                       station_id=bag.station_id, in_manifest=in_manifest,
                       recipient=(entry.recipient or name)[:64],
                       phone=(entry.phone or phone)[:20], address=address[:200],
                       pickup_point=(entry.pickup_point or community_of(address))[:100],
                       contact=ContactState.TO_CALL, attempts=0,
                       province_code=bag.province_code, created_at=now)  # fmt: skip


def get_special_run(session: Session, special_run_id: int, *, principal: Principal) -> SpecialRun:
    row = session.get(SpecialRun, special_run_id)
    if row is None or not principal.sees_province(row.province_code):
        raise NotFoundError(f"Unknown special run {special_run_id}.",
                            code="special_run.not_found", id=special_run_id)  # fmt: skip
    return row


def _items(session: Session, bag_ids: list[int]) -> list[StationItem]:
    return list(session.scalars(select(StationItem).where(StationItem.bag_id.in_(bag_ids))
                                .order_by(StationItem.id)))  # fmt: skip


def depart(session: Session, special_run_id: int, *, at: datetime | None = None,
           network: Network, principal: Principal) -> SpecialRun:  # fmt: skip
    """The vehicle leaves with the bags — refused, naming what is missing, when the pass
    check does not clear its run; the items are scanned dispatched at a centre of origin."""
    row = get_special_run(session, special_run_id, principal=principal)
    when = at or clock.now()
    if row.stage is not SpecialRunStage.PLANNED:
        raise ConflictError(f"Special run {row.id} is {row.stage.value}.",
                            code="special_run.wrong_stage", id=row.id,
                            stage=row.stage)  # fmt: skip
    service.dispatch(session, row.run_id, network=network, principal=principal)
    row = transition(session, SpecialRun, row.id, SpecialRun.stage, SpecialRunStage.PLANNED,
                     SpecialRunStage.ON_ROAD, departed_at=when)  # fmt: skip
    if row.origin in network.centers:
        numbers = [i.number for i in _items(session, [b.id for b in row.bags])]
        _scan(session, network, principal, numbers, ScanKind.DISPATCHED, row.origin, when)
    _audit(session, principal, "special_run.depart", row)
    return row


def arrive(session: Session, special_run_id: int, *, received_by: str,
           at: datetime | None = None, network: Network,
           principal: Principal) -> SpecialRun:  # fmt: skip
    """The bags are handed over to the station: the first leg of their chain of custody
    (backup centre → station), with the count of items the manifests name."""
    row = get_special_run(session, special_run_id, principal=principal)
    who = received_by.strip()
    if not who:
        raise ValidationError("say who at the station received the bags.",
                              code="special_run.no_receiver", field="received_by",
                              value="")  # fmt: skip
    when = at or clock.now()
    row = transition(session, SpecialRun, row.id, SpecialRun.stage, SpecialRunStage.ON_ROAD,
                     SpecialRunStage.ARRIVED, arrived_at=when,
                     received_by=who[:100])  # fmt: skip
    transition(session, Run, row.run_id, Run.state, RunState.DISPATCHED, RunState.DONE)
    service.record_handover(
        session, load_ref=row.load_ref, leg=Leg.CENTRE_TO_STATION, from_party=row.origin_name,
        to_party=f"{row.station_name} {who}"[:100], at=when, place=row.station_name,
        count=sum(b.manifest_count for b in row.bags), run_id=row.run_id,
        seal=",".join(b.label for b in row.bags)[:40],
        note=f"{len(row.bags)} bags", province_code=row.province_code, network=network,
        principal=principal,
    )  # fmt: skip
    _audit(session, principal, "special_run.arrive", row, {"received_by": who})
    return row


def runs_to(session: Session, station_id: str, *, network: Network, principal: Principal,
            limit: int = 20) -> list[SpecialRun]:  # fmt: skip
    """The station's special runs, newest first."""
    station = station_of(network, station_id, principal=principal)
    return list(session.scalars(select(SpecialRun).where(SpecialRun.station_id == station.id)
                                .order_by(SpecialRun.id.desc()).limit(limit)))  # fmt: skip


def list_special_runs(session: Session, *, principal: Principal,
                      limit: int = 50) -> list[SpecialRun]:  # fmt: skip
    query = select(SpecialRun).where(in_scope(principal, SpecialRun.province_code))
    return list(session.scalars(query.order_by(SpecialRun.id.desc()).limit(limit)))


# -- opening bags (开拆) -----------------------------------------------------------------
def get_bag(session: Session, bag_id: int, *, principal: Principal) -> StationBag:
    row = session.get(StationBag, bag_id)
    if row is None or not principal.sees_province(row.province_code):
        raise NotFoundError(f"Unknown bag {bag_id}.", code="bag.not_found", id=bag_id)
    return row


def open_bag(session: Session, bag_id: int, *, scanned: list[str], at: datetime | None = None,
             network: Network, principal: Principal) -> StationBag:  # fmt: skip
    """Open an arrived bag and scan its items: each becomes a line of the call list and is
    scanned arrived at the station in tracking; what the manifest names but was not found
    is missing, what was found but is not on the manifest is extra."""
    bag = get_bag(session, bag_id, principal=principal)
    run = session.get(SpecialRun, bag.special_run_id)
    if run is None or run.stage is not SpecialRunStage.ARRIVED:
        raise ConflictError(f"Bag {bag.label} has not arrived at the station yet.",
                            code="bag.not_arrived", id=bag.id, label=bag.label)  # fmt: skip
    when = at or clock.now()
    numbers: list[str] = []
    for i, text in enumerate(scanned):
        try:
            item = tracking.get_item(session, text)
        except (NotFoundError, ValidationError):
            raise ValidationError(f"no item {text[:13]}.", code="bag.unknown_item",
                                  field=f"scanned.{i}", value=text[:13]) from None  # fmt: skip
        if item.number not in numbers:
            numbers.append(item.number)
    bag = transition(session, StationBag, bag.id, StationBag.state, BagState.SEALED,
                     BagState.OPENED, opened_at=when, opened_by=principal.username)  # fmt: skip
    lines = {line.number: line for line in _items(session, [bag.id])}
    extra = []
    for number in numbers:
        line = lines.get(number)
        if line is None:
            item = tracking.get_item(session, number)
            line = _line(bag, item, ManifestEntry(number), in_manifest=False, now=when)
            session.add(line)
            extra.append(number)
        line.scanned_at = when
    missing = [n for n, line in lines.items() if line.in_manifest and n not in numbers]
    bag.scanned_count, bag.missing, bag.extra = len(numbers), missing, extra
    session.flush()
    _scan(session, network, principal, numbers, ScanKind.ARRIVED, bag.station_id, when)
    _audit(session, principal, "bag.open", bag,
           {"label": bag.label, "manifest": bag.manifest_count, "scanned": len(numbers),
            "missing": missing, "extra": extra})  # fmt: skip
    return bag


# -- the call list -----------------------------------------------------------------------
def _sort_key(line: StationItem) -> tuple[int, datetime, int]:
    due = line.next_try_at or line.scanned_at or line.created_at
    return RANK[line.contact], due, line.id


def call_list(session: Session, station_id: str, *, network: Network, principal: Principal,
              include_delivered: bool = False) -> list[StationItem]:  # fmt: skip
    """The station's items opened and not delivered yet, for the caller: those not reached
    first, the longest waiting first (a no-answer when its next try is due), then the
    reached and appointed, then the refused."""
    station = station_of(network, station_id, principal=principal)
    states = list(ContactState) if include_delivered else list(OPEN_CALLS)
    rows = session.scalars(select(StationItem).where(
        StationItem.station_id == station.id, StationItem.scanned_at.is_not(None),
        StationItem.contact.in_(states)))  # fmt: skip
    return sorted(rows, key=_sort_key)


def bags_at(session: Session, station_id: str, *, network: Network,
            principal: Principal) -> list[StationBag]:  # fmt: skip
    """The station's bags, sealed ones of arrived runs first."""
    station = station_of(network, station_id, principal=principal)
    rows = session.scalars(select(StationBag).where(StationBag.station_id == station.id)
                           .order_by(StationBag.id.desc()).limit(100))  # fmt: skip
    return sorted(rows, key=lambda b: (b.state is not BagState.SEALED, -b.id))


def get_line(session: Session, line_id: int, *, principal: Principal) -> StationItem:
    row = session.get(StationItem, line_id)
    if row is None or not principal.sees_province(row.province_code) or row.scanned_at is None:
        raise NotFoundError(f"Unknown call-list line {line_id}.", code="station_item.not_found",
                            id=line_id)  # fmt: skip
    return row


def _sources(target: ContactState) -> list[ContactState]:
    return [s for s, moves in CONTACT_MOVES.items() if target in moves]


def record_call(
    session: Session, line_id: int, *, outcome: ContactState, note: str | None = None,
    next_try_at: datetime | None = None, appointment_at: datetime | None = None,
    principal: Principal,
) -> StationItem:  # fmt: skip
    """Record a call to the recipient (no answer, reached, refused) or an appointment; a
    delivery is recorded by ``deliver``."""
    line = get_line(session, line_id, principal=principal)
    if outcome in (ContactState.TO_CALL, ContactState.DELIVERED, ContactState.RETURNED):
        raise ValidationError("must be no_answer, reached, appointment or refused.",
                              code="station_item.bad_outcome", field="outcome",
                              value=outcome.value)  # fmt: skip
    now = clock.now()
    values: dict[str, Any] = {"note": (note or "").strip()[:200] or line.note}
    if outcome in (ContactState.NO_ANSWER, ContactState.REACHED):
        values.update(attempts=line.attempts + 1, last_call_at=now)
    if outcome is ContactState.NO_ANSWER:
        values["next_try_at"] = next_try_at or now + NO_ANSWER_RETRY
    else:
        values["next_try_at"] = None
    if outcome is ContactState.APPOINTMENT:
        if appointment_at is None:
            raise ValidationError("say when the recipient will take the item.",
                                  code="station_item.no_appointment", field="appointment_at",
                                  value="")  # fmt: skip
        values["appointment_at"] = appointment_at
    row = transition(session, StationItem, line.id, StationItem.contact, _sources(outcome),
                     outcome, **values)  # fmt: skip
    _audit(session, principal, f"station_item.{outcome.value}", row,
           {"number": row.number, "attempts": row.attempts, "note": values["note"]})  # fmt: skip
    return row


def deliver(session: Session, line_id: int, *, to: str, count: int = 1,
            at: datetime | None = None, photo: Photo | None = None,
            signed_by: str | None = None, network: Network,
            principal: Principal) -> StationItem:  # fmt: skip
    """Hand the item to the recipient (or whoever takes it for them): a handover (station →
    recipient, the item's number as the load) and a delivered scan; it closes the line. A
    ``photo`` and/or the name the recipient ``signed_by`` are kept as its proof."""
    line = get_line(session, line_id, principal=principal)
    if photo is not None:
        _check_photo(photo)
    who = to.strip()
    if not who:
        raise ValidationError("say who took the item.", code="station_item.no_recipient",
                              field="to", value="")  # fmt: skip
    if count < 1:
        raise ValidationError("must be at least 1.", code="station_item.bad_count",
                              field="count", value=count)  # fmt: skip
    when = at or clock.now()
    row = transition(session, StationItem, line.id, StationItem.contact,
                     _sources(ContactState.DELIVERED), ContactState.DELIVERED,
                     delivered_at=when, delivered_to=who[:100])  # fmt: skip
    bag = session.get(StationBag, row.bag_id)
    run = session.get(SpecialRun, bag.special_run_id) if bag is not None else None
    station_name = run.station_name if run is not None else row.station_id
    handover = service.record_handover(
        session, load_ref=row.number, leg=Leg.TO_RECIPIENT, from_party=station_name,
        to_party=who[:100], at=when, place=(row.pickup_point or station_name)[:100],
        count=count, note=f"{run.load_ref if run else ''} {bag.label if bag else ''}".strip(),
        run_id=run.run_id if run else None, province_code=row.province_code, network=network,
        principal=principal,
    )  # fmt: skip
    row.handover_id = handover.id
    session.flush()
    _scan(session, network, principal, [row.number], ScanKind.DELIVERED, row.station_id, when)
    _audit(session, principal, "station_item.delivered", row,
           {"number": row.number, "to": who, "count": count})  # fmt: skip
    if photo is not None or (signed_by or "").strip():
        add_proof(session, row.id, photo=photo, signed_by=signed_by, principal=principal)
    return row


# -- proof of delivery and returns ---------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Photo:
    """A photo taken at the delivery, as uploaded."""

    filename: str
    content_type: str
    content: bytes


@dataclass(frozen=True, slots=True)
class Proof:
    """A piece of a delivery's proof: a photo (its evidence id and file) or a signed name."""

    evidence_id: int
    kind: str
    filename: str
    signed_by: str | None


def _check_photo(photo: Photo) -> None:
    if photo.content_type not in PHOTO_TYPES:
        raise ValidationError("must be a JPEG or PNG picture.", code="station_item.photo_type",
                              field="photo", value=photo.content_type[:40])  # fmt: skip
    if not photo.content or len(photo.content) > PHOTO_MAX:
        raise ValidationError("must hold 1 byte to 2 MB.", code="station_item.photo_size",
                              field="photo", value=len(photo.content))  # fmt: skip


def add_proof(session: Session, line_id: int, *, photo: Photo | None = None,
              signed_by: str | None = None, principal: Principal) -> list[Proof]:  # fmt: skip
    """Keep a delivery's proof — a photo (JPEG or PNG, at most 2 MB) and/or the name the
    recipient signed with — as evidence of its handover to the recipient; the line's proof
    so far is returned."""
    line = get_line(session, line_id, principal=principal)
    signed = (signed_by or "").strip()
    if photo is None and not signed:
        raise ValidationError("give a photo or the name the recipient signed with.",
                              code="station_item.no_proof", field="photo",
                              value="")  # fmt: skip
    if line.contact is not ContactState.DELIVERED or line.handover_id is None:
        raise ConflictError(f"{line.number} has not been delivered.",
                            code="station_item.not_delivered", id=line.id,
                            number=line.number)  # fmt: skip
    if photo is not None:
        _check_photo(photo)
        service.attach_evidence(session, line.handover_id, filename=photo.filename or "photo",
                                content_type=photo.content_type, content=photo.content,
                                kind="photo", principal=principal)  # fmt: skip
    if signed:
        service.sign_handover(session, line.handover_id, name=signed, principal=principal)
    _audit(session, principal, "station_item.proof", line,
           {"number": line.number, "photo": photo is not None, "signed_by": signed})  # fmt: skip
    return proof_of(session, [line]).get(line.id, [])


def proof_of(session: Session, lines: list[StationItem]) -> dict[int, list[Proof]]:
    """Line id → the proof kept with its delivery's handover, in the order it was given."""
    by_handover = {line.handover_id: line.id for line in lines if line.handover_id is not None}
    if not by_handover:
        return {}
    name = case((Evidence.content_type == service.SIGNED_NAME, Evidence.content))  # not photos
    found = session.execute(
        select(Evidence.id, Evidence.handover_id, Evidence.kind, Evidence.filename,
               name.label("name"))
        .where(Evidence.handover_id.in_(list(by_handover)))
        .order_by(Evidence.id))  # fmt: skip
    out: dict[int, list[Proof]] = {}
    for r in found:
        signed = r.name.decode() if r.name is not None else None
        out.setdefault(by_handover[r.handover_id], []).append(
            Proof(r.id, r.kind, r.filename, signed)
        )
    return out


def proof_file(session: Session, line_id: int, evidence_id: int, *,
               principal: Principal) -> Evidence:  # fmt: skip
    """A photo kept with the line's delivery, for whoever reads the station's lines."""
    line = get_line(session, line_id, principal=principal)
    row = session.get(Evidence, evidence_id)
    if row is None or line.handover_id is None or row.handover_id != line.handover_id:
        raise NotFoundError(f"Unknown evidence {evidence_id}.", code="evidence.not_found",
                            id=evidence_id)  # fmt: skip
    return row


def return_item(session: Session, line_id: int, *, note: str | None = None,
                at: datetime | None = None, network: Network,
                principal: Principal) -> StationItem:  # fmt: skip
    """Put a refused item on its way back (退回): refused → returned, and a ``returned``
    scan at the station so the public tracking shows it going back; it closes the line."""
    checked(principal, Permission.STATIONS_WORK)  # the CLI calls it too, not only the route
    line = get_line(session, line_id, principal=principal)
    when = at or clock.now()
    row = transition(session, StationItem, line.id, StationItem.contact,
                     ContactState.REFUSED, ContactState.RETURNED, returned_at=when,
                     note=(note or "").strip()[:200] or line.note)  # fmt: skip
    _scan(session, network, principal, [row.number], ScanKind.RETURNED, row.station_id, when)
    _audit(session, principal, "station_item.returned", row,
           {"number": row.number, "note": row.note})  # fmt: skip
    return row


def line_of(session: Session, station_id: str, number: str, *, network: Network,
            principal: Principal) -> StationItem:  # fmt: skip
    """The station's latest call-list line of the item ``number``."""
    station = station_of(network, station_id, principal=principal)
    row = session.scalars(select(StationItem).where(
        StationItem.station_id == station.id, StationItem.number == number.strip().upper(),
        StationItem.scanned_at.is_not(None)).order_by(StationItem.id.desc())).first()  # fmt: skip
    if row is None:
        raise NotFoundError(f"Unknown call-list line {number[:13]}.",
                            code="station_item.not_found", id=number[:13])  # fmt: skip
    return row


def closed_lines(session: Session, station_id: str, *, network: Network, principal: Principal,
                 limit: int = 30) -> list[StationItem]:  # fmt: skip
    """The station's lines closed last — delivered or returned — newest first."""
    station = station_of(network, station_id, principal=principal)
    return list(session.scalars(select(StationItem).where(
        StationItem.station_id == station.id, StationItem.contact.in_(CLOSED))
        .order_by(StationItem.id.desc()).limit(limit)))  # fmt: skip


def reveal(session: Session, line_id: int, *, principal: Principal) -> str:
    """The recipient's full phone number, for the caller; every reveal is audited."""
    line = get_line(session, line_id, principal=principal)
    if not principal.can(Permission.STATIONS_WORK):
        raise PermissionDeniedError("Only station staff reveal phone numbers.",
                                    code="station_item.reveal_denied")  # fmt: skip
    _audit(session, principal, "station_item.reveal", line, {"number": line.number})
    return line.phone
