"""The modelled constants of a backup centre's floor and of the timetables (documented in
docs/planner.md, "Inside each backup centre"). Validated on construction."""

from __future__ import annotations

from dataclasses import dataclass, field, fields

from baotong.core.exceptions import ValidationError
from baotong.network.entities import Automation

SHIFTS = (("night", 22.0, 30.0), ("day", 6.0, 14.0), ("evening", 14.0, 22.0))


def _productivity() -> dict[Automation, dict[str, float]]:
    """Items a person handles per hour, by automation level and role."""
    return {
        Automation.AUTOMATED: {
            "induction": 1200.0,
            "chute_clearing": 1000.0,
            "bag_closing": 1500.0,
            "loading": 1000.0,
        },
        Automation.SEMI: {
            "induction": 700.0,
            "chute_clearing": 700.0,
            "bag_closing": 1200.0,
            "loading": 900.0,
        },
        Automation.MANUAL: {
            "induction": 250.0,
            "chute_clearing": 400.0,
            "bag_closing": 900.0,
            "loading": 800.0,
        },
    }


def _chutes_per_clearer() -> dict[Automation, int]:
    return {Automation.AUTOMATED: 40, Automation.SEMI: 30, Automation.MANUAL: 20}


@dataclass(frozen=True, slots=True)
class OperationsParams:
    """Sorter layout defaults, staffing productivity and the daily timetable.

    Times are hours from midnight of day 0 (30.0 is 06:00 the next day).
    """

    double_chute_share: float = 0.1  # chutes nearest the induction with double capacity
    chutes_per_dock: int = 24  # consecutive chutes served by one outbound dock
    productivity: dict[Automation, dict[str, float]] = field(default_factory=_productivity)
    # chutes one person can walk and clear while they fill slowly
    chutes_per_clearer: dict[Automation, int] = field(default_factory=_chutes_per_clearer)
    roster_reserve: float = 0.10  # share of the baseline staff free for extra work
    operating_hours: float = 20.0  # sorting hours per day
    cycle_start: float = 12.0  # a centre's day runs from noon to noon
    road_departure: float = 20.0  # trunk trucks leave the origin hub
    air_departure: float = 22.0  # mail flights leave
    arrival_spread_hours: float = 2.0  # a trunk's volume arrives over this long
    unload_hours: float = 0.5  # from arrival to the first item on the sorter
    wave_gap_hours: float = 1.0  # arrivals closer than this form one wave
    bag_close_hours: float = 0.5  # from the last item sorted to a closed, loaded bag
    delivery_start: float = 32.0  # zone runs arrive by 08:00 the next day
    flight_capacity_items: float = 40000.0  # mail one flight carries
    city_speed_kmh: float = 30.0  # vans inside a city
    run_service_minutes: float = 15.0  # unloading at a drop point
    run_shift_hours: float = 6.0  # longest city run
    vrp_iterations: int = 1500  # PyVRP iterations per backup (seeded: reproducible)
    days: int = 7  # rows of the route timetable export

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, int | float) and not value >= 0:
                raise ValidationError("must be >= 0.", code="operations.bad_param",
                                      field=f.name, value=value)  # fmt: skip
        if not 0 <= self.double_chute_share <= 1 or self.chutes_per_dock < 1:
            raise ValidationError("is out of range.", code="operations.bad_param",
                                  field="double_chute_share",
                                  value=self.double_chute_share)  # fmt: skip
        if self.operating_hours <= 0 or self.operating_hours > 24:
            raise ValidationError("must be within (0, 24].", code="operations.bad_param",
                                  field="operating_hours", value=self.operating_hours)  # fmt: skip
