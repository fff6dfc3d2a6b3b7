"""The national sweep: a plan for every province or prefecture lockdown, nightly style.

A control room wants the answer before the lockdown: for each region, which centres would
take over its mail, and across all regions, which centres are needed most often — the
single points of failure of the national network (a centre that half the country's
lockdowns lean on must not close for maintenance in an epidemic season).

Plans run on ``dask.distributed``: a ``LocalCluster`` by default or any scheduler by
address; the network is scattered to the workers once. Each region's plan is written to
``DIR/plans/<code>.json`` as soon as it is done, so an interrupted sweep resumes where it
stopped (regions already written are skipped). ``sweep.json`` holds one row per region and
the risk table over every plan in the folder.
"""

from __future__ import annotations

import json
import logging
import os
from collections import defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, Literal

from baotong.contingency.document import PlanDocument
from baotong.contingency.engine import plan
from baotong.contingency.scenario import Scenario
from baotong.network.entities import Network, RegionLevel

SweepLevel = Literal["province", "prefecture", "all"]
SCHEMA = "baotong.sweep/1"
PRODUCT_CLASSES = {"ems": 0.8, "supply": 1.5}
MAX_ROAD_HOURS = 10.0
CRITICAL_SHARE = 0.5  # a backup taking this share of a region's mail is critical to it
LEVELS: tuple[SweepLevel, ...] = ("province", "prefecture", "all")


def sweep_regions(network: Network, level: SweepLevel) -> list[str]:
    """Codes of the regions a sweep plans, provinces first, each level by code."""
    levels = {
        "province": [RegionLevel.PROVINCE],
        "prefecture": [RegionLevel.PREFECTURE],
        "all": [RegionLevel.PROVINCE, RegionLevel.PREFECTURE],
    }[level]
    return [
        r.code
        for lvl in levels
        for r in sorted(network.regions.values(), key=lambda r: r.code)
        if r.level is lvl
    ]


def region_scenario(network: Network, code: str, time_limit_s: float = 10.0) -> Scenario:
    """The lockdown a sweep plans for a region: all of it, sorted to county elsewhere."""
    region = network.regions[code]
    return Scenario.model_validate({
        "name": f"{region.name} ({code}) lockdown",
        "locked_areas": [{"region": code, "level": "province"}],
        "product_classes": PRODUCT_CLASSES,
        "options": {"max_road_hours": MAX_ROAD_HOURS, "time_limit_s": time_limit_s},
    })  # fmt: skip


def plan_region(network: Network, code: str, time_limit_s: float = 10.0) -> PlanDocument:
    """One region's plan document (what a worker runs)."""
    return plan(network, region_scenario(network, code, time_limit_s)).document()


def plan_path(out: Path, code: str) -> Path:
    return out / "plans" / f"{code}.json"


def write_plan(out: Path, code: str, document: PlanDocument) -> None:
    """Write a region's plan.json whole or not at all (a resumed sweep trusts what it finds)."""
    path = plan_path(out, code)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(document.to_json(), ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)


def pending(out: Path, codes: Iterable[str]) -> list[str]:
    """The regions not planned yet in a sweep folder."""
    return [c for c in codes if not plan_path(out, c).exists()]


def run_sweep(
    network: Network,
    codes: list[str],
    out: Path,
    *,
    scheduler: str | None = None,
    workers: int = 2,
    time_limit_s: float = 10.0,
    on_done: Callable[[str, PlanDocument], None] | None = None,
) -> list[str]:
    """Plan every pending region on Dask and write each plan; the codes planned now."""
    from distributed import Client, LocalCluster, as_completed

    todo = pending(out, codes)
    if not todo:
        return []
    cluster: Any = None
    if scheduler is None:
        cluster = LocalCluster(  # type: ignore[no-untyped-call]
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
            silence_logs=logging.CRITICAL,
        )  # fmt: skip
        scheduler = cluster.scheduler_address
    client: Any = Client(scheduler, set_as_default=False)  # type: ignore[no-untyped-call]
    try:
        shared = client.scatter(network, broadcast=True)
        futures = {
            client.submit(plan_region, shared, code, time_limit_s, key=f"plan-{code}"): code
            for code in todo
        }
        for future in as_completed(futures, loop=client.loop):  # type: ignore[no-untyped-call]
            code = futures[future]
            document: PlanDocument = future.result()
            write_plan(out, code, document)
            if on_done is not None:
                on_done(code, document)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    return todo


def sweep_options(time_limit_s: float) -> dict[str, Any]:
    """The options every region's scenario of a sweep was planned with."""
    return {"time_limit_s": time_limit_s, "max_road_hours": MAX_ROAD_HOURS,
            "product_classes": dict(PRODUCT_CLASSES)}  # fmt: skip


def backup_volumes(document: PlanDocument) -> dict[str, float]:
    """Items/day each backup of a plan takes (its assignments' volume), by centre id."""
    volumes: dict[str, float] = {b.center_id: 0.0 for b in document.backups}
    for a in document.assignments:
        volumes[a.backup_center_id] = volumes.get(a.backup_center_id, 0.0) + a.volume
    return {cid: round(v, 1) for cid, v in volumes.items()}


def summary(
    network: Network,
    codes: list[str],
    out: Path,
    level: SweepLevel,
    *,
    time_limit_s: float | None = None,
) -> dict[str, Any]:
    """``sweep.json``: a row per region planned, and the risk table over all of them."""
    plans: dict[str, PlanDocument] = {}
    for code in codes:
        path = plan_path(out, code)
        if path.exists():
            plans[code] = PlanDocument.model_validate_json(path.read_text(encoding="utf-8"))
    rows = [
        {
            "region_code": code,
            "name": network.regions[code].name,
            "status": document.status,
            "objective": document.objective,
            "gap": document.gap,
            "seconds": document.solve_seconds,
            "backups": [b.center_id for b in document.backups],
            "unserved_zones": len(document.unserved.zones),
        }
        for code, document in plans.items()
    ]
    return {
        "schema": SCHEMA,
        "network": network.name,
        "level": level,
        "regions": len(codes),
        "planned": len(plans),
        **({"options": sweep_options(time_limit_s)} if time_limit_s is not None else {}),
        "plans": rows,
        "risk": risk_table(network, plans),
    }


def risk_table(network: Network, plans: dict[str, PlanDocument]) -> list[dict[str, Any]]:
    """Centres by how many region lockdowns need them as backups, most needed first.

    ``critical_for`` counts the regions where the centre takes at least half the re-routed
    mail: if it were closed too, those plans would fall apart, so a centre critical for at
    least one region is flagged a ``single_point`` of failure. ``share_of_volume`` is the
    centre's part of all the mail the sweep's plans re-route.
    """
    needed: dict[str, list[str]] = defaultdict(list)
    critical: dict[str, int] = defaultdict(int)
    load: dict[str, float] = defaultdict(float)
    peak: dict[str, float] = defaultdict(float)
    taken: dict[str, float] = defaultdict(float)
    everything = sum(a.volume for d in plans.values() for a in d.assignments) or 1.0
    for code, document in plans.items():
        total = sum(a.volume for a in document.assignments) or 1.0
        by_backup: dict[str, float] = defaultdict(float)
        for a in document.assignments:
            by_backup[a.backup_center_id] += a.volume
        for b in document.backups:
            taken[b.center_id] += by_backup[b.center_id]
            cid = b.center_id
            needed[cid].append(code)
            load[cid] += b.load
            peak[cid] = max(peak[cid], b.utilisation or 0.0)
            if by_backup[cid] >= CRITICAL_SHARE * total:
                critical[cid] += 1
    rows: list[dict[str, Any]] = [
        {
            "center_id": cid,
            "name": network.centers[cid].name if cid in network.centers else cid,
            "province_code": network.centers[cid].province_code if cid in network.centers else "",
            "plans": len(regions),
            "share_of_plans": round(len(regions) / len(plans), 4),
            "critical_for": critical[cid],
            "single_point": critical[cid] > 0,
            "volume": round(taken[cid], 1),
            "share_of_volume": round(taken[cid] / everything, 4),
            "load_total": round(load[cid], 1),
            "peak_utilisation": round(peak[cid], 4),
            "regions": sorted(regions),
        }
        for cid, regions in needed.items()
    ]
    rows.sort(key=lambda r: (-r["plans"], -r["critical_for"], r["center_id"]))
    return rows
