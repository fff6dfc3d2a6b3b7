"""The cut-off of a province's day: the open group orders close, the consolidation engine
adds them up against the central warehouse's stock, and the other domains get their
work — pick waves and kit orders in the warehouse, a group-buy demand table for what is
short in supply, delivery routes (and runs, where vehicles are at hand) in transport.

Done once per province and day: the ``gb_cutoffs`` row's unique key makes a second run
return the first one's result and change nothing.
"""

from __future__ import annotations

import time as timer
from collections import defaultdict
from datetime import date, timedelta
from operator import itemgetter
from typing import Any, cast

import numpy as np
from sqlalchemy import Table, func, or_, select, update
from sqlalchemy.orm import Session

from baotong.auth.models import User
from baotong.auth.permissions import Principal, Role
from baotong.auth.scope import in_scope
from baotong.core import clock
from baotong.groupbuy import service
from baotong.groupbuy.consolidation import (
    Consolidation,
    ConsolidationInput,
    Group,
    OrderLines,
    consolidate,
)
from baotong.groupbuy.models import (
    Cutoff,
    Delivery,
    DeliveryStatus,
    GroupOrder,
    GroupOrderStatus,
    GroupPoint,
    PickupPoint,
    ResidentLine,
    ResidentOrder,
    ResidentOrderStatus,
)
from baotong.groupbuy.schemas import CutoffRead
from baotong.network.entities import Network
from baotong.supply import service as supply_service
from baotong.supply.schemas import DemandLineCreate, DemandTableCreate
from baotong.supply.template import ItemKind, SiteKind, SourceKind
from baotong.transport import engine as routing
from baotong.transport import service as transport_service
from baotong.transport.entities import RouteType, RunKind
from baotong.transport.models import Person, Vehicle
from baotong.warehouse import outbound
from baotong.warehouse.models import (
    Location,
    LocationKind,
    Quant,
    Warehouse,
    WarehouseKind,
    WarehouseStatus,
)
from baotong.warehouse.schemas import ItemLine

ROAD_CIRCUITY = 1.3  # road metres per great-circle metre in a city
VAN_SPEED_MS = 25_000 / 3600  # a delivery van in a locked city, m/s
STOP_SECONDS = 600  # unloading at a pickup point
VAN_BAGS = 300  # a modelled van's bags when no vehicle of the warehouse is registered
DUE_HOUR = 12  # the vans leave in the morning after the cut-off; due by noon


def _read(row: Cutoff, repeated: bool = False) -> CutoffRead:
    return CutoffRead(province_code=row.province_code, day=row.day,
                      demand_table_id=row.demand_table_id, seconds=row.seconds,
                      repeated=repeated, **row.summary)  # fmt: skip


def run(
    session: Session, *, province_code: str, day: date, network: Network,
    principal: Principal, routing_seconds: float = 2.0,
) -> CutoffRead:  # fmt: skip
    """Cut off the province's open group orders of ``day`` (once)."""
    service._check_province(principal, province_code)
    done = session.scalar(
        select(Cutoff).where(Cutoff.province_code == province_code, Cutoff.day == day)
    )
    if done is not None:
        return _read(done, repeated=True)
    started = timer.perf_counter()
    phases: dict[str, float] = {}

    def lap(name: str) -> None:
        phases[name] = round(timer.perf_counter() - started - sum(phases.values()), 3)

    now = clock.now()
    of_day = (GroupOrder.province_code == province_code) & (GroupOrder.day == day)
    session.execute(
        update(GroupOrder)
        .where(of_day, GroupOrder.status == GroupOrderStatus.OPEN)
        .values(status=GroupOrderStatus.CUT_OFF, cut_at=now)
        .execution_options(synchronize_session=False)
    )
    cut = of_day & (GroupOrder.status == GroupOrderStatus.CUT_OFF)
    groups = [
        Group(id=g, point=p, forward=f)
        for g, p, f in session.execute(
            select(GroupOrder.id, GroupPoint.code, Warehouse.code)
            .join(GroupPoint, GroupPoint.id == GroupOrder.group_point_id)
            .join(PickupPoint, PickupPoint.id == GroupPoint.pickup_point_id)
            .join(Warehouse, Warehouse.id == PickupPoint.forward_warehouse_id)
            .where(cut)
            .order_by(GroupOrder.id)
        )
    ]
    placed = (
        select(
            ResidentLine.id,
            ResidentLine.group_order_id,
            ResidentLine.resident_order_id,
            ResidentLine.item_code,
            ResidentLine.qty,
        )  # fmt: skip
        .join(ResidentOrder, ResidentOrder.id == ResidentLine.resident_order_id)
        .join(GroupOrder, GroupOrder.id == ResidentLine.group_order_id)
        .where(cut, ResidentOrder.status == ResidentOrderStatus.PLACED)
    )
    # first come first served: by resident order, then line (sorted here, not by a disk
    # sort in the database)
    rows = sorted(session.execute(placed).all(), key=itemgetter(2, 0))
    lap("read")
    columns = tuple(zip(*rows, strict=True)) if rows else ((), (), (), (), ())
    lines = OrderLines(*columns)
    central = session.scalar(
        select(Warehouse)
        .where(
            Warehouse.province_code == province_code,
            Warehouse.kind == WarehouseKind.CENTRAL,
            Warehouse.status == WarehouseStatus.OPEN,
        )  # fmt: skip
        .order_by(Warehouse.code)
        .limit(1)
    )
    cat = service.catalogue()
    kit_codes = set(cat.kit_codes)
    kits = {
        code: dict(cat.kit(code, province_code=province_code).items)
        for code in set(lines.item) & kit_codes
    }
    result = consolidate(
        ConsolidationInput(lines=lines, groups=tuple(groups),
                           stock=_stock(session, central) if central else {}, kits=kits)
    )  # fmt: skip
    lap("consolidate")
    _allocate(session, cut, result)
    lap("allocate")
    waves, kit_orders = _warehouse_work(session, principal, central, province_code, day, result)
    if result.by_group:  # the groups with goods coming; the others stay cut off
        session.execute(
            update(GroupOrder)
            .where(cut, GroupOrder.id.in_(list(result.by_group)))
            .values(status=GroupOrderStatus.PICKING)
            .execution_options(synchronize_session=False)
        )
    table_id = _shortfall(session, principal, central, province_code, day, result, kit_codes)
    lap("warehouse_and_supply")
    row = Cutoff(province_code=province_code, day=day,
                 central_warehouse=central.code if central else None,
                 demand_table_id=table_id, summary={}, created_by=principal.username,
                 created_at=now)  # fmt: skip
    session.add(row)
    session.flush()
    routes, runs, deliveries = _deliveries(
        session, principal, network, row, day, groups, result, routing_seconds
    )
    lap("deliveries")
    row.seconds = round(timer.perf_counter() - started, 3)
    row.summary = {
        "orders": len(set(lines.resident)),
        "groups": len(groups),
        "waves": waves,
        "kit_orders": kit_orders,
        "shortfall": dict(sorted(result.short.items())),
        "deliveries": deliveries,
        "routes": routes,
        "runs": runs,
        "fill_rate": round(result.fill_rate, 4),
        "phases": phases,
    }
    session.flush()
    service._audit(session, principal, "group_order.cutoff", service.CUTOFF.name,
                   f"{province_code}:{day.isoformat()}", province_code,
                   **{k: v for k, v in row.summary.items() if k not in ("runs", "phases")},
                   demand_table=table_id)  # fmt: skip
    return _read(row)


def _stock(session: Session, central: Warehouse) -> dict[str, int]:
    """Units available in the central warehouse's bins per SKU (and kit), unreserved."""
    query = (
        select(Quant.sku, func.sum(Quant.on_hand - Quant.reserved))
        .join(Location, Location.id == Quant.location_id)
        .where(Quant.warehouse_id == central.id, Location.kind == LocationKind.BIN)
        .group_by(Quant.sku)
    )
    return {sku: int(n or 0) for sku, n in session.execute(query) if n and n > 0}


def _allocate(session: Session, cut: Any, result: Consolidation) -> None:
    """Write what the lines that could not be filled in full got: for each item that ran
    out, every line placed after its cut gets none (one UPDATE for all items) and the cut
    line what was left (by primary key). A line of the day left as it is got its whole
    quantity (``service.SERVED``): nothing is written for it, whatever the day's size."""
    if not result.cuts:
        return
    day_groups = select(GroupOrder.id).where(cut).scalar_subquery()
    after_cut = or_(*(
        (ResidentLine.item_code == item)
        & ((ResidentLine.resident_order_id > stop.resident)
           | ((ResidentLine.resident_order_id == stop.resident)
              & (ResidentLine.id > stop.line_id)))
        for item, stop in sorted(result.cuts.items())
    ))  # fmt: skip
    session.execute(
        update(ResidentLine)
        .where(ResidentLine.group_order_id.in_(day_groups), after_cut)
        .values(allocated=0)
        .execution_options(synchronize_session=False)
    )
    for stop in result.cuts.values():
        session.execute(
            update(ResidentLine)
            .where(ResidentLine.id == stop.line_id)
            .values(allocated=stop.take)
            .execution_options(synchronize_session=False)
        )


def _warehouse_work(
    session: Session, principal: Principal, central: Warehouse | None, province_code: str,
    day: date, result: Consolidation,
) -> tuple[list[str], list[int]]:  # fmt: skip
    """A pick list per forward warehouse's wave, and a kit order per kit to assemble."""
    if central is None:
        return [], []
    reference = f"groupbuy:{province_code}:{day.isoformat()}"
    waves = []
    for forward, items in result.picks.items():
        lines = [ItemLine(sku=sku, qty=qty) for sku, qty in items.items() if qty > 0]
        if not lines:
            continue
        wave = f"GB-{day:%Y%m%d}-{forward}"
        outbound.create_pick(session, principal, central.code, lines=lines, wave=wave,
                             reference=reference, cutoff=clock.now())  # fmt: skip
        waves.append(wave)
    kit_orders = [
        outbound.create_kit_order(session, principal, central.code, kit=kit, kits=n,
                                  province_code=province_code, reference=reference).id
        for kit, n in sorted(result.assemble.items())
    ]  # fmt: skip
    return waves, kit_orders


def _owner(session: Session, province_code: str) -> str | None:
    """Who owns the group-buy demand table: the province's supply owner or supervisor."""
    for role in (Role.SUPPLY_OWNER, Role.SUPPLY_SUPERVISOR, Role.ADMIN):
        for user in session.scalars(
            select(User).where(User.role == role.value, User.active.is_(True)).order_by(User.id)
        ):
            if user.scope.covers_province(province_code):
                return user.username
    return None


def _shortfall(
    session: Session, principal: Principal, central: Warehouse | None, province_code: str,
    day: date, result: Consolidation, kit_codes: set[str],
) -> int | None:  # fmt: skip
    """What stock could not cover, as a draft group-buy demand table for the supply desk."""
    owner = _owner(session, province_code)
    if not result.short or owner is None:
        return None
    cat = service.catalogue()
    site = central.name if central else "中心仓"
    needed_by = service.at(day + timedelta(days=1), 18)
    lines = [
        DemandLineCreate(
            source_kind=SourceKind.GROUP_BUY, source_name=f"团购汇总 {day.isoformat()}",
            item_kind=ItemKind.KIT if item in kit_codes else ItemKind.SKU, item_code=item,
            quantity=qty, unit="套" if item in kit_codes else cat.skus[item].unit,
            site_kind=SiteKind.TRANSFER_STATION, site_name=site[:200], needed_by=needed_by,
            notes=f"{len(result.by_group)} group points",
        )
        for item, qty in sorted(result.short.items())
    ]  # fmt: skip
    table = supply_service.create_table(
        session,
        data=DemandTableCreate(title=f"社区团购缺货 {province_code} {day.isoformat()}",
                               province_code=province_code, owner=owner, lines=lines),
        principal=principal,
    )  # fmt: skip
    return table.id


def _matrices(places: list[tuple[float, float]]) -> tuple[Any, Any]:
    """Road metres and van seconds between every two places (lon, lat): great circle ×
    circuity, at the van's speed — vectorised, so 100 stops take milliseconds."""
    lon, lat = np.radians(np.array(places, dtype=float)).T
    h = (np.sin((lat[:, None] - lat[None, :]) / 2) ** 2
         + np.cos(lat)[:, None] * np.cos(lat)[None, :]
         * np.sin((lon[:, None] - lon[None, :]) / 2) ** 2)  # fmt: skip
    metres = (2 * 6_371_000 * np.arcsin(np.sqrt(np.clip(h, 0, 1))) * ROAD_CIRCUITY).astype(int)
    seconds = (metres / VAN_SPEED_MS).astype(int)
    return tuple(map(tuple, metres.tolist())), tuple(map(tuple, seconds.tolist()))


def _depot(network: Network, forward: Warehouse, stops: list[tuple[float, float]]) -> Any:
    centre = network.centers.get(forward.site_id or "")
    if centre is not None:
        return tuple(centre.location)
    region = network.regions.get(forward.region_code or "")
    if region is not None:
        return tuple(region.centroid)
    return (sum(s[0] for s in stops) / len(stops), sum(s[1] for s in stops) / len(stops))


def _deliveries(
    session: Session, principal: Principal, network: Network, cutoff: Cutoff, day: date,
    groups: list[Group], result: Consolidation, routing_seconds: float,
) -> tuple[int, list[int], int]:  # fmt: skip
    """Route each forward warehouse's van(s) over its pickup points and record a delivery
    per group order served; a route gets a transport run when the warehouse has a vehicle
    and the province a driver. Returns (routes, run ids, deliveries)."""
    served = [g for g in groups if g.id in result.by_group]
    if not served:
        return 0, [], 0
    pickup_of = dict(
        session.execute(
            select(GroupOrder.id, PickupPoint.id)
            .join(GroupPoint, GroupPoint.id == GroupOrder.group_point_id)
            .join(PickupPoint, PickupPoint.id == GroupPoint.pickup_point_id)
            .where(GroupOrder.id.in_([g.id for g in served]))
        ).all()
    )
    wanted = select(PickupPoint).where(PickupPoint.id.in_(set(pickup_of.values())))
    points = {p.id: p for p in session.scalars(wanted)}
    by_forward: dict[str, list[Group]] = defaultdict(list)
    for g in served:
        by_forward[g.forward].append(g)
    homes = select(Warehouse).where(Warehouse.code.in_(list(by_forward)))
    forwards = {w.code: w for w in session.scalars(homes)}
    budget = max(0.05, routing_seconds / max(1, len(by_forward)))
    due = service.at(day + timedelta(days=1), DUE_HOUR)
    routes_made, runs, rows = 0, [], []
    for code, members in sorted(by_forward.items()):
        forward = forwards[code]
        bags: dict[int, int] = defaultdict(int)  # pickup point -> bags
        for g in members:
            bags[pickup_of[g.id]] += max(1, result.residents_by_group.get(g.id, 0))
        stop_ids = sorted(bags)
        places = [(points[p].lon, points[p].lat) for p in stop_ids]
        depot = _depot(network, forward, places)
        distance, duration = _matrices([depot, *places])
        vehicles = list(session.scalars(
            select(Vehicle).where(Vehicle.home_site == code, Vehicle.active.is_(True))
            .order_by(Vehicle.id)
        ))  # fmt: skip
        capacity = max([v.packages for v in vehicles] + [VAN_BAGS, *bags.values()])
        problem = routing.RoutingProblem(
            depots=(0,),
            stops=tuple(routing.Stop(id=str(p), place=i + 1, demand=bags[p], service=STOP_SECONDS)
                        for i, p in enumerate(stop_ids)),
            vehicles=(routing.VehicleKind(name=code, depot=0, count=len(stop_ids),
                                          capacity=capacity),),
            distance_m=distance, duration_s=duration,
        )  # fmt: skip
        solution = routing.solve(problem, time_limit_s=budget)
        driver = session.scalar(
            select(Person.id).where(Person.province_code == forward.province_code,
                                    Person.job == "driver").order_by(Person.site != code, Person.id)
        )  # fmt: skip
        stop_of: dict[int, tuple[int, int, int | None]] = {}
        for number, route in enumerate(solution.routes, 1):
            run_id = None
            if number <= len(vehicles) and driver is not None:
                first = points[int(route.stops[0])]
                run_id = transport_service.create_run(
                    session, kind=RunKind.DELIVERY, run_date=day + timedelta(days=1),
                    vehicle_id=vehicles[number - 1].id, driver_id=driver, origin=code,
                    destination=first.region_code, route_type=RouteType.CITY,
                    network=network, principal=principal,
                ).id  # fmt: skip
                runs.append(run_id)
            for position, stop in enumerate(route.stops, 1):
                stop_of[int(stop)] = (number, position, run_id)
        routes_made += len(solution.routes)
        for g in members:
            number, position, run_id = stop_of.get(pickup_of[g.id], (0, 0, None))
            rows.append({
                "cutoff_id": cutoff.id, "group_order_id": g.id, "forward_warehouse": code,
                "route": number, "stop": position, "run_id": run_id,
                "packages": max(1, result.residents_by_group.get(g.id, 0)),
                "items": result.by_group[g.id], "due_at": due,
                "status": DeliveryStatus.PLANNED, "delivered_at": None, "received_by": None,
            })  # fmt: skip
    if rows:
        session.execute(cast(Table, Delivery.__table__).insert(), rows)
    return routes_made, runs, len(rows)


def latest(session: Session, *, principal: Principal, limit: int = 20) -> list[Cutoff]:
    query = select(Cutoff).where(in_scope(principal, Cutoff.province_code))
    return list(session.scalars(query.order_by(Cutoff.day.desc(), Cutoff.id.desc()).limit(limit)))
