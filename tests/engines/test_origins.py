"""The origin side: a backup off the trunk network costs a bag and a chute at every large
origin and an extra hop for the small ones; provincial hubs cost neither."""

from __future__ import annotations

import numpy as np
import pytest
from tests.engines.conftest import CenterSpec, ProvinceSpec, make_network

from baotong.contingency.assess import is_feasible, score
from baotong.contingency.engine import plan
from baotong.contingency.scenario import Scenario
from baotong.contingency.zoning import build_problem
from baotong.network.entities import CenterRole, Network


def network(origin_free_chutes: int = 50, second_relay: bool = False) -> Network:
    """Locked province 41; east of it a prefecture centre PF (nearer) and a provincial hub
    PH (a little farther) in province 42, and two far origin provinces: 42, 43 and 44 each
    send 7 500 items/day of ems to 41 (conftest's even flows)."""
    provinces = [
        ProvinceSpec("41", "豫", (113.0, 34.0), counties=2, stations_per_county=1),
        ProvinceSpec("42", "鲁", (114.5, 34.0), counties=1),
        ProvinceSpec("43", "湘", (110.0, 30.0), counties=1),
        ProvinceSpec("44", "粤", (113.0, 26.0), counties=1),
    ]
    free = {"chutes": 50 + origin_free_chutes, "chutes_in_use": 50}
    small = {"capacity": 62_000.0} if second_relay else {}  # room for one zone each
    centers = [
        CenterSpec("HN", "41", (113.1, 34.0)),
        CenterSpec("PF", "42", (114.0, 34.0), role=CenterRole.PREFECTURE, **small),
        CenterSpec("PH", "42", (114.3, 34.0)),
        *(
            [CenterSpec("PF2", "42", (114.1, 34.2), role=CenterRole.PREFECTURE, **small)]
            if second_relay
            else []
        ),
        CenterSpec("O3", "43", (110.0, 30.0), **free),
        CenterSpec("O4", "44", (113.0, 26.0), **free),
    ]
    return make_network(provinces, centers)


def lockdown(**options: object) -> Scenario:
    return Scenario.model_validate({
        "name": "origins", "locked_areas": [{"region": "410000", "level": "province"}],
        "product_classes": {"ems": 1.0},
        "options": {"min_automation": None, "mip_rel_gap": 0.0, "surge_shifts": False,
                    "include_national_hub": True, **options},
    })  # fmt: skip


def backups(net: Network, sc: Scenario) -> set[str]:
    return {b.center_id for b in plan(net, sc).document().backups}


def test_a_provincial_hub_needs_no_new_bags_and_a_prefecture_centre_does() -> None:
    net = network()
    problem = build_problem(net, lockdown())
    by_id = {c.center_id: c for c in problem.candidates}
    assert by_id["PH"].on_trunk
    assert by_id["PH"].new_relations == 0
    assert not by_id["PF"].on_trunk
    assert by_id["PF"].new_relations == 3  # origins 42, 43, 44 pass 500 items/day
    assert by_id["PF"].opening_cost == pytest.approx(20_000 + 3 * 150)
    assert by_id["PH"].opening_cost == pytest.approx(20_000)


def test_the_hub_wins_when_new_bags_cost_enough_and_the_nearer_centre_when_free() -> None:
    net = network()
    free = {"new_relation": 0.0, "transit_hop_item": 0.0}
    assert backups(net, lockdown(costs=free)) == {"PF"}
    assert backups(net, lockdown(costs={"new_relation": 5_000.0})) == {"PH"}


def test_small_origins_relay_through_the_hub_with_its_hours_and_handling() -> None:
    net = network()
    everyone = build_problem(net, lockdown(relation_min_items=0.0))
    nobody = build_problem(net, lockdown(relation_min_items=1e9, transit_hop_hours=4.0))
    pf = [k for k, c in enumerate(nobody.candidates) if c.center_id == "PF"][0]
    ph = [k for k, c in enumerate(nobody.candidates) if c.center_id == "PH"][0]
    # all mail small: every item to PF takes the extra hop, 4 h and 0.3 CNY
    assert np.allclose(nobody.extra_hours[:, pf] - everyone.extra_hours[:, pf], 4.0)
    assert np.allclose(nobody.extra_hours[:, ph], everyone.extra_hours[:, ph])
    added = nobody.cost[:, pf] - everyone.cost[:, pf]
    assert np.allclose(added, nobody.volume * (0.3 + 0.05 * 4.0))
    assert nobody.candidates[pf].new_relations == 0


def test_the_origins_free_chutes_cap_backups_off_the_trunk() -> None:
    # one free chute at the far origins: one relay backup at most
    net = network(origin_free_chutes=1, second_relay=True)
    sc = lockdown(max_road_hours=3.0, costs={"new_relation": 0.0, "opening": 0.0})
    problem = build_problem(net, sc)
    assert problem.relay_limit == 1
    result = plan(net, sc)
    relays = [b for b in result.document().backups if not b.on_trunk]
    assert len(relays) <= 1
    # a plan with two relay backups breaks the limit, and the scorer says so
    relay_ids = [k for k, c in enumerate(problem.candidates) if not c.on_trunk]
    assert [problem.candidates[k].center_id for k in relay_ids] == ["PF", "PF2"]
    assign = np.array([relay_ids[z % 2] for z in range(len(problem.zones))])
    sc2 = score(problem, assign)
    assert [v.kind for v in sc2.violations] == ["origin_chutes"]
    assert not is_feasible(sc2)
    # without the cap both relays are used (each has room for one zone and is nearer)
    uncapped = network(second_relay=True)
    assert len([b for b in plan(uncapped, sc).document().backups if not b.on_trunk]) == 2
