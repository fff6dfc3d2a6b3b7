"""Coarser sort depths: a station short of chutes at the depth asked gets a coarser one."""

from __future__ import annotations

from collections import Counter

from tests.engines.conftest import CenterSpec, ProvinceSpec, make_network
from tests.engines.test_planner import check_invariants, scenario

from baotong.contingency.engine import plan
from baotong.contingency.scenario import Scenario
from baotong.network.entities import Network


def short_of_chutes(free: int) -> Network:
    """Province 41's 6 stations (2 grids × 3 segments each) and two backups with few chutes."""
    provinces = [
        ProvinceSpec("41", "豫", (113.0, 34.0)),
        ProvinceSpec("42", "鄂", (114.0, 34.0), counties=1),
        ProvinceSpec("61", "陕", (112.0, 34.0), counties=1),
    ]
    centers = [
        CenterSpec("HN", "41", (113.3, 34.1)),
        CenterSpec("HB", "42", (113.8, 34.0), chutes=50 + free),
        CenterSpec("SX", "61", (112.3, 34.0), chutes=50 + free),
    ]
    return make_network(provinces, centers)


def city(depth: str) -> Scenario:
    base = scenario(max_road_hours=5).model_dump()
    return Scenario.model_validate(
        {**base, "locked_areas": [{"region": "410000", "level": "city", "depth": depth}]}
    )


def test_stations_get_a_coarser_depth_rather_than_no_backup() -> None:
    network = short_of_chutes(free=10)  # 20 free chutes; 36 segments, 12 grids
    sc = city("segment")
    result = plan(network, sc)
    check_invariants(network, sc, result)
    document = result.document()
    assert not document.unserved.zones
    depths = Counter(a.sort_depth for a in document.assignments)
    assert depths["grid"] + depths["station"] > 0  # some had to go coarser
    assert sum(b.chutes_used for b in document.backups) <= 20
    for a in document.assignments:  # each coarser one says what was asked and why
        if a.sort_depth == "segment":
            assert (a.asked_depth, a.depth_reason) == (None, None)
        else:
            assert a.asked_depth == "segment"
            assert a.depth_reason is not None
            assert a.depth_reason.startswith("at segment depth it needs 6 chutes")  # 2 × 3
            assert f"at {a.sort_depth} depth it needs {a.chutes} " in a.depth_reason


def test_the_depth_asked_is_kept_when_it_fits() -> None:
    network = short_of_chutes(free=40)
    result = plan(network, city("segment"))
    assert {a.sort_depth for a in result.document().assignments} == {"segment"}
    assert {a.asked_depth for a in result.document().assignments} == {None}


def test_a_station_too_big_for_any_depth_stays_unserved_at_the_depth_asked() -> None:
    network = short_of_chutes(free=0)
    result = plan(network, city("grid"))
    unserved = result.document().unserved.zones
    assert len(unserved) == 6
    assert {z.chutes for z in unserved} == {2}  # grid chutes, as asked
