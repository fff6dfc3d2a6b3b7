"""The plan document (``plan.json``, schema ``baotong.plan/1``) and a scored manual plan.

This is the contract between the planner and everything that reads a plan: the service
stores it (a JSON column) and reads it back validated, the console, the report, the
CSV/Excel tables, the CLI and the simulator read its typed attributes. Its JSON is the
one the planner has always written: fields in this order, nothing added, nothing left out
(``PlanDocument.model_validate_json(text).to_json()`` gives ``text`` back).

Units: volumes and loads in items/day, costs in CNY/day, distances in road km, times in
hours, shares and utilisations as fractions (0.93, not 93 %).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from baotong.network.entities import LonLat, ProductClass

SchemaName = Literal["baotong.plan/1"]
SCHEMA: SchemaName = "baotong.plan/1"
PlanStatus = Literal["optimal", "feasible", "infeasible"]
ZoneKind = Literal["county", "station", "grid", "segment"]
Mode = Literal["road", "air"]


class _Part(BaseModel):
    model_config = ConfigDict(frozen=True)


class Cost(_Part):
    """The objective's terms (CNY/day)."""

    opening: float
    transport: float
    surge: float
    delay: float
    unserved: float
    hand_sort: float = 0.0  # stations sorting by hand what a coarser depth left them
    total: float


class LockedArea(_Part):
    """A locked area as resolved: its region code and name, level and sort depth."""

    code: str
    name: str
    level: Literal["province", "city"]
    depth: ZoneKind


class Counts(_Part):
    zones: int
    candidates: int
    backups: int


class Volume(_Part):
    """Items/day of each product class re-routed (after its lockdown factor) and held."""

    rerouted_by_class: dict[ProductClass, float]
    held_by_class: dict[ProductClass, float]


class Backup(_Part):
    """A centre taking zones: its load against capacity (with surge shifts) and chutes."""

    center_id: str
    name: str
    province_code: str
    location: LonLat
    load: float
    spare_capacity: float
    surge_shifts: int
    capacity: float
    utilisation: float | None
    chutes_used: int
    chutes_free: int
    zones: list[str]
    on_trunk: bool = True  # a provincial or air hub: the origins' bags to it exist
    new_relations: int = 0  # origin bags (and chutes) it needs, off the trunk network


class Assignment(_Part):
    """One zone and the backup that takes it, with road km and hours and extra delay.

    ``airport``: the zone is flown to — from the hub ``via_hub`` nearest the backup to this
    airport, then by road; ``km`` is the two road legs and ``hours`` the whole chain.
    ``ferry``: the zone is shipped to over that crossing — by road to the port
    ``ferry_from`` on the backup's side, across to ``ferry_to``, then by road (``km`` and
    ``hours`` likewise).
    """

    zone_id: str
    zone_kind: ZoneKind
    region_code: str
    station_id: str | None
    name: str
    area_code: str
    location: LonLat
    backup_center_id: str
    backup: str
    volume: float
    load: float
    chutes: int
    sort_depth: ZoneKind
    km: float
    hours: float
    extra_hours: float
    airport: str | None = None
    via_hub: str | None = None
    ferry: str | None = None
    ferry_from: str | None = None
    ferry_to: str | None = None
    asked_depth: ZoneKind | None = None  # set when it got a coarser depth than asked
    depth_reason: str | None = None

    @property
    def destination(self) -> str:
        """The sort destination the assignment re-routes: its station, else its county."""
        return self.station_id or self.region_code


class SortPlanChange(_Part):
    """分拣封发关系: a zone's sorting moves from its baseline centre to the backup."""

    zone_id: str
    zone_kind: ZoneKind
    region_code: str
    station_id: str | None
    destination: str
    area_code: str
    from_center_id: str
    to_center_id: str
    bag: str
    chutes: int


class DispatchRelation(_Part):
    """The bag an origin centre now closes to a backup, and how many zones it holds."""

    origin_center_id: str
    backup_center_id: str
    bag: str
    zones: int


class TransitChange(_Part):
    """经转关系 changed: an origin hub's chain to a zone's centre, before and after."""

    action: Literal["changed"]
    origin_center_id: str
    origin_province_code: str
    from_center_id: str
    to_center_id: str
    old_chain: list[str]
    new_chain: list[str]
    old_mode: Mode
    new_mode: Mode
    zones: int
    volume: float


class LineChange(_Part):
    """A line (hop between centres) the new chains add or no longer use."""

    action: Literal["added", "removed"]
    origin_center_id: str
    origin_province_code: str
    from_center_id: str
    to_center_id: str


AnyTransitChange = Annotated[TransitChange | LineChange, Field(discriminator="action")]


class TrunkFlow(_Part):
    """Items/day from an origin province into a backup, by road or air (via hubs)."""

    origin_province_code: str
    origin: str
    backup_center_id: str
    backup: str
    mode: Mode
    via_hubs: list[str]
    km: float
    volume: float
    crossdock_volume: float
    trucks: int
    feeder_km: float


class ZoneRun(_Part):
    """A road run backup → zone into the controlled area (it needs a vehicle pass); for a
    zone flown to, the run from the ``airport`` the mail lands at; for one shipped to, the run
    from the ferry ``port`` it arrives at (km and hours its own)."""

    backup_center_id: str
    zone_id: str
    destination: str
    area_code: str
    km: float
    hours: float
    volume: float
    vehicle: Literal["truck", "van"]
    vehicles: int
    needs_pass: bool
    airport: str | None = None
    port: str | None = None


class Transport(_Part):
    trunk: list[TrunkFlow]
    zone_runs: list[ZoneRun]


class DelayStats(_Part):
    """Volume-weighted extra hours against the baseline route."""

    volume: float
    mean_hours: float
    p95_hours: float


class AreaDelay(_Part):
    area_code: str
    name: str
    volume: float
    mean_hours: float
    p95_hours: float


class OriginDelay(_Part):
    province_code: str
    name: str
    volume: float
    mean_hours: float
    p95_hours: float


class Delays(_Part):
    overall: DelayStats
    by_area: list[AreaDelay]
    by_origin_province: list[OriginDelay]
    histogram: list[float] = []  # volume by whole extra hours 0 … 24+, weighted as the P95


class UnservedZone(_Part):
    """A zone no backup takes, and why."""

    zone_id: str
    name: str
    region_code: str
    volume: float
    load: float
    chutes: int
    reachable_candidates: int
    reason: str


class Unserved(_Part):
    """What an infeasible lockdown leaves uncovered: zones, capacity and chutes missing."""

    zones: list[UnservedZone]
    volume: float
    missing_capacity: float
    missing_chutes: int
    message: str


class _Document(_Part):
    def to_json(self) -> dict[str, Any]:
        """The JSON value (what ``plan.json`` holds and the API answers)."""
        out: dict[str, Any] = self.model_dump(mode="json", by_alias=True)
        return out


class PlanDocument(_Document):
    """A computed plan: who takes each zone, what changes, and how good it is proven to be.

    ``status`` is "optimal" (proven within the gap target), "feasible" (time limit or
    cancelled: the best plan found, with its proven gap) or "infeasible" (some zones
    cannot be covered: ``unserved`` explains what is missing).
    """

    schema_: SchemaName = Field(default=SCHEMA, alias="schema")
    scenario: str
    network: str
    status: PlanStatus
    solver_status: str
    objective: float
    bound: float
    gap: float
    solve_seconds: float
    heuristic_objective: float
    nearest_centre_objective: float
    nearest_centre_feasible: bool
    cost: Cost
    areas: list[LockedArea]
    counts: Counts
    volume: Volume
    backups: list[Backup]
    assignments: list[Assignment]
    sort_plan_changes: list[SortPlanChange]
    dispatch_relations: list[DispatchRelation]
    transit_changes: list[AnyTransitChange]
    transport: Transport
    delays: Delays
    unserved: Unserved

    model_config = ConfigDict(validate_by_name=True, validate_by_alias=True)


class Violation(_Part):
    """A limit a plan breaks: "capacity", "chutes", "reach", "backups", "unserved" or
    "ineligible" (a centre that cannot be a backup); ``amount`` is how far over it is."""

    kind: Literal[
        "capacity", "chutes", "reach", "backups", "origin_chutes", "unserved", "ineligible"
    ]
    subject: str
    amount: float
    message: str


class ManualAssignment(_Part):
    zone_id: str
    backup_center_id: str | None


class EvaluationDocument(_Document):
    """A human plan scored on the planner's model, against the optimum."""

    name: str
    cost: Cost
    feasible: bool
    violations: list[Violation]
    delays: Delays
    optimum: float
    gap_to_optimum: float
    assignments: list[ManualAssignment]


class ObjectiveDifference(_Part):
    a: float
    b: float
    difference: float


class ZoneMove(_Part):
    zone_id: str
    from_: str | None = Field(alias="from")
    to: str | None

    model_config = ConfigDict(validate_by_name=True, validate_by_alias=True)


class PlanComparison(_Document):
    """What differs between plan a and plan b: cost, backups, and the zones that moved."""

    objective: ObjectiveDifference
    backups_added: list[str]
    backups_removed: list[str]
    zones_moved: list[ZoneMove]
