"""The shipped examples on the bundled reference network."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.engines.test_planner import check_invariants

from baotong.contingency.document import PlanDocument
from baotong.contingency.engine import evaluate, plan
from baotong.contingency.result import Plan
from baotong.contingency.scenario import ManualPlan, Scenario
from baotong.contingency.zoning import build_problem
from baotong.network.entities import Network
from baotong.network.reference import load_reference

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture(scope="module")
def network() -> Network:
    return load_reference()


@pytest.fixture(scope="module")
def plans(network: Network) -> dict[str, tuple[Scenario, Plan]]:
    out = {}
    for name in ("henan", "chaoyang", "three-provinces"):
        sc = Scenario.from_yaml(EXAMPLES / f"{name}.yaml")
        out[name] = (sc, plan(network, sc))
    return out


@pytest.mark.parametrize("name", ["henan", "chaoyang", "three-provinces"])
def test_example_keeps_invariants(
    network: Network, plans: dict[str, tuple[Scenario, Plan]], name: str
) -> None:
    sc, result = plans[name]
    check_invariants(network, sc, result)
    assert result.status in ("optimal", "feasible")
    assert result.gap <= sc.options.mip_rel_gap + 1e-9 or result.status == "feasible"


def test_henan_is_covered_from_neighbouring_provinces(
    network: Network, plans: dict[str, tuple[Scenario, Plan]]
) -> None:
    _, result = plans["henan"]
    data = result.document()
    counties = {c.code for c in network.counties_in("410000")}
    assert {a.region_code for a in data.assignments} == counties
    neighbours = {"130000", "140000", "370000", "340000", "420000", "610000"}
    assert {b.province_code for b in data.backups} <= neighbours
    assert len(data.backups) >= 2
    assert data.volume.held_by_class["parcel"] > 0  # parcels are held
    assert data.volume.held_by_class["ems"] == 0


def test_chaoyang_uses_beijing_centres_at_segment_depth(
    network: Network, plans: dict[str, tuple[Scenario, Plan]]
) -> None:
    _, result = plans["chaoyang"]
    data = result.document()
    assert data.backups
    assert {b.province_code for b in data.backups} == {"110000"}
    stations = network.stations_in_county("110105")
    assert {a.station_id for a in data.assignments} == {s.id for s in stations}
    for a in data.assignments:
        assert a.zone_kind == "segment"
        assert a.region_code == "110105"
        assert a.chutes == network.stations[a.station_id].segments


def test_plan_json_has_the_documented_keys(plans: dict[str, tuple[Scenario, Plan]]) -> None:
    data = plans["henan"][1].document().to_json()
    assert list(data) == [
        "schema", "scenario", "network", "status", "solver_status", "objective", "bound", "gap",
        "solve_seconds", "heuristic_objective", "nearest_centre_objective",
        "nearest_centre_feasible", "cost", "areas", "counts", "volume", "backups", "assignments",
        "sort_plan_changes", "dispatch_relations", "transit_changes", "transport", "delays",
        "unserved",
    ]  # fmt: skip
    assert data["schema"] == "baotong.plan/1"
    assert set(data["backups"][0]) >= {"center_id", "name", "province_code", "load", "capacity",
                                       "surge_shifts", "chutes_used", "chutes_free"}  # fmt: skip
    assert set(data["assignments"][0]) >= {"zone_id", "zone_kind", "region_code",
                                           "backup_center_id", "volume", "chutes"}  # fmt: skip
    changed, added = (
        next(r for r in data["transit_changes"] if r["action"] == action)
        for action in ("changed", "added")
    )
    assert "old_chain" in changed
    assert set(added) == {"action", "origin_center_id", "origin_province_code",
                          "from_center_id", "to_center_id"}  # fmt: skip
    assert all(r["needs_pass"] for r in data["transport"]["zone_runs"])


@pytest.mark.parametrize("name", ["henan", "chaoyang", "three-provinces"])
def test_plan_json_round_trips_through_the_document_byte_for_byte(
    plans: dict[str, tuple[Scenario, Plan]], name: str
) -> None:
    text = json.dumps(plans[name][1].document().to_json(), ensure_ascii=False, indent=1)
    read = PlanDocument.model_validate_json(text)
    assert json.dumps(read.to_json(), ensure_ascii=False, indent=1) == text
    assert read == plans[name][1].document()


def test_source_manual_plan_is_scored_against_the_optimum(
    network: Network, plans: dict[str, tuple[Scenario, Plan]]
) -> None:
    sc, best = plans["henan"]
    manual = ManualPlan.from_yaml(EXAMPLES / "henan-manual.yaml")
    ev = evaluate(network, sc, manual, optimum=best).document()
    assert ev.cost.total >= best.objective
    assert ev.gap_to_optimum == pytest.approx((ev.cost.total - best.objective)
                                                 / best.objective, abs=1e-6)  # fmt: skip
    covered = [a for a in ev.assignments if a.backup_center_id is not None]
    assert len(covered) == len(best.problem.zones)  # the four centres cover all of Henan
    assert {a.backup_center_id for a in covered} == {
        "C-420100", "C-610100", "C-370800", "C-130400"}  # fmt: skip
    kinds = {v.kind for v in ev.violations}
    assert kinds <= {"reach", "capacity", "chutes"}


def test_a_stored_optimum_scores_a_manual_plan_without_solving_again(
    network: Network, plans: dict[str, tuple[Scenario, Plan]]
) -> None:
    sc, best = plans["henan"]
    manual = ManualPlan.from_yaml(EXAMPLES / "henan-manual.yaml")
    against_plan = evaluate(network, sc, manual, optimum=best).document()
    stored = best.document().objective
    against_stored = evaluate(network, sc, manual, optimum_objective=stored).document()
    assert against_stored.cost == against_plan.cost
    assert against_stored.violations == against_plan.violations
    assert against_stored.gap_to_optimum == pytest.approx(
        (against_plan.cost.total - stored) / stored, abs=1e-6
    )


def test_manual_plan_with_a_locked_centre_is_flagged(
    network: Network, plans: dict[str, tuple[Scenario, Plan]]
) -> None:
    sc, best = plans["henan"]
    manual = ManualPlan.model_validate({"name": "inside", "backups": [
        {"center": "C-410100", "regions": ["410000"]}]})  # fmt: skip
    ev = evaluate(network, sc, manual, optimum=best).document()
    assert ev.feasible is False
    assert ev.violations[0].kind == "ineligible"
    assert ev.cost.unserved > 0


def test_air_trunk_flows_fly_only_scheduled_links(
    network: Network, plans: dict[str, tuple[Scenario, Plan]]
) -> None:
    trunk = plans["three-provinces"][1].document().transport.trunk
    air = [r for r in trunk if r.mode == "air"]
    assert air  # Jilin and Shanghai are far from many origins
    for r in air:
        assert r.km >= network.params.air_min_km
        for a, b in zip(r.via_hubs, r.via_hubs[1:], strict=False):
            assert b in network.hubs[a].air_links or a in network.hubs[b].air_links
    assert all(r.via_hubs == [] for r in trunk if r.mode == "road")


SCENARIOS = [p for p in sorted(EXAMPLES.glob("*.yaml")) if not p.stem.endswith("-manual")]


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_every_example_scenario_builds_a_problem(network: Network, path: Path) -> None:
    problem = build_problem(network, Scenario.from_yaml(path))
    assert problem.zones
    assert problem.candidates
