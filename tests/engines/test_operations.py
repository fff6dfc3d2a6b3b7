"""What a plan asks of the backups' floors and of transport: the Henan and Chaoyang
examples on the reference network, and small hand-checkable pieces."""

from __future__ import annotations

import dataclasses
import io
import math
from pathlib import Path

import pytest
from openpyxl import load_workbook

from baotong.contingency.document import PlanDocument, TrunkFlow
from baotong.contingency.engine import plan
from baotong.contingency.operations import OperationsDocument, OperationsParams, plan_operations
from baotong.contingency.operations.chutes import free_positions
from baotong.contingency.operations.document import clock
from baotong.contingency.operations.outputs import operations_xlsx
from baotong.contingency.operations.schedule import hourly_sorted, waves
from baotong.contingency.operations.timetable import timetable_rows
from baotong.contingency.report import report_html
from baotong.contingency.scenario import Scenario
from baotong.core.exceptions import ValidationError
from baotong.network.entities import Network
from baotong.network.reference import load_reference

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
PARAMS = OperationsParams()


@pytest.fixture(scope="module")
def network() -> Network:
    return load_reference()


@pytest.fixture(scope="module")
def documents(network: Network) -> dict[str, tuple[PlanDocument, OperationsDocument]]:
    out = {}
    for name in ("henan", "chaoyang"):
        document = plan(network, Scenario.from_yaml(EXAMPLES / f"{name}.yaml")).document()
        out[name] = (document, plan_operations(network, document, PARAMS))
    return out


@pytest.mark.parametrize("name", ["henan", "chaoyang"])
def test_no_chute_is_used_twice_and_every_zone_has_one_at_its_backup(
    documents: dict[str, tuple[PlanDocument, OperationsDocument]], name: str
) -> None:
    document, ops = documents[name]
    assert [c.center_id for c in ops.centres] == [b.center_id for b in document.backups]
    for centre in ops.centres:
        chutes = centre.chutes
        numbers = [s.chute for s in chutes.slots]
        assert numbers == list(range(1, chutes.chutes + 1))  # each physical chute once
        new = [s for s in chutes.slots if s.use == "new"]
        assert len({s.bag for s in new}) == len(new) == chutes.assigned  # each bag once
        assert chutes.baseline + chutes.assigned + chutes.left_free == chutes.chutes
        assert chutes.unplaced == []
        zones = {a.zone_id for a in document.assignments if a.backup_center_id == centre.center_id}
        assert {s.zone_id for s in new} == zones
        wanted = sum(a.chutes for a in document.assignments if a.zone_id in zones)
        assert chutes.assigned == wanted  # a chute for every bag the plan counted


def test_the_biggest_bags_go_on_the_double_chutes_nearest_the_induction(
    documents: dict[str, tuple[PlanDocument, OperationsDocument]],
) -> None:
    _, ops = documents["henan"]
    for centre in ops.centres:
        new = [s for s in centre.chutes.slots if s.use == "new"]
        ranked = sorted(new, key=lambda s: (not s.double, s.chute))
        volumes = [s.volume for s in ranked]
        assert volumes == sorted(volumes, reverse=True)


def test_free_chutes_are_spread_along_the_sorter() -> None:
    assert free_positions(10, 2) == [3, 8]
    assert free_positions(10, 10) == list(range(1, 11))
    assert free_positions(10, 0) == []


@pytest.mark.parametrize("name", ["henan", "chaoyang"])
def test_staff_per_shift_cover_the_volume_at_the_stated_productivity(
    network: Network, documents: dict[str, tuple[PlanDocument, OperationsDocument]], name: str
) -> None:
    _, ops = documents[name]
    for centre in ops.centres:
        prod = PARAMS.productivity[network.centers[centre.center_id].automation]
        per_clearer = PARAMS.chutes_per_clearer[network.centers[centre.center_id].automation]
        sorted_total = sum(centre.schedule.hourly_sorted)
        assert sum(s.volume for s in centre.shifts.shifts) == pytest.approx(sorted_total, abs=1)
        for shift in centre.shifts.shifts:
            assert shift.staff["induction"] * prod["induction"] >= shift.peak_per_hour - 1e-6
            assert shift.staff["bag_closing"] * prod["bag_closing"] >= shift.peak_per_hour - 1e-6
            if shift.volume > 0:
                assert shift.staff["chute_clearing"] * per_clearer >= centre.chutes.assigned
            assert shift.total == sum(shift.staff.values())
            assert shift.gap == max(0, shift.total - shift.reserve)


@pytest.mark.parametrize("name", ["henan", "chaoyang"])
def test_every_zone_run_departs_after_its_bags_close_and_waves_follow_each_other(
    documents: dict[str, tuple[PlanDocument, OperationsDocument]], name: str
) -> None:
    document, ops = documents[name]
    for centre in ops.centres:
        schedule = centre.schedule
        flows = [f for f in document.transport.trunk if f.backup_center_id == centre.center_id]
        arrived = sum(w.volume + w.crossdock for w in schedule.waves)
        assert arrived == pytest.approx(sum(f.volume for f in flows), rel=1e-3)
        for before, after in zip(schedule.waves, schedule.waves[1:], strict=False):
            assert after.sort_start >= before.sort_end - 1e-6
        for w in schedule.waves:
            assert w.sort_start >= w.arrival + PARAMS.unload_hours - 1e-6
        for d in schedule.departures:
            assert d.bag_close <= d.departure + 1e-6
            missed = [w for w in schedule.waves if w.wave in d.misses]
            assert all(w.sort_end + PARAMS.bag_close_hours > d.departure for w in missed)


def test_waves_and_the_hourly_sorting_by_hand(network: Network) -> None:
    flow = TrunkFlow(origin_province_code="11", origin="A", backup_center_id="X", backup="X",
                     mode="road", via_hubs=[], km=60.0 * network.params.road_speed_kmh,
                     volume=1200.0, crossdock_volume=200.0, trucks=1,
                     feeder_km=0.0)  # fmt: skip
    # leaves at 20:00, 60 h on the road: arrives at 08:00 (in a day from noon: 32.0)
    [wave] = waves(network, [flow], rate=500.0, params=PARAMS)
    assert (wave.arrival, wave.volume, wave.crossdock) == (32.0, 1000.0, 200.0)
    assert (wave.sort_start, wave.sort_end) == (32.5, 34.5)  # 1,000 at 500/h after unloading
    twin = flow.model_copy(update={"origin": "B", "volume": 600.0, "crossdock_volume": 0.0})
    [both] = waves(network, [flow, twin], rate=500.0, params=PARAMS)  # arriving together
    assert (both.volume, both.origins) == (1600.0, ["A", "B"])
    hours = hourly_sorted([wave])
    assert hours[8] == pytest.approx(250.0)  # 08:30-09:00
    assert sum(hours) == pytest.approx(1000.0)
    assert clock(30.5) == "D+1 06:30"


def test_the_route_timetable_and_its_daily_rows(
    documents: dict[str, tuple[PlanDocument, OperationsDocument]],
) -> None:
    document, ops = documents["henan"]
    assert len(ops.routes) == len(document.transport.trunk)
    for route in ops.routes:
        assert route.arrival > route.departure
        assert route.hours == pytest.approx(route.arrival - route.departure, abs=0.01)
        if route.mode == "air":
            assert route.vehicles == math.ceil(route.volume / PARAMS.flight_capacity_items)
        if route.origin_province_code != "410000":  # mail from elsewhere had a way into Henan
            assert route.replaces
        assert all(code.startswith("C-41") for code in route.replaces)
    rows = timetable_rows(ops.routes, 3)
    assert len(rows) == 3 * len(ops.routes)
    assert rows[-1]["day"] == 3


def test_city_runs_serve_every_zone_of_the_locked_city_within_a_van(
    network: Network, documents: dict[str, tuple[PlanDocument, OperationsDocument]]
) -> None:
    document, ops = documents["chaoyang"]
    runs = ops.city_runs
    assert runs
    served = {z for r in runs for s in r.stops for z in s.zone_ids}
    assert served == {a.zone_id for a in document.assignments}
    delivered = sum(s.volume for r in runs for s in r.stops)
    assert delivered == pytest.approx(sum(a.volume for a in document.assignments), rel=1e-3)
    for run in runs:
        assert run.volume <= network.params.van_capacity_items + 1
        arrivals = [s.arrival for s in run.stops]
        assert arrivals == sorted(arrivals)
        assert run.departure < arrivals[0]
        assert run.back > arrivals[-1]
        assert arrivals[-1] + PARAMS.run_service_minutes / 60 == pytest.approx(
            PARAMS.delivery_start, abs=0.01
        )
    again = plan_operations(network, document, PARAMS).city_runs
    assert again == runs  # seeded: the same plan gives the same runs
    _, henan = documents["henan"]
    assert henan.city_runs == []  # a province lockdown has no city runs


def test_the_workbook_has_every_sheet_with_bilingual_headers(
    documents: dict[str, tuple[PlanDocument, OperationsDocument]],
) -> None:
    _, ops = documents["chaoyang"]
    book = load_workbook(io.BytesIO(operations_xlsx(ops, days=2)))
    assert book.sheetnames == ["chutes", "shifts", "waves", "departures", "city_runs", "routes"]
    assert book["shifts"]["A1"].value == "中心 / Centre"
    assert book["routes"].max_row == 1 + 2 * len(ops.routes)
    assert book["chutes"].max_row - 1 == sum(
        1 for c in ops.centres for s in c.chutes.slots if s.use != "baseline"
    )


def test_parameters_out_of_range_are_refused_naming_the_field() -> None:
    with pytest.raises(ValidationError) as refused:
        OperationsParams(operating_hours=30)
    assert refused.value.data["field"] == "operating_hours"
    with pytest.raises(ValidationError):
        OperationsParams(unload_hours=-1)


@pytest.mark.parametrize("name", ["henan", "chaoyang"])
def test_report_shows_what_the_plan_asks_of_the_floors_and_transport(
    documents: dict[str, tuple[PlanDocument, OperationsDocument]], network: Network, name: str
) -> None:
    document, ops = documents[name]
    html = report_html(document, network, ops)
    for title in ("设备分拣方案 / Chute plan", "人员班次 / Shift plan",
                  "生产作业计划 / Production schedule", "邮路计划 / Route timetable"):  # fmt: skip
        assert html.count(title) >= (1 if "Route" in title else len(ops.centres))
    for centre in ops.centres:  # the drawn layout: one rect per physical chute
        section = html.split(f'data-center="{centre.center_id}"')[1].split("</section>")[0]
        assert section.count("<rect ") == centre.chutes.chutes
        assert section.count('class="chute-new"') == centre.chutes.assigned
        assert section.count("<tr", section.index("chute-table")) >= centre.chutes.assigned
    for route in ops.routes:
        assert f"<td>{route.route_id}</td>" in html
    assert ("市趟 / City runs" in html) == (name == "chaoyang")
    for run in ops.city_runs:
        assert f"<td>{run.run_id}</td>" in html
    late = [d for c in ops.centres for d in c.schedule.departures if d.misses]
    assert html.count('<tr class="late">') == len(late)


def test_report_flags_a_wave_that_misses_its_departure(
    documents: dict[str, tuple[PlanDocument, OperationsDocument]], network: Network
) -> None:
    document, _ = documents["henan"]
    slow = OperationsParams(delivery_start=24.0)  # zone runs must leave before midnight
    ops = plan_operations(network, document, slow)
    late = [d for c in ops.centres for d in c.schedule.departures if d.misses]
    assert late
    html = report_html(document, network, ops)
    assert html.count('<tr class="late">') == len(late)
    assert f"误班 / misses: {', '.join(map(str, late[0].misses))}" in html


def test_chute_and_shift_plans_read_the_sorter_layout_and_roster_of_the_network(
    three_centre_network: Network,
) -> None:
    from tests.engines.test_planner import scenario

    from baotong.network.entities import SorterChute

    document = plan(three_centre_network, scenario()).document()
    backup = document.backups[0]
    centre = three_centre_network.centers[backup.center_id]
    # A drawn layout: in use every other chute of the first 100, docks of 10, chute 99
    # and 100 double (far from the induction: the defaults would never make them so).
    layout = tuple(
        SorterChute(centre.id, k, f"B{(k - 1) // 10}", 2.0 if k >= 99 else 1.0,
                    k <= 100 and k % 2 == 1)
        for k in range(1, centre.chutes + 1)
    )  # fmt: skip
    assert sum(x.in_use for x in layout) == centre.chutes_in_use
    drawn = dataclasses.replace(three_centre_network, sorters={centre.id: layout},
                                rosters={centre.id: {"night": 500, "day": 0}})  # fmt: skip
    default = plan_operations(three_centre_network, document, PARAMS).centres[0]
    ops = plan_operations(drawn, document, PARAMS).centres[0]
    assert ops.center_id == centre.id
    slots = {s.chute: s for s in ops.chutes.slots}
    new = [s for s in ops.chutes.slots if s.use == "new"]
    assert new
    assert all(not layout[s.chute - 1].in_use for s in new)  # only free chutes
    assert all(s.dock == layout[s.chute - 1].dock for s in ops.chutes.slots)
    assert [k for k, s in slots.items() if s.double] == [99, 100]
    assert slots[99].use == "baseline"  # in use: kept for the baseline
    assert slots[100].use == "new"
    assert slots[100].volume == max(s.volume for s in new)  # the biggest bag on the free double
    assert [s.chute for s in default.chutes.slots if s.double] == list(range(1, 11))
    by_shift = {s.shift: s for s in ops.shifts.shifts}
    assert by_shift["day"].reserve == 0  # nobody rostered
    assert by_shift["night"].reserve > default.shifts.shifts[0].reserve
    assert by_shift["night"].gap == max(0, by_shift["night"].total - by_shift["night"].reserve)
    assert by_shift["evening"].reserve == default.shifts.shifts[2].reserve  # not in the roster
