"""The shuttle board: where each drop-and-hook trailer is in its cycle, and the day's
timetable with departure, arrival, the swap and the return — each a form for the
dispatcher. The swap is stated by each side on its own form: the shuttle's (handed, the
transport dispatcher) and the transfer station's (received); each side's statement and
the swap's state show on the board."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from baotong.api.deps import CurrentNetwork, DbSession
from baotong.auth.permissions import Permission, Principal
from baotong.core.exceptions import ValidationError
from baotong.core.i18n import N_
from baotong.core.pagination import PageRequest
from baotong.network.entities import Network
from baotong.transport import service, shuttles
from baotong.transport.entities import (
    Discrepancy,
    RouteType,
    ShuttleStage,
    SwapState,
    VehicleKind,
)
from baotong.transport.schemas import ShuttleIn
from baotong.web import i18n
from baotong.web.forms import attempt, parse_day, parse_form, see_other
from baotong.web.templating import Csrf, PageRoute, page_require, render

router = APIRouter(route_class=PageRoute)
Reader = Annotated[Principal, Depends(page_require(Permission.TRANSPORT_READ))]
Writer = Annotated[Principal, Depends(page_require(Permission.TRANSPORT_WRITE))]
HandOver = Annotated[Principal, Depends(page_require(Permission.SWAP_HAND_OVER))]
Receive = Annotated[Principal, Depends(page_require(Permission.SWAP_RECEIVE))]
CYCLE = list(ShuttleStage)
WORDS = (N_("transport.shuttle.idle"), N_("transport.shuttle.by"),
         N_("transport.shuttle.handed_by"), N_("transport.shuttle.received_by"),
         N_("transport.swap.handed"), N_("transport.swap.received"),
         N_("transport.swap.record_handed"), N_("transport.swap.record_received"))  # fmt: skip


def _board(request: Request, session: Session, user: Principal, day: date,
           status_code: int = 200, **values: Any) -> Response:  # fmt: skip
    timetable = shuttles.on_day(session, day, principal=user)
    positions = shuttles.positions(session, principal=user)
    current = [p.shuttle for p in positions if p.shuttle is not None]
    vehicles = service.list_vehicles(session, principal=user, page=PageRequest(limit=500)).items
    return render(request, "transport/shuttles.html", user, status_code=status_code,
                  day=day, timetable=timetable, positions=positions, cycle=CYCLE,
                  plates=shuttles.plates(session, [*timetable, *current]),
                  discrepancy=Discrepancy, swap_state=SwapState,
                  trailers=[v for v in vehicles if v.kind is VehicleKind.TRAILER],
                  tractors=[v for v in vehicles if v.kind is not VehicleKind.TRAILER],
                  people=service.list_people(session, principal=user,
                                             page=PageRequest(limit=500)).items,
                  loads=shuttles.waiting_loads(session, principal=user),
                  route_types=list(RouteType), **values)  # fmt: skip


@router.get("/transport/shuttles", include_in_schema=False)
def board(request: Request, session: DbSession, user: Reader, date: str = "") -> Response:
    return _board(request, session, user, parse_day(date, "date", default=service.today()))


@router.post("/transport/shuttles", include_in_schema=False, dependencies=[Csrf])
async def timetable(request: Request, session: DbSession, network: CurrentNetwork,
                    user: Writer) -> Response:  # fmt: skip
    """Put a shuttle on the timetable with the dispatches ticked."""
    form = await request.form()
    fields: dict[str, Any] = {k: str(v) for k, v in form.items()
                              if k not in ("csrf_token", "dispatch_ids")}  # fmt: skip
    fields["dispatch_ids"] = [str(v) for v in form.getlist("dispatch_ids")]
    day = service.today()
    return attempt(
        session,
        lambda: shuttles.timetable(session, **parse_form(ShuttleIn, fields).model_dump(),
                                   network=network, principal=user),
        done=lambda row: see_other(f"/transport/shuttles?date="
                                   f"{row.departs_at.astimezone(service.BEIJING).date()}"
                                   f"#shuttle-{row.id}"),
        refused=lambda exc: _board(request, session, user, day, status_code=exc.status,
                                   flash_error=i18n.error_for(request, exc),
                                   shuttle_form=fields),
    )  # fmt: skip


def _int(form: dict[str, str], name: str) -> int:
    text = form.get(name, "").strip()
    if not text.isdigit() or len(text) > 9:
        raise ValidationError("must be a whole number.", code="input.invalid", field=name,
                              value=text[:20])  # fmt: skip
    return int(text)


@router.post("/transport/shuttles/{shuttle_id}/{action}", include_in_schema=False,
             dependencies=[Csrf])  # fmt: skip
async def act(request: Request, shuttle_id: int, action: str, session: DbSession,
              network: CurrentNetwork, user: Writer) -> Response:  # fmt: skip
    form = {k: str(v) for k, v in (await request.form()).items() if k != "csrf_token"}
    row = shuttles.get(session, shuttle_id, principal=user)
    day = row.departs_at.astimezone(service.BEIJING).date()
    return attempt(
        session,
        lambda: _do(session, shuttle_id, action, form, network, user),
        done=lambda _: see_other(f"/transport/shuttles?date={day}#shuttle-{shuttle_id}"),
        refused=lambda exc: _board(request, session, user, day, status_code=exc.status,
                                   flash_error=i18n.error_for(request, exc)),
    )  # fmt: skip


async def _state(request: Request, shuttle_id: int, side: str, session: Session,
                 network: Network, user: Principal) -> Response:  # fmt: skip
    """One side's statement from its form: per load ``seal_<doc>`` and ``count_<doc>``."""
    form = {k: str(v) for k, v in (await request.form()).items() if k != "csrf_token"}
    row = shuttles.get(session, shuttle_id, principal=user)
    day = row.departs_at.astimezone(service.BEIJING).date()

    def record() -> object:
        statement = shuttles.SwapSide(form.get("name", "").strip()[:64], loads=tuple(
            shuttles.LoadCount(load.document_id, form.get(f"seal_{load.document_id}", "")[:40],
                               _int(form, f"count_{load.document_id}"))
            for load in row.loads))  # fmt: skip
        return shuttles.record_side(session, shuttle_id, side=side, statement=statement,
                                    area_vehicle=form.get("area_vehicle", ""),
                                    note=form.get("note", "").strip()[:500] or None,
                                    network=network, principal=user)  # fmt: skip

    return attempt(
        session, record,
        done=lambda _: see_other(f"/transport/shuttles?date={day}#shuttle-{shuttle_id}"),
        refused=lambda exc: _board(request, session, user, day, status_code=exc.status,
                                   flash_error=i18n.error_for(request, exc)),
    )  # fmt: skip


@router.post("/transport/shuttles/{shuttle_id}/swap/handed", include_in_schema=False,
             dependencies=[Csrf])  # fmt: skip
async def swap_handed(request: Request, shuttle_id: int, session: DbSession,
                      network: CurrentNetwork, user: HandOver) -> Response:  # fmt: skip
    """The shuttle's side of the swap: the seal and count it hands over, load by load."""
    return await _state(request, shuttle_id, "handed", session, network, user)


@router.post("/transport/shuttles/{shuttle_id}/swap/received", include_in_schema=False,
             dependencies=[Csrf])  # fmt: skip
async def swap_received(request: Request, shuttle_id: int, session: DbSession,
                        network: CurrentNetwork, user: Receive) -> Response:  # fmt: skip
    """The transfer station's side: the seal and count it received, and the area's vehicle."""
    return await _state(request, shuttle_id, "received", session, network, user)


def _do(session: Session, shuttle_id: int, action: str, form: dict[str, str],
        network: Network, user: Principal) -> object:  # fmt: skip
    if action == "depart":
        return shuttles.depart(session, shuttle_id, network=network, principal=user)
    if action == "arrive":
        return shuttles.arrive(session, shuttle_id, principal=user)
    if action == "return":
        return shuttles.return_empty(session, shuttle_id, principal=user)
    raise ValidationError("must be depart, arrive or return.", code="input.invalid",
                          field="action", value=action[:20])  # fmt: skip
