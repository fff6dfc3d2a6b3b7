"""Backlog simulation: what happens to a locked area's mail day by day under a plan.

A discrete-event simulation (SimPy, hours as the clock) of the mail bound for the locked
area. Every day each zone's mail arrives at its backup (randomly around the planned volume,
seeded); the backup sorts it first come, first served in waves within its capacity (spare
capacity plus the plan's surge shifts), vehicles leave after each wave with the plan's
vehicle capacity and drive the road hours to the zone, and the delivery station inside the
locked area delivers within its own daily capacity. Mail of a zone without a backup is held
where it is (at the closed centre), which is also what "do nothing" means for every zone.

The result is a per-day series (arrived, sorted, delivered, backlog, overdue, held), the
delay distribution of delivered items and the day the backlog clears: from then on the
items still undelivered a day after they arrived (overdue) stay within a small share of a
day's mail. Items are conserved: arrived = delivered + backlog at every moment, backlog
counting held, queued, in-transit and undelivered items.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import simpy

from baotong.contingency.assess import Assignment, score
from baotong.contingency.document import PlanDocument
from baotong.contingency.operations.document import CentreOperations, OperationsDocument
from baotong.contingency.operations.params import OperationsParams
from baotong.contingency.zoning import Problem
from baotong.network.entities import Automation, NetworkParams

DAY = 24.0
SORTING_ROLES = ("induction", "chute_clearing", "bag_closing")


@dataclass(frozen=True)
class SimulationParams:
    """Knobs of the backlog simulation.

    days: simulated days (>= 1).
    seed: random seed; the same seed gives the same result.
    arrival_cv: day-to-day variation of each zone's arrivals (coefficient of variation,
        >= 0; 0 means every day brings exactly the planned volume).
    sort_waves: sorting waves a backup runs a day; its daily capacity is split evenly and
        vehicles leave after each wave.
    delivery_share: a station's delivery capacity per day as a share of its zone's planned
        daily volume (> 0; 1.0 is just enough on an average day).
    clear_share: the backlog has cleared once the overdue items (undelivered a day after they
        arrived) stay at most this share of a day's planned arrivals (>= 0).
    staff_lent: with a plan's shift plan, whether the staff gap is lent (command; the
        default); if not, each shift has only the roster's reserve.
    """

    days: int = 14
    seed: int = 0
    arrival_cv: float = 0.15
    sort_waves: int = 4
    delivery_share: float = 1.2
    clear_share: float = 0.05
    staff_lent: bool = True

    def __post_init__(self) -> None:
        if self.days < 1:
            raise ValueError('"days" must be >= 1.')
        if self.arrival_cv < 0 or not math.isfinite(self.arrival_cv):
            raise ValueError('"arrival_cv" must be >= 0.')
        if self.sort_waves < 1:
            raise ValueError('"sort_waves" must be >= 1.')
        if not self.delivery_share > 0:
            raise ValueError('"delivery_share" must be > 0.')
        if self.clear_share < 0:
            raise ValueError('"clear_share" must be >= 0.')


@dataclass(frozen=True)
class Site:
    """A backup centre: items/day it can sort for the locked area.

    ``hourly`` (24 values, or empty for no limit) is what the people on shift can sort in
    each hour of the simulated day, hour 0 being when the day's mail arrives; a wave sorts
    the smaller of its share of ``capacity`` and the staffed hours it covers.
    """

    site_id: str
    capacity: float
    hourly: tuple[float, ...] = ()


@dataclass(frozen=True)
class Lane:
    """One zone's mail: its backup (None: held), planned items/day, road hours, vehicles.

    ``transport`` is the items/day the plan's vehicles carry from the backup to the zone.
    ``departure``: hours after the day's arrival when the zone run leaves, once a day with
    what is sorted by then (the production schedule); None: after every sorting wave.
    """

    zone_id: str
    site: int | None
    volume: float
    hours: float = 0.0
    transport: float = math.inf
    departure: float | None = None


@dataclass
class SimulationResult:
    """Per-day series, totals, delay distribution and the day the backlog clears."""

    name: str
    days: list[dict[str, float]]
    arrived: float
    delivered: float
    backlog: float
    held: float
    delays: dict[str, Any]
    clears_on_day: int | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "days": self.days,
            "arrived": round(self.arrived, 1),
            "delivered": round(self.delivered, 1),
            "backlog": round(self.backlog, 1),
            "held": round(self.held, 1),
            "delays": self.delays,
            "clears_on_day": self.clears_on_day,
        }


@dataclass
class _Counters:
    arrived: float = 0.0
    sorted: float = 0.0
    delivered: float = 0.0
    held: float = 0.0
    delays: list[tuple[float, float]] = field(default_factory=list)  # (hours, items)


class _Queue:
    """First come, first served items as (arrival hour, lane, items) cohorts."""

    def __init__(self) -> None:
        self.cohorts: deque[list[Any]] = deque()
        self.items = 0.0

    def put(self, t: float, lane: int, items: float) -> None:
        if items > 0:
            self.cohorts.append([t, lane, items])
            self.items += items

    def older_than(self, t: float) -> float:
        """Items in cohorts that arrived at or before hour ``t``."""
        return float(sum(c[2] for c in self.cohorts if c[0] <= t + 1e-9))

    def take(self, most: float) -> list[tuple[float, int, float]]:
        out: list[tuple[float, int, float]] = []
        while self.cohorts and most > 1e-9:
            cohort = self.cohorts[0]
            n = min(most, cohort[2])
            out.append((cohort[0], cohort[1], n))
            cohort[2] -= n
            most -= n
            self.items -= n
            if cohort[2] <= 1e-9:
                self.cohorts.popleft()
        return out


def simulate(
    sites: list[Site], lanes: list[Lane], params: SimulationParams, name: str = "plan"
) -> SimulationResult:
    """Run the simulation for ``params.days`` days and report the backlog day by day."""
    env = simpy.Environment()
    rng = np.random.default_rng(params.seed)
    count = _Counters()
    sort_q = [_Queue() for _ in sites]
    out_q = [_Queue() for _ in lanes]
    station_q = [_Queue() for _ in lanes]
    held = _Queue()
    transit = _Queue()  # cohorts on the road, by the hour they arrived
    waves = params.sort_waves
    step = DAY / waves
    factors = _daily_factors(rng, params, len(lanes))

    def arrivals() -> Any:
        for day in range(params.days):
            for i, lane in enumerate(lanes):
                items = lane.volume * float(factors[day, i])
                count.arrived += items
                if lane.site is None:
                    count.held += items
                    held.put(env.now, i, items)
                else:
                    sort_q[lane.site].put(env.now, i, items)
            yield env.timeout(DAY)

    def drive(i: int, cohorts: list[tuple[float, int, float]]) -> Any:
        yield env.timeout(lanes[i].hours)
        for t, _, n in cohorts:
            transit.cohorts.remove([t, i, n])
            transit.items -= n
            station_q[i].put(t, i, n)

    def dispatch(i: int, items: float) -> None:
        load = out_q[i].take(items)
        if load:
            for t, _, n in load:
                transit.put(t, i, n)
            env.process(drive(i, load))

    def scheduled(i: int, departure: float) -> Any:
        yield env.timeout(departure % DAY)
        while True:
            dispatch(i, lanes[i].transport)
            yield env.timeout(DAY)

    def wave() -> Any:
        yield env.timeout(step / 2)  # waves at mid-wave hours: all of a day's are in its record
        while True:
            for s, site in enumerate(sites):
                most = site.capacity / waves
                if site.hourly:
                    most = min(most, _staffed(site.hourly, env.now - step / 2, env.now + step / 2))
                for t, i, n in sort_q[s].take(most):
                    count.sorted += n
                    out_q[i].put(t, i, n)
            for i, lane in enumerate(lanes):
                if lane.departure is None:
                    dispatch(i, lane.transport / waves)
                for t, _, n in station_q[i].take(lane.volume * params.delivery_share / waves):
                    count.delivered += n
                    count.delays.append((env.now - t, n))
            yield env.timeout(step)

    series: list[dict[str, float]] = []

    def record() -> Any:
        for day in range(1, params.days + 1):
            yield env.timeout(DAY - 1e-6 if day == 1 else DAY)  # just before the next arrivals
            queues = (*sort_q, *out_q, *station_q, transit, held)
            series.append({
                "day": day,
                "arrived": round(count.arrived, 1),
                "sorted": round(count.sorted, 1),
                "delivered": round(count.delivered, 1),
                "backlog": round(sum(q.items for q in queues), 1),
                "overdue": round(sum(q.older_than(env.now - DAY) for q in queues), 1),
                "held": round(count.held, 1),
            })  # fmt: skip

    env.process(arrivals())
    env.process(wave())
    for i, lane in enumerate(lanes):
        if lane.departure is not None and lane.site is not None:
            env.process(scheduled(i, lane.departure))
    env.process(record())
    env.run(until=params.days * DAY)
    backlog = count.arrived - count.delivered
    planned = sum(lane.volume for lane in lanes)
    return SimulationResult(
        name, series, count.arrived, count.delivered, backlog, count.held,
        _delay_summary(count.delays), _clears_on(series, planned * params.clear_share),
    )  # fmt: skip


def _staffed(hourly: tuple[float, ...], start: float, end: float) -> float:
    """Items the staff sort from hour ``start`` to ``end`` (hourly rates, periodic)."""
    total, t = 0.0, start
    while t < end - 1e-9:
        step = min(math.floor(t + 1e-9) + 1.0, end) - t
        total += hourly[math.floor(t + 1e-9) % 24] * step
        t += step
    return total


def _daily_factors(rng: np.random.Generator, params: SimulationParams, lanes: int) -> Any:
    """Each lane's arrivals per day relative to its plan (gamma, mean 1, the given CV)."""
    if params.arrival_cv < 1e-6:  # too little variation to draw
        return np.ones((params.days, lanes))
    shape = 1.0 / params.arrival_cv**2
    return rng.gamma(shape, 1.0 / shape, size=(params.days, lanes))


def _clears_on(series: list[dict[str, float]], threshold: float) -> int | None:
    """First day from which the overdue backlog stays within the threshold."""
    day = None
    for row in series:
        day = (day or int(row["day"])) if row["overdue"] <= threshold + 1e-6 else None
    return day


def _delay_summary(delays: list[tuple[float, float]]) -> dict[str, Any]:
    """Mean, p50, p95 hours and items delivered per whole day of delay."""
    if not delays:
        return {"mean_hours": 0.0, "p50_hours": 0.0, "p95_hours": 0.0, "by_day": []}
    hours = np.array([h for h, _ in delays])
    items = np.array([n for _, n in delays])
    order = np.argsort(hours)
    cum = np.cumsum(items[order]) / items.sum()

    def pct(q: float) -> float:
        return round(float(hours[order][np.searchsorted(cum, q - 1e-12)]), 2)

    days = np.floor(hours / DAY).astype(int)
    by_day = [
        {"days": int(d), "items": round(float(items[days == d].sum()), 1)} for d in np.unique(days)
    ]
    mean = float((hours * items).sum() / items.sum())
    return {"mean_hours": round(mean, 2), "p50_hours": pct(0.5), "p95_hours": pct(0.95),
            "by_day": by_day}  # fmt: skip


def staffed_rates(
    centre: CentreOperations, params: OperationsParams, *, lent: bool = False
) -> tuple[float, ...]:
    """Items/hour the people on each shift of a backup can sort, by clock hour (0-23).

    A shift's planned team (the shift plan) sorts at least its peak hour; on hand are the
    roster's reserve, plus the gap when it is lent (command), so the shift sorts its
    planned team's rate (the slowest of induction, chute clearing and bag closing) times
    on hand / needed. A shift planned with no sorting work has its reserve at the chain's
    rate per person.
    """
    prod = params.productivity[Automation(centre.shifts.automation)]
    chain = 1.0 / sum(1.0 / prod[r] for r in SORTING_ROLES)
    hours = [0.0] * 24
    for need in centre.shifts.shifts:
        on_hand = need.reserve + (need.gap if lent else 0)
        team = min(need.staff.get(r, 0) * prod[r] for r in SORTING_ROLES)
        rate = team * on_hand / need.total if need.total and team > 0 else on_hand * chain
        for h in range(24):
            if need.start <= h + 0.5 < need.end or need.start <= h + 24.5 < need.end:
                hours[h] = rate
    return tuple(hours)


def _day_origin(centre: CentreOperations, params: OperationsParams) -> float:
    """The clock hour the simulated day starts at: the backup's first wave arrives."""
    return centre.schedule.waves[0].arrival if centre.schedule.waves else params.cycle_start


def plan_lanes(
    problem: Problem,
    assign: Assignment,
    network_params: NetworkParams,
    operations: OperationsDocument | None = None,
    *,
    lent: bool = False,
    ops_params: OperationsParams | None = None,
) -> tuple[list[Site], list[Lane]]:
    """Sites and lanes of a plan: each backup's capacity in items, each zone's vehicles.

    A backup sorts ``(spare + surge shifts) / handling weight`` items a day (pre-sorted bags
    weigh less); vehicles per zone are those the plan sends (trucks to counties, vans to
    stations), each making one run a day. With the plan's operations, each backup sorts no
    faster per hour than its shifts' people on hand (``staffed_rates``; ``lent``: the gap is
    lent) and each zone run leaves at its departure in the production schedule, the
    simulated day starting when the backup's first wave arrives.
    """
    ops_params = ops_params or OperationsParams()
    floors = {c.center_id: c for c in operations.centres} if operations else {}
    departures = {d.zone_id: d.departure for c in floors.values() for d in c.schedule.departures}
    sc = score(problem, assign)
    used = sorted({int(c) for c in assign if c >= 0})
    index = {c: i for i, c in enumerate(used)}
    sites: list[Site] = []
    for c in used:
        cand = problem.candidates[c]
        members = np.nonzero(assign == c)[0]
        volume = float(problem.volume[members].sum())
        load = float(problem.load[members].sum())
        weight = load / volume if volume > 0 else 1.0
        capacity = cand.capacity + int(sc.shifts[c]) * cand.surge_per_shift
        floor = floors.get(cand.center_id)
        hourly: tuple[float, ...] = ()
        if floor is not None:
            rates = staffed_rates(floor, ops_params, lent=lent)
            start = math.floor(_day_origin(floor, ops_params))
            hourly = tuple(rates[(start + h) % 24] for h in range(24))
        sites.append(Site(cand.center_id, max(capacity, 0.0) / weight, hourly))
    lanes: list[Lane] = []
    for z, zone in enumerate(problem.zones):
        c = int(assign[z])
        if c < 0:
            lanes.append(Lane(zone.zone_id, None, zone.volume))
            continue
        cap = (
            network_params.truck_capacity_items
            if zone.zone_kind == "county"
            else network_params.van_capacity_items
        )
        vehicles = math.ceil(zone.volume / cap - 1e-9) if zone.volume > 0 else 0
        floor = floors.get(problem.candidates[c].center_id)
        leaves = departures.get(zone.zone_id) if floor is not None else None
        departure = None
        if floor is not None and leaves is not None:
            departure = (leaves - math.floor(_day_origin(floor, ops_params))) % DAY
        lanes.append(Lane(zone.zone_id, index[c], zone.volume, float(problem.hours[z, c]),
                          vehicles * cap, departure))  # fmt: skip
    return sites, lanes


def assignment_from_plan(problem: Problem, plan: PlanDocument) -> Assignment:
    """The assignment a plan document describes, on this problem's zones and candidates."""
    zone_index = {z.zone_id: i for i, z in enumerate(problem.zones)}
    cand_index = {c.center_id: i for i, c in enumerate(problem.candidates)}
    assign = np.full(len(problem.zones), -1, dtype=np.int64)
    for row in plan.assignments:
        z, c = zone_index.get(row.zone_id), cand_index.get(row.backup_center_id)
        if z is not None and c is not None:
            assign[z] = c
    return assign


def compare_runs(
    problem: Problem,
    network_params: NetworkParams,
    plans: dict[str, Assignment],
    params: SimulationParams,
    operations: Mapping[str, OperationsDocument] | None = None,
) -> list[SimulationResult]:
    """Simulate each named plan and "do nothing" (every zone held) with the same seed; a
    plan with its operations in ``operations`` runs on its shift plan and schedule."""
    nothing = np.full(len(problem.zones), -1, dtype=np.int64)
    runs = []
    for name, assign in {**plans, "do_nothing": nothing}.items():
        ops = (operations or {}).get(name)
        sites, lanes = plan_lanes(problem, assign, network_params, ops,
                                  lent=params.staff_lent)  # fmt: skip
        runs.append(simulate(sites, lanes, params, name))
    return runs
