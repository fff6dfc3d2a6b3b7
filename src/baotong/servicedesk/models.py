"""Database rows of the service desk: tickets and their history, scripts, call-centre load,
diversion rules and the diversions made, and the public channels."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from baotong.core.enums import LabelledEnum
from baotong.core.i18n import N_
from baotong.db.base import Base
from baotong.db.types import enum_type
from baotong.network.entities import SiteStatus
from baotong.tracking.models import BigId


class TicketStatus(LabelledEnum):
    """The step a ticket is at: who must act next."""

    CONTACT = "contact", "orange"  # the province contacts the customer
    INVESTIGATE = "investigate", "blue"  # the production unit investigates
    CALLBACK = "callback", "purple"  # the 11183 team calls back
    CLOSED = "closed", "green"


class TicketCategory(LabelledEnum):
    DELAY = "delay", "orange"
    CONTROLLED_AREA = "controlled_area", "red"
    LOST = "lost", "red"
    DAMAGED = "damaged", "purple"
    DELIVERY = "delivery", "blue"
    OTHER = "other", "gray"


class TicketChannel(LabelledEnum):
    AGENT = "agent", "blue"
    PUBLIC = "public", "teal"


class Satisfaction(LabelledEnum):
    SATISFIED = "satisfied", "green"
    NEUTRAL = "neutral", "yellow"
    DISSATISFIED = "dissatisfied", "red"


class ScriptTopic(LabelledEnum):
    COLLECTION = "collection", "blue"
    ENQUIRY = "enquiry", "teal"
    CONTROLLED_AREA = "controlled_area", "red"
    COMPLAINT = "complaint", "orange"


class ChannelKind(LabelledEnum):
    COUNTER = "counter", "blue"
    OWN_ELECTRONIC = "own_electronic", "teal"
    PLATFORM = "platform", "purple"


N_("error.ticket.wrong_status")
N_("error.ticket.not_found")


class Ticket(Base):
    """An urgent ticket: the item (or another subject), the customer, the category, and
    where its flow stands."""

    __tablename__ = "tickets"
    noun = "ticket"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    item_id: Mapped[int | None] = mapped_column(
        ForeignKey("mail_items.id", ondelete="CASCADE"), index=True
    )  # None: the ticket is about something else than a mail item (its subject)
    item_number: Mapped[str | None] = mapped_column(String(13), index=True)
    # What the ticket is about when it is not a tracked item: a kind (``group_order``) and
    # that object's reference (the group order's number) — see ``TicketSubject``.
    subject_kind: Mapped[str | None] = mapped_column(String(16))
    subject_ref: Mapped[str | None] = mapped_column(String(32), index=True)
    category: Mapped[TicketCategory] = mapped_column(enum_type(TicketCategory))
    channel: Mapped[TicketChannel] = mapped_column(enum_type(TicketChannel))
    contact_name: Mapped[str] = mapped_column(String(100))
    contact_phone: Mapped[str] = mapped_column(String(40))
    description: Mapped[str] = mapped_column(Text, default="")
    province_code: Mapped[str] = mapped_column(String(6), index=True)  # responsible province
    intake_province_code: Mapped[str] = mapped_column(String(6), index=True)
    unit_id: Mapped[str] = mapped_column(String(64), index=True)  # production unit (site)
    status: Mapped[TicketStatus] = mapped_column(enum_type(TicketStatus), index=True)
    step_due_at: Mapped[datetime | None] = mapped_column(index=True)
    expected_by: Mapped[datetime | None]  # the processing time the province promised
    contact_note: Mapped[str] = mapped_column(Text, default="")
    findings: Mapped[str] = mapped_column(Text, default="")
    callback_result: Mapped[str] = mapped_column(Text, default="")
    satisfaction: Mapped[Satisfaction | None] = mapped_column(enum_type(Satisfaction))
    breaches: Mapped[int] = mapped_column(Integer, default=0)
    escalated_at: Mapped[datetime | None]
    reopened: Mapped[int] = mapped_column(Integer, default=0)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]


class TicketEvent(Base):
    """One entry of a ticket's history: a step done, a reminder, a breach, an escalation."""

    __tablename__ = "ticket_events"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(32))
    step: Mapped[TicketStatus] = mapped_column(enum_type(TicketStatus))
    note: Mapped[str] = mapped_column(Text, default="")
    late: Mapped[bool] = mapped_column(Boolean, default=False)


class AgentScript(Base):
    """One version of the script (话术) of a topic; the highest version is in use."""

    __tablename__ = "agent_scripts"
    __table_args__ = (UniqueConstraint("topic", "version", name="uq_agent_scripts_topic_version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    topic: Mapped[ScriptTopic] = mapped_column(enum_type(ScriptTopic, length=32))
    version: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]


class CallCentreLoad(Base):
    """A province's call centre now: contacts waiting, the longest wait, agents online."""

    __tablename__ = "call_centre_load"

    province_code: Mapped[str] = mapped_column(String(6), primary_key=True)
    waiting: Mapped[int] = mapped_column(Integer, default=0)
    longest_wait_s: Mapped[int] = mapped_column(Integer, default=0)
    agents_online: Mapped[int] = mapped_column(Integer, default=0)  # remote seats included
    remote_seats: Mapped[int] = mapped_column(Integer, default=0)  # VPN seats added
    handled_per_hour: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime]


class DiversionRule(Base):
    """When a province overflows (waiting > ``max_waiting`` or the longest wait >
    ``max_wait_s``), up to ``cap`` contacts a sweep go to ``targets`` in order (province
    codes, or ``national``)."""

    __tablename__ = "diversion_rules"

    province_code: Mapped[str] = mapped_column(String(6), primary_key=True)
    max_waiting: Mapped[int] = mapped_column(Integer)
    max_wait_s: Mapped[int] = mapped_column(Integer)
    targets: Mapped[list[Any]]
    cap: Mapped[int] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_by: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime]


class Diversion(Base):
    """Contacts the sweep moved from one province's centre to another, and why."""

    __tablename__ = "diversions"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(index=True)
    province_code: Mapped[str] = mapped_column(String(6), index=True)
    target: Mapped[str] = mapped_column(String(16))
    contacts: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(16))  # waiting | wait
    waiting: Mapped[int] = mapped_column(Integer)  # before the diversion
    longest_wait_s: Mapped[int] = mapped_column(Integer)


class PublicChannel(Base):
    """A channel the public reaches the post through, in a province, and whether it is open."""

    __tablename__ = "public_channels"
    __table_args__ = (
        UniqueConstraint("province_code", "kind", "name", name="uq_public_channels_name"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    province_code: Mapped[str] = mapped_column(String(6), index=True)
    kind: Mapped[ChannelKind] = mapped_column(enum_type(ChannelKind))
    name: Mapped[str] = mapped_column(String(100))
    status: Mapped[SiteStatus] = mapped_column(enum_type(SiteStatus))
    reason: Mapped[str] = mapped_column(Text, default="")
    since: Mapped[datetime]
    changed_by: Mapped[str] = mapped_column(String(64))
