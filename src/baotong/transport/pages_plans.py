"""Route plan pages: the plans, a new plan (stops pasted as CSV, the vehicles ticked with
their drivers), and a plan's page — its state while the job runner solves it (polled), its
routes on a map and as a table with the pass check, re-planning without a vehicle the
check stops, route sheets as PDF, and the recipients' signatures at each stop."""

from __future__ import annotations

import csv
import io
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile as StarletteUpload

from baotong.api.deps import CurrentNetwork, DbSession
from baotong.auth.permissions import Permission, Principal
from baotong.core import clock
from baotong.core.exceptions import ValidationError
from baotong.core.pagination import PageRequest
from baotong.transport import route_plans, service
from baotong.transport.entities import PlanState
from baotong.transport.models import Handover, RoutePlan
from baotong.transport.schemas import DeliveryIn, RoutePlanIn
from baotong.web import i18n
from baotong.web.forms import attempt, parse_form, see_other
from baotong.web.templating import Csrf, PageRoute, page_require, render

router = APIRouter(route_class=PageRoute)
Reader = Annotated[Principal, Depends(page_require(Permission.TRANSPORT_READ))]
Writer = Annotated[Principal, Depends(page_require(Permission.TRANSPORT_WRITE))]
STOP_FIELDS = ("id", "name", "address", "lon", "lat", "region", "packages", "ready", "due",
               "service_min")  # fmt: skip


def _list(request: Request, session: Session, user: Principal, status_code: int = 200,
          **values: Any) -> Response:  # fmt: skip
    return render(request, "transport/plans.html", user, status_code=status_code,
                  plans=route_plans.listed(session, principal=user,
                                           page=PageRequest(limit=100)).items,
                  vehicles=service.list_vehicles(session, principal=user,
                                                 page=PageRequest(limit=500)).items,
                  people=service.list_people(session, principal=user,
                                             page=PageRequest(limit=500)).items,
                  today=service.today(), fields=STOP_FIELDS, **values)  # fmt: skip


@router.get("/transport/plans", include_in_schema=False)
def plans_page(request: Request, session: DbSession, user: Reader) -> Response:
    return _list(request, session, user)


def stops_of(text: str) -> list[dict[str, str]]:
    """Stops pasted as CSV lines (a header line naming the fields may come first)."""
    rows = [r for r in csv.reader(io.StringIO(text.strip())) if any(c.strip() for c in r)]
    if rows and rows[0] and rows[0][0].strip().lower() == "id":
        rows = rows[1:]
    out = []
    for i, row in enumerate(rows):
        if len(row) not in (len(STOP_FIELDS), len(STOP_FIELDS) - 1):
            raise ValidationError(f"needs {', '.join(STOP_FIELDS)}.", code="route_plan.bad_csv",
                                  field=f"stops.{i}", value=",".join(row)[:80])  # fmt: skip
        out.append({k: v.strip() for k, v in zip(STOP_FIELDS, row, strict=False)})
    return out


@router.post("/transport/plans", include_in_schema=False, dependencies=[Csrf])
async def create(request: Request, session: DbSession, network: CurrentNetwork,
                 user: Writer) -> Response:  # fmt: skip
    form = {k: str(v) for k, v in (await request.form()).items() if k != "csrf_token"}

    def act() -> RoutePlan:
        fleet = [{"vehicle_id": key.removeprefix("vehicle_"),
                  "driver_id": form.get(f"driver_{key.removeprefix('vehicle_')}", "")}
                 for key in form if key.startswith("vehicle_")]  # fmt: skip
        body = parse_form(RoutePlanIn, {
            "name": form.get("name", ""), "plan_date": form.get("plan_date", ""),
            "depot": {"name": form.get("depot_name", ""), "lon": form.get("depot_lon", ""),
                      "lat": form.get("depot_lat", "")},
            "stops": stops_of(form.get("stops", "")), "fleet": fleet,
            "time_limit_s": form.get("time_limit_s") or 10.0,
        })  # fmt: skip
        return route_plans.create(session, **body.model_dump(), network=network, principal=user)

    return attempt(session, act, done=lambda row: see_other(f"/transport/plans/{row.id}"),
                   refused=lambda exc: _list(request, session, user, status_code=exc.status,
                                             flash_error=i18n.error_for(request, exc),
                                             plan_form=form))  # fmt: skip


def _detail(request: Request, session: Session, user: Principal, route_plan_id: int,
            status_code: int = 200, **values: Any) -> Response:  # fmt: skip
    row = route_plans.get(session, route_plan_id, principal=user)
    plates, drivers = route_plans.fleet_names(session, row)
    signed: dict[str, Handover] = route_plans.deliveries(session, row)
    return render(request, "transport/plan.html", user, status_code=status_code,
                  fragment="transport/_plan_state.html", plan=row, plates=plates,
                  drivers=drivers, signed=signed, load_ref=route_plans.load_ref,
                  stops={s["id"]: s for s in row.stops}, hhmm=route_plans.hhmm,
                  map_data=route_plans.map_data(row, plates), PlanState=PlanState,
                  **values)  # fmt: skip


@router.get("/transport/plans/{route_plan_id}", include_in_schema=False)
def plan_page(request: Request, route_plan_id: int, session: DbSession, user: Reader) -> Response:
    return _detail(request, session, user, route_plan_id)


@router.get("/transport/plans/{route_plan_id}/state", include_in_schema=False)
def plan_state(request: Request, route_plan_id: int, session: DbSession, user: Reader) -> Response:
    """The state panel, polled while the plan is being solved; once it is not, the page
    reloads to show the routes."""
    row = route_plans.get(session, route_plan_id, principal=user)
    reply = render(request, "transport/_plan_state.html", user, plan=row, PlanState=PlanState)
    if row.state is not PlanState.SOLVING:
        reply.headers["HX-Refresh"] = "true"
    return reply


@router.post(
    "/transport/plans/{route_plan_id}/replan", include_in_schema=False, dependencies=[Csrf]
)
async def replan(
    request: Request, route_plan_id: int, session: DbSession, user: Writer
) -> Response:
    form = await request.form()
    without = str(form.get("without", ""))
    return attempt(
        session,
        lambda: route_plans.replan(session, route_plan_id,
                                   without=int(without) if without.isdigit() else 0,
                                   principal=user),
        done=lambda _: see_other(f"/transport/plans/{route_plan_id}"),
        refused=lambda exc: _detail(request, session, user, route_plan_id, status_code=exc.status,
                                    flash_error=i18n.error_for(request, exc)),
    )  # fmt: skip


@router.post("/transport/plans/{route_plan_id}/deliveries", include_in_schema=False,
             dependencies=[Csrf])  # fmt: skip
async def deliver(request: Request, route_plan_id: int, session: DbSession, network: CurrentNetwork,
                  user: Writer) -> Response:  # fmt: skip
    form = await request.form()
    fields = {k: str(v) for k, v in form.items() if k not in ("csrf_token", "file", "kind")}
    fields["at"] = fields.get("at") or clock.now().astimezone(service.BEIJING).isoformat()
    upload = form.get("file")
    kind = str(form.get("kind", "signature"))

    def act() -> Handover:
        body = parse_form(DeliveryIn, fields)
        row = route_plans.deliver(session, route_plan_id, **body.model_dump(), network=network,
                                  principal=user)  # fmt: skip
        if isinstance(upload, StarletteUpload) and upload.filename:
            content = upload.file.read(service.EVIDENCE_MAX + 1)
            service.attach_evidence(session, row.id, filename=upload.filename,
                                    content_type=upload.content_type or "", content=content,
                                    kind=kind, principal=user)  # fmt: skip
        return row

    return attempt(
        session, act,
        done=lambda row: see_other(f"/transport/plans/{route_plan_id}#stop-{row.load_ref}"),
        refused=lambda exc: _detail(request, session, user, route_plan_id, status_code=exc.status,
                                    flash_error=i18n.error_for(request, exc)),
    )  # fmt: skip
