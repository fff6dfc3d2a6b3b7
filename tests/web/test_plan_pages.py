"""Plan pages without a browser: lifecycle buttons by role, refusals shown on the page,
htmx fragments against full pages, downloads, and the manual-plan comparison."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import delete, select
from sqlalchemy.orm import Session, sessionmaker

from baotong.contingency import service as contingency_service
from baotong.contingency.document import PlanDocument
from baotong.contingency.models import PlanAssignment, PlanRun
from baotong.db.session import session_scope
from baotong.network.entities import Network

from .conftest import computed_plan, csrf, log_in


def test_lifecycle_buttons_follow_the_role(
    client: TestClient, seeded: sessionmaker[Session], network: Network
) -> None:
    draft = computed_plan(seeded, network, client)
    approved = computed_plan(seeded, network, client, "approved")
    planner, dispatcher, viewer = (
        log_in(client, seeded, r) for r in ("planner", "dispatcher", "viewer")
    )
    assert 'data-testid="approve"' in planner.get(f"/plans/{draft}").text
    assert 'data-testid="approve"' not in viewer.get(f"/plans/{draft}").text
    assert 'data-testid="approve"' not in dispatcher.get(f"/plans/{draft}").text
    assert 'data-testid="activate"' in dispatcher.get(f"/plans/{approved}").text
    assert 'data-testid="activate"' not in planner.get(f"/plans/{approved}").text
    assert 'data-testid="activate"' not in viewer.get(f"/plans/{approved}").text


def test_a_viewer_posting_activate_gets_a_readable_refusal_and_nothing_changes(
    client: TestClient, seeded: sessionmaker[Session], network: Network
) -> None:
    plan_id = computed_plan(seeded, network, client, "approved")
    viewer = log_in(client, seeded, "viewer")
    reply = viewer.post(f"/plans/{plan_id}/activate", data=csrf(viewer))
    assert reply.status_code == 403
    assert "plan:activate" in reply.text
    dispatcher = log_in(client, seeded, "dispatcher")
    done = dispatcher.post(f"/plans/{plan_id}/activate", data=csrf(dispatcher))
    assert done.status_code == 303
    assert "生效中" in dispatcher.get(f"/plans/{plan_id}").text


def test_the_changes_view_is_a_fragment_for_htmx_and_a_page_otherwise(
    client: TestClient, seeded: sessionmaker[Session], network: Network
) -> None:
    plan_id = computed_plan(seeded, network, client)
    viewer = log_in(client, seeded, "viewer")
    fragment = viewer.get(f"/plans/{plan_id}/changes?origin=420000", headers={"HX-Request": "true"})
    assert fragment.text.lstrip().startswith('<div id="changes"')
    assert "<html" not in fragment.text
    page = viewer.get(f"/plans/{plan_id}/changes?origin=420000")
    assert "<html" in page.text
    assert 'id="changes"' in page.text


def test_an_unknown_plan_is_a_readable_page_not_a_traceback(
    client: TestClient, seeded: sessionmaker[Session]
) -> None:
    viewer = log_in(client, seeded, "viewer")
    reply = viewer.get("/plans/9999")
    assert reply.status_code == 404
    assert "未知的方案 9999。" in reply.text
    assert "Traceback" not in reply.text
    inline = viewer.get("/plans/9999/progress", headers={"HX-Request": "true"})
    assert inline.headers["HX-Retarget"] == "#flash"
    assert 'data-testid="error"' in inline.text


def test_the_plan_page_offers_downloads_the_browser_session_can_fetch(
    client: TestClient, seeded: sessionmaker[Session], network: Network
) -> None:
    plan_id = computed_plan(seeded, network, client)
    viewer = log_in(client, seeded, "viewer")
    page = viewer.get(f"/plans/{plan_id}").text
    for link in ("result", "result.xlsx", "report.html"):
        assert f'href="/api/v1/plans/{plan_id}/{link}"' in page
    data = viewer.get(f"/api/v1/plans/{plan_id}/result")
    assert data.status_code == 200
    assert data.json()["schema"] == "baotong.plan/1"


def test_a_manual_plan_uploaded_as_yaml_is_scored_next_to_the_optimum(
    client: TestClient, seeded: sessionmaker[Session], network: Network
) -> None:
    plan_id = computed_plan(seeded, network, client)
    planner = log_in(client, seeded, "planner")
    form = planner.get(f"/plans/{plan_id}/compare").text
    assert 'name="assign_410100"' in form
    manual = "name: 全给西安\nbackups:\n  - center: XA\n    regions: ['410100']\n"
    reply = planner.post(
        f"/plans/{plan_id}/compare",
        data=csrf(planner),
        files={"yaml_file": ("manual.yaml", manual.encode(), "text/yaml")},
    )
    assert reply.status_code == 200, reply.text
    assert 'data-testid="comparison"' in reply.text
    assert "全给西安" in reply.text
    assert '<option value="XA" selected>' in reply.text
    broken = planner.post(
        f"/plans/{plan_id}/compare", data={"yaml": "name: x\nbackups: [\n", **csrf(planner)}
    )
    assert broken.status_code == 422
    assert "不是有效的 YAML" in broken.text
    assert "name: x" in broken.text


def test_an_activation_conflict_is_explained_on_the_plan_page(
    client: TestClient, seeded: sessionmaker[Session], network: Network
) -> None:
    first = computed_plan(seeded, network, client, "active")
    second = computed_plan(seeded, network, client, "approved")
    dispatcher = log_in(client, seeded, "dispatcher")
    reply = dispatcher.post(f"/plans/{second}/activate", data=csrf(dispatcher))
    assert reply.status_code == 409
    assert f"已被生效中或已排期的方案 {first}" in reply.text
    assert 'data-testid="plan-title"' in reply.text
    assert 'data-testid="activate"' in reply.text  # still approved, still activatable
    dispatcher.get("/lang/en")
    english = dispatcher.post(f"/plans/{second}/activate", data=csrf(dispatcher))
    assert english.status_code == 409
    assert f"already held by active or scheduled plan {first}" in english.text
    dispatcher.get("/lang/zh")
    lifted = dispatcher.post(f"/plans/{first}/lift", data=csrf(dispatcher))
    assert lifted.status_code == 303
    again = dispatcher.post(f"/plans/{first}/lift", data=csrf(dispatcher))
    assert again.status_code == 409
    assert f"方案 {first} 当前为“已解除”" in again.text
    late = dispatcher.post(
        f"/plans/{second}/activate", data={"effective_at": "tomorrow", **csrf(dispatcher)}
    )
    assert late.status_code == 422
    assert "effective_at" in late.text


def test_the_zone_table_shows_how_a_zone_shipped_over_a_ferry_crossing_goes(
    client: TestClient, seeded: sessionmaker[Session], network: Network
) -> None:
    plan_id = computed_plan(seeded, network, client)
    with session_scope(seeded) as session:
        run = session.get(PlanRun, plan_id)
        assert run is not None
        document = PlanDocument.model_validate(run.result)
        first = document.assignments[0].model_copy(
            update={"ferry": "QZS", "ferry_from": "徐闻海安港", "ferry_to": "海口新海港"}
        )
        document = document.model_copy(update={"assignments": [first]})
        session.execute(delete(PlanAssignment).where(PlanAssignment.plan_id == plan_id))
        contingency_service.store_result(session, run=run, result=document)
    with session_scope(seeded) as session:
        row = session.scalars(select(PlanAssignment).where(PlanAssignment.plan_id == plan_id)).one()
        assert (row.ferry_from, row.ferry_to) == ("徐闻海安港", "海口新海港")
    viewer = log_in(client, seeded, "viewer")
    page = viewer.get(f"/plans/{plan_id}/zones", headers={"HX-Request": "true"})
    assert 'data-testid="shipped"' in page.text
    assert "⛴ 徐闻海安港 → 海口新海港" in page.text
    assert "经轮渡过海" in page.text
