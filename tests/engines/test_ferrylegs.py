"""Ferry legs: no road crosses the water; a zone across it is shipped over the crossing."""

from __future__ import annotations

import csv
import dataclasses
import io

import pytest
from openpyxl import load_workbook
from tests.engines.conftest import CenterSpec, ProvinceSpec, make_network
from tests.engines.test_planner import check_invariants

from baotong.contingency.engine import plan
from baotong.contingency.outputs import plan_csv, plan_xlsx
from baotong.contingency.scenario import Scenario
from baotong.contingency.sweep import region_scenario
from baotong.contingency.zoning import build_problem
from baotong.network.entities import Airport, Ferry, Network, great_circle_km
from baotong.network.reference import load_reference

PORT_A, PORT_B = (110.24, 20.27), (110.14, 20.05)  # 徐闻海安港, 海口新海港
FERRY = Ferry("QZS", "琼州海峡轮渡", "海安港", "440100", PORT_A, "新海港", "460100", PORT_B,
              ("460000",), 1.5, 2.5)  # fmt: skip


def strait(*, airport: bool = False) -> Network:
    """Island province 46 (its centre HK locked with it) across the strait from province 44
    (centre ZJ, the collection hub's) and province 45 (centre GX, farther west)."""
    provinces = [ProvinceSpec("46", "琼", (110.3, 19.9)),
                 ProvinceSpec("45", "桂", (108.8, 22.2), counties=1),
                 ProvinceSpec("44", "粤", (110.0, 21.4), counties=1)]  # fmt: skip
    centers = [CenterSpec("HK", "46", (110.35, 19.95)), CenterSpec("GX", "45", (108.8, 22.2)),
               CenterSpec("ZJ", "44", (110.0, 21.3))]  # fmt: skip
    net = dataclasses.replace(make_network(provinces, centers), ferries={"QZS": FERRY})
    if airport:
        net = dataclasses.replace(net, airports={"HAK": Airport("HAK", "美兰", "460100",
                                                                (110.46, 19.93))})  # fmt: skip
    return net


def lockdown(*codes: str, costs: dict[str, float] | None = None, **options: object) -> Scenario:
    return Scenario.model_validate({
        "name": "strait",
        "locked_areas": [{"region": c, "level": "province"} for c in codes or ("460000",)],
        "product_classes": {"ems": 1.0},
        "options": {"min_automation": None, "costs": costs or {}, **options},
    })  # fmt: skip


def road(net: Network, a: tuple[float, float], b: tuple[float, float]) -> float:
    return great_circle_km(a, b) * net.params.road_circuity


def test_the_chain_is_the_road_to_the_port_the_crossing_and_the_run_from_the_other_port() -> None:
    net = strait()
    problem = build_problem(net, lockdown())
    p, w = net.params, lockdown().options.costs
    c = [k for k, cand in enumerate(problem.candidates) if cand.center_id == "ZJ"][0]
    assert problem.ferry is not None
    zj = net.centers["ZJ"].location
    for z, zone in enumerate(problem.zones):
        to_port, from_port = road(net, zj, PORT_A), road(net, PORT_B, zone.location)
        assert problem.ferry[z, c]
        assert problem.allowed[z, c]
        assert problem.hours[z, c] == pytest.approx(
            to_port / p.road_speed_kmh + 1.5 + 2.5 + from_port / p.road_speed_kmh
        )
        assert problem.km[z, c] == pytest.approx(to_port + from_port)
        assert problem.cost[z, c] == pytest.approx(zone.volume * (
            w.item_km * (to_port + from_port) + w.delay_item_hour * problem.extra_hours[z, c]
            + w.ferry_item
        ))  # fmt: skip
        # by road (straight over the water) it would be well within the limit
        assert road(net, zj, zone.location) / p.road_speed_kmh < 5


def test_the_plan_ships_every_zone_and_runs_it_from_the_port_of_arrival() -> None:
    net, scenario = strait(), lockdown()
    result = plan(net, scenario)
    check_invariants(net, scenario, result)
    document = result.document()
    assert not document.unserved.zones
    assert {(a.ferry, a.ferry_from, a.ferry_to) for a in document.assignments} == {
        ("QZS", "海安港", "新海港")
    }
    assert not any(a.airport for a in document.assignments)
    for run in document.transport.zone_runs:
        zone = next(z for z in result.problem.zones if z.zone_id == run.zone_id)
        assert run.port == "新海港"
        assert run.km == pytest.approx(road(net, PORT_B, zone.location), abs=0.1)


def test_a_mainland_zone_is_shipped_the_other_way_from_a_backup_on_the_island() -> None:
    net = strait()
    document = plan(net, lockdown("440000", "450000")).document()
    assert [b.center_id for b in document.backups] == ["HK"]
    assert {(a.ferry_from, a.ferry_to) for a in document.assignments} == {("新海港", "海安港")}


def test_no_air_leg_runs_over_the_water_to_its_hub_and_a_road_reach_needs_no_ferry() -> None:
    net = strait(airport=True)  # the one collection hub sits at ZJ, on the mainland
    problem = build_problem(net, lockdown("450000"))
    hk = [c.center_id for c in problem.candidates].index("HK")
    assert problem.feeder[hk] == "NH"
    assert problem.air is not None
    assert problem.ferry is not None
    assert not problem.air[:, hk].any()  # HK's mail would drive over the strait to the hub
    # nor is it shipped over: ZJ reaches the zone by road, and a zone off the island is
    # shipped to only when nothing reaches it by road (as with ZJ and GX locked, above)
    assert not problem.ferry[:, hk].any()
    assert problem.allowed[:, [c.center_id for c in problem.candidates].index("ZJ")].all()


def test_the_optimiser_takes_the_ferry_where_it_is_cheaper_than_flying() -> None:
    net = strait(airport=True)
    cheap = plan(net, lockdown()).document()
    assert all(a.ferry == "QZS" and a.airport is None for a in cheap.assignments)
    dear = plan(net, lockdown(costs={"ferry_item": 5.0})).document()
    assert all(a.airport == "HAK" and a.ferry is None for a in dear.assignments)
    assert cheap.objective < dear.objective


def test_with_ferries_off_no_road_crosses_the_water_and_the_zones_say_why() -> None:
    net = strait()
    problem = build_problem(net, lockdown(ferries=False))
    assert not problem.allowed.any()
    document = plan(net, lockdown(ferries=False)).document()
    assert len(document.unserved.zones) == 3
    for zone in document.unserved.zones:
        assert "none is on its side of the water" in zone.reason
        assert "the 琼州海峡轮渡 ferry is off in this scenario" in zone.reason
    flown = plan(strait(airport=True), lockdown(ferries=False)).document()
    assert not flown.unserved.zones
    assert {a.airport for a in flown.assignments} == {"HAK"}


def test_a_port_in_a_locked_area_is_not_sailed_from() -> None:
    net = strait()
    problem = build_problem(net, lockdown("460000", "440000"))  # 海安港 is in 440100
    assert [c.center_id for c in problem.candidates] == ["GX"]
    assert problem.ferry is not None
    assert not problem.ferry.any()
    island = [z for z, zone in enumerate(problem.zones) if zone.region_code.startswith("46")]
    assert len(island) == 3
    assert not problem.allowed[island].any()
    unserved = plan(net, lockdown("460000", "440000")).document().unserved.zones
    assert sorted(z.region_code for z in unserved) == ["460101", "460102", "460103"]
    assert all("from the nearest ferry port (新海港) the run takes" in z.reason for z in unserved)


@pytest.mark.slow
def test_a_hainan_lockdown_of_the_reference_network_goes_over_the_qiongzhou_strait() -> None:
    net = load_reference()
    assert set(net.ferries) == {"QZS"}
    scenario = region_scenario(net, "460000", 10.0)
    document = plan(net, scenario).document()
    shipped = [a for a in document.assignments if a.ferry]
    assert shipped
    assert {(a.ferry_from, a.ferry_to) for a in shipped} == {("徐闻海安港", "海口新海港")}
    for a in document.assignments:  # no mainland backup drives over the strait
        assert a.ferry or a.airport
    # only Sansha's islands (not on the crossing's island) stay unserved
    assert {z.region_code[:4] for z in document.unserved.zones} <= {"4603"}
    off = scenario.model_copy(update={"options": scenario.options.model_copy(
        update={"ferries": False})})  # fmt: skip
    by_air = plan(net, off).document()
    assert not any(a.ferry for a in by_air.assignments)
    assert document.objective < by_air.objective  # the optimiser took the cheaper crossing


def test_the_plan_tables_exported_say_how_each_zone_is_reached() -> None:
    document = plan(strait(airport=True), lockdown(costs={"ferry_item": 5.0})).document()
    flown = next(a for a in document.assignments if a.airport)
    rows = list(csv.reader(io.StringIO(plan_csv(document, "assignments"))))
    header, body = rows[0], {row[0]: row for row in rows[1:]}
    assert header[-5:] == ["落地机场 / Airport", "经转枢纽 / Via hub", "轮渡 / Ferry",
                           "始发港 / Ferry from", "到达港 / Ferry to"]  # fmt: skip
    assert body[flown.zone_id][-5:] == ["HAK", flown.via_hub, "", "", ""]
    shipped = plan(strait(), lockdown()).document()
    rows = list(csv.reader(io.StringIO(plan_csv(shipped, "assignments"))))
    assert {tuple(row[-3:]) for row in rows[1:]} == {("QZS", "海安港", "新海港")}
    runs = list(csv.reader(io.StringIO(plan_csv(shipped, "zone_runs"))))
    assert runs[0][-1] == "港口 / Port"
    assert {row[-1] for row in runs[1:]} == {"新海港"}
    sheets = load_workbook(io.BytesIO(plan_xlsx(shipped))).sheetnames
    assert "assignments" in sheets
