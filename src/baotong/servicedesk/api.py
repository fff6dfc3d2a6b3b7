"""``/api/v1/tickets`` (urgent tickets and their steps), ``/api/v1/scripts``,
``/api/v1/callcentre`` (load, seats, rules, diversions, the surge simulator),
``/api/v1/channels``; and the public ``/api/v1/public/complaints`` and
``/api/v1/public/channels`` (no login, rate-limited)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Response

from baotong.api.deps import CurrentNetwork, DbSession, Paging, require, with_total
from baotong.auth.permissions import Permission, Principal
from baotong.servicedesk import jobs as _registers_deadlines  # noqa: F401
from baotong.servicedesk import load, service
from baotong.servicedesk.models import ScriptTopic, TicketChannel, TicketStatus
from baotong.servicedesk.schemas import (
    CallbackDone,
    ChannelRead,
    ChannelWrite,
    ContactDone,
    DiversionRead,
    InvestigationDone,
    LoadIn,
    LoadRead,
    PublicTicketRead,
    Reopen,
    RuleRead,
    RuleWrite,
    ScriptCreate,
    ScriptRead,
    SeatsAdd,
    SlaReport,
    SurgeIn,
    TicketCreate,
    TicketDetail,
    TicketEventRead,
    TicketRead,
    Transfer,
)
from baotong.tracking.public import RateLimited

router = APIRouter(tags=["servicedesk"])
TicketReader = Annotated[Principal, Depends(require(Permission.TICKETS_READ))]
Writer = Annotated[Principal, Depends(require(Permission.TICKETS_WRITE))]
Investigator = Annotated[Principal, Depends(require(Permission.TICKETS_INVESTIGATE))]
Reader = Annotated[Principal, Depends(require(Permission.SERVICEDESK_READ))]  # the desk's tools
Manager = Annotated[Principal, Depends(require(Permission.SERVICEDESK_MANAGE))]
PUBLIC = Principal.system("public")


# -- public -----------------------------------------------------------------------------
@router.post("/public/complaints", response_model=PublicTicketRead, status_code=201,
             dependencies=[RateLimited])  # fmt: skip
def complain(data: TicketCreate, session: DbSession) -> PublicTicketRead:
    """A complaint from the public tracking page: an urgent ticket for the item."""
    ticket = service.open_ticket(session, data=data, channel=TicketChannel.PUBLIC, principal=PUBLIC)
    return PublicTicketRead.model_validate(ticket, from_attributes=True)


@router.get("/public/channels", response_model=list[ChannelRead], dependencies=[RateLimited])
def public_channels(session: DbSession, province: str | None = None) -> list[ChannelRead]:
    """Counters, own e-channels and public platforms: open, limited or closed, and why."""
    return [ChannelRead.model_validate(c) for c in load.channels(session, province_code=province)]


# -- tickets ----------------------------------------------------------------------------
@router.get("/tickets", response_model=list[TicketRead])
def list_tickets(
    session: DbSession, user: TicketReader, paging: Paging, response: Response,
    status: TicketStatus | None = None, overdue: bool = False, number: str | None = None,
) -> list[TicketRead]:  # fmt: skip
    page = service.list_tickets(session, principal=user, page=paging, status=status,
                                overdue=overdue, number=number)  # fmt: skip
    with_total(response, page)
    return [TicketRead.model_validate(t) for t in page.items]


@router.post("/tickets", response_model=TicketRead, status_code=201)
def open_ticket(data: TicketCreate, session: DbSession, user: Writer) -> TicketRead:
    """A complaint taken by an agent on the phone."""
    ticket = service.open_ticket(session, data=data, channel=TicketChannel.AGENT, principal=user)
    return TicketRead.model_validate(ticket)


def _detail(session: DbSession, ticket_id: int, user: Principal) -> TicketDetail:
    ticket = service.get_ticket(session, ticket_id, principal=user)
    events = [TicketEventRead.model_validate(e) for e in service.events_of(session, ticket.id)]
    return TicketDetail.model_validate({**TicketRead.model_validate(ticket).model_dump(),
                                        "events": events})  # fmt: skip


@router.get("/tickets/{ticket_id}", response_model=TicketDetail)
def get_ticket(ticket_id: int, session: DbSession, user: TicketReader) -> TicketDetail:
    return _detail(session, ticket_id, user)


@router.post("/tickets/{ticket_id}/contact", response_model=TicketDetail)
def contact(ticket_id: int, data: ContactDone, session: DbSession, user: Writer) -> TicketDetail:
    service.record_contact(session, ticket_id=ticket_id, data=data, principal=user)
    return _detail(session, ticket_id, user)


@router.post("/tickets/{ticket_id}/investigation", response_model=TicketDetail)
def investigation(
    ticket_id: int, data: InvestigationDone, session: DbSession, user: Investigator
) -> TicketDetail:
    service.record_findings(session, ticket_id=ticket_id, data=data, principal=user)
    return _detail(session, ticket_id, user)


@router.post("/tickets/{ticket_id}/callback", response_model=TicketDetail)
def callback(ticket_id: int, data: CallbackDone, session: DbSession, user: Writer) -> TicketDetail:
    service.record_callback(session, ticket_id=ticket_id, data=data, principal=user)
    return _detail(session, ticket_id, user)


@router.post("/tickets/{ticket_id}/transfer", response_model=TicketDetail)
def transfer(
    ticket_id: int, data: Transfer, session: DbSession, user: Investigator
) -> TicketDetail:
    """Hand the investigation to another production unit (the agents or the unit itself)."""
    service.transfer(session, ticket_id=ticket_id, data=data, principal=user)
    return _detail(session, ticket_id, user)


@router.post("/tickets/{ticket_id}/reopen", response_model=TicketDetail)
def reopen(ticket_id: int, data: Reopen, session: DbSession, user: Writer) -> TicketDetail:
    service.reopen(session, ticket_id=ticket_id, data=data, principal=user)
    return _detail(session, ticket_id, user)


@router.get("/servicedesk/sla", response_model=SlaReport)
def sla(session: DbSession, user: Reader) -> SlaReport:
    """Tickets per responsible province and production unit: late steps and escalations."""
    return service.sla_report(session, principal=user)


# -- scripts ----------------------------------------------------------------------------
@router.get("/scripts", response_model=list[ScriptRead])
def scripts(session: DbSession, _: Reader, topic: ScriptTopic | None = None) -> list[ScriptRead]:
    """The scripts in use (one per topic), or every version of ``topic``."""
    rows = (
        service.script_history(session, topic=topic)
        if topic
        else list(service.current_scripts(session).values())
    )
    return [ScriptRead.model_validate(r) for r in rows]


@router.post("/scripts", response_model=ScriptRead, status_code=201)
def add_script(data: ScriptCreate, session: DbSession, user: Manager) -> ScriptRead:
    return ScriptRead.model_validate(service.add_script(session, data=data, principal=user))


# -- call-centre load -------------------------------------------------------------------
@router.get("/callcentre/load", response_model=list[LoadRead])
def call_centre_load(session: DbSession, user: Reader) -> list[LoadRead]:
    return [LoadRead.model_validate(r) for r in load.loads(session, principal=user)]


@router.post("/callcentre/load", response_model=list[LoadRead])
def feed_load(
    figures: list[LoadIn], session: DbSession, network: CurrentNetwork, user: Manager
) -> list[LoadRead]:
    """Figures from the telephony, one entry per province."""
    rows = load.feed(session, network=network, figures=figures, principal=user)
    return [LoadRead.model_validate(r) for r in rows]


@router.post("/callcentre/simulate", response_model=list[LoadRead])
def simulate(
    data: SurgeIn, session: DbSession, network: CurrentNetwork, user: Manager
) -> list[LoadRead]:
    """Demo figures: a lockdown surge in the provinces named (default: those locked)."""
    rows = load.simulate_surge(session, network=network, provinces=data.provinces,
                               seed=data.seed, principal=user)  # fmt: skip
    return [LoadRead.model_validate(r) for r in rows]


@router.post("/callcentre/{province_code}/seats", response_model=LoadRead)
def add_seats(
    province_code: str, data: SeatsAdd, session: DbSession, network: CurrentNetwork,
    user: Manager,
) -> LoadRead:  # fmt: skip
    row = load.add_remote_seats(session, network=network, province_code=province_code,
                                count=data.count, principal=user)  # fmt: skip
    return LoadRead.model_validate(row)


@router.get("/callcentre/rules", response_model=list[RuleRead])
def diversion_rules(session: DbSession, user: Reader) -> list[RuleRead]:
    return [RuleRead.model_validate(r) for r in load.rules(session, principal=user)]


@router.put("/callcentre/rules", response_model=RuleRead)
def set_rule(
    data: RuleWrite, session: DbSession, network: CurrentNetwork, user: Manager
) -> RuleRead:
    return RuleRead.model_validate(
        load.set_rule(session, network=network, data=data, principal=user)
    )


@router.post("/callcentre/divert", response_model=list[DiversionRead])
def divert_now(session: DbSession, _: Manager) -> list[DiversionRead]:
    """Apply the diversion rules now (the sweep does it every minute)."""
    return [DiversionRead.model_validate(d) for d in load.divert(session)]


@router.get("/callcentre/diversions", response_model=list[DiversionRead])
def diversions(
    session: DbSession, user: Reader, paging: Paging, response: Response
) -> list[DiversionRead]:
    page = load.diversions(session, principal=user, page=paging)
    with_total(response, page)
    return [DiversionRead.model_validate(d) for d in page.items]


# -- public channels --------------------------------------------------------------------
@router.put("/channels", response_model=ChannelRead)
def set_channel(
    data: ChannelWrite, session: DbSession, network: CurrentNetwork, user: Manager
) -> ChannelRead:
    row = load.set_channel(session, network=network, data=data, principal=user)
    return ChannelRead.model_validate(row)
