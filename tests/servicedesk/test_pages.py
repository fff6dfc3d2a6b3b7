"""The service-desk and tracking pages: the public page without login (notice, complaint,
channels, never contacts), the agent's lookup and ticket steps, the supervisors' pages,
and every word in both languages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from baotong.core import clock
from baotong.core import i18n as words
from baotong.db.session import session_scope
from baotong.network.entities import Network
from baotong.servicedesk import service as desk
from baotong.servicedesk.models import ScriptTopic, TicketCategory
from baotong.servicedesk.schemas import ScriptCreate

from ..conftest import staff
from ..tracking.conftest import Lockdown
from ..web.conftest import log_in


def csrf(browser: TestClient) -> dict[str, str]:
    return {"csrf_token": browser.cookies["baotong_csrf"]}


def test_the_public_page_shows_the_notice_and_turns_a_complaint_into_a_ticket(
    client: TestClient, items: dict[str, str], lockdown: Lockdown
) -> None:
    lockdown.activate()
    public = TestClient(client.app, follow_redirects=False)
    page = public.get("/track", params={"number": items["henan"]})
    assert page.status_code == 200
    assert 'data-testid="notice"' in page.text
    assert "18.0" in page.text
    assert "13800000001" not in page.text
    assert "13900000002" not in page.text
    refused = public.post(
        "/track/complaints",
        data={
            "number": items["henan"],
            "category": "controlled_area",
            "contact_name": "王女士",
            "contact_phone": "no phone",
            **csrf(public),
        },
    )
    assert refused.status_code == 422
    assert 'value="王女士"' in refused.text
    made = public.post(
        "/track/complaints",
        data={
            "number": items["henan"],
            "category": "controlled_area",
            "contact_name": "王女士",
            "contact_phone": "13700000000",
            **csrf(public),
        },
    )
    assert made.status_code == 303
    assert 'data-testid="ticket-made"' in public.get(made.headers["location"]).text


def test_an_agent_looks_an_item_up_with_its_script_and_takes_the_ticket_through_its_steps(
    client: TestClient, seeded: sessionmaker[Session], items: dict[str, str], lockdown: Lockdown
) -> None:
    lockdown.activate()
    with session_scope(seeded) as session:
        desk.add_script(
            session,
            principal=staff(),
            data=ScriptCreate(
                topic=ScriptTopic.CONTROLLED_AREA,
                title="封控区邮件",
                body="您好，寄往封控区的邮件…",
            ),
        )
    agent = log_in(client, seeded, "cs_agent")
    lookup = agent.get("/lookup", params={"number": items["henan"]})
    assert "13900000002" in lookup.text
    assert "您好，寄往封控区的邮件" in lookup.text
    opened = agent.post(
        "/tickets",
        data={
            "number": items["henan"],
            "category": "controlled_area",
            "contact_name": "李先生",
            "contact_phone": "13600000000",
            **csrf(agent),
        },
    )
    assert opened.status_code == 303
    ticket = opened.headers["location"]
    steps = [
        ("contact", {"expected_by": "2099-01-01T08:00"}),
        ("investigation", {"findings": "滞留"}),
        ("callback", {"result": "已妥投", "satisfaction": "satisfied"}),
    ]
    for step, form in steps:
        done = agent.post(f"{ticket}/{step}", data={**form, **csrf(agent)})
        assert done.status_code == 303, done.text
    page = agent.get(ticket)
    assert 'data-testid="ticket-status">已办结' in page.text
    assert "reopen-form" in page.text
    listed = agent.get("/tickets", params={"status": "closed"})
    assert ticket in listed.text


def test_a_supervisor_sets_a_rule_adds_seats_and_sees_the_diversion(
    client: TestClient, seeded: sessionmaker[Session]
) -> None:
    boss = log_in(client, seeded, "cs_supervisor")
    assert (
        boss.post("/servicedesk/simulate", data={"provinces": "410000", **csrf(boss)}).status_code
        == 303
    )
    bad = boss.post(
        "/servicedesk/rules",
        data={
            "province_code": "410000",
            "max_waiting": "x",
            "max_wait_s": "300",
            "cap": "50",
            "targets": "national",
            **csrf(boss),
        },
    )
    assert bad.status_code == 422
    assert "max_waiting" in bad.text
    rule = boss.post(
        "/servicedesk/rules",
        data={
            "province_code": "410000",
            "max_waiting": "20",
            "max_wait_s": "300",
            "cap": "50",
            "targets": "420000, national",
            "active": "on",
            **csrf(boss),
        },
    )
    assert rule.status_code == 303
    assert boss.post("/servicedesk/divert", data=csrf(boss)).status_code == 303
    assert (
        boss.post(
            "/servicedesk/seats", data={"province_code": "410000", "count": "12", **csrf(boss)}
        ).status_code
        == 303
    )
    page = boss.get("/servicedesk/load")
    assert 'data-testid="diversions"' in page.text
    assert "排队" in page.text
    assert page.text.count("<tr data-province=") == 4


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_service_desk_page_has_every_word_in_both_languages(
    client: TestClient,
    seeded: sessionmaker[Session],
    network: Network,
    items: dict[str, str],
    lockdown: Lockdown,
    monkeypatch: pytest.MonkeyPatch,
    lang: str,
) -> None:
    missing: list[str] = []
    known = words.translate

    def checked(language: str, key: str, **params: object) -> str:
        if not words.has(language, key):
            missing.append(key)
        return known(language, key, **params)

    lockdown.activate()
    admin = log_in(client, seeded, "admin")
    admin.cookies.set("baotong_lang", lang)
    made = admin.post(
        "/tickets",
        data={
            "number": items["henan"],
            "category": "delay",
            "contact_name": "李先生",
            "contact_phone": "13600000000",
            **csrf(admin),
        },
    )
    monkeypatch.setattr(words, "translate", checked)
    pages = [
        "/track",
        f"/track?number={items['henan']}",
        "/lookup",
        f"/lookup?number={items['henan']}",
        "/tickets",
        made.headers["location"],
        "/servicedesk/load",
        "/servicedesk/scripts",
        "/servicedesk/scripts?topic=complaint",
        "/servicedesk/channels",
        "/servicedesk/sla",
        "/tracking/announcements",
    ]
    for path in pages:
        reply = admin.get(path)
        assert reply.status_code == 200, path
    assert missing == []


def test_a_ticket_about_a_subject_without_a_mail_item_shows_on_every_page(
    client: TestClient, seeded: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    kind = desk.SubjectKind("locker", "ticket.subject", "/lockers/{ref}")
    monkeypatch.setitem(desk.SUBJECT_KINDS, "locker", kind)
    with clock.frozen(clock.now() - timedelta(days=1)), session_scope(seeded) as session:
        ticket = desk.open_subject_ticket(
            session, subject_kind=kind, subject_ref="L-7", category=TicketCategory.OTHER,
            contact_name="赵女士", contact_phone="13500000000", description="柜门打不开",
            province_code="410000", unit_id="L-7", principal=staff(province="410000"),
        )  # fmt: skip
        ticket_id = ticket.id
    admin = log_in(client, seeded, "admin")
    page = admin.get(f"/tickets/{ticket_id}")
    assert page.status_code == 200, page.text
    assert 'href="/lockers/L-7"' in page.text
    assert "/lookup?number=" not in page.text
    listed = admin.get("/tickets")
    assert listed.status_code == 200
    assert 'href="/lockers/L-7"' in listed.text
    sla = admin.get("/servicedesk/sla")  # overdue: its step ended a day ago
    assert sla.status_code == 200
    assert "locker L-7" in sla.text
    monkeypatch.delitem(desk.SUBJECT_KINDS, "locker")  # a kind no longer registered
    assert admin.get(f"/tickets/{ticket_id}").status_code == 200
