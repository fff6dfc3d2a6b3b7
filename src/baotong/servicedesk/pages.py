"""The agents' console: look an item up (contacts, notices, the script for its situation,
its tickets), open a ticket for a caller, and take tickets through their steps."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from baotong.api.deps import CurrentNetwork, DbSession
from baotong.auth.permissions import Permission, Principal
from baotong.core import clock
from baotong.core.exceptions import BaotongError, NotFoundError
from baotong.core.i18n import N_
from baotong.core.pagination import PageRequest
from baotong.network.entities import Network
from baotong.servicedesk import jobs as _registers_deadlines  # noqa: F401
from baotong.servicedesk import service
from baotong.servicedesk.models import (
    Satisfaction,
    TicketCategory,
    TicketChannel,
    TicketStatus,
)
from baotong.servicedesk.schemas import (
    CallbackDone,
    ContactDone,
    InvestigationDone,
    Reopen,
    TicketCreate,
    Transfer,
)
from baotong.tracking import service as tracking_service
from baotong.web import i18n
from baotong.web.forms import attempt, parse_form, see_other
from baotong.web.templating import Csrf, NavItem, PageRoute, page_require, render

router = APIRouter(route_class=PageRoute)
nav = NavItem("/tickets", N_("nav.tickets"), Permission.TICKETS_READ, prefixes=("/lookup",))
Reader = Annotated[Principal, Depends(page_require(Permission.TICKETS_READ))]
Writer = Annotated[Principal, Depends(page_require(Permission.TICKETS_WRITE))]
Investigator = Annotated[Principal, Depends(page_require(Permission.TICKETS_INVESTIGATE))]
DeskReader = Annotated[Principal, Depends(page_require(Permission.SERVICEDESK_READ))]
PAGE = 50
STEPS: dict[str, tuple[Any, Any]] = {
    "contact": (ContactDone, service.record_contact),
    "callback": (CallbackDone, service.record_callback),
    "reopen": (Reopen, service.reopen),
}


async def _form(request: Request) -> dict[str, str]:
    return {k: str(v) for k, v in (await request.form()).items() if k != "csrf_token"}


@router.get("/tickets", include_in_schema=False)
def tickets_page(
    request: Request, session: DbSession, user: Reader, status: str = "", overdue: bool = False,
    number: str = "", page: int = 1,
) -> Response:  # fmt: skip
    chosen = TicketStatus(status) if status in TicketStatus.__members__.values() else None
    found = service.list_tickets(session, principal=user, page=PageRequest.number(page, PAGE),
                                 status=chosen, overdue=overdue, number=number or None)  # fmt: skip
    filters: dict[str, Any] = {
        "status": status, "overdue": "true" if overdue else "", "number": number}  # fmt: skip
    return render(request, "servicedesk/tickets.html", user, fragment="servicedesk/_tickets.html",
                  found=found, tickets=found.items, statuses=list(TicketStatus), now=clock.now(),
                  subject_of=service.subject_of,
                  query=urlencode({k: v for k, v in filters.items() if v}), **filters)  # fmt: skip


def _lookup(
    request: Request, session: Session, network: Network, user: Principal, number: str, *,
    status_code: int = 200, **values: Any,
) -> Response:  # fmt: skip
    item = error = script = None
    tickets: list[Any] = []
    if number.strip():
        try:
            item = tracking_service.item_for_staff(session, network=network, number=number,
                                                   principal=user)  # fmt: skip
        except BaotongError as exc:
            error = i18n.error_for(request, exc)
    if item is not None:
        script = service.script_for(session, service.topic_for(item.notices))
        tickets = list(service.list_tickets(session, principal=user, page=PageRequest(limit=20),
                                            number=item.number).items)  # fmt: skip
    return render(request, "servicedesk/lookup.html", user, status_code=status_code,
                  number=number.strip().upper(), item=item, lookup_error=error, script=script,
                  tickets=tickets, categories=list(TicketCategory), **values)  # fmt: skip


@router.get("/lookup", include_in_schema=False)
def lookup_page(
    request: Request,
    session: DbSession,
    network: CurrentNetwork,
    user: DeskReader,
    number: str = "",
) -> Response:
    return _lookup(request, session, network, user, number)


@router.post("/tickets", include_in_schema=False, dependencies=[Csrf])
async def open_ticket(
    request: Request, session: DbSession, network: CurrentNetwork, user: Writer
) -> Response:
    form = await _form(request)
    return attempt(
        session,
        lambda: service.open_ticket(
            session,
            data=parse_form(TicketCreate, form),
            channel=TicketChannel.AGENT,
            principal=user,
        ),  # fmt: skip
        done=lambda t: see_other(f"/tickets/{t.id}"),
        refused=lambda exc: _lookup(
            request,
            session,
            network,
            user,
            form.get("number", ""),
            status_code=exc.status,
            form=form,
            ticket_error=i18n.error_for(request, exc),
        ),  # fmt: skip
    )


def _ticket(
    request: Request, session: Session, network: Network, user: Principal, ticket_id: int, *,
    status_code: int = 200, **values: Any,
) -> Response:  # fmt: skip
    ticket = service.get_ticket(session, ticket_id, principal=user)
    view = None  # a ticket about another subject (a group order) has no item to track
    if ticket.item_number is not None:
        view = tracking_service.track(session, network=network, number=ticket.item_number)
    topic = service.topic_for(view.notices if view else [], complaint=True)
    scripts = service.current_scripts(session)
    return render(request, "servicedesk/ticket.html", user, status_code=status_code,
                  ticket=ticket, events=service.events_of(session, ticket.id), view=view,
                  subject=service.subject_of(ticket),
                  script=scripts.get(topic), complaint_script=scripts.get(service.topic_for([],
                  complaint=True)), satisfactions=list(Satisfaction), now=clock.now(),
                  **values)  # fmt: skip


@router.get("/tickets/{ticket_id}", include_in_schema=False)
def ticket_page(
    request: Request, ticket_id: int, session: DbSession, network: CurrentNetwork, user: Reader
) -> Response:
    return _ticket(request, session, network, user, ticket_id)


@router.post("/tickets/{ticket_id}/investigation", include_in_schema=False, dependencies=[Csrf])
async def ticket_investigation(
    request: Request, ticket_id: int, session: DbSession, network: CurrentNetwork,
    user: Investigator,
) -> Response:  # fmt: skip
    """The production unit's findings (the one step its people record)."""
    return await _step(request, ticket_id, "investigation", session, network, user,
                       InvestigationDone, service.record_findings)  # fmt: skip


@router.post("/tickets/{ticket_id}/transfer", include_in_schema=False, dependencies=[Csrf])
async def ticket_transfer(
    request: Request, ticket_id: int, session: DbSession, network: CurrentNetwork,
    user: Investigator,
) -> Response:  # fmt: skip
    """Hand the investigation to another unit (the agents or the unit itself)."""
    return await _step(request, ticket_id, "transfer", session, network, user, Transfer,
                       service.transfer)  # fmt: skip


@router.post("/tickets/{ticket_id}/{step}", include_in_schema=False, dependencies=[Csrf])
async def ticket_step(
    request: Request, ticket_id: int, step: str, session: DbSession, network: CurrentNetwork,
    user: Writer,
) -> Response:  # fmt: skip
    if step not in STEPS:
        raise NotFoundError(f"No step '{step}' of a ticket.", code="ticket.unknown_step", step=step)
    schema, action = STEPS[step]
    return await _step(request, ticket_id, step, session, network, user, schema, action)


async def _step(
    request: Request, ticket_id: int, step: str, session: Session, network: Network,
    user: Principal, schema: Any, action: Any,
) -> Response:  # fmt: skip
    form = await _form(request)
    return attempt(
        session,
        lambda: action(
            session, ticket_id=ticket_id, data=parse_form(schema, form), principal=user
        ),  # fmt: skip
        done=lambda _: see_other(f"/tickets/{ticket_id}"),
        refused=lambda exc: _ticket(
            request,
            session,
            network,
            user,
            ticket_id,
            status_code=exc.status,
            form=form,
            step=step,
            step_error=i18n.error_for(request, exc),
        ),  # fmt: skip
    )
