"""Bring your own network: read, check and install a folder of CSV tables.

``read_network(folder)`` checks everything before it builds anything and reports every
problem at once, each naming the file, the row (as a spreadsheet numbers it: the header is
row 1) and the field. ``install_network`` installs a valid network as the active one in
the data directory, atomically; an invalid folder changes nothing.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from baotong.config import Settings
from baotong.core.exceptions import ValidationError, excerpt
from baotong.network import bundle, geo, reference
from baotong.network.checks import NetworkImportError, TableReader
from baotong.network.entities import (
    PRODUCT_CLASSES,
    SHIFT_NAMES,
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
from baotong.network.tables import BOUNDARIES, CLASS_KEYS, PARAM_NAMES, write_tables

POLYGONS = ("Polygon", "MultiPolygon")


def _regions(rd: TableReader) -> dict[str, Region]:
    f = "regions.csv"
    rows = rd.table(f)
    rd.unique(f, "code", rows)
    levels = {r["code"]: r["level"] for _, r in rows}
    above = {"prefecture": "province", "county": "prefecture"}
    out: dict[str, Region] = {}
    for n, r in rows:
        level = rd.choice(f, n, r, "level", RegionLevel)
        parent = r["parent_code"] or None
        if parent is not None and level is not None and level is not RegionLevel.PROVINCE:
            if parent not in levels:
                rd.fail(f, n, "parent_code", f"unknown region code '{parent}'.")
                continue
            if levels[parent] != above[level.value]:
                rd.fail(
                    f, n, "parent_code",
                    f"'{parent}' is a {levels[parent]}; the parent of a {level.value} must be "
                    f"a {above[level.value]}.",
                )  # fmt: skip
                continue
        values = {"code": r["code"], "name": r["name"], "pinyin": r["pinyin"], "level": level,
                  "parent_code": parent, "centroid": rd.point(f, n, r),
                  "population": rd.integer(f, n, r, "population")}  # fmt: skip
        made = rd.build(f, n, Region, values, optional=("parent_code",))
        if made is not None and made.code not in out:
            out[made.code] = made
    return out


def _centers(rd: TableReader) -> dict[str, ProcessingCenter]:
    f = "centers.csv"
    rows = rd.table(f)
    rd.unique(f, "id", rows)
    out: dict[str, ProcessingCenter] = {}
    for n, r in rows:
        values: dict[str, Any] = {k: r[k] for k in ("id", "name", "name_en")}
        declared = rd.declared("regions.csv", "code")
        for field, level in (("prefecture_code", RegionLevel.PREFECTURE),
                             ("province_code", RegionLevel.PROVINCE)):  # fmt: skip
            known = declared.get(r[field], {}).get("level") == level.value
            values[field] = r[field] if known else None
            if values[field] is None:
                rd.fail(f, n, field, f"unknown {level.value} code '{r[field]}'.")
        values["location"] = rd.point(f, n, r)
        values["role"] = rd.choice(f, n, r, "role", CenterRole)
        values["automation"] = rd.choice(f, n, r, "automation", Automation)
        values["status"] = rd.choice(f, n, r, "status", SiteStatus)
        for key in ("surge_capacity_per_shift", "surge_shift_cost"):
            values[key] = rd.number(f, n, r, key)
        for key in ("chutes", "chutes_in_use", "max_surge_shifts"):
            values[key] = rd.integer(f, n, r, key)
        for key, prefix in (("capacity", "capacity_"), ("baseline_load", "load_")):
            by_class = {c: rd.number(f, n, r, prefix + k)
                        for c, k in zip(PRODUCT_CLASSES, CLASS_KEYS, strict=True)}  # fmt: skip
            values[key] = None if None in by_class.values() else by_class
        made = rd.build(f, n, ProcessingCenter, values)
        if made is not None and made.id not in out:
            out[made.id] = made
    return out


def _hubs(rd: TableReader) -> dict[str, CollectionHub]:
    f = "hubs.csv"
    rows = rd.table(f)
    rd.unique(f, "id", rows)
    ids = {r["id"] for _, r in rows}
    out: dict[str, CollectionHub] = {}
    for n, r in rows:
        values: dict[str, Any] = {k: r[k] for k in ("id", "name", "name_en", "airport")}
        values["location"] = rd.point(f, n, r)
        values["prefecture_code"] = (
            r["prefecture_code"]
            if r["prefecture_code"] in rd.declared("regions.csv", "code")
            else None
        )
        if values["prefecture_code"] is None:
            rd.fail(f, n, "prefecture_code", f"unknown region code '{r['prefecture_code']}'.")
        values["center_id"] = (
            r["center_id"] if r["center_id"] in rd.declared("centers.csv", "id") else None
        )
        if values["center_id"] is None:
            rd.fail(f, n, "center_id", f"unknown processing centre '{r['center_id']}'.")
        links = tuple(x.strip() for x in r["air_links"].split(";") if x.strip())
        values["air_links"] = links
        for link in links:
            if link not in ids:
                rd.fail(f, n, "air_links", f"unknown collection hub '{link}'.")
                values["air_links"] = None
        values["national"] = {"true": True, "false": False}.get(r["national"].lower())
        if values["national"] is None:
            rd.fail(f, n, "national", f"'{r['national']}' is not true or false.")
        made = rd.build(f, n, CollectionHub, values)
        if made is not None and made.id not in out:
            out[made.id] = made
    return out


def _stations(rd: TableReader) -> tuple[dict[str, DeliveryStation], dict[str, int]]:
    """Stations by id, and the row each came from."""
    f = "stations.csv"
    rows = rd.table(f)
    rd.unique(f, "id", rows)
    out: dict[str, DeliveryStation] = {}
    row_of: dict[str, int] = {}
    for n, r in rows:
        county = rd.declared("regions.csv", "code").get(r["county_code"])
        if county is None or county["level"] != RegionLevel.COUNTY.value:
            rd.fail(f, n, "county_code", f"unknown county code '{r['county_code']}'.")
            continue
        values: dict[str, Any] = {k: r[k] for k in ("id", "name", "county_code")}
        values["location"] = rd.point(f, n, r)
        values["daily_inbound"] = rd.number(f, n, r, "daily_inbound")
        values["grids"] = rd.integer(f, n, r, "grids")
        values["segments_per_grid"] = rd.integer(f, n, r, "segments_per_grid")
        made = rd.build(f, n, DeliveryStation, values)
        if made is not None and made.id not in out:
            out[made.id] = made
            row_of[made.id] = n
    return out, row_of


def _sort_plan(
    rd: TableReader, stations: Mapping[str, DeliveryStation], row_of: Mapping[str, int]
) -> dict[str, str]:
    f = "sort_plan.csv"
    rows = rd.table(f)
    rd.unique(f, "destination", rows)
    plan: dict[str, str] = {}
    for n, r in rows:
        dest, center = r["destination"], r["center_id"]
        region = rd.declared("regions.csv", "code").get(dest)
        county = region is not None and region["level"] == RegionLevel.COUNTY.value
        if dest not in rd.declared("stations.csv", "id") and not county:
            rd.fail(f, n, "destination", f"'{dest}' is neither a county code nor a station id.")
        elif center not in rd.declared("centers.csv", "id"):
            rd.fail(f, n, "center_id", f"unknown processing centre '{center}'.")
        else:
            plan.setdefault(dest, center)
    if rows:
        for station in stations.values():
            if station.id not in plan and station.county_code not in plan:
                rd.fail("stations.csv", row_of[station.id], "county_code",
                        f"county '{station.county_code}' of station '{station.id}' has no "
                        "centre in sort_plan.csv.")  # fmt: skip
    return plan


def _od_flows(rd: TableReader, prefectures: tuple[str, ...]) -> np.ndarray[Any, Any]:
    f = "od_flows.csv"
    index = {code: i for i, code in enumerate(prefectures)}
    flows = np.zeros((len(prefectures), len(prefectures), len(PRODUCT_CLASSES)))
    seen: dict[tuple[str, str], int] = {}
    for n, r in rd.table(f):
        ok = True
        for field in ("origin", "destination"):
            if r[field] not in index:
                rd.fail(f, n, field, f"unknown prefecture code '{r[field]}'.")
                ok = False
        values = [rd.number(f, n, r, k) for k in CLASS_KEYS]
        for k, v in zip(CLASS_KEYS, values, strict=True):
            if v is not None and v < 0:
                rd.fail(f, n, k, f"'{r[k]}' must be >= 0.")
                ok = False
        pair = (r["origin"], r["destination"])
        if pair in seen:
            rd.fail(f, n, "destination", f"duplicate pair {pair[0]} → {pair[1]} (first on row "
                                         f"{seen[pair]}).")  # fmt: skip
            continue
        seen[pair] = n
        if ok and None not in values:
            flows[index[pair[0]], index[pair[1]]] = values
    return flows


def _sorters(
    rd: TableReader, centers: Mapping[str, ProcessingCenter]
) -> dict[str, tuple[SorterChute, ...]]:
    """Sorter layouts (optional): one row per chute; a centre's rows number its chutes 1 to
    its ``chutes`` once each, and as many are in use as its ``chutes_in_use``."""
    f = "sorters.csv"
    by_centre: dict[str, list[tuple[int, SorterChute]]] = {}
    for n, r in rd.table(f, optional=True):
        centre = r["center_id"]
        if centre not in rd.declared("centers.csv", "id"):
            rd.fail(f, n, "center_id", f"unknown processing centre {excerpt(centre, 40)}.")
            continue
        in_use = {"true": True, "false": False}.get(r["in_use"].lower())
        if in_use is None:
            rd.fail(f, n, "in_use", f"{excerpt(r['in_use'], 40)} is not true or false.")
        values = {"center_id": centre, "chute": rd.integer(f, n, r, "chute"), "dock": r["dock"],
                  "capacity": rd.number(f, n, r, "capacity"), "in_use": in_use}  # fmt: skip
        made = rd.build(f, n, SorterChute, values)
        if made is not None:
            by_centre.setdefault(centre, []).append((n, made))
    out: dict[str, tuple[SorterChute, ...]] = {}
    for centre, rows in by_centre.items():
        first: dict[int, int] = {}
        for n, chute in rows:
            if chute.chute in first:
                rd.fail(f, n, "chute", f"chute {chute.chute} of '{centre}' is already on row "
                                       f"{first[chute.chute]}.")  # fmt: skip
            first.setdefault(chute.chute, n)
        c = centers.get(centre)
        if c is None:
            continue  # its centres.csv row has a problem of its own
        n0 = rows[0][0]
        missing = sorted(set(range(1, c.chutes + 1)) - set(first))
        extra = sorted(k for k in first if k > c.chutes)
        if missing or extra:
            wrong = f"missing {missing[:5]}" if missing else f"beyond {c.chutes}: {extra[:5]}"
            rd.fail(f, n0, "chute", f"the layout of '{centre}' must number chutes 1 to "
                                    f"{c.chutes} (centers.csv) once each; {wrong}.")  # fmt: skip
        used = sum(1 for _, chute in rows if chute.in_use)
        if used != c.chutes_in_use:
            rd.fail(f, n0, "in_use", f"the layout of '{centre}' has {used} chutes in use; "
                                     f"centers.csv says {c.chutes_in_use}.")  # fmt: skip
        out[centre] = tuple(sorted((chute for _, chute in rows), key=lambda x: x.chute))
    return out


def _rosters(rd: TableReader) -> dict[str, dict[str, int]]:
    """Staff rosters (optional): people on each shift of a centre."""
    f = "rosters.csv"
    out: dict[str, dict[str, int]] = {}
    seen: dict[tuple[str, str], int] = {}
    for n, r in rd.table(f, optional=True):
        centre, shift = r["center_id"], r["shift"]
        if centre not in rd.declared("centers.csv", "id"):
            rd.fail(f, n, "center_id", f"unknown processing centre {excerpt(centre, 40)}.")
            continue
        if shift not in SHIFT_NAMES:
            rd.fail(f, n, "shift", f"{excerpt(shift, 40)} is not one of "
                                   f"{', '.join(SHIFT_NAMES)}.")  # fmt: skip
            continue
        if (centre, shift) in seen:
            rd.fail(f, n, "shift", f"the {shift} shift of '{centre}' is already on row "
                                   f"{seen[(centre, shift)]}.")  # fmt: skip
            continue
        seen[(centre, shift)] = n
        staff = rd.integer(f, n, r, "staff")
        if staff is not None and staff < 0:
            rd.fail(f, n, "staff", f"'{r['staff']}' must be >= 0.")
        elif staff is not None:
            out.setdefault(centre, {})[shift] = staff
    return out


def _airports(rd: TableReader, regions: Mapping[str, Region]) -> dict[str, Airport]:
    """Airports that take mail flights (optional): code, name, prefecture and location."""
    f = "airports.csv"
    rows = rd.table(f, optional=True)
    rd.unique(f, "code", rows)
    out: dict[str, Airport] = {}
    for n, r in rows:
        prefecture = regions.get(r["prefecture_code"])
        if prefecture is None or prefecture.level is not RegionLevel.PREFECTURE:
            rd.fail(
                f,
                n,
                "prefecture_code",
                f"{excerpt(r['prefecture_code'], 40)} is not a prefecture of regions.csv.",
            )
            continue
        values = {"code": r["code"], "name": r["name"], "prefecture_code": prefecture.code,
                  "location": rd.point(f, n, r)}  # fmt: skip
        made = rd.build(f, n, Airport, values)
        if made is not None and made.code not in out:
            out[made.code] = made
    return out


def _ferries(rd: TableReader, regions: Mapping[str, Region]) -> dict[str, Ferry]:
    """Ferry crossings (optional): two ports, the island beyond port b, the hours."""
    f = "ferries.csv"
    rows = rd.table(f, optional=True)
    rd.unique(f, "id", rows)
    out: dict[str, Ferry] = {}

    def inside(code: str, island: tuple[str, ...]) -> bool:
        here: str | None = code
        while here is not None:
            if here in island:
                return True
            here = regions[here].parent_code if here in regions else None
        return False

    for n, r in rows:
        values: dict[str, Any] = {k: r[k] for k in ("id", "name", "port_a", "port_b")}
        island = tuple(x.strip() for x in r["island"].split(";") if x.strip())
        values["island"] = island
        for code in island:
            if code not in regions:
                rd.fail(f, n, "island", f"unknown region code {excerpt(code, 40)}.")
                values["island"] = None
        for side in ("a", "b"):
            key = f"prefecture_{side}"
            prefecture = regions.get(r[key])
            values[key] = prefecture.code if prefecture is not None else None
            if prefecture is None or prefecture.level is not RegionLevel.PREFECTURE:
                rd.fail(f, n, key, f"{excerpt(r[key], 40)} is not a prefecture of regions.csv.")
                values[key] = None
            lon, lat = rd.number(f, n, r, f"lon_{side}"), rd.number(f, n, r, f"lat_{side}")
            values[f"location_{side}"] = None if lon is None or lat is None else (lon, lat)
        if values["island"] and values["prefecture_a"] and values["prefecture_b"]:
            if inside(values["prefecture_a"], island):
                rd.fail(f, n, "prefecture_a", "port a must lie off the island (port b is on it).")
                values["prefecture_a"] = None
            if not inside(values["prefecture_b"], island):
                rd.fail(f, n, "prefecture_b", "port b must lie on the island.")
                values["prefecture_b"] = None
        for key in ("crossing_hours", "handling_hours"):
            values[key] = rd.number(f, n, r, key)
        made = rd.build(f, n, Ferry, values)
        if made is not None and made.id not in out:
            out[made.id] = made
    return out


def _params(rd: TableReader) -> tuple[str, NetworkParams]:
    f = "params.csv"
    name, numbers = "network", {}
    for n, r in rd.table(f):
        key = r["name"]
        if key == "name":
            name = r["value"] or name
        elif key not in PARAM_NAMES:
            rd.fail(f, n, "name", f"unknown parameter '{key}'; known: {', '.join(PARAM_NAMES)}.")
        elif (value := rd.number(f, n, r, "value")) is not None:
            numbers[key] = value
    try:
        return name, NetworkParams(**numbers)
    except ValidationError as exc:
        rd.fail(f, None, exc.field, exc.reason)
        return name, NetworkParams()


def _boundaries(rd: TableReader, regions: Mapping[str, Region]) -> dict[str, dict[str, Any]]:
    path = rd.folder / BOUNDARIES
    out: dict[str, dict[str, Any]] = {}
    if not path.is_file():
        return out
    try:
        data = json.loads(path.read_bytes().decode("utf-8-sig"))
        features = data["features"]
    except (UnicodeDecodeError, ValueError, KeyError, TypeError, RecursionError):
        rd.fail(BOUNDARIES, None, None, "not a UTF-8 GeoJSON FeatureCollection.")
        return out
    if not isinstance(features, list):
        rd.fail(BOUNDARIES, None, "features", "must be a list of features.")
        return out
    for number, feature in enumerate(features, start=1):
        if not isinstance(feature, dict):
            rd.fail(BOUNDARIES, number, None, f"feature {number} is not a GeoJSON feature.")
            continue
        properties = feature.get("properties")
        code = str((properties if isinstance(properties, dict) else {}).get("code", ""))
        geometry = feature.get("geometry") or {}
        if code not in regions:
            code = excerpt(code, 40)
            rd.fail(BOUNDARIES, number, "code", f"unknown region code {code} (feature {number}).")
        elif not isinstance(geometry, dict) or geometry.get("type") not in POLYGONS:
            rd.fail(BOUNDARIES, number, "geometry", "must be a Polygon or MultiPolygon.")
        elif (problem := geo.polygon_problem(geometry)) is not None:
            rd.fail(BOUNDARIES, number, "geometry", f"is not a usable polygon ({problem}).")
        else:
            out.setdefault(str(regions[code].level), {})[code] = geometry
    return out


def _provincial_hubs(rd: TableReader, regions: Mapping[str, Region],
                     centers: Mapping[str, ProcessingCenter]) -> None:  # fmt: skip
    """Every province that has stations needs its provincial hub: routing starts there."""
    hubs = {c.province_code for c in centers.values() if c.role is CenterRole.PROVINCIAL_HUB}
    served = {r.code[:2] + "0000" for r in regions.values() if r.level is RegionLevel.COUNTY}
    for code in sorted(served - hubs):
        if code in regions:
            message = f"province {code} has no provincial_hub centre; routing starts there."
            rd.fail("centers.csv", None, "role", message)


def read_network(folder: Path) -> tuple[Network, dict[str, dict[str, Any]]]:
    """Read and check a network folder; NetworkImportError lists every problem found."""
    if not folder.is_dir():
        raise NetworkImportError(folder, [ValidationError(f"{folder} is not a folder.",
                                 code="file.not_a_folder", folder=str(folder))],
                                 code="network.import_failed")  # fmt: skip
    rd = TableReader(folder)
    regions = _regions(rd)
    centers = _centers(rd)
    hubs = _hubs(rd)
    stations, station_rows = _stations(rd)
    plan = _sort_plan(rd, stations, station_rows)
    prefectures = tuple(c for c, r in regions.items() if r.level is RegionLevel.PREFECTURE)
    flows = _od_flows(rd, prefectures)
    name, params = _params(rd)
    boundaries = _boundaries(rd, regions)
    sorters = _sorters(rd, centers)
    rosters = _rosters(rd)
    airports = _airports(rd, regions)
    ferries = _ferries(rd, regions)
    if not rd.errors:  # a centre row refused above would make a second, derived complaint
        _provincial_hubs(rd, regions, centers)
    if rd.errors:
        raise NetworkImportError(folder, rd.errors, code="network.import_failed")
    network = Network(regions=regions, centers=centers, hubs=hubs, stations=stations,
                      sort_plan=plan, od_prefectures=prefectures, od_flows=flows,
                      params=params, name=name, sorters=sorters, rosters=rosters,
                      airports=airports, ferries=ferries)  # fmt: skip
    return network, boundaries


def export_network(
    network: Network, folder: Path, boundaries: Mapping[str, Mapping[str, Any]] | None = None
) -> list[Path]:
    """Write a network as the CSV tables of docs/network-format.md."""
    return write_tables(network, folder, boundaries)


def install_network(folder: Path, settings: Settings) -> Network:
    """Check a folder and install it as the active network; nothing changes if it is invalid."""
    network, boundaries = read_network(folder)
    target = reference.active_dir(settings)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".network-", dir=target.parent))
    staging.chmod(0o755)
    try:
        bundle.save(network, staging, exact=True)
        if boundaries:
            bundle.save_boundaries(boundaries, staging)
        old = target.with_name(staging.name + "-old")
        if target.exists():
            target.rename(old)
        staging.rename(target)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return network


def reset_network(settings: Settings) -> bool:
    """Remove the imported network (the reference becomes active); False if none was installed."""
    target = reference.active_dir(settings)
    if not target.exists():
        return False
    shutil.rmtree(target)
    return True
