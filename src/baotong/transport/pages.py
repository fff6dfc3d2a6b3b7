"""Transport pages: credentials (passes, green channels, whitelists, permits) with their
workflow, the runs of a day with the pass check and dispatch, vehicles and people; the
shuttle board (``pages_board``) and the route plans (``pages_plans``) are included here."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile as StarletteUpload

from baotong.api.deps import CurrentNetwork, DbSession
from baotong.auth.permissions import Permission, Principal
from baotong.core.exceptions import BaotongError, NotFoundError, ValidationError
from baotong.core.i18n import N_
from baotong.core.pagination import PageRequest
from baotong.network.entities import Network
from baotong.transport import pages_board, pages_plans, service
from baotong.transport.entities import (
    CredentialKind,
    CredentialState,
    Leg,
    RouteType,
    RunKind,
    VehicleKind,
)
from baotong.transport.models import Handover
from baotong.transport.schemas import CredentialIn, HandoverIn, PersonIn, RunIn, VehicleIn
from baotong.transport.views import custody_of
from baotong.web import i18n
from baotong.web.forms import attempt, parse_day, parse_form, see_other
from baotong.web.templating import Csrf, NavItem, PageRoute, page_require, render

router = APIRouter(route_class=PageRoute)
router.include_router(pages_board.router)
router.include_router(pages_plans.router)
nav = NavItem("/transport", N_("nav.transport"), Permission.TRANSPORT_READ)
Reader = Annotated[Principal, Depends(page_require(Permission.TRANSPORT_READ))]
Writer = Annotated[Principal, Depends(page_require(Permission.TRANSPORT_WRITE))]
PAGE = 50
# Words the templates look up by value: who lacks what, and why.
WORDS = (N_("transport.subject.vehicle"), N_("transport.subject.driver"),
         N_("transport.subject.site"),
         N_("transport.reason.none"), N_("transport.reason.other_area"),
         N_("transport.reason.route_type"), N_("transport.reason.not_granted"),
         N_("transport.reason.not_yet_valid"), N_("transport.reason.expired"))  # fmt: skip


async def _form(request: Request) -> dict[str, Any]:
    form = await request.form()
    out: dict[str, Any] = {k: str(v) for k, v in form.items() if k != "csrf_token"}
    for many in ("route_types",):
        out[many] = [str(v) for v in form.getlist(many)]
    return out


# -- credentials ---------------------------------------------------------------------------
def _credentials_page(request: Request, session: Session, user: Principal, *, kind: str = "",
                      state: str = "", expiring: str = "", page: int = 1,
                      status_code: int = 200, **values: Any) -> Response:  # fmt: skip
    days = int(expiring) if expiring.isdigit() else None
    found = service.list_credentials(
        session, principal=user, kind=CredentialKind(kind) if kind else None,
        state=CredentialState(state) if state else None, expiring_days=days,
        page=PageRequest.number(page, PAGE))  # fmt: skip
    holders = {c.id: service.holder_of(session, c) for c in found.items}
    return render(request, "transport/credentials.html", user, status_code=status_code,
                  found=found, rows=found.items, holders=holders, kinds=list(CredentialKind),
                  states=list(CredentialState), route_types=list(RouteType), kind=kind,
                  state=state, expiring=expiring, today=service.today(),
                  vehicles=service.list_vehicles(session, principal=user).items,
                  people=service.list_people(session, principal=user).items,
                  query="&".join(f"{k}={v}" for k, v in (("kind", kind), ("state", state),
                                                         ("expiring", expiring)) if v),
                  **values)  # fmt: skip


@router.get("/transport", include_in_schema=False)
def credentials_page(request: Request, session: DbSession, user: Reader, kind: str = "",
                     state: str = "", expiring: str = "", page: int = 1) -> Response:  # fmt: skip
    if kind and kind not in {k.value for k in CredentialKind}:
        kind = ""
    if state and state not in {s.value for s in CredentialState}:
        state = ""
    return _credentials_page(request, session, user, kind=kind, state=state, expiring=expiring,
                             page=page)  # fmt: skip


Refusal = Callable[[BaotongError], Response]


def _refused_on_credentials(request: Request, session: Session, user: Principal,
                            form: dict[str, Any]) -> Refusal:  # fmt: skip
    return lambda exc: _credentials_page(request, session, user, status_code=exc.status,
                                         flash_error=i18n.error_for(request, exc),
                                         apply_form=form)  # fmt: skip


@router.post("/transport/credentials", include_in_schema=False, dependencies=[Csrf])
async def apply(request: Request, session: DbSession, network: CurrentNetwork,
                user: Writer) -> Response:  # fmt: skip
    form = await _form(request)
    fields = {**form, "areas": [a for a in form.get("areas", "").replace("，", ",").split(",")
                                if a.strip()]}  # fmt: skip
    return attempt(
        session,
        lambda: service.apply(session, **parse_form(CredentialIn, fields).model_dump(),
                              network=network, principal=user),
        done=lambda row: see_other(f"/transport#credential-{row.id}"),
        refused=_refused_on_credentials(request, session, user, form),
    )  # fmt: skip


@router.post("/transport/credentials/{credential_id}/{action}", include_in_schema=False,
             dependencies=[Csrf])  # fmt: skip
async def decide(request: Request, credential_id: int, action: str, session: DbSession,
                 user: Writer) -> Response:  # fmt: skip
    form = await _form(request)
    number, note = form.get("number") or None, form.get("note") or None

    def act() -> object:
        if action == "submit":
            return service.submit(session, credential_id, principal=user)
        if action in ("grant", "refuse"):
            return service.decide(session, credential_id, grant=action == "grant",
                                  number=number, note=note, principal=user)  # fmt: skip
        raise ValidationError("must be submit, grant or refuse.", code="input.invalid",
                              field="action", value=action[:20])  # fmt: skip

    return attempt(session, act, done=lambda _: see_other(f"/transport#credential-{credential_id}"),
                   refused=_refused_on_credentials(request, session, user, {}))  # fmt: skip


# -- runs ----------------------------------------------------------------------------------
def _runs_page(request: Request, session: Session, network: Network, user: Principal,
               day: date, status_code: int = 200, **values: Any) -> Response:  # fmt: skip
    rows = service.runs_on(session, day, network=network, principal=user)
    return render(request, "transport/runs.html", user, status_code=status_code, rows=rows,
                  day=day, controlled=service.controlled_areas(session, network),
                  region_names={c: r.name for c, r in network.regions.items()
                                if any(c == run.destination_code for run, *_ in rows)},
                  vehicles=service.list_vehicles(session, principal=user).items,
                  people=service.list_people(session, principal=user).items,
                  run_kinds=list(RunKind), route_types=list(RouteType),
                  blocked=sum(1 for *_, missing in rows if missing), **values)  # fmt: skip


@router.get("/transport/runs", include_in_schema=False)
def runs_page(request: Request, session: DbSession, network: CurrentNetwork, user: Reader,
              date: str = "") -> Response:  # fmt: skip
    return _runs_page(
        request,
        session,
        network,
        user,
        parse_day(date, "date", default=service.today() + timedelta(days=1)),
    )


@router.post("/transport/runs", include_in_schema=False, dependencies=[Csrf])
async def plan_run(request: Request, session: DbSession, network: CurrentNetwork,
                   user: Writer) -> Response:  # fmt: skip
    form = await _form(request)
    form.pop("route_types", None)
    day = parse_day(form.get("run_date", ""), "date", default=service.today() + timedelta(days=1))
    return attempt(
        session,
        lambda: service.create_run(session, **parse_form(RunIn, form).model_dump(),
                                   network=network, principal=user),
        done=lambda row: see_other(f"/transport/runs?date={row.run_date}#run-{row.id}"),
        refused=lambda exc: _runs_page(request, session, network, user, day,
                                       status_code=exc.status, run_form=form,
                                       flash_error=i18n.error_for(request, exc)),
    )  # fmt: skip


@router.post("/transport/runs/{run_id}/dispatch", include_in_schema=False, dependencies=[Csrf])
def dispatch(request: Request, run_id: int, session: DbSession, network: CurrentNetwork,
             user: Writer) -> Response:  # fmt: skip
    run = service.get_run(session, run_id, principal=user)
    day = run.run_date
    return attempt(
        session,
        lambda: service.dispatch(session, run_id, network=network, principal=user),
        done=lambda row: see_other(f"/transport/runs?date={day}#run-{row.id}"),
        refused=lambda exc: _runs_page(request, session, network, user, day,
                                       status_code=exc.status,
                                       flash_error=i18n.error_for(request, exc)),
    )  # fmt: skip


# -- vehicles and people -------------------------------------------------------------------
def _fleet_page(request: Request, session: Session, user: Principal, status_code: int = 200,
                **values: Any) -> Response:  # fmt: skip
    return render(request, "transport/fleet.html", user, status_code=status_code,
                  vehicles=service.list_vehicles(session, principal=user,
                                                 page=PageRequest(limit=500)).items,
                  people=service.list_people(session, principal=user,
                                             page=PageRequest(limit=500)).items,
                  vehicle_kinds=list(VehicleKind), **values)  # fmt: skip


@router.get("/transport/vehicles", include_in_schema=False)
def fleet_page(request: Request, session: DbSession, user: Reader) -> Response:
    return _fleet_page(request, session, user)


@router.post("/transport/vehicles", include_in_schema=False, dependencies=[Csrf])
async def add_vehicle(request: Request, session: DbSession, network: CurrentNetwork,
                      user: Writer) -> Response:  # fmt: skip
    form = await _form(request)
    form.pop("route_types", None)
    form["cold_chain"] = form.get("cold_chain") == "on"
    return attempt(
        session,
        lambda: service.add_vehicle(session, **parse_form(VehicleIn, form).model_dump(),
                                    network=network, principal=user),
        done=lambda _: see_other("/transport/vehicles"),
        refused=lambda exc: _fleet_page(request, session, user, status_code=exc.status,
                                        flash_error=i18n.error_for(request, exc)),
    )  # fmt: skip


@router.post("/transport/people", include_in_schema=False, dependencies=[Csrf])
async def add_person(request: Request, session: DbSession, network: CurrentNetwork,
                     user: Writer) -> Response:  # fmt: skip
    form = await _form(request)
    form.pop("route_types", None)
    return attempt(
        session,
        lambda: service.add_person(session, **parse_form(PersonIn, form).model_dump(),
                                   network=network, principal=user),
        done=lambda _: see_other("/transport/vehicles"),
        refused=lambda exc: _fleet_page(request, session, user, status_code=exc.status,
                                        flash_error=i18n.error_for(request, exc)),
    )  # fmt: skip


# -- the chain of custody ------------------------------------------------------------------
def _custody_page(request: Request, session: Session, user: Principal, load: str,
                  status_code: int = 200, **values: Any) -> Response:  # fmt: skip
    chain = None
    if load:
        try:
            chain = custody_of(session, load, principal=user)
        except NotFoundError as exc:
            values.setdefault("flash_error", i18n.error_for(request, exc))
    return render(request, "transport/custody.html", user, status_code=status_code,
                  load=load, chain=chain, legs=list(Leg), **values)  # fmt: skip


@router.get("/transport/custody", include_in_schema=False)
def custody_page(request: Request, session: DbSession, user: Reader, load: str = "") -> Response:
    return _custody_page(request, session, user, load.strip()[:40])


@router.get("/transport/handovers/{handover_id}", include_in_schema=False)
def handover_page(handover_id: int, session: DbSession, user: Reader) -> Response:
    """A handover is shown in its load's chain."""
    row = session.get(Handover, handover_id)
    if row is None or not user.sees_province(row.province_code):
        raise NotFoundError(f"Unknown handover {handover_id}.", code="handover.not_found",
                            id=handover_id)  # fmt: skip
    return see_other(f"/transport/custody?load={row.load_ref}#handover-{row.id}")


@router.post("/transport/handovers", include_in_schema=False, dependencies=[Csrf])
async def record_handover(request: Request, session: DbSession, network: CurrentNetwork,
                          user: Writer) -> Response:  # fmt: skip
    form = await request.form()
    fields = {k: str(v) for k, v in form.items() if k not in ("csrf_token", "file")}
    upload = form.get("file")
    load = fields.get("load_ref", "")

    def act() -> Handover:
        row = service.record_handover(session, **parse_form(HandoverIn, fields).model_dump(),
                                      network=network, principal=user)  # fmt: skip
        if isinstance(upload, StarletteUpload) and upload.filename:
            content = upload.file.read(service.EVIDENCE_MAX + 1)
            service.attach_evidence(session, row.id, filename=upload.filename,
                                    content_type=upload.content_type or "", content=content,
                                    principal=user)  # fmt: skip
        return row

    return attempt(
        session, act,
        done=lambda row: see_other(f"/transport/custody?load={row.load_ref}#handover-{row.id}"),
        refused=lambda exc: _custody_page(request, session, user, load, status_code=exc.status,
                                          flash_error=i18n.error_for(request, exc),
                                          handover_form=fields),
    )  # fmt: skip
