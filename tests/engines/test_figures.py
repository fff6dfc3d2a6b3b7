"""Each figure of a plan has one definition, the same on the plan page, the centre page,
the report and the exports: the delay histogram, transit volumes, 负荷率 and chute use."""

from __future__ import annotations

from collections import defaultdict

import pytest

from baotong.contingency import figures, views
from baotong.contingency.distances import origin_weights
from baotong.contingency.document import PlanDocument, TransitChange
from baotong.contingency.engine import plan
from baotong.contingency.scenario import Scenario
from baotong.network.entities import Network


@pytest.fixture
def henan(three_centre_network: Network) -> PlanDocument:
    scenario = Scenario.model_validate({
        "name": "t", "locked_areas": [{"region": "410000"}],
        "product_classes": {"ems": 0.8, "parcel": 1.0},
        "options": {"min_automation": None, "mip_rel_gap": 0.0},
    })  # fmt: skip
    return plan(three_centre_network, scenario).document()


def test_the_delay_histogram_weighs_the_same_mail_as_the_p95(henan: PlanDocument) -> None:
    overall = henan.delays.overall
    bins = views.delay_histogram(henan)["y"]
    assert sum(bins) == pytest.approx(overall.volume, abs=len(bins))
    p95_bin = figures.hour_bin(overall.p95_hours)
    below = sum(bins[:p95_bin]) / overall.volume
    upto = sum(bins[: p95_bin + 1]) / overall.volume
    assert below < 0.95 <= upto + 1e-6  # the P95 lies in the bin where 95 % is reached


def test_the_transit_volume_of_an_origin_province_is_its_own_mail(
    henan: PlanDocument, three_centre_network: Network
) -> None:
    moved: dict[tuple[str, str], float] = defaultdict(float)
    by_origin: dict[tuple[str, str], dict[str, float]] = defaultdict(dict)
    for a in henan.assignments:
        moved[("HN", a.backup_center_id)] += a.volume
    changes = [c for c in henan.transit_changes if isinstance(c, TransitChange)]
    for c in changes:
        by_origin[(c.from_center_id, c.to_center_id)][c.origin_province_code] = c.volume
    assert len({c.origin_province_code for c in changes}) > 1
    codes, _, weights = origin_weights(three_centre_network, "410100")
    share = defaultdict(float)
    for code, w in zip(codes, weights, strict=True):
        share[code[:2] + "0000"] += float(w)
    for move, volumes in by_origin.items():
        for province, volume in volumes.items():
            assert volume == pytest.approx(moved[move] * share[province], abs=0.2)
        assert sum(volumes.values()) < moved[move]  # Henan's own mail is not in transit


def test_the_load_rate_of_a_backup_is_everything_it_sorts_over_everything_it_can(
    henan: PlanDocument, three_centre_network: Network
) -> None:
    for b in henan.backups:
        centre = three_centre_network.centers[b.center_id]
        surge = b.capacity - b.spare_capacity
        expected = figures.load_rate(centre.total_load, centre.total_capacity, b.load, surge)
        assert b.utilisation == pytest.approx(expected, abs=1e-4)
        assert b.utilisation > b.load / (centre.total_capacity + surge)  # baseline counts
        row = next(r for r in views.backups(henan) if r.center_id == b.center_id)
        assert row.utilisation == b.utilisation


def test_chute_use_is_the_share_of_the_free_chutes_taken(henan: PlanDocument) -> None:
    for row in views.backups(henan):
        assert row.chute_share == pytest.approx(row.chutes_used / row.chutes_free)
    assert figures.chute_share(3, 10) == 0.3
    assert figures.chute_share(2, 0) == 1.0


def test_relation_changes_are_paged_on_the_server_not_cut_at_the_first_rows(
    henan: PlanDocument, three_centre_network: Network, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(views, "MAX_ROWS", 2)
    total = len(henan.transit_changes)
    assert total > 2
    pages = []
    page = 1
    while True:
        found = views.changes(henan, three_centre_network, None, page)
        pages.extend(found.transit)
        if not found.has_more:
            break
        page += 1
    assert pages == henan.transit_changes
    assert found.transit_total == total
