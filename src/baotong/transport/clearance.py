"""Whether a run may enter a controlled area: pure rules on plain data.

A run bound for a region inside a controlled area (a locked area of a plan in force)
needs, on its date, a granted vehicle pass for its vehicle — valid that day, for an area
that contains the destination, and for the run's route type (an inter-provincial run may
use a green channel instead) — and a granted whitelist entry for its driver in that area.
A run whose origin or end site lies in a controlled area also needs, on its date, that
site's granted operating permit (场地运营许可) — for a processing centre, its entry on the
processing-centre whitelist (处理中心白名单). What is missing is said precisely: none
held, held for another area or route type, not yet granted, not yet valid, or expired.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from baotong.transport.entities import CredentialKind, CredentialState, RouteType


@dataclass(frozen=True, slots=True)
class Held:
    """A credential as the rules see it."""

    kind: CredentialKind
    state: CredentialState
    areas: frozenset[str]
    route_types: frozenset[str]
    valid_from: date
    valid_to: date


@dataclass(frozen=True, slots=True)
class Missing:
    """What stops a run: the vehicle (plate) or driver (name), the area and the reason."""

    subject: str  # "vehicle" | "driver" | "site"
    who: str
    area: str
    need: CredentialKind
    reason: str  # none | other_area | route_type | not_granted | not_yet_valid | expired
    until: date | None = None  # the date a credential expired (or becomes valid)


def controlled_area(chain: Iterable[str], controlled: Iterable[str]) -> str | None:
    """The controlled area the destination lies in: ``chain`` is the destination's code and
    those of the regions containing it, innermost first."""
    areas = set(controlled)
    return next((code for code in chain if code in areas), None)


def _verdict(
    held: list[Held], kinds: set[CredentialKind], chain: set[str], route: RouteType | None,
    on: date,
) -> tuple[str, date | None] | None:  # fmt: skip
    """None when one credential clears the run; else the nearest miss and its date."""
    mine = [h for h in held if h.kind in kinds]
    if not mine:
        return ("none", None)
    covering = [h for h in mine if h.areas & chain]
    if not covering:
        return ("other_area", None)
    if route is not None:
        covering = [h for h in covering if route.value in h.route_types]
        if not covering:
            return ("route_type", None)
    granted = [h for h in covering if h.state in (CredentialState.GRANTED, CredentialState.EXPIRED)]
    if not granted:
        return ("not_granted", None)
    if any(h.state is CredentialState.GRANTED and h.valid_from <= on <= h.valid_to
           for h in granted):  # fmt: skip
        return None
    later = [h for h in granted if h.valid_from > on]
    if later:
        return ("not_yet_valid", min(h.valid_from for h in later))
    return ("expired", max(h.valid_to for h in granted))


def clearance(
    *,
    chain: tuple[str, ...],
    controlled: Iterable[str],
    on: date,
    route_type: RouteType,
    vehicle: tuple[str, list[Held]],
    driver: tuple[str, list[Held]],
) -> list[Missing]:
    """What the run lacks to enter its destination's controlled area (none outside one)."""
    area = controlled_area(chain, controlled)
    if area is None:
        return []
    inside = set(chain)
    vehicle_kinds = {CredentialKind.VEHICLE_PASS}
    if route_type is RouteType.INTER_PROVINCIAL:
        vehicle_kinds.add(CredentialKind.GREEN_CHANNEL)
    missing = []
    plate, vehicle_held = vehicle
    found = _verdict(vehicle_held, vehicle_kinds, inside, route_type, on)
    if found is not None:
        missing.append(Missing("vehicle", plate, area, CredentialKind.VEHICLE_PASS, *found))
    name, driver_held = driver
    found = _verdict(driver_held, {CredentialKind.STAFF_WHITELIST}, inside, None, on)
    if found is not None:
        missing.append(Missing("driver", name, area, CredentialKind.STAFF_WHITELIST, *found))
    return missing


@dataclass(frozen=True, slots=True)
class Site:
    """A site a run starts or ends at, as the rules see it: its code and name, its region
    and those containing it (innermost first), the credential it needs and those it holds."""

    code: str
    name: str
    chain: tuple[str, ...]
    need: CredentialKind  # site_permit, or centre_whitelist for a processing centre
    held: list[Held]


def site_clearance(*, sites: Iterable[Site], controlled: Iterable[str], on: date) -> list[Missing]:
    """What the run's sites lack: one inside a controlled area needs a granted credential
    of its kind, valid on ``on``, for a region containing it (none outside one)."""
    areas = set(controlled)
    missing = []
    for site in sites:
        area = controlled_area(site.chain, areas)
        if area is None:
            continue
        found = _verdict(site.held, {site.need}, set(site.chain), None, on)
        if found is not None:
            missing.append(Missing("site", f"{site.name} ({site.code})", area, site.need,
                                   *found))  # fmt: skip
    return missing
