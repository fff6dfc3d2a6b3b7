"""The supply part of the demo: a modelled Shanghai-like April 2022 case.

Modelled, not sourced: Shanghai's postal company (310000) gathers what districts, hospitals
and group buys need into demand tables; the national sourcing desk quotes from suppliers
in Jiangsu, Zhejiang, Anhui and Shandong (the bundled catalogue, with the ten kits). One
table stands in every state, each walked there through the service at staggered moments
before now, so the clocks are real: one quote is overdue (the runner escalates it when the
service starts), one confirmation was breached and escalated, others are running. Seeding
again adds nothing (the tables are found by their titles); the demo users get fresh
passwords, as the demo administrator does.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

import baotong.supply.jobs  # noqa: F401  (the clocks' deadline kinds)
from baotong.auth import service as auth_service
from baotong.auth.permissions import Principal, Role, Scope
from baotong.config import Settings
from baotong.core import clock
from baotong.db import demo
from baotong.supply import fulfilment, service
from baotong.supply.catalogue import OutbreakStage
from baotong.supply.clocks import ClockKind
from baotong.supply.models import DemandTable, SupplyClock
from baotong.supply.schemas import (
    ArrivalIn,
    DecisionIn,
    DemandLineCreate,
    DemandTableCreate,
    QuoteLineIn,
)
from baotong.supply.template import ItemKind, SiteKind, SourceKind

SHANGHAI = "310000"
MARK = "（演示）"
PEOPLE = {  # username: (role, province)
    "sh_supply": (Role.SUPPLY_OWNER, SHANGHAI),
    "sh_supply_lead": (Role.SUPPLY_SUPERVISOR, SHANGHAI),
    "desk_agent": (Role.SOURCING_AGENT, None),
    "desk_lead": (Role.SOURCING_SUPERVISOR, None),
}
# (code, quantity, unit, source kind, source, site kind, site) per line
LINES = [
    (
        "KIT-VEG",
        2000,
        "套",
        SourceKind.GOVERNMENT,
        "浦东新区",
        SiteKind.TRANSFER_STATION,
        "浦东转运站",
    ),
    (
        "KIT-FOOD",
        1500,
        "套",
        SourceKind.GOVERNMENT,
        "闵行区",
        SiteKind.TRANSFER_STATION,
        "闵行转运站",
    ),
    (
        "KIT-MILK",
        800,
        "套",
        SourceKind.GROUP_BUY,
        "徐汇团购",
        SiteKind.TRANSFER_STATION,
        "徐汇转运站",
    ),
    (
        "KIT-PROT",
        1000,
        "套",
        SourceKind.LARGE_CUSTOMER,
        "瑞金医院",
        SiteKind.GOVERNMENT_SITE,
        "瑞金医院",
    ),
    (
        "FOOD-RICE-5",
        3000,
        "bag",
        SourceKind.GOVERNMENT,
        "浦东新区",
        SiteKind.TRANSFER_STATION,
        "浦东转运站",
    ),
    (
        "KIT-DAILY",
        600,
        "套",
        SourceKind.GOVERNMENT,
        "黄浦区",
        SiteKind.GOVERNMENT_SITE,
        "黄浦区方舱",
    ),
    (
        "KIT-WASH",
        600,
        "套",
        SourceKind.GOVERNMENT,
        "黄浦区",
        SiteKind.GOVERNMENT_SITE,
        "黄浦区方舱",
    ),
    (
        "KIT-FRUIT",
        400,
        "套",
        SourceKind.GROUP_BUY,
        "长宁团购",
        SiteKind.TRANSFER_STATION,
        "长宁转运站",
    ),
    (
        "KIT-MEAT",
        300,
        "套",
        SourceKind.GROUP_BUY,
        "长宁团购",
        SiteKind.TRANSFER_STATION,
        "长宁转运站",
    ),
    (
        "KIT-SNACK",
        300,
        "套",
        SourceKind.GROUP_BUY,
        "普陀团购",
        SiteKind.TRANSFER_STATION,
        "普陀转运站",
    ),
    (
        "KIT-COND",
        300,
        "套",
        SourceKind.GROUP_BUY,
        "普陀团购",
        SiteKind.TRANSFER_STATION,
        "普陀转运站",
    ),
]


@contextmanager
def _ago(hours: float) -> Iterator[None]:
    with clock.frozen(clock.now() - timedelta(hours=hours)):
        yield


def _supplier(code: str) -> str:
    cat = service.catalogue()
    sku = cat.kit(code).items if code in cat.kit_codes else {code: 1}
    return cat.suppliers_of(next(iter(sku)))[0].code


def _people(session: Session) -> tuple[dict[str, Principal], list[str]]:
    found, said = {}, []
    for name, (role, province) in PEOPLE.items():
        user = auth_service.get_user(session, name)
        scope = Scope.province(province) if province else Scope()
        if user is None:
            password = auth_service.generated_password()
            user = auth_service.create_user(
                session, username=name, password=password, role=role.value, scope=scope
            )
        else:
            password = auth_service.reset_password(session, username=name)
        found[name] = Principal(user.id, name, role, scope)
        said.append(f"Log in as {name} with password {password} ({role.value})")
    return found, said


class _Walk:
    """Walks one table from draft through the steps, each some hours before now."""

    def __init__(self, session: Session, people: dict[str, Principal]) -> None:
        self.session, self.people = session, people
        self.owner, self.desk = people["sh_supply"], people["desk_agent"]

    def table(self, title: str, lines: list[int], hours: float, stage: OutbreakStage | None) -> int:
        base = clock.now() - timedelta(hours=hours)
        rows = [
            DemandLineCreate(
                source_kind=kind,
                source_name=source,
                item_kind=ItemKind.KIT if code.startswith("KIT-") else ItemKind.SKU,
                item_code=code,
                quantity=qty,
                unit=unit,
                site_kind=site_kind,
                site_name=site,
                needed_by=base + timedelta(days=3),
            )
            for code, qty, unit, kind, source, site_kind, site in (LINES[i] for i in lines)
        ]
        data = DemandTableCreate(
            title=title + MARK,
            province_code=SHANGHAI,
            owner="sh_supply",
            deputy="sh_supply_lead",
            stage=stage,
            lines=rows,
        )
        with _ago(hours):
            return service.create_table(self.session, data=data, principal=self.owner).id

    def submit(self, table_id: int, hours: float) -> None:
        with _ago(hours):
            service.submit(self.session, table_id=table_id, principal=self.owner)

    def quote(self, table_id: int, hours: float, short: bool = False) -> None:
        table = service.get_table(self.session, table_id, principal=self.desk)
        lines = [
            QuoteLineIn(
                line_id=ln.id,
                supplier_code=_supplier(ln.item_code),
                unit_price=Decimal("68.00") if ln.item_kind is ItemKind.KIT else Decimal("45.00"),
                available_quantity=ln.quantity // 2 if short else ln.quantity,
                lead_time_hours=24,
            )
            for ln in service.open_lines(self.session, table)
        ]
        with _ago(hours):
            service.quote(self.session, table_id=table_id, lines=lines, principal=self.desk)

    def decide(self, table_id: int, hours: float, reject: Callable[[int], bool]) -> None:
        table = service.get_table(self.session, table_id, principal=self.owner)
        pending = [
            q.line_id for q in service.quote_lines(self.session, table_id) if q.round == table.round
        ]
        decisions = [
            DecisionIn(line_id=i, accept=not reject(n), reason="价格偏高" if reject(n) else "")
            for n, i in enumerate(pending)
        ]
        with _ago(hours):
            service.decide(
                self.session, table_id=table_id, decisions=decisions, principal=self.owner
            )

    def fulfil(self, table_id: int, hours: float, until: str) -> None:
        steps = ["contract", "allocate", "dispatch", "arrive", "close"]
        s, desk, owner = self.session, self.desk, self.owner
        for n, step in enumerate(steps[: steps.index(until) + 1]):
            with _ago(hours - n * 4):
                if step == "contract":
                    fulfilment.contract(
                        s, table_id=table_id, documents=["采购合同.pdf"], principal=desk
                    )
                elif step == "allocate":
                    fulfilment.allocate(s, table_id=table_id, principal=desk)
                elif step == "dispatch":
                    fulfilment.dispatch(s, table_id=table_id, principal=desk)
                elif step == "arrive":
                    for line, q in fulfilment.accepted(s, table_id):
                        units = min(line.quantity, q.available_quantity)
                        fulfilment.record_arrival(
                            s,
                            table_id=table_id,
                            principal=owner,
                            data=ArrivalIn(
                                line_id=line.id,
                                received=units - 5,
                                short=5,
                                damaged=2,
                                notes="外箱破损",
                            ),
                        )
                    fulfilment.sign(s, table_id=table_id, side="receiver", principal=owner)
                    fulfilment.sign(s, table_id=table_id, side="deliverer", principal=desk)
                else:
                    fulfilment.close(s, table_id=table_id, principal=owner)

    def escalate_confirmation(self, table_id: int) -> None:
        """What the runner does at the deadline (here already past): remind, then escalate."""
        row = self.session.scalar(
            select(SupplyClock).where(
                SupplyClock.table_id == table_id, SupplyClock.kind == ClockKind.CONFIRM
            )
        )
        assert row is not None
        with clock.frozen(row.remind_at):
            service.remind(self.session, clock_id=row.id)
        with clock.frozen(row.due_at):
            service.breach(self.session, clock_id=row.id)


def seed_demo(session: Session, settings: Settings) -> list[str]:
    """The Shanghai case's users and one table in every state (once)."""
    people, said = _people(session)
    if session.scalar(select(DemandTable.id).where(DemandTable.title.endswith(MARK)).limit(1)):
        return said
    w = _Walk(session, people)
    peak = OutbreakStage.PEAK
    t = w.table("浦东新区 4 月 12 日需求（待提交）", [0, 1, 4], 2, peak)
    t = w.table("闵行区 4 月 11 日需求（报价中）", [1, 2, 5, 6], 6, peak)
    w.submit(t, 5)
    t = w.table("黄浦区 4 月 10 日需求（报价超时）", [5, 6, 3], 31, peak)
    w.submit(t, 30)  # due 6 h ago: the runner escalates it when the service starts
    t = w.table("长宁区 4 月 10 日需求（确认超时，已升级）", [7, 8], 40, peak)
    w.submit(t, 39)
    w.quote(t, 20)  # within 24 h; then the province let the 4 h pass
    w.escalate_confirmation(t)
    t = w.table("徐汇区 4 月 11 日需求（待确认）", [2, 9, 10], 12, peak)
    w.submit(t, 11)
    w.quote(t, 1)
    walks = [  # title, lines, how the province decides, how far it goes
        ("浦东新区 4 月 9 日需求（已确认）", [0, 4], lambda n: False, None),
        ("普陀区 4 月 9 日需求（部分确认）", [9, 10, 3], lambda n: n == 0, None),
        ("静安区 4 月 9 日需求（已驳回）", [7, 8], lambda n: True, None),
        ("浦东新区 4 月 8 日需求（已签约）", [0, 1], lambda n: False, "contract"),
        ("闵行区 4 月 8 日需求（已配货）", [1, 3, 4], lambda n: False, "allocate"),
        ("徐汇区 4 月 7 日需求（在途）", [2, 5, 6], lambda n: False, "dispatch"),
        ("黄浦区 4 月 6 日需求（已到货）", [3, 4], lambda n: False, "arrive"),
        ("浦东新区 4 月 5 日需求（已关闭）", [0, 2, 3], lambda n: False, "close"),
    ]
    for n, (title, lines, reject, until) in enumerate(walks):
        start = 60 + 12 * n
        t = w.table(title, lines, start, peak if n % 2 else OutbreakStage.EARLY)
        w.submit(t, start - 1)
        w.quote(t, start - 9, short=n == 1)
        w.decide(t, start - 10, reject)
        if until:
            w.fulfil(t, start - 12, until)
    t = w.table("宝山区 4 月 9 日需求（已取消）", [0], 50, peak)
    w.submit(t, 49)
    with _ago(45):
        service.cancel(session, table_id=t, reason="区内解封", principal=people["sh_supply"])
    count = session.scalar(select(DemandTable.id).order_by(DemandTable.id.desc()).limit(1))
    return [*said, f"Supply: 14 Shanghai demand tables (modelled), up to #{count}"]


demo.register("supply", seed_demo, after=("auth",))
