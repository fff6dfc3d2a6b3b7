"""The postal network as plain, validated, immutable data.

Every engine (planner, simulator, sweeps) and the service read this model; nothing here
touches a database. Units are in the names or the docstrings: items/day, km, hours, CNY.
Coordinates are (longitude, latitude) in WGS-84 degrees.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Literal

import numpy as np
import numpy.typing as npt

from baotong.core.enums import LabelledEnum
from baotong.core.exceptions import NotFoundError, ValidationError


class RegionLevel(LabelledEnum, key="level"):
    PROVINCE = "province", "blue"
    PREFECTURE = "prefecture", "teal"
    COUNTY = "county", "gray"


class ProductClass(LabelledEnum):
    """Product classes whose volumes the network carries."""

    EMS = "ems", "red"
    PARCEL = "parcel", "orange"
    LETTER = "letter", "blue"
    SUPPLY = "supply", "green"


PRODUCT_CLASSES: tuple[ProductClass, ...] = tuple(ProductClass)


class Automation(LabelledEnum):
    MANUAL = "manual", "gray"
    SEMI = "semi", "yellow"
    AUTOMATED = "automated", "green"


class SiteStatus(LabelledEnum, key="status"):
    OPEN = "open", "green"
    LIMITED = "limited", "orange"
    CLOSED = "closed", "red"


class CenterRole(LabelledEnum):
    """A centre's place in the transit chain."""

    PROVINCIAL_HUB = "provincial_hub", "purple"  # the province's main hub (Zhengzhou for Henan)
    PREFECTURE = "prefecture", "blue"  # serves one prefecture-level city
    CITY = "city", "teal"  # one of several centres of a municipality


LonLat = tuple[float, float]


def _require(condition: bool, message: str, field_name: str, value: object) -> None:
    if not condition:
        raise ValidationError(message, code="network.invalid_value", field=field_name, value=value)


def _check_lonlat(location: LonLat, field_name: str) -> None:
    lon, lat = location
    _require(
        -180.0 <= lon <= 180.0,
        f'"{field_name}" longitude must be within [-180, 180].',
        field_name,
        location,
    )
    _require(
        -90.0 <= lat <= 90.0,
        f'"{field_name}" latitude must be within [-90, 90].',
        field_name,
        location,
    )


def _check_by_class(values: Mapping[ProductClass, float], field_name: str) -> None:
    for cls, value in values.items():
        _require(
            cls in PRODUCT_CLASSES, f'"{field_name}" has an unknown product class.', field_name, cls
        )
        _require(
            value >= 0 and math.isfinite(value),
            f'"{field_name}[{cls}]" must be >= 0.',
            field_name,
            value,
        )


@dataclass(frozen=True, slots=True)
class Region:
    """An administrative region: province, prefecture-level city or county-level unit.

    ``code`` is the six-digit GB/T 2260 code ("410000" Henan, "410100" Zhengzhou,
    "410102" Zhongyuan district). ``population`` is in persons.
    """

    code: str
    name: str
    pinyin: str
    level: RegionLevel
    parent_code: str | None
    centroid: LonLat
    population: int

    def __post_init__(self) -> None:
        _require(
            len(self.code) == 6 and self.code.isdigit(),
            '"code" must be a six-digit GB/T 2260 code.',
            "code",
            self.code,
        )
        _require(bool(self.name.strip()), '"name" must not be empty.', "name", self.name)
        _require(self.population >= 0, '"population" must be >= 0.', "population", self.population)
        _require(
            (self.level is RegionLevel.PROVINCE) == (self.parent_code is None),
            '"parent_code" must be empty for a province and set otherwise.',
            "parent_code",
            self.parent_code,
        )
        _check_lonlat(self.centroid, "centroid")

    @property
    def province_code(self) -> str:
        return self.code[:2] + "0000"


@dataclass(frozen=True, slots=True)
class ProcessingCenter:
    """A sorting centre (处理中心).

    Capacities and loads are in items/day per product class. ``chutes`` is the number of
    sorter outlets (格口), of which ``chutes_in_use`` serve its baseline sort plan. Each
    extra shift adds ``surge_capacity_per_shift`` items/day and costs
    ``surge_shift_cost`` CNY/day, up to ``max_surge_shifts`` shifts.
    """

    id: str
    name: str
    name_en: str
    location: LonLat
    prefecture_code: str
    province_code: str
    role: CenterRole
    automation: Automation
    capacity: Mapping[ProductClass, float]
    baseline_load: Mapping[ProductClass, float]
    chutes: int
    chutes_in_use: int
    surge_capacity_per_shift: float
    surge_shift_cost: float
    max_surge_shifts: int
    status: SiteStatus = SiteStatus.OPEN

    def __post_init__(self) -> None:
        _require(bool(self.id.strip()), '"id" must not be empty.', "id", self.id)
        _require(bool(self.name.strip()), '"name" must not be empty.', "name", self.name)
        _check_lonlat(self.location, "location")
        _check_by_class(self.capacity, "capacity")
        _check_by_class(self.baseline_load, "baseline_load")
        _require(
            self.total_capacity > 0, '"capacity" must be > 0.', "capacity", self.total_capacity
        )
        _require(self.chutes > 0, '"chutes" must be > 0.', "chutes", self.chutes)
        _require(
            0 <= self.chutes_in_use <= self.chutes,
            '"chutes_in_use" must be between 0 and "chutes".',
            "chutes_in_use",
            self.chutes_in_use,
        )
        _require(
            self.surge_capacity_per_shift >= 0,
            '"surge_capacity_per_shift" must be >= 0.',
            "surge_capacity_per_shift",
            self.surge_capacity_per_shift,
        )
        _require(
            self.surge_shift_cost >= 0,
            '"surge_shift_cost" must be >= 0.',
            "surge_shift_cost",
            self.surge_shift_cost,
        )
        _require(
            self.max_surge_shifts >= 0,
            '"max_surge_shifts" must be >= 0.',
            "max_surge_shifts",
            self.max_surge_shifts,
        )

    @property
    def total_capacity(self) -> float:
        """Items/day over all product classes."""
        return float(sum(self.capacity.values()))

    @property
    def total_load(self) -> float:
        """Baseline items/day over all product classes."""
        return float(sum(self.baseline_load.values()))

    @property
    def spare_capacity(self) -> float:
        """Items/day the centre can take on without surge shifts (0 when closed)."""
        if self.status is SiteStatus.CLOSED:
            return 0.0
        return max(0.0, self.total_capacity - self.total_load)

    @property
    def free_chutes(self) -> int:
        return 0 if self.status is SiteStatus.CLOSED else self.chutes - self.chutes_in_use

    @property
    def utilisation(self) -> float:
        return self.total_load / self.total_capacity


@dataclass(frozen=True, slots=True)
class CollectionHub:
    """A collection hub (集散中心) that pre-sorts air mail, with the airports it links.

    ``air_links`` are the ids of the other hubs it has scheduled flights to.
    ``center_id`` is the processing centre co-located with it.
    """

    id: str
    name: str
    name_en: str
    location: LonLat
    prefecture_code: str
    airport: str
    center_id: str
    national: bool
    air_links: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        _require(bool(self.id.strip()), '"id" must not be empty.', "id", self.id)
        _check_lonlat(self.location, "location")


@dataclass(frozen=True, slots=True)
class Airport:
    """An airport that takes mail flights into its prefecture (IATA ``code``).

    The hubs' own airports are listed too. In a lockdown the planner may fly a backup's
    mail from the collection hub nearest it to the airport nearest a zone, then run it
    from there by road; the airport keeps working when its prefecture is locked.
    """

    code: str
    name: str
    prefecture_code: str
    location: LonLat

    def __post_init__(self) -> None:
        _require(
            len(self.code) == 3 and self.code.isascii() and self.code.isalpha()
            and self.code.isupper(),
            '"code" must be a three-letter IATA airport code.', "code", self.code,
        )  # fmt: skip
        _require(bool(self.name.strip()), '"name" must not be empty.', "name", self.name)
        _check_lonlat(self.location, "location")


@dataclass(frozen=True, slots=True)
class Ferry:
    """A ferry crossing (轮渡) that carries mail trucks over water, boats round the clock.

    ``port_a`` lies on the near side (the mainland), ``port_b`` on the far side: the
    regions of ``island`` (codes), which no road joins to the rest of the network — a road
    run between them and anywhere else takes this crossing. A crossing takes
    ``crossing_hours`` at sea plus ``handling_hours`` of loading, waiting and unloading at
    both ends. In a lockdown the planner may run a backup's mail by road to the port on its
    side, ship it across and run it from the other port into the zone (see ferrylegs).
    """

    id: str
    name: str
    port_a: str
    prefecture_a: str
    location_a: LonLat
    port_b: str
    prefecture_b: str
    location_b: LonLat
    island: tuple[str, ...]
    crossing_hours: float
    handling_hours: float

    def __post_init__(self) -> None:
        _require(bool(self.id.strip()), '"id" must not be empty.', "id", self.id)
        for name in ("name", "port_a", "port_b"):
            value = getattr(self, name)
            _require(bool(value.strip()), f'"{name}" must not be empty.', name, value)
        _check_lonlat(self.location_a, "location_a")
        _check_lonlat(self.location_b, "location_b")
        _require(bool(self.island), '"island" must name at least one region.', "island",
                 self.island)  # fmt: skip
        _require(self.crossing_hours > 0, '"crossing_hours" must be > 0.', "crossing_hours",
                 self.crossing_hours)  # fmt: skip
        _require(self.handling_hours >= 0, '"handling_hours" must be >= 0.', "handling_hours",
                 self.handling_hours)  # fmt: skip

    @property
    def hours(self) -> float:
        """Port to port: the crossing and the handling at both ends."""
        return self.crossing_hours + self.handling_hours


@dataclass(frozen=True, slots=True)
class DeliveryStation:
    """A pickup-and-delivery station (揽投部) under a county-level unit.

    ``daily_inbound`` is items/day it delivers. Its area is split into ``grids`` grids
    (网格) of ``segments_per_grid`` segments (段道) each — one courier's beat a segment.
    """

    id: str
    name: str
    county_code: str
    location: LonLat
    daily_inbound: float
    grids: int
    segments_per_grid: int

    def __post_init__(self) -> None:
        _require(bool(self.id.strip()), '"id" must not be empty.', "id", self.id)
        _check_lonlat(self.location, "location")
        _require(
            self.daily_inbound >= 0,
            '"daily_inbound" must be >= 0.',
            "daily_inbound",
            self.daily_inbound,
        )
        _require(self.grids > 0, '"grids" must be > 0.', "grids", self.grids)
        _require(
            self.segments_per_grid > 0,
            '"segments_per_grid" must be > 0.',
            "segments_per_grid",
            self.segments_per_grid,
        )

    @property
    def segments(self) -> int:
        return self.grids * self.segments_per_grid

    def grid_ids(self) -> list[str]:
        return [f"{self.id}-G{g:02d}" for g in range(1, self.grids + 1)]

    def segment_ids(self) -> list[str]:
        return [
            f"{grid}-S{s:02d}"
            for grid in self.grid_ids()
            for s in range(1, self.segments_per_grid + 1)
        ]


@dataclass(frozen=True, slots=True)
class NetworkParams:
    """Modelling constants the engines need at run time (the rest live in the build file).

    road_circuity: road km per great-circle km (dimensionless, >= 1).
    road_speed_kmh: average trunk truck speed, km/h.
    air_speed_kmh: block speed of a mail flight, km/h.
    air_handling_hours: hours added by airport handling at both ends of a flight.
    air_min_km: road distance above which a trunk flow goes by air when a hub link exists.
    high_volume_station_items: items/day above which a station is its own sort destination.
    truck_capacity_items: items one trunk truck carries.
    van_capacity_items: items one city van carries to a station.
    """

    road_circuity: float = 1.25
    road_speed_kmh: float = 60.0
    air_speed_kmh: float = 700.0
    air_handling_hours: float = 4.0
    air_min_km: float = 1000.0
    high_volume_station_items: float = 3000.0
    truck_capacity_items: float = 12000.0
    van_capacity_items: float = 2500.0

    def __post_init__(self) -> None:
        _require(
            self.road_circuity >= 1.0,
            '"road_circuity" must be >= 1.',
            "road_circuity",
            self.road_circuity,
        )
        for name in (
            "road_speed_kmh",
            "air_speed_kmh",
            "truck_capacity_items",
            "van_capacity_items",
            "air_min_km",
        ):
            value = getattr(self, name)
            _require(value > 0, f'"{name}" must be > 0.', name, value)
        _require(
            self.air_handling_hours >= 0,
            '"air_handling_hours" must be >= 0.',
            "air_handling_hours",
            self.air_handling_hours,
        )
        _require(
            self.high_volume_station_items >= 0,
            '"high_volume_station_items" must be >= 0.',
            "high_volume_station_items",
            self.high_volume_station_items,
        )


EARTH_RADIUS_KM = 6371.0088


def great_circle_km(a: LonLat, b: LonLat) -> float:
    """Haversine distance in km."""
    lon1, lat1, lon2, lat2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(1.0, h)))


SHIFT_NAMES = ("night", "day", "evening")  # a centre's three shifts (班次)


@dataclass(frozen=True, slots=True)
class SorterChute:
    """One outlet (格口) of a centre's sorter, as its layout drawing shows it.

    ``chute`` counts from the induction (1 = nearest); ``dock`` is the outbound dock its bags
    are loaded at; ``capacity`` is relative to a normal chute (2 = a double chute); ``in_use``
    says the baseline sort plan keeps it.
    """

    center_id: str
    chute: int
    dock: str
    capacity: float
    in_use: bool

    def __post_init__(self) -> None:
        _require(self.chute >= 1, '"chute" must be >= 1.', "chute", self.chute)
        _require(bool(self.dock.strip()), '"dock" must not be empty.', "dock", self.dock)
        _require(self.capacity > 0, '"capacity" must be > 0.', "capacity", self.capacity)


@dataclass(frozen=True, slots=True)
class TransitRelation:
    """The chain of centres a flow passes (经转关系): origin → hubs → destination centre."""

    origin_center_id: str
    chain: tuple[str, ...]  # centre ids from origin to destination centre, no repeats
    mode: Literal["road", "air"]

    @property
    def destination_center_id(self) -> str:
        return self.chain[-1]


@dataclass(frozen=True)
class Network:
    """A whole postal network: regions, sites, baseline routing and daily volumes.

    ``sort_plan`` maps each sort destination (a county code or a station id) to the id of
    the centre that sorts its inbound mail in the baseline. ``od_flows[i, j, k]`` is the
    items/day of product class ``PRODUCT_CLASSES[k]`` from prefecture ``od_prefectures[i]``
    to prefecture ``od_prefectures[j]``.
    """

    regions: Mapping[str, Region]
    centers: Mapping[str, ProcessingCenter]
    hubs: Mapping[str, CollectionHub]
    stations: Mapping[str, DeliveryStation]
    sort_plan: Mapping[str, str]
    od_prefectures: tuple[str, ...]
    od_flows: npt.NDArray[np.float64]
    params: NetworkParams = field(default_factory=NetworkParams)
    name: str = "network"
    # Sorter layouts by centre id, in chute order (centres without one use the documented
    # defaults of the chute plan), and staff rosters: people per shift (SHIFT_NAMES).
    sorters: Mapping[str, tuple[SorterChute, ...]] = field(default_factory=dict)
    rosters: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    # Airports that take mail flights, by IATA code (none: mail moves by road only).
    airports: Mapping[str, Airport] = field(default_factory=dict)
    # Ferry crossings by id (none: every region is joined by road).
    ferries: Mapping[str, Ferry] = field(default_factory=dict)
    # The folder whose boundaries.json.gz outlines this network's regions for maps (None:
    # the bundled reference's). Not part of the network's content: equality ignores it.
    boundaries_dir: Path | None = field(default=None, compare=False)

    # -- regions ---------------------------------------------------------------------
    @cached_property
    def _children(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for region in self.regions.values():
            if region.parent_code is not None:
                out.setdefault(region.parent_code, []).append(region.code)
        for codes in out.values():
            codes.sort()
        return out

    def children(self, code: str) -> list[Region]:
        return [self.regions[c] for c in self._children.get(code, [])]

    def provinces(self) -> list[Region]:
        return sorted(
            (r for r in self.regions.values() if r.level is RegionLevel.PROVINCE),
            key=lambda r: r.code,
        )

    def counties_in(self, code: str) -> list[Region]:
        """County-level units inside a region (the region itself when it is a county)."""
        region = self.region(code)
        if region.level is RegionLevel.COUNTY:
            return [region]
        out: list[Region] = []
        for child in self.children(code):
            out.extend(self.counties_in(child.code))
        return out

    def contains(self, outer: str, inner: str) -> bool:
        """True when region ``inner`` lies in (or is) region ``outer``."""
        code: str | None = inner
        while code is not None:
            if code == outer:
                return True
            code = self.regions[code].parent_code if code in self.regions else None
        return False

    def region(self, code: str) -> Region:
        try:
            return self.regions[code]
        except KeyError:
            raise NotFoundError(f"Unknown region code '{code}'.", code="network.unknown_region",
                                region_code=code) from None  # fmt: skip

    # -- sites -----------------------------------------------------------------------
    @cached_property
    def _stations_by_county(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for station in self.stations.values():
            out.setdefault(station.county_code, []).append(station.id)
        for ids in out.values():
            ids.sort()
        return out

    def stations_in_county(self, county_code: str) -> list[DeliveryStation]:
        return [self.stations[s] for s in self._stations_by_county.get(county_code, [])]

    @cached_property
    def _centers_by_province(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for center in self.centers.values():
            out.setdefault(center.province_code, []).append(center.id)
        return out

    def centers_in_province(self, province_code: str) -> list[ProcessingCenter]:
        return [self.centers[c] for c in self._centers_by_province.get(province_code, [])]

    def center(self, center_id: str) -> ProcessingCenter:
        try:
            return self.centers[center_id]
        except KeyError:
            raise NotFoundError(f"Unknown processing centre '{center_id}'.",
                                code="network.unknown_centre", id=center_id) from None  # fmt: skip

    @cached_property
    def _provincial_hubs(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for center in self.centers.values():
            if center.role is CenterRole.PROVINCIAL_HUB:
                out.setdefault(center.province_code, center.id)
        return out

    def provincial_hub(self, province_code: str) -> ProcessingCenter:
        """The main hub of a province (every province has exactly one)."""
        if province_code in self._provincial_hubs:
            return self.centers[self._provincial_hubs[province_code]]
        raise NotFoundError(
            f"Province '{province_code}' has no provincial hub.",
            code="network.no_provincial_hub",
            region_code=province_code,
        )

    def is_high_volume(self, station: DeliveryStation) -> bool:
        return station.daily_inbound >= self.params.high_volume_station_items

    def center_for(self, destination: str) -> ProcessingCenter:
        """The centre that sorts a destination in the baseline (station falls back to county)."""
        if destination in self.sort_plan:
            return self.centers[self.sort_plan[destination]]
        if destination in self.stations:
            return self.centers[self.sort_plan[self.stations[destination].county_code]]
        raise NotFoundError(
            f"No centre sorts destination '{destination}'.",
            code="network.unsorted_destination",
            destination=destination,
        )

    # -- transport -------------------------------------------------------------------
    def road_km(self, a: LonLat, b: LonLat) -> float:
        """Road distance in km: great-circle distance times the circuity factor."""
        return great_circle_km(a, b) * self.params.road_circuity

    def road_hours(self, a: LonLat, b: LonLat) -> float:
        return self.road_km(a, b) / self.params.road_speed_kmh

    def baseline_transit(self, origin_center_id: str, destination: str) -> TransitRelation:
        """Baseline chain: origin → its provincial hub → destination hub → destination centre."""
        origin = self.center(origin_center_id)
        dest = self.center_for(destination)
        return self.transit_between(origin, dest)

    def transit_between(self, origin: ProcessingCenter, dest: ProcessingCenter) -> TransitRelation:
        chain: list[str] = []
        for cid in (
            origin.id,
            self.provincial_hub(origin.province_code).id,
            self.provincial_hub(dest.province_code).id,
            dest.id,
        ):
            if not chain or chain[-1] != cid:
                chain.append(cid)
        mode: Literal["road", "air"] = (
            "air"
            if self.road_km(origin.location, dest.location) >= self.params.air_min_km
            else "road"
        )
        return TransitRelation(origin.id, tuple(chain), mode)

    # -- volumes ---------------------------------------------------------------------
    @cached_property
    def _od_index(self) -> dict[str, int]:
        return {code: i for i, code in enumerate(self.od_prefectures)}

    def inbound_by_class(self, prefecture_code: str) -> dict[ProductClass, float]:
        """Items/day bound for a prefecture from everywhere, per product class."""
        j = self._od_index[prefecture_code]
        col = self.od_flows[:, j, :].sum(axis=0)
        return {cls: float(col[k]) for k, cls in enumerate(PRODUCT_CLASSES)}

    def inbound_from(self, prefecture_code: str) -> Iterator[tuple[str, npt.NDArray[np.float64]]]:
        """(origin prefecture, items/day per class) for every origin sending to a prefecture."""
        j = self._od_index[prefecture_code]
        for i, origin in enumerate(self.od_prefectures):
            yield origin, self.od_flows[i, j, :]

    # -- summaries -------------------------------------------------------------------
    def counts(self) -> dict[str, int]:
        by_level = dict.fromkeys(RegionLevel, 0)
        for region in self.regions.values():
            by_level[region.level] += 1
        return {
            "provinces": by_level[RegionLevel.PROVINCE],
            "prefectures": by_level[RegionLevel.PREFECTURE],
            "counties": by_level[RegionLevel.COUNTY],
            "centers": len(self.centers),
            "hubs": len(self.hubs),
            "airports": len(self.airports),
            "ferries": len(self.ferries),
            "stations": len(self.stations),
        }
