"""Fixtures of the service suite: a small network, both databases, an app, logged-in users.

Every database test runs twice, on SQLite (a file, WAL) and on PostgreSQL at
127.0.0.1:5432 (user postgres, trust): the session creates a fresh PostgreSQL database,
migrates it to head and drops it at the end. An unreachable PostgreSQL is a failure,
never a skip. Each test starts from empty tables.
"""

from __future__ import annotations

import math
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import psycopg
import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import Session, sessionmaker

from baotong.app import configure_logging, create_app
from baotong.auth import service as auth_service
from baotong.auth.permissions import ROLE_SCOPES, UNIT_KINDS, Principal, Role, Scope, ScopeKind
from baotong.config import Settings
from baotong.contingency import document as doc
from baotong.contingency.models import PlanRun
from baotong.db import migrate
from baotong.db.registry import metadata
from baotong.db.session import make_engine, make_sessionmaker, session_scope
from baotong.network import service as network_service
from baotong.network.entities import (
    PRODUCT_CLASSES,
    Automation,
    CenterRole,
    CollectionHub,
    DeliveryStation,
    Network,
    ProcessingCenter,
    ProductClass,
    Region,
    RegionLevel,
    SiteStatus,
)
from baotong.network.lookup import find_region

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
BACKENDS = ["sqlite", "postgresql"]

# -- a small network ---------------------------------------------------------------------
# Province 41 "河南" (3 counties, 2 stations each, centre ZZ) is the one that locks down;
# 42 "湖北" (centre WH) lies 2° east, 61 "陕西" (centre XA) 3° west, 37 "山东" (JN) 2° north.
PROVINCES = {
    "41": ("河南", "henan", (113.6, 34.7), "ZZ"),
    "42": ("湖北", "hubei", (115.6, 34.5), "WH"),
    "61": ("陕西", "shaanxi", (110.6, 34.5), "XA"),
    "37": ("山东", "shandong", (113.8, 36.7), "JN"),
}


def make_network(counties: int = 3, stations_per_county: int = 2) -> Network:
    """A hand-checkable network: 4 provinces, one prefecture and one centre each."""
    regions: dict[str, Region] = {}
    centers: dict[str, ProcessingCenter] = {}
    stations: dict[str, DeliveryStation] = {}
    sort_plan: dict[str, str] = {}
    prefectures: list[str] = []
    for code2, (name, pinyin, (lon, lat), center_id) in PROVINCES.items():
        p, f = f"{code2}0000", f"{code2}0100"
        regions[p] = Region(p, name + "省", pinyin, RegionLevel.PROVINCE, None, (lon, lat), 10**7)
        regions[f] = Region(
            f, name + "市", pinyin + "shi", RegionLevel.PREFECTURE, p, (lon, lat), 10**6
        )
        prefectures.append(f)
        centers[center_id] = ProcessingCenter(
            center_id,
            f"{name}中心",
            f"{pinyin} centre",
            (lon + 0.1, lat),
            f,
            p,
            CenterRole.PROVINCIAL_HUB,
            Automation.AUTOMATED,
            {ProductClass.PARCEL: 200_000.0},
            {ProductClass.PARCEL: 50_000.0},
            200,
            50,
            10_000.0,
            5_000.0,
            2,
        )
        for k in range(1, (counties if code2 == "41" else 1) + 1):
            c = f"{code2}01{k:02d}"
            loc = (lon + 0.2 * k, lat + 0.05 * k)
            regions[c] = Region(
                c, f"{name}{k}县", f"{pinyin}{k}xian", RegionLevel.COUNTY, f, loc, 10**5
            )
            sort_plan[c] = center_id
            for s in range(stations_per_county):
                sid = f"S{c}{s}"
                stations[sid] = DeliveryStation(sid, f"{name}{k}县{s}站", c, loc, 4000.0, 2, 3)
    flows = np.full((len(prefectures), len(prefectures), len(PRODUCT_CLASSES)), 1000.0)
    hubs = {
        "NJ": CollectionHub(
            "NJ", "南京集散", "Nanjing hub", (113.8, 36.7), "370100", "NKG", "JN", True
        )
    }
    return Network(
        regions, centers, hubs, stations, sort_plan, tuple(prefectures), flows, name="test"
    )


@pytest.fixture(scope="session")
def network() -> Network:
    return make_network()


def henan_scenario(name: str = "河南全省封控", region: str = "410000") -> dict[str, Any]:
    return {
        "name": name,
        "locked_areas": [{"region": region, "level": "province"}],
        "product_classes": {"parcel": 1.0, "ems": 1.0},
    }


def staff(name: str = "tester", *, province: str | None = None) -> Principal:
    """Someone the service tests act as: an administrator, national unless ``province``."""
    scope = Scope.province(province) if province else Scope()
    return Principal(user_id=0, username=name, role=Role.ADMIN, scope=scope)


# -- a real, tiny planner for the service tests -------------------------------------------
def nearest_engine(
    network: Network,
    scenario: dict[str, Any],
    on_progress: Callable[..., None],
    should_cancel: Callable[[], bool],
    gate: threading.Semaphore | None = None,
) -> doc.PlanDocument:
    """Assign every locked county to the nearest open centre outside the locked provinces."""
    locked = [find_region(network, a["region"]).code for a in scenario["locked_areas"]]
    locked_provinces = {code[:2] for code in locked}
    counties = [(area, c) for area in locked for c in network.counties_in(area)]
    assignments = []
    for i, (area, county) in enumerate(counties):
        if gate is not None:
            gate.acquire(timeout=10)
        if should_cancel():
            raise RuntimeError("cancelled")
        open_centers = [
            c
            for c in network.centers.values()
            if c.status is not SiteStatus.CLOSED and c.province_code[:2] not in locked_provinces
        ]
        best = min(open_centers, key=lambda c: math.dist(c.location, county.centroid))
        assignments.append(
            doc.Assignment(
                zone_id=county.code, zone_kind="county", region_code=county.code,
                station_id=None, name=county.name, area_code=area, location=county.centroid,
                backup_center_id=best.id, backup=best.name, volume=1000.0, load=1000.0,
                chutes=1, sort_depth="county", km=0.0, hours=0.0, extra_hours=0.0,
            )
        )  # fmt: skip
        on_progress((i + 1) / len(counties), f"{county.name} → {best.id}")
    return nearest_document(network, scenario, locked, assignments)


def nearest_document(
    network: Network, scenario: dict[str, Any], locked: list[str], rows: list[doc.Assignment]
) -> doc.PlanDocument:
    """The plan document of the nearest-centre assignments (no transport, no delays)."""
    zero = doc.DelayStats(volume=0.0, mean_hours=0.0, p95_hours=0.0)
    backups = [
        doc.Backup(
            center_id=c.id, name=c.name, province_code=c.province_code, location=c.location,
            load=1000.0 * len(zones), spare_capacity=c.spare_capacity, surge_shifts=0,
            capacity=c.spare_capacity, utilisation=None, chutes_used=len(zones),
            chutes_free=c.free_chutes, zones=zones,
        )
        for c in network.centers.values()
        if (zones := [r.zone_id for r in rows if r.backup_center_id == c.id])
    ]  # fmt: skip
    return doc.PlanDocument(
        scenario=scenario["name"], network=network.name, status="optimal",
        solver_status="optimal", objective=0.0, bound=0.0, gap=0.0, solve_seconds=0.0,
        heuristic_objective=0.0, nearest_centre_objective=0.0, nearest_centre_feasible=True,
        cost=doc.Cost(opening=0.0, transport=0.0, surge=0.0, delay=0.0, unserved=0.0, total=0.0),
        areas=[doc.LockedArea(code=c, name=network.regions[c].name, level="province",
                              depth="county") for c in locked],
        counts=doc.Counts(zones=len(rows), candidates=len(network.centers),
                          backups=len(backups)),
        volume=doc.Volume(rerouted_by_class={}, held_by_class={}),
        backups=backups, assignments=rows, sort_plan_changes=[], dispatch_relations=[],
        transit_changes=[], transport=doc.Transport(trunk=[], zone_runs=[]),
        delays=doc.Delays(overall=zero, by_area=[], by_origin_province=[]),
        unserved=doc.Unserved(zones=[], volume=0.0, missing_capacity=0.0, missing_chutes=0,
                              message=""),
    )  # fmt: skip


# -- databases ------------------------------------------------------------------------------
@contextmanager
def fresh_database(backend: str, folder: Path) -> Iterator[str]:
    """An empty database of ``backend``; PostgreSQL's is dropped afterwards."""
    if backend == "sqlite":
        yield f"sqlite:///{folder / f'{uuid.uuid4().hex}.db'}"
        return
    name = f"baotong_test_{uuid.uuid4().hex[:12]}"
    try:
        admin = psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        pytest.fail(f"PostgreSQL at 127.0.0.1:5432 is unreachable (start it): {exc}")
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A database of each backend, migrated to head once per test session."""
    with fresh_database(str(request.param), tmp_path_factory.mktemp("db")) as url:
        migrate.upgrade(url)
        yield url


@pytest.fixture(scope="session")
def db_engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def sessions(db_engine: Engine) -> sessionmaker[Session]:
    """A session factory on empty tables."""
    with db_engine.begin() as conn:
        for table in reversed(metadata.sorted_tables):
            conn.execute(delete(table))
    return make_sessionmaker(db_engine)


@pytest.fixture
def seeded(sessions: sessionmaker[Session], network: Network) -> sessionmaker[Session]:
    with session_scope(sessions) as session:
        network_service.seed(session, network=network)
    return sessions


@pytest.fixture(autouse=True)
def cheap_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2 with the smallest cost: the tests check behaviour, not hashing strength."""
    monkeypatch.setattr(
        auth_service, "hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    )


# -- the app --------------------------------------------------------------------------------
@pytest.fixture
def service_settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        data_dir=tmp_path, database_url=database_url, secret_key="k" * 40, job_workers=2
    )


@pytest.fixture
def client(
    service_settings: Settings, seeded: sessionmaker[Session], network: Network
) -> Iterator[TestClient]:
    app = create_app(service_settings, network=lambda: network, engine=nearest_engine)
    with TestClient(app) as test_client:
        yield test_client


def scope_for(role: str, province: str | None) -> Scope:
    """The scope a test user of ``role`` gets for ``province``: the province (or national)
    for office roles; for a warehouse operator, group leader or agent, a unit of their
    kind in ``province`` (Henan when None); a role held only provincially gets Henan when None."""
    kinds = ROLE_SCOPES[Role(role)]
    kind = next(iter(kinds))
    if kind in UNIT_KINDS:
        return Scope.unit(kind, f"{kind.value}-1", province_code=province or "410000")
    if ScopeKind.NATIONAL not in kinds:  # a provincial role (station staff): Henan by default
        return Scope.province(province or "410000")
    return Scope.province(province) if province else Scope()


class Users:
    """Creates users of a role and scope and hands back their bearer headers."""

    def __init__(self, client: TestClient, sessions: sessionmaker[Session]) -> None:
        self.client = client
        self.sessions = sessions
        self._cache: dict[tuple[str, str | None], dict[str, str]] = {}

    def headers(self, role: str, province: str | None = None) -> dict[str, str]:
        key = (role, province)
        if key not in self._cache:
            name = f"{role}_{province or 'cn'}"
            with session_scope(self.sessions) as session:
                auth_service.create_user(
                    session,
                    username=name,
                    password="correct horse",
                    role=role,
                    scope=scope_for(role, province),
                )
            reply = self.client.post(
                "/api/v1/auth/login", json={"username": name, "password": "correct horse"}
            )
            assert reply.status_code == 200, reply.text
            self._cache[key] = {"Authorization": f"Bearer {reply.json()['access_token']}"}
        return self._cache[key]


@pytest.fixture
def users(client: TestClient, seeded: sessionmaker[Session]) -> Users:
    return Users(client, seeded)


def wait_for(
    client: TestClient,
    plan_id: int,
    headers: dict[str, str],
    statuses: tuple[str, ...] = ("succeeded", "failed", "cancelled"),
) -> dict[str, Any]:
    """Poll a plan until it reaches one of ``statuses`` (the worker runs in a thread)."""
    wait_for_plan(client.app, plan_id)  # type: ignore[arg-type]
    reply = client.get(f"/api/v1/plans/{plan_id}", headers=headers)
    assert reply.json()["status"] in statuses, reply.json()
    return dict(reply.json())


def wait_for_plan(app: FastAPI, plan_id: int, timeout: float = 30) -> None:
    """Wait until the job computing a plan has ended (it runs in a thread of the app)."""
    context = app.state.context
    with session_scope(context.sessions, write=False) as session:
        job_id = session.scalar(select(PlanRun.job_id).where(PlanRun.id == plan_id))
    assert job_id is not None
    context.runner.wait(job_id, timeout=timeout)


@pytest.fixture
def new_database() -> Callable[[str, Path], Any]:
    """``fresh_database`` for tests that need an empty database of their own."""
    return fresh_database


@pytest.fixture
def scenario_body() -> Callable[..., dict[str, Any]]:
    return henan_scenario


@pytest.fixture
def wait() -> Callable[..., dict[str, Any]]:
    return wait_for


@pytest.fixture(scope="session", autouse=True)
def plain_logs() -> None:
    """The service's own log format (plain tracebacks, no rich rendering of locals)."""
    configure_logging()


@pytest.fixture
def engine_for_tests() -> Callable[..., dict[str, Any]]:
    """The tiny nearest-centre planner (``gate=`` a semaphore: one permit per county)."""
    return nearest_engine
