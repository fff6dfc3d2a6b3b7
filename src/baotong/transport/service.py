"""Use cases of transport: vehicles and people, credentials and their workflow, runs and
the check that decides whether a run may enter a controlled area.

Services flush and never commit. A provincial user sees and changes only what belongs to
their province; every change is audited. Dates are days in Beijing time.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from baotong import jobs
from baotong.audit import service as audit
from baotong.auth.models import User
from baotong.auth.permissions import Principal, Role
from baotong.auth.scope import in_scope
from baotong.contingency import service as contingency
from baotong.core import clock
from baotong.core.exceptions import (
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)
from baotong.core.i18n import N_
from baotong.core.pagination import Page, PageRequest, paginate
from baotong.db.transitions import transition
from baotong.network.entities import Network
from baotong.network.lookup import region_at
from baotong.notify import service as notify
from baotong.transport.clearance import Held, Missing, Site, clearance, site_clearance
from baotong.transport.entities import (
    CredentialKind,
    CredentialState,
    Leg,
    RouteType,
    RunKind,
    RunState,
    VehicleKind,
)
from baotong.transport.models import Credential, Evidence, Handover, Person, Run, Vehicle

BEIJING = ZoneInfo("Asia/Shanghai")
WARN_DAYS = 3  # a granted credential warns this many days before it expires
WARNING = "transport.credential_warning"
EXPIRY = "transport.credential_expiry"
PLATE_MAX = 16
# The codes ``network.lookup.region_at`` composes for this package's fields.
REGION_REFUSALS = (N_("error.transport.unknown_region"), N_("error.transport.ambiguous_region"))
SUBJECT = {  # what each kind of credential is for
    CredentialKind.VEHICLE_PASS: "vehicle_id",
    CredentialKind.GREEN_CHANNEL: "vehicle_id",
    CredentialKind.STAFF_WHITELIST: "person_id",
    CredentialKind.SITE_PERMIT: "site_id",
    CredentialKind.CENTRE_WHITELIST: "site_id",
}

audit.register_type("vehicle", label_key=N_("object.vehicle"), link="/transport/vehicles")
audit.register_type("person", label_key=N_("object.person"), link="/transport/vehicles")
audit.register_type("credential", label_key=N_("object.credential"),
                    link="/transport#credential-{id}")  # fmt: skip
audit.register_type("run", label_key=N_("object.run"), link="/transport/runs#run-{id}")
audit.register_type("handover", label_key=N_("object.handover"), link="/transport/handovers/{id}")


def today() -> date:
    """Today in Beijing."""
    return clock.now().astimezone(BEIJING).date()


def start_of(day: date) -> datetime:
    """Midnight at the start of ``day`` in Beijing, as an aware time."""
    return datetime.combine(day, time(0), tzinfo=BEIJING).astimezone(UTC)


def _audit(session: Session, principal: Principal, action: str, row: Any,
           after: dict[str, Any] | None = None) -> None:  # fmt: skip
    audit.record(session, actor=principal.username, action=action,
                 object_type=action.split(".")[0], object_id=str(row.id),
                 province_code=row.province_code, after=after)  # fmt: skip


def _own(principal: Principal, province_code: str, what: str) -> None:
    if not principal.sees_province(province_code):
        raise PermissionDeniedError(f"{what} belongs to province {province_code}.",
                                    code="transport.other_province",
                                    province=province_code)  # fmt: skip


def _province(network: Network, code: str, field: str) -> str:
    return region_at(network, code, field=field, domain="transport").code[:2] + "0000"


# -- vehicles and people -----------------------------------------------------------------
def add_vehicle(
    session: Session, *, plate: str, kind: VehicleKind, capacity_kg: float, capacity_m3: float,
    packages: int, cold_chain: bool, home_site: str, province_code: str, network: Network,
    principal: Principal,
) -> Vehicle:  # fmt: skip
    plate = plate.strip().upper()
    if not 2 <= len(plate) <= PLATE_MAX:
        raise ValidationError(f"must be 2-{PLATE_MAX} characters.", code="vehicle.bad_plate",
                              field="plate", value=plate[:40])  # fmt: skip
    province = _province(network, province_code, "province_code")
    _own(principal, province, "The vehicle")
    if session.scalar(select(Vehicle.id).where(Vehicle.plate == plate)):
        raise ConflictError(f"Vehicle {plate} is already registered.", code="vehicle.exists",
                            plate=plate)  # fmt: skip
    vehicle = Vehicle(plate=plate, kind=kind, capacity_kg=capacity_kg, capacity_m3=capacity_m3,
                      packages=packages, cold_chain=cold_chain, home_site=home_site,
                      province_code=province, active=True)  # fmt: skip
    session.add(vehicle)
    session.flush()
    _audit(session, principal, "vehicle.add", vehicle, {"plate": plate, "kind": kind.value})
    return vehicle


def add_person(
    session: Session, *, name: str, phone: str, job: str, site: str, province_code: str,
    network: Network, principal: Principal,
) -> Person:  # fmt: skip
    province = _province(network, province_code, "province_code")
    _own(principal, province, "The person")
    person = Person(name=name.strip(), phone=phone.strip(), job=job.strip(), site=site.strip(),
                    province_code=province)  # fmt: skip
    session.add(person)
    session.flush()
    _audit(session, principal, "person.add", person, {"name": person.name, "job": person.job})
    return person


def list_vehicles(session: Session, *, principal: Principal,
                  page: PageRequest = PageRequest()) -> Page[Vehicle]:  # fmt: skip
    query = select(Vehicle).where(in_scope(principal, Vehicle.province_code))
    return paginate(session, query.order_by(Vehicle.plate), page)


def list_people(session: Session, *, principal: Principal,
                page: PageRequest = PageRequest()) -> Page[Person]:  # fmt: skip
    query = select(Person).where(in_scope(principal, Person.province_code))
    return paginate(session, query.order_by(Person.name, Person.id), page)


def get_vehicle(session: Session, vehicle_id: int, *, principal: Principal) -> Vehicle:
    row = session.get(Vehicle, vehicle_id)
    if row is None or not principal.sees_province(row.province_code):
        raise NotFoundError(f"Unknown vehicle {vehicle_id}.", code="vehicle.not_found",
                            id=vehicle_id)  # fmt: skip
    return row


def get_person(session: Session, person_id: int, *, principal: Principal) -> Person:
    row = session.get(Person, person_id)
    if row is None or not principal.sees_province(row.province_code):
        raise NotFoundError(f"Unknown person {person_id}.", code="person.not_found",
                            id=person_id)  # fmt: skip
    return row


# -- credentials ---------------------------------------------------------------------------
def apply(
    session: Session, *, kind: CredentialKind, vehicle_id: int | None = None,
    person_id: int | None = None, site_id: str | None = None, areas: list[str],
    route_types: list[RouteType], authority: str, valid_from: date, valid_to: date,
    closed_loop: bool = False, note: str | None = None, network: Network,
    principal: Principal,
) -> Credential:  # fmt: skip
    """Request a credential (state requested) for the vehicle, person or site it names."""
    if valid_to < valid_from:
        raise ValidationError("ends before it starts.", code="credential.bad_dates",
                              field="valid_to", value=valid_to.isoformat())  # fmt: skip
    if not areas:
        raise ValidationError("name at least one region.", code="credential.no_area",
                              field="areas", value="")  # fmt: skip
    codes = [region_at(network, a, field=f"areas.{i}", domain="transport").code
             for i, a in enumerate(areas)]  # fmt: skip
    given = {"vehicle_id": vehicle_id, "person_id": person_id, "site_id": site_id}
    if given[SUBJECT[kind]] is None:
        raise ValidationError(f"a {kind.value} needs {SUBJECT[kind]}.",
                              code="credential.no_subject", field=SUBJECT[kind],
                              value="")  # fmt: skip
    if vehicle_id is not None:
        province = get_vehicle(session, vehicle_id, principal=principal).province_code
    elif person_id is not None:
        province = get_person(session, person_id, principal=principal).province_code
    else:
        province = codes[0][:2] + "0000"
    _own(principal, province, "The credential")
    row = Credential(kind=kind, vehicle_id=vehicle_id, person_id=person_id, site_id=site_id,
                     areas=codes, route_types=[r.value for r in route_types],
                     authority=authority.strip(), number=None, closed_loop=closed_loop,
                     valid_from=valid_from, valid_to=valid_to, state=CredentialState.REQUESTED,
                     province_code=province, note=note, created_by=principal.username,
                     created_at=clock.now())  # fmt: skip
    session.add(row)
    session.flush()
    _audit(session, principal, "credential.apply", row,
           {"kind": kind.value, "areas": codes, "valid_to": valid_to.isoformat()})  # fmt: skip
    return row


def get_credential(session: Session, credential_id: int, *, principal: Principal) -> Credential:
    row = session.get(Credential, credential_id)
    if row is None or not principal.sees_province(row.province_code):
        raise NotFoundError(f"Unknown credential {credential_id}.", code="credential.not_found",
                            id=credential_id)  # fmt: skip
    return row


def submit(session: Session, credential_id: int, *, principal: Principal) -> Credential:
    """The application has gone to the issuing authority."""
    get_credential(session, credential_id, principal=principal)
    row = transition(session, Credential, credential_id, Credential.state,
                     CredentialState.REQUESTED, CredentialState.SUBMITTED)  # fmt: skip
    _audit(session, principal, "credential.submit", row)
    return row


def decide(
    session: Session, credential_id: int, *, grant: bool, number: str | None = None,
    note: str | None = None, principal: Principal,
) -> Credential:  # fmt: skip
    """Record the authority's answer; a granted credential warns before it expires and
    expires at the end of its last day."""
    get_credential(session, credential_id, principal=principal)
    target = CredentialState.GRANTED if grant else CredentialState.REFUSED
    row = transition(session, Credential, credential_id, Credential.state,
                     CredentialState.SUBMITTED, target, decided_by=principal.username,
                     decided_at=clock.now(), number=number, note=note)  # fmt: skip
    if grant:
        from baotong.transport import jobs as _registers_the_deadlines  # noqa: F401

        end = start_of(row.valid_to + timedelta(days=1))
        warn = max(start_of(row.valid_to - timedelta(days=WARN_DAYS - 1)), clock.now())
        for kind, due in ((WARNING, warn), (EXPIRY, end)):
            jobs.schedule(session, kind=kind, subject_type="credential", subject_id=str(row.id),
                          due_at=due)  # fmt: skip
    _audit(session, principal, "credential.grant" if grant else "credential.refuse", row,
           {"number": number, "note": note})  # fmt: skip
    return row


def warn_expiring(session: Session, row: Credential) -> None:
    """Tell whoever applied for it and the province's transport dispatchers that a credential
    is about to expire."""
    if row.state is not CredentialState.GRANTED:
        return
    creator = session.scalar(select(User.id).where(User.username == row.created_by))
    notify.send(session, key=N_("transport.notice.expiring"), to_users=[creator] if creator else [],
                params={"id": row.id, "kind": row.kind.value, "until": row.valid_to.isoformat(),
                        "holder": holder_of(session, row)},
                link=f"/transport#credential-{row.id}", to_role=Role.TRANSPORT_DISPATCHER,
                province_code=row.province_code, subject_type="credential",
                subject_id=row.id)  # fmt: skip


def expire(session: Session, credential_id: int) -> None:
    try:
        row = transition(session, Credential, credential_id, Credential.state,
                         CredentialState.GRANTED, CredentialState.EXPIRED)  # fmt: skip
    except ConflictError:
        return  # refused or already expired meanwhile
    audit.record(session, actor="system", action="credential.expire", object_type="credential",
                 object_id=str(row.id), province_code=row.province_code)  # fmt: skip


def holder_of(session: Session, row: Credential) -> str:
    if row.vehicle_id is not None:
        vehicle = session.get(Vehicle, row.vehicle_id)
        return vehicle.plate if vehicle else str(row.vehicle_id)
    if row.person_id is not None:
        person = session.get(Person, row.person_id)
        return person.name if person else str(row.person_id)
    return row.site_id or ""


def list_credentials(
    session: Session, *, principal: Principal, kind: CredentialKind | None = None,
    state: CredentialState | None = None, expiring_days: int | None = None,
    page: PageRequest = PageRequest(),
) -> Page[Credential]:  # fmt: skip
    """Credentials, soonest to expire first; ``expiring_days``: granted ones ending within."""
    query = select(Credential).where(in_scope(principal, Credential.province_code))
    if kind is not None:
        query = query.where(Credential.kind == kind)
    if state is not None:
        query = query.where(Credential.state == state)
    if expiring_days is not None:
        last = today() + timedelta(days=expiring_days)
        query = query.where(Credential.state == CredentialState.GRANTED,
                            Credential.valid_to <= last)  # fmt: skip
    return paginate(session, query.order_by(Credential.valid_to, Credential.id), page)


# -- runs and the check --------------------------------------------------------------------
def controlled_areas(session: Session, network: Network) -> dict[str, str]:
    """Region code → name of every locked area of the plans in force."""
    areas: dict[str, str] = {}
    for run in contingency.active_plans(session, principal=None):
        for area in run.scenario_body.get("locked_areas", []):
            region = region_at(network, str(area["region"]), field="region")
            areas[region.code] = region.name
    return areas


def chain_of(network: Network, code: str) -> tuple[str, ...]:
    """The region and those containing it, innermost first."""
    out = []
    region = network.regions.get(code)
    while region is not None:
        out.append(region.code)
        region = network.regions.get(region.parent_code) if region.parent_code else None
    return tuple(out) or (code,)


def _held(session: Session, **subject: int | str) -> list[Held]:
    (column, value), = subject.items()  # fmt: skip
    rows = session.scalars(select(Credential).where(getattr(Credential, column) == value))
    return [Held(r.kind, r.state, frozenset(r.areas), frozenset(r.route_types), r.valid_from,
                 r.valid_to) for r in rows]  # fmt: skip


def site_of(network: Network, code: str) -> tuple[str, tuple[str, ...], CredentialKind] | None:
    """A network site's name, its region chain and the credential it needs in a controlled
    area: a processing centre its whitelist entry, a delivery station its operating permit
    (None: not a site of the network, such as a consolidation point's warehouse)."""
    if code in network.centers:
        centre = network.centers[code]
        need = CredentialKind.CENTRE_WHITELIST
        return centre.name, chain_of(network, centre.prefecture_code), need
    if code in network.stations:
        station = network.stations[code]
        return station.name, chain_of(network, station.county_code), CredentialKind.SITE_PERMIT
    return None


def _sites(session: Session, run: Run, network: Network) -> list[Site]:
    out = []
    for code in dict.fromkeys(c for c in (run.origin, run.end_site) if c):
        found = site_of(network, code)
        if found is not None:
            out.append(Site(code, found[0], found[1], found[2], _held(session, site_id=code)))
    return out


def check(session: Session, run: Run, network: Network,
          controlled: dict[str, str] | None = None) -> list[Missing]:  # fmt: skip
    """What the run lacks to enter its destination's controlled area on its date, and what
    its origin or end site lacks to operate inside one."""
    vehicle, driver = session.get(Vehicle, run.vehicle_id), session.get(Person, run.driver_id)
    if vehicle is None or driver is None:
        raise NotFoundError(f"Run {run.id} names a vehicle or driver that is gone.",
                            code="run.not_found", id=run.id)  # fmt: skip
    if controlled is None:
        controlled = controlled_areas(session, network)
    sites = site_clearance(sites=_sites(session, run, network), controlled=controlled,
                           on=run.run_date)  # fmt: skip
    return sites + clearance(
        chain=chain_of(network, run.destination_code),
        controlled=controlled, on=run.run_date, route_type=run.route_type,
        vehicle=(vehicle.plate, _held(session, vehicle_id=vehicle.id)),
        driver=(driver.name, _held(session, person_id=driver.id)),
    )  # fmt: skip


def create_run(
    session: Session, *, kind: RunKind, run_date: date, vehicle_id: int, driver_id: int,
    origin: str, destination: str, route_type: RouteType, plan_id: int | None = None,
    end_site: str | None = None, network: Network, principal: Principal,
) -> Run:  # fmt: skip
    """Plan a run; ``end_site`` names the network site it ends at (a processing centre or a
    delivery station), whose permit the check then asks for inside a controlled area."""
    end_site = (end_site or "").strip() or None
    if end_site is not None and site_of(network, end_site) is None:
        raise ValidationError(f"is not a processing centre or delivery station: '{end_site}'.",
                              code="run.unknown_site", field="end_site",
                              value=end_site[:32])  # fmt: skip
    vehicle = get_vehicle(session, vehicle_id, principal=principal)
    get_person(session, driver_id, principal=principal)
    region = region_at(network, destination, field="destination", domain="transport")
    run = Run(kind=kind, run_date=run_date, vehicle_id=vehicle.id, driver_id=driver_id,
              origin=origin.strip(), destination_code=region.code, route_type=route_type,
              end_site=end_site, plan_id=plan_id, state=RunState.PLANNED,
              province_code=region.code[:2] + "0000", created_by=principal.username,
              created_at=clock.now())  # fmt: skip
    session.add(run)
    session.flush()
    _audit(session, principal, "run.plan", run, {"vehicle": vehicle.plate,
                                                   "destination": region.code,
                                                   "date": run_date.isoformat()})  # fmt: skip
    return run


def get_run(session: Session, run_id: int, *, principal: Principal) -> Run:
    row = session.get(Run, run_id)
    if row is None or not principal.sees_province(row.province_code):
        raise NotFoundError(f"Unknown run {run_id}.", code="run.not_found", id=run_id)
    return row


def dispatch(session: Session, run_id: int, *, network: Network, principal: Principal) -> Run:
    """Send a planned run — refused, naming what is missing, if it may not enter its area."""
    run = get_run(session, run_id, principal=principal)
    missing = check(session, run, network)
    if missing and missing[0].subject == "site":
        first = missing[0]
        raise ConflictError(
            f"Run {run.id} may not start or end at {first.who} in {first.area}: it lacks a "
            f"valid {first.need.value} ({first.reason}).",
            code="run.site_not_permitted", id=run.id, site=first.who,
            area=network.regions[first.area].name if first.area in network.regions else first.area,
            need=first.need, reason=first.reason,
            until=first.until.isoformat() if first.until else "",
        )  # fmt: skip
    if missing:
        first = missing[0]
        raise ConflictError(
            f"Run {run.id} may not enter {first.area}: {first.subject} {first.who} lacks a "
            f"valid {first.need.value} ({first.reason}).",
            code="run.not_cleared", id=run.id, subject=first.subject, who=first.who,
            area=network.regions[first.area].name if first.area in network.regions else first.area,
            need=first.need, reason=first.reason,
            until=first.until.isoformat() if first.until else "",
        )  # fmt: skip
    row = transition(session, Run, run.id, Run.state, RunState.PLANNED, RunState.DISPATCHED,
                     dispatched_by=principal.username, dispatched_at=clock.now())  # fmt: skip
    _audit(session, principal, "run.dispatch", row)
    return row


def runs_on(
    session: Session, day: date, *, network: Network, principal: Principal
) -> list[tuple[Run, Vehicle, Person, list[Missing]]]:
    """The day's runs with what each lacks (empty: cleared)."""
    controlled = controlled_areas(session, network)
    query = (select(Run, Vehicle, Person).join(Vehicle, Vehicle.id == Run.vehicle_id)
             .join(Person, Person.id == Run.driver_id)
             .where(Run.run_date == day, in_scope(principal, Run.province_code))
             .order_by(Run.id))  # fmt: skip
    return [(r, v, p, check(session, r, network, controlled) if r.state is RunState.PLANNED
             else []) for r, v, p in session.execute(query)]  # fmt: skip


# -- handovers: the chain of custody -------------------------------------------------------
LOAD_REF = re.compile(r"^[A-Za-z0-9._\-]{1,40}$")
EVIDENCE_TYPES = {"image/jpeg": ".jpg", "image/png": ".png", "application/pdf": ".pdf"}
EVIDENCE_MAX = 2 * 1024 * 1024


def record_handover(
    session: Session, *, load_ref: str, leg: Leg, from_party: str, to_party: str,
    at: datetime, place: str, count: int, short: int = 0, damaged: int = 0,
    seal: str | None = None, note: str | None = None, run_id: int | None = None,
    province_code: str, network: Network, principal: Principal,
) -> Handover:  # fmt: skip
    """Record one change of custody. It must continue the load's chain: handed over by
    whoever received it last, not before that, and with the packages adding up (what is
    received plus what is short is what the last holder had)."""
    if not LOAD_REF.match(load_ref):
        raise ValidationError("must be 1-40 letters, digits, '.', '_' or '-'.",
                              code="handover.bad_load", field="load_ref",
                              value=load_ref[:40])  # fmt: skip
    province = _province(network, province_code, "province_code")
    _own(principal, province, "The handover")
    if run_id is not None:
        get_run(session, run_id, principal=principal)
    previous = session.scalars(select(Handover).where(Handover.load_ref == load_ref)
                               .order_by(Handover.at.desc(), Handover.id.desc())
                               .limit(1)).first()  # fmt: skip
    if previous is not None:
        if previous.to_party != from_party.strip():
            raise ValidationError(
                f"continues the chain of {load_ref}, which {previous.to_party} holds.",
                code="handover.broken_chain", field="from_party", value=from_party[:100],
                holder=previous.to_party, load=load_ref,
            )  # fmt: skip
        if at < previous.at:
            raise ValidationError("is before the load's last handover.",
                                  code="handover.before_last", field="at",
                                  value=at.isoformat(), last=previous.at.isoformat())  # fmt: skip
        if count + short != previous.count:
            raise ValidationError(
                f"received {count} and short {short} do not add up to the {previous.count} "
                "handed over.", code="handover.count_mismatch", field="count", value=count,
                short=short, expected=previous.count,
            )  # fmt: skip
    if damaged > count:
        raise ValidationError("cannot exceed the count received.", code="handover.bad_damaged",
                              field="damaged", value=damaged)  # fmt: skip
    row = Handover(load_ref=load_ref, leg=leg, run_id=run_id, from_party=from_party.strip(),
                   to_party=to_party.strip(), at=at, place=place.strip(), count=count,
                   short=short, damaged=damaged, seal=seal, note=note, province_code=province,
                   recorded_by=principal.username, recorded_at=clock.now())  # fmt: skip
    session.add(row)
    session.flush()
    _audit(session, principal, "handover.record", row,
           {"load": load_ref, "leg": leg.value, "count": count, "short": short,
            "damaged": damaged})  # fmt: skip
    return row


EVIDENCE_KINDS = ("photo", "signature")


def attach_evidence(
    session: Session, handover_id: int, *, filename: str, content_type: str, content: bytes,
    kind: str = "photo", principal: Principal,
) -> Evidence:  # fmt: skip
    """Keep a photo or signature (JPEG, PNG or PDF, at most 2 MB) with a handover."""
    if kind not in EVIDENCE_KINDS:
        raise ValidationError("must be photo or signature.", code="evidence.bad_kind",
                              field="kind", value=kind[:20])  # fmt: skip
    handover = _visible_handover(session, handover_id, principal)
    if content_type not in EVIDENCE_TYPES:
        raise ValidationError("must be a JPEG, PNG or PDF file.", code="evidence.bad_type",
                              field="file", value=content_type[:40])  # fmt: skip
    if not content or len(content) > EVIDENCE_MAX:
        raise ValidationError("must hold 1 byte to 2 MB.", code="evidence.bad_size",
                              field="file", value=len(content))  # fmt: skip
    return _keep_evidence(session, handover, principal, filename=filename, kind=kind,
                          content_type=content_type, content=content)  # fmt: skip


def _visible_handover(session: Session, handover_id: int, principal: Principal) -> Handover:
    handover = session.get(Handover, handover_id)
    if handover is None or not principal.sees_province(handover.province_code):
        raise NotFoundError(f"Unknown handover {handover_id}.", code="handover.not_found",
                            id=handover_id)  # fmt: skip
    return handover


def _keep_evidence(session: Session, handover: Handover, principal: Principal, *,
                   filename: str, kind: str, content_type: str, content: bytes,
                   **said: str) -> Evidence:  # fmt: skip
    """Store a checked piece of evidence with its handover, audited."""
    row = Evidence(handover_id=handover.id, filename=re.sub(r"[^\w.\-]", "_", filename)[:100],
                   kind=kind, content_type=content_type, content=content)  # fmt: skip
    session.add(row)
    session.flush()
    _audit(session, principal, "handover.evidence", handover,
           {"file": row.filename, "kind": kind, **said})  # fmt: skip
    return row


SIGNED_NAME = "text/plain; charset=utf-8"  # a signature given as the signer's name


def sign_handover(session: Session, handover_id: int, *, name: str,
                  principal: Principal) -> Evidence:  # fmt: skip
    """Keep the name the receiving party signed with as the handover's signature (when
    there is no image of the signature: the recipient signs on the courier's word)."""
    signed = " ".join(name.split())
    if not signed or len(signed) > 64:
        raise ValidationError("must be the signer's name, 1-64 characters.",
                              code="evidence.bad_signature", field="signed_by",
                              value=signed[:64])  # fmt: skip
    handover = _visible_handover(session, handover_id, principal)
    return _keep_evidence(session, handover, principal, filename="signature.txt",
                          kind="signature", content_type=SIGNED_NAME, content=signed.encode(),
                          signed_by=signed)  # fmt: skip


def get_evidence(session: Session, evidence_id: int, *, principal: Principal) -> Evidence:
    row = session.get(Evidence, evidence_id)
    handover = session.get(Handover, row.handover_id) if row is not None else None
    if row is None or handover is None or not principal.sees_province(handover.province_code):
        raise NotFoundError(f"Unknown evidence {evidence_id}.", code="evidence.not_found",
                            id=evidence_id)  # fmt: skip
    return row


def custody(session: Session, load_ref: str, *, principal: Principal) -> list[Handover]:
    """The load's handovers in order (those in the principal's scope); NotFound if none."""
    rows = list(session.scalars(
        select(Handover).where(Handover.load_ref == load_ref,
                               in_scope(principal, Handover.province_code))
        .order_by(Handover.at, Handover.id)))  # fmt: skip
    if not rows:
        raise NotFoundError(f"No handovers of load {load_ref}.", code="handover.unknown_load",
                            load=load_ref[:40])  # fmt: skip
    return rows


def evidence_ids(session: Session,
                 handover_ids: list[int]) -> dict[int, list[tuple[int, str, str]]]:  # fmt: skip
    """Handover id → its evidence as (id, file name, kind)."""
    out: dict[int, list[tuple[int, str, str]]] = {}
    query = select(Evidence.id, Evidence.handover_id, Evidence.filename, Evidence.kind).where(
        Evidence.handover_id.in_(handover_ids)
    )
    for evidence_id, handover_id, name, kind in session.execute(query):
        out.setdefault(handover_id, []).append((evidence_id, name, kind))
    return out
