"""Extra hours mail takes under the plan, against the baseline route.

For each origin prefecture sending to a zone: trunk hours origin → backup plus road hours
backup → zone, minus trunk hours origin → baseline centre plus road hours centre → zone.
Items are weighted by the zone's re-routed volume times the origin's share of the
prefecture's inbound. Reported as volume-weighted mean and p95, overall, per locked area
and per origin province.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from baotong.contingency import document as doc
from baotong.contingency.assess import Assignment
from baotong.contingency.distances import OriginWeights, gc_matrix, trunk_hours
from baotong.contingency.figures import HISTOGRAM_HOURS
from baotong.contingency.zoning import Problem
from baotong.network.entities import Network

Array = npt.NDArray[np.float64]


def weighted_p95(hours: Array, weights: Array) -> float:
    """The 95th percentile of hours with item weights (0 with no weight)."""
    if hours.size == 0 or weights.sum() <= 0:
        return 0.0
    order = np.argsort(hours)
    cum = np.cumsum(weights[order]) / weights.sum()
    return float(hours[order][np.searchsorted(cum, 0.95 - 1e-12)])


def _stats(hours: Array, weights: Array) -> doc.DelayStats:
    total = float(weights.sum())
    mean = float((hours * weights).sum() / total) if total > 0 else 0.0
    return doc.DelayStats(
        volume=round(total, 1),
        mean_hours=round(mean, 2),
        p95_hours=round(weighted_p95(hours, weights), 2),
    )


def delays(network: Network, problem: Problem, assign: Assignment) -> doc.Delays:
    """Delay summary: overall, ``by_area`` and ``by_origin_province`` (mean and p95 hours)."""
    hours: list[Array] = []
    weights: list[Array] = []
    area_of: list[Array] = []
    province_of: list[Array] = []
    origin_weights = OriginWeights(network)
    trunks: dict[tuple[str, int, str], Array] = {}  # trunk new − old per origin
    provinces: dict[str, Array] = {}
    for z, c in enumerate(assign):
        if c < 0:
            continue
        zone, cand = problem.zones[z], problem.candidates[int(c)]
        home = network.centers[zone.home_center_id]
        pref = zone.prefecture_code
        codes, locs, w = origin_weights(pref)
        if not locs:
            continue
        key = (pref, int(c), home.id)
        if key not in trunks:
            trunk = trunk_hours(network, gc_matrix(locs, [cand.location, home.location]))
            trunks[key] = trunk[:, 0] - trunk[:, 1]
            provinces.setdefault(pref, np.array([code[:2] + "0000" for code in codes]))
        last_new = network.road_hours(cand.location, zone.location)
        last_old = network.road_hours(home.location, zone.location)
        hours.append(np.maximum(0.0, trunks[key] + last_new - last_old))
        weights.append(w * zone.volume)
        area_of.append(np.full(len(locs), zone.area))
        province_of.append(provinces[pref])
    if not hours:
        return doc.Delays(overall=_stats(np.zeros(0), np.zeros(0)), by_area=[],
                          by_origin_province=[])  # fmt: skip
    h, w, a = np.concatenate(hours), np.concatenate(weights), np.concatenate(area_of)
    prov = np.concatenate(province_of)
    by_area = [
        doc.AreaDelay(
            area_code=area.code,
            name=area.name,
            **_stats(h[a == area.index], w[a == area.index]).model_dump(),
        )
        for area in problem.areas
    ]
    by_prov = []
    for code in sorted(set(prov.tolist())):
        m = prov == code
        name = network.regions[code].name if code in network.regions else code
        by_prov.append(
            doc.OriginDelay(province_code=code, name=name, **_stats(h[m], w[m]).model_dump())
        )
    return doc.Delays(overall=_stats(h, w), by_area=by_area, by_origin_province=by_prov,
                      histogram=histogram(h, w))  # fmt: skip


def histogram(hours: Array, weights: Array) -> list[float]:
    """Volume by whole extra hours (0, 1, … 24+) of the same items the mean and P95 weigh."""
    bins = np.zeros(HISTOGRAM_HOURS + 1)
    if hours.size:
        index = np.minimum(np.floor(np.maximum(hours, 0.0)), HISTOGRAM_HOURS).astype(int)
        np.add.at(bins, index, weights)
    return [round(float(v), 1) for v in bins]
