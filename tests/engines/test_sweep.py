"""The national sweep: regions, the risk table, and resuming on a Dask cluster."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from distributed import LocalCluster
from tests.engines.conftest import random_network

from baotong.contingency.document import PlanDocument
from baotong.contingency.sweep import (
    pending,
    plan_path,
    plan_region,
    region_scenario,
    risk_table,
    run_sweep,
    summary,
    sweep_regions,
    write_plan,
)
from baotong.network.entities import Network


@pytest.fixture(scope="module")
def network() -> Network:
    return random_network(2)


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    cluster = LocalCluster(n_workers=1, threads_per_worker=2, processes=False,
                           dashboard_address=None)  # fmt: skip
    yield cluster.scheduler_address
    cluster.close()


def test_regions_by_level(network: Network) -> None:
    provinces = sweep_regions(network, "province")
    prefectures = sweep_regions(network, "prefecture")
    assert provinces == sorted(provinces)
    assert all(code.endswith("0000") for code in provinces)
    assert prefectures
    assert not set(provinces) & set(prefectures)
    assert sweep_regions(network, "all") == provinces + prefectures


def test_a_region_scenario_locks_it_whole(network: Network) -> None:
    code = sweep_regions(network, "province")[0]
    scenario = region_scenario(network, code, time_limit_s=3)
    assert [a.region for a in scenario.locked_areas] == [code]
    assert scenario.options.time_limit_s == 3
    assert plan_region(network, code, 3).schema_ == "baotong.plan/1"


@pytest.fixture(scope="module")
def planned(network: Network) -> PlanDocument:
    """A real plan document whose rows the risk table cases copy."""
    return plan_region(network, sweep_regions(network, "province")[0], 3)


def _plan(template: PlanDocument, backups: dict[str, float]) -> PlanDocument:
    """``template`` with one backup (and one zone) per centre, taking that volume."""
    backup, zone = template.backups[0], template.assignments[0]
    return template.model_copy(update={
        "backups": [backup.model_copy(update={"center_id": c, "load": v, "utilisation": 0.5})
                    for c, v in backups.items()],
        "assignments": [zone.model_copy(update={"backup_center_id": c, "volume": v})
                        for c, v in backups.items()],
    })  # fmt: skip


def test_risk_table_ranks_the_centres_most_needed(network: Network, planned: PlanDocument) -> None:
    plans = {
        "A": _plan(planned, {"C1": 90.0, "C2": 10.0}),
        "B": _plan(planned, {"C1": 40.0, "C3": 60.0}),
        "C": _plan(planned, {"C3": 100.0}),
    }
    rows = risk_table(network, plans)
    assert [(r["center_id"], r["plans"], r["critical_for"]) for r in rows] == [
        ("C3", 2, 2), ("C1", 2, 1), ("C2", 1, 0)
    ]  # fmt: skip
    assert rows[0]["regions"] == ["B", "C"]
    assert rows[0]["share_of_plans"] == pytest.approx(2 / 3, abs=1e-4)


def test_a_sweep_resumes_where_it_stopped(network: Network, scheduler: str, tmp_path: Path) -> None:
    codes = sweep_regions(network, "province")[:3]
    first = run_sweep(network, codes[:2], tmp_path, scheduler=scheduler, time_limit_s=3)
    assert sorted(first) == sorted(codes[:2])
    written = plan_path(tmp_path, codes[0]).stat().st_mtime_ns
    seen: list[str] = []
    again = run_sweep(network, codes, tmp_path, scheduler=scheduler, time_limit_s=3,
                      on_done=lambda code, _data: seen.append(code))  # fmt: skip
    assert again == [codes[2]] == seen
    assert plan_path(tmp_path, codes[0]).stat().st_mtime_ns == written
    assert pending(tmp_path, codes) == []
    data = summary(network, codes, tmp_path, "province")
    assert data["schema"] == "baotong.sweep/1"
    assert data["planned"] == 3
    assert {r["region_code"] for r in data["plans"]} == set(codes)
    assert data["risk"]


def test_a_plan_is_written_whole(tmp_path: Path, planned: PlanDocument) -> None:
    write_plan(tmp_path, "110000", planned)
    written = plan_path(tmp_path, "110000").read_text(encoding="utf-8")
    assert json.loads(written) == planned.to_json()
    assert PlanDocument.model_validate_json(written) == planned
    assert not list((tmp_path / "plans").glob("*.tmp"))
