"""Command and dispatch in a real browser, the issue's "done when" path.

A national duty officer records "Henan province-wide lockdown", activates Henan's
emergency plan and watches its plan run start and finish, sees the instructions go to the
provinces of the backup centres; Hubei's duty officer imports Hubei's inventory from
Excel, executes its instruction and then reports with an objection, and lends a forklift
and ten whitelisted sorters to Henan; an hour later the unanswered instructions are late
and escalated. The incident reads in Chinese and in English. No page may log a
JavaScript error.
"""

from __future__ import annotations

import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
import yaml
from openpyxl import Workbook
from playwright.sync_api import Browser, expect

from baotong import jobs
from baotong.auth import service as auth_service
from baotong.auth.permissions import Principal
from baotong.command import emergency
from baotong.command.models import EventType
from baotong.core import clock
from baotong.db.session import make_engine, make_sessionmaker, session_scope
from baotong.network.reference import load_reference

from .conftest import PASSWORD, LiveServer, open_console

pytestmark = pytest.mark.browser
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "henan.yaml"
BACKUPS = {"420000": "湖北", "610000": "陕西", "370000": "山东", "130000": "河北"}


def _prepare(server: LiveServer) -> int:
    """The two duty officers, and Henan's emergency plan for a province-wide lockdown."""
    engine = make_engine(server.settings.effective_database_url)
    try:
        with session_scope(make_sessionmaker(engine)) as session:
            for name, province in (("duty_cn", None), ("duty_hubei", "420000")):
                auth_service.create_user(
                    session,
                    username=name,
                    password=PASSWORD,
                    role="duty_officer",
                    province_code=province,
                )
            scenario = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
            scenario["options"]["time_limit_s"] = 5
            plan = emergency.save_plan(
                session,
                network=load_reference(),
                principal=Principal.system("test"),
                plan=emergency.EmergencyPlanIn.model_validate(
                    {
                        "name": "河南省全省静态管控应急预案",
                        "province_code": "410000",
                        "event_type": EventType.PROVINCE_LOCKDOWN,
                        "scenario": scenario,
                        "instructions": [
                            {"to_province": code, "title": f"{name}接管河南分区", "hours": 6}
                            for code, name in BACKUPS.items()
                        ],
                        "contacts": [{"name": "河南值班室", "phone": "0371-0000000"}],
                        "passes": [{"area": "郑州市区", "vehicles": 20}],
                    }
                ),
            )
            return plan.id
    finally:
        engine.dispose()


def _inventory() -> bytes:
    book = Workbook()
    people = book.active
    people.title = "people"
    people.append(
        ["province_code", "site_id", "category", "name", "quantity", "whitelisted", "closed_loop"]
    )
    people.append(["420000", "C-420100", "sorter", "武汉中心分拣员", 30, "是", "是"])
    equipment = book.create_sheet("equipment")
    equipment.append(["province_code", "site_id", "category", "name", "quantity"])
    equipment.append(["420000", "C-420100", "forklift", "武汉中心叉车", 3])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_henan_lockdown_from_the_duty_desk_to_instructions_loans_and_escalation(
    live_server: LiveServer, browser: Browser
) -> None:
    plan_id = _prepare(live_server)
    desk = open_console(live_server, browser, "duty_cn")
    page = desk.page

    # The duty officer records the lockdown.
    desk.goto("/command")
    form = page.get_by_test_id("incident-form")
    form.locator("input[name=title]").fill("河南全省封控")
    form.locator("select[name=kind]").select_option("lockdown_declared")
    form.locator("select[name=severity]").select_option("critical")
    form.locator("input[name=place]").fill("河南")
    form.locator("input[name=source]").fill("河南省政府通告")
    page.get_by_test_id("incident-create").click()
    page.wait_for_url(re.compile(r".*/command/incidents/\d+$"))
    expect(page.get_by_test_id("incident-title")).to_contain_text("河南全省封控")
    expect(page.get_by_test_id("suggestion")).to_contain_text("封控")
    desk.shot("command-01-incident")

    # Henan's emergency plan, activated in one step.
    desk.goto(f"/command/emergency-plans/{plan_id}")
    expect(page.get_by_test_id("readiness")).to_have_text("就绪")
    page.get_by_test_id("activate").click()
    page.wait_for_url(re.compile(r".*/command/incidents/\d+$"))
    incident_url = page.url
    rows = page.get_by_test_id("instructions").locator("tbody tr")
    expect(rows).to_have_count(4)
    for name in BACKUPS.values():
        expect(page.get_by_test_id("instructions")).to_contain_text(name)
    expect(page.get_by_test_id("timeline")).to_contain_text("启动应急预案")
    desk.shot("command-02-activated")
    page.get_by_test_id("plan-run-link").click()
    page.wait_for_url(re.compile(r".*/plans/\d+$"))
    expect(page.get_by_test_id("result-status")).to_be_visible(timeout=120_000)
    desk.shot("command-03-plan-run")

    # Hubei imports its inventory, executes first and reports after, with an objection.
    hubei = open_console(live_server, browser, "duty_hubei")
    hp = hubei.page
    hubei.goto("/command/resources")
    hp.get_by_test_id("import-form").locator("input[type=file]").set_input_files(
        {"name": "hubei.xlsx", "mimeType": "application/octet-stream", "buffer": _inventory()}
    )
    hp.get_by_test_id("import-form").locator("button").click()
    hp.wait_for_load_state("networkidle")
    expect(hp.get_by_test_id("holding-420000-forklift").get_by_test_id("at-hand")).to_have_text("3")
    hubei.goto("/command/instructions")
    hp.get_by_test_id("instructions").locator("a", has_text="湖北接管河南分区").click()
    hp.locator("textarea[name=execution]").fill("武汉中心已启用河南分区的分拣封发关系")
    hp.get_by_test_id("execute").click()
    expect(hp.get_by_test_id("instruction-status")).to_have_text("已执行")
    hp.locator("textarea[name=result]").fill("首日接收 4.2 万件，已分拣至县")
    hp.locator("textarea[name=objection]").fill("武汉中心负荷已达 92%，建议信阳分区改由合肥承接")
    hp.get_by_test_id("report").click()
    expect(hp.get_by_test_id("instruction-status")).to_have_text("已反馈")
    expect(hp.get_by_test_id("objection")).to_contain_text("92%")
    hubei.shot("command-04-reported-with-objection")

    # Hubei lends a forklift and ten whitelisted sorters to Henan, and approves as lender.
    returns = (clock.now() + timedelta(days=14)).date().isoformat()
    for option, quantity in (("武汉中心叉车", "1"), ("武汉中心分拣员", "10")):
        hubei.goto("/command/resources")
        loan = hp.get_by_test_id("loan-form")
        labels = loan.locator("select[name=resource_id] option").all_inner_texts()
        chosen = next(text for text in labels if option in text)
        loan.locator("select[name=resource_id]").select_option(label=chosen)
        loan.locator("input[name=quantity]").fill(quantity)
        loan.locator("input[name=to_province]").fill("410000")
        loan.locator("input[name=to_site]").fill("C-410100")
        loan.locator("input[name=return_on]").fill(returns)
        hp.get_by_test_id("loan-request").click()
        hp.wait_for_url(re.compile(r".*/command/loans/\d+$"))
        hp.get_by_test_id("loan-approve").click()
        expect(hp.get_by_test_id("loan-status")).to_have_text("借出中")
    desk.goto("/command/resources")  # the national desk sees both provinces
    holding = page.get_by_test_id
    expect(holding("holding-410000-forklift").get_by_test_id("at-hand")).to_have_text("1")
    expect(holding("holding-410000-sorter").get_by_test_id("at-hand")).to_have_text("10")
    expect(holding("holding-420000-forklift").get_by_test_id("at-hand")).to_have_text("2")
    expect(holding("holding-420000-sorter").get_by_test_id("at-hand")).to_have_text("20")
    desk.shot("command-05-lent")

    # An hour later the unanswered instructions are late; the sweep escalates them.
    engine = make_engine(live_server.settings.effective_database_url)
    try:
        with clock.frozen(clock.now() + timedelta(hours=1, minutes=5)):
            jobs.fire_due(make_sessionmaker(engine))
            desk.goto("/command/instructions?overdue=true")
            late = page.get_by_test_id("instructions")
            expect(late.locator("tbody tr")).to_have_count(3)
            expect(late.get_by_test_id("escalated").first).to_be_visible()
            desk.shot("command-06-escalated")
    finally:
        engine.dispose()

    # The same incident, in English.
    desk.goto("/lang/en")
    page.goto(incident_url)
    expect(page.get_by_test_id("timeline")).to_contain_text("Activated emergency plan")
    expect(page.get_by_test_id("instructions")).to_contain_text("Escalated")
    expect(page.get_by_test_id("instructions")).to_contain_text("Objection")
    assert desk.errors == []
    assert hubei.errors == []
