"""Scenario pages: the list, the builder (map and search), a scenario, and running it."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from baotong.api.deps import Context, CurrentNetwork, DbSession, get_context
from baotong.auth.permissions import Permission
from baotong.contingency import service as contingency_service
from baotong.core.exceptions import ValidationError
from baotong.core.pagination import PageRequest
from baotong.network import service as network_service
from baotong.network.entities import Automation, ProductClass
from baotong.web import forms
from baotong.web.templating import Csrf, PageRoute, PageUser, need, render

router = APIRouter(route_class=PageRoute)
PAGE = 50


def _builder(request: Request, user: PageUser, values: dict[str, object], *,
             error: str | None = None, status_code: int = 200,
             scenario_id: int | None = None) -> Response:  # fmt: skip
    action = f"/scenarios/{scenario_id}" if scenario_id is not None else "/scenarios"
    network = get_context(request).network
    centres = sorted(network.centers.values(), key=lambda c: c.id)
    return render(request, "scenarios/builder.html", user, status_code=status_code,
                  values=values, error=error, classes=list(ProductClass),
                  automations=list(Automation), action=action, centres=centres,
                  scenario_id=scenario_id)  # fmt: skip


@router.get("/scenarios", include_in_schema=False)
def scenario_list(request: Request, session: DbSession, user: PageUser, page: int = 1) -> Response:
    need(user, Permission.SCENARIO_READ)
    found = contingency_service.list_scenarios(
        session, principal=user, page=PageRequest.number(page, PAGE)
    )
    return render(request, "scenarios/list.html", user, scenarios=found.items, found=found,
                  query="")  # fmt: skip


@router.get("/scenarios/new", include_in_schema=False)
def scenario_new(request: Request, user: PageUser) -> Response:
    need(user, Permission.SCENARIO_WRITE)
    start = {"locked_areas": [], "product_classes": dict(forms.DEFAULT_FACTORS)}
    start["product_classes"].pop("letter")  # type: ignore[attr-defined]
    return _builder(request, user, forms.values_from_body(start))


@router.get("/regions/search", include_in_schema=False)
def region_search(request: Request, session: DbSession, user: PageUser, q: str = "") -> Response:
    """Regions whose code, Chinese name or pinyin match: an htmx fragment of the builder."""
    rows = network_service.list_regions(session, q=q.strip(), limit=12) if q.strip() else []
    return render(request, "scenarios/_search.html", user, regions=rows, q=q)


@router.post("/scenarios", include_in_schema=False, dependencies=[Csrf])
async def scenario_create(
    request: Request, session: DbSession, network: CurrentNetwork, user: PageUser
) -> Response:
    need(user, Permission.SCENARIO_WRITE)
    form = await request.form()
    try:
        body = forms.body_from_form(form)
        row = contingency_service.create_scenario(
            session, body=body, network=network, principal=user
        )
    except ValidationError as exc:
        session.rollback()
        return _builder(request, user, forms.raw_values(form), error=exc.message, status_code=422)
    return RedirectResponse(f"/scenarios/{row.id}", status_code=303)


@router.get("/scenarios/{scenario_id}", include_in_schema=False)
def scenario_page(
    request: Request, scenario_id: int, session: DbSession, user: PageUser
) -> Response:
    need(user, Permission.SCENARIO_READ)
    row = contingency_service.get_scenario(session, scenario_id, principal=user)
    plans = contingency_service.list_plans(session, principal=user, scenario_id=row.id,
                                           page=PageRequest(limit=PAGE))  # fmt: skip
    return render(request, "scenarios/detail.html", user, scenario=row, plans=plans.items)


@router.get("/scenarios/{scenario_id}/edit", include_in_schema=False)
def scenario_edit(
    request: Request, scenario_id: int, session: DbSession, user: PageUser
) -> Response:
    need(user, Permission.SCENARIO_WRITE)
    row = contingency_service.get_scenario(session, scenario_id, principal=user)
    return _builder(request, user, forms.values_from_body(row.body), scenario_id=row.id)


@router.post("/scenarios/{scenario_id}", include_in_schema=False, dependencies=[Csrf])
async def scenario_update(
    request: Request, scenario_id: int, session: DbSession, network: CurrentNetwork,
    user: PageUser,
) -> Response:  # fmt: skip
    need(user, Permission.SCENARIO_WRITE)
    form = await request.form()
    stored = contingency_service.get_scenario(session, scenario_id, principal=user)
    try:
        contingency_service.update_scenario(
            session, scenario_id=scenario_id, body=forms.merged(stored.body,
            forms.body_from_form(form)), network=network,
            principal=user)  # fmt: skip
    except ValidationError as exc:
        session.rollback()
        return _builder(request, user, forms.raw_values(form), error=exc.message,
                        status_code=422, scenario_id=scenario_id)  # fmt: skip
    return RedirectResponse(f"/scenarios/{scenario_id}", status_code=303)


@router.post("/scenarios/{scenario_id}/run", include_in_schema=False, dependencies=[Csrf])
def scenario_run(
    scenario_id: int, session: DbSession, network: CurrentNetwork, context: Context,
    user: PageUser,
) -> Response:  # fmt: skip
    """Queue a plan run of the scenario and go to its page, which shows the progress."""
    need(user, Permission.PLAN_RUN)
    run = contingency_service.create_plan(
        session, scenario_id=scenario_id, name=None, parameters={}, network=network,
        principal=user)  # fmt: skip
    plan_id = run.id
    session.commit()  # the worker must see the queued row
    if context.runner is not None:
        context.runner.submit(plan_id)
    return RedirectResponse(f"/plans/{plan_id}", status_code=303)
