"""The duty desk in the service layer: incidents and their timeline, emergency plans
activated in one step, instructions executed first and reported after with deadlines and
escalation, loans that count at the borrower, safety logs and readiness checks."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from baotong import jobs
from baotong.audit.models import AuditEntry
from baotong.auth import service as auth_service
from baotong.auth.permissions import Principal, Role, Scope
from baotong.command import emergency, resources
from baotong.command import jobs as command_jobs  # noqa: F401  (its deadline kinds)
from baotong.command import service as command_service
from baotong.command.excel import ResourceIn
from baotong.command.models import (
    EventType,
    IncidentKind,
    IncidentStatus,
    InstructionStatus,
    LoanStatus,
    Readiness,
    ResourceKind,
)
from baotong.contingency import jobs as contingency_jobs  # noqa: F401  (plan.compute)
from baotong.contingency.models import PlanLifecycle, PlanRun, ScenarioRow, ZoneClaim
from baotong.core import clock
from baotong.core.exceptions import ConflictError, NotFoundError, ValidationError
from baotong.db.session import session_scope
from baotong.network.entities import Network
from baotong.notify.models import Notification

from ..conftest import henan_scenario, staff

NOW = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
DESK = staff("desk")
HUBEI = Principal(0, "hubei_desk", Role.DUTY_OFFICER, Scope.province("420000"))
HENAN = Principal(0, "henan_desk", Role.DUTY_OFFICER, Scope.province("410000"))


def _plan(session: Session, network: Network, **extra: Any) -> int:
    body = {
        "name": "河南全省封控应急预案",
        "province_code": "410000",
        "event_type": EventType.PROVINCE_LOCKDOWN,
        "scenario": henan_scenario(),
        "instructions": [
            {"to_province": "420000", "title": "武汉中心接管河南分区", "hours": 6},
            {"to_province": "610000", "title": "西安中心接管河南分区", "hours": 12},
        ],
        "contacts": [{"name": "河南值班室", "phone": "0371-1"}],
        **extra,
    }
    plan = emergency.EmergencyPlanIn.model_validate(body)
    return emergency.save_plan(session, plan=plan, network=network, principal=DESK).id


def _stock(session: Session) -> tuple[int, int]:
    """Hubei's forklifts (3) and whitelisted sorters (30) at its centre WH."""
    rows = [
        ResourceIn(
            kind=ResourceKind.EQUIPMENT,
            category="forklift",
            name="叉车",
            quantity=3,
            province_code="420000",
            site_id="WH",
        ),
        ResourceIn(
            kind=ResourceKind.PERSON,
            category="sorter",
            name="分拣员",
            quantity=30,
            province_code="420000",
            site_id="WH",
            whitelisted=True,
            closed_loop=True,
        ),
    ]
    added = resources.add_resources(session, rows=rows, principal=DESK)
    return added[0].id, added[1].id


def test_a_lockdown_incident_opens_a_draft_scenario_through_the_planner_and_keeps_a_timeline(
    seeded: sessionmaker[Session], network: Network
) -> None:
    with session_scope(seeded) as session:
        row = command_service.create_incident(
            session,
            kind=IncidentKind.LOCKDOWN_DECLARED,
            title="河南全省封控",
            region="henan",
            network=network,
            principal=DESK,
        )
        assert (row.region_code, row.province_code) == ("410000", "410000")
        assert command_service.suggestion(row).action == "scenario"
        command_service.open_scenario(session, incident_id=row.id, network=network, principal=DESK)
        scenario = session.get(ScenarioRow, row.scenario_id)
        assert scenario is not None
        assert scenario.body["locked_areas"][0]["region"] == "410000"
        assert scenario.body["locked_areas"][0]["level"] == "province"
        assert row.status is IncidentStatus.RESPONDING
        actions = [e.action for e in command_service.timeline(session, row.id, principal=DESK)]
        assert actions == ["timeline.created", "timeline.scenario", "timeline.status"]


def test_an_incident_names_a_site_or_a_region_and_stays_in_the_users_province(
    seeded: sessionmaker[Session], network: Network
) -> None:
    with session_scope(seeded) as session:
        closed = command_service.create_incident(
            session,
            kind=IncidentKind.CENTRE_CLOSED,
            title="",
            site_id="ZZ",
            network=network,
            principal=HENAN,
        )
        assert closed.province_code == "410000"
        body = command_service.scenario_body(session, closed, network)
        assert body["closed_sites"][0]["center_id"] == "ZZ"
        with pytest.raises(ValidationError) as both:
            command_service.create_incident(
                session,
                kind=IncidentKind.ROAD_BLOCKED,
                title="x",
                site_id="ZZ",
                region="410000",
                network=network,
                principal=DESK,
            )
        assert both.value.code == "incident.place"
        with pytest.raises(ValidationError) as outside:
            command_service.create_incident(
                session,
                kind=IncidentKind.ROAD_BLOCKED,
                title="x",
                region="420000",
                network=network,
                principal=HENAN,
            )
        assert outside.value.code == "incident.outside_scope"
        with pytest.raises(NotFoundError):
            command_service.get_incident(session, closed.id, principal=HUBEI)


def test_activating_an_emergency_plan_creates_incident_scenario_plan_run_and_instructions(
    seeded: sessionmaker[Session], network: Network
) -> None:
    with session_scope(seeded) as session:
        plan_id = _plan(session, network)
        incident = emergency.activate(session, plan_id=plan_id, network=network, principal=DESK)
        run = session.get(PlanRun, incident.plan_run_id)
        assert run is not None
        assert run.scenario_id == incident.scenario_id
        assert run.job.kind == "plan.compute"
        assert run.lifecycle is PlanLifecycle.DRAFT
        orders = command_service.list_instructions(
            session, principal=DESK, incident_id=incident.id
        ).items
        assert sorted(i.province_code for i in orders) == ["420000", "610000"]
        assert all(i.status is InstructionStatus.ISSUED and not i.drill for i in orders)
        assert {"type": "plan", "id": run.id} in orders[0].links
        actions = session.scalars(
            select(AuditEntry.action).where(AuditEntry.object_type == "emergency_plan")
        ).all()
        assert "emergency_plan.activate" in actions
        assert emergency.get_plan(session, plan_id, principal=DESK).last_activated_at is not None


def test_a_drill_runs_the_same_steps_in_exercise_mode_and_puts_nothing_in_force(
    seeded: sessionmaker[Session], network: Network
) -> None:
    with session_scope(seeded) as session:
        plan_id = _plan(session, network)
        with pytest.raises(ConflictError) as provincial:  # it instructs other provinces
            emergency.activate(session, plan_id=plan_id, network=network, principal=HENAN)
        assert provincial.value.code == "emergency_plan.national_only"
        incident = emergency.activate(
            session, plan_id=plan_id, network=network, principal=DESK, drill=True
        )
        assert incident.drill
        assert incident.plan_run_id is not None
        orders = command_service.list_instructions(
            session, principal=DESK, incident_id=incident.id
        ).items
        assert len(orders) == 2
        assert all(i.drill for i in orders)
        assert session.scalar(select(func.count()).select_from(ZoneClaim)) == 0
        assert emergency.get_plan(session, plan_id, principal=DESK).last_activated_at is None
        assert command_service.compliance(session, principal=DESK) == []  # drills don't count


def test_an_instruction_is_executed_first_and_reported_after_with_an_objection_beside_it(
    seeded: sessionmaker[Session], network: Network
) -> None:
    with clock.frozen(NOW) as frozen, session_scope(seeded) as session:
        order = command_service.issue(
            session,
            title="武汉中心接管信阳分区",
            body="",
            principal=DESK,
            execute_by=NOW + timedelta(hours=6),
            to_province="420000",
        )
        with pytest.raises(ConflictError) as early:
            command_service.report(session, instruction_id=order.id, result="x", principal=HUBEI)
        assert early.value.code == "instruction.wrong_status"
        with pytest.raises(NotFoundError):
            command_service.receive(session, instruction_id=order.id, principal=HENAN)
        frozen.advance(timedelta(hours=1, minutes=30))  # late for receipt: execution still goes
        done = command_service.execute(
            session, instruction_id=order.id, principal=HUBEI, execution="已启用分拣封发关系"
        )
        assert done.status is InstructionStatus.EXECUTED
        assert done.received_by == "hubei_desk"
        done = command_service.report(
            session,
            instruction_id=order.id,
            principal=HUBEI,
            result="已接收 4 万件",
            objection="武汉负荷已达 92%",
        )
        assert (done.status, done.objection) == (InstructionStatus.REPORTED, "武汉负荷已达 92%")
        board = command_service.compliance(session, principal=DESK)
        assert [(c.province_code, c.objections, c.on_time, c.overdue) for c in board] == [
            ("420000", 1, 1, 0)
        ]


def test_a_late_step_escalates_through_the_deadline_sweep_and_tells_the_duty_officers(
    seeded: sessionmaker[Session], network: Network
) -> None:
    with session_scope(seeded) as session:
        auth_service.create_user(
            session,
            username="wuhan",
            password="correct horse",
            role="duty_officer",
            province_code="420000",
        )
        auth_service.create_user(
            session,
            username="zhengzhou",
            password="correct horse",
            role="duty_officer",
            province_code="410000",
        )
    with clock.frozen(NOW) as frozen:
        with session_scope(seeded) as session:
            order = command_service.issue(
                session,
                title="启用备份",
                body="",
                principal=DESK,
                execute_by=NOW + timedelta(hours=6),
                to_province="420000",
            )
            order_id = order.id
        frozen.advance(timedelta(minutes=59))
        assert jobs.fire_due(seeded) == 0
        frozen.advance(timedelta(minutes=2))
        assert jobs.fire_due(seeded) == 1
        with session_scope(seeded, write=False) as session:
            row = command_service.get_instruction(session, order_id, principal=DESK)
            assert row.escalations == 1
            assert row.status is InstructionStatus.ISSUED
            late = command_service.list_instructions(session, principal=DESK, overdue=True)
            assert [i.id for i in late.items] == [order_id]
            told = session.execute(select(Notification.key, Notification.user_id)).all()
            assert [k for k, _ in told] == ["command.notice.instruction_late"]
        with session_scope(seeded) as session:  # received late: the next step's clock starts
            command_service.receive(session, instruction_id=order_id, principal=HUBEI)
        frozen.advance(timedelta(hours=4))
        assert jobs.fire_due(seeded) == 0


def test_a_loan_counts_at_the_borrower_while_lent_and_returns_on_its_date(
    seeded: sessionmaker[Session], network: Network
) -> None:
    with clock.frozen(NOW) as frozen:
        with session_scope(seeded) as session:
            forklifts, sorters = _stock(session)
            loans = [
                resources.request_loan(
                    session,
                    resource_id=rid,
                    quantity=n,
                    to_province="410000",
                    to_site="ZZ",
                    return_on=date(2026, 12, 8),
                    principal=HENAN,
                ).id
                for rid, n in ((forklifts, 1), (sorters, 10))
            ]
            with pytest.raises(ConflictError) as not_lender:
                resources.approve_loan(session, loan_id=loans[0], principal=HENAN)
            assert not_lender.value.code == "loan.not_lender"
            for loan_id in loans:
                resources.approve_loan(session, loan_id=loan_id, principal=HUBEI)
            stock = resources.inventory(session, principal=DESK)
            assert stock.at_hand("420000", ResourceKind.EQUIPMENT, "forklift") == 2
            assert stock.at_hand("410000", ResourceKind.EQUIPMENT, "forklift") == 1
            assert stock.at_hand("410000", ResourceKind.PERSON, "sorter") == 10
            henan = list(resources.inventory(session, principal=HENAN).holdings)
            assert {(h.category, h.borrowed, h.whitelisted) for h in henan} == {
                ("forklift", 1, 0),
                ("sorter", 10, 10),
            }
            with pytest.raises(ValidationError) as too_many:
                resources.request_loan(
                    session,
                    resource_id=forklifts,
                    quantity=3,
                    to_province="410000",
                    return_on=date(2026, 12, 8),
                    principal=HUBEI,
                )
            assert too_many.value.code == "loan.bad_quantity"
        frozen.advance(timedelta(days=7))
        assert jobs.fire_due(seeded) >= 2
        with session_scope(seeded, write=False) as session:
            statuses = {resources.get_loan(session, i, principal=DESK).status for i in loans}
            assert statuses == {LoanStatus.RETURNED}
            stock = resources.inventory(session, principal=DESK)
            assert stock.at_hand("420000", ResourceKind.EQUIPMENT, "forklift") == 3
            assert stock.at_hand("410000", ResourceKind.PERSON, "sorter") == 0


def test_two_approvals_never_lend_more_than_there_is(
    seeded: sessionmaker[Session], network: Network
) -> None:
    with clock.frozen(NOW), session_scope(seeded) as session:
        forklifts, _ = _stock(session)
        first, second = (
            resources.request_loan(
                session,
                resource_id=forklifts,
                quantity=2,
                to_province="410000",
                return_on=date(2026, 12, 8),
                principal=HENAN,
            ).id
            for _ in range(2)
        )
        resources.approve_loan(session, loan_id=first, principal=HUBEI)
        with pytest.raises(ConflictError) as short, session.begin_nested():
            resources.approve_loan(session, loan_id=second, principal=HUBEI)
        assert short.value.code == "loan.not_available"


def test_a_missing_safety_log_alerts_the_duty_officers_of_its_province(
    seeded: sessionmaker[Session], network: Network
) -> None:
    with session_scope(seeded) as session:
        auth_service.create_user(
            session,
            username="wuhan",
            password="correct horse",
            role="duty_officer",
            province_code="420000",
        )
    with clock.frozen(NOW) as frozen:
        with session_scope(seeded) as session:
            _stock(session)  # people at WH: the site keeps a log
            assert resources.missing_logs(session, day=NOW.date(), principal=None) == {
                "WH": "420000"
            }
        frozen.advance(timedelta(hours=12, minutes=1))  # past 20:00 UTC
        assert jobs.fire_due(seeded) >= 1
        with session_scope(seeded) as session:
            keys = session.scalars(select(Notification.key)).all()
            assert "command.notice.safety_missing" in keys
            resources.file_safety_log(
                session,
                site_id="WH",
                day=NOW.date(),
                disinfected=True,
                protection=True,
                tests=30,
                positives=0,
                note="",
                principal=HUBEI,
            )
            assert resources.missing_logs(session, day=NOW.date(), principal=None) == {}
            with pytest.raises(ConflictError), session.begin_nested():
                resources.file_safety_log(
                    session,
                    site_id="WH",
                    day=NOW.date(),
                    disinfected=True,
                    protection=True,
                    tests=0,
                    positives=0,
                    note="",
                    principal=HUBEI,
                )


def test_readiness_shows_the_gaps_of_a_plan_whose_resources_were_lent_away(
    seeded: sessionmaker[Session], network: Network
) -> None:
    with clock.frozen(NOW), session_scope(seeded) as session:
        forklifts, _ = _stock(session)
        plan_id = _plan(
            session,
            network,
            province_code="420000",
            resources=[{"resource_id": forklifts, "quantity": 3}],
        )
        plan = emergency.get_plan(session, plan_id, principal=DESK)
        assert plan.readiness is Readiness.READY
        loan = resources.request_loan(
            session,
            resource_id=forklifts,
            quantity=1,
            to_province="410000",
            return_on=date(2026, 12, 8),
            principal=HUBEI,
        )
        resources.approve_loan(session, loan_id=loan.id, principal=HUBEI)
        assert [p.id for p in emergency.check_all(session)] == [plan_id]
        assert plan.readiness is Readiness.GAPS
        assert plan.readiness_problems == ["叉车: 2 at home, 3 committed"]
