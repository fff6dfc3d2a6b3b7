"""The supervisors' console: the call-centre dashboard (load per province, live chart,
diversion rules and log, remote seats, the surge simulator), the scripts library, the
public channels board and the SLA report."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from baotong.api.deps import CurrentNetwork, DbSession
from baotong.auth.permissions import Permission, Principal
from baotong.core.i18n import N_
from baotong.core.pagination import PageRequest
from baotong.network.entities import SiteStatus
from baotong.servicedesk import load, service
from baotong.servicedesk.models import ChannelKind, ScriptTopic
from baotong.servicedesk.schemas import ChannelWrite, RuleWrite, ScriptCreate, SeatsAdd, SurgeIn
from baotong.web import i18n
from baotong.web.forms import attempt, parse_form, see_other
from baotong.web.templating import Csrf, NavItem, PageRoute, page_require, render

router = APIRouter(route_class=PageRoute)
nav = NavItem("/servicedesk/load", N_("nav.callcentre"), Permission.SERVICEDESK_READ,
              prefixes=("/servicedesk",))  # fmt: skip
Reader = Annotated[Principal, Depends(page_require(Permission.SERVICEDESK_READ))]
Manager = Annotated[Principal, Depends(page_require(Permission.SERVICEDESK_MANAGE))]
LOAD = "/servicedesk/load"


async def _form(request: Request) -> dict[str, str]:
    return {k: str(v) for k, v in (await request.form()).items() if k != "csrf_token"}


def _dashboard(
    request: Request, session: Session, user: Principal, *, status_code: int = 200,
    **values: Any,
) -> Response:  # fmt: skip
    return render(request, "servicedesk/load.html", user, status_code=status_code,
                  loads=load.loads(session, principal=user),
                  rules=load.rules(session, principal=user),
                  diversions=load.diversions(session, principal=user,
                                             page=PageRequest(limit=30)).items,
                  **values)  # fmt: skip


@router.get(LOAD, include_in_schema=False)
def dashboard(request: Request, session: DbSession, user: Reader) -> Response:
    return _dashboard(request, session, user)


def _rule_fields(form: dict[str, str]) -> dict[str, Any]:
    targets = [
        t.strip() for t in form.get("targets", "").replace("，", ",").split(",") if t.strip()
    ]
    return {**form, "targets": targets, "active": form.get("active") == "on"}


@router.post("/servicedesk/rules", include_in_schema=False, dependencies=[Csrf])
async def set_rule(
    request: Request, session: DbSession, network: CurrentNetwork, user: Manager
) -> Response:
    form = await _form(request)
    return attempt(
        session,
        lambda: load.set_rule(session, network=network, principal=user,
                              data=parse_form(RuleWrite, _rule_fields(form))),  # fmt: skip
        done=lambda _: see_other(LOAD),
        refused=lambda exc: _dashboard(request, session, user, status_code=exc.status,
                                       rule_form=form, rule_error=i18n.error_for(request, exc)),
    )  # fmt: skip


@router.post("/servicedesk/seats", include_in_schema=False, dependencies=[Csrf])
async def add_seats(
    request: Request, session: DbSession, network: CurrentNetwork, user: Manager
) -> Response:
    form = await _form(request)
    return attempt(
        session,
        lambda: load.add_remote_seats(
            session, network=network, principal=user, province_code=form.get("province_code", ""),
            count=parse_form(SeatsAdd, {"count": form.get("count", "")}).count,
        ),
        done=lambda _: see_other(LOAD),
        refused=lambda exc: _dashboard(request, session, user, status_code=exc.status,
                                       seats_form=form, seats_error=i18n.error_for(request, exc)),
    )  # fmt: skip


@router.post("/servicedesk/simulate", include_in_schema=False, dependencies=[Csrf])
async def simulate(
    request: Request, session: DbSession, network: CurrentNetwork, user: Manager
) -> Response:
    form = await _form(request)
    codes = [c.strip() for c in form.get("provinces", "").split(",") if c.strip()]
    seed = form.get("seed", "")
    data = SurgeIn(provinces=codes, seed=int(seed) if seed.isdigit() else 0)
    return attempt(
        session,
        lambda: load.simulate_surge(session, network=network, provinces=data.provinces,
                                    seed=data.seed, principal=user),  # fmt: skip
        done=lambda _: see_other(LOAD),
        refused=lambda exc: _dashboard(request, session, user, status_code=exc.status,
                                       sim_error=i18n.error_for(request, exc)),
    )  # fmt: skip


@router.post("/servicedesk/divert", include_in_schema=False, dependencies=[Csrf])
def divert(request: Request, session: DbSession, user: Manager) -> Response:
    load.divert(session)
    return see_other(LOAD)


# -- scripts ----------------------------------------------------------------------------
def _scripts(
    request: Request, session: Session, user: Principal, topic: str, *, status_code: int = 200,
    **values: Any,
) -> Response:  # fmt: skip
    chosen = ScriptTopic(topic) if topic in ScriptTopic.__members__.values() else None
    return render(request, "servicedesk/scripts.html", user, status_code=status_code,
                  current=service.current_scripts(session), topics=list(ScriptTopic),
                  topic=chosen,
                  history=service.script_history(session, topic=chosen) if chosen else [],
                  **values)  # fmt: skip


@router.get("/servicedesk/scripts", include_in_schema=False)
def scripts_page(request: Request, session: DbSession, user: Reader, topic: str = "") -> Response:
    return _scripts(request, session, user, topic)


@router.post("/servicedesk/scripts", include_in_schema=False, dependencies=[Csrf])
async def add_script(request: Request, session: DbSession, user: Manager) -> Response:
    form = await _form(request)
    return attempt(
        session,
        lambda: service.add_script(session, data=parse_form(ScriptCreate, form), principal=user),
        done=lambda row: see_other(f"/servicedesk/scripts?topic={row.topic.value}"),
        refused=lambda exc: _scripts(request, session, user, form.get("topic", ""),
                                     status_code=exc.status, form=form,
                                     script_error=i18n.error_for(request, exc)),
    )  # fmt: skip


# -- channels ---------------------------------------------------------------------------
def _channels(
    request: Request, session: Session, user: Principal, *, status_code: int = 200,
    **values: Any,
) -> Response:  # fmt: skip
    return render(request, "servicedesk/channels.html", user, status_code=status_code,
                  channels=load.channels(session, province_code=user.province_code),
                  kinds=list(ChannelKind), statuses=list(SiteStatus), **values)  # fmt: skip


@router.get("/servicedesk/channels", include_in_schema=False)
def channels_page(request: Request, session: DbSession, user: Reader) -> Response:
    return _channels(request, session, user)


@router.post("/servicedesk/channels", include_in_schema=False, dependencies=[Csrf])
async def set_channel(
    request: Request, session: DbSession, network: CurrentNetwork, user: Manager
) -> Response:
    form = await _form(request)
    return attempt(
        session,
        lambda: load.set_channel(session, network=network, principal=user,
                                 data=parse_form(ChannelWrite, form)),  # fmt: skip
        done=lambda _: see_other("/servicedesk/channels"),
        refused=lambda exc: _channels(request, session, user, status_code=exc.status, form=form,
                                      channel_error=i18n.error_for(request, exc)),
    )  # fmt: skip


# -- SLA --------------------------------------------------------------------------------
@router.get("/servicedesk/sla", include_in_schema=False)
def sla_page(request: Request, session: DbSession, user: Reader) -> Response:
    return render(request, "servicedesk/sla.html", user,
                  report=service.sla_report(session, principal=user),
                  overdue=service.overdue(session, principal=user, limit=50))  # fmt: skip
