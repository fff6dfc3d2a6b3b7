"""The delivery station's page (phone-sized): the special runs coming in and their bags,
opening a bag (开拆) by scanning its items, and the call list — recipient (phone masked,
revealed on request and audited), community or pickup point, where the call stands — with
the call outcomes and the delivery that closes a line."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from baotong.api.deps import CurrentNetwork, DbSession
from baotong.auth.permissions import Permission, Principal
from baotong.core.exceptions import ValidationError
from baotong.core.i18n import N_
from baotong.network.entities import Network
from baotong.transport import stations
from baotong.transport.entities import ContactState
from baotong.transport.models import StationItem
from baotong.web import i18n
from baotong.web.forms import attempt, parse_time, see_other
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


def _station_page(request: Request, session: Session, network: Network, user: Principal,
                  station_id: str, status_code: int = 200, **values: Any) -> Response:  # fmt: skip
    station = stations.station_of(network, station_id, principal=user)
    lines = stations.call_list(session, station.id, network=network, principal=user)
    return render(request, "transport/station.html", user, status_code=status_code,
                  tab="stations", station=station,
                  runs=stations.runs_to(session, station.id, network=network, principal=user),
                  bags=stations.bags_at(session, station.id, network=network, principal=user),
                  lines=lines, mask=stations.mask, outcomes=OUTCOMES,
                  can_work=user.can(Permission.STATIONS_WORK), **values)  # fmt: skip


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
          form: dict[str, str]) -> object:  # fmt: skip
    if action == "deliver":
        count = form.get("count", "1").strip() or "1"
        if not count.isdigit() or len(count) > 4:
            raise ValidationError("must be a whole number.", code="input.invalid",
                                  field="count", value=count[:20])  # fmt: skip
        return stations.deliver(session, call_id, to=form.get("to", ""), count=int(count),
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
    """Record a call outcome (no_answer, reached, appointment, refused) or the delivery."""
    form = await _form(request)
    return attempt(
        session,
        lambda: _call(session, network, user, call_id, action, form),
        done=lambda _: see_other(f"/transport/stations/{station_id}#call-{call_id}"),
        refused=_refused(request, session, network, user, station_id),
    )  # fmt: skip
