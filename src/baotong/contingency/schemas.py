"""Request and response shapes of scenarios, plan runs, activation and routing."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from baotong.contingency.models import PlanLifecycle
from baotong.contingency.scenario import Scenario, resolve, validate
from baotong.contingency.zoning import check_size
from baotong.core.exceptions import NotFoundError, ValidationError
from baotong.jobs.models import JobStatus
from baotong.network.entities import Network
from baotong.network.lookup import find_region


class ScenarioCreate(BaseModel):
    """``body`` is the planner's scenario schema (locked_areas, product_classes, options…)."""

    model_config = ConfigDict(extra="forbid")

    body: dict[str, Any]


class ScenarioRead(BaseModel):
    """A stored scenario: ``body`` is the canonical scenario, every region as its code."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    body: Scenario
    provinces: list[str]
    created_by: str
    created_at: datetime
    updated_at: datetime


class PlanCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    scenario_id: int
    name: str | None = Field(default=None, max_length=200)
    parameters: dict[str, Any] = Field(
        default_factory=dict, description="Overrides of the scenario's planner options."
    )


class PlanRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    scenario_id: int | None
    provinces: list[str]
    parameters: dict[str, Any]
    status: JobStatus
    progress: float
    message: str
    error: str | None
    lifecycle: PlanLifecycle
    created_by: str
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    approved_by: str | None
    approved_at: datetime | None
    activated_by: str | None
    activated_at: datetime | None
    effective_at: datetime | None
    lifted_by: str | None
    lifted_at: datetime | None


class Activation(BaseModel):
    """When the plan takes effect; now when left out."""

    model_config = ConfigDict(extra="forbid")

    effective_at: AwareDatetime | None = None


class TransitRead(BaseModel):
    origin_center_id: str
    chain: list[str]
    mode: str


class RoutingRead(BaseModel):
    """Which centre sorts a destination now, and how mail reaches it."""

    destination: str
    destination_kind: str  # county | station | grid | segment
    region_code: str
    station_id: str | None
    center_id: str
    center_name: str
    center_status: str
    source: str  # baseline | plan
    plan_id: int | None
    plan_name: str | None
    baseline_center_id: str
    transit: TransitRead


def check_scenario(body: dict[str, Any], network: Network) -> tuple[Scenario, list[str]]:
    """Validate a scenario body against the network: the canonical scenario (each locked
    region as its code) and the provinces of its locked areas (of its closed sites when
    nothing is locked). Errors name ``body.<field>``.
    """
    try:
        scenario = resolve(network, validate(Scenario, body))
        check_size(network, scenario)
    except ValidationError as exc:
        data = {k: v for k, v in exc.data.items() if k not in ("file", "row", "field", "value")}
        raise ValidationError(
            exc.reason, code=exc.code, field=f"body.{exc.field}" if exc.field else "body",
            value=exc.value, **data,
        ) from None  # fmt: skip
    provinces = {area.region[:2] + "0000" for area in scenario.locked_areas}
    if not provinces:  # a closure alone: the provinces of the sites it closes
        provinces = {network.centers[c.center_id].province_code for c in scenario.closed_sites}
    return scenario, sorted(provinces)


def resolve_destination(network: Network, text: str) -> tuple[str, str, str, str | None]:
    """(kind, key, county code, station id) of a county code/name/pinyin, or of a station,
    grid (``<station>-G01``) or segment (``<station>-G01-S03``) id."""
    text = text.strip()
    if text in network.stations:
        return "station", text, network.stations[text].county_code, text
    station_id, _, below = text.rpartition("-G")
    station = network.stations.get(station_id)
    if station is not None and below[:2].isdigit():
        kind = "segment" if "-S" in below else "grid"
        if text not in (station.segment_ids() if kind == "segment" else station.grid_ids()):
            raise NotFoundError(
                f"Station {station_id} has no {kind} '{text}' "
                f"({station.grids} grids of {station.segments_per_grid} segments).",
                code="routing.unknown_part",
                destination=text,
                station=station_id,
                grids=station.grids,
                segments=station.segments_per_grid,
            )
        return kind, text, station.county_code, station_id
    try:
        region = find_region(network, text)
    except NotFoundError as exc:
        if exc.code == "region.ambiguous":
            raise
        raise NotFoundError(
            f"No region or station '{text}' in the network.",
            code="routing.unknown_destination",
            destination=text,
        ) from None
    code = region.code
    if region.level.value != "county":
        counties = len(network.counties_in(code))
        raise ValidationError(
            f"'{region.name}' ({code}) is a {region.level.value} with {counties} counties; "
            "ask for one county or station.",
            code="routing.not_a_county",
            field="destination",
            region=f"{region.name} ({code})",
            level=region.level,
            counties=counties,
            value=text,
        )
    return "county", code, code, None


class SweepRead(BaseModel):
    """A stored (or running) national sweep."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    level: str
    options: dict[str, Any]
    network: str
    source: str
    regions: int
    planned: int
    status: JobStatus
    progress: float
    message: str
    error: str | None
    created_by: str
    started_at: datetime
    finished_at: datetime | None


class RiskRow(BaseModel):
    """A centre of the risk table: how many region lockdowns need it as a backup."""

    center_id: str
    name: str
    province_code: str
    plans: int
    share_of_plans: float
    critical_for: int
    single_point: bool = False
    volume: float = 0.0
    share_of_volume: float = 0.0
    load_total: float
    peak_utilisation: float
    regions: list[str]


class SweepRegionRead(BaseModel):
    """A region's pre-computed plan in a sweep: its figures (``plan`` on the region's own
    endpoint only)."""

    model_config = ConfigDict(from_attributes=True)

    sweep_id: int
    region_code: str
    name: str
    province_code: str
    status: str
    objective: float
    gap: float
    seconds: float
    cost: dict[str, Any]
    zones: int
    volume: float
    unserved_zones: int
    unserved_volume: float
    backups: dict[str, float]


class SweepRegionDetail(SweepRegionRead):
    plan: dict[str, Any]


class SweepDetail(SweepRead):
    """A sweep with the regions of it the reader's scope covers (without their plans)."""

    plans: list[SweepRegionRead]
