"""Fixtures of the tracking and service-desk tests: items bound for Henan and for Hubei,
and the Henan lockdown plan, activated and lifted through the contingency service."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from baotong.auth.permissions import Principal
from baotong.contingency import service as contingency_service
from baotong.db.session import session_scope
from baotong.jobs.models import JobStatus
from baotong.network.entities import Network, ProductClass
from baotong.tracking import s10
from baotong.tracking import service as tracking_service
from baotong.tracking.schemas import EventIn, ItemCreate

from ..conftest import henan_scenario, nearest_engine, staff

T0 = datetime(2026, 12, 1, 8, tzinfo=UTC)
HENAN_ITEM = s10.make("CP", 1)  # Xi'an → Henan county 410102, station S4101021
HUBEI_ITEM = s10.make("EE", 2)  # Xi'an → Hubei county 420101


def item(number: str, county: str, station: str | None) -> ItemCreate:
    return ItemCreate(
        number=number,
        product_class=ProductClass.PARCEL,
        origin_site_id="XA",
        dest_region_code=county,
        dest_station_id=station,
        sender_contact="13800000001",
        recipient_contact="13900000002",
        posted_at=T0,
    )


def scans(number: str) -> list[EventIn]:
    return [
        EventIn(number=number, event="accepted", site_id="XA", at=T0),
        EventIn(number=number, event="sorted", site_id="XA", at=T0 + timedelta(hours=2)),
        EventIn(number=number, event="dispatched", site_id="XA", at=T0 + timedelta(hours=3)),
    ]


@pytest.fixture
def items(seeded: sessionmaker[Session], network: Network) -> dict[str, str]:
    """Two items posted in Xi'an with their first scans: one for Henan, one for Hubei."""
    with session_scope(seeded) as session:
        tracking_service.ingest(
            session,
            network=network,
            items=[item(HENAN_ITEM, "410102", "S4101021"), item(HUBEI_ITEM, "420101", None)],
            events=scans(HENAN_ITEM) + scans(HUBEI_ITEM),
            principal=staff(),
        )
    return {"henan": HENAN_ITEM, "hubei": HUBEI_ITEM}


class Lockdown:
    """The Henan lockdown plan: ``activate()`` puts it in force, ``lift()`` ends it."""

    def __init__(self, sessions: sessionmaker[Session], network: Network) -> None:
        self.sessions, self.network = sessions, network
        self.plan_id: int | None = None

    def activate(self) -> int:
        body = henan_scenario()
        with session_scope(self.sessions) as session:
            scenario = contingency_service.create_scenario(
                session, body=body, network=self.network, principal=staff("p")
            )
            run = contingency_service.create_plan(
                session,
                scenario_id=scenario.id,
                name=None,
                parameters={},
                network=self.network,
                principal=staff("p"),
            )
            document = nearest_engine(self.network, body, lambda *_: None, lambda: False)
            slower = [a.model_copy(update={"extra_hours": 18.0}) for a in document.assignments]
            document = document.model_copy(update={"assignments": slower})
            contingency_service.store_result(session, run=run, result=document)
            run.job.status = JobStatus.SUCCEEDED
            contingency_service.approve_plan(session, plan_id=run.id, principal=staff("p"))
            contingency_service.activate_plan(session, plan_id=run.id, principal=staff("d"))
            self.plan_id = run.id
        return run.id

    def lift(self) -> None:
        assert self.plan_id is not None
        with session_scope(self.sessions) as session:
            contingency_service.lift_plan(session, plan_id=self.plan_id, principal=staff("d"))


@pytest.fixture
def lockdown(seeded: sessionmaker[Session], network: Network) -> Lockdown:
    return Lockdown(seeded, network)


@pytest.fixture
def system() -> Principal:
    return Principal.system("tester")


@pytest.fixture
def as_of() -> Callable[..., Any]:
    return lambda hours=0: T0 + timedelta(hours=hours)
