"""The pass check's rules on plain data: what clears a run into a controlled area."""

from __future__ import annotations

from datetime import date

from baotong.transport.clearance import Held, clearance
from baotong.transport.entities import CredentialKind, CredentialState, RouteType

DAY = date(2022, 4, 10)
CHAIN = ("410102", "410100", "410000")  # a Zhengzhou district, Zhengzhou, Henan
PASS, GREEN, LIST = (CredentialKind.VEHICLE_PASS, CredentialKind.GREEN_CHANNEL,
                     CredentialKind.STAFF_WHITELIST)  # fmt: skip
GRANTED = CredentialState.GRANTED
INTER = RouteType.INTER_PROVINCIAL


def held(kind: CredentialKind, *, areas: tuple[str, ...] = ("410000",),
         routes: tuple[str, ...] = ("inter_provincial",), state: CredentialState = GRANTED,
         start: date = date(2022, 4, 1), end: date = date(2022, 4, 30)) -> Held:  # fmt: skip
    return Held(kind, state, frozenset(areas), frozenset(routes), start, end)


def check(vehicle: list[Held], driver: list[Held], controlled: tuple[str, ...] = ("410000",),
          route: RouteType = INTER) -> list[tuple[str, str]]:  # fmt: skip
    missing = clearance(chain=CHAIN, controlled=controlled, on=DAY, route_type=route,
                        vehicle=("豫A·1", vehicle), driver=("王", driver))  # fmt: skip
    return [(m.subject, m.reason) for m in missing]


def test_a_province_pass_and_whitelist_clear_a_run_to_a_district_inside() -> None:
    assert check([held(PASS)], [held(LIST, routes=())]) == []


def test_outside_every_controlled_area_nothing_is_needed() -> None:
    assert check([], [], controlled=("420000",)) == []


def test_each_way_of_lacking_a_pass_is_named() -> None:
    driver = [held(LIST, routes=())]
    assert check([], driver) == [("vehicle", "none")]
    assert check([held(PASS, areas=("420000",))], driver) == [("vehicle", "other_area")]
    assert check([held(PASS, routes=("city",))], driver) == [("vehicle", "route_type")]
    pending = held(PASS, state=CredentialState.SUBMITTED)
    assert check([pending], driver) == [("vehicle", "not_granted")]
    assert check([held(PASS, start=date(2022, 4, 11))], driver) == [("vehicle", "not_yet_valid")]
    assert check([held(PASS, end=date(2022, 4, 9))], driver) == [("vehicle", "expired")]
    expired = held(PASS, state=CredentialState.EXPIRED, end=date(2022, 4, 9))
    assert check([expired], driver) == [("vehicle", "expired")]


def test_a_green_channel_clears_an_inter_provincial_run_only() -> None:
    driver = [held(LIST, routes=())]
    assert check([held(GREEN)], driver) == []
    city = [held(GREEN, routes=("city",))]
    assert check(city, driver, route=RouteType.CITY) == [("vehicle", "none")]


def test_the_driver_needs_a_whitelist_entry_for_the_area() -> None:
    assert check([held(PASS)], []) == [("driver", "none")]
    assert check([held(PASS)], [held(LIST, areas=("410200",), routes=())]) == [
        ("driver", "other_area")
    ]
    assert check([held(PASS)], [held(LIST, areas=("410100",), routes=())]) == []  # the city
