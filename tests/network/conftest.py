"""Fixtures for the network tests: the reference (loaded once) and a small exported network."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from baotong.config import Settings
from baotong.network.entities import (
    PRODUCT_CLASSES,
    Automation,
    CenterRole,
    CollectionHub,
    DeliveryStation,
    Network,
    NetworkParams,
    ProcessingCenter,
    Region,
    RegionLevel,
)
from baotong.network.io import export_network
from baotong.network.reference import load_reference


@pytest.fixture(scope="session")
def reference() -> Network:
    return load_reference()


def _center(cid: str, prefecture: str, role: CenterRole, lon: float) -> ProcessingCenter:
    return ProcessingCenter(
        id=cid, name=f"{cid}处理中心", name_en=f"{cid} centre", location=(lon, 34.5),
        prefecture_code=prefecture, province_code=prefecture[:2] + "0000", role=role,
        automation=Automation.AUTOMATED,
        capacity=dict.fromkeys(PRODUCT_CLASSES, 50_000.0),
        baseline_load=dict.fromkeys(PRODUCT_CLASSES, 20_000.5),
        chutes=300, chutes_in_use=120, surge_capacity_per_shift=30_000.0,
        surge_shift_cost=41_800.0, max_surge_shifts=2,
    )  # fmt: skip


def make_small_network() -> Network:
    """One province, two prefectures, three counties, two centres, one hub, four stations."""
    r = [
        Region("410000", "河南省", "Henan", RegionLevel.PROVINCE, None, (113.6, 34.0), 3_000_000),
        Region("410100", "郑州市", "Zhengzhou", RegionLevel.PREFECTURE, "410000", (113.6, 34.7),
               2_000_000),
        Region("410102", "中原区", "Zhongyuan", RegionLevel.COUNTY, "410100", (113.6, 34.75),
               1_200_000),
        Region("410122", "中牟县", "Zhongmu", RegionLevel.COUNTY, "410100", (114.0, 34.7), 800_000),
        Region("410300", "洛阳市", "Luoyang", RegionLevel.PREFECTURE, "410000", (112.4, 34.6),
               1_000_000),
        Region("410302", "老城区", "Laocheng", RegionLevel.COUNTY, "410300", (112.5, 34.7),
               1_000_000),
    ]  # fmt: skip
    centers = [
        _center("C-410100", "410100", CenterRole.PROVINCIAL_HUB, 113.6),
        _center("C-410300", "410300", CenterRole.PREFECTURE, 112.4),
    ]
    stations = [
        DeliveryStation("S-410102-01", "中原区01揽投部", "410102", (113.61, 34.75), 3500.25, 6, 4),
        DeliveryStation("S-410102-02", "中原区02揽投部", "410102", (113.62, 34.76), 1200.0, 2, 4),
        DeliveryStation("S-410122-01", "中牟县01揽投部", "410122", (114.01, 34.7), 900.0, 2, 3),
        DeliveryStation("S-410302-01", "老城区01揽投部", "410302", (112.5, 34.7), 2100.0, 4, 4),
    ]
    plan = {"410102": "C-410100", "410122": "C-410100", "410302": "C-410300"}
    plan.update({s.id: plan[s.county_code] for s in stations})
    hub = CollectionHub("H-CGO", "郑州邮件集散中心", "Zhengzhou Collection Hub", (113.6, 34.5),
                        "410100", "CGO", "C-410100", True, ())  # fmt: skip
    flows = np.arange(2 * 2 * len(PRODUCT_CLASSES), dtype=np.float64).reshape(2, 2, -1) * 10.5
    flows[1, 0] = 0.0  # a pair with no flow: absent from od_flows.csv
    return Network(
        regions={x.code: x for x in r}, centers={c.id: c for c in centers},
        hubs={hub.id: hub}, stations={s.id: s for s in stations}, sort_plan=plan,
        od_prefectures=("410100", "410300"), od_flows=flows,
        params=NetworkParams(road_circuity=1.3), name="Small test network",
    )  # fmt: skip


@pytest.fixture
def small_network() -> Network:
    return make_small_network()


@pytest.fixture(scope="session")
def small_export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small network exported once; copy it before changing it."""
    folder = tmp_path_factory.mktemp("small-export")
    export_network(make_small_network(), folder)
    return folder


@pytest.fixture
def network_dir(small_export: Path, tmp_path: Path) -> Path:
    """A fresh, writable copy of the small exported network."""
    folder = tmp_path / "net"
    shutil.copytree(small_export, folder)
    return folder


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "var")
