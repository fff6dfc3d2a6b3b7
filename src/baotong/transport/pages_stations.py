"""The delivery station's page (phone-sized): the special runs coming in and their bags,
opening a bag (开拆) by scanning its items, and the call list — recipient (phone masked,
revealed on request and audited), community or pickup point, where the call stands — with
the call outcomes and the delivery that closes a line with its proof (a photo and/or the
signed name), the return (退回) of a refused item, and the form that plans a special run
to the station and sends it off (the pass check applies)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile as StarletteUpload

from baotong.api.deps import CurrentNetwork, DbSession
from baotong.auth.permissions import Permission, Principal
from baotong.core.exceptions import ValidationError
from baotong.core.i18n import N_
from baotong.network.entities import Network
from baotong.transport import service, stations
from baotong.transport.api_stations import SpecialRunIn
from baotong.transport.entities import ContactState, RouteType, SpecialRunStage
from baotong.transport.models import Run, SpecialRun, StationItem
from baotong.web import i18n
from baotong.web.forms import attempt, parse_form, parse_time, see_other
from baotong.web.templating import Csrf, NavItem, PageRoute, page_require, render

router = APIRouter(route_class=PageRoute)
nav = NavItem("/transport/stations", N_("nav.stations"), Permission.STATIONS_READ)
Reader = Annotated[Principal, Depends(page_require(Permission.STATIONS_READ))]
Worker = Annotated[Principal, Depends(page_require(Permission.STATIONS_WORK))]
OUTCOMES = (ContactState.NO_ANSWER, ContactState.REACHED, ContactState.REFUSED)


@router.get("/transport/stations", include_in_schema=False)
def index(request: Request, session: DbSession, network: CurrentNetwork, user: Reader,
          station: str = "") -> Response:  # fmt: skip
    """The delivery stations in the user's scope that have special runs, with their open
    call-list lines; ``station`` goes to that station's page."""
    if station.strip():
        code = stations.station_of(network, station.strip()[:64], principal=user).id
        return see_other(f"/transport/stations/{code}")
    runs = stations.list_special_runs(session, principal=user, limit=200)
    open_lines = dict(session.execute(
        select(StationItem.station_id, func.count()).where(
            StationItem.scanned_at.is_not(None), StationItem.contact.in_(stations.OPEN_CALLS))
        .group_by(StationItem.station_id)).all())  # fmt: skip
    seen: dict[str, str] = {}
    for run in runs:
        seen.setdefault(run.station_id, run.station_name)
    return render(request, "transport/stations.html", user, tab="stations", runs=runs,
                  stations=seen, open_lines=open_lines)  # fmt: skip


def _plan_choices(session: Session, network: Network, user: Principal,
                  station: stations.StationInfo) -> dict[str, Any]:  # fmt: skip
    """What the special-run form offers: the default origin, the province's centres, the
    vehicles and drivers in the user's scope."""
    _, default_name, source, _ = stations.origin_for(session, network, station.id)
    centres = sorted((c.id, str(c.name)) for c in network.centers.values()
                     if c.province_code == station.province_code)  # fmt: skip
    vehicles = service.list_vehicles(session, principal=user).items
    people = service.list_people(session, principal=user).items
    return {
        "default_origin": default_name,
        "default_source": source,
        "centres": centres,
        "vehicles": vehicles,
        "drivers": [p for p in people if p.job == "driver"] or people,
        "route_types": list(RouteType),
        "today": service.today(),
    }


def _station_page(request: Request, session: Session, network: Network, user: Principal,
                  station_id: str, status_code: int = 200, **values: Any) -> Response:  # fmt: skip
    station = stations.station_of(network, station_id, principal=user)
    lines = stations.call_list(session, station.id, network=network, principal=user)
    closed = stations.closed_lines(session, station.id, network=network, principal=user)
    runs = stations.runs_to(session, station.id, network=network, principal=user)
    checks = {r.id: service.check(session, run, network) for r in runs
              if r.stage is SpecialRunStage.PLANNED
              and (run := session.get(Run, r.run_id)) is not None}  # fmt: skip
    can_work = user.can(Permission.STATIONS_WORK)
    choices = _plan_choices(session, network, user, station) if can_work else {}
    return render(request, "transport/station.html", user, status_code=status_code,
                  tab="stations", station=station, runs=runs, checks=checks,
                  bags=stations.bags_at(session, station.id, network=network, principal=user),
                  lines=lines, closed=closed, proof=stations.proof_of(session, closed),
                  mask=stations.mask, outcomes=OUTCOMES, can_work=can_work,
                  plan_form=values.pop("plan_form", {}), **choices, **values)  # fmt: skip


@router.get("/transport/stations/{station_id}", include_in_schema=False)
def station_page(request: Request, station_id: str, session: DbSession,
                 network: CurrentNetwork, user: Reader) -> Response:  # fmt: skip
    return _station_page(request, session, network, user, station_id)


def _refused(request: Request, session: Session, network: Network, user: Principal,
             station_id: str) -> Any:  # fmt: skip
    return lambda exc: _station_page(request, session, network, user, station_id,
                                     status_code=exc.status,
                                     flash_error=i18n.error_for(request, exc))  # fmt: skip


async def _form(request: Request) -> dict[str, str]:
    return {k: str(v) for k, v in (await request.form()).items() if k != "csrf_token"}


def parse_bags(text: str) -> list[dict[str, Any]]:
    """The bags typed in the form, one a line: 'LABEL: number number …' (numbers split by
    spaces or commas)."""
    bags = []
    for row, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        label, colon, rest = line.replace("：", ":").partition(":")
        numbers = rest.replace(",", " ").replace("，", " ").split()
        if not colon or not label.strip() or not numbers:
            raise ValidationError("must read 'LABEL: number number …'.",
                                  code="special_run.bad_bag_line", field="bags", row=row,
                                  value=line.strip()[:40])  # fmt: skip
        bags.append({"label": label.strip()[:40], "items": [{"number": n} for n in numbers]})
    return bags


def _plan(session: Session, network: Network, user: Principal, station_id: str,
          form: dict[str, str]) -> SpecialRun:  # fmt: skip
    body = parse_form(SpecialRunIn, {
        "station_id": station_id, "vehicle_id": form.get("vehicle_id", ""),
        "driver_id": form.get("driver_id", ""), "run_date": form.get("run_date", ""),
        "origin": form.get("transfer", "").strip() or form.get("origin", ""),
        "route_type": form.get("route_type", ""),
        "bags": parse_bags(form.get("bags", ""))})  # fmt: skip
    bags = [stations.BagManifest(b.label, tuple(stations.ManifestEntry(**i.model_dump())
                                                for i in b.items)) for b in body.bags]  # fmt: skip
    return stations.plan_special_run(
        session, station_id=body.station_id, vehicle_id=body.vehicle_id,
        driver_id=body.driver_id, run_date=body.run_date, bags=bags, origin=body.origin,
        route_type=body.route_type, network=network, principal=user)  # fmt: skip


@router.post("/transport/stations/{station_id}/special-runs", include_in_schema=False,
             dependencies=[Csrf])  # fmt: skip
async def plan_special_run(request: Request, station_id: str, session: DbSession,
                           network: CurrentNetwork, user: Worker) -> Response:  # fmt: skip
    """Plan a special run to the station from the form (the same checks as the API)."""
    form = await _form(request)
    return attempt(
        session,
        lambda: _plan(session, network, user, station_id, form),
        done=lambda row: see_other(f"/transport/stations/{station_id}#special-run-{row.id}"),
        refused=lambda exc: _station_page(request, session, network, user, station_id,
                                          status_code=exc.status, plan_form=form,
                                          flash_error=i18n.error_for(request, exc)),
    )  # fmt: skip


@router.post("/transport/stations/{station_id}/special-runs/{special_run_id}/depart",
             include_in_schema=False, dependencies=[Csrf])  # fmt: skip
async def depart(request: Request, station_id: str, special_run_id: int, session: DbSession,
                 network: CurrentNetwork, user: Worker) -> Response:  # fmt: skip
    """Send the run off: refused, naming what is missing, when the pass check fails."""
    return attempt(
        session,
        lambda: stations.depart(session, special_run_id, network=network, principal=user),
        done=lambda _: see_other(f"/transport/stations/{station_id}#special-run-{special_run_id}"),
        refused=_refused(request, session, network, user, station_id),
    )  # fmt: skip


@router.post("/transport/stations/{station_id}/special-runs/{special_run_id}/arrive",
             include_in_schema=False, dependencies=[Csrf])  # fmt: skip
async def arrive(request: Request, station_id: str, special_run_id: int, session: DbSession,
                 network: CurrentNetwork, user: Worker) -> Response:  # fmt: skip
    form = await _form(request)
    return attempt(
        session,
        lambda: stations.arrive(session, special_run_id, received_by=form.get("received_by", ""),
                                network=network, principal=user),
        done=lambda _: see_other(f"/transport/stations/{station_id}#special-run-{special_run_id}"),
        refused=_refused(request, session, network, user, station_id),
    )  # fmt: skip


@router.post("/transport/stations/{station_id}/bags/{bag_id}/open", include_in_schema=False,
             dependencies=[Csrf])  # fmt: skip
async def open_bag(request: Request, station_id: str, bag_id: int, session: DbSession,
                   network: CurrentNetwork, user: Worker) -> Response:  # fmt: skip
    form = await _form(request)
    scanned = [n for n in form.get("scanned", "").replace(",", " ").split() if n][:2000]
    return attempt(
        session,
        lambda: stations.open_bag(session, bag_id, scanned=scanned, network=network,
                                  principal=user),
        done=lambda _: see_other(f"/transport/stations/{station_id}#bag-{bag_id}"),
        refused=_refused(request, session, network, user, station_id),
    )  # fmt: skip


def _call(session: Session, network: Network, user: Principal, call_id: int, action: str,
          form: dict[str, str], photo: stations.Photo | None) -> object:  # fmt: skip
    if action == "deliver":
        count = form.get("count", "1").strip() or "1"
        if not count.isdigit() or len(count) > 4:
            raise ValidationError("must be a whole number.", code="input.invalid",
                                  field="count", value=count[:20])  # fmt: skip
        return stations.deliver(session, call_id, to=form.get("to", ""), count=int(count),
                                photo=photo, signed_by=form.get("signed_by") or None,
                                network=network, principal=user)  # fmt: skip
    if action == "proof":
        return stations.add_proof(session, call_id, photo=photo,
                                  signed_by=form.get("signed_by") or None,
                                  principal=user)  # fmt: skip
    if action == "return":
        return stations.return_item(session, call_id, note=form.get("note") or None,
                                    network=network, principal=user)  # fmt: skip
    try:
        outcome = ContactState(action)
    except ValueError:
        raise ValidationError("is not a call outcome.", code="input.invalid", field="action",
                              value=action[:20]) from None  # fmt: skip
    return stations.record_call(
        session, call_id, outcome=outcome, note=form.get("note") or None,
        appointment_at=parse_time(form.get("appointment_at", ""), "appointment_at",
                                  zone=user.time_zone),
        principal=user)  # fmt: skip


@router.post("/transport/stations/{station_id}/calls/{call_id}/reveal", include_in_schema=False,
             dependencies=[Csrf])  # fmt: skip
async def reveal(request: Request, station_id: str, call_id: int, session: DbSession,
                 network: CurrentNetwork, user: Worker) -> Response:  # fmt: skip
    """The page again with this recipient's full phone number (the reveal is audited)."""
    phone = stations.reveal(session, call_id, principal=user)
    return _station_page(request, session, network, user, station_id,
                         revealed={call_id: phone})  # fmt: skip


@router.post("/transport/stations/{station_id}/calls/{call_id}/{action}",
             include_in_schema=False, dependencies=[Csrf])  # fmt: skip
async def call(request: Request, station_id: str, call_id: int, action: str,
               session: DbSession, network: CurrentNetwork, user: Worker) -> Response:  # fmt: skip
    """Record a call outcome (no_answer, reached, appointment, refused), the delivery, its
    proof (a photo and/or the signed name) or the return of a refused item."""
    posted = await request.form()
    form = {k: str(v) for k, v in posted.items() if k not in ("csrf_token", "photo")}
    upload = posted.get("photo")
    photo = None
    if isinstance(upload, StarletteUpload) and upload.filename:
        photo = stations.Photo(upload.filename, upload.content_type or "",
                               await upload.read(stations.PHOTO_MAX + 1))  # fmt: skip
    return attempt(
        session,
        lambda: _call(session, network, user, call_id, action, form, photo),
        done=lambda _: see_other(f"/transport/stations/{station_id}#call-{call_id}"),
        refused=_refused(request, session, network, user, station_id),
    )  # fmt: skip
