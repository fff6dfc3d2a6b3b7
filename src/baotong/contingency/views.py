"""What the plan page shows: a plan document picked and shaped for tables, map and charts.

A Henan plan's JSON is ~1 MB (thousands of relation changes); the page shows the summary,
the backups, a delay histogram and the first rows of the changes, and the map loads its
compact data separately. Nothing here decides anything: it reads the stored plan.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from baotong.contingency.document import (
    Backup,
    Cost,
    DispatchRelation,
    LineChange,
    OriginDelay,
    PlanDocument,
    PlanStatus,
    TransitChange,
    Unserved,
)
from baotong.contingency.figures import HISTOGRAM_HOURS, chute_share, hour_bin, load_rate
from baotong.network.entities import Network

MAX_ROWS = 200
MAX_POINTS = 5000


@dataclass(frozen=True)
class Summary:
    """The plan's key figures (the page's KPI tiles)."""

    status: PlanStatus
    objective: float
    gap: float
    solve_seconds: float
    backups: int
    zones: int
    mean_hours: float
    p95_hours: float
    unserved: Unserved
    cost: Cost


@dataclass(frozen=True)
class BackupRow:
    """A backup centre's row: load, utilisation and the share of its free chutes now used."""

    center_id: str
    name: str
    province_code: str
    load: float
    surge_shifts: int
    chutes_used: int
    chutes_free: int
    zone_count: int
    utilisation: float
    chute_share: float
    on_trunk: bool = True
    new_relations: int = 0


@dataclass(frozen=True)
class Changes:
    """Dispatch relations and transit changes, for one origin province or all (first rows)."""

    dispatch: list[DispatchRelation]
    dispatch_total: int
    transit: list[TransitChange | LineChange]
    transit_total: int
    origin: str
    max_rows: int = MAX_ROWS
    page: int = 1

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.max_rows

    @property
    def has_more(self) -> bool:
        return self.offset + self.max_rows < max(self.dispatch_total, self.transit_total)


def summary(plan: PlanDocument) -> Summary:
    overall = plan.delays.overall
    return Summary(
        status=plan.status, objective=plan.objective, gap=plan.gap,
        solve_seconds=plan.solve_seconds, backups=len(plan.backups),
        zones=len(plan.assignments), mean_hours=overall.mean_hours,
        p95_hours=overall.p95_hours, unserved=plan.unserved, cost=plan.cost,
    )  # fmt: skip


def backups(plan: PlanDocument) -> list[BackupRow]:
    """Backup centres with utilisation and the share of their free chutes now used."""
    return [_backup_row(b) for b in plan.backups]


def _backup_row(b: Backup) -> BackupRow:
    used, free = b.chutes_used, b.chutes_free
    return BackupRow(
        center_id=b.center_id, name=b.name, province_code=b.province_code, load=b.load,
        surge_shifts=b.surge_shifts, chutes_used=used, chutes_free=free,
        zone_count=len(b.zones),
        utilisation=b.utilisation or load_rate(0.0, b.capacity, b.load),
        chute_share=chute_share(used, free), on_trunk=b.on_trunk, new_relations=b.new_relations,
    )  # fmt: skip


def delay_histogram(plan: PlanDocument) -> dict[str, list[Any]]:
    """Volume by whole extra hours (0, 1, … 24+), weighted as the mean and P95 are
    (``figures``); a document stored before it carried the histogram uses its zones."""
    bins = list(plan.delays.histogram)
    if not bins:
        bins = [0.0] * (HISTOGRAM_HOURS + 1)
        for a in plan.assignments:
            bins[hour_bin(a.extra_hours)] += a.volume
    labels = [str(h) for h in range(HISTOGRAM_HOURS)] + [f"{HISTOGRAM_HOURS}+"]
    return {"x": labels, "y": [round(v) for v in bins]}


def origin_delays(plan: PlanDocument) -> list[OriginDelay]:
    return plan.delays.by_origin_province


def origin_provinces(plan: PlanDocument) -> list[str]:
    return sorted({t.origin_province_code for t in plan.transit_changes})


def changes(plan: PlanDocument, network: Network, origin: str | None, page: int = 1) -> Changes:
    """Dispatch relations and transit changes, for one origin province or all: one page
    of ``MAX_ROWS`` rows of each, and their totals."""

    def province_of(center_id: str) -> str:
        centre = network.centers.get(center_id)
        return centre.province_code if centre is not None else ""

    dispatch = [d for d in plan.dispatch_relations
                if not origin or province_of(d.origin_center_id) == origin]  # fmt: skip
    transit = [t for t in plan.transit_changes
               if not origin or t.origin_province_code == origin]  # fmt: skip
    page = max(1, page)
    start, end = (page - 1) * MAX_ROWS, page * MAX_ROWS
    return Changes(dispatch[start:end], len(dispatch), transit[start:end], len(transit),
                   origin or "", max_rows=MAX_ROWS, page=page)  # fmt: skip


def map_data(plan: PlanDocument, network: Network, provinces: list[str]) -> dict[str, Any]:
    """Locked areas, each county's backup (majority by volume), backups, trunk flows and
    the finer zones as points ``[lon, lat, backup, "name id"]`` (the tooltip names the zone)."""
    by_region: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for a in plan.assignments:
        by_region[a.region_code][a.backup_center_id] += a.volume
    zones = {code: max(loads, key=lambda k: loads[k]) for code, loads in by_region.items()}
    locked = [a.code for a in plan.areas]
    shown = []
    for b in backups(plan):
        centre = network.centers.get(b.center_id)
        if centre is None:
            continue
        shown.append({"id": centre.id, "name": b.name or centre.name,
                      "name_en": centre.name_en or centre.name,
                      "lon": centre.location[0], "lat": centre.location[1],
                      "load": b.load, "utilisation": b.utilisation})  # fmt: skip
    flows: dict[tuple[str, str], float] = defaultdict(float)
    for f in plan.transport.trunk:
        flows[(f.origin_province_code, f.backup_center_id)] += f.volume
    lines = []
    for (origin, backup), volume in flows.items():
        region, centre = network.regions.get(origin), network.centers.get(backup)
        if region is not None and centre is not None:
            lines.append({"from": list(region.centroid), "to": list(centre.location),
                          "backup": backup, "volume": round(volume)})  # fmt: skip
    points = [
        [a.location[0], a.location[1], a.backup_center_id, f"{a.name} {a.zone_id}"]
        for a in plan.assignments
        if a.zone_kind != "county"
    ][:MAX_POINTS]
    first = network.regions.get(locked[0]) if locked else None
    return {"provinces": sorted({p for p in provinces if p in network.regions}),
            "locked": locked, "zones": zones, "backups": shown, "flows": lines,
            "points": points, "center": list(first.centroid) if first else None,
            "level": first.level.value if first else None}  # fmt: skip
