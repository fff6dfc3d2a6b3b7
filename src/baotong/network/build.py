"""Build the reference network of mainland China from the source packages and params.toml.

The build is deterministic: the same packages and parameter file give the same network,
byte for byte. It runs in a few steps (regions, volumes, centres, stations, loads) and
reports each to an optional ``progress(step, done, total)`` callback.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import shapely

from baotong.core.exceptions import ValidationError
from baotong.network import sources
from baotong.network.entities import (
    PRODUCT_CLASSES,
    Airport,
    Automation,
    CenterRole,
    CollectionHub,
    DeliveryStation,
    Ferry,
    LonLat,
    Network,
    NetworkParams,
    ProcessingCenter,
    ProductClass,
    Region,
    RegionLevel,
    great_circle_km,
)

Progress = Callable[[str, int, int], None]
STEPS = ("regions", "population", "volumes", "centres", "stations", "loads", "boundaries")


def load_params(path: Path) -> dict[str, Any]:
    """The build parameters (params.toml), checked against the bundled file's keys and types.

    A syntax error names the file and the line; a missing key or a value of the wrong type
    names the file and the dotted key, so a recalibrated file never ends in a traceback.
    """
    params = _read_toml(path)
    bundled = Path(__file__).parent / "data" / "params.toml"
    if path.resolve() != bundled.resolve():
        _check_shape(_read_toml(bundled), params, str(path), "")
    return params


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except OSError as exc:
        raise ValidationError(f"cannot be read: {exc.strerror}.", code="file.unreadable",
                              file=str(path), reason=exc.strerror) from None  # fmt: skip
    except tomllib.TOMLDecodeError as exc:
        raise ValidationError(f"not valid TOML: {exc}.", code="file.bad_toml", file=str(path),
                              reason=str(exc)) from None  # fmt: skip


def _check_shape(reference: Any, given: Any, file: str, key: str) -> None:
    """Every key of the bundled parameters must be present with a value of the same kind."""
    if isinstance(reference, dict):
        if not isinstance(given, dict):
            raise ValidationError("must be a table.", code="params.not_a_table", file=file,
                                  field=key)  # fmt: skip
        for name, value in reference.items():
            dotted = f"{key}.{name}" if key else name
            if name not in given:
                raise ValidationError("is missing.", code="params.missing", file=file,
                                      field=dotted)  # fmt: skip
            _check_shape(value, given[name], file, dotted)
        return
    number = (int, float)
    same = (
        isinstance(given, number) and not isinstance(given, bool)
        if isinstance(reference, number) and not isinstance(reference, bool)
        else isinstance(given, type(reference))
    )
    if not same:
        raise ValidationError(
            f"must be a {type(reference).__name__}, not {given!r}.",
            code="params.wrong_type",
            file=file,
            field=key,
            expected=type(reference).__name__,
            value=given,
        )


def _lonlat(point: shapely.Point) -> LonLat:
    return (round(float(point.x), 5), round(float(point.y), 5))


def _regions(src: dict[str, sources.SourceRegion], params: dict[str, Any]) -> dict[str, Region]:
    out = {}
    overrides = params.get("pinyin", {})
    for code in sorted(src):
        r = src[code]
        out[code] = Region(
            code=code,
            name=r.name,
            pinyin=sources.pinyin_of(r.name, overrides),
            level=RegionLevel(r.level),
            parent_code=r.parent_code,
            centroid=_lonlat(r.geometry.representative_point()),
            population=int(r.population),
        )
    return out


def gravity_flows(prefectures: list[Region], params: dict[str, Any]) -> npt.NDArray[np.float64]:
    """OD items/day [origin, destination, class] by the gravity model of params.toml."""
    cfg = params["volumes"]
    lon = np.radians([p.centroid[0] for p in prefectures])
    lat = np.radians([p.centroid[1] for p in prefectures])
    h = (
        np.sin((lat[None, :] - lat[:, None]) / 2) ** 2
        + np.cos(lat[:, None])
        * np.cos(lat[None, :])
        * np.sin((lon[None, :] - lon[:, None]) / 2) ** 2
    )
    dist = 2 * 6371.0088 * np.arcsin(np.sqrt(np.minimum(1.0, h)))
    np.fill_diagonal(dist, cfg["self_distance_km"])
    pop = np.array([p.population for p in prefectures], dtype=np.float64)
    attraction = pop[None, :] / (dist + cfg["distance_offset_km"]) ** cfg["distance_exponent"]
    share = attraction / attraction.sum(axis=1, keepdims=True)
    rates = np.array([cfg["items_per_person"][c.value] for c in PRODUCT_CLASSES])
    flows = pop[:, None, None] * share[:, :, None] * rates[None, None, :]
    # float32 precision is what ships; round here so the build equals what loads back.
    rounded: npt.NDArray[np.float64] = flows.astype(np.float32).astype(np.float64)
    return rounded


def _automation(code: str, population: int, hub: bool, params: dict[str, Any]) -> Automation:
    cfg = params["centers"]
    air = {h["prefecture"] for h in params["air"]["hubs"]}
    if hub or code in air or code in cfg["automated_prefectures"]:
        return Automation.AUTOMATED
    if population >= cfg["semi_min_population"]:
        return Automation.SEMI
    return Automation.MANUAL


def _center_shells(
    regions: dict[str, Region], src: dict[str, sources.SourceRegion], params: dict[str, Any]
) -> list[dict[str, Any]]:
    """Centre attributes known before volumes: id, name, place, role, automation."""
    cfg = params["centers"]
    shells: list[dict[str, Any]] = []
    for region in regions.values():
        if region.level is not RegionLevel.PREFECTURE or region.code[2:4] == "90":
            continue
        province = region.province_code
        if region.code[:2] in sources.MUNICIPALITIES:
            for named in params["municipality_centers"]:
                if named["district"][:2] != region.code[:2]:
                    continue
                hub = bool(named.get("hub", False))
                shells.append(
                    {
                        "id": f"C-{region.code}-{named['key']}",
                        "name": named["name"],
                        "name_en": named["name_en"],
                        "location": regions[named["district"]].centroid,
                        "prefecture_code": region.code,
                        "province_code": province,
                        "role": CenterRole.PROVINCIAL_HUB if hub else CenterRole.CITY,
                        "automation": Automation.AUTOMATED,
                    }
                )
            continue
        hub = params["provincial_hubs"].get(province) == region.code
        short, pinyin = sources.short_name(region.name), region.pinyin
        shells.append(
            {
                "id": f"C-{region.code}",
                "name": cfg["name"].format(short=short),
                "name_en": cfg["name_en"].format(pinyin=pinyin),
                "location": _lonlat(src[region.code].geometry.representative_point()),
                "prefecture_code": region.code,
                "province_code": province,
                "role": CenterRole.PROVINCIAL_HUB if hub else CenterRole.PREFECTURE,
                "automation": _automation(region.code, region.population, hub, params),
            }
        )
    return shells


def _sort_counties(regions: dict[str, Region], shells: list[dict[str, Any]]) -> dict[str, str]:
    """County code → centre id: the prefecture's centre, else the nearest in the province."""
    by_prefecture: dict[str, list[dict[str, Any]]] = {}
    by_province: dict[str, list[dict[str, Any]]] = {}
    for shell in shells:
        by_prefecture.setdefault(shell["prefecture_code"], []).append(shell)
        by_province.setdefault(shell["province_code"], []).append(shell)
    plan = {}
    for region in regions.values():
        if region.level is not RegionLevel.COUNTY:
            continue
        assert region.parent_code is not None
        candidates = by_prefecture.get(region.parent_code) or by_province[region.province_code]
        nearest = min(
            candidates, key=lambda s: (great_circle_km(region.centroid, s["location"]), s["id"])
        )
        plan[region.code] = nearest["id"]
    return plan


def _stations(
    regions: dict[str, Region],
    src: dict[str, sources.SourceRegion],
    county_inbound: dict[str, float],
    params: dict[str, Any],
) -> list[DeliveryStation]:
    cfg = params["stations"]
    out: list[DeliveryStation] = []
    for code in sorted(county_inbound):
        county, inbound = regions[code], county_inbound[code]
        rng = np.random.default_rng([params["seed"], int(code)])
        n = max(1, round(inbound / cfg["items_per_station"]))
        sizes = rng.lognormal(0.0, cfg["size_sigma"], n)
        sizes = inbound * sizes / sizes.sum()
        geometry = src[code].geometry
        x0, y0, x1, y1 = geometry.bounds
        xs, ys = rng.uniform(x0, x1, 20 * n), rng.uniform(y0, y1, 20 * n)
        inside = shapely.contains_xy(geometry, xs, ys)
        spots = list(zip(xs[inside].tolist(), ys[inside].tolist(), strict=True))
        fallback = county.centroid
        spg = cfg["segments_per_grid"]["urban" if county.name.endswith("区") else "rural"]
        for i in range(n):
            x, y = spots[i] if i < len(spots) else fallback
            out.append(
                DeliveryStation(
                    id=f"S-{code}-{i + 1:02d}",
                    name=f"{county.name}{i + 1:02d}揽投部",
                    county_code=code,
                    location=(round(x, 5), round(y, 5)),
                    daily_inbound=float(sizes[i]),
                    grids=max(1, math.ceil(float(sizes[i]) / cfg["items_per_grid"])),
                    segments_per_grid=spg,
                )
            )
    return out


def _centers(
    shells: list[dict[str, Any]],
    loads: dict[str, npt.NDArray[np.float64]],
    destinations: dict[str, int],
    params: dict[str, Any],
) -> dict[str, ProcessingCenter]:
    cfg = params["centers"]
    out = {}
    for shell in shells:
        load = loads[shell["id"]]
        auto = shell["automation"].value
        total = max(float(load.sum()) * cfg["headroom"][auto], cfg["min_capacity"][auto])
        share = load / load.sum()
        in_use = destinations[shell["id"]] + cfg["outbound_chutes"][shell["role"].value]
        chutes = max(cfg["chutes"][auto], math.ceil(in_use / cfg["max_use_share"]))
        out[shell["id"]] = ProcessingCenter(
            **shell,
            capacity={c: round(total * float(share[k]), 1) for k, c in enumerate(PRODUCT_CLASSES)},
            baseline_load={c: round(float(load[k]), 1) for k, c in enumerate(PRODUCT_CLASSES)},
            chutes=chutes,
            chutes_in_use=in_use,
            surge_capacity_per_shift=round(total * cfg["surge_share"][auto], 1),
            surge_shift_cost=cfg["staff_per_shift"][auto] * cfg["wage_per_shift_cny"],
            max_surge_shifts=cfg["max_surge_shifts"],
        )
    return out


def _airports(params: dict[str, Any], hubs: Mapping[str, CollectionHub]) -> dict[str, Airport]:
    """The airports of params.toml; every hub's airport must be among them."""
    out = {a["code"]: Airport(code=a["code"], name=a["name"], prefecture_code=a["prefecture"],
                              location=(float(a["lon"]), float(a["lat"])))
           for a in params["air"]["airports"]}  # fmt: skip
    for hub in hubs.values():
        if hub.airport not in out:
            raise ValidationError(f"the hub airport {hub.airport} is not in air.airports.",
                                  code="params.missing", field="air.airports",
                                  airport=hub.airport)  # fmt: skip
    return out


def _ferries(params: dict[str, Any]) -> dict[str, Ferry]:
    """The ferry crossings of params.toml."""
    return {f["id"]: Ferry(id=f["id"], name=f["name"], port_a=f["port_a"],
                           prefecture_a=f["prefecture_a"],
                           location_a=(float(f["lon_a"]), float(f["lat_a"])), port_b=f["port_b"],
                           prefecture_b=f["prefecture_b"],
                           location_b=(float(f["lon_b"]), float(f["lat_b"])),
                           island=tuple(f["island"]), crossing_hours=float(f["crossing_hours"]),
                           handling_hours=float(f["handling_hours"]))
            for f in params["ferries"]["crossings"]}  # fmt: skip


def _hubs(centers: dict[str, ProcessingCenter], params: dict[str, Any]) -> dict[str, CollectionHub]:
    def main_center(prefecture: str) -> ProcessingCenter:
        found = [c for c in centers.values() if c.prefecture_code == prefecture]
        hubs = [c for c in found if c.role is CenterRole.PROVINCIAL_HUB]
        return (hubs or found)[0]

    entries = params["air"]["hubs"]
    ids = {h["prefecture"]: f"H-{h['airport']}" for h in entries}
    national = [ids[h["prefecture"]] for h in entries if h.get("national")]
    out = {}
    for entry in entries:
        center = main_center(entry["prefecture"])
        short = (
            sources.short_name(center.name).removesuffix("邮件处理中心").removesuffix("邮区中心局")
        )
        links = [ids[p] for p in entry["links"]]
        if entry.get("national"):
            links = [i for i in ids.values() if i != ids[entry["prefecture"]]]
        else:
            links = national + [i for i in links if i not in national]
        out[ids[entry["prefecture"]]] = CollectionHub(
            id=ids[entry["prefecture"]],
            name=f"{short}邮件集散中心",
            name_en=center.name_en.replace("Mail Processing Centre", "Collection Hub").replace(
                "Postal Hub", "Collection Hub"
            ),
            location=center.location,
            prefecture_code=entry["prefecture"],
            airport=entry["airport"],
            center_id=center.id,
            national=bool(entry.get("national", False)),
            air_links=tuple(links),
        )
    return out


def build_reference(
    params: dict[str, Any], progress: Progress | None = None
) -> tuple[Network, dict[str, dict[str, Any]]]:
    """The reference network and its boundary polygons (level → code → GeoJSON geometry)."""

    def step(name: str) -> None:
        if progress is not None:
            progress(name, STEPS.index(name), len(STEPS))

    step("regions")
    src = sources.read_regions()
    step("population")
    sources.assign_population(src, params)
    regions = _regions(src, params)
    step("volumes")
    prefectures = [r for r in regions.values() if r.level is RegionLevel.PREFECTURE]
    flows = gravity_flows(prefectures, params)
    index = {p.code: i for i, p in enumerate(prefectures)}
    inbound, outbound = flows.sum(axis=0), flows.sum(axis=1)
    step("centres")
    shells = _center_shells(regions, src, params)
    county_plan = _sort_counties(regions, shells)
    share: dict[str, float] = {}
    for code in county_plan:
        parent = regions[regions[code].parent_code or ""]
        share[code] = regions[code].population / max(1, parent.population)
    step("stations")
    county_in = {
        c: float(inbound[index[regions[c].parent_code or ""]].sum()) * share[c] for c in county_plan
    }
    stations = _stations(regions, src, county_in, params)
    step("loads")
    net = params["network"]
    loads = {s["id"]: np.zeros(len(PRODUCT_CLASSES)) for s in shells}
    destinations = dict.fromkeys(loads, 0)
    for code, cid in county_plan.items():
        j = index[regions[code].parent_code or ""]
        loads[cid] += (inbound[j] + outbound[j]) * share[code]
        destinations[cid] += 1
    sort_plan = dict(sorted(county_plan.items()))
    for station in stations:
        cid = county_plan[station.county_code]
        sort_plan[station.id] = cid
        if station.daily_inbound >= net["high_volume_station_items"]:
            destinations[cid] += 1
    province_of = np.array([p.code[:2] for p in prefectures])
    for shell in shells:
        if shell["role"] is CenterRole.PROVINCIAL_HUB:
            mine = province_of == shell["province_code"][:2]
            cross = flows[mine][:, ~mine].sum(axis=(0, 1)) + flows[~mine][:, mine].sum(axis=(0, 1))
            loads[shell["id"]] += params["centers"]["hub_transit_share"] * cross
    centers = _centers(shells, loads, destinations, params)
    hubs = _hubs(centers, params)
    network = Network(
        regions=regions,
        centers=centers,
        hubs=hubs,
        stations={s.id: s for s in stations},
        sort_plan=sort_plan,
        od_prefectures=tuple(p.code for p in prefectures),
        od_flows=flows,
        params=NetworkParams(**net),
        name=params["name"],
        airports=_airports(params, hubs),
        ferries=_ferries(params),
    )
    step("boundaries")
    return network, boundaries(src, params)


def boundaries(
    src: dict[str, sources.SourceRegion], params: dict[str, Any]
) -> dict[str, dict[str, Any]]:
    """Simplified, rounded GeoJSON geometries by level and code."""
    cfg = params["boundaries"]
    out: dict[str, dict[str, Any]] = {}
    for code in sorted(src):
        region = src[code]
        simple = region.geometry.simplify(cfg["tolerance"][region.level], preserve_topology=True)
        simple = shapely.set_precision(simple, 10 ** -cfg["decimals"])
        out.setdefault(region.level, {})[code] = shapely.geometry.mapping(simple)
    return out


__all__ = ["STEPS", "ProductClass", "build_reference", "gravity_flows", "load_params"]
