"""The network model: validated constructors and the helpers the engines rely on."""

from __future__ import annotations

import dataclasses

import pytest

from baotong.core.exceptions import NotFoundError, ValidationError
from baotong.network.entities import (
    DeliveryStation,
    Network,
    NetworkParams,
    ProductClass,
    Region,
    RegionLevel,
    SiteStatus,
    great_circle_km,
)


def test_a_region_code_must_have_six_digits() -> None:
    with pytest.raises(ValidationError) as caught:
        Region("4100", "河南省", "Henan", RegionLevel.PROVINCE, None, (113.6, 34.0), 1)
    assert caught.value.message == "field 'code': \"code\" must be a six-digit GB/T 2260 code."


def test_a_province_has_no_parent_and_others_have_one() -> None:
    with pytest.raises(ValidationError) as caught:
        Region("410100", "郑州市", "Zhengzhou", RegionLevel.PREFECTURE, None, (113.6, 34.7), 1)
    assert caught.value.field == "parent_code"


def test_a_centre_needs_capacity_and_sane_chutes(small_network: Network) -> None:
    center = small_network.centers["C-410100"]
    with pytest.raises(ValidationError, match='"capacity" must be > 0.'):
        dataclasses.replace(center, capacity=dict.fromkeys(ProductClass, 0.0))
    with pytest.raises(ValidationError, match='"chutes_in_use" must be between 0 and "chutes".'):
        dataclasses.replace(center, chutes_in_use=center.chutes + 1)
    with pytest.raises(ValidationError, match="longitude must be within"):
        dataclasses.replace(center, location=(190.0, 34.0))


def test_a_station_needs_grids_and_segments() -> None:
    with pytest.raises(ValidationError, match='"grids" must be > 0.'):
        DeliveryStation("S-1", "站", "410102", (113.6, 34.7), 10.0, 0, 3)


def test_params_refuse_a_circuity_below_one() -> None:
    with pytest.raises(ValidationError, match='"road_circuity" must be >= 1.'):
        NetworkParams(road_circuity=0.9)


def test_region_helpers(small_network: Network) -> None:
    assert [r.code for r in small_network.children("410000")] == ["410100", "410300"]
    assert [r.code for r in small_network.counties_in("410000")] == ["410102", "410122",
                                                                     "410302"]  # fmt: skip
    assert small_network.contains("410000", "410302")
    assert not small_network.contains("410100", "410302")
    with pytest.raises(NotFoundError, match="Unknown region code '999999'."):
        small_network.region("999999")


def test_centre_helpers(small_network: Network) -> None:
    hub = small_network.provincial_hub("410000")
    assert hub.id == "C-410100"
    assert hub.spare_capacity == pytest.approx(4 * (50_000.0 - 20_000.5))
    assert hub.free_chutes == 180
    closed = dataclasses.replace(hub, status=SiteStatus.CLOSED)
    assert closed.spare_capacity == 0.0
    assert closed.free_chutes == 0
    assert small_network.center_for("S-410302-01").id == "C-410300"
    assert small_network.is_high_volume(small_network.stations["S-410102-01"])
    assert not small_network.is_high_volume(small_network.stations["S-410102-02"])


def test_transit_goes_through_the_provincial_hub(small_network: Network) -> None:
    relation = small_network.baseline_transit("C-410300", "410102")
    assert relation.chain == ("C-410300", "C-410100")
    assert relation.mode == "road"


def test_inbound_sums_the_od_column(small_network: Network) -> None:
    inbound = small_network.inbound_by_class("410300")
    assert inbound[ProductClass.EMS] == 42.0 + 126.0
    assert inbound[ProductClass.SUPPLY] == 73.5 + 157.5


def test_great_circle_distance_zhengzhou_to_wuhan() -> None:
    assert great_circle_km((113.62, 34.75), (114.30, 30.59)) == pytest.approx(467, abs=5)
