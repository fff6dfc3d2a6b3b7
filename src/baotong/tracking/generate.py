"""Traffic for demos and benchmarks: items and their scans from the network's daily volumes.

Each day, the items from every origin prefecture to every destination prefecture and
product class are drawn (Poisson) from the network's origin–destination volumes, scaled to
``items_per_day``. Each item walks the route the network takes *today*: accepted at a
station of its origin, sorted and dispatched by the origin centre, through the transit
chain to the centre that sorts its destination now — the backup centre of an active plan
for an item bound for a locked area (read through ``contingency.in_force``) — then to its
station and delivered. Items for a locked area are held at the backup until the plan is
lifted. Items are posted over the ``days`` × 24 hours before now; scans later than now are
not written.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import numpy as np
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from baotong.contingency import in_force as contingency_routing
from baotong.contingency.schemas import RoutingRead
from baotong.core import clock
from baotong.core.exceptions import BaotongError, ValidationError
from baotong.network.entities import PRODUCT_CLASSES, Network, ProductClass
from baotong.tracking import s10
from baotong.tracking.models import MailItem, ScanKind
from baotong.tracking.service import insert_events, item_ids, province_of_site

PREFIX = {ProductClass.EMS: "EE", ProductClass.PARCEL: "CP", ProductClass.LETTER: "RR",
          ProductClass.SUPPLY: "CS"}  # fmt: skip
BATCH = 20_000


@dataclass(frozen=True, slots=True)
class GenerateParams:
    """``days`` (1–31) of postings, ending now; about ``items_per_day`` items a day (1–1,000,000);
    ``seed`` makes the draw repeatable."""

    days: int = 1
    items_per_day: int = 2000
    seed: int = 0

    def __post_init__(self) -> None:
        if not 1 <= self.days <= 31:
            raise ValidationError('"days" must be between 1 and 31.', code="tracking.bad_days",
                                  field="days", value=self.days)  # fmt: skip
        if not 1 <= self.items_per_day <= 1_000_000:
            raise ValidationError('"items_per_day" must be between 1 and 1000000.',
                                  code="tracking.bad_items_per_day", field="items_per_day",
                                  value=self.items_per_day)  # fmt: skip


@dataclass(frozen=True, slots=True)
class GenerateReport:
    items: int
    events: int
    rerouted: int  # items routed through a backup centre of an active plan


def _router(session: Session, network: Network) -> Callable[[str], RoutingRead | None]:
    """The current routing of a destination, asked once per destination."""
    cache: dict[str, RoutingRead | None] = {}

    def route(destination: str) -> RoutingRead | None:
        if destination not in cache:
            try:
                cache[destination] = contingency_routing.current_routing(
                    session, network=network, destination=destination
                )
            except BaotongError:
                cache[destination] = None
        return cache[destination]

    return route


def _draws(
    network: Network, params: GenerateParams, rng: np.random.Generator
) -> Iterator[tuple[int, str, str, ProductClass]]:
    """(day, origin prefecture, destination prefecture, class) of every item drawn."""
    flows = network.od_flows
    total = float(flows.sum())
    if total <= 0:
        return
    scale = params.items_per_day / total
    for day in range(params.days):
        counts = rng.poisson(flows * scale)
        for i, j, k in zip(*np.nonzero(counts), strict=True):
            for _ in range(int(counts[i, j, k])):
                yield day, network.od_prefectures[i], network.od_prefectures[j], PRODUCT_CLASSES[k]


def generate(session: Session, *, network: Network, params: GenerateParams) -> GenerateReport:
    """Draw ``params.days`` of traffic ending now and store it through the bulk path."""
    rng = np.random.default_rng(params.seed)
    now = clock.now()
    first_day = now - timedelta(days=params.days)
    route_of = _router(session, network)
    counties: dict[str, list[str]] = {}
    serial = int(session.scalar(select(func.coalesce(func.max(MailItem.id), 0))) or 0)
    serial += params.seed * 1_000_000 + 10_000_000
    items: list[dict[str, Any]] = []
    scans: list[list[tuple[str, str, datetime]]] = []
    report = [0, 0, 0]

    def flush() -> None:
        if not items:
            return
        session.execute(insert(MailItem), items)
        ids = item_ids(session, [i["number"] for i in items])
        rows = [
            (ids[item["number"]], kind, site, at)
            for item, walk in zip(items, scans, strict=True)
            for kind, site, at in walk
        ]
        report[0] += len(items)
        report[1] += insert_events(session, rows)
        items.clear()
        scans.clear()

    def counties_of(prefecture: str) -> list[str]:
        if prefecture not in counties:
            counties[prefecture] = [c.code for c in network.counties_in(prefecture)]
        return counties[prefecture]

    for day, origin_pref, dest_pref, cls in _draws(network, params, rng):
        origin_counties, dest_counties = counties_of(origin_pref), counties_of(dest_pref)
        if not origin_counties or not dest_counties:
            continue
        origin_county = origin_counties[rng.integers(len(origin_counties))]
        dest_county = dest_counties[rng.integers(len(dest_counties))]
        origin_stations = network.stations_in_county(origin_county)
        dest_stations = network.stations_in_county(dest_county)
        station = dest_stations[rng.integers(len(dest_stations))].id if dest_stations else None
        origin_site = (
            origin_stations[rng.integers(len(origin_stations))].id
            if origin_stations
            else network.center_for(origin_county).id
        )
        route = route_of(station or dest_county)
        if route is None:
            continue
        origin_centre = network.center_for(origin_county)
        chain = network.transit_between(origin_centre, network.center(route.center_id)).chain
        posted = first_day + timedelta(days=day, minutes=int(rng.integers(0, 24 * 60)))
        serial += 1
        number = s10.make(PREFIX[cls], serial % 10**8)
        walk = _walk(origin_site, chain, station, posted, rerouted=route.source == "plan")
        report[2] += route.source == "plan"
        items.append({
            "number": number, "product_class": cls, "origin_site_id": origin_site,
            "origin_province_code": province_of_site(network, origin_site),
            "dest_region_code": dest_county,
            "dest_province_code": network.regions[dest_county].province_code,
            "dest_station_id": station, "sender_contact": f"1380000{serial % 10000:04d}",
            "recipient_contact": f"1390000{(serial * 7) % 10000:04d}", "posted_at": posted,
        })  # fmt: skip
        scans.append([(k, s, at) for k, s, at in walk if at <= now])
        if len(items) >= BATCH:
            flush()
    flush()
    return GenerateReport(items=report[0], events=report[1], rerouted=report[2])


def _walk(
    origin_site: str, chain: tuple[str, ...], station: str | None, posted: datetime, *,
    rerouted: bool,
) -> list[tuple[str, str, datetime]]:  # fmt: skip
    """The scans of one item: (kind, site, time)."""
    at = posted
    steps: list[tuple[str, str, datetime]] = [(ScanKind.ACCEPTED.value, origin_site, at)]

    def step(kind: ScanKind, site: str, hours: float) -> None:
        nonlocal at
        at = at + timedelta(hours=hours)
        steps.append((kind.value, site, at))

    first = chain[0]
    step(ScanKind.SORTED, first, 3)
    step(ScanKind.BAGGED, first, 0.5)
    step(ScanKind.DISPATCHED, first, 1)
    for centre in chain[1:]:
        step(ScanKind.ARRIVED, centre, 8)
        step(ScanKind.SORTED, centre, 1)
        step(ScanKind.DISPATCHED, centre, 1)
    if rerouted:  # the backup centre sorts it, then it waits for the area to reopen
        step(ScanKind.HELD, chain[-1], 1)
        return steps
    if station:
        step(ScanKind.ARRIVED, station, 6)
        step(ScanKind.OUT_FOR_DELIVERY, station, 2)
        step(ScanKind.DELIVERED, station, 4)
    return steps
