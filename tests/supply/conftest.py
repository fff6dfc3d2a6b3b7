"""Fixtures of the supply tests: Shanghai's supply office, the national sourcing desk, and
a demand table factory."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy.orm import Session, sessionmaker

import baotong.supply.jobs  # noqa: F401  (the clocks' deadline kinds)
from baotong.auth import service as auth_service
from baotong.auth.permissions import Principal, Role, Scope
from baotong.core import clock
from baotong.db.session import session_scope
from baotong.supply import service
from baotong.supply.schemas import DemandLineCreate, DemandTableCreate
from baotong.supply.template import DEMAND_SHEET, ItemKind, SiteKind, SourceKind, template_bytes

SHANGHAI = "310000"
START = datetime(2022, 4, 8, 8, 0, tzinfo=UTC)


@dataclass(frozen=True)
class People:
    owner: Principal
    supervisor: Principal
    agent: Principal
    desk_supervisor: Principal
    outsider: Principal  # a Jiangsu supply owner


def _person(session: Session, name: str, role: Role, province: str | None) -> Principal:
    scope = Scope.province(province) if province else Scope()
    user = auth_service.create_user(
        session, username=name, password="correct horse", role=role.value, scope=scope
    )
    return Principal(user.id, name, role, scope)


@pytest.fixture
def people(sessions: sessionmaker[Session]) -> People:
    with session_scope(sessions) as session:
        return People(
            owner=_person(session, "sh_owner", Role.SUPPLY_OWNER, SHANGHAI),
            supervisor=_person(session, "sh_super", Role.SUPPLY_SUPERVISOR, SHANGHAI),
            agent=_person(session, "desk_agent", Role.SOURCING_AGENT, None),
            desk_supervisor=_person(session, "desk_super", Role.SOURCING_SUPERVISOR, None),
            outsider=_person(session, "js_owner", Role.SUPPLY_OWNER, "320000"),
        )


def line(
    code: str = "FOOD-RICE-5", quantity: int = 100, unit: str = "bag", kind: ItemKind = ItemKind.SKU
) -> DemandLineCreate:
    return DemandLineCreate(
        source_kind=SourceKind.GOVERNMENT,
        source_name="浦东新区",
        item_kind=kind,
        item_code=code,
        quantity=quantity,
        unit=unit,
        site_kind=SiteKind.TRANSFER_STATION,
        site_name="浦东转运站",
        needed_by=START + timedelta(days=3),
    )


@pytest.fixture
def make_table(sessions: sessionmaker[Session], people: People) -> Callable[..., int]:
    """A draft Shanghai table (rice + vegetable kits by default); its id."""

    def make(lines: list[DemandLineCreate] | None = None) -> int:
        lines = lines or [line(), line("KIT-VEG", 500, "套", ItemKind.KIT)]
        data = DemandTableCreate(
            title="浦东 4 月 8 日",
            province_code=SHANGHAI,
            owner="sh_owner",
            deputy="sh_super",
            lines=lines,
        )
        with session_scope(sessions) as session:
            return service.create_table(session, data=data, principal=people.owner).id

    return make


@pytest.fixture
def frozen() -> object:
    with clock.frozen(START) as frozen_clock:
        yield frozen_clock


def filled_template() -> bytes:
    """A filled demand-table template: 120 bags of rice, 300 protection kits."""
    book = load_workbook(io.BytesIO(template_bytes(service.catalogue())))
    sheet = book[DEMAND_SHEET]
    sheet.append(
        [
            "政府",
            "浦东新区",
            "单品",
            "FOOD-RICE-5",
            120,
            "bag",
            "转运站",
            "浦东转运站",
            "2030-04-10 18:00",
            "",
        ]
    )
    sheet.append(
        [
            "大客户",
            "瑞金医院",
            "套餐",
            "KIT-PROT",
            300,
            "套",
            "政府场所",
            "瑞金医院",
            "2030-04-10 18:00",
            "急",
        ]
    )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
