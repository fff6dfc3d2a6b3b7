"""A delivery plan as a routing problem (pure): the depot and the stops with their places,
packages, time windows and service times, the vehicles with their capacity, and road
distances and times from the network's distance model.

Road distance between two places is the network's (``Network.road_km``: the great-circle
distance times the road circuity, 1.25 by default); the driving time is that distance at
the plan's city speed (km/h). Times of day are seconds after
midnight (Beijing).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from baotong.core.exceptions import ValidationError
from baotong.network.entities import LonLat
from baotong.transport.engine import RoutingProblem, Stop, VehicleKind


@dataclass(frozen=True, slots=True)
class Place:
    """A stop of a plan: where, how many packages, when it may be served and for how long."""

    id: str
    lon: float
    lat: float
    packages: int
    ready_s: int
    due_s: int
    service_s: int


@dataclass(frozen=True, slots=True)
class Van:
    """One vehicle of the plan (its id as a string names its route)."""

    id: str
    capacity: int


def seconds(text: str, *, field: str) -> int:
    """'HH:MM' → seconds after midnight."""
    try:
        hours, minutes = (int(x) for x in text.split(":")[:2])
    except ValueError:
        raise ValidationError("must be a time such as 08:30.", code="routing.bad_time",
                              field=field, value=text[:10]) from None  # fmt: skip
    if not (0 <= hours <= 24 and 0 <= minutes < 60):
        raise ValidationError("must be a time such as 08:30.", code="routing.bad_time",
                              field=field, value=text[:10])  # fmt: skip
    return hours * 3600 + minutes * 60


def problem(depot: LonLat, places: Sequence[Place], vans: Sequence[Van], *,
            road_km: Callable[[LonLat, LonLat], float],
            speed_kmh: float) -> RoutingProblem:  # fmt: skip
    """The routing problem of a plan: place 0 is the depot, stop i is place i + 1."""
    if speed_kmh <= 0:
        raise ValidationError('"speed_kmh" must be > 0.', code="routing.bad_value",
                              field="speed_kmh", value=speed_kmh)  # fmt: skip
    if not vans:
        raise ValidationError("needs at least one vehicle.", code="routing.no_vehicle",
                              field="fleet", value=0)  # fmt: skip
    points: list[LonLat] = [depot, *((p.lon, p.lat) for p in places)]
    km = [[road_km(a, b) for b in points] for a in points]
    return RoutingProblem(
        depots=(0,),
        stops=tuple(Stop(p.id, i + 1, p.packages, p.ready_s, p.due_s, p.service_s)
                    for i, p in enumerate(places)),
        vehicles=tuple(VehicleKind(v.id, 0, 1, v.capacity) for v in vans),
        distance_m=tuple(tuple(round(d * 1000) for d in row) for row in km),
        duration_s=tuple(tuple(round(d / speed_kmh * 3600) for d in row) for row in km),
    )  # fmt: skip
