"""Air legs: a zone no backup reaches by road is flown to from the hub nearest a backup."""

from __future__ import annotations

import dataclasses

import pytest
from tests.engines.conftest import CenterSpec, ProvinceSpec, make_network
from tests.engines.test_planner import check_invariants

from baotong.contingency.engine import plan
from baotong.contingency.scenario import Scenario
from baotong.contingency.sweep import region_scenario
from baotong.contingency.zoning import build_problem
from baotong.network.entities import Airport, Network, great_circle_km
from baotong.network.reference import load_reference

AIRPORT = (80.5, 40.2)


def remote(airport: tuple[float, float] = AIRPORT) -> Network:
    """Province 65 far west (its own centre locked with it), backups GS 20° east and HUB
    beside it, where the collection hub sits; one airport inside province 65."""
    provinces = [ProvinceSpec("65", "新", (80.0, 40.0)),
                 ProvinceSpec("62", "甘", (100.0, 38.0), counties=1)]  # fmt: skip
    centers = [CenterSpec("XJ", "65", (80.2, 40.1)), CenterSpec("GS", "62", (100.0, 38.0)),
               CenterSpec("HUB", "62", (101.0, 38.5))]  # fmt: skip
    net = make_network(provinces, centers)
    return dataclasses.replace(net, airports={"AAA": Airport("AAA", "新机场", "650100", airport)})


def lockdown(closed: tuple[str, ...] = (), **options: object) -> Scenario:
    return Scenario.model_validate({
        "name": "far west", "locked_areas": [{"region": "650000", "level": "province"}],
        "closed_sites": [{"center_id": c, "reason": "flooded"} for c in closed],
        "product_classes": {"ems": 1.0}, "options": {"min_automation": None, **options},
    })  # fmt: skip


def test_the_chain_is_the_feeder_road_the_flight_and_the_run_from_the_airport() -> None:
    net = remote()
    problem = build_problem(net, lockdown())
    p = net.params
    c = [k for k, cand in enumerate(problem.candidates) if cand.center_id == "GS"][0]
    hub = net.hubs["NH"]
    assert problem.feeder[c] == "NH"
    for z, zone in enumerate(problem.zones):
        last_km = great_circle_km(AIRPORT, zone.location) * p.road_circuity
        flight = great_circle_km(hub.location, AIRPORT) / p.air_speed_kmh + p.air_handling_hours
        feed_km = great_circle_km(net.centers["GS"].location, hub.location) * p.road_circuity
        assert problem.air is not None
        assert problem.air[z, c]
        assert problem.allowed[z, c]
        assert problem.landing[z] == "AAA"
        assert problem.hours[z, c] == pytest.approx(
            feed_km / p.road_speed_kmh + flight + last_km / p.road_speed_kmh
        )
        assert problem.km[z, c] == pytest.approx(feed_km + last_km)
        # by road it would be far beyond the limit
        road = great_circle_km(zone.location, net.centers["GS"].location) * p.road_circuity
        assert road / p.road_speed_kmh > 10


def test_the_plan_flies_every_zone_and_runs_it_from_the_airport() -> None:
    net, scenario = remote(), lockdown()
    result = plan(net, scenario)
    check_invariants(net, scenario, result)
    document = result.document()
    assert not document.unserved.zones
    assert {a.airport for a in document.assignments} == {"AAA"}
    assert {a.via_hub for a in document.assignments} == {"NH"}
    runs = document.transport.zone_runs
    assert runs
    assert all(r.airport == "AAA" and r.hours <= 10 for r in runs)
    for run in runs:
        zone = next(z for z in result.problem.zones if z.zone_id == run.zone_id)
        assert run.km == pytest.approx(
            great_circle_km(AIRPORT, zone.location) * net.params.road_circuity, abs=0.1
        )


def test_without_air_legs_the_zones_are_unserved_and_say_how_far_the_nearest_is() -> None:
    document = plan(remote(), lockdown(air_legs=False)).document()
    assert len(document.unserved.zones) == 3
    assert all("h away by road" in z.reason for z in document.unserved.zones)
    assert not any(a.airport for a in document.assignments)


def test_an_airport_beyond_the_road_limit_is_named_in_the_reason() -> None:
    far = (86.0, 44.0)  # about 650 km from the zones: 13.5 h by road
    document = plan(remote(airport=far), lockdown()).document()
    assert len(document.unserved.zones) == 3
    for zone in document.unserved.zones:
        assert "from the nearest airport (AAA) the run takes" in zone.reason


def test_a_locked_or_closed_hub_does_not_feed_flights() -> None:
    net = remote()
    assert build_problem(net, lockdown()).air.any()  # type: ignore[union-attr]
    problem = build_problem(net, lockdown(closed=("HUB",)))
    assert [c.center_id for c in problem.candidates] == ["GS"]
    assert problem.air is not None
    assert not problem.air.any()


@pytest.mark.slow
@pytest.mark.parametrize("code", ["650000", "150000", "230000", "630000", "620000"])
def test_remote_provinces_of_the_reference_network_are_planned_whole(code: str) -> None:
    net = load_reference()
    document = plan(net, region_scenario(net, code, 10.0)).document()
    assert not document.unserved.zones, [z.reason for z in document.unserved.zones]
    flown = [a for a in document.assignments if a.airport]
    assert flown, "the far zones are reached by air"
    runs = {r.zone_id: r for r in document.transport.zone_runs}
    for a in flown:  # run from the airport the zone lands at, within the road limit
        assert a.airport in net.airports
        assert runs[a.zone_id].airport == a.airport
        assert runs[a.zone_id].hours <= 10.0
