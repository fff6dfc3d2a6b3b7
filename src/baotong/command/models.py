"""Database rows of command and dispatch: incidents and their timeline, instructions,
resources and their loans, daily safety logs, emergency plans.

Every row is filed under a province (``province_code``): a provincial user's lists filter
on it in SQL. An instruction is filed under its recipient's province (and names its
issuer's, ``issuer_province``, None for the national group); a loan under the lender's
and the borrower's. A national incident (a region spanning provinces) leaves it empty.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from baotong.core.enums import LabelledEnum
from baotong.core.i18n import N_
from baotong.db.base import Base
from baotong.db.types import enum_type


class IncidentKind(LabelledEnum):
    CENTRE_CLOSED = "centre_closed", "red"
    OUTLET_CLOSED = "outlet_closed", "orange"
    ROAD_BLOCKED = "road_blocked", "yellow"
    STAFF_SHORTAGE = "staff_shortage", "purple"
    LOCKDOWN_DECLARED = "lockdown_declared", "red"
    LOCKDOWN_LIFTED = "lockdown_lifted", "green"


class Severity(LabelledEnum):
    LOW = "low", "gray"
    MEDIUM = "medium", "yellow"
    HIGH = "high", "orange"
    CRITICAL = "critical", "red"


class IncidentStatus(LabelledEnum):
    OPEN = "open", "red"
    RESPONDING = "responding", "orange"
    CLOSED = "closed", "green"


class InstructionStatus(LabelledEnum):
    ISSUED = "issued", "blue"
    RECEIVED = "received", "purple"
    EXECUTED = "executed", "orange"
    REPORTED = "reported", "green"


class EventType(LabelledEnum):
    """What an emergency plan (应急预案) is prepared for."""

    PROVINCE_LOCKDOWN = "province_lockdown", "red"
    CITY_LOCKDOWN = "city_lockdown", "orange"
    FLOOD = "flood", "blue"
    HUB_FIRE = "hub_fire", "purple"


class Readiness(LabelledEnum):
    UNCHECKED = "unchecked", "gray"
    READY = "ready", "green"
    GAPS = "gaps", "orange"


class ResourceKind(LabelledEnum):
    PERSON = "person", "blue"
    VEHICLE = "vehicle", "teal"
    EQUIPMENT = "equipment", "purple"


class EquipmentType(LabelledEnum):
    SORTER = "sorter", "purple"
    FORKLIFT = "forklift", "orange"
    SCANNER = "scanner", "teal"
    PROTECTIVE = "protective", "green"


class LoanStatus(LabelledEnum):
    REQUESTED = "requested", "blue"
    APPROVED = "approved", "orange"  # lent: counts at the borrower
    REFUSED = "refused", "red"
    RETURNED = "returned", "green"


# transition() names its errors after the noun and the column; their words are here.
N_("error.incident.wrong_status")
N_("error.incident.not_found")
N_("error.instruction.wrong_status")
N_("error.instruction.not_found")
N_("error.loan.wrong_status")
N_("error.loan.not_found")


class Incident(Base):
    """Something that happened in the network and the response to it."""

    __tablename__ = "command_incidents"
    noun = "incident"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[IncidentKind] = mapped_column(enum_type(IncidentKind, length=24), index=True)
    severity: Mapped[Severity] = mapped_column(enum_type(Severity))
    status: Mapped[IncidentStatus] = mapped_column(enum_type(IncidentStatus), index=True)
    site_id: Mapped[str | None] = mapped_column(String(64))
    region_code: Mapped[str | None] = mapped_column(String(12))
    province_code: Mapped[str | None] = mapped_column(String(6), index=True)
    occurred_at: Mapped[datetime]
    source: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    drill: Mapped[bool] = mapped_column(Boolean, default=False)
    emergency_plan_id: Mapped[int | None] = mapped_column(
        ForeignKey("command_emergency_plans.id", ondelete="SET NULL")
    )
    scenario_id: Mapped[int | None] = mapped_column(ForeignKey("scenarios.id", ondelete="SET NULL"))
    plan_run_id: Mapped[int | None] = mapped_column(ForeignKey("plan_runs.id", ondelete="SET NULL"))
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    closed_by: Mapped[str | None] = mapped_column(String(64))
    closed_at: Mapped[datetime | None]


class IncidentEvent(Base):
    """One line of an incident's timeline: ``action`` is a catalogue key, filled with
    ``params``."""

    __tablename__ = "command_incident_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    incident_id: Mapped[int] = mapped_column(
        ForeignKey("command_incidents.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))
    params: Mapped[dict[str, Any]] = mapped_column(default=dict)
    link: Mapped[str | None] = mapped_column(String(200))


class Instruction(Base):
    """An order sent down the network: executed first, reported after."""

    __tablename__ = "command_instructions"
    noun = "instruction"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    incident_id: Mapped[int | None] = mapped_column(
        ForeignKey("command_incidents.id", ondelete="SET NULL"), index=True
    )
    issuer_province: Mapped[str | None] = mapped_column(String(6), index=True)
    province_code: Mapped[str] = mapped_column(String(6), index=True)  # the recipient's
    site_id: Mapped[str | None] = mapped_column(String(64))  # a site, for a province's order
    links: Mapped[list[Any]] = mapped_column(default=list)  # [{"type": "plan", "id": "7"}]
    status: Mapped[InstructionStatus] = mapped_column(enum_type(InstructionStatus), index=True)
    drill: Mapped[bool] = mapped_column(Boolean, default=False)
    issued_by: Mapped[str] = mapped_column(String(64))
    issued_at: Mapped[datetime]
    receive_by: Mapped[datetime]
    execute_by: Mapped[datetime]
    report_by: Mapped[datetime]
    received_by: Mapped[str | None] = mapped_column(String(64))
    received_at: Mapped[datetime | None]
    executed_by: Mapped[str | None] = mapped_column(String(64))
    executed_at: Mapped[datetime | None]
    execution: Mapped[str | None] = mapped_column(Text)
    reported_by: Mapped[str | None] = mapped_column(String(64))
    reported_at: Mapped[datetime | None]
    result: Mapped[str | None] = mapped_column(Text)
    objection: Mapped[str | None] = mapped_column(Text)
    escalations: Mapped[int] = mapped_column(Integer, default=0)
    escalated_at: Mapped[datetime | None]

    @property
    def due_at(self) -> datetime | None:
        """When the step it waits for is due; None once reported."""
        return {
            InstructionStatus.ISSUED: self.receive_by,
            InstructionStatus.RECEIVED: self.execute_by,
            InstructionStatus.EXECUTED: self.report_by,
        }.get(self.status)


class Resource(Base):
    """People, a vehicle or equipment at home in a province (and a site): ``quantity`` of
    them, ``lent`` of which are out on approved loans."""

    __tablename__ = "command_resources"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[ResourceKind] = mapped_column(enum_type(ResourceKind), index=True)
    category: Mapped[str] = mapped_column(String(64))  # a role, a vehicle type, equipment type
    name: Mapped[str] = mapped_column(String(200))
    quantity: Mapped[int] = mapped_column(Integer, default=1)
    lent: Mapped[int] = mapped_column(Integer, default=0)
    province_code: Mapped[str] = mapped_column(String(6), index=True)
    site_id: Mapped[str | None] = mapped_column(String(64))
    whitelisted: Mapped[bool] = mapped_column(Boolean, default=False)
    closed_loop: Mapped[bool] = mapped_column(Boolean, default=False)
    plate: Mapped[str | None] = mapped_column(String(32))
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]


class Loan(Base):
    """Resources lent from one province (or city) to another until ``return_on``."""

    __tablename__ = "command_loans"
    noun = "loan"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    resource_id: Mapped[int] = mapped_column(
        ForeignKey("command_resources.id", ondelete="CASCADE"), index=True
    )
    quantity: Mapped[int] = mapped_column(Integer)
    from_province: Mapped[str] = mapped_column(String(6), index=True)
    to_province: Mapped[str] = mapped_column(String(6), index=True)
    to_site: Mapped[str | None] = mapped_column(String(64))
    incident_id: Mapped[int | None] = mapped_column(
        ForeignKey("command_incidents.id", ondelete="SET NULL")
    )
    reason: Mapped[str] = mapped_column(Text, default="")
    return_on: Mapped[date]
    status: Mapped[LoanStatus] = mapped_column(enum_type(LoanStatus), index=True)
    requested_by: Mapped[str] = mapped_column(String(64))
    requested_at: Mapped[datetime]
    decided_by: Mapped[str | None] = mapped_column(String(64))
    decided_at: Mapped[datetime | None]
    returned_at: Mapped[datetime | None]


class SafetyLog(Base):
    """A site's epidemic-safety log of one day: disinfection, protection, tests."""

    __tablename__ = "command_safety_logs"
    __table_args__ = (UniqueConstraint("site_id", "day"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    site_id: Mapped[str] = mapped_column(String(64))
    province_code: Mapped[str] = mapped_column(String(6), index=True)
    day: Mapped[date] = mapped_column(index=True)
    disinfected: Mapped[bool] = mapped_column(Boolean, default=False)
    protection: Mapped[bool] = mapped_column(Boolean, default=False)
    tests: Mapped[int] = mapped_column(Integer, default=0)
    positives: Mapped[int] = mapped_column(Integer, default=0)
    note: Mapped[str] = mapped_column(Text, default="")
    filed_by: Mapped[str] = mapped_column(String(64))
    filed_at: Mapped[datetime]


class EmergencyPlan(Base):
    """A province's prepared response (应急预案) to one type of event."""

    __tablename__ = "command_emergency_plans"
    __table_args__ = (UniqueConstraint("province_code", "event_type"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(200))
    province_code: Mapped[str] = mapped_column(String(6), index=True)
    event_type: Mapped[EventType] = mapped_column(enum_type(EventType, length=24))
    scenario: Mapped[dict[str, Any]]  # the planner scenario template
    instructions: Mapped[list[Any]]  # [{"to_province", "title", "body", "hours"}]
    resources: Mapped[list[Any]]  # [{"resource_id", "quantity"}]
    contacts: Mapped[list[Any]]  # [{"name", "role", "phone"}]
    checklist: Mapped[list[Any]]  # ["..."]
    passes: Mapped[list[Any]]  # planned: [{"area", "vehicles", "valid_until"}]
    readiness: Mapped[Readiness] = mapped_column(enum_type(Readiness))
    readiness_problems: Mapped[list[Any]] = mapped_column(default=list)
    readiness_checked_at: Mapped[datetime | None]
    last_activated_at: Mapped[datetime | None]
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
