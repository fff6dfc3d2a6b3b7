"""The Henan lockdown day in a real browser, from the customer's phone to the callback.

A customer tracks an item bound for locked-down Henan on the public page (phone-sized, no
login) and reads the lockdown notice, then complains there; an agent of Henan finds the
urgent ticket, records the contact with a promised time, the unit's findings and the
callback. No page may log a JavaScript error.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import timedelta

import pytest
import uvicorn
from playwright.sync_api import Browser, expect

from baotong.app import create_app
from baotong.auth import service as auth_service
from baotong.auth.permissions import Scope, ScopeKind
from baotong.config import Settings
from baotong.contingency import service as contingency_service
from baotong.core import clock
from baotong.db import migrate
from baotong.db.session import make_engine, make_sessionmaker, session_scope
from baotong.jobs.models import JobStatus
from baotong.network import service as network_service
from baotong.network.entities import ProductClass
from baotong.network.reference import load_reference
from baotong.tracking import s10
from baotong.tracking import service as tracking_service
from baotong.tracking.schemas import EventIn, ItemCreate

from ..conftest import henan_scenario, nearest_engine, staff
from .conftest import ARTIFACTS, PASSWORD, LiveServer, _free_port, open_console

pytestmark = pytest.mark.browser
NUMBER = s10.make("EE", 4242)


@pytest.fixture(scope="module")
def lockdown_day(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """Baotong on the reference network with the Henan plan in force, an item posted in
    Beijing for Zhengzhou, and an agent of Henan's call centre."""
    folder = tmp_path_factory.mktemp("lockdown-day")
    settings = Settings(
        data_dir=folder,
        database_url=f"sqlite:///{folder / 'baotong.db'}",
        secret_key="s" * 40,
        job_workers=1,
    )
    migrate.upgrade(settings.effective_database_url)
    network = load_reference()
    engine = make_engine(settings.effective_database_url)
    county = network.counties_in("410100")[0].code
    now = clock.now()
    with session_scope(make_sessionmaker(engine)) as session:
        network_service.seed(session, network=network)
        auth_service.create_user(
            session,
            username="agent",
            password=PASSWORD,
            role="cs_agent",
            scope=Scope.unit(ScopeKind.CALL_CENTRE, "11183-HA", province_code="410000"),
        )
        body = henan_scenario()
        scenario = contingency_service.create_scenario(
            session, body=body, network=network, principal=staff()
        )
        run = contingency_service.create_plan(
            session,
            scenario_id=scenario.id,
            name=None,
            parameters={},
            network=network,
            principal=staff(),
        )
        document = nearest_engine(network, body, lambda *_: None, lambda: False)
        contingency_service.store_result(session, run=run, result=document)
        run.job.status = JobStatus.SUCCEEDED
        contingency_service.approve_plan(session, plan_id=run.id, principal=staff())
        contingency_service.activate_plan(session, plan_id=run.id, principal=staff())
        origin = network.provincial_hub("110000").id
        tracking_service.ingest(
            session,
            network=network,
            principal=staff(),
            items=[
                ItemCreate(
                    number=NUMBER,
                    product_class=ProductClass.PARCEL,
                    origin_site_id=origin,
                    dest_region_code=county,
                    recipient_contact="13912345678",
                    posted_at=now - timedelta(days=1),
                )
            ],
            events=[
                EventIn(
                    number=NUMBER, event="accepted", site_id=origin, at=now - timedelta(days=1)
                ),
                EventIn(
                    number=NUMBER, event="dispatched", site_id=origin, at=now - timedelta(hours=20)
                ),
            ],
        )
    engine.dispose()
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the Baotong server did not start within 30 s")
        time.sleep(0.05)
    yield LiveServer(f"http://127.0.0.1:{port}", settings)
    server.should_exit = True
    thread.join(timeout=10)


def test_a_customer_complains_from_the_notice_and_the_ticket_is_called_back(
    lockdown_day: LiveServer, browser: Browser
) -> None:
    phone = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True, has_touch=True
    )
    page = phone.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{lockdown_day.url}/track")
    page.get_by_test_id("track-number").fill(NUMBER.lower())
    page.get_by_test_id("track-search").click()
    expect(page.get_by_test_id("notice")).to_contain_text("管控")
    expect(page.get_by_test_id("events")).to_contain_text("发出")
    expect(page.locator("body")).not_to_contain_text("13912345678")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "sd-01-public-notice.png"), full_page=True)
    form = page.get_by_test_id("complaint-form")
    form.locator("input[name=contact_name]").fill("王女士")
    form.locator("input[name=contact_phone]").fill("13700000000")
    form.locator("textarea[name=description]").fill("寄给父母的药品三天没有动")
    page.get_by_test_id("complaint-send").click()
    expect(page.get_by_test_id("ticket-made")).to_be_visible()
    ticket = page.url.rsplit("ticket=", 1)[1]
    phone.close()

    agent = open_console(lockdown_day, browser, "agent")
    agent.goto("/tickets?status=contact")
    agent.page.get_by_role("link", name=ticket, exact=True).click()
    expect(agent.page.get_by_test_id("ticket-status")).to_have_text("待联系")
    expect(agent.page.get_by_test_id("notice")).to_be_visible()
    promised = (clock.now() + timedelta(days=1)).astimezone().strftime("%Y-%m-%dT%H:%M")
    agent.page.locator("input[name=expected_by]").fill(promised)
    agent.page.locator("textarea[name=note]").fill("已电话联系，承诺明日处理")
    agent.page.get_by_test_id("contact-form").locator("button").click()
    expect(agent.page.get_by_test_id("ticket-status")).to_have_text("调查中")
    agent.page.locator("textarea[name=findings]").fill("邮件在备份中心，已安排专车进区")
    agent.page.get_by_test_id("investigation-form").locator("button").click()
    expect(agent.page.get_by_test_id("ticket-status")).to_have_text("待回访")
    agent.page.locator("textarea[name=result]").fill("客户已收到")
    agent.page.locator("select[name=satisfaction]").select_option("satisfied")
    agent.page.get_by_test_id("callback-form").locator("button").click()
    expect(agent.page.get_by_test_id("ticket-status")).to_have_text("已办结")
    expect(agent.page.get_by_test_id("history")).to_contain_text("已回访")
    agent.shot("sd-02-ticket-closed")
    agent.goto("/servicedesk/load")
    assert errors == []
    assert agent.errors == []
