"""From a network and a scenario to the plain planning problem.

A *zone* is one sort destination group a backup takes whole: a county-level unit for a
province-level lockdown (its chutes: one for the county plus one per high-volume station)
or a delivery station for a city-level lockdown (one chute per station, grid or segment,
by the scenario's depth). A *candidate* is an open or limited centre outside every locked
area that the scenario does not close. Zone volume is the inbound items/day of the
re-routed product classes times their lockdown factor: a prefecture's inbound (od_flows)
is split to its counties and stations by the stations' daily_inbound shares.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cached_property

import numpy as np
import numpy.typing as npt

from baotong.contingency.airlegs import AirLegs, air_legs
from baotong.contingency.distances import extra_hours, gc_matrix
from baotong.contingency.ferrylegs import FerryLegs, ferry_legs, sides
from baotong.contingency.origins import origin_side, trunk_centres
from baotong.contingency.scenario import (
    AreaLevel,
    Scenario,
    SortDepth,
    locked_regions,
    resolve,
)
from baotong.core.exceptions import ValidationError
from baotong.network.entities import (
    PRODUCT_CLASSES,
    Automation,
    LonLat,
    Network,
    ProcessingCenter,
    Region,
    SiteStatus,
)

AIR_CANDIDATES_PER_ZONE = 8  # a zone with fewer backups in road reach gets flown ones (quickest)
# (and as many of the quickest ferry ones, where a crossing lies between it and backups)
MAX_ZONES = 5000  # zones of one scenario: beyond, the model outgrows a planning run's memory
_AUTOMATION_RANK = {Automation.MANUAL: 0, Automation.SEMI: 1, Automation.AUTOMATED: 2}

Array = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class Area:
    """A resolved locked area, or the catchment of a closed site (``center_id`` set).

    A catchment's ``code`` is the site's prefecture (where it is drawn); only its zones
    move, nothing around it is locked.
    """

    index: int
    code: str
    name: str
    level: AreaLevel
    depth: SortDepth
    center_id: str | None = None


@dataclass(frozen=True, slots=True)
class Zone:
    """A sort-destination group one backup takes whole. Volumes in items/day."""

    zone_id: str
    zone_kind: SortDepth
    name: str
    area: int
    region_code: str  # county code
    prefecture_code: str
    station_id: str | None
    location: LonLat
    volume: float  # re-routed items/day after lockdown factors
    load: float  # handling-weighted items/day (pre-sorted bags count lighter)
    chutes: int
    home_center_id: str  # baseline centre that sorted it
    coarser: tuple[tuple[SortDepth, int], ...] = ()  # coarser depths it may get, and chutes
    asked: tuple[SortDepth, int] | None = None  # the depth asked and its chutes, once coarsened
    hand_steps: int = 0  # depth steps the station sorts by hand (0: the depth asked)


@dataclass(frozen=True, slots=True)
class Candidate:
    """A centre that may become a backup. Capacities in items/day, costs in CNY/day."""

    center_id: str
    name: str
    province_code: str
    location: LonLat
    capacity: float  # spare capacity usable without surge shifts
    surge_per_shift: float
    surge_cost: float
    max_shifts: int
    free_chutes: int
    opening_cost: float
    baseline_load: float = 0.0  # items/day it sorts without the plan
    total_capacity: float = 0.0  # items/day it can sort without surge shifts
    on_trunk: bool = True  # a provincial or air hub: every origin already bags mail to it
    new_relations: int = 0  # origin bags it needs if it becomes a backup (off the trunk)


@dataclass(frozen=True)
class Problem:
    """The plain data the solvers work on.

    ``km[z, c]``/``hours[z, c]``: road distance and hours backup → zone; ``extra_hours[z, c]``:
    volume-weighted extra hours against the baseline; ``cost[z, c]``: assignment cost
    (item-km plus delay penalty, CNY/day); ``allowed[z, c]``: reachable and kept.
    ``air[z, c]``: the pair goes by air (see ``airlegs``): ``km`` is then its two road legs
    and ``hours`` the whole chain; ``landing[z]`` is the airport nearest the zone and
    ``landing_hours[z]`` its road hours to it; ``feeder[c]`` is the candidate's hub.
    ``ferry[z, c]``: the pair goes over a ferry crossing (see ``ferrylegs``; ``km`` and
    ``hours`` likewise), ``ferries`` its crossings, ports and last legs.
    """

    areas: list[Area]
    zones: list[Zone]
    candidates: list[Candidate]
    km: Array
    hours: Array
    extra_hours: Array
    cost: Array
    allowed: npt.NDArray[np.bool_]
    unserved_cost: Array  # per zone, CNY/day when no backup takes it
    held_by_class: dict[str, float]
    rerouted_by_class: dict[str, float]
    weights: tuple[float, float]  # CNY per item-km, CNY per item-hour of delay
    max_backups: int | None
    air: npt.NDArray[np.bool_] | None = None
    landing: tuple[str | None, ...] = ()
    landing_hours: Array | None = None
    feeder: tuple[str | None, ...] = ()
    relay_limit: int | None = None  # backups off the trunk the origins' free chutes allow
    hand_sort_item: float = 0.0  # CNY per item and depth step a station sorts by hand
    ferry: npt.NDArray[np.bool_] | None = None
    ferries: FerryLegs | None = None

    def by_air(self, z: int, c: int) -> bool:
        return bool(self.air is not None and self.air[z, c])

    def by_ferry(self, z: int, c: int) -> bool:
        return bool(self.ferry is not None and self.ferry[z, c])

    def at_depths(self, levels: npt.NDArray[np.int64]) -> Problem:
        """The problem with zone ``z`` at its ``levels[z]``-th coarser depth (0: its own)."""
        if not levels.any():
            return self
        zones = list(self.zones)
        for z in np.nonzero(levels)[0].tolist():
            depth, chutes = zones[z].coarser[int(levels[z]) - 1]
            zones[z] = replace(zones[z], zone_kind=depth, chutes=chutes, coarser=(),
                               asked=(zones[z].zone_kind, zones[z].chutes),
                               hand_steps=int(levels[z]))  # fmt: skip
        return replace(self, zones=zones)

    @cached_property
    def depth_chutes(self) -> npt.NDArray[np.int64]:
        """``[z, l]``: chutes of zone ``z`` at its ``l``-th coarser depth (0: its own);
        -1 where it has no such depth. Each further depth is one more step of hand sorting."""
        width = 1 + max((len(z.coarser) for z in self.zones), default=0)
        out = np.full((len(self.zones), width), -1, dtype=np.int64)
        for z, zone in enumerate(self.zones):
            out[z, 0] = zone.chutes
            for k, (_, chutes) in enumerate(zone.coarser, start=1):
                out[z, k] = chutes
        return out

    @cached_property
    def hand_cost(self) -> Array:
        """``[z, l]``: CNY/day of the hand sorting zone ``z`` needs at depth level ``l``
        (volume × ``hand_sort_item`` × depth steps, counting steps it already has)."""
        steps = np.arange(self.depth_chutes.shape[1])[None, :]
        steps = steps + np.array([z.hand_steps for z in self.zones], dtype=np.int64)[:, None]
        return self.volume[:, None] * self.hand_sort_item * steps

    @property
    def volume(self) -> Array:
        return np.array([z.volume for z in self.zones], dtype=float)

    @property
    def load(self) -> Array:
        return np.array([z.load for z in self.zones], dtype=float)

    @property
    def chutes(self) -> npt.NDArray[np.int64]:
        return np.array([z.chutes for z in self.zones], dtype=np.int64)


def resolve_areas(network: Network, scenario: Scenario) -> list[Area]:
    """The locked areas by region (see ``scenario.locked_regions``); with none, the
    catchment of each closed or limited site."""
    regions = locked_regions(network, scenario)
    if not regions:
        centres = [network.centers[c.center_id] for c in scenario.closed_sites]
        return [Area(i, c.prefecture_code, c.name, "province", "county", c.id)
                for i, c in enumerate(centres)]  # fmt: skip
    return [
        Area(i, region.code, region.name, spec.level, spec.sort_depth)
        for i, (spec, region) in enumerate(zip(scenario.locked_areas, regions, strict=True))
    ]


def count_zones(network: Network, areas: list[Area]) -> int:
    """How many zones the areas make: one per county, or one per station below a city."""
    return sum(
        1 if area.depth == "county" else len(network.stations_in_county(county.code))
        for area in areas
        for county in _counties(network, area)
    )


def check_size(network: Network, scenario: Scenario) -> int:
    """The scenario's zone count; a scenario of more than ``MAX_ZONES`` is refused with the
    reason (lock fewer areas, or sort them to the county or station depth)."""
    zones = count_zones(network, resolve_areas(network, scenario))
    if zones > MAX_ZONES:
        raise ValidationError(
            f"the scenario makes {zones} zones, more than the {MAX_ZONES} one plan can take; "
            "lock fewer areas or plan them at province level.",
            code="scenario.too_many_zones", field="locked_areas", zones=zones, limit=MAX_ZONES,
        )  # fmt: skip
    return zones


def build_problem(network: Network, scenario: Scenario) -> Problem:
    """Zones, candidates, distances and costs of a scenario on a network (one of at most
    ``MAX_ZONES`` zones)."""
    scenario = resolve(network, scenario)
    check_size(network, scenario)
    areas = resolve_areas(network, scenario)
    opts = scenario.options
    factors = np.array([scenario.product_classes.get(c, 0.0) for c in PRODUCT_CLASSES])
    rerouted = np.array([c in scenario.product_classes for c in PRODUCT_CLASSES])
    zones, held, moved = _zones(network, scenario, areas, factors, rerouted)
    locked = {p for p in network.od_prefectures if _locked(network, areas, p)}
    side = origin_side(network, [(z.prefecture_code, z.volume) for z in zones], locked,
                       opts.relation_min_items)  # fmt: skip
    trunk = trunk_centres(network)
    candidates = [
        c if c.center_id in trunk else replace(
            c, on_trunk=False, new_relations=side.relations,
            opening_cost=c.opening_cost + side.relations * opts.costs.new_relation,
        )
        for c in _candidates(network, scenario, areas)
    ]  # fmt: skip
    relay = np.array([not c.on_trunk for c in candidates], dtype=bool)
    nc = len(candidates)
    km = gc_matrix([z.location for z in zones], [c.location for c in candidates])
    km *= network.params.road_circuity
    hours = km / network.params.road_speed_kmh
    boats = _ferry_legs(network, scenario, areas, zones, candidates)
    by_road = (hours <= opts.max_road_hours + 1e-9) & ~boats.across  # no road over water
    legs = _air_legs(network, scenario, areas, zones, candidates)
    # a zone with few backups in road reach is topped up with the quickest flown ones, and
    # as many of the quickest shipped ones: on an island; off it, only when no backup
    # reaches it by road (island backups offered beside road ones slowed Guangdong's model
    # from 1.6 s to the 10 s limit for a plan at best 0.05 % cheaper)
    room = np.maximum(0, AIR_CANDIDATES_PER_ZONE - by_road.sum(axis=1))
    air = _quickest(legs.usable & ~by_road, legs.hours, room)
    ships = np.asarray(boats.zone_island.any(axis=0) | ~by_road.any(axis=1), dtype=bool)
    ferry = _quickest(boats.usable & ~by_road & ships[:, None], boats.hours, room)
    hours = np.where(air, legs.hours, hours)
    km = np.where(air, legs.road_km, km)
    volume = np.array([z.volume for z in zones], dtype=float)
    w = opts.costs

    def priced(
        which: Sequence[int], hours: Array, km: Array, leg: Array | float
    ) -> tuple[Array, Array]:
        """Extra hours and CNY/day of zones ``which`` by these legs (``leg``: CNY an item
        for the air or sea part): item-km, delay (with a relay's transit hop), the hop's
        handling."""
        extra = extra_hours(network, [zones[z] for z in which], candidates, hours)
        extra[:, relay] += side.hop_share * opts.transit_hop_hours
        hop = w.transit_hop_item * side.hop_share * relay[None, :]
        cost = np.asarray(volume[list(which), None] * (
            w.item_km * km + w.delay_item_hour * extra + leg + hop
        ))  # fmt: skip
        return extra, cost

    extra, cost = priced(range(len(zones)), hours, km, np.where(air, w.air_item, 0.0))
    if ferry.any():  # each pair goes the cheaper way where both air and the ferry reach
        rows = np.nonzero(ferry.any(axis=1))[0]
        f_hours = np.where(ferry, boats.hours, hours)[rows]
        f_km = np.where(ferry, boats.road_km, km)[rows]
        f_extra, f_cost = priced(rows.tolist(), f_hours, f_km, w.ferry_item)
        take = np.zeros_like(ferry)
        take[rows] = ferry[rows] & (~air[rows] | (f_cost < cost[rows]))
        sub = take[rows]
        hours[rows] = np.where(sub, f_hours, hours[rows])
        km[rows] = np.where(sub, f_km, km[rows])
        extra[rows] = np.where(sub, f_extra, extra[rows])
        cost[rows] = np.where(sub, f_cost, cost[rows])
        air &= ~take
        ferry = take
    allowed = by_road | air | ferry
    if opts.radius_km is not None:
        allowed &= km <= opts.radius_km + 1e-9
    if opts.candidates_per_zone is not None and nc > opts.candidates_per_zone:
        masked = np.where(allowed, cost, np.inf)
        keep = np.argsort(masked, axis=1)[:, : opts.candidates_per_zone]
        mask = np.zeros_like(allowed)
        np.put_along_axis(mask, keep, True, axis=1)
        allowed &= mask
    unserved = volume * w.unserved_item
    return Problem(
        areas,
        zones,
        candidates,
        km,
        hours,
        extra,
        cost,
        allowed,
        unserved,
        held,
        moved,
        (w.item_km, w.delay_item_hour),
        opts.max_backups,
        air,
        legs.landing,
        legs.last_hours,
        legs.feeder,
        side.chute_limit
        if side.chute_limit is not None and side.chute_limit < relay.sum()
        else None,
        w.hand_sort_item,
        ferry,
        boats,
    )


def _quickest(
    usable: npt.NDArray[np.bool_], hours: Array, room: npt.NDArray[np.int64]
) -> npt.NDArray[np.bool_]:
    """Of each zone's usable pairs, its ``room[z]`` quickest."""
    if not usable.any():
        return usable
    rank = np.argsort(np.argsort(np.where(usable, hours, np.inf), axis=1), axis=1)
    return usable & (rank < room[:, None])


def _air_legs(
    network: Network,
    scenario: Scenario,
    areas: list[Area],
    zones: list[Zone],
    candidates: list[Candidate],
) -> AirLegs:
    """The air chains of a scenario, or none when its options leave air out."""
    if not scenario.options.air_legs:
        return AirLegs.none(len(zones), len(candidates))
    closed = {c.center_id for c in scenario.closed_sites if c.status == SiteStatus.CLOSED.value}
    legs = air_legs(
        network, [z.location for z in zones], [c.location for c in candidates],
        scenario.options.max_road_hours,
        lambda hub: hub.center_id not in closed
        and network.centers[hub.center_id].status is not SiteStatus.CLOSED
        and not _locked(network, areas, hub.prefecture_code),
    )  # fmt: skip
    if not network.ferries:
        return legs
    # no road leg crosses the water: the feeder hub on the backup's side, the airport on
    # the zone's
    hub = sides(network, [network.hubs[h].prefecture_code if h else None for h in legs.feeder])
    port = sides(network, [network.airports[a].prefecture_code if a else None
                           for a in legs.landing])  # fmt: skip
    cand = sides(network, [network.centers[c.center_id].prefecture_code for c in candidates])
    zone = sides(network, [z.region_code for z in zones])
    return replace(legs, usable=legs.usable & (zone == port)[:, None] & (cand == hub)[None, :])


def _ferry_legs(
    network: Network,
    scenario: Scenario,
    areas: list[Area],
    zones: list[Zone],
    candidates: list[Candidate],
) -> FerryLegs:
    """The ferry chains of a scenario; with ferries off, which pairs lie across the water
    (no road pair there) but no chain."""
    return ferry_legs(
        network, [z.region_code for z in zones], [z.location for z in zones],
        [network.centers[c.center_id].prefecture_code for c in candidates],
        [c.location for c in candidates], scenario.options.max_road_hours,
        lambda prefecture: not _locked(network, areas, prefecture), scenario.options.ferries,
    )  # fmt: skip


def _locked(network: Network, areas: list[Area], code: str) -> bool:
    return any(a.center_id is None and network.contains(a.code, code) for a in areas)


def _counties(network: Network, area: Area) -> list[Region]:
    """The counties of a locked area, or those a closed site sorts in the baseline."""
    if area.center_id is None:
        return network.counties_in(area.code)
    return sorted(
        (network.regions[code] for code, centre in network.sort_plan.items()
         if centre == area.center_id and code in network.regions),
        key=lambda r: r.code,
    )  # fmt: skip


def _zones(
    network: Network,
    scenario: Scenario,
    areas: list[Area],
    factors: Array,
    rerouted: npt.NDArray[np.bool_],
) -> tuple[list[Zone], dict[str, float], dict[str, float]]:
    opts = scenario.options
    weight = (1.0 - opts.presorted_share) + opts.presorted_share * opts.crossdock_weight
    held = dict.fromkeys((str(c) for c in PRODUCT_CLASSES), 0.0)
    moved = dict.fromkeys((str(c) for c in PRODUCT_CLASSES), 0.0)
    zones: list[Zone] = []
    pref_cache: dict[str, tuple[Array, dict[str, float]]] = {}
    for area in areas:
        for county in _counties(network, area):
            pref = county.parent_code or county.code
            if pref not in pref_cache:
                pref_cache[pref] = _prefecture_inbound(network, pref)
            inbound, shares = pref_cache[pref]
            stations = network.stations_in_county(county.code)
            county_share = shares.get(county.code, 0.0)
            by_class = inbound * county_share
            for k, cls in enumerate(PRODUCT_CLASSES):
                if rerouted[k]:
                    moved[str(cls)] += float(by_class[k] * factors[k])
                else:
                    held[str(cls)] += float(by_class[k])
            vol = float((by_class * factors).sum())
            home = _home(network, county.code)
            if area.depth == "county":
                chutes = 1 + sum(1 for s in stations if network.is_high_volume(s))
                county_only: tuple[tuple[SortDepth, int], ...] = (
                    (("county", 1),) if chutes > 1 else ()
                )
                zones.append(
                    Zone(
                        county.code,
                        "county",
                        county.name,
                        area.index,
                        county.code,
                        pref,
                        None,
                        county.centroid,
                        vol,
                        vol * weight,
                        chutes,
                        home,
                        county_only,
                    )
                )
                continue
            total = sum(s.daily_inbound for s in stations)
            for s in stations:
                share = s.daily_inbound / total if total > 0 else 1.0 / len(stations)
                by_depth: dict[SortDepth, int] = {
                    "segment": s.segments, "grid": s.grids, "station": 1,
                }  # fmt: skip
                chutes = by_depth[area.depth]
                coarser = tuple((d, n) for d, n in by_depth.items() if n < chutes)
                zones.append(
                    Zone(
                        s.id,
                        area.depth,
                        s.name,
                        area.index,
                        county.code,
                        pref,
                        s.id,
                        s.location,
                        vol * share,
                        vol * share * weight,
                        chutes,
                        network.sort_plan.get(s.id, home),
                        coarser,
                    )
                )
    return zones, held, moved


def _home(network: Network, county_code: str) -> str:
    if county_code in network.sort_plan:
        return network.sort_plan[county_code]
    return network.provincial_hub(county_code[:2] + "0000").id


def _prefecture_inbound(network: Network, pref: str) -> tuple[Array, dict[str, float]]:
    """Inbound items/day per class of a prefecture and each county's share of it."""
    inbound = (
        np.array(list(network.inbound_by_class(pref).values()))
        if pref in network.od_prefectures
        else np.zeros(len(PRODUCT_CLASSES))
    )
    counties = network.counties_in(pref) if pref in network.regions else []
    weights = {
        c.code: sum(s.daily_inbound for s in network.stations_in_county(c.code)) for c in counties
    }
    total = sum(weights.values())
    if total <= 0:
        pop = {c.code: float(max(c.population, 1)) for c in counties}
        total, weights = sum(pop.values()), pop
    return inbound, {code: w / total for code, w in weights.items()} if total else {}


def _candidates(network: Network, scenario: Scenario, areas: list[Area]) -> list[Candidate]:
    opts = scenario.options
    closures = {c.center_id: c for c in scenario.closed_sites}
    national = {h.center_id for h in network.hubs.values() if h.national}
    out: list[Candidate] = []
    for center in sorted(network.centers.values(), key=lambda c: c.id):
        status = center.status
        share = opts.limited_capacity_share
        if center.id in closures:
            closure = closures[center.id]
            status = SiteStatus(closure.status)
            if closure.capacity_share is not None:
                share = closure.capacity_share
        if status is SiteStatus.CLOSED or _locked(network, areas, center.prefecture_code):
            continue
        if center.id in national and not opts.include_national_hub:
            continue
        if opts.min_automation is not None and (
            _AUTOMATION_RANK[center.automation] < _AUTOMATION_RANK[opts.min_automation]
        ):
            continue
        out.append(_candidate(center, status, share, scenario))
    return out


def _candidate(
    center: ProcessingCenter, status: SiteStatus, share: float, scenario: Scenario
) -> Candidate:
    opts = scenario.options
    limited = status is SiteStatus.LIMITED
    capacity = center.spare_capacity
    chutes = center.free_chutes
    if limited:
        capacity = max(0.0, center.total_capacity * share - center.total_load)
        chutes = math.floor(chutes * share)
    shifts = center.max_surge_shifts if opts.surge_shifts else 0
    if opts.max_surge_shifts is not None:
        shifts = min(shifts, opts.max_surge_shifts)
    return Candidate(
        center.id,
        center.name,
        center.province_code,
        center.location,
        capacity,
        center.surge_capacity_per_shift,
        center.surge_shift_cost,
        shifts,
        chutes,
        opts.costs.opening,
        center.total_load,
        center.total_capacity * share if limited else center.total_capacity,
    )
