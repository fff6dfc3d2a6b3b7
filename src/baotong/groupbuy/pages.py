"""Group-buy console pages: a leader's groups (open the day's group, the residents' link,
receive the delivery, hand out and tick off, after-sales) and the operations side
(leaders' lifecycle, the cut-off, dashboards by province, city and county)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from baotong.api.deps import CurrentNetwork, DbSession
from baotong.auth.permissions import Permission, Principal
from baotong.core.exceptions import NotFoundError, ValidationError
from baotong.core.i18n import N_
from baotong.core.numbers import MAX_DB_INT
from baotong.groupbuy import cutoff, service
from baotong.groupbuy.models import CaseKind, CaseOutcome, GroupPoint
from baotong.groupbuy.schemas import AfterSaleCreate, GroupOrderOpen, Training
from baotong.web import i18n
from baotong.web.forms import attempt, parse_day, parse_form, see_other
from baotong.web.templating import Csrf, NavItem, PageRoute, page_require, render

router = APIRouter(route_class=PageRoute)
nav = NavItem("/groupbuy", N_("nav.groupbuy"), Permission.GROUPBUY_READ)
Reader = Annotated[Principal, Depends(page_require(Permission.GROUPBUY_READ))]
Writer = Annotated[Principal, Depends(page_require(Permission.GROUPBUY_WRITE))]
Manager = Annotated[Principal, Depends(page_require(Permission.GROUPBUY_MANAGE))]
ORDER = "/groupbuy/orders/{order_id}"
OrderId = Annotated[int, Path(ge=1, le=MAX_DB_INT)]
CaseId = Annotated[int, Path(ge=1, le=MAX_DB_INT)]
LEVEL_WORDS = (N_("gb.level.province"), N_("gb.level.city"), N_("gb.level.county"))


async def _form(request: Request) -> dict[str, str]:
    return {k: str(v)[:200] for k, v in (await request.form()).items() if k != "csrf_token"}


def _home(request: Request, session: Session, user: Principal, *, status_code: int = 200,
          recent: list[Any] | None = None, **values: Any) -> Response:  # fmt: skip
    day = service.today()
    points = service.list_points(session, principal=user)
    todays = {p.code: (o, n) for o, p, n in service.list_orders(session, principal=user, day=day)}
    if recent is None:
        recent = service.list_orders(session, principal=user, limit=30)
    cutoffs = cutoff.latest(session, principal=user) if user.can(Permission.GROUPBUY_MANAGE) else []
    return render(request, "groupbuy/index.html", user, status_code=status_code, day=day,
                  points=points, todays=todays, recent=recent, cutoffs=cutoffs,
                  province=user.province_code or "", **values)  # fmt: skip


@router.get("/groupbuy", include_in_schema=False)
def home(request: Request, session: DbSession, user: Reader) -> Response:
    return _home(request, session, user)


@router.get("/groupbuy/cutoffs/{key}", include_in_schema=False)
def cutoff_day(request: Request, key: str, session: DbSession, user: Reader) -> Response:
    """A cut-off (``<province>:<day>``, what its audit entry names): the group orders of
    that province and day, in the list of the group-buy home page."""
    province, _, text = key.partition(":")
    try:
        day = date.fromisoformat(text)
    except ValueError:
        day = None
    if (
        day is None
        or not province.isdigit()
        or len(province) != 6
        or not user.sees_province(province)
    ):
        raise NotFoundError(f"No cut-off {key[:40]}.", code="group_order.not_found", id=key[:40])
    orders = [r for r in service.list_orders(session, principal=user, day=day)
              if r[0].province_code == province]  # fmt: skip
    return _home(request, session, user, recent=orders, cutoff_key=f"{province} · {day}")


@router.post("/groupbuy/points/{point_code}/open", include_in_schema=False, dependencies=[Csrf])
async def open_group(request: Request, point_code: str, session: DbSession,
                     user: Writer) -> Response:  # fmt: skip
    form = await _form(request)
    return attempt(
        session,
        lambda: service.open_order(session, point_code, principal=user,
                                   data=parse_form(GroupOrderOpen, form, zone=user.time_zone)),
        done=lambda o: see_other(f"/groupbuy/orders/{o.id}"),
        refused=lambda exc: _home(request, session, user, status_code=exc.status,
                                  flash_error=i18n.error_for(request, exc)),
    )  # fmt: skip


@router.post("/groupbuy/cutoff", include_in_schema=False, dependencies=[Csrf])
async def run_cutoff(request: Request, session: DbSession, network: CurrentNetwork,
                     user: Manager) -> Response:  # fmt: skip
    form = await _form(request)
    province = form.get("province_code", "") or (user.province_code or "")

    def run() -> Any:
        if len(province) != 6 or not province.isdigit():
            raise ValidationError("must be a province code such as 310000.",
                                  code="groupbuy.bad_province", field="province_code",
                                  value=province[:20])  # fmt: skip
        day = parse_day(form.get("day"), "day", default=service.today())
        return cutoff.run(session, province_code=province, day=day, network=network,
                          principal=user)  # fmt: skip

    return attempt(
        session, run,
        done=lambda r: see_other(f"/groupbuy?cut={r.day.isoformat()}"),
        refused=lambda exc: _home(request, session, user, status_code=exc.status,
                                  flash_error=i18n.error_for(request, exc)),
    )  # fmt: skip


# -- one group order -----------------------------------------------------------------------
def _order_page(request: Request, session: Session, user: Principal, order_id: int, *,
                template: str = "groupbuy/order.html", status_code: int = 200,
                **values: Any) -> Response:  # fmt: skip
    order = service.get_order(session, order_id, principal=user)
    point = session.get(GroupPoint, order.group_point_id)
    rows = service.handout(session, order)
    link = str(request.base_url).rstrip("/") + f"/g/{order.token}"
    cases = service.cases(session, order)
    return render(request, template, user, status_code=status_code, order=order, point=point,
                  rows=rows, delivery=service.delivery_of(session, order),
                  reconciliation=service.reconcile(session, order),
                  cases=cases, tickets=service.case_tickets(session, cases),
                  case_kinds=list(CaseKind),
                  outcomes=[o for o in CaseOutcome if o is not CaseOutcome.OPEN],
                  link=link, units=sum(x.qty for r in rows for x in r.lines),
                  collected=sum(1 for r in rows if r.collected_at), **values)  # fmt: skip


@router.get(ORDER, include_in_schema=False)
def order_page(request: Request, order_id: OrderId, session: DbSession, user: Reader) -> Response:
    return _order_page(request, session, user, order_id)


@router.get(ORDER + "/print", include_in_schema=False)
def print_handout(
    request: Request, order_id: OrderId, session: DbSession, user: Reader
) -> Response:
    return _order_page(request, session, user, order_id, template="groupbuy/print.html")


def _act(request: Request, session: Session, user: Principal, order_id: int,
         action: Any) -> Response:  # fmt: skip
    return attempt(
        session, action,
        done=lambda _: see_other(f"/groupbuy/orders/{order_id}"),
        refused=lambda exc: _order_page(request, session, user, order_id,
                                        status_code=exc.status,
                                        flash_error=i18n.error_for(request, exc)),
    )  # fmt: skip


@router.post(ORDER + "/receive", include_in_schema=False, dependencies=[Csrf])
def receive(request: Request, order_id: OrderId, session: DbSession, user: Writer) -> Response:
    return _act(request, session, user, order_id,
                lambda: service.receive_delivery(session, order_id, principal=user))  # fmt: skip


@router.post(ORDER + "/cancel", include_in_schema=False, dependencies=[Csrf])
def cancel(request: Request, order_id: OrderId, session: DbSession, user: Writer) -> Response:
    return _act(request, session, user, order_id,
                lambda: service.cancel_order(session, order_id, principal=user))  # fmt: skip


@router.post(ORDER + "/collect", include_in_schema=False, dependencies=[Csrf])
async def collect(
    request: Request, order_id: OrderId, session: DbSession, user: Writer
) -> Response:
    seq = (await _form(request)).get("seq", "")

    def tick() -> Any:
        if not seq.isdigit() or not 1 <= int(seq) <= service.MAX_ORDERS:
            raise ValidationError("is not a resident's number.", code="groupbuy.no_resident",
                                  field="seq", value=seq[:10])  # fmt: skip
        return service.collect(session, order_id, int(seq), principal=user)

    return _act(request, session, user, order_id, tick)


@router.post(ORDER + "/cases", include_in_schema=False, dependencies=[Csrf])
async def open_case(request: Request, order_id: OrderId, session: DbSession,
                    user: Writer) -> Response:  # fmt: skip
    form = await _form(request)
    return _act(request, session, user, order_id,
                lambda: service.open_case(session, order_id, principal=user,
                                          data=parse_form(AfterSaleCreate, form)))  # fmt: skip


@router.post(ORDER + "/cases/{case_id}", include_in_schema=False, dependencies=[Csrf])
async def close_case(request: Request, order_id: OrderId, case_id: CaseId, session: DbSession,
                     user: Writer) -> Response:  # fmt: skip
    outcome = (await _form(request)).get("outcome", "")

    def close() -> Any:
        if outcome not in {o.value for o in CaseOutcome}:
            raise ValidationError("is not an outcome.", code="groupbuy.bad_outcome",
                                  field="outcome", value=outcome[:20])  # fmt: skip
        return service.close_case(session, case_id, outcome=CaseOutcome(outcome), principal=user)

    return _act(request, session, user, order_id, close)


# -- operations ------------------------------------------------------------------------------
@router.get("/groupbuy/dashboard", include_in_schema=False)
def dashboard(request: Request, session: DbSession, user: Reader, level: str = "province",
              day: str = "") -> Response:  # fmt: skip
    level = level if level in service.LEVELS else "province"
    when = parse_day(day, "day", default=service.today())
    rows = service.dashboard(session, principal=user, level=level, day=when)
    return render(request, "groupbuy/dashboard.html", user, rows=rows, level=level, day=when,
                  levels=list(service.LEVELS))  # fmt: skip


def _leaders_page(request: Request, session: Session, user: Principal, *, status_code: int = 200,
                  **values: Any) -> Response:  # fmt: skip
    return render(request, "groupbuy/leaders.html", user, status_code=status_code,
                  leaders=service.list_leaders(session, principal=user), **values)  # fmt: skip


@router.get("/groupbuy/leaders", include_in_schema=False)
def leaders(request: Request, session: DbSession, user: Reader) -> Response:
    return _leaders_page(request, session, user)


@router.post(
    "/groupbuy/leaders/{leader_code}/{action}", include_in_schema=False, dependencies=[Csrf]
)
async def leader_action(request: Request, leader_code: str, action: str, session: DbSession,
                        user: Manager) -> Response:  # fmt: skip
    form = await _form(request)

    def act() -> Any:
        if action == "train":
            materials = [m.strip() for m in form.get("materials", "").split(",") if m.strip()]
            return service.train_leader(
                session,
                leader_code,
                principal=user,
                data=parse_form(Training, {"materials": materials}),
            )
        if action in ("activate", "pause"):
            return service.set_leader_active(session, leader_code, active=action == "activate",
                                             principal=user)  # fmt: skip
        raise ValidationError("is not train, activate or pause.", code="groupbuy.bad_action",
                              field="action", value=action[:20])  # fmt: skip

    return attempt(
        session, act, done=lambda _: see_other("/groupbuy/leaders"),
        refused=lambda exc: _leaders_page(request, session, user, status_code=exc.status,
                                          flash_error=i18n.error_for(request, exc)),
    )  # fmt: skip
