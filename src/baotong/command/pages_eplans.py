"""Emergency plan pages (应急预案): the plans in scope with their readiness, a plan with
its content and last check, the form that creates or edits one, and the readiness check,
activation and drill buttons (each landing on what it made)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from baotong.api.deps import CurrentNetwork, DbSession
from baotong.auth.permissions import Permission, Principal
from baotong.command import emergency
from baotong.command.models import EmergencyPlan, EventType, Resource
from baotong.core.exceptions import ConflictError, ValidationError
from baotong.core.i18n import N_
from baotong.core.pagination import PageRequest
from baotong.network.entities import PRODUCT_CLASSES
from baotong.web import i18n
from baotong.web.forms import attempt, parse_form, see_other
from baotong.web.templating import Csrf, NavItem, PageRoute, page_require, render, templates

router = APIRouter(route_class=PageRoute)
nav = NavItem("/command/emergency-plans", N_("nav.emergency_plans"), Permission.COMMAND_READ)
templates.env.globals.update(EventType=EventType, PRODUCT_CLASSES=PRODUCT_CLASSES)
Reader = Annotated[Principal, Depends(page_require(Permission.COMMAND_READ))]
PlanWriter = Annotated[Principal, Depends(page_require(Permission.EMERGENCY_PLAN_WRITE))]
Activator = Annotated[Principal, Depends(page_require(Permission.EMERGENCY_PLAN_ACTIVATE))]
PAGE = 50
SPARE = 2  # empty rows the form offers under each list
Refused = ValidationError | ConflictError
# the form's repeated rows: group -> (its fields, the fields that make a row not blank)
ROWS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "scenario.locked_areas": (("region", "level", "depth"), ("region",)),
    "instructions": (("to", "title", "hours", "body"), ("to", "title", "body")),
    "resources": (("resource_id", "quantity"), ("resource_id",)),
    "contacts": (("name", "role", "phone"), ("name", "role", "phone")),
    "passes": (("area", "vehicles", "valid_until"), ("area",)),
}
PROVINCE = re.compile(r"^\d{6}$")
WORDS = (  # the form's choices, worded by key in the template
    N_("eplan.level.province"),
    N_("eplan.level.city"),
    N_("eplan.depth.county"),
    N_("eplan.depth.station"),
    N_("eplan.depth.grid"),
    N_("eplan.depth.segment"),
)


# -- reading the form -----------------------------------------------------------------
def _rows(form: Mapping[str, str], group: str) -> list[dict[str, str]]:
    """The rows of one repeated group (``group.N.field``) in order, blank ones dropped."""
    fields, key = ROWS[group]
    found: dict[int, dict[str, str]] = {}
    for name, value in form.items():
        index, _, field = name.removeprefix(group + ".").partition(".")
        if name.startswith(group + ".") and index.isdigit() and field in fields:
            found.setdefault(int(index), {})[field] = value.strip()
    return [
        {k: v for k, v in row.items() if v}
        for _, row in sorted(found.items())
        if any(row.get(k) for k in key)
    ]


def draft_of(form: Mapping[str, str], scenario: Mapping[str, Any]) -> dict[str, Any]:
    """A posted form as the body of ``EmergencyPlanIn`` (blank rows dropped, so an error's
    row number is the row shown again). ``scenario`` is the scenario kept under the form's
    fields: the options of the plan being edited."""
    name = form.get("name", "").strip()
    base = {k: v for k, v in scenario.items() if k not in ("locked_areas", "closed_sites")}
    classes = {
        c.value: form.get(f"scenario.product_classes.{c.value}", "").strip()
        for c in PRODUCT_CLASSES
    }
    sites = [s for s in re.split(r"[\s,，、]+", form.get("scenario.closed_sites", "")) if s]
    kept = {str(c.get("center_id")): c for c in scenario.get("closed_sites", [])}
    return {
        "name": name,
        "province_code": form.get("province_code", "").strip(),
        "event_type": form.get("event_type", "").strip(),
        "scenario": base
        | {
            "name": form.get("scenario.name", "").strip() or name or "-",
            "locked_areas": _rows(form, "scenario.locked_areas"),
            # a closure kept from the plan keeps its status and share; a new one is closed
            "closed_sites": [kept.get(s, {"center_id": s, "reason": name or s}) for s in sites],
            "product_classes": {k: v for k, v in classes.items() if v},
        },
        "instructions": [
            {("to_province" if PROVINCE.match(r.pop("to", "")) else "site_id"): to} | r
            if (to := r.get("to"))
            else {k: v for k, v in r.items() if k != "to"}
            for r in _rows(form, "instructions")
        ],
        "resources": _rows(form, "resources"),
        "contacts": _rows(form, "contacts"),
        "checklist": [
            line.strip() for line in form.get("checklist", "").splitlines() if line.strip()
        ],
        "passes": _rows(form, "passes"),
    }


def _resources(session: Session, user: Principal, province: str | None) -> list[Resource]:
    """The resources a plan may commit: the province's (every one in scope when none)."""
    query = select(Resource).where(user.scope.clause(province=Resource.province_code))
    if province:
        query = query.where(Resource.province_code == province)
    return list(session.scalars(query.order_by(Resource.province_code, Resource.id).limit(500)))


# -- pages ----------------------------------------------------------------------------
@router.get("/command/emergency-plans", include_in_schema=False)
def eplan_list(request: Request, session: DbSession, user: Reader, page: int = 1) -> Response:
    found = emergency.list_plans(session, principal=user, page=PageRequest.number(page, PAGE))
    return render(request, "command/eplans.html", user, plans=found.items, found=found, query="")


def _form(
    request: Request,
    session: Session,
    user: Principal,
    draft: Mapping[str, Any],
    *,
    plan: EmergencyPlan | None = None,
    error: Refused | None = None,
) -> Response:
    province = str(draft.get("province_code") or "")
    return render(
        request,
        "command/eplan_form.html",
        user,
        plan=plan,
        draft=draft,
        spare=SPARE,
        resources=_resources(
            session, user, province if province and PROVINCE.match(province) else None
        ),
        field=getattr(error, "field", None),
        status_code=error.status if error else 200,
        error=i18n.error_for(request, error) if error else None,
    )


@router.get("/command/emergency-plans/new", include_in_schema=False)
def eplan_new(request: Request, session: DbSession, user: PlanWriter) -> Response:
    blank = {
        "province_code": "" if user.is_national else user.province_code,
        "event_type": EventType.PROVINCE_LOCKDOWN.value,
        "scenario": {"product_classes": {c.value: 1.0 for c in PRODUCT_CLASSES}},
    }
    return _form(request, session, user, blank)


def _save(
    session: Session,
    network: Any,
    user: Principal,
    draft: Mapping[str, Any],
    *,
    replace: bool,
) -> EmergencyPlan:
    return emergency.save_plan(
        session,
        plan=parse_form(emergency.EmergencyPlanIn, draft),
        network=network,
        principal=user,
        replace=replace,
    )


async def _posted(request: Request) -> dict[str, str]:
    return {k: str(v) for k, v in (await request.form()).items() if k != "csrf_token"}


@router.post("/command/emergency-plans", include_in_schema=False, dependencies=[Csrf])
async def eplan_create(
    request: Request, session: DbSession, network: CurrentNetwork, user: PlanWriter
) -> Response:
    draft = draft_of(await _posted(request), {})
    return attempt(
        session,
        lambda: _save(session, network, user, draft, replace=False),
        done=lambda row: see_other(f"/command/emergency-plans/{row.id}"),
        refused=lambda exc: _form(request, session, user, draft, error=exc),
    )


@router.get("/command/emergency-plans/{eplan_id}/edit", include_in_schema=False)
def eplan_edit(request: Request, eplan_id: int, session: DbSession, user: PlanWriter) -> Response:
    row = emergency.get_plan(session, eplan_id, principal=user)
    draft = emergency.EmergencyPlanIn.model_validate(row, from_attributes=True).model_dump(
        mode="json"
    )
    return _form(request, session, user, draft, plan=row)


@router.post(
    "/command/emergency-plans/{eplan_id}/edit", include_in_schema=False, dependencies=[Csrf]
)
async def eplan_update(
    request: Request, eplan_id: int, session: DbSession, network: CurrentNetwork, user: PlanWriter
) -> Response:
    row = emergency.get_plan(session, eplan_id, principal=user)
    # the province and event type are the plan's own: editing never moves it onto another
    form = await _posted(request) | {
        "province_code": row.province_code,
        "event_type": row.event_type.value,
    }
    draft = draft_of(form, row.scenario)
    return attempt(
        session,
        lambda: _save(session, network, user, draft, replace=True),
        done=lambda saved: see_other(f"/command/emergency-plans/{saved.id}"),
        refused=lambda exc: _form(request, session, user, draft, plan=row, error=exc),
    )


def _eplan(
    request: Request,
    session: Session,
    user: Principal,
    eplan_id: int,
    *,
    error: Refused | None = None,
) -> Response:
    row = emergency.get_plan(session, eplan_id, principal=user)
    committed = {
        int(c["resource_id"]): session.get(Resource, int(c["resource_id"])) for c in row.resources
    }
    return render(
        request,
        "command/eplan.html",
        user,
        plan=row,
        committed=committed,
        status_code=error.status if error else 200,
        error=i18n.error_for(request, error) if error else None,
    )


@router.get("/command/emergency-plans/{eplan_id}", include_in_schema=False)
def eplan_page(request: Request, eplan_id: int, session: DbSession, user: Reader) -> Response:
    return _eplan(request, session, user, eplan_id)


@router.post(
    "/command/emergency-plans/{eplan_id}/activate", include_in_schema=False, dependencies=[Csrf]
)
async def eplan_activate(
    request: Request, eplan_id: int, session: DbSession, network: CurrentNetwork, user: Activator
) -> Response:
    form = await request.form()
    drill = str(form.get("drill", "")) in ("1", "true", "on")
    title = str(form.get("title", "")).strip() or None
    return attempt(
        session,
        lambda: emergency.activate(
            session, plan_id=eplan_id, network=network, principal=user, drill=drill, title=title
        ),
        done=lambda incident: see_other(f"/command/incidents/{incident.id}"),
        refused=lambda exc: _eplan(request, session, user, eplan_id, error=exc),
    )


@router.post(
    "/command/emergency-plans/{eplan_id}/check", include_in_schema=False, dependencies=[Csrf]
)
def eplan_check(request: Request, eplan_id: int, session: DbSession, user: PlanWriter) -> Response:
    def act() -> object:
        return emergency.check_readiness(
            session, emergency.get_plan(session, eplan_id, principal=user)
        )

    return attempt(
        session,
        act,
        done=lambda _: see_other(f"/command/emergency-plans/{eplan_id}"),
        refused=lambda exc: _eplan(request, session, user, eplan_id, error=exc),
    )
