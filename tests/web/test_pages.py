"""Console pages without a browser: language, login, CSRF, scope, site and scenario forms
that keep what the user typed, boundaries, audit log, navigation by role."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from baotong.contingency import pages as contingency_pages
from baotong.contingency import service as contingency_service
from baotong.contingency.scenario import Options
from baotong.core import i18n as words
from baotong.core.exceptions import ConflictError, NotFoundError
from baotong.db.session import session_scope
from baotong.network import geo
from baotong.network.entities import Network
from baotong.web import i18n

from ..conftest import staff
from .conftest import HENAN, PAGE_PASSWORD, computed_plan, csrf, log_in


def test_pages_are_chinese_by_default_and_english_after_the_switch(client: TestClient) -> None:
    browser = TestClient(client.app, follow_redirects=False)
    page = browser.get("/login")
    assert '<html lang="zh-CN">' in page.text
    assert "登录保通控制台" in page.text
    switched = browser.get("/lang/en", headers={"referer": "http://testserver/login"})
    assert switched.status_code == 303
    assert switched.headers["location"] == "/login"
    english = browser.get("/login")
    assert '<html lang="en">' in english.text
    assert "Log in to the Baotong console" in english.text
    assert "登录保通控制台" not in english.text


def test_a_page_without_login_sends_the_browser_to_the_login_page(client: TestClient) -> None:
    browser = TestClient(client.app, follow_redirects=False)
    full = browser.get("/plans?lifecycle=active")
    assert full.status_code == 303
    assert full.headers["location"] == "/login?next=/plans%3Flifecycle%3Dactive"
    fragment = browser.get("/plans/1/progress", headers={"HX-Request": "true"})
    assert fragment.headers["HX-Redirect"].startswith("/login?next=")


def test_a_wrong_password_is_explained_and_the_user_name_kept(client: TestClient) -> None:
    browser = TestClient(client.app, follow_redirects=False)
    browser.get("/login")
    reply = browser.post(
        "/login", data={"username": "nobody_here", "password": "wrong-one", **csrf(browser)}
    )
    assert reply.status_code == 401
    assert "用户名或密码错误" in reply.text
    assert 'value="nobody_here"' in reply.text
    assert "baotong_session" not in reply.cookies


def test_login_never_sends_the_user_to_another_site(
    client: TestClient, seeded: sessionmaker[Session]
) -> None:
    log_in(client, seeded, "viewer")
    browser = TestClient(client.app, follow_redirects=False)
    browser.get("/login")
    reply = browser.post(
        "/login",
        data={
            "username": "viewer_cn",
            "password": PAGE_PASSWORD,
            "next": "//evil.example/x",
            **csrf(browser),
        },
    )
    assert reply.headers["location"] == "/"


@pytest.mark.parametrize(
    ("headers", "form"),
    [({}, {}), ({}, {"csrf_token": "forged"}), ({"origin": "https://evil.example"}, None)],
    ids=["no-token", "wrong-token", "other-origin"],
)
def test_a_state_change_without_our_csrf_token_or_from_another_origin_is_refused(
    client: TestClient,
    seeded: sessionmaker[Session],
    network: Network,
    headers: dict[str, str],
    form: dict[str, str] | None,
) -> None:
    plan_id = computed_plan(seeded, network, client)
    planner = log_in(client, seeded, "planner")
    reply = planner.post(
        f"/plans/{plan_id}/approve",
        data=form if form is not None else csrf(planner),
        headers=headers,
    )
    assert reply.status_code == 403
    assert "Traceback" not in reply.text
    with session_scope(seeded) as session:
        assert (
            contingency_service.get_plan(session, plan_id, principal=staff()).lifecycle == "draft"
        )


def test_a_site_status_error_is_shown_and_what_was_typed_is_kept(
    client: TestClient, seeded: sessionmaker[Session]
) -> None:
    planner = log_in(client, seeded, "planner")
    reply = planner.post(
        "/sites/ZZ/status",
        data={
            "status": "closed",
            "reason": "  ",
            "expected_reopening": "2030-01-02T08:00",
            **csrf(planner),
        },
    )
    assert reply.status_code == 422
    assert "reason" in reply.text
    assert 'value="2030-01-02T08:00"' in reply.text
    assert '<option value="closed" selected>' in reply.text
    done = planner.post(
        "/sites/ZZ/status", data={"status": "closed", "reason": "洪水", **csrf(planner)}
    )
    assert done.status_code == 303
    page = planner.get("/sites/ZZ")
    assert "洪水" in page.text
    assert 'data-testid="site-status">停用' in page.text


def test_a_capacity_that_is_not_a_number_names_the_field(
    client: TestClient, seeded: sessionmaker[Session]
) -> None:
    dispatcher = log_in(client, seeded, "dispatcher")
    reply = dispatcher.post(
        "/sites/ZZ/capacity",
        data={"capacity_parcel": "lots", "reason": "surge", **csrf(dispatcher)},
    )
    assert reply.status_code == 422
    assert "capacity.parcel" in reply.text
    assert 'value="lots"' in reply.text


def test_the_scenario_builder_keeps_the_form_when_the_scenario_is_invalid(
    client: TestClient, seeded: sessionmaker[Session]
) -> None:
    planner = log_in(client, seeded, "planner")
    reply = planner.post(
        "/scenarios",
        data={
            "name": "试算",
            "area_region": "not-a-region",
            "area_level": "province",
            "class_parcel": "1",
            "factor_parcel": "1.2",
            "max_road_hours": "9",
            **csrf(planner),
        },
    )
    assert reply.status_code == 422
    assert "not-a-region" in reply.text
    assert 'value="试算"' in reply.text
    assert 'name="max_road_hours" value="9"' in reply.text
    good = planner.post(
        "/scenarios",
        data={
            "name": "河南",
            "area_region": "410000",
            "area_level": "province",
            "class_parcel": "1",
            "factor_parcel": "1.2",
            **csrf(planner),
        },
    )
    assert good.status_code == 303
    assert "河南" in planner.get(good.headers["location"]).text


def test_a_provincial_planner_sees_only_its_province(
    client: TestClient, seeded: sessionmaker[Session], network: Network
) -> None:
    plan_id = computed_plan(seeded, network, client)
    hubei = log_in(client, seeded, "planner", "420000")
    assert hubei.get(f"/plans/{plan_id}").status_code == 404
    assert "河南全省封控" not in hubei.get("/plans").text
    assert hubei.get("/sites/ZZ").status_code == 404
    page = hubei.get("/map")
    assert 'data-scope="420000"' in page.text
    centres = [c["id"] for c in hubei.get("/map/data.json").json()["centres"]]
    assert centres == ["WH"]


def test_boundaries_are_compressed_cached_and_revalidated(
    client: TestClient, seeded: sessionmaker[Session]
) -> None:
    viewer = log_in(client, seeded, "viewer")
    reply = viewer.get("/geo/county.json?province=410000", headers={"accept-encoding": "gzip"})
    assert reply.status_code == 200
    assert reply.headers["cache-control"].startswith("private")
    assert reply.headers["content-encoding"] == "gzip"
    features = reply.json()["features"]
    assert len(features) > 100
    assert all(f["properties"]["name"].startswith("41") for f in features)
    again = viewer.get(
        "/geo/county.json?province=410000", headers={"if-none-match": reply.headers["etag"]}
    )
    assert again.status_code == 304
    raw = viewer.get("/geo/province.json", headers={"accept-encoding": "identity"})
    assert raw.json()["type"] == "FeatureCollection"
    assert "content-encoding" not in raw.headers
    assert viewer.get("/geo/planet.json").status_code == 404
    territory = viewer.get("/geo/territory.json").json()  # drawn beside the network's regions
    assert sorted(f["properties"]["name"] for f in territory["features"]) == [
        "710000", "810000", "820000"]  # fmt: skip
    assert territory["names"]["710000"] == ["台湾省", "Taiwan"]
    south_sea = [ln for ln in territory["lines"] if all(2 < lat < 25 for _, lat in ln)]
    assert len(south_sea) >= 10
    client.cookies.clear()
    for path in ("/geo/province.json", "/geo/regions.json", "/geo/territory.json"):
        anonymous = client.get(path, follow_redirects=False)
        assert anonymous.status_code in (303, 401), path


def test_the_audit_page_shows_who_approved_and_filters_by_object(
    client: TestClient, seeded: sessionmaker[Session], network: Network
) -> None:
    plan_id = computed_plan(seeded, network, client)
    planner = log_in(client, seeded, "planner")
    assert planner.post(f"/plans/{plan_id}/approve", data=csrf(planner)).status_code == 303
    page = planner.get("/audit?object_type=plan")
    assert "批准方案" in page.text
    assert "plan.approve" not in page.text
    assert "planner_cn" in page.text
    fragment = planner.get("/audit?object_type=site", headers={"HX-Request": "true"})
    assert "批准方案" not in fragment.text
    assert "<html" not in fragment.text
    assert log_in(client, seeded, "viewer").get("/audit").status_code == 403


def test_the_audit_page_filters_by_actor_and_day_and_explains_a_bad_date(
    client: TestClient, seeded: sessionmaker[Session], network: Network
) -> None:
    plan_id = computed_plan(seeded, network, client)
    planner = log_in(client, seeded, "planner")
    assert planner.post(f"/plans/{plan_id}/approve", data=csrf(planner)).status_code == 303
    mine = planner.get("/audit?actor=planner_cn&action=plan.approve").text
    assert "plan.approve" in mine
    assert "plan.approve" not in planner.get("/audit?actor=somebody_else").text
    second = planner.get("/audit?actor=planner_cn&action=plan.approve&page=2").text
    assert 'href="/audit?actor=planner_cn&amp;action=plan.approve&amp;page=1"' in second
    assert "plan.approve" not in planner.get("/audit?since=2999-01-01").text
    bad = planner.get("/audit?since=yesterday")
    assert bad.status_code == 422
    assert "字段“since”：必须是日期，例如 2022-04-01。" in bad.text
    assert "Traceback" not in bad.text


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("zh", "字段“options.max_road_hours”：必须大于 0.0（现为 0）。"),
        ("en", "field &#39;options.max_road_hours&#39;: must be greater than 0.0 (got 0)."),
    ],
)
def test_a_scenario_field_error_is_said_in_the_language_of_the_page(
    client: TestClient, seeded: sessionmaker[Session], lang: str, said: str
) -> None:
    planner = log_in(client, seeded, "planner")
    planner.cookies.set("baotong_lang", lang)
    form = {"name": "试算", "area_region": "410000", "area_level": "province",
            "class_parcel": "1", "factor_parcel": "1", "max_road_hours": "0"}  # fmt: skip
    reply = planner.post("/scenarios", data={**form, **csrf(planner)})
    assert reply.status_code == 422
    assert said in reply.text


def test_an_error_whose_code_has_no_words_is_shown_in_english() -> None:
    refused = ConflictError("The moon is not a region.", code="nowhere.moon", region="moon")
    assert i18n.error_text("zh", refused) == "The moon is not a region."
    known = NotFoundError("Unknown plan 9.", code="plan.unknown", id=9)
    assert i18n.error_text("zh", known) == "未知的方案 9。"
    assert i18n.error_text("en", known) == "Unknown plan 9."


def test_the_builder_saves_a_city_level_lock_with_its_sort_depth(
    client: TestClient, seeded: sessionmaker[Session]
) -> None:
    planner = log_in(client, seeded, "planner")
    form = {
        "name": "县城封控",
        "area_region": "410101",
        "area_level": "city",
        "area_depth": "segment",
        "class_parcel": "1",
        "factor_parcel": "1",
        **csrf(planner),
    }
    saved = planner.post("/scenarios", data=form)
    assert saved.status_code == 303
    scenario_id = int(saved.headers["location"].rsplit("/", 1)[-1])
    with session_scope(seeded) as session:
        body = contingency_service.get_scenario(session, scenario_id, principal=staff()).body
    assert body["locked_areas"] == [{"region": "410101", "level": "city", "depth": "segment"}]
    refused = planner.post("/scenarios", data={**form, "area_level": "province"})
    assert refused.status_code == 422
    assert "depth" in refused.text
    assert '<option value="segment" selected>' in refused.text


def test_the_builder_saves_a_flooded_hub_and_keeps_a_bad_share_as_typed(
    client: TestClient, seeded: sessionmaker[Session], network: Network
) -> None:
    planner = log_in(client, seeded, "planner")
    centre = sorted(network.centers)[0]
    form = {
        "name": "河南封控 + 枢纽受淹",
        "area_region": "410000",
        "area_level": "province",
        "class_ems": "1",
        "factor_ems": "0.8",
        "closure_center_id": [centre, ""],
        "closure_status": ["limited", "closed"],
        "closure_capacity_share": ["0.4", ""],
        "closure_reason": ["场地进水", ""],
        **csrf(planner),
    }
    assert 'list="centre-list"' in planner.get("/scenarios/new").text
    saved = planner.post("/scenarios", data=form)
    assert saved.status_code == 303, saved.text
    scenario_id = int(saved.headers["location"].rsplit("/", 1)[-1])
    with session_scope(seeded) as session:
        body = contingency_service.get_scenario(session, scenario_id, principal=staff()).body
    assert body["closed_sites"] == [
        {"center_id": centre, "status": "limited", "reason": "场地进水", "capacity_share": 0.4}
    ]
    edit = planner.get(f"/scenarios/{scenario_id}/edit").text
    assert f'name="closure_center_id" value="{centre}"' in edit
    bad = planner.post("/scenarios", data={**form, "closure_capacity_share": ["half", ""]})
    assert bad.status_code == 422
    assert "closed_sites.0.capacity_share" in bad.text
    assert 'name="closure_capacity_share" value="half"' in bad.text


def test_a_saved_scenario_opens_in_the_builder_and_saves_its_changes(
    client: TestClient, seeded: sessionmaker[Session], network: Network
) -> None:
    with session_scope(seeded) as session:
        scenario_id = contingency_service.create_scenario(
            session,
            body={
                **HENAN,
                "closed_sites": [{"center_id": "WH", "reason": "洪水"}],
                "options": {"max_backups": 3, "radius_km": 400.0, "max_road_hours": 8.0},
            },
            network=network,
            principal=staff("planner"),
        ).id
    planner = log_in(client, seeded, "planner")
    form = planner.get(f"/scenarios/{scenario_id}/edit").text
    assert f'action="/scenarios/{scenario_id}"' in form
    assert 'name="max_backups" value="3"' in form
    assert 'name="area_region" value="410000"' in form
    assert 'name="closure_center_id" value="WH"' in form
    changed = planner.post(
        f"/scenarios/{scenario_id}",
        data={
            "name": "河南（调整）",
            "area_region": "410000",
            "area_level": "province",
            "class_parcel": "1",
            "factor_parcel": "1.1",
            "max_backups": "5",
            **csrf(planner),
        },
    )
    assert changed.status_code == 303
    with session_scope(seeded) as session:
        body = contingency_service.get_scenario(session, scenario_id, principal=staff()).body
    assert body["name"] == "河南（调整）"
    assert body["options"]["max_backups"] == 5
    assert body["product_classes"] == {"parcel": 1.1}
    kept = {"center_id": "WH", "status": "closed", "reason": "洪水", "capacity_share": None}
    assert body["closed_sites"] == [kept]  # no table posted: kept (stored in canonical form)
    assert body["options"]["radius_km"] == 400.0  # kept
    assert body["options"]["max_road_hours"] == Options().max_road_hours  # cleared: the default
    assert "修改场景" not in log_in(client, seeded, "viewer").get(f"/scenarios/{scenario_id}").text


def test_the_navigation_offers_only_what_the_role_may_open(
    client: TestClient, seeded: sessionmaker[Session]
) -> None:
    leader = log_in(client, seeded, "group_leader")
    page = leader.get("/map")
    assert page.status_code == 403
    assert "network:read" in page.text
    operator = log_in(client, seeded, "warehouse_operator").get("/map").text
    assert 'href="/map"' in operator
    assert 'href="/plans"' not in operator


def test_the_region_search_finds_by_code_chinese_name_and_pinyin(
    client: TestClient, seeded: sessionmaker[Session]
) -> None:
    planner = log_in(client, seeded, "planner")
    for query in ("410000", "河南", "henan"):
        found = planner.get("/regions/search", params={"q": query},
                            headers={"HX-Request": "true"})  # fmt: skip
        assert 'data-add-area="410000"' in found.text, query
        assert "<html" not in found.text
    county = planner.get("/regions/search", params={"q": "河南1县"}).text
    assert 'data-add-area="410101"' in county
    assert "河南市" in county  # the parent tells same-named places apart
    assert "data-add-area" not in planner.get("/regions/search", params={"q": "Atlantis"}).text


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_page_has_every_word_in_both_languages(
    client: TestClient, seeded: sessionmaker[Session], network: Network,
    monkeypatch: pytest.MonkeyPatch, lang: str,
) -> None:  # fmt: skip
    missing: list[str] = []
    known = words.translate

    def checked(language: str, key: str, **params: object) -> str:
        if not words.has(language, key):
            missing.append(key)
        return known(language, key, **params)

    monkeypatch.setattr(words, "translate", checked)
    plan_id = computed_plan(seeded, network, client, "approved")
    with session_scope(seeded) as session:
        scenario = contingency_service.get_plan(session, plan_id, principal=staff()).scenario_id
    admin = log_in(client, seeded, "admin")
    admin.cookies.set("baotong_lang", lang)
    pages = ["/map", "/scenarios", "/scenarios/new", f"/scenarios/{scenario}",
             f"/scenarios/{scenario}/edit",
             "/plans", f"/plans/{plan_id}", f"/plans/{plan_id}/compare", "/sites/ZZ",
             "/sites/S4101010", "/audit", "/plans/9999"]  # fmt: skip
    for path in pages:
        reply = admin.get(path)
        assert reply.status_code == (404 if path == "/plans/9999" else 200), path
        assert f'<html lang="{"zh-CN" if lang == "zh" else "en"}">' in reply.text
    assert missing == []


def test_the_whole_china_county_map_is_lighter_than_one_province_in_detail() -> None:
    def points(coords: object) -> int:
        if isinstance(coords, list) and coords and isinstance(coords[0], int | float):
            return 1
        return sum(points(c) for c in coords) if isinstance(coords, list) else 0

    national = geo.feature_collection("county")
    henan = geo.feature_collection("county", "410000")
    in_henan = [f for f in national["features"] if f["properties"]["name"].startswith("41")]
    assert [f["properties"]["name"] for f in in_henan] == [
        f["properties"]["name"] for f in henan["features"]
    ]
    coarse = sum(points(f["geometry"]["coordinates"]) for f in in_henan)
    fine = sum(points(f["geometry"]["coordinates"]) for f in henan["features"])
    assert 0 < coarse < fine


def test_names_people_type_are_shown_as_text_never_as_markup(
    client: TestClient, seeded: sessionmaker[Session]
) -> None:
    planner = log_in(client, seeded, "planner")
    name = "<script>alert('x')</script>"
    saved = planner.post("/scenarios", data={"name": name, "area_region": "410000",
                                             "area_level": "province", "class_parcel": "1",
                                             "factor_parcel": "1", **csrf(planner)})  # fmt: skip
    assert saved.status_code == 303
    for page in (planner.get(saved.headers["location"]), planner.get("/scenarios")):
        assert "<script>alert" not in page.text
        assert "&lt;script&gt;alert" in page.text


def test_the_scenario_list_is_paged(
    client: TestClient, seeded: sessionmaker[Session], network: Network,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.setattr(contingency_pages, "PAGE", 1)
    with session_scope(seeded) as session:
        for name in ("第一", "第二"):
            contingency_service.create_scenario(
                session, body={**HENAN, "name": name}, network=network, principal=staff()
            )
    viewer = log_in(client, seeded, "viewer")
    first = viewer.get("/scenarios").text
    assert "第二" in first
    assert "第一" not in first
    assert 'href="/scenarios?page=2"' in first
    second = viewer.get("/scenarios?page=2").text
    assert "第一" in second
    assert 'href="/scenarios?page=1"' in second
