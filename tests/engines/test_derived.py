"""What a plan derives: delays, transport and relation changes, checked by hand."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

from baotong.contingency.delays import weighted_p95
from baotong.contingency.engine import plan
from baotong.contingency.scenario import Scenario
from baotong.network.entities import Network


@pytest.fixture
def henan_like(three_centre_network: Network) -> dict[str, Any]:
    sc = Scenario.model_validate({
        "name": "t", "locked_areas": [{"region": "410000"}],
        "product_classes": {"ems": 0.8, "supply": 1.5},
        "options": {"min_automation": None, "mip_rel_gap": 0.0},
    })  # fmt: skip
    return plan(three_centre_network, sc).document()


@pytest.mark.parametrize(
    ("hours", "weights", "p95"),
    [([1, 2, 3, 4], [0.01, 0.01, 0.01, 0.97], 4.0), ([10, 1], [0.04, 0.96], 1.0),
     ([5, 1, 3], [1, 1, 1], 5.0), ([], [], 0.0)],
)  # fmt: skip
def test_weighted_p95(hours: list[float], weights: list[float], p95: float) -> None:
    assert weighted_p95(np.array(hours, dtype=float), np.array(weights, dtype=float)) == p95


def test_delays_match_a_hand_computation(
    three_centre_network: Network, henan_like: dict[str, Any]
) -> None:
    net = three_centre_network
    hb, hn = net.centers["HB"].location, net.centers["HN"].location
    origins = [net.regions[p].centroid for p in net.od_prefectures]  # equal shares
    extra, weight = [], []
    for county in net.counties_in("410000"):
        z = county.centroid
        for o in origins:
            old = net.road_hours(o, hn) + net.road_hours(hn, z)
            new = net.road_hours(o, hb) + net.road_hours(hb, z)
            extra.append(max(0.0, new - old))
            weight.append(23_000 / 3)
    mean = sum(e * w for e, w in zip(extra, weight, strict=True)) / sum(weight)
    overall = henan_like.delays.overall
    assert overall.mean_hours == pytest.approx(mean, abs=0.01)
    assert overall.volume == pytest.approx(69_000, abs=0.5)
    assert overall.p95_hours == pytest.approx(max(extra), abs=0.01)


def test_transport_volumes_and_vehicles(henan_like: dict[str, Any]) -> None:
    transport = henan_like.transport
    trunk = transport.trunk
    assert sum(r.volume for r in trunk) == pytest.approx(69_000, abs=1)
    for r in trunk:
        assert r.mode == "road"  # all within a few hundred km
        assert r.trucks == math.ceil(r.volume / 12_000)
        assert r.crossdock_volume == pytest.approx(0.3 * r.volume, abs=0.1)
    runs = transport.zone_runs
    assert len(runs) == 3
    assert all(r.vehicle == "truck" and r.vehicles == 2 and r.needs_pass for r in runs)


def test_relation_changes(henan_like: dict[str, Any]) -> None:
    changes = henan_like.sort_plan_changes
    assert {(c.from_center_id, c.to_center_id) for c in changes} == {("HN", "HB")}
    transit = henan_like.transit_changes
    by = {(r.action, r.origin_center_id, r.from_center_id, r.to_center_id)
          for r in transit}  # fmt: skip
    assert by == {
        ("changed", "HB", "HN", "HB"), ("removed", "HB", "HB", "HN"),
        ("changed", "SX", "HN", "HB"), ("added", "SX", "SX", "HB"), ("removed", "SX", "SX", "HN"),
    }  # fmt: skip
    sx = next(r for r in transit if r.action == "changed" and r.origin_center_id == "SX")
    assert (sx.old_chain, sx.new_chain) == (["SX", "HN"], ["SX", "HB"])
    dispatch = henan_like.dispatch_relations
    assert {(d.origin_center_id, d.backup_center_id, d.zones) for d in dispatch} == {
        ("HB", "HB", 3), ("SX", "HB", 3)}  # fmt: skip


def test_held_volume_per_class(henan_like: dict[str, Any]) -> None:
    volume = henan_like.volume
    assert volume.held_by_class == {"ems": 0.0, "parcel": 30_000.0, "letter": 30_000.0,
                                       "supply": 0.0}  # fmt: skip
    assert volume.rerouted_by_class == {"ems": 24_000.0, "parcel": 0.0, "letter": 0.0,
                                           "supply": 45_000.0}  # fmt: skip
