"""``/api/v1/groupbuy``: leaders, pickup and group points, offers, the daily group orders,
the hand-out with its tick-off and reconciliation, after-sales, the cut-off and the
dashboards. The residents' own page is public (``pages_public``)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query
from pydantic import BaseModel, ConfigDict, Field

from baotong.api.deps import CurrentNetwork, DbSession, require
from baotong.auth.permissions import Permission, Principal
from baotong.core.numbers import MAX_DB_INT
from baotong.groupbuy import cutoff, service
from baotong.groupbuy.models import GroupOrder, GroupPoint
from baotong.groupbuy.schemas import (
    AfterSaleClose,
    AfterSaleCreate,
    CutoffRead,
    DashboardRow,
    GroupOrderOpen,
    GroupOrderRead,
    GroupPointCreate,
    GroupPointRead,
    LeaderCreate,
    LeaderRead,
    OfferCreate,
    OfferRead,
    PickupPointCreate,
    Reconciliation,
    ResidentOrderRead,
    Training,
)

router = APIRouter(prefix="/groupbuy", tags=["groupbuy"])
Reader = Annotated[Principal, Depends(require(Permission.GROUPBUY_READ))]
Writer = Annotated[Principal, Depends(require(Permission.GROUPBUY_WRITE))]
Manager = Annotated[Principal, Depends(require(Permission.GROUPBUY_MANAGE))]
OrderId = Annotated[int, Path(ge=1, le=MAX_DB_INT)]
ORDER = "/orders/{order_id}"


class CutoffRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    province_code: str = Field(pattern=r"^\d{6}$")
    day: date | None = None


class Done(BaseModel):
    id: int
    status: str


def order_read(session: DbSession, order: GroupOrder) -> GroupOrderRead:
    point = session.get(GroupPoint, order.group_point_id)
    assert point is not None
    rows = service.handout(session, order)
    return GroupOrderRead(id=order.id, group_point=point.code, group_name=point.name,
                          day=order.day, cutoff_at=order.cutoff_at, status=order.status,
                          token=order.token, orders=len(rows),
                          units=sum(x.qty for r in rows for x in r.lines),
                          late=order.late)  # fmt: skip


# -- leaders and points ------------------------------------------------------------------
@router.get("/points", response_model=list[GroupPointRead])
def points(session: DbSession, user: Reader) -> list[GroupPointRead]:
    return service.list_points(session, principal=user)


@router.post("/points", response_model=GroupPointRead, status_code=201)
def create_point(body: GroupPointCreate, session: DbSession, user: Manager) -> GroupPointRead:
    row = service.create_point(session, data=body, principal=user)
    return next(p for p in service.list_points(session, principal=user) if p.code == row.code)


@router.post("/pickup-points", response_model=Done, status_code=201)
def create_pickup_point(body: PickupPointCreate, session: DbSession, user: Manager) -> Done:
    row = service.create_pickup_point(session, data=body, principal=user)
    return Done(id=row.id, status="created")


@router.get("/leaders", response_model=list[LeaderRead])
def leaders(session: DbSession, user: Reader) -> list[LeaderRead]:
    return [LeaderRead.model_validate(x) for x in service.list_leaders(session, principal=user)]


@router.post("/leaders", response_model=LeaderRead, status_code=201)
def create_leader(body: LeaderCreate, session: DbSession, user: Manager) -> LeaderRead:
    return LeaderRead.model_validate(service.create_leader(session, data=body, principal=user))


LeaderCode = Annotated[str, Path(min_length=2, max_length=32)]


@router.post("/leaders/{leader_code}/training", response_model=LeaderRead)
def train(leader_code: LeaderCode, body: Training, session: DbSession, user: Manager) -> LeaderRead:
    row = service.train_leader(session, leader_code, data=body, principal=user)
    return LeaderRead.model_validate(row)


@router.post("/leaders/{leader_code}/activate", response_model=LeaderRead)
def activate(leader_code: LeaderCode, session: DbSession, user: Manager) -> LeaderRead:
    row = service.set_leader_active(session, leader_code, active=True, principal=user)
    return LeaderRead.model_validate(row)


@router.post("/leaders/{leader_code}/pause", response_model=LeaderRead)
def pause(leader_code: LeaderCode, session: DbSession, user: Manager) -> LeaderRead:
    row = service.set_leader_active(session, leader_code, active=False, principal=user)
    return LeaderRead.model_validate(row)


# -- offers ----------------------------------------------------------------------------------
@router.get("/offers", response_model=list[OfferRead])
def offers(session: DbSession, user: Reader) -> list[OfferRead]:
    return [OfferRead.model_validate(o) for o in service.list_offers(session, principal=user)]


@router.post("/offers", response_model=OfferRead, status_code=201)
def create_offer(body: OfferCreate, session: DbSession, user: Manager) -> OfferRead:
    return OfferRead.model_validate(service.create_offer(session, data=body, principal=user))


# -- group orders ------------------------------------------------------------------------------
@router.post("/points/{point_code}/orders", response_model=GroupOrderRead, status_code=201)
def open_order(
    point_code: Annotated[str, Path(min_length=2, max_length=32)], body: GroupOrderOpen,
    session: DbSession, user: Writer,
) -> GroupOrderRead:  # fmt: skip
    return order_read(session, service.open_order(session, point_code, data=body, principal=user))


@router.get("/orders", response_model=list[GroupOrderRead])
def orders(session: DbSession, user: Reader, day: date | None = None) -> list[GroupOrderRead]:
    return [order_read(session, o) for o, _, _ in service.list_orders(session, principal=user,
                                                                      day=day)]  # fmt: skip


@router.get(ORDER, response_model=GroupOrderRead)
def order(order_id: OrderId, session: DbSession, user: Reader) -> GroupOrderRead:
    return order_read(session, service.get_order(session, order_id, principal=user))


@router.post(f"{ORDER}/cancel", response_model=GroupOrderRead)
def cancel(order_id: OrderId, session: DbSession, user: Writer) -> GroupOrderRead:
    return order_read(session, service.cancel_order(session, order_id, principal=user))


@router.get(f"{ORDER}/handout", response_model=list[ResidentOrderRead])
def handout(order_id: OrderId, session: DbSession, user: Reader) -> list[ResidentOrderRead]:
    return service.handout(session, service.get_order(session, order_id, principal=user))


@router.post(f"{ORDER}/receive", response_model=GroupOrderRead)
def receive(order_id: OrderId, session: DbSession, user: Writer) -> GroupOrderRead:
    return order_read(session, service.receive_delivery(session, order_id, principal=user))


@router.post(f"{ORDER}/collect/{{seq}}", response_model=Done)
def collect(
    order_id: OrderId, seq: Annotated[int, Path(ge=1, le=100_000)], session: DbSession,
    user: Writer,
) -> Done:  # fmt: skip
    row = service.collect(session, order_id, seq, principal=user)
    return Done(id=row.id, status="collected")


@router.get(f"{ORDER}/reconciliation", response_model=list[Reconciliation])
def reconciliation(order_id: OrderId, session: DbSession, user: Reader) -> list[Reconciliation]:
    return service.reconcile(session, service.get_order(session, order_id, principal=user))


@router.post(f"{ORDER}/cases", response_model=Done, status_code=201)
def open_case(order_id: OrderId, body: AfterSaleCreate, session: DbSession, user: Writer) -> Done:
    row = service.open_case(session, order_id, data=body, principal=user)
    return Done(id=row.id, status=row.outcome.value)


@router.post("/cases/{case_id}/close", response_model=Done)
def close_case(
    case_id: Annotated[int, Path(ge=1, le=MAX_DB_INT)], body: AfterSaleClose,
    session: DbSession, user: Writer,
) -> Done:  # fmt: skip
    row = service.close_case(session, case_id, outcome=body.outcome, principal=user)
    return Done(id=row.id, status=row.outcome.value)


# -- operations ---------------------------------------------------------------------------------
@router.post("/cutoff", response_model=CutoffRead)
def run_cutoff(
    body: CutoffRequest, session: DbSession, network: CurrentNetwork, user: Manager
) -> CutoffRead:
    return cutoff.run(session, province_code=body.province_code, day=body.day or service.today(),
                      network=network, principal=user)  # fmt: skip


@router.get("/dashboard", response_model=list[DashboardRow])
def dashboard(
    session: DbSession, user: Reader,
    level: Annotated[str, Query(pattern="^(province|city|county)$")] = "province",
    day: date | None = None,
) -> list[DashboardRow]:  # fmt: skip
    return service.dashboard(session, principal=user, level=level, day=day)
