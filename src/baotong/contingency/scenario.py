"""The lockdown scenario a planner is asked to answer, and a human plan to score.

A scenario names the locked areas (a province locked "province-level" is covered off-site,
zone by zone, from centres elsewhere; a city locked "city-level" is sorted down to station,
grid or segment by centres nearby), the extra sites that are closed or limited, the product
classes that keep moving with their lockdown volume factor, and the solver options.
It is read from YAML or JSON; every error names the field path and the offending value.
``resolve`` checks it against a network once (regions by ``network.lookup``, centres) and
gives the canonical scenario, each locked region named by its code: the service stores
that, so a stored scenario always loads and plans.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

import pydantic
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from baotong.core.documents import load_yaml
from baotong.core.exceptions import ValidationError, excerpt
from baotong.core.i18n import N_
from baotong.core.numbers import DbInt, Number
from baotong.network.entities import Automation, Network, ProductClass, Region
from baotong.network.lookup import region_at

M = TypeVar("M", bound=BaseModel)
AreaLevel = Literal["province", "city"]
SortDepth = Literal["county", "station", "grid", "segment"]
NAME_MAX = 200  # characters of a name, region or centre id
REASON_MAX = 2000  # of a closure's reason
DESCRIPTION_MAX = 10_000  # of a scenario's description
MAX_TIME_LIMIT_S = 3600.0  # the longest a plan may compute (cancel and shutdown wait for it)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LockedArea(_Strict):
    """A closed region (code, Chinese name or pinyin) and how its mail is covered."""

    region: str = Field(min_length=1, max_length=NAME_MAX)
    level: AreaLevel = "province"
    depth: SortDepth | None = None

    @field_validator("region", mode="before")
    @classmethod
    def _code_as_text(cls, value: object) -> object:
        return str(value) if isinstance(value, int) else value

    @field_validator("depth")
    @classmethod
    def _depth_fits_level(cls, depth: SortDepth | None, info: ValidationInfo) -> SortDepth | None:
        level = info.data.get("level")
        if level == "province" and depth not in (None, "county"):
            raise PydanticCustomError(
                "depth_needs_city",
                "depth '{depth}' needs level 'city' (province level sorts to county)",
                {"depth": depth},
            )
        if level == "city" and depth == "county":
            raise PydanticCustomError(
                "depth_needs_province",
                "depth 'county' needs level 'province' (city sorts to station/grid/segment)",
            )
        return depth

    @property
    def sort_depth(self) -> SortDepth:
        if self.depth is not None:
            return self.depth
        return "county" if self.level == "province" else "station"


class SiteClosure(_Strict):
    """An extra site out of action (a flooded hub) or working at a reduced share."""

    center_id: str = Field(min_length=1, max_length=NAME_MAX)
    status: Literal["closed", "limited"] = "closed"
    reason: str = Field(min_length=1, max_length=REASON_MAX)
    capacity_share: Number | None = Field(default=None, ge=0.0, le=1.0)


class CostWeights(_Strict):
    """Weights of the planner's objective, all in CNY per day.

    opening: coordination cost of taking a centre on as a backup.
    item_km: per item and road km from the backup to the zone.
    delay_item_hour: per item and extra hour against the baseline.
    unserved_item: per item of a zone no backup can take (a big penalty).
    air_item: per item flown to a zone no backup reaches by road (freight and handling).
    ferry_item: per item shipped over a ferry crossing to a zone across it (a truck's
        ticket shared over its load, and port handling); far below ``air_item``.
    new_relation: per new dispatch relation (a bag and a chute) a backup off the trunk
        network needs at an origin (see origins.py).
    transit_hop_item: per item the smaller origins send such a backup through its hub.
    hand_sort_item: per item and depth step a station (or a county's delivery branch) sorts
        by hand when its backup sorts it coarser than the scenario asks: segment → grid is
        one step, segment → station two; at province level, a county without its
        high-volume stations' own chutes is one. Well below ``unserved_item``, so a coarser
        depth always beats leaving a zone unserved; the optimiser weighs it against another
        backup's opening and transport.
    """

    opening: Number = Field(default=20000.0, ge=0.0)
    item_km: Number = Field(default=0.002, ge=0.0)
    delay_item_hour: Number = Field(default=0.05, ge=0.0)
    unserved_item: Number = Field(default=50.0, gt=0.0)
    air_item: Number = Field(default=2.0, ge=0.0)
    ferry_item: Number = Field(default=0.4, ge=0.0)
    new_relation: Number = Field(default=150.0, ge=0.0)
    transit_hop_item: Number = Field(default=0.3, ge=0.0)
    hand_sort_item: Number = Field(default=1.0, ge=0.0)


class Options(_Strict):
    """Planner options.

    max_road_hours: no zone is assigned to a backup farther by road (hours); with air_legs,
        a zone beyond it may be flown to from the hub nearest a backup (see airlegs); with
        ferries, a zone across a ferry crossing from a backup may be shipped to over it
        (see ferrylegs; no road pair crosses the water, ferries on or off).
    radius_km: optional extra limit on road km from backup to zone.
    min_automation: the least automation a backup must have (None: any).
    surge_shifts: whether extra shifts may be added; max_surge_shifts caps them per backup.
    max_backups: the most centres that may take part (None: no limit).
    presorted_share: share of inbound the national hub already sorted into bags.
    crossdock_weight: handling weight of a pre-sorted bag item against a sorted item.
    limited_capacity_share: capacity share of a site the scenario marks "limited".
    candidates_per_zone: keep only that many cheapest backups per zone (None: all).
    relation_min_items: items/day into the locked area from which an origin opens its own
        bag to a backup off the trunk network (smaller ones relay through the backup's hub,
        which adds transit_hop_hours).
    time_limit_s, mip_rel_gap: HiGHS stopping rules.
    """

    max_road_hours: Number = Field(default=10.0, gt=0.0)
    air_legs: bool = True
    ferries: bool = True
    radius_km: Number | None = Field(default=None, gt=0.0)
    min_automation: Automation | None = Automation.SEMI
    surge_shifts: bool = True
    max_surge_shifts: DbInt | None = Field(default=None, ge=0)
    max_backups: DbInt | None = Field(default=None, ge=1)
    presorted_share: Number = Field(default=0.3, ge=0.0, le=1.0)
    crossdock_weight: Number = Field(default=0.2, ge=0.0, le=1.0)
    limited_capacity_share: Number = Field(default=0.5, ge=0.0, le=1.0)
    include_national_hub: bool = True
    candidates_per_zone: DbInt | None = Field(default=None, ge=1)
    relation_min_items: Number = Field(default=500.0, ge=0.0)
    transit_hop_hours: Number = Field(default=3.0, ge=0.0)
    time_limit_s: Number = Field(default=10.0, gt=0.0, le=MAX_TIME_LIMIT_S)
    mip_rel_gap: Number = Field(default=0.001, ge=0.0, le=1.0)
    costs: CostWeights = CostWeights()


class Scenario(_Strict):
    """A lockdown to plan for, or a closure: a flooded centre with nothing locked down.

    With no locked areas, the zones the closed or limited sites sort in the baseline are
    the ones to re-home.
    """

    name: str = Field(min_length=1, max_length=NAME_MAX)
    description: str = Field(default="", max_length=DESCRIPTION_MAX)
    locked_areas: list[LockedArea] = []
    closed_sites: list[SiteClosure] = []
    product_classes: dict[ProductClass, Annotated[Number, Field(ge=0.0)]] = Field(min_length=1)
    options: Options = Options()

    @model_validator(mode="after")
    def _something_is_closed(self) -> Scenario:
        if not self.locked_areas and not self.closed_sites:
            raise ValueError("a scenario needs a locked area or a closed site")
        return self

    @classmethod
    def from_yaml(cls, source: str | Path) -> Scenario:
        """Read a scenario from a YAML file path or YAML text."""
        return _load(cls, source)

    def canonical(self) -> dict[str, Any]:
        """The JSON form a resolved scenario is stored in (every option written out)."""
        out: dict[str, Any] = self.model_dump(mode="json")
        return out


def locked_regions(network: Network, scenario: Scenario) -> list[Region]:
    """The region of each locked area; an unknown, ambiguous or overlapping one is refused."""
    regions: list[Region] = []
    for i, spec in enumerate(scenario.locked_areas):
        field = f"locked_areas.{i}.region"
        region = region_at(network, spec.region, field=field)
        for other in regions:
            if network.contains(other.code, region.code) or network.contains(
                region.code, other.code
            ):
                raise ValidationError(
                    f"'{region.name}' ({region.code}) overlaps locked area '{other.name}' "
                    f"({other.code}); list each region once.",
                    code="scenario.overlapping_areas", field=field, value=spec.region,
                    region_code=region.code, other_code=other.code,
                )  # fmt: skip
        regions.append(region)
    return regions


def resolve(network: Network, scenario: Scenario) -> Scenario:
    """The scenario checked against ``network``, each locked region given by its code."""
    regions = locked_regions(network, scenario)
    for i, closure in enumerate(scenario.closed_sites):
        if closure.center_id not in network.centers:
            raise ValidationError(
                f"no processing centre has id '{closure.center_id}'.",
                code="scenario.unknown_centre", field=f"closed_sites.{i}.center_id",
                value=closure.center_id,
            )  # fmt: skip
    areas = [
        a.model_copy(update={"region": r.code})
        for a, r in zip(scenario.locked_areas, regions, strict=True)
    ]
    return scenario.model_copy(update={"locked_areas": areas})


class ManualBackup(_Strict):
    """One backup centre of a human plan and the regions it takes."""

    center: str = Field(min_length=1, max_length=NAME_MAX)
    regions: list[str] = Field(min_length=1)


class ManualPlan(_Strict):
    """A human plan to score: backup centre (id or name) → regions (codes or names)."""

    name: str = Field(min_length=1, max_length=NAME_MAX)
    backups: list[ManualBackup] = Field(min_length=1)

    @classmethod
    def from_yaml(cls, source: str | Path) -> ManualPlan:
        return _load(cls, source)


def _load(model: type[M], source: str | Path) -> M:
    file: str | None = None
    if isinstance(source, Path) or ("\n" not in source and source.endswith((".yaml", ".yml"))):
        path = Path(source)
        file = str(path)
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise ValidationError(f"cannot read the file ({exc.strerror}).", code="file.unreadable",
                                  file=file, reason=exc.strerror) from None  # fmt: skip
        except UnicodeDecodeError as exc:
            raise ValidationError(f"is not UTF-8 text (byte {exc.start}).", code="file.not_utf8",
                                  file=file, offset=exc.start) from None  # fmt: skip
    else:
        text = source
    data = load_yaml(text, file=file)
    if not isinstance(data, dict):
        raise ValidationError("the document must be a mapping of fields.",
                              code="file.not_a_mapping", file=file, value=data)  # fmt: skip
    return validate(model, data, file=file)


def validate(model: type[M], data: dict[str, Any], *, file: str | None = None) -> M:
    """Validate a dict, turning the first Pydantic error into one naming field and value."""
    try:
        return model.model_validate(data)
    except pydantic.ValidationError as exc:
        raise from_pydantic(exc, file=file) from None


def from_pydantic(exc: pydantic.ValidationError, *, file: str | None = None) -> ValidationError:
    err = exc.errors()[0]
    path = ".".join(str(p) for p in err["loc"] if p != "[key]")
    value = err.get("input")
    msg = err["msg"].removeprefix("Value error, ")
    shown = excerpt(value) if not isinstance(value, dict) else "{...}"
    return ValidationError(f"{msg} (got {shown}).", code="input.invalid", file=file,
                           field=path or None, value=value, reason=msg, problem=err["type"],
                           **err.get("ctx", {}))  # fmt: skip


# The problems the console words exactly (``error.input.invalid.<problem>``); any other is
# worded by ``error.input.invalid`` around Pydantic's English reason.
WORDED_PROBLEMS = (
    N_("error.input.invalid.missing"),
    N_("error.input.invalid.string_too_short"),
    N_("error.input.invalid.too_short"),
    N_("error.input.invalid.greater_than"),
    N_("error.input.invalid.greater_than_equal"),
    N_("error.input.invalid.less_than"),
    N_("error.input.invalid.less_than_equal"),
    N_("error.input.invalid.float_parsing"),
    N_("error.input.invalid.finite_number"),
    N_("error.input.invalid.number_too_large"),
    N_("error.input.invalid.string_too_long"),
    N_("error.input.invalid.int_parsing"),
    N_("error.input.invalid.int_from_float"),
    N_("error.input.invalid.bool_parsing"),
    N_("error.input.invalid.literal_error"),
    N_("error.input.invalid.enum"),
    N_("error.input.invalid.extra_forbidden"),
    N_("error.input.invalid.string_type"),
    N_("error.input.invalid.list_type"),
    N_("error.input.invalid.dict_type"),
    N_("error.input.invalid.depth_needs_city"),
    N_("error.input.invalid.depth_needs_province"),
)
# The codes ``network.lookup.region_at`` composes for this package's fields.
REGION_REFUSALS = (
    N_("error.scenario.unknown_region"),
    N_("error.scenario.ambiguous_region"),
    N_("error.manual_plan.unknown_region"),
    N_("error.manual_plan.ambiguous_region"),
)
