"""The operations document (schema ``baotong.operations/1``): what a plan asks of the floor
of each backup centre (chutes, shifts, the night's schedule) and of the transport office
(the route timetable, the city runs). Times are hours from midnight of the plan's first
day (``30.5`` is 06:30 the next day); volumes in items/day.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

SCHEMA: Literal["baotong.operations/1"] = "baotong.operations/1"
ShiftName = Literal["night", "day", "evening"]


class _Part(BaseModel):
    model_config = ConfigDict(frozen=True)


class ChuteSlot(_Part):
    """A physical chute of the sorter and the bag it now closes (or the baseline's)."""

    chute: int  # 1 = nearest the induction
    double: bool  # double capacity (near the induction)
    dock: str
    use: Literal["baseline", "new", "free"]
    bag: str | None
    zone_id: str | None
    volume: float


class ChutePlan(_Part):
    """设备分拣方案 of one backup: new bags on free chutes, the biggest nearest the induction."""

    chutes: int
    baseline: int
    assigned: int
    left_free: int
    slots: list[ChuteSlot]
    unplaced: list[str]  # bags with no free chute (the plan needs a coarser sort depth)


class ShiftNeed(_Part):
    """人员班次: staff one shift needs for the re-routed mail, by role, and the gap."""

    shift: ShiftName
    start: float
    end: float
    volume: float
    peak_per_hour: float
    staff: dict[str, int]
    total: int
    reserve: int  # baseline staff free for it (the roster's reserve)
    gap: int  # to request by lending


class ShiftPlan(_Part):
    automation: str
    hourly_arrivals: list[float] = Field(min_length=24, max_length=24)
    shifts: list[ShiftNeed]
    surge_shifts: int
    gap: int


class Wave(_Part):
    """A wave of trunk arrivals and when the sorter works it."""

    wave: int
    arrival: float
    volume: float  # to sort
    crossdock: float  # pre-sorted bags: unloaded straight to the outbound docks
    origins: list[str]
    sort_start: float
    sort_end: float


class ZoneDeparture(_Part):
    """A zone run: its bags close after the last wave that makes it; does it leave on time?"""

    zone_id: str
    destination: str
    hours: float
    departure: float
    bag_close: float
    on_time_share: float  # of the zone's volume sorted before its departure
    misses: list[int]  # waves that miss this departure


class Schedule(_Part):
    """生产作业计划: arrival waves → sort windows → bag cut-offs → zone run departures."""

    rate_per_hour: float
    hourly_sorted: list[float] = Field(min_length=24, max_length=24)
    waves: list[Wave]
    departures: list[ZoneDeparture]
    late_zones: int


class CentreOperations(_Part):
    center_id: str
    name: str
    chutes: ChutePlan
    shifts: ShiftPlan
    schedule: Schedule


class TimetabledRoute(_Part):
    """A trunk route the plan adds: origin province → backup, by road or air, every day."""

    route_id: str
    origin_province_code: str
    origin: str
    backup_center_id: str
    backup: str
    mode: Literal["road", "air"]
    vehicle: str
    vehicles: int
    departure: float
    arrival: float
    hours: float
    km: float
    volume: float
    replaces: list[str]  # centres the origin no longer sends this mail to


class CityStop(_Part):
    zone_ids: list[str]
    drop_point: str
    name: str
    arrival: float
    volume: float


class CityRun(_Part):
    """市趟: a van's run from a backup through drop points (甩点) of the locked city."""

    run_id: str
    backup_center_id: str
    vehicle: Literal["van", "truck"]
    departure: float
    back: float
    km: float
    volume: float
    stops: list[CityStop]
    needs_pass: bool = True


class OperationsDocument(_Part):
    schema_: Literal["baotong.operations/1"] = Field(default=SCHEMA, alias="schema")
    scenario: str
    centres: list[CentreOperations]
    routes: list[TimetabledRoute]
    city_runs: list[CityRun]

    model_config = ConfigDict(frozen=True, validate_by_name=True, validate_by_alias=True)

    def to_json(self) -> dict[str, object]:
        out: dict[str, object] = self.model_dump(mode="json", by_alias=True)
        return out


def clock(hours: float) -> str:
    """``30.5`` → "D+1 06:30"."""
    day, rest = divmod(round(hours * 60), 24 * 60)
    text = f"{rest // 60:02d}:{rest % 60:02d}"
    return f"D+{day} {text}" if day else text
