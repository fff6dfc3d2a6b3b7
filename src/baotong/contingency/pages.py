"""Scenario pages: the list, the builder (map and search), a scenario, and running it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from baotong.api.deps import CurrentNetwork, DbSession, get_context
from baotong.auth.permissions import Permission, Principal
from baotong.contingency import forms
from baotong.contingency import service as contingency_service
from baotong.core.exceptions import ConflictError, ValidationError
from baotong.core.i18n import N_
from baotong.core.pagination import PageRequest
from baotong.network.entities import Automation, ProductClass
from baotong.web import i18n
from baotong.web.forms import attempt, see_other
from baotong.web.templating import Csrf, NavItem, PageRoute, page_require, render

router = APIRouter(route_class=PageRoute)
nav = NavItem("/scenarios", N_("nav.scenarios"), Permission.SCENARIO_READ)
Reader = Annotated[Principal, Depends(page_require(Permission.SCENARIO_READ))]
Writer = Annotated[Principal, Depends(page_require(Permission.SCENARIO_WRITE))]
Runner = Annotated[Principal, Depends(page_require(Permission.PLAN_RUN))]
PAGE = 50


def builder_page(request: Request, user: Principal, values: dict[str, object], *,
             error: ValidationError | ConflictError | None = None,
             scenario_id: int | None = None) -> Response:  # fmt: skip
    action = f"/scenarios/{scenario_id}" if scenario_id is not None else "/scenarios"
    network = get_context(request).network
    centres = sorted(network.centers.values(), key=lambda c: c.id)
    return render(request, "contingency/scenarios/builder.html", user,
                  status_code=error.status if error else 200, values=values,
                  error=i18n.error_for(request, error) if error else None,
                  classes=list(ProductClass), automations=list(Automation), action=action,
                  centres=centres,
                  scenario_id=scenario_id)  # fmt: skip


@router.get("/scenarios", include_in_schema=False)
def scenario_list(request: Request, session: DbSession, user: Reader, page: int = 1) -> Response:
    found = contingency_service.list_scenarios(
        session, principal=user, page=PageRequest.number(page, PAGE)
    )
    return render(request, "contingency/scenarios/list.html", user, scenarios=found.items,
                  found=found, query="")  # fmt: skip


@router.get("/scenarios/new", include_in_schema=False)
def scenario_new(request: Request, user: Writer) -> Response:
    classes = {k: v for k, v in forms.DEFAULT_FACTORS.items() if k != "letter"}
    return builder_page(request, user, forms.values_from_body({"product_classes": classes}))


@router.post("/scenarios", include_in_schema=False, dependencies=[Csrf])
async def scenario_create(
    request: Request, session: DbSession, network: CurrentNetwork, user: Writer
) -> Response:
    form = await request.form()
    return attempt(
        session,
        lambda: contingency_service.create_scenario(
            session, body=forms.scenario_from_form(form), network=network, principal=user
        ),
        done=lambda row: see_other(f"/scenarios/{row.id}"),
        refused=lambda exc: builder_page(request, user, forms.raw_values(form), error=exc),
    )


@router.get("/scenarios/{scenario_id}", include_in_schema=False)
def scenario_page(request: Request, scenario_id: int, session: DbSession, user: Reader) -> Response:
    row = contingency_service.get_scenario(session, scenario_id, principal=user)
    plans = contingency_service.list_plans(session, principal=user, scenario_id=row.id,
                                           page=PageRequest(limit=PAGE))  # fmt: skip
    return render(request, "contingency/scenarios/detail.html", user, scenario=row,
                  plans=plans.items)  # fmt: skip


@router.get("/scenarios/{scenario_id}/edit", include_in_schema=False)
def scenario_edit(request: Request, scenario_id: int, session: DbSession, user: Writer) -> Response:
    row = contingency_service.get_scenario(session, scenario_id, principal=user)
    return builder_page(request, user, forms.values_from_body(row.body), scenario_id=row.id)


@router.post("/scenarios/{scenario_id}", include_in_schema=False, dependencies=[Csrf])
async def scenario_update(
    request: Request, scenario_id: int, session: DbSession, network: CurrentNetwork, user: Writer
) -> Response:
    form = await request.form()
    stored = contingency_service.get_scenario(session, scenario_id, principal=user)
    return attempt(
        session,
        lambda: contingency_service.update_scenario(
            session,
            scenario_id=scenario_id,
            body=forms.scenario_from_form(form, stored.body),
            network=network,
            principal=user,
        ),  # fmt: skip
        done=lambda _: see_other(f"/scenarios/{scenario_id}"),
        refused=lambda exc: builder_page(
            request, user, forms.raw_values(form), error=exc, scenario_id=scenario_id
        ),  # fmt: skip
    )


@router.post("/scenarios/{scenario_id}/run", include_in_schema=False, dependencies=[Csrf])
def scenario_run(
    scenario_id: int, session: DbSession, network: CurrentNetwork, user: Runner
) -> Response:
    """Queue a plan run of the scenario and go to its page, which shows the progress."""
    run = contingency_service.create_plan(
        session, scenario_id=scenario_id, name=None, parameters={}, network=network,
        principal=user)  # fmt: skip
    return see_other(f"/plans/{run.id}")
