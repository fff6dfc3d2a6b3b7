"""Request and response shapes of scenarios, plan runs, activation and routing."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from baotong.contingency.scenario import Scenario, validate
from baotong.core.exceptions import NotFoundError, ValidationError
from baotong.network.entities import Network


class ScenarioCreate(BaseModel):
    """``body`` is the planner's scenario schema (locked_areas, product_classes, options…)."""

    model_config = ConfigDict(extra="forbid")

    body: dict[str, Any]


class ScenarioRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    body: dict[str, Any]
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
    status: str
    progress: float
    message: str
    error: str | None
    lifecycle: str
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


def resolve_region(network: Network, text: str) -> str | None:
    """A region code from a code, a Chinese name or a pinyin name (None when unknown)."""
    text = text.strip()
    if text in network.regions:
        return text
    folded = text.lower().replace(" ", "").replace("-", "")
    matches = sorted(
        r.code
        for r in network.regions.values()
        if text == r.name or folded == r.pinyin.lower().replace(" ", "").replace("-", "")
    )
    return matches[0] if matches else None


def check_scenario(body: dict[str, Any], network: Network) -> tuple[str, list[str]]:
    """Validate a scenario body; return its name and the provinces of its locked areas."""
    try:
        scenario = validate(Scenario, body)
    except ValidationError as exc:
        raise ValidationError(
            exc.reason, field=f"body.{exc.field}" if exc.field else "body", value=exc.value
        ) from None
    provinces: set[str] = set()
    for i, area in enumerate(scenario.locked_areas):
        code = resolve_region(network, area.region)
        if code is None:
            raise ValidationError(
                f"unknown region '{area.region}' in this network.",
                field=f"body.locked_areas.{i}.region",
                value=area.region,
            )
        provinces.add(code[:2] + "0000")
    for i, closure in enumerate(scenario.closed_sites):
        if closure.center_id not in network.centers:
            raise ValidationError(
                f"unknown processing centre '{closure.center_id}'.",
                field=f"body.closed_sites.{i}.center_id",
                value=closure.center_id,
            )
    return scenario.name, sorted(provinces)


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
                destination=text,
            )
        return kind, text, station.county_code, station_id
    code = resolve_region(network, text)
    if code is None:
        raise NotFoundError(f"No region or station '{text}' in the network.", destination=text)
    region = network.regions[code]
    if region.level.value != "county":
        counties = len(network.counties_in(code))
        raise ValidationError(
            f"'{region.name}' ({code}) is a {region.level.value} with {counties} counties; "
            "ask for one county or station.",
            field="destination",
            value=text,
        )
    return "county", code, code, None
