"""Use cases of group buying: leaders and their lifecycle, pickup and group points, the
province's offers, the daily group orders, the residents' public orders, the leader's
hand-out list with its tick-off and reconciliation, after-sales cases and dashboards.
The cut-off that spans warehouse, supply and transport is ``groupbuy.cutoff``.

Services flush and never commit. A group leader (scope: a group point) sees only the
group points they lead; office users see their province's. Every change is audited.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, and_, case, delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from baotong.audit import service as audit
from baotong.auth import service as auth_service
from baotong.auth.permissions import Principal, ScopeKind
from baotong.auth.scope import in_scope
from baotong.auth.throttle import ThrottlePolicy
from baotong.core import clock
from baotong.core.exceptions import BaotongError, ConflictError, NotFoundError, ValidationError
from baotong.core.i18n import N_
from baotong.db.transitions import transition
from baotong.groupbuy.models import (
    AfterSale,
    CaseKind,
    CaseOutcome,
    CodeFailure,
    Delivery,
    DeliveryStatus,
    GroupOrder,
    GroupOrderStatus,
    GroupPoint,
    Leader,
    LeaderStatus,
    Offer,
    PickupPoint,
    ResidentLine,
    ResidentOrder,
    ResidentOrderStatus,
)
from baotong.groupbuy.schemas import (
    AfterSaleCreate,
    DashboardRow,
    GroupOrderOpen,
    GroupPointCreate,
    GroupPointRead,
    HandoutLine,
    LeaderCreate,
    OfferCreate,
    PickupPointCreate,
    PublicEntry,
    Reconciliation,
    ResidentOrderIn,
    ResidentOrderRead,
    Training,
)
from baotong.servicedesk import service as servicedesk
from baotong.servicedesk.models import Ticket, TicketCategory
from baotong.supply.catalogue import Catalogue, load_catalogue
from baotong.supply.template import ItemKind
from baotong.warehouse.models import Warehouse, WarehouseKind

BEIJING = ZoneInfo("Asia/Shanghai")
MAX_ORDERS = 5000  # resident orders one group order takes
# Wrong edit codes: five per resident order (twenty per address) within 15 minutes, then
# every try waits 2, 4, 8 … seconds after the last wrong one, at most 15 minutes.
CODE_POLICY = ThrottlePolicy(
    max_failures=5, address_factor=4, window=timedelta(minutes=15),
    max_lockout=timedelta(minutes=15),
)  # fmt: skip
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L

LEADER = audit.register_type("leader", label_key=N_("object.leader"), link="/groupbuy/leaders")
GROUP_POINT = audit.register_type(
    "group_point", label_key=N_("object.group_point"), link="/groupbuy/points"
)
OFFER = audit.register_type("offer", label_key=N_("object.offer"), link="/groupbuy/offers")
GROUP_ORDER = audit.register_type(
    "group_order", label_key=N_("object.group_order"), link="/groupbuy/orders/{id}"
)
AFTER_SALE = audit.register_type(
    "aftersale", label_key=N_("object.aftersale"), link="/groupbuy/orders/{id}"
)
# A province's cut-off of a day (id ``<province>:<day>``): its page lists that day's groups.
CUTOFF = audit.register_type(
    "gb_cutoff", label_key=N_("object.gb_cutoff"), link="/groupbuy/cutoffs/{id}"
)
# An after-sales case opens a service-desk ticket about its group order (not a waybill).
TICKET_SUBJECT = servicedesk.register_subject(
    "group_order", label_key=N_("object.group_order"), link="/groupbuy/orders/{ref}"
)
TICKET_CATEGORY = {
    CaseKind.MISSING: TicketCategory.LOST,
    CaseKind.DAMAGED: TicketCategory.DAMAGED,
    CaseKind.WRONG_ITEM: TicketCategory.DELIVERY,
}


def today() -> date:
    """Today in Beijing."""
    return clock.now().astimezone(BEIJING).date()


def at(day: date, hour: int, minute: int = 0) -> datetime:
    """``hour:minute`` of ``day`` in Beijing, as an aware UTC time."""
    return datetime.combine(day, time(hour, minute), tzinfo=BEIJING).astimezone(UTC)


@cache
def catalogue() -> Catalogue:
    """The supply catalogue (read only): what an offer may list."""
    return load_catalogue()


def _audit(
    session: Session, principal: Principal, action: str, object_type: str, object_id: Any,
    province_code: str | None, **after: Any,
) -> None:  # fmt: skip
    audit.record(session, actor=principal.username, action=action, object_type=object_type,
                 object_id=str(object_id), province_code=province_code,
                 after=after or None)  # fmt: skip


def _check_province(principal: Principal, province_code: str) -> None:
    if not principal.sees_province(province_code) or principal.scope.kind in (
        ScopeKind.GROUP_POINT,
    ):
        raise ValidationError(
            f"lies outside your province {principal.province_code}.",
            code="groupbuy.outside_scope",
            field="province_code",
            value=province_code,
        )


# -- who sees which group point ------------------------------------------------------------
def point_clause(principal: Principal) -> ColumnElement[bool]:
    """The group points a principal sees: a leader's own (by scope code or by the leader
    record linked to the user), else the principal's province."""
    if principal.scope.kind is ScopeKind.GROUP_POINT:
        led = select(Leader.id).where(Leader.user_id == principal.user_id)
        return or_(GroupPoint.code == principal.scope.code, GroupPoint.leader_id.in_(led))
    if principal.scope.kind in (ScopeKind.WAREHOUSE, ScopeKind.CALL_CENTRE):
        return GroupPoint.id.is_(None)
    return in_scope(principal, GroupPoint.province_code)


def get_point(session: Session, code: str, *, principal: Principal) -> GroupPoint:
    row = session.scalar(select(GroupPoint).where(GroupPoint.code == code, point_clause(principal)))
    if row is None:
        raise NotFoundError(f"Unknown group point {code}.", code="group_point.not_found", id=code)
    return row


def list_points(session: Session, *, principal: Principal) -> list[GroupPointRead]:
    query = (
        select(GroupPoint, Leader, PickupPoint.code)
        .join(Leader, Leader.id == GroupPoint.leader_id)
        .join(PickupPoint, PickupPoint.id == GroupPoint.pickup_point_id)
        .where(point_clause(principal))
        .order_by(GroupPoint.code)
    )
    return [
        GroupPointRead(code=p.code, name=p.name, community_code=p.community_code,
                       province_code=p.province_code, pickup_point=pickup, leader=lead.code,
                       leader_name=lead.name, leader_status=lead.status)
        for p, lead, pickup in session.execute(query)
    ]  # fmt: skip


# -- leaders -------------------------------------------------------------------------------
def _leader(session: Session, code: str, principal: Principal) -> Leader:
    row = session.scalar(select(Leader).where(Leader.code == code))
    if row is None or not principal.sees_province(row.province_code):
        raise NotFoundError(f"Unknown leader {code}.", code="leader.not_found", id=code)
    return row


def create_leader(session: Session, *, data: LeaderCreate, principal: Principal) -> Leader:
    """A leader registered (not yet trained); ``username`` links their login."""
    _check_province(principal, data.province_code)
    if session.scalar(select(Leader.id).where(Leader.code == data.code)) is not None:
        raise ConflictError(f"Leader {data.code} exists already.", code="leader.exists",
                            id=data.code)  # fmt: skip
    user_id = None
    if data.username:
        user = auth_service.get_user(session, data.username)
        if user is None:
            raise ValidationError(f"'{data.username}' is not a user.", code="groupbuy.no_user",
                                  field="username", value=data.username)  # fmt: skip
        user_id = user.id
    now = clock.now()
    row = Leader(code=data.code, name=data.name, phone=data.phone, source=data.source,
                 status=LeaderStatus.REGISTERED, province_code=data.province_code,
                 user_id=user_id, training={}, created_at=now, status_at=now)  # fmt: skip
    session.add(row)
    session.flush()
    _audit(session, principal, "leader.register", LEADER.name, row.code, row.province_code,
           source=row.source.value)  # fmt: skip
    return row


def list_leaders(session: Session, *, principal: Principal) -> list[Leader]:
    query = select(Leader).where(in_scope(principal, Leader.province_code))
    if principal.scope.kind is ScopeKind.GROUP_POINT:
        query = query.where(
            Leader.id.in_(select(GroupPoint.leader_id).where(point_clause(principal)))
        )
    return list(session.scalars(query.order_by(Leader.code)))


def train_leader(session: Session, code: str, *, data: Training, principal: Principal) -> Leader:
    """Record the training a registered leader attended (materials and when): trained."""
    leader = _leader(session, code, principal)
    training = {
        "materials": list(data.materials),
        "attended_at": (data.attended_at or clock.now()).isoformat(),
        "by": principal.username,
    }
    row = transition(session, Leader, leader.id, Leader.status, LeaderStatus.REGISTERED,
                     LeaderStatus.TRAINED, training=training, status_at=clock.now())  # fmt: skip
    _audit(session, principal, "leader.train", LEADER.name, row.code, row.province_code,
           **training)  # fmt: skip
    return row


def set_leader_active(session: Session, code: str, *, active: bool, principal: Principal) -> Leader:
    """Activate a trained (or paused) leader, or pause an active one."""
    leader = _leader(session, code, principal)
    source: tuple[LeaderStatus, ...]
    if active:
        source, target = (LeaderStatus.TRAINED, LeaderStatus.PAUSED), LeaderStatus.ACTIVE
    else:
        source, target = (LeaderStatus.ACTIVE,), LeaderStatus.PAUSED
    row = transition(session, Leader, leader.id, Leader.status, source, target,
                     status_at=clock.now())  # fmt: skip
    _audit(session, principal, f"leader.{target.value}", LEADER.name, row.code,
           row.province_code)  # fmt: skip
    return row


# -- pickup points and group points --------------------------------------------------------
def create_pickup_point(
    session: Session, *, data: PickupPointCreate, principal: Principal
) -> PickupPoint:
    province = data.region_code[:2] + "0000"
    _check_province(principal, province)
    forward = session.scalar(
        select(Warehouse).where(
            Warehouse.code == data.forward_warehouse, Warehouse.kind == WarehouseKind.FORWARD
        )
    )
    if forward is None or forward.province_code != province:
        raise ValidationError(
            f"is not a forward warehouse of province {province}: '{data.forward_warehouse}'.",
            code="groupbuy.no_forward_warehouse", field="forward_warehouse",
            value=data.forward_warehouse,
        )  # fmt: skip
    if session.scalar(select(PickupPoint.id).where(PickupPoint.code == data.code)) is not None:
        raise ConflictError(f"Pickup point {data.code} exists already.",
                            code="pickup_point.exists", id=data.code)  # fmt: skip
    row = PickupPoint(code=data.code, name=data.name, address=data.address,
                      region_code=data.region_code, province_code=province, lon=data.lon,
                      lat=data.lat, forward_warehouse_id=forward.id)  # fmt: skip
    session.add(row)
    session.flush()
    _audit(session, principal, "group_point.pickup", GROUP_POINT.name, row.code, province,
           forward=forward.code)  # fmt: skip
    return row


def create_point(session: Session, *, data: GroupPointCreate, principal: Principal) -> GroupPoint:
    """A group point of a community with its pickup point and its one leader."""
    province = data.community_code[:2] + "0000"
    _check_province(principal, province)
    pickup = session.scalar(select(PickupPoint).where(PickupPoint.code == data.pickup_point))
    if pickup is None or pickup.province_code != province:
        raise ValidationError(f"is not a pickup point of province {province}.",
                              code="groupbuy.no_pickup_point", field="pickup_point",
                              value=data.pickup_point)  # fmt: skip
    leader = session.scalar(select(Leader).where(Leader.code == data.leader))
    if leader is None or leader.province_code != province:
        raise ValidationError(f"is not a leader of province {province}.",
                              code="groupbuy.no_leader", field="leader",
                              value=data.leader)  # fmt: skip
    if session.scalar(select(GroupPoint.id).where(GroupPoint.code == data.code)) is not None:
        raise ConflictError(f"Group point {data.code} exists already.",
                            code="group_point.exists", id=data.code)  # fmt: skip
    row = GroupPoint(code=data.code, name=data.name, community_code=data.community_code,
                     province_code=province, pickup_point_id=pickup.id, leader_id=leader.id,
                     created_at=clock.now())  # fmt: skip
    session.add(row)
    session.flush()
    _audit(session, principal, "group_point.create", GROUP_POINT.name, row.code, province,
           leader=leader.code, pickup=pickup.code)  # fmt: skip
    return row


# -- offers --------------------------------------------------------------------------------
def create_offer(session: Session, *, data: OfferCreate, principal: Principal) -> Offer:
    """An SKU or kit of the supply catalogue in a province's shop."""
    _check_province(principal, data.province_code)
    cat = catalogue()
    if data.item_kind is ItemKind.SKU:
        sku = cat.skus.get(data.item_code)
        names = (sku.name, sku.name_en) if sku else None
    elif data.item_code in cat.kit_codes:
        kit = cat.kit(data.item_code, province_code=data.province_code)
        names = (kit.name, kit.name_en)
    else:
        names = None
    if names is None:
        raise ValidationError(f"is not a {data.item_kind.value} of the supply catalogue.",
                              code="groupbuy.unknown_item", field="item_code",
                              value=data.item_code)  # fmt: skip
    existing = select(Offer.id).where(Offer.province_code == data.province_code,
                                      Offer.item_code == data.item_code)  # fmt: skip
    if session.scalar(existing) is not None:
        raise ConflictError(f"{data.item_code} is offered in {data.province_code} already.",
                            code="offer.exists", id=data.item_code)  # fmt: skip
    row = Offer(province_code=data.province_code, item_kind=data.item_kind,
                item_code=data.item_code, name=names[0], name_en=names[1], price=data.price,
                daily_limit=data.daily_limit, prepaid=data.prepaid, active=True)  # fmt: skip
    session.add(row)
    session.flush()
    _audit(session, principal, "offer.create", OFFER.name, row.id, row.province_code,
           item=row.item_code, price=str(row.price), limit=row.daily_limit)  # fmt: skip
    return row


def offers(session: Session, province_code: str, *, active_only: bool = True) -> list[Offer]:
    query = select(Offer).where(Offer.province_code == province_code)
    if active_only:
        query = query.where(Offer.active.is_(True))
    return list(session.scalars(query.order_by(Offer.item_kind.desc(), Offer.item_code)))


def list_offers(session: Session, *, principal: Principal) -> list[Offer]:
    query = select(Offer).where(in_scope(principal, Offer.province_code))
    return list(session.scalars(query.order_by(Offer.province_code, Offer.item_code)))


# -- group orders ----------------------------------------------------------------------------
def open_order(
    session: Session, code: str, *, data: GroupOrderOpen, principal: Principal
) -> GroupOrder:
    """Open the day's group order (开团) of a group point whose leader is active."""
    point = get_point(session, code, principal=principal)
    leader = session.get(Leader, point.leader_id)
    assert leader is not None
    if leader.status is not LeaderStatus.ACTIVE:
        raise ConflictError(
            f"Leader {leader.code} is {leader.status}; only an active leader opens a group.",
            code="leader.wrong_status", id=leader.code, status=leader.status,
        )  # fmt: skip
    now = clock.now()
    if data.cutoff_at <= now:
        raise ValidationError("must lie in the future.", code="groupbuy.cutoff_past",
                              field="cutoff_at", value=data.cutoff_at.isoformat())  # fmt: skip
    day = data.day or data.cutoff_at.astimezone(BEIJING).date()
    taken = select(GroupOrder.id).where(GroupOrder.group_point_id == point.id,
                                        GroupOrder.day == day)  # fmt: skip
    if session.scalar(taken) is not None:
        raise ConflictError(f"Group point {code} has a group order for {day} already.",
                            code="group_order.exists", id=code, day=day.isoformat())  # fmt: skip
    row = GroupOrder(group_point_id=point.id, province_code=point.province_code, day=day,
                     cutoff_at=data.cutoff_at, status=GroupOrderStatus.OPEN,
                     token=secrets.token_urlsafe(24), note=data.note,
                     opened_by=principal.username, opened_at=now, late=False)  # fmt: skip
    session.add(row)
    session.flush()
    _audit(session, principal, "group_order.open", GROUP_ORDER.name, row.id, row.province_code,
           point=code, day=day.isoformat(), cutoff=data.cutoff_at.isoformat())  # fmt: skip
    return row


def order_clause(principal: Principal) -> ColumnElement[bool]:
    return GroupOrder.group_point_id.in_(select(GroupPoint.id).where(point_clause(principal)))


def get_order(session: Session, order_id: int, *, principal: Principal) -> GroupOrder:
    row = session.scalar(
        select(GroupOrder).where(GroupOrder.id == order_id, order_clause(principal))
    )
    if row is None:
        raise NotFoundError(f"Unknown group order {order_id}.", code="group_order.not_found",
                            id=order_id)  # fmt: skip
    return row


def list_orders(
    session: Session, *, principal: Principal, day: date | None = None, limit: int = 200
) -> list[tuple[GroupOrder, GroupPoint, int]]:
    counts = (
        select(ResidentOrder.group_order_id.label("gid"), func.count().label("n"))
        .where(ResidentOrder.status == ResidentOrderStatus.PLACED)
        .group_by(ResidentOrder.group_order_id)
        .subquery()
    )
    query = (
        select(GroupOrder, GroupPoint, func.coalesce(counts.c.n, 0))
        .join(GroupPoint, GroupPoint.id == GroupOrder.group_point_id)
        .outerjoin(counts, counts.c.gid == GroupOrder.id)
        .where(point_clause(principal))
    )
    if day is not None:
        query = query.where(GroupOrder.day == day)
    query = query.order_by(GroupOrder.day.desc(), GroupPoint.code).limit(limit)
    return [(o, p, int(n)) for o, p, n in session.execute(query)]


def cancel_order(session: Session, order_id: int, *, principal: Principal) -> GroupOrder:
    order = get_order(session, order_id, principal=principal)
    row = transition(session, GroupOrder, order.id, GroupOrder.status, GroupOrderStatus.OPEN,
                     GroupOrderStatus.CANCELLED)  # fmt: skip
    _audit(session, principal, "group_order.cancel", GROUP_ORDER.name, row.id, row.province_code)
    return row


# -- the residents' public page ---------------------------------------------------------------
def by_token(session: Session, token: str) -> GroupOrder:
    """The group order behind a public page address (any state), else not found."""
    row = None
    if 16 <= len(token) <= 48:
        row = session.scalar(select(GroupOrder).where(GroupOrder.token == token))
    if row is None:
        raise NotFoundError("No such group order.", code="group_order.not_found", id="-")
    return row


def _hash(code: str) -> str:
    return hashlib.sha256(code.strip().upper().encode()).hexdigest()


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))


def _check_open(order: GroupOrder) -> None:
    if order.status is not GroupOrderStatus.OPEN or clock.now() >= order.cutoff_at:
        raise ConflictError(
            f"Group order {order.id} is closed for orders (cut-off {order.cutoff_at:%H:%M}).",
            code="group_order.closed", id=order.id, cutoff=order.cutoff_at.isoformat(),
        )  # fmt: skip


def _priced_lines(
    session: Session, order: GroupOrder, data: ResidentOrderIn
) -> list[tuple[Offer, int]]:
    """The order's lines against the province's active offers and daily limits (the same
    offer twice counts once, added up)."""
    wanted: dict[int, int] = defaultdict(int)
    for line in data.lines:
        wanted[line.offer_id] += line.qty
    found = {
        o.id: o
        for o in session.scalars(
            select(Offer).where(
                Offer.id.in_(list(wanted)),
                Offer.active.is_(True),
                Offer.province_code == order.province_code,
            )  # fmt: skip
        )
    }
    lines = []
    for i, (offer_id, qty) in enumerate(wanted.items()):
        offer = found.get(offer_id)
        if offer is None:
            raise ValidationError("is not on offer today.", code="groupbuy.no_offer",
                                  field=f"lines.{i}.offer_id", value=offer_id)  # fmt: skip
        if qty > offer.daily_limit:
            raise ValidationError(
                f"must be at most {offer.daily_limit} a day.", code="groupbuy.over_limit",
                field=f"qty_{offer.id}", value=qty, most=offer.daily_limit,
            )  # fmt: skip
        lines.append((offer, qty))
    return lines


def _write_lines(session: Session, resident: ResidentOrder, lines: list[tuple[Offer, int]]) -> None:
    for offer, qty in lines:
        session.add(ResidentLine(resident_order_id=resident.id,
                                 group_order_id=resident.group_order_id, offer_id=offer.id,
                                 item_code=offer.item_code, qty=qty,
                                 unit_price=offer.price))  # fmt: skip


def _same_phone(group_order_id: int, phone: str, *, but: int | None = None) -> Select[Any]:
    query = select(ResidentOrder.id).where(
        ResidentOrder.group_order_id == group_order_id, ResidentOrder.phone == phone,
        ResidentOrder.status == ResidentOrderStatus.PLACED,
    )  # fmt: skip
    return query if but is None else query.where(ResidentOrder.id != but)


def _phone_has_order() -> ConflictError:
    return ConflictError(
        "This phone has an order in this group already; change it with its edit code.",
        code="groupbuy.phone_has_order", field="phone",
    )  # fmt: skip


def place(session: Session, token: str, *, data: ResidentOrderIn) -> tuple[ResidentOrder, str]:
    """A resident's order on the public page: its number in the list and the edit code
    (shown once; only its hash is kept). One open order per phone and group order."""
    order = by_token(session, token)
    _check_open(order)
    lines = _priced_lines(session, order, data)
    if session.scalar(_same_phone(order.id, data.phone)) is not None:
        raise _phone_has_order()
    code, now = _new_code(), clock.now()
    for _attempt in range(5):
        count, top = session.execute(
            select(func.count(), func.max(ResidentOrder.seq)).where(
                ResidentOrder.group_order_id == order.id
            )
        ).one()
        if count >= MAX_ORDERS:
            raise ConflictError(f"Group order {order.id} is full.", code="group_order.full",
                                id=order.id, most=MAX_ORDERS)  # fmt: skip
        resident = ResidentOrder(group_order_id=order.id, seq=(top or 0) + 1,
                                 nickname=data.nickname, building=data.building, room=data.room,
                                 phone=data.phone, code_hash=_hash(code),
                                 status=ResidentOrderStatus.PLACED, created_at=now,
                                 updated_at=now)  # fmt: skip
        try:
            with session.begin_nested():
                session.add(resident)
                session.flush()
        except IntegrityError:
            # The same phone placed meanwhile (the partial unique index): refuse; otherwise
            # another resident took the number: take the next.
            if session.scalar(_same_phone(order.id, data.phone)) is not None:
                raise _phone_has_order() from None
            continue
        _write_lines(session, resident, lines)
        session.flush()
        return resident, code
    raise ConflictError("Too many orders at once; try again.", code="groupbuy.busy")


class CodeThrottled(BaotongError):
    """Too many wrong edit codes for the order or from the address: wait and try again."""

    status = 429
    title = "Too many requests"
    default_code = "groupbuy.code_throttled"


def code_retry_after(
    session: Session, group_order_id: int, seq: int, address: str, *,
    policy: ThrottlePolicy = CODE_POLICY,
) -> int:  # fmt: skip
    """Seconds before an edit code of order ``seq`` may be tried from ``address`` (0: now)."""
    now = clock.now()
    since = now - policy.window
    longest = timedelta(0)
    limits = (
        (and_(CodeFailure.group_order_id == group_order_id, CodeFailure.seq == seq),
         policy.max_failures),
        (CodeFailure.address == address, policy.max_failures * policy.address_factor),
    )  # fmt: skip
    for where, limit in limits:
        count, last = session.execute(
            select(func.count(), func.max(CodeFailure.at)).where(where, CodeFailure.at >= since)
        ).one()
        if last is not None:
            longest = max(longest, last + policy.wait(int(count or 0), limit) - now)
    return max(0, -(-int(longest.total_seconds() * 1000) // 1000))


def resident_for_code(
    session: Session, token: str, seq: int, code: str, *, address: str,
    policy: ThrottlePolicy = CODE_POLICY,
) -> tuple[GroupOrder, ResidentOrder | None]:  # fmt: skip
    """The resident order ``seq`` if ``code`` is its edit code. A wrong code is counted
    (the caller keeps the count: no exception); after too many, for that order or from
    that address, the next try waits longer each time (``CodeThrottled``, 429) — the
    order is never locked for good, and a right code forgets the order's failures."""
    order = by_token(session, token)
    wait = code_retry_after(session, order.id, seq, address, policy=policy)
    if wait > 0:
        raise CodeThrottled(f"Too many wrong codes; try again in {wait} seconds.",
                            code="groupbuy.code_throttled", retry_after=wait)  # fmt: skip
    resident = session.scalar(
        select(ResidentOrder).where(
            ResidentOrder.group_order_id == order.id, ResidentOrder.seq == seq
        )  # fmt: skip
    )
    if resident is None or not hmac.compare_digest(resident.code_hash, _hash(code)):
        now = clock.now()
        session.execute(delete(CodeFailure).where(CodeFailure.at < now - policy.window))
        session.add(CodeFailure(group_order_id=order.id, seq=seq, address=address[:64], at=now))
        session.flush()
        return order, None
    session.execute(
        delete(CodeFailure).where(CodeFailure.group_order_id == order.id, CodeFailure.seq == seq)
    )
    return order, resident


def _editable(session: Session, token: str, seq: int, code: str, *, address: str) -> ResidentOrder:
    order, resident = resident_for_code(session, token, seq, code, address=address)
    if resident is None:
        raise ValidationError("is not the code of that order.", code="groupbuy.bad_code",
                              field="edit_code")  # fmt: skip
    _check_open(order)
    if resident.status is not ResidentOrderStatus.PLACED:
        raise ConflictError(f"Order {seq} is cancelled.", code="resident_order.cancelled",
                            seq=seq)  # fmt: skip
    return resident


def change(
    session: Session, token: str, seq: int, code: str, *, data: ResidentOrderIn, address: str
) -> ResidentOrder:
    """Change one's order before the cut-off (the edit code proves whose it is)."""
    resident = _editable(session, token, seq, code, address=address)
    order = session.get(GroupOrder, resident.group_order_id)
    assert order is not None
    lines = _priced_lines(session, order, data)
    session.query(ResidentLine).filter(ResidentLine.resident_order_id == resident.id).delete()
    resident.nickname, resident.building = data.nickname, data.building
    if session.scalar(_same_phone(order.id, data.phone, but=resident.id)) is not None:
        raise _phone_has_order()
    resident.room, resident.phone = data.room, data.phone
    resident.updated_at = clock.now()
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:  # the phone placed an order meanwhile
        raise _phone_has_order() from None
    _write_lines(session, resident, lines)
    session.flush()
    return resident


def cancel_resident(
    session: Session, token: str, seq: int, code: str, *, address: str
) -> ResidentOrder:
    """Cancel one's order before the cut-off: a guarded transition, so of two cancels (or
    a cancel racing a hand-out) one wins and the other gets a ConflictError."""
    resident = _editable(session, token, seq, code, address=address)
    return transition(session, ResidentOrder, resident.id, ResidentOrder.status,
                      ResidentOrderStatus.PLACED, ResidentOrderStatus.CANCELLED,
                      updated_at=clock.now())  # fmt: skip


def running_list(session: Session, order: GroupOrder) -> list[PublicEntry]:
    """The list every resident sees: number, nickname, the building's first letter and
    units — never a phone or a room."""
    units = func.coalesce(func.sum(ResidentLine.qty), 0)
    query = (
        select(ResidentOrder.seq, ResidentOrder.nickname, ResidentOrder.building, units)
        .outerjoin(ResidentLine, ResidentLine.resident_order_id == ResidentOrder.id)
        .where(
            ResidentOrder.group_order_id == order.id,
            ResidentOrder.status == ResidentOrderStatus.PLACED,
        )  # fmt: skip
        .group_by(
            ResidentOrder.id, ResidentOrder.seq, ResidentOrder.nickname, ResidentOrder.building
        )  # fmt: skip
        .order_by(ResidentOrder.seq)
    )
    return [PublicEntry(seq=s, nickname=n, building=initial(b), units=int(u))
            for s, n, b, u in session.execute(query)]  # fmt: skip


def initial(building: str) -> str:
    """A building shown to other residents: its first character only."""
    return (building.strip()[:1] or "?") + "…"


def resident_lines(session: Session, resident: ResidentOrder) -> list[ResidentLine]:
    query = select(ResidentLine).where(ResidentLine.resident_order_id == resident.id)
    return list(session.scalars(query.order_by(ResidentLine.id)))


# -- the leader's hand-out ------------------------------------------------------------------
# What a line got at the cut-off: the cut-off writes only the lines it could not fill in
# full (``allocated``); a line of a cut group order without one got its whole quantity.
SERVED = func.coalesce(ResidentLine.allocated, ResidentLine.qty)


def allocated(line: ResidentLine, order: GroupOrder) -> int | None:
    """Units the line got at the cut-off (None before the cut-off)."""
    if order.cut_at is None:
        return None
    return line.qty if line.allocated is None else line.allocated


def handout(session: Session, order: GroupOrder) -> list[ResidentOrderRead]:
    """Every placed resident order of a group order with its lines: what to hand out."""
    names = {o.id: o.name for o in offers(session, order.province_code, active_only=False)}
    offer_of: dict[int, int] = {}
    lines: dict[int, list[HandoutLine]] = defaultdict(list)
    query = select(ResidentLine).where(ResidentLine.group_order_id == order.id)
    for line in session.scalars(query.order_by(ResidentLine.id)):
        offer_of[line.id] = line.offer_id
        lines[line.resident_order_id].append(
            HandoutLine(
                item_code=line.item_code,
                name=names.get(line.offer_id, line.item_code),
                qty=line.qty,
                allocated=allocated(line, order),
            )  # fmt: skip
        )
    residents = session.scalars(
        select(ResidentOrder).where(ResidentOrder.group_order_id == order.id,
                                    ResidentOrder.status == ResidentOrderStatus.PLACED)
        .order_by(ResidentOrder.seq)
    )  # fmt: skip
    return [
        ResidentOrderRead(id=r.id, seq=r.seq, nickname=r.nickname, building=r.building,
                          room=r.room, phone=r.phone, status=r.status, lines=lines[r.id],
                          collected_at=r.collected_at)
        for r in residents
    ]  # fmt: skip


def collect(session: Session, order_id: int, seq: int, *, principal: Principal) -> ResidentOrder:
    """Tick a resident's collection off (once); the last one hands the group order out."""
    order = get_order(session, order_id, principal=principal)
    if order.status is not GroupOrderStatus.DELIVERED:
        raise ConflictError(
            f"Group order {order.id} is {order.status}; it must be delivered.",
            code="group_order.wrong_status", id=order.id, status=order.status,
        )  # fmt: skip
    resident = session.scalar(
        select(ResidentOrder).where(ResidentOrder.group_order_id == order.id,
                                    ResidentOrder.seq == seq,
                                    ResidentOrder.status == ResidentOrderStatus.PLACED)
    )  # fmt: skip
    if resident is None:
        raise NotFoundError(f"Unknown resident order {seq}.", code="resident_order.not_found",
                            id=seq)  # fmt: skip
    done = session.execute(
        update(ResidentOrder)
        .where(ResidentOrder.id == resident.id, ResidentOrder.collected_at.is_(None))
        .values(collected_at=clock.now(), collected_by=principal.username)
        .execution_options(synchronize_session=False)
    ).rowcount  # type: ignore[attr-defined]
    if done != 1:
        raise ConflictError(f"Order {seq} was collected already.",
                            code="resident_order.collected", seq=seq)  # fmt: skip
    session.refresh(resident)
    waiting = session.scalar(
        select(func.count()).where(ResidentOrder.group_order_id == order.id,
                                   ResidentOrder.status == ResidentOrderStatus.PLACED,
                                   ResidentOrder.collected_at.is_(None))
    )  # fmt: skip
    if not waiting:
        transition(session, GroupOrder, order.id, GroupOrder.status, GroupOrderStatus.DELIVERED,
                   GroupOrderStatus.HANDED_OUT)  # fmt: skip
    _audit(session, principal, "group_order.collect", GROUP_ORDER.name, order.id,
           order.province_code, seq=seq)  # fmt: skip
    return resident


def delivery_of(session: Session, order: GroupOrder) -> Delivery | None:
    return session.scalar(select(Delivery).where(Delivery.group_order_id == order.id))


def receive_delivery(session: Session, order_id: int, *, principal: Principal) -> GroupOrder:
    """The leader signs for the group's drop at the pickup point: delivered (late when
    after the promised time)."""
    order = get_order(session, order_id, principal=principal)
    delivery = delivery_of(session, order)
    if delivery is None:
        raise ConflictError(f"Group order {order.id} has no delivery planned.",
                            code="group_order.no_delivery", id=order.id)  # fmt: skip
    now = clock.now()
    late = now > delivery.due_at
    row = transition(session, GroupOrder, order.id, GroupOrder.status, GroupOrderStatus.PICKING,
                     GroupOrderStatus.DELIVERED, delivered_at=now, late=late)  # fmt: skip
    delivery.status, delivery.delivered_at = DeliveryStatus.DELIVERED, now
    delivery.received_by = principal.username
    session.flush()
    _audit(session, principal, "group_order.deliver", GROUP_ORDER.name, order.id,
           order.province_code, late=late)  # fmt: skip
    return row


def reconcile(session: Session, order: GroupOrder) -> list[Reconciliation]:
    """Per item: what was delivered, what the ticked-off orders took, what still waits."""
    delivery = delivery_of(session, order)
    delivered: dict[str, int] = dict(delivery.items) if delivery else {}
    collected = case((ResidentOrder.collected_at.is_not(None), SERVED), else_=0)
    query = (
        select(ResidentLine.item_code, func.sum(collected), func.sum(SERVED))
        .join(ResidentOrder, ResidentOrder.id == ResidentLine.resident_order_id)
        .where(
            ResidentLine.group_order_id == order.id,
            ResidentOrder.status == ResidentOrderStatus.PLACED,
        )  # fmt: skip
        .group_by(ResidentLine.item_code)
    )
    handed: dict[str, int] = {}
    for item, out, _total in session.execute(query):
        handed[item] = int(out or 0)
    rows = []
    for item in sorted(set(delivered) | set(handed)):
        got, out = int(delivered.get(item, 0)), handed.get(item, 0)
        rows.append(
            Reconciliation(
                item_code=item,
                delivered=got,
                handed_out=out,
                waiting=max(0, got - out),
                difference=min(0, got - out),
            )
        )
    return rows  # fmt: skip


# -- after-sales ------------------------------------------------------------------------------
def open_case(
    session: Session, order_id: int, *, data: AfterSaleCreate, principal: Principal
) -> AfterSale:
    order = get_order(session, order_id, principal=principal)
    resident = session.scalar(
        select(ResidentOrder).where(ResidentOrder.group_order_id == order.id,
                                    ResidentOrder.seq == data.resident_seq)
    )  # fmt: skip
    if resident is None:
        raise ValidationError("is not a resident order of this group.",
                              code="groupbuy.no_resident", field="resident_seq",
                              value=data.resident_seq)  # fmt: skip
    row = AfterSale(resident_order_id=resident.id, group_order_id=order.id, kind=data.kind,
                    item_code=data.item_code, qty=data.qty, description=data.description,
                    outcome=CaseOutcome.OPEN, created_by=principal.username,
                    created_at=clock.now())  # fmt: skip
    session.add(row)
    session.flush()
    point = session.get(GroupPoint, order.group_point_id)
    assert point is not None
    ticket = servicedesk.open_subject_ticket(
        session, subject_kind=TICKET_SUBJECT, subject_ref=str(order.id),
        category=TICKET_CATEGORY[data.kind], contact_name=resident.nickname,
        contact_phone=resident.phone,
        description=f"#{row.id} {data.kind.value} {data.item_code} × {data.qty} "
                    f"({point.code} {order.day.isoformat()} #{resident.seq}) {data.description}",
        province_code=point.province_code, unit_id=point.code, principal=principal,
    )  # fmt: skip
    row.ticket_id = ticket.id
    session.flush()
    _audit(session, principal, "aftersale.open", AFTER_SALE.name, order.id, order.province_code,
           case=row.id, kind=row.kind.value, item=row.item_code, qty=row.qty,
           ticket=ticket.id)  # fmt: skip
    return row


def close_case(
    session: Session, case_id: int, *, outcome: CaseOutcome, principal: Principal
) -> AfterSale:
    row = session.get(AfterSale, case_id)
    if row is None:
        raise NotFoundError(f"Unknown case {case_id}.", code="aftersale.not_found", id=case_id)
    order = get_order(session, row.group_order_id, principal=principal)
    if outcome is CaseOutcome.OPEN:
        raise ValidationError("must be an outcome, not open.", code="groupbuy.bad_outcome",
                              field="outcome", value=outcome.value)  # fmt: skip
    done = transition(session, AfterSale, case_id, AfterSale.outcome, CaseOutcome.OPEN, outcome,
                      closed_at=clock.now())  # fmt: skip
    _audit(session, principal, "aftersale.close", AFTER_SALE.name, order.id,
           order.province_code, case=case_id, outcome=outcome.value)  # fmt: skip
    return done


def cases(session: Session, order: GroupOrder) -> list[AfterSale]:
    query = select(AfterSale).where(AfterSale.group_order_id == order.id)
    return list(session.scalars(query.order_by(AfterSale.id)))


def case_tickets(session: Session, rows: list[AfterSale]) -> dict[int, Ticket]:
    """The service-desk tickets of after-sales cases, by case id: where each stands."""
    ids = {r.ticket_id: r.id for r in rows if r.ticket_id is not None}
    if not ids:
        return {}
    return {ids[t.id]: t for t in session.scalars(select(Ticket).where(Ticket.id.in_(ids)))}


# -- dashboards -------------------------------------------------------------------------------
LEVELS = {"province": 2, "city": 4, "county": 6}


def dashboard(
    session: Session, *, principal: Principal, level: str = "province", day: date | None = None,
    days: int = 7,
) -> list[DashboardRow]:  # fmt: skip
    """Per province, city or county (of the group points' communities) over the ``days``
    up to ``day``: group points, groups open, resident orders, units ordered and delivered
    (the fill rate), late deliveries, leaders and the leaders who opened a group."""
    if level not in LEVELS:
        raise ValidationError("must be province, city or county.", code="groupbuy.bad_level",
                              field="level", value=level)  # fmt: skip
    width = LEVELS[level]
    last = day or today()
    first = last - timedelta(days=days - 1)
    key = func.substr(GroupPoint.community_code, 1, width)
    seen = point_clause(principal)
    in_days = and_(GroupOrder.day >= first, GroupOrder.day <= last)
    rows: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))

    def add(query: Select[Any], *names: str) -> None:
        for k, *values in session.execute(query.group_by(key)):
            for name, value in zip(names, values, strict=True):
                rows[str(k)][name] = int(value or 0)

    add(select(key, func.count(GroupPoint.id), func.count(func.distinct(GroupPoint.leader_id)))
        .where(seen), "groups", "leaders")  # fmt: skip
    orders = select(key).select_from(GroupOrder).join(
        GroupPoint, GroupPoint.id == GroupOrder.group_point_id
    ).where(seen, in_days)  # fmt: skip
    add(orders.add_columns(
        func.sum(case((and_(GroupOrder.status == GroupOrderStatus.OPEN,
                            GroupOrder.day == last), 1), else_=0)),
        func.sum(case((GroupOrder.late.is_(True), 1), else_=0)),
        func.count(func.distinct(GroupPoint.leader_id)),
    ), "open_groups", "late", "active_leaders")  # fmt: skip
    placed = orders.join(ResidentOrder, ResidentOrder.group_order_id == GroupOrder.id).where(
        ResidentOrder.status == ResidentOrderStatus.PLACED
    )
    add(placed.add_columns(func.count(ResidentOrder.id)), "orders")
    arrived = GroupOrder.status.in_((GroupOrderStatus.DELIVERED, GroupOrderStatus.HANDED_OUT))
    done = case((arrived, ResidentLine.qty), else_=0)
    got = case((GroupOrder.status.in_((GroupOrderStatus.DELIVERED,
                                       GroupOrderStatus.HANDED_OUT)),
                SERVED), else_=0)  # fmt: skip
    add(placed.join(ResidentLine, ResidentLine.resident_order_id == ResidentOrder.id)
        .add_columns(func.sum(ResidentLine.qty), func.sum(got), func.sum(done)),
        "ordered", "delivered", "ordered_done")  # fmt: skip
    out = []
    for k in sorted(rows):
        r = rows[k]
        code = k.ljust(6, "0")
        out.append(DashboardRow(
            region_code=code, groups=r["groups"], open_groups=r["open_groups"],
            orders=r["orders"], ordered=r["ordered"], delivered=r["delivered"],
            fill_rate=round(r["delivered"] / r["ordered_done"], 3) if r["ordered_done"] else None,
            late=r["late"], leaders=r["leaders"], active_leaders=r["active_leaders"],
        ))  # fmt: skip
    return out


def money(value: Decimal) -> str:
    return f"{value:.2f}"
