"""Compare: a planner's own plan (assigned on the map or uploaded as YAML) scored on the
planner's model, side by side with the computed optimum."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from starlette.datastructures import UploadFile

from baotong.api.deps import CurrentNetwork, DbSession
from baotong.auth.permissions import Permission, Principal
from baotong.contingency import compare_views
from baotong.contingency import service as contingency_service
from baotong.contingency.document import EvaluationDocument
from baotong.contingency.engine import evaluate
from baotong.network import service as network_service
from baotong.web import i18n
from baotong.web.forms import attempt
from baotong.web.templating import Csrf, PageRoute, page_require, render

router = APIRouter(route_class=PageRoute)
Reader = Annotated[Principal, Depends(page_require(Permission.PLAN_READ))]


def _page(request: Request, session: DbSession, network: CurrentNetwork, user: Principal,
          plan_id: int, **values: Any) -> Response:  # fmt: skip
    run = contingency_service.get_plan(session, plan_id, principal=user)
    result = contingency_service.plan_result(session, plan_id, principal=user)
    regions = compare_views.manual_regions(network, contingency_service.scenario_of(run))
    chosen = values.pop("chosen", None) or compare_views.optimum_choice(result, regions)
    evaluation = values.get("evaluation")
    if evaluation is not None and values.get("yaml_text", "").strip():
        chosen = compare_views.evaluated_choice(evaluation, regions)
    centres = compare_views.offered_centres(network, result, list(run.provinces))
    centres += sorted({c for c in chosen.values() if c and c not in centres})
    return render(request, "contingency/plans/compare.html", user, run=run, result=result,
                  regions=regions, chosen=chosen, centres=centres, **values)  # fmt: skip


@router.get("/plans/{plan_id}/compare", include_in_schema=False)
def compare_form(
    request: Request, plan_id: int, session: DbSession, network: CurrentNetwork, user: Reader
) -> Response:
    return _page(request, session, network, user, plan_id, evaluation=None, error=None,
                 yaml_text="", name="")  # fmt: skip


@router.post("/plans/{plan_id}/compare", include_in_schema=False, dependencies=[Csrf])
async def compare_run(
    request: Request, plan_id: int, session: DbSession, network: CurrentNetwork, user: Reader
) -> Response:
    """Score the manual plan against the stored optimum's scenario (same model, same data)."""
    form = await request.form()
    yaml_text = str(form.get("yaml") or "")
    upload = form.get("yaml_file")
    if isinstance(upload, UploadFile) and upload.filename:
        yaml_text = (await upload.read()).decode("utf-8", errors="replace")
    run = contingency_service.get_plan(session, plan_id, principal=user)
    stored = contingency_service.plan_result(session, plan_id, principal=user)
    scenario = contingency_service.scenario_of(run)
    regions = compare_views.manual_regions(network, scenario)
    chosen = {code: str(form.get(f"assign_{code}") or "") for code in regions}
    keep = {"yaml_text": yaml_text, "name": str(form.get("name") or ""), "chosen": chosen}

    def score() -> EvaluationDocument:
        manual = compare_views.manual_from_form(form, yaml_text, regions, network)
        current = network_service.effective_network(session, network=network)
        return evaluate(current, scenario, manual, optimum_objective=stored.objective).document()

    return attempt(
        session,
        score,
        done=lambda evaluation: _page(
            request, session, network, user, plan_id, evaluation=evaluation, error=None, **keep
        ),  # fmt: skip
        refused=lambda exc: _page(
            request,
            session,
            network,
            user,
            plan_id,
            evaluation=None,
            error=i18n.error_for(request, exc),
            status_code=exc.status,
            **keep,
        ),  # fmt: skip
    )
