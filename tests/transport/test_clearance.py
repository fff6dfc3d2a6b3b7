"""The pass check's rules on plain data: what clears a run into a controlled area."""

from __future__ import annotations

from datetime import date

from baotong.transport.clearance import Held, Site, clearance, site_clearance
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


# -- sites: operating permits and the processing-centre whitelist -------------------------
def sites(*held_now: Held, need: CredentialKind = CredentialKind.SITE_PERMIT,
          controlled: tuple[str, ...] = ("410000",)) -> list[tuple[str, str, str]]:  # fmt: skip
    site = Site("S-410102-01", "中原区01揽投部", CHAIN, need, list(held_now))
    return [(m.who, m.need.value, m.reason)
            for m in site_clearance(sites=[site], controlled=controlled, on=DAY)]  # fmt: skip


def test_a_site_inside_a_controlled_area_needs_its_granted_permit() -> None:
    permit = CredentialKind.SITE_PERMIT
    assert sites(held(permit, routes=())) == []
    assert sites() == [("中原区01揽投部 (S-410102-01)", "site_permit", "none")]
    assert sites(held(permit, routes=(), state=CredentialState.SUBMITTED))[0][2] == "not_granted"
    assert sites(held(permit, routes=(), end=date(2022, 4, 9)))[0][2] == "expired"
    assert sites(held(permit, areas=("420000",), routes=()))[0][2] == "other_area"
    assert sites(controlled=("420000",)) == []  # outside every controlled area


def test_a_processing_centre_needs_its_whitelist_entry_not_a_site_permit() -> None:
    whitelist = CredentialKind.CENTRE_WHITELIST
    assert sites(held(CredentialKind.SITE_PERMIT, routes=()), need=whitelist) == [
        ("中原区01揽投部 (S-410102-01)", "centre_whitelist", "none")]  # fmt: skip
    assert sites(held(whitelist, routes=()), need=whitelist) == []
