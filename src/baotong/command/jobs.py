"""Deadline kinds of command and dispatch, fired by the platform's sweep (``baotong.jobs``).

- ``command.instruction.late``: an instruction's step (receive, execute, report) was not
  done by its deadline — the instruction is escalated and the duty officers of the
  recipient's province (and the national desk) are told.
- ``command.loan.return``: a loan's return date came — the resource goes home.
- ``command.safety.missing``: every evening, the sites that keep a safety log and did not
  file today's — their provinces' duty officers are told; the check schedules the next.
- ``command.plan.readiness``: every night, each emergency plan's readiness is checked —
  a plan with gaps is reported to its province's duty officers; the check schedules the
  next.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from baotong import jobs
from baotong.auth.permissions import Principal, Role
from baotong.command import emergency, resources
from baotong.command import service as command_service
from baotong.command.models import Loan, LoanStatus
from baotong.core import clock
from baotong.core.i18n import N_
from baotong.notify import service as notify

SYSTEM = Principal.system("deadline")


def instruction_late(session: Session, deadline: jobs.Deadline) -> None:
    row = command_service.escalate(
        session, instruction_id=int(deadline.subject_id), step=str(deadline.payload.get("step", ""))
    )
    if row is None:
        return
    notify.send(
        session,
        key=N_("command.notice.instruction_late"),
        params={"id": row.id, "title": row.title, "step": row.status.value},
        link=f"/command/instructions/{row.id}",
        to_role=Role.DUTY_OFFICER,
        province_code=row.province_code,
        subject_type="instruction",
        subject_id=str(row.id),
    )


def loan_return(session: Session, deadline: jobs.Deadline) -> None:
    loan = session.get(Loan, int(deadline.subject_id))
    if loan is None or loan.status is not LoanStatus.APPROVED:
        return
    resources.return_loan(session, loan_id=loan.id, principal=SYSTEM)


def safety_missing(session: Session, deadline: jobs.Deadline) -> None:
    day = clock.now().date()
    missing = resources.missing_logs(session, day=day, principal=None)
    for province, sites in resources.missing_by_province(missing).items():
        notify.send(
            session,
            key=N_("command.notice.safety_missing"),
            params={"count": len(sites), "sites": ", ".join(sites), "day": day.isoformat()},
            link="/command/safety",
            to_role=Role.DUTY_OFFICER,
            province_code=province,
            subject_type="safety_log",
            subject_id=day.isoformat(),
        )
    command_service.ensure_nightly(
        session, resources.SAFETY, resources.next_safety_check(clock.now())
    )


def readiness(session: Session, deadline: jobs.Deadline) -> None:
    for plan in emergency.check_all(session):
        notify.send(
            session,
            key=N_("command.notice.plan_gaps"),
            params={"name": plan.name, "count": len(plan.readiness_problems)},
            link=f"/command/emergency-plans/{plan.id}",
            to_role=Role.DUTY_OFFICER,
            province_code=plan.province_code,
            subject_type="emergency_plan",
            subject_id=str(plan.id),
        )
    command_service.ensure_nightly(
        session, emergency.READINESS, emergency.next_readiness_check(clock.now())
    )


jobs.register_deadline(command_service.LATE, instruction_late)
jobs.register_deadline(resources.RETURN, loan_return)
jobs.register_deadline(resources.SAFETY, safety_missing)
jobs.register_deadline(emergency.READINESS, readiness)
