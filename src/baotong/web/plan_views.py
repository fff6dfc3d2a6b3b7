"""What the plan page shows: a plan's result picked and shaped for tables, map and charts.

A Henan plan's JSON is ~2 MB (thousands of relation changes); the page shows the summary,
the backups, a delay histogram and the first rows of the changes, and the map loads its
compact data separately. Nothing here decides anything: it reads the stored plan.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from baotong.network.entities import Network

MAX_ROWS = 200
HISTOGRAM_HOURS = 24
MAX_POINTS = 5000


def summary(result: dict[str, Any]) -> dict[str, Any]:
    overall = (result.get("delays") or {}).get("overall") or {}
    return {
        "status": result.get("status"),
        "objective": result.get("objective"),
        "gap": result.get("gap"),
        "solve_seconds": result.get("solve_seconds"),
        "backups": len(result.get("backups") or []),
        "zones": len(result.get("assignments") or []),
        "mean_hours": overall.get("mean_hours"),
        "p95_hours": overall.get("p95_hours"),
        "unserved": result.get("unserved") or {},
        "cost": result.get("cost") or {},
    }


def backups(result: dict[str, Any]) -> list[dict[str, Any]]:
    """Backup centres with utilisation and the share of their free chutes now used."""
    rows = []
    for b in result.get("backups") or []:
        if not isinstance(b, dict):
            continue
        used, free = int(b.get("chutes_used") or 0), int(b.get("chutes_free") or 0)
        capacity = float(b.get("capacity") or 0.0)
        load = float(b.get("load") or 0.0)
        rows.append({
            **b,
            "utilisation": float(b.get("utilisation") or (load / capacity if capacity else 0.0)),
            "chute_share": used / (used + free) if used + free else 0.0,
            "zone_count": len(b.get("zones") or []),
        })  # fmt: skip
    return rows


def delay_histogram(result: dict[str, Any]) -> dict[str, Any]:
    """Volume by whole extra hours (0, 1, … 24+), from the assignments."""
    bins = [0.0] * (HISTOGRAM_HOURS + 1)
    for a in result.get("assignments") or []:
        hours = max(0.0, float(a.get("extra_hours") or 0.0))
        bins[min(int(hours), HISTOGRAM_HOURS)] += float(a.get("volume") or 0.0)
    labels = [str(h) for h in range(HISTOGRAM_HOURS)] + [f"{HISTOGRAM_HOURS}+"]
    return {"x": labels, "y": [round(v) for v in bins]}


def origin_delays(result: dict[str, Any]) -> list[dict[str, Any]]:
    return list((result.get("delays") or {}).get("by_origin_province") or [])


def origin_provinces(result: dict[str, Any]) -> list[str]:
    codes = {str(t.get("origin_province_code")) for t in result.get("transit_changes") or []}
    return sorted(c for c in codes if c and c != "None")


def changes(result: dict[str, Any], network: Network, origin: str | None) -> dict[str, Any]:
    """Dispatch relations and transit changes, for one origin province or all."""

    def province_of(center_id: str | None) -> str:
        centre = network.centers.get(center_id or "")
        return centre.province_code if centre is not None else ""

    dispatch = [d for d in result.get("dispatch_relations") or []
                if not origin or province_of(d.get("origin_center_id")) == origin]  # fmt: skip
    transit = [t for t in result.get("transit_changes") or []
               if not origin or t.get("origin_province_code") == origin]  # fmt: skip
    return {
        "dispatch": dispatch[:MAX_ROWS],
        "dispatch_total": len(dispatch),
        "transit": transit[:MAX_ROWS],
        "transit_total": len(transit),
        "origin": origin or "",
        "max_rows": MAX_ROWS,
    }


def map_data(result: dict[str, Any], network: Network, provinces: list[str]) -> dict[str, Any]:
    """Locked areas, each county's backup (majority by volume), backups and trunk flows."""
    by_region: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for a in result.get("assignments") or []:
        if a.get("backup_center_id"):
            by_region[str(a.get("region_code"))][str(a["backup_center_id"])] += float(
                a.get("volume") or 0.0
            )
    zones = {code: max(loads, key=lambda k: loads[k]) for code, loads in by_region.items()}
    locked = [str(a.get("code")) for a in result.get("areas") or []]
    shown = []
    for b in backups(result):
        centre = network.centers.get(str(b.get("center_id")))
        if centre is None:
            continue
        shown.append({"id": centre.id, "name": b.get("name") or centre.name,
                      "name_en": centre.name_en or centre.name,
                      "lon": centre.location[0], "lat": centre.location[1],
                      "load": b.get("load", 0.0), "utilisation": b["utilisation"]})  # fmt: skip
    flows: dict[tuple[str, str], float] = defaultdict(float)
    for f in (result.get("transport") or {}).get("trunk") or []:
        flows[(str(f.get("origin_province_code")), str(f.get("backup_center_id")))] += float(
            f.get("volume") or 0.0
        )
    lines = []
    for (origin, backup), volume in flows.items():
        region, centre = network.regions.get(origin), network.centers.get(backup)
        if region is not None and centre is not None:
            lines.append({"from": list(region.centroid), "to": list(centre.location),
                          "backup": backup, "volume": round(volume)})  # fmt: skip
    points = [
        [a["location"][0], a["location"][1], a["backup_center_id"]]
        for a in result.get("assignments") or []
        if a.get("zone_kind") not in (None, "county") and a.get("location")
        and a.get("backup_center_id")
    ][:MAX_POINTS]  # fmt: skip
    first = network.regions.get(locked[0]) if locked else None
    return {"provinces": sorted({p for p in provinces if p in network.regions}),
            "locked": locked, "zones": zones, "backups": shown, "flows": lines,
            "points": points, "center": list(first.centroid) if first else None,
            "level": first.level.value if first else None}  # fmt: skip
