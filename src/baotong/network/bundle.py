"""The compact shipped format of a network: ``network.json.gz`` + ``od_flows.npz``.

The JSON document carries ``schema_version`` and stores each table column-wise (one list
per field), which keeps it small and fast to read. The OD matrix is a float32 array in a
compressed ``.npz`` (float64 for an installed network, so imports round-trip exactly).
Boundaries live apart in ``boundaries.json.gz`` because only maps need them.
"""

from __future__ import annotations

import dataclasses
import gzip
import json
import zipfile
from collections.abc import Mapping
from dataclasses import asdict, fields
from pathlib import Path
from typing import Any

import numpy as np

from baotong.network.entities import (
    PRODUCT_CLASSES,
    Airport,
    Automation,
    CenterRole,
    CollectionHub,
    DeliveryStation,
    Ferry,
    Network,
    NetworkParams,
    ProcessingCenter,
    Region,
    RegionLevel,
    SiteStatus,
    SorterChute,
)

SCHEMA_VERSION = 1
NETWORK_FILE = "network.json.gz"
OD_FILE = "od_flows.npz"
BOUNDARIES_FILE = "boundaries.json.gz"


def _columns(rows: list[dict[str, Any]], names: list[str]) -> dict[str, list[Any]]:
    return {name: [row[name] for row in rows] for name in names}


def _rows(table: Mapping[str, list[Any]]) -> list[dict[str, Any]]:
    names = list(table)
    return [dict(zip(names, values, strict=True)) for values in zip(*table.values(), strict=True)]


def _center_row(c: ProcessingCenter) -> dict[str, Any]:
    row = asdict(c)
    row["location"] = list(c.location)
    row["capacity"] = [c.capacity.get(k, 0.0) for k in PRODUCT_CLASSES]
    row["baseline_load"] = [c.baseline_load.get(k, 0.0) for k in PRODUCT_CLASSES]
    for key in ("role", "automation", "status"):
        row[key] = str(row[key])
    return row


def to_document(network: Network) -> dict[str, Any]:
    """Everything but the OD matrix, as a JSON-ready dict."""
    regions = [
        {**asdict(r), "level": str(r.level), "centroid": list(r.centroid)}
        for r in network.regions.values()
    ]
    hubs = [
        {**asdict(h), "location": list(h.location), "air_links": list(h.air_links)}
        for h in network.hubs.values()
    ]
    stations = [{**asdict(s), "location": list(s.location)} for s in network.stations.values()]
    return {
        "schema_version": SCHEMA_VERSION,
        "name": network.name,
        "params": asdict(network.params),
        "classes": [str(c) for c in PRODUCT_CLASSES],
        "regions": _columns(regions, [f.name for f in fields(Region)]),
        "centers": _columns(
            [_center_row(c) for c in network.centers.values()],
            [f.name for f in fields(ProcessingCenter)],
        ),
        "hubs": _columns(hubs, [f.name for f in fields(CollectionHub)]),
        "stations": _columns(stations, [f.name for f in fields(DeliveryStation)]),
        "sort_plan": {
            "destination": list(network.sort_plan),
            "center_id": list(network.sort_plan.values()),
        },
        "od_prefectures": list(network.od_prefectures),
        # Only when present: a network without them keeps its bundle byte for byte.
        **({"sorters": _columns([asdict(x) for chutes in network.sorters.values()
                                 for x in chutes], [f.name for f in fields(SorterChute)])}
           if network.sorters else {}),
        **({"rosters": {k: dict(v) for k, v in network.rosters.items()}}
           if network.rosters else {}),
        **({"airports": _columns([{**asdict(a), "location": list(a.location)}
                                  for a in network.airports.values()],
                                 [f.name for f in fields(Airport)])}
           if network.airports else {}),
        **({"ferries": _columns([{**asdict(f), "location_a": list(f.location_a),
                                  "location_b": list(f.location_b), "island": list(f.island)}
                                 for f in network.ferries.values()],
                                [f.name for f in fields(Ferry)])}
           if network.ferries else {}),
    }  # fmt: skip


def from_document(doc: Mapping[str, Any], od_flows: np.ndarray[Any, Any]) -> Network:
    if doc.get("schema_version") != SCHEMA_VERSION:
        raise ValueError(f"unsupported network schema version {doc.get('schema_version')!r}")
    regions = {}
    for r in _rows(doc["regions"]):
        regions[r["code"]] = Region(
            **{**r, "level": RegionLevel(r["level"]), "centroid": tuple(r["centroid"])}
        )
    centers = {}
    for c in _rows(doc["centers"]):
        centers[c["id"]] = ProcessingCenter(
            **{
                **c,
                "location": tuple(c["location"]),
                "role": CenterRole(c["role"]),
                "automation": Automation(c["automation"]),
                "status": SiteStatus(c["status"]),
                "capacity": dict(zip(PRODUCT_CLASSES, c["capacity"], strict=True)),
                "baseline_load": dict(zip(PRODUCT_CLASSES, c["baseline_load"], strict=True)),
            }
        )
    hubs = {
        h["id"]: CollectionHub(
            **{**h, "location": tuple(h["location"]), "air_links": tuple(h["air_links"])}
        )
        for h in _rows(doc["hubs"])
    }
    stations = {
        s["id"]: DeliveryStation(**{**s, "location": tuple(s["location"])})
        for s in _rows(doc["stations"])
    }
    plan = doc["sort_plan"]
    sorters: dict[str, list[SorterChute]] = {}
    for row in _rows(doc["sorters"]) if "sorters" in doc else []:
        sorters.setdefault(row["center_id"], []).append(SorterChute(**row))
    return Network(
        regions=regions,
        centers=centers,
        hubs=hubs,
        stations=stations,
        sort_plan=dict(zip(plan["destination"], plan["center_id"], strict=True)),
        od_prefectures=tuple(doc["od_prefectures"]),
        od_flows=np.asarray(od_flows, dtype=np.float64),
        params=NetworkParams(**doc["params"]),
        name=doc["name"],
        sorters={k: tuple(v) for k, v in sorters.items()},
        rosters={k: dict(v) for k, v in doc.get("rosters", {}).items()},
        airports={
            a["code"]: Airport(**{**a, "location": tuple(a["location"])})
            for a in (_rows(doc["airports"]) if "airports" in doc else [])
        },
        ferries={
            f["id"]: Ferry(
                **{
                    **f,
                    "location_a": tuple(f["location_a"]),
                    "location_b": tuple(f["location_b"]),
                    "island": tuple(f["island"]),
                }
            )
            for f in (_rows(doc["ferries"]) if "ferries" in doc else [])
        },  # fmt: skip
    )


def save(network: Network, folder: Path, *, exact: bool) -> None:
    """Write the network into ``folder``; ``exact`` keeps float64 OD flows."""
    folder.mkdir(parents=True, exist_ok=True)
    text = json.dumps(to_document(network), ensure_ascii=False, separators=(",", ":"))
    # mtime=0 keeps the file byte-identical between builds.
    with gzip.GzipFile(folder / NETWORK_FILE, "wb", mtime=0) as fh:
        fh.write(text.encode("utf-8"))
    flows = network.od_flows if exact else network.od_flows.astype(np.float32)
    # A fixed timestamp keeps the archive byte-identical between builds.
    info = zipfile.ZipInfo("od_flows.npy", date_time=(1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    with zipfile.ZipFile(folder / OD_FILE, "w") as archive, archive.open(info, "w") as fh:
        np.lib.format.write_array(fh, np.ascontiguousarray(flows))


def load(folder: Path) -> Network:
    with gzip.open(folder / NETWORK_FILE, "rb") as fh:
        doc = json.loads(fh.read().decode("utf-8"))
    with np.load(folder / OD_FILE) as npz:
        flows = npz["od_flows"]
    return dataclasses.replace(from_document(doc, flows), boundaries_dir=folder)


def save_boundaries(boundaries: Mapping[str, Mapping[str, Any]], folder: Path) -> None:
    text = json.dumps(boundaries, ensure_ascii=False, separators=(",", ":"))
    with gzip.GzipFile(folder / BOUNDARIES_FILE, "wb", mtime=0) as fh:
        fh.write(text.encode("utf-8"))


def load_boundaries(folder: Path) -> dict[str, dict[str, Any]]:
    with gzip.open(folder / BOUNDARIES_FILE, "rb") as fh:
        data: dict[str, dict[str, Any]] = json.loads(fh.read().decode("utf-8"))
    return data
