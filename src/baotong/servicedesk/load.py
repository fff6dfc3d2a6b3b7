"""Call-centre load per province, diversion of overflow, remote seats, and the public
channels board.

The telephony feeds each province's figures (``feed``); the sweep (``sweep``, a recurring
pass every ``SWEEP_SECONDS``, scheduled by the jobs layer whatever a pass did) applies
every active diversion rule: a province over its threshold sends up to ``cap`` of its
excess contacts to its targets in order — a province takes what keeps it under its own
threshold, the national centre takes the rest — and each move is logged with its reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from baotong import jobs
from baotong.audit import service as audit_service
from baotong.auth.permissions import Principal
from baotong.contingency import service as contingency_service
from baotong.core import clock
from baotong.core.exceptions import NotFoundError, ValidationError
from baotong.core.i18n import N_
from baotong.core.pagination import Page, PageRequest, paginate
from baotong.network.entities import Network
from baotong.servicedesk.models import (
    CallCentreLoad,
    Diversion,
    DiversionRule,
    PublicChannel,
)
from baotong.servicedesk.schemas import ChannelWrite, LoadIn, RuleWrite

audit_service.register_type(
    "call_centre", label_key=N_("object.call_centre"), link="/servicedesk/load"
)
audit_service.register_type("public_channel", label_key=N_("object.public_channel"),
                            link="/servicedesk/channels")  # fmt: skip

NATIONAL = "national"
SWEEP = "callcentre.sweep"
SWEEP_SECONDS = 60
N_("load.reason.waiting")  # why a diversion was made, in the log
N_("load.reason.wait")
DEFAULT_HEADROOM = 20  # what a target province without a rule takes before it overflows


def _province(network: Network, code: str, field: str) -> str:
    region = network.regions.get(code)
    if region is None or region.level.value != "province":
        raise ValidationError(
            f"'{code}' is not a province of the network.", code="servicedesk.unknown_province",
            field=field, value=code, region=code,
        )  # fmt: skip
    return code


def _check_scope(principal: Principal, code: str) -> None:
    if not principal.sees_province(code):
        raise NotFoundError(
            f"No call centre of province {code} in your scope.",
            code="servicedesk.not_your_province", province=code,
        )  # fmt: skip


# -- load -------------------------------------------------------------------------------
def loads(session: Session, *, principal: Principal) -> list[CallCentreLoad]:
    query = select(CallCentreLoad).order_by(CallCentreLoad.province_code)
    if principal.province_code is not None:
        query = query.where(CallCentreLoad.province_code == principal.province_code)
    return list(session.scalars(query))


def _row(session: Session, code: str) -> CallCentreLoad:
    row = session.get(CallCentreLoad, code)
    if row is None:
        row = CallCentreLoad(
            province_code=code, waiting=0, longest_wait_s=0, agents_online=0, remote_seats=0,
            handled_per_hour=0, updated_at=clock.now(),
        )  # fmt: skip
        session.add(row)
    return row


def feed(
    session: Session, *, network: Network, figures: Sequence[LoadIn], principal: Principal
) -> list[CallCentreLoad]:
    """Store the figures the telephony reports (remote seats count among agents online)."""
    for i, f in enumerate(figures):
        _province(network, f.province_code, f"[{i}].province_code")
        _check_scope(principal, f.province_code)
    rows = []
    for f in figures:
        row = _row(session, f.province_code)
        row.waiting, row.longest_wait_s = f.waiting, f.longest_wait_s
        row.agents_online = f.agents_online + row.remote_seats
        row.handled_per_hour, row.updated_at = f.handled_per_hour, clock.now()
        rows.append(row)
    session.flush()
    ensure_sweep(session)
    return rows


def add_remote_seats(
    session: Session, *, network: Network, province_code: str, count: int, principal: Principal
) -> CallCentreLoad:
    """``count`` remote (VPN) seats for a province's call centre, online from now."""
    _province(network, province_code, "province_code")
    _check_scope(principal, province_code)
    row = _row(session, province_code)
    before = {"remote_seats": row.remote_seats}
    row.remote_seats += count
    row.agents_online += count
    row.updated_at = clock.now()
    session.flush()
    audit_service.record(
        session, actor=principal.username, action="call_centre.add_seats",
        object_type="call_centre", object_id=province_code, province_code=province_code,
        before=before, after={"remote_seats": row.remote_seats},
    )  # fmt: skip
    return row


def simulate_surge(
    session: Session, *, network: Network, provinces: Sequence[str], seed: int,
    principal: Principal,
) -> list[CallCentreLoad]:  # fmt: skip
    """Figures for every province: calm ones, and a lockdown surge in ``provinces``
    (default: the provinces of the plans in force)."""
    rng = np.random.default_rng(seed)
    surging = set(provinces) or {
        code for plan in contingency_service.active_plans(session, principal=None)
        for code in plan.provinces
    }  # fmt: skip
    figures = []
    for region in network.provinces():
        if not principal.sees_province(region.code):
            continue
        hot = region.code in surging
        figures.append(LoadIn(
            province_code=region.code,
            waiting=int(rng.integers(120, 320) if hot else rng.integers(0, 12)),
            longest_wait_s=int(rng.integers(600, 1800) if hot else rng.integers(10, 120)),
            agents_online=int(rng.integers(20, 40) if hot else rng.integers(8, 30)),
            handled_per_hour=int(rng.integers(150, 300) if hot else rng.integers(40, 200)),
        ))  # fmt: skip
    return feed(session, network=network, figures=figures, principal=principal)


# -- rules and the sweep ----------------------------------------------------------------
def rules(session: Session, *, principal: Principal) -> list[DiversionRule]:
    query = select(DiversionRule).order_by(DiversionRule.province_code)
    if principal.province_code is not None:
        query = query.where(DiversionRule.province_code == principal.province_code)
    return list(session.scalars(query))


def set_rule(
    session: Session, *, network: Network, data: RuleWrite, principal: Principal
) -> DiversionRule:
    """Create or replace a province's diversion rule."""
    _province(network, data.province_code, "province_code")
    _check_scope(principal, data.province_code)
    for i, target in enumerate(data.targets):
        if target != NATIONAL:
            _province(network, target, f"targets[{i}]")
        if target == data.province_code:
            raise ValidationError(
                "a province cannot divert to itself.", code="servicedesk.divert_to_self",
                field=f"targets[{i}]", value=target,
            )  # fmt: skip
    row = session.get(DiversionRule, data.province_code)
    before = None if row is None else {"max_waiting": row.max_waiting, "cap": row.cap}
    if row is None:
        row = DiversionRule(province_code=data.province_code)
        session.add(row)
    row.max_waiting, row.max_wait_s, row.targets = data.max_waiting, data.max_wait_s, data.targets
    row.cap, row.active = data.cap, data.active
    row.updated_by, row.updated_at = principal.username, clock.now()
    session.flush()
    audit_service.record(
        session, actor=principal.username, action="call_centre.set_rule",
        object_type="call_centre", object_id=row.province_code, province_code=row.province_code,
        before=before, after=data.model_dump(),
    )  # fmt: skip
    ensure_sweep(session)
    return row


def divert(session: Session) -> list[Diversion]:
    """Apply every active rule once; the diversions made."""
    now = clock.now()
    active = list(session.scalars(select(DiversionRule).where(DiversionRule.active.is_(True))))
    thresholds = {r.province_code: r.max_waiting for r in active}
    made: list[Diversion] = []
    for rule in active:
        source = session.get(CallCentreLoad, rule.province_code)
        if source is None:
            continue
        over_count = source.waiting > rule.max_waiting
        over_time = source.longest_wait_s > rule.max_wait_s
        if not (over_count or over_time):
            continue
        reason = "waiting" if over_count else "wait"
        excess = source.waiting - rule.max_waiting if over_count else (source.waiting + 1) // 2
        left = min(excess, rule.cap)
        waiting, longest = source.waiting, source.longest_wait_s
        for target in rule.targets:
            if left <= 0:
                break
            if target == NATIONAL:
                taken = left
            else:
                row = _row(session, target)
                room = thresholds.get(target, DEFAULT_HEADROOM) - row.waiting
                taken = max(0, min(left, room))
                row.waiting += taken
            if taken <= 0:
                continue
            left -= taken
            source.waiting -= taken
            made.append(Diversion(at=now, province_code=rule.province_code, target=target,
                                  contacts=taken, reason=reason, waiting=waiting,
                                  longest_wait_s=longest))  # fmt: skip
        if waiting and source.waiting < waiting:
            source.longest_wait_s = int(longest * source.waiting / waiting)
            source.updated_at = now
    session.add_all(made)
    session.flush()
    return made


def sweep(session: Session, run: jobs.Pass) -> None:
    """One pass of the periodic sweep: divert what overflows now. The jobs layer schedules
    the next pass, whatever this one did."""
    run.unit("diversions", lambda: divert(session))


def ensure_sweep(session: Session) -> None:
    """Schedule the sweep unless a pass is pending."""
    jobs.ensure_recurring(session, SWEEP)


jobs.register_recurring(SWEEP, sweep, every=timedelta(seconds=SWEEP_SECONDS))


def diversions(session: Session, *, principal: Principal, page: PageRequest) -> Page[Diversion]:
    query = select(Diversion).order_by(Diversion.id.desc())
    if principal.province_code is not None:
        query = query.where(Diversion.province_code == principal.province_code)
    return paginate(session, query, page)


# -- public channels --------------------------------------------------------------------
def channels(session: Session, *, province_code: str | None = None) -> list[PublicChannel]:
    query = select(PublicChannel).order_by(
        PublicChannel.province_code, PublicChannel.kind, PublicChannel.name
    )
    if province_code:
        query = query.where(PublicChannel.province_code == province_code)
    return list(session.scalars(query))


def set_channel(
    session: Session, *, network: Network, data: ChannelWrite, principal: Principal
) -> PublicChannel:
    """Record that a channel is open, limited or closed, since now and why."""
    _province(network, data.province_code, "province_code")
    _check_scope(principal, data.province_code)
    row = session.scalar(
        select(PublicChannel).where(
            PublicChannel.province_code == data.province_code,
            PublicChannel.kind == data.kind, PublicChannel.name == data.name,
        )
    )  # fmt: skip
    before = None if row is None else {"status": row.status.value}
    if row is None:
        row = PublicChannel(province_code=data.province_code, kind=data.kind, name=data.name)
        session.add(row)
    row.status, row.reason = data.status, data.reason
    row.since, row.changed_by = clock.now(), principal.username
    session.flush()
    audit_service.record(
        session, actor=principal.username, action="public_channel.set",
        object_type="public_channel", object_id=str(row.id), province_code=row.province_code,
        before=before, after={"status": row.status.value, "reason": row.reason},
    )  # fmt: skip
    return row
