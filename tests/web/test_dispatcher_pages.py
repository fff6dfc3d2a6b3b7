"""The dispatcher's pages tell one story: a saved scenario edits without changes, a
scheduled plan shows as scheduled everywhere until its time, and what the plans in force
do to the centres is shown where the centres are."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from baotong.contingency import document as doc
from baotong.contingency import service as contingency_service
from baotong.core import clock
from baotong.db.session import session_scope
from baotong.jobs.models import JobStatus
from baotong.network.entities import Network
from baotong.notify.models import Notification

from ..conftest import nearest_document, staff
from .conftest import computed_plan, csrf, log_in


def test_a_saved_scenario_opens_for_editing_without_none_and_saves_unchanged(
    client: TestClient, seeded: sessionmaker[Session]
) -> None:
    planner = log_in(client, seeded, "planner")
    saved = planner.post(
        "/scenarios",
        data={"name": "河南", "area_region": "410000", "area_level": "province",
              "class_parcel": "1", "factor_parcel": "1.0", "max_backups": "",
              "max_surge_shifts": "", **csrf(planner)},
    )  # fmt: skip
    assert saved.status_code == 303
    edit = planner.get(saved.headers["location"] + "/edit").text
    assert 'value="None"' not in edit
    assert 'name="max_backups" value=""' in edit
    again = planner.post(
        saved.headers["location"],
        data={"name": "河南", "area_region": "410000", "area_level": "province",
              "class_parcel": "1", "factor_parcel": "1.0", "max_backups": "",
              "max_surge_shifts": "", **csrf(planner)},
    )  # fmt: skip
    assert again.status_code == 303, again.text


def _station_plan(seeded: sessionmaker[Session], network: Network) -> int:
    """An active city plan for county 410101 sorted to its two stations (WH and XA)."""
    body = {"name": "郑州一县", "locked_areas": [{"region": "410101", "level": "city",
            "depth": "station"}], "product_classes": {"parcel": 1.0}}  # fmt: skip
    rows = [
        doc.Assignment(
            zone_id=sid, zone_kind="station", region_code="410101", station_id=sid,
            name=network.stations[sid].name, area_code="410101",
            location=network.stations[sid].location, backup_center_id=backup,
            backup=network.centers[backup].name, volume=500.0, load=500.0, chutes=1,
            sort_depth="station", km=0.0, hours=0.0, extra_hours=0.0,
        )
        for sid, backup in (("S4101010", "WH"), ("S4101011", "XA"))
    ]  # fmt: skip
    with session_scope(seeded) as session:
        scenario = contingency_service.create_scenario(session, body=body, network=network,
                                                       principal=staff("p"))  # fmt: skip
        run = contingency_service.create_plan(session, scenario_id=scenario.id, name=None,
                                              parameters={}, network=network,
                                              principal=staff("p"))  # fmt: skip
        document = nearest_document(network, body, ["410101"], rows)
        contingency_service.store_result(session, run=run, result=document)
        run.job.status = JobStatus.SUCCEEDED
        contingency_service.approve_plan(session, plan_id=run.id, principal=staff("p"))
        contingency_service.activate_plan(session, plan_id=run.id, principal=staff("d"))
        return run.id


def test_a_backup_shows_its_load_with_the_plans_in_force_and_a_locked_centre_is_locked(
    client: TestClient, seeded: sessionmaker[Session], network: Network
) -> None:
    plan_id = computed_plan(seeded, network, client, "active")  # Henan → WH, 3 × 1 000/day
    viewer = log_in(client, seeded, "viewer")
    backup = viewer.get("/sites/WH").text
    assert 'data-testid="load-rate">26.5%' in backup  # (50 000 + 3 000) / 200 000
    assert 'data-testid="zones-taken"' in backup
    assert "410101" in backup
    locked = viewer.get("/sites/ZZ").text
    assert 'data-testid="site-locked"' in locked
    assert f'href="/plans/{plan_id}"' in locked
    centres = {c["id"]: c for c in viewer.get("/map/data.json").json()["centres"]}
    assert centres["ZZ"]["status"] == "locked"
    assert centres["WH"]["utilisation"] == 0.265


def test_a_city_plan_routes_stations_on_the_centre_page_and_its_zone_table_searches(
    client: TestClient, seeded: sessionmaker[Session], network: Network
) -> None:
    plan_id = _station_plan(seeded, network)
    viewer = log_in(client, seeded, "viewer")
    centre = viewer.get("/sites/ZZ").text
    assert "揽投部 S4101010" in centre
    assert "揽投部 S4101011" in centre
    assert centre.count('class="changed"') == 2  # the two stations; the other counties baseline
    assert viewer.get("/sites/XA").text.count("S4101011") >= 1
    found = viewer.get(f"/plans/{plan_id}/zones?q=S4101011", headers={"HX-Request": "true"})
    assert "S4101011" in found.text
    assert "S4101010" not in found.text
    assert "<html" not in found.text
    points = viewer.get(f"/plans/{plan_id}/map.json").json()["points"]
    assert {p[3] for p in points} == {"河南1县0站 S4101010", "河南1县1站 S4101011"}


def test_closing_a_backup_of_an_active_plan_raises_an_alert_on_the_plan_the_site_and_the_map(
    client: TestClient, seeded: sessionmaker[Session], network: Network
) -> None:
    plan_id = computed_plan(seeded, network, client, "active")  # backup WH
    dispatcher = log_in(client, seeded, "dispatcher")
    planner = log_in(client, seeded, "planner")
    assert 'data-testid="plan-alerts"' not in dispatcher.get(f"/plans/{plan_id}").text
    closing = {"status": "closed", "reason": "洪水", **csrf(dispatcher)}
    closed = dispatcher.post("/sites/WH/status", data=closing)
    assert closed.status_code == 303
    for page in (f"/plans/{plan_id}", "/sites/WH", "/map"):
        text = dispatcher.get(page).text
        assert 'data-testid="plan-alerts"' in text, page
        assert "调整方案依靠的站点已关闭或限产" in text
    assert 'data-testid="replan"' in planner.get(f"/plans/{plan_id}").text
    with session_scope(seeded, write=False) as session:
        sent = session.scalars(
            select(Notification).where(Notification.key == "plan.notice.backup_down")
        ).all()
    assert {n.link for n in sent} == {f"/plans/{plan_id}"}
    assert len(sent) == 2  # the dispatcher and the planner


def test_a_scheduled_plan_is_scheduled_on_every_page_until_its_time_and_can_be_called_off(
    client: TestClient, seeded: sessionmaker[Session], network: Network
) -> None:
    plan_id = computed_plan(seeded, network, client, "approved")
    dispatcher = log_in(client, seeded, "dispatcher")
    later = (clock.now() + timedelta(days=1)).astimezone(clock.zone("Asia/Shanghai"))
    reply = dispatcher.post(f"/plans/{plan_id}/activate",
                            data={"effective_at": later.strftime("%Y-%m-%dT%H:%M"),
                                  **csrf(dispatcher)})  # fmt: skip
    assert reply.status_code == 303
    page = dispatcher.get(f"/plans/{plan_id}").text
    assert "已排期" in page
    assert 'data-testid="unschedule"' in page
    assert dispatcher.get("/map/data.json").json()["locked"] == []
    assert 'data-testid="site-locked"' not in dispatcher.get("/sites/ZZ").text
    assert "已排期" in dispatcher.get("/plans").text
    off = dispatcher.post(f"/plans/{plan_id}/unschedule", data=csrf(dispatcher))
    assert off.status_code == 303
    assert 'data-testid="activate"' in dispatcher.get(f"/plans/{plan_id}").text


def test_a_provincial_planner_sees_its_plans_backup_outside_the_province_read_only(
    client: TestClient, seeded: sessionmaker[Session], network: Network
) -> None:
    computed_plan(seeded, network, client)  # Henan's plan, backup WH in Hubei
    planner = log_in(client, seeded, "planner", "410000")
    backup = planner.get("/sites/WH")
    assert backup.status_code == 200
    assert 'data-testid="status-form"' not in backup.text
    assert planner.get("/sites/XA").status_code == 404  # no plan of theirs needs it


def test_the_region_search_offers_only_regions_the_user_may_plan(
    client: TestClient, seeded: sessionmaker[Session]
) -> None:
    planner = log_in(client, seeded, "planner", "410000")
    assert "data-add-area" not in planner.get("/regions/search?q=湖北").text
    assert 'data-add-area="410000"' in planner.get("/regions/search?q=河南").text


def test_a_city_plan_shows_its_exact_area_and_depth_not_the_province(
    client: TestClient, seeded: sessionmaker[Session], network: Network
) -> None:
    plan_id = _station_plan(seeded, network)
    viewer = log_in(client, seeded, "viewer")
    for page in (f"/plans/{plan_id}", "/plans"):
        text = viewer.get(page).text
        assert "河南1县 · 市级封控 · 分拣至 揽投部" in text, page
        assert ">河南省<" not in text


def test_the_header_search_finds_a_centre_and_where_a_countys_mail_goes_now(
    client: TestClient, seeded: sessionmaker[Session], network: Network
) -> None:
    plan_id = computed_plan(seeded, network, client, "active")
    viewer = log_in(client, seeded, "viewer")
    assert 'data-testid="header-search"' in viewer.get("/plans").text
    centre = viewer.get("/search?q=湖北").text
    assert 'href="/sites/WH"' in centre
    county = viewer.get("/search?q=410101").text
    assert 'href="/sites/WH"' in county
    assert f'href="/plans/{plan_id}"' in county


def test_a_colleagues_activation_reaches_open_pages_as_an_event_with_who_did_what(
    client: TestClient, seeded: sessionmaker[Session], network: Network
) -> None:
    plan_id = computed_plan(seeded, network, client, "approved")
    viewer = log_in(client, seeded, "viewer")
    opened = viewer.get("/events?wait=0")
    assert opened.headers["content-type"].startswith("text/event-stream")
    assert "event: change" not in opened.text  # only what happens after the page opened
    first = viewer.get("/events?wait=0", headers={"Last-Event-ID": "0"}).text
    seen = max(int(line[4:]) for line in first.splitlines() if line.startswith("id: "))
    dispatcher = log_in(client, seeded, "dispatcher")
    assert dispatcher.post(f"/plans/{plan_id}/activate", data=csrf(dispatcher)).status_code == 303
    news = viewer.get("/events?wait=0", headers={"Last-Event-ID": str(seen)}).text
    assert news.count("event: change") == 1
    assert f"dispatcher_cn：启动方案 · 调整方案 {plan_id}" in news
    assert f'"link": "/plans/{plan_id}"' in news
    hubei = log_in(client, seeded, "viewer", "420000")
    assert "event: change" not in hubei.get("/events?wait=0", headers={"Last-Event-ID": "0"}).text


def test_a_scenario_page_speaks_chinese_not_option_names(
    client: TestClient, seeded: sessionmaker[Session]
) -> None:
    planner = log_in(client, seeded, "planner")
    saved = planner.post(
        "/scenarios",
        data={"name": "河南", "area_region": "410000", "area_level": "province",
              "class_ems": "1", "factor_ems": "0.8", **csrf(planner)},
    )  # fmt: skip
    page = planner.get(saved.headers["location"]).text
    assert "特快 系数 0.80" in page or "系数 0.80" in page
    for internal in ("ems ×", "max_road_hours", "time_limit_s", '"surge_shifts"'):
        assert internal not in page
