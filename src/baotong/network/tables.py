"""The CSV tables of a user's own network (docs/network-format.md): columns and writers.

One table per entity, UTF-8, a header row, one entity per row. Numbers are written in
Python's shortest round-trip form so that export → import gives back the same network.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Mapping
from dataclasses import asdict, fields
from pathlib import Path
from typing import Any

import numpy as np

from baotong.network.entities import PRODUCT_CLASSES, Network, NetworkParams

CLASS_KEYS = tuple(str(c) for c in PRODUCT_CLASSES)
COLUMNS: dict[str, tuple[str, ...]] = {
    "regions.csv": ("code", "name", "pinyin", "level", "parent_code", "lon", "lat", "population"),
    "centers.csv": (
        "id",
        "name",
        "name_en",
        "lon",
        "lat",
        "prefecture_code",
        "province_code",
        "role",
        "automation",
        *(f"capacity_{k}" for k in CLASS_KEYS),
        *(f"load_{k}" for k in CLASS_KEYS),
        "chutes",
        "chutes_in_use",
        "surge_capacity_per_shift",
        "surge_shift_cost",
        "max_surge_shifts",
        "status",
    ),  # fmt: skip
    "hubs.csv": (
        "id",
        "name",
        "name_en",
        "lon",
        "lat",
        "prefecture_code",
        "airport",
        "center_id",
        "national",
        "air_links",
    ),  # fmt: skip
    "stations.csv": (
        "id",
        "name",
        "county_code",
        "lon",
        "lat",
        "daily_inbound",
        "grids",
        "segments_per_grid",
    ),  # fmt: skip
    "sort_plan.csv": ("destination", "center_id"),
    "od_flows.csv": ("origin", "destination", *CLASS_KEYS),
    "params.csv": ("name", "value"),
    "sorters.csv": ("center_id", "chute", "dock", "capacity", "in_use"),
    "rosters.csv": ("center_id", "shift", "staff"),
    "airports.csv": ("code", "name", "prefecture_code", "lon", "lat"),
    "ferries.csv": (
        "id",
        "name",
        "port_a",
        "prefecture_a",
        "lon_a",
        "lat_a",
        "port_b",
        "prefecture_b",
        "lon_b",
        "lat_b",
        "island",
        "crossing_hours",
        "handling_hours",
    ),  # fmt: skip
}
# A folder without them uses the documented defaults (no airports: road only; no ferries:
# every region is joined by road).
OPTIONAL = ("sorters.csv", "rosters.csv", "airports.csv", "ferries.csv")
PARAM_NAMES = ("name", *(f.name for f in fields(NetworkParams)))
BOUNDARIES = "boundaries.geojson"


def _num(value: float | int) -> str:
    return repr(value) if isinstance(value, float) else str(value)


def _write(path: Path, header: tuple[str, ...], rows: Iterable[Iterable[Any]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow([_num(v) if isinstance(v, int | float) else v for v in row])


def write_tables(
    network: Network, folder: Path, boundaries: Mapping[str, Mapping[str, Any]] | None = None
) -> list[Path]:
    """Write every table (and boundaries.geojson when given) into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    r = [(x.code, x.name, x.pinyin, str(x.level), x.parent_code or "", x.centroid[0],
          x.centroid[1], x.population) for x in network.regions.values()]  # fmt: skip
    c = [(x.id, x.name, x.name_en, x.location[0], x.location[1], x.prefecture_code,
          x.province_code, str(x.role), str(x.automation),
          *(float(x.capacity.get(k, 0.0)) for k in PRODUCT_CLASSES),
          *(float(x.baseline_load.get(k, 0.0)) for k in PRODUCT_CLASSES),
          x.chutes, x.chutes_in_use, float(x.surge_capacity_per_shift),
          float(x.surge_shift_cost), x.max_surge_shifts, str(x.status))
         for x in network.centers.values()]  # fmt: skip
    h = [(x.id, x.name, x.name_en, x.location[0], x.location[1], x.prefecture_code, x.airport,
          x.center_id, "true" if x.national else "false", ";".join(x.air_links))
         for x in network.hubs.values()]  # fmt: skip
    s = [(x.id, x.name, x.county_code, x.location[0], x.location[1], float(x.daily_inbound),
          x.grids, x.segments_per_grid) for x in network.stations.values()]  # fmt: skip
    flows = network.od_flows
    od = [(o, d, *(float(v) for v in flows[i, j]))
          for i, o in enumerate(network.od_prefectures)
          for j, d in enumerate(network.od_prefectures) if np.any(flows[i, j] != 0)]  # fmt: skip
    p = [("name", network.name), *((k, float(v)) for k, v in asdict(network.params).items())]
    layouts = [(x.center_id, x.chute, x.dock, float(x.capacity), "true" if x.in_use else "false")
               for chutes in network.sorters.values() for x in chutes]  # fmt: skip
    rosters = [
        (centre, shift, staff)
        for centre, shifts in network.rosters.items()
        for shift, staff in shifts.items()
    ]
    tables: dict[str, list[Any]] = {
        "regions.csv": r, "centers.csv": c, "hubs.csv": h, "stations.csv": s,
        "sort_plan.csv": list(network.sort_plan.items()), "od_flows.csv": od, "params.csv": p,
        "sorters.csv": layouts, "rosters.csv": rosters,
        "airports.csv": [(a.code, a.name, a.prefecture_code, a.location[0], a.location[1])
                         for a in network.airports.values()],
        "ferries.csv": [(f.id, f.name, f.port_a, f.prefecture_a, *f.location_a, f.port_b,
                         f.prefecture_b, *f.location_b, ";".join(f.island),
                         float(f.crossing_hours), float(f.handling_hours))
                        for f in network.ferries.values()],
    }  # fmt: skip
    written = []
    for name, rows in tables.items():
        if name in OPTIONAL and not rows:
            continue
        _write(folder / name, COLUMNS[name], rows)
        written.append(folder / name)
    if boundaries:
        features = [{"type": "Feature", "properties": {"code": code, "level": level},
                     "geometry": geometry}
                    for level, by_code in boundaries.items() for code, geometry in by_code.items()
                    if code in network.regions]  # fmt: skip
        text = json.dumps({"type": "FeatureCollection", "features": features},
                          ensure_ascii=False, separators=(",", ":"))  # fmt: skip
        (folder / BOUNDARIES).write_text(text, encoding="utf-8")
        written.append(folder / BOUNDARIES)
    return written
