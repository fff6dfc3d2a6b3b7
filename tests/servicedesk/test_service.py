"""Urgent tickets through contact, investigation and callback with their deadlines,
reminders and escalation; the SLA report; scripts; call-centre diversion."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from baotong import jobs
from baotong.auth.permissions import Principal, Role, Scope
from baotong.core import clock
from baotong.core.exceptions import ConflictError
from baotong.db.session import session_scope
from baotong.network.entities import Network
from baotong.servicedesk import jobs as _registers  # noqa: F401
from baotong.servicedesk import load
from baotong.servicedesk import service as desk
from baotong.servicedesk.models import (
    Satisfaction,
    ScriptTopic,
    TicketChannel,
    TicketStatus,
)
from baotong.servicedesk.schemas import (
    CallbackDone,
    ContactDone,
    InvestigationDone,
    LoadIn,
    Reopen,
    RuleWrite,
    ScriptCreate,
)

from ..conftest import staff
from ..tracking.conftest import T0
from .conftest import AGENT, complaint, inbox, supervisor


def test_a_ticket_goes_through_contact_investigation_and_callback_on_time(
    seeded: sessionmaker[Session], items: dict[str, str]
) -> None:
    with clock.frozen(T0) as now:
        with session_scope(seeded) as session:
            ticket = desk.open_ticket(
                session,
                data=complaint(items["henan"]),
                channel=TicketChannel.PUBLIC,
                principal=staff("public"),
            )
            assert (ticket.status, ticket.province_code, ticket.unit_id) == (
                "contact",
                "410000",
                "XA",
            )
            assert ticket.step_due_at == T0 + timedelta(hours=desk.CONTACT_HOURS)
        now.advance(timedelta(hours=1))
        with session_scope(seeded) as session:
            desk.record_contact(
                session,
                ticket_id=ticket.id,
                principal=AGENT,
                data=ContactDone(expected_by=T0 + timedelta(hours=25), note="已联系，预计明早处理"),
            )
        now.advance(timedelta(hours=20))
        with session_scope(seeded) as session:
            desk.record_findings(
                session,
                ticket_id=ticket.id,
                principal=AGENT,
                data=InvestigationDone(findings="在备份中心滞留，已加班车"),
            )
        now.advance(timedelta(hours=2))
        with session_scope(seeded) as session:
            closed = desk.record_callback(
                session,
                ticket_id=ticket.id,
                principal=AGENT,
                data=CallbackDone(result="已妥投", satisfaction=Satisfaction.SATISFIED),
            )
            assert (closed.status, closed.breaches, closed.closed_at) == ("closed", 0, now.at)
            assert [e.action for e in desk.events_of(session, ticket.id)] == [
                "opened",
                "contacted",
                "investigated",
                "called_back",
            ]
        now.advance(timedelta(days=3))
        assert jobs.fire_due(seeded) == 0  # every deadline was cancelled when its step was done


def test_a_late_step_is_reminded_then_escalated_to_the_province_supervisors(
    seeded: sessionmaker[Session], items: dict[str, str]
) -> None:
    boss = supervisor(seeded)
    with clock.frozen(T0) as now:
        with session_scope(seeded) as session:
            ticket = desk.open_ticket(
                session,
                data=complaint(items["henan"]),
                channel=TicketChannel.AGENT,
                principal=AGENT,
            )
        now.advance(timedelta(hours=1, minutes=31))
        assert jobs.fire_due(seeded) == 1  # the reminder, at three quarters of two hours
        now.advance(timedelta(minutes=30))
        assert jobs.fire_due(seeded) == 1  # the step's end
        with session_scope(seeded, write=False) as session:
            late = desk.get_ticket(session, ticket.id, principal=AGENT)
            assert (late.breaches, late.escalated_at) == (1, now.at)
            assert [t.id for t in desk.overdue(session, principal=AGENT)] == [ticket.id]
            report = desk.sla_report(session, principal=staff())
        assert inbox(seeded, boss) == ["ticket.notice.escalated"]
        assert [(r.key, r.tickets, r.escalated, r.on_time_share) for r in report.by_province] == [
            ("410000", 1, 1, 0.0)
        ]
        with session_scope(seeded) as session:  # done late: the next step starts, logged late
            desk.record_contact(
                session,
                ticket_id=ticket.id,
                principal=AGENT,
                data=ContactDone(expected_by=now.at + timedelta(hours=8)),
            )
            assert desk.events_of(session, ticket.id)[-1].late is True
            assert desk.sla_report(session, principal=staff()).by_unit[0].late_steps == 1


def test_a_step_out_of_turn_is_refused_and_a_closed_ticket_can_be_reopened(
    seeded: sessionmaker[Session], items: dict[str, str]
) -> None:
    with clock.frozen(T0), session_scope(seeded) as session:
        ticket = desk.open_ticket(
            session, data=complaint(items["henan"]), channel=TicketChannel.AGENT, principal=AGENT
        )
        with pytest.raises(ConflictError) as refused:
            desk.record_findings(
                session, ticket_id=ticket.id, principal=AGENT, data=InvestigationDone(findings="x")
            )
        assert refused.value.code == "ticket.wrong_status"
        desk.record_contact(
            session,
            ticket_id=ticket.id,
            principal=AGENT,
            data=ContactDone(expected_by=T0 + timedelta(hours=3)),
        )
        desk.record_findings(
            session, ticket_id=ticket.id, principal=AGENT, data=InvestigationDone(findings="x")
        )
        desk.record_callback(
            session,
            ticket_id=ticket.id,
            principal=AGENT,
            data=CallbackDone(result="未解决", satisfaction=Satisfaction.DISSATISFIED),
        )
        again = desk.reopen(
            session, ticket_id=ticket.id, principal=AGENT, data=Reopen(reason="客户再次投诉")
        )
        assert (again.status, again.reopened, again.closed_at) == (TicketStatus.CONTACT, 1, None)


def test_a_hubei_agent_does_not_see_a_henan_ticket(
    seeded: sessionmaker[Session], items: dict[str, str]
) -> None:
    hubei = Principal(2, "hubei_agent", Role.CS_AGENT, Scope.province("420000"))
    with session_scope(seeded) as session:
        desk.open_ticket(
            session, data=complaint(items["henan"]), channel=TicketChannel.AGENT, principal=AGENT
        )
        assert desk.list_tickets(session, principal=hubei, page=desk.PageRequest()).total == 0
        assert desk.list_tickets(session, principal=AGENT, page=desk.PageRequest()).total == 1


def test_scripts_are_versioned_by_topic_and_chosen_by_the_items_situation(
    seeded: sessionmaker[Session],
) -> None:
    with session_scope(seeded) as session:
        for body in ("v1", "v2"):
            desk.add_script(
                session,
                data=ScriptCreate(topic=ScriptTopic.CONTROLLED_AREA, title="封控区邮件", body=body),
                principal=staff(),
            )
        assert desk.script_for(session, ScriptTopic.CONTROLLED_AREA).body == "v2"  # type: ignore[union-attr]
        assert [
            s.version for s in desk.script_history(session, topic=ScriptTopic.CONTROLLED_AREA)
        ] == [2, 1]
    assert desk.topic_for([]) is ScriptTopic.ENQUIRY


def test_an_overflowing_province_diverts_up_to_the_cap_and_logs_why(
    seeded: sessionmaker[Session], network: Network
) -> None:
    with session_scope(seeded) as session:
        load.feed(
            session,
            network=network,
            principal=staff(),
            figures=[
                LoadIn(
                    province_code="410000",
                    waiting=200,
                    longest_wait_s=900,
                    agents_online=20,
                    handled_per_hour=100,
                ),
                LoadIn(
                    province_code="420000",
                    waiting=5,
                    longest_wait_s=30,
                    agents_online=20,
                    handled_per_hour=100,
                ),
            ],
        )
        load.set_rule(
            session,
            network=network,
            principal=staff(),
            data=RuleWrite(
                province_code="410000",
                max_waiting=50,
                max_wait_s=300,
                targets=["420000", "national"],
                cap=120,
            ),
        )
        made = load.divert(session)
        assert [(d.target, d.contacts, d.reason) for d in made] == [
            ("420000", 15, "waiting"),
            ("national", 105, "waiting"),
        ]
        henan = session.get(load.CallCentreLoad, "410000")
        assert henan is not None
        assert henan.waiting == 80
        seats = load.add_remote_seats(
            session, network=network, province_code="410000", count=10, principal=staff()
        )
        assert (seats.remote_seats, seats.agents_online) == (10, 30)


@pytest.mark.parametrize("first_pass_fails", [False, True])
def test_the_sweep_diverts_and_schedules_itself_again(
    seeded: sessionmaker[Session], network: Network, first_pass_fails: bool,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    """A pass that fails (the telephony's figures unreadable, say) does not stop the sweep:
    the next pass still comes and diverts."""
    if first_pass_fails:
        divert, calls = load.divert, []

        def once_broken(session: Session) -> list[Any]:
            calls.append(1)
            if len(calls) == 1:
                raise RuntimeError("figures unreadable")
            return divert(session)

        monkeypatch.setattr(load, "divert", once_broken)
    with clock.frozen(T0) as now:
        with session_scope(seeded) as session:
            load.set_rule(
                session,
                network=network,
                principal=staff(),
                data=RuleWrite(
                    province_code="410000",
                    max_waiting=10,
                    max_wait_s=60,
                    targets=["national"],
                    cap=50,
                ),
            )
            load.feed(
                session,
                network=network,
                principal=staff(),
                figures=[
                    LoadIn(
                        province_code="410000",
                        waiting=30,
                        longest_wait_s=20,
                        agents_online=3,
                        handled_per_hour=10,
                    )
                ],
            )
        now.advance(timedelta(seconds=load.SWEEP_SECONDS))
        assert jobs.fire_due(seeded) == 1
        now.advance(timedelta(seconds=load.SWEEP_SECONDS))
        assert jobs.fire_due(seeded) == 1  # it came back
        with session_scope(seeded, write=False) as session:
            logged = load.diversions(session, principal=staff(), page=desk.PageRequest())
            assert [(d.contacts, d.target) for d in logged.items] == [(20, "national")]
