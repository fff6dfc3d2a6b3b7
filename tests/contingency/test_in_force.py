"""What is in force: scheduled activation, overlapping plans across levels, backups that
are closed or locked — one answer for every destination."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from baotong import jobs
from baotong.contingency import in_force, service
from baotong.contingency import jobs as contingency_jobs  # noqa: F401  (registers plan.start)
from baotong.contingency.document import PlanDocument
from baotong.contingency.models import AreaClaim, PlanLifecycle, PlanRun
from baotong.core import clock
from baotong.core.exceptions import ConflictError
from baotong.db.session import session_scope
from baotong.jobs.models import JobStatus
from baotong.network import service as network_service
from baotong.network.entities import Network, SiteStatus
from baotong.network.schemas import StatusChange

from ..conftest import staff

NOW = datetime(2026, 12, 1, 0, 0, tzinfo=UTC)  # 08:00 in Beijing


def _approved(
    sessions: sessionmaker[Session],
    network: Network,
    engine: Callable[..., PlanDocument],
    region: str,
    level: str = "province",
) -> int:
    body: dict[str, Any] = {
        "name": f"{region} {level}",
        "locked_areas": [{"region": region, "level": level}],
        "product_classes": {"parcel": 1.0},
    }
    with session_scope(sessions) as session:
        scenario = service.create_scenario(session, body=body, network=network,
                                           principal=staff("p"))  # fmt: skip
        run = service.create_plan(session, scenario_id=scenario.id, name=None, parameters={},
                                  network=network, principal=staff("p"))  # fmt: skip
        service.store_result(session, run=run, result=engine(network, body, lambda *_: None,
                                                             lambda: False))  # fmt: skip
        run.job.status = JobStatus.SUCCEEDED
        service.approve_plan(session, plan_id=run.id, principal=staff("p"))
        return run.id


def _activate(sessions: sessionmaker[Session], plan_id: int, at: datetime | None = None) -> None:
    with session_scope(sessions) as session:
        service.activate_plan(session, plan_id=plan_id, principal=staff("d"), effective_at=at)


def _lifecycle(sessions: sessionmaker[Session], plan_id: int) -> PlanLifecycle:
    with session_scope(sessions, write=False) as session:
        run = session.get(PlanRun, plan_id)
        assert run is not None
        return run.lifecycle


def _source(sessions: sessionmaker[Session], network: Network, destination: str) -> Any:
    with session_scope(sessions, write=False) as session:
        found = in_force.current_routing(session, network=network, destination=destination)
        return (found.source, found.plan_id)


def test_a_scheduled_plan_changes_nothing_until_the_sweep_at_its_effective_time(
    seeded: sessionmaker[Session], network: Network, engine_for_tests: Any
) -> None:
    plan_id = _approved(seeded, network, engine_for_tests, "410000")
    with clock.frozen(NOW) as frozen:
        _activate(seeded, plan_id, NOW + timedelta(hours=6))
        assert _lifecycle(seeded, plan_id) is PlanLifecycle.SCHEDULED
        assert _source(seeded, network, "410101") == ("baseline", None)
        with session_scope(seeded, write=False) as session:
            assert service.active_plans(session, principal=None) == []
        frozen.advance(timedelta(hours=5, minutes=59))
        jobs.fire_due(seeded)
        assert _lifecycle(seeded, plan_id) is PlanLifecycle.SCHEDULED
        assert _source(seeded, network, "410101") == ("baseline", None)
        frozen.advance(timedelta(minutes=1))
        assert jobs.fire_due(seeded) == 1
        assert _lifecycle(seeded, plan_id) is PlanLifecycle.ACTIVE
        assert _source(seeded, network, "410101") == ("plan", plan_id)
        with session_scope(seeded, write=False) as session:
            assert [r.id for r in service.active_plans(session, principal=None)] == [plan_id]


def test_a_scheduled_activation_can_be_cancelled_and_its_areas_are_free_again(
    seeded: sessionmaker[Session], network: Network, engine_for_tests: Any
) -> None:
    first = _approved(seeded, network, engine_for_tests, "410000")
    second = _approved(seeded, network, engine_for_tests, "410000")
    with clock.frozen(NOW) as frozen:
        _activate(seeded, first, NOW + timedelta(hours=2))
        with pytest.raises(ConflictError) as held:
            _activate(seeded, second)
        assert held.value.code == "plan.zone_claimed"
        with session_scope(seeded) as session:
            service.cancel_schedule(session, plan_id=first, principal=staff("d"))
        assert _lifecycle(seeded, first) is PlanLifecycle.APPROVED
        frozen.advance(timedelta(hours=3))
        assert jobs.fire_due(seeded) == 0  # the start was called off with it
        assert _lifecycle(seeded, first) is PlanLifecycle.APPROVED
        _activate(seeded, second)
        assert _source(seeded, network, "410102") == ("plan", second)


LEVELS = [("410000", "province"), ("410100", "city"), ("410101", "city")]
PAIRS = [(a, b) for a in LEVELS for b in LEVELS if a != b]


@pytest.mark.parametrize(("first", "second"), PAIRS, ids=lambda p: f"{p[0]}")
def test_overlapping_plans_of_any_two_levels_never_hold_the_same_area(
    seeded: sessionmaker[Session],
    network: Network,
    engine_for_tests: Any,
    first: tuple[str, str],
    second: tuple[str, str],
) -> None:
    held = _approved(seeded, network, engine_for_tests, *first)
    refused = _approved(seeded, network, engine_for_tests, *second)
    _activate(seeded, held)
    with pytest.raises(ConflictError) as conflict:
        _activate(seeded, refused)
    assert conflict.value.code == "plan.zone_claimed"
    assert conflict.value.data["conflicting_plan_id"] == held
    assert _lifecycle(seeded, refused) is PlanLifecycle.APPROVED
    with session_scope(seeded, write=False) as session:
        holders = set(session.scalars(select(AreaClaim.plan_id)))
    assert holders == {held}
    for destination in ("410101", "S4101010", "S4101011"):
        assert _source(seeded, network, destination) == ("plan", held)


def test_a_plan_whose_backup_is_closed_is_refused_with_the_reason(
    seeded: sessionmaker[Session], network: Network, engine_for_tests: Any
) -> None:
    plan_id = _approved(seeded, network, engine_for_tests, "410000")  # backup: WH
    with session_scope(seeded) as session:
        network_service.change_status(
            session, site_id="WH", principal=staff("d"),
            **dict(StatusChange(status=SiteStatus.CLOSED, reason="洪水")),
        )  # fmt: skip
    with pytest.raises(ConflictError) as refused:
        _activate(seeded, plan_id)
    assert refused.value.code == "plan.backup_closed"
    assert refused.value.data["center_id"] == "WH"
    assert _lifecycle(seeded, plan_id) is PlanLifecycle.APPROVED


def test_a_plan_whose_backup_lies_in_a_locked_area_is_refused(
    seeded: sessionmaker[Session], network: Network, engine_for_tests: Any
) -> None:
    hubei = _approved(seeded, network, engine_for_tests, "420000")  # backup: ZZ in Henan
    henan = _approved(seeded, network, engine_for_tests, "410000")  # backup: WH in Hubei
    _activate(seeded, hubei)
    with pytest.raises(ConflictError) as refused:
        _activate(seeded, henan)
    assert refused.value.code == "plan.backup_locked"
    assert refused.value.data["center_id"] == "WH"
    assert refused.value.data["conflicting_plan_id"] == hubei


def test_a_plan_that_would_lock_another_plans_backup_is_refused(
    seeded: sessionmaker[Session], network: Network, engine_for_tests: Any
) -> None:
    shandong = _approved(seeded, network, engine_for_tests, "370000")  # backup: ZZ in Henan
    henan = _approved(seeded, network, engine_for_tests, "410000")  # backup: WH
    _activate(seeded, shandong, clock.now() + timedelta(days=1))  # scheduled counts too
    with pytest.raises(ConflictError) as refused:
        _activate(seeded, henan)
    assert refused.value.code == "plan.locks_backup"
    assert refused.value.data["center_id"] == "ZZ"


def test_an_approval_can_be_withdrawn_and_a_lifted_plan_reinstated_while_the_network_holds(
    seeded: sessionmaker[Session], network: Network, engine_for_tests: Any
) -> None:
    plan_id = _approved(seeded, network, engine_for_tests, "410000")
    with session_scope(seeded) as session:
        service.withdraw_approval(session, plan_id=plan_id, principal=staff("p"))
    assert _lifecycle(seeded, plan_id) is PlanLifecycle.DRAFT
    with session_scope(seeded) as session:
        service.approve_plan(session, plan_id=plan_id, principal=staff("p"))
    _activate(seeded, plan_id)
    with session_scope(seeded) as session:
        service.lift_plan(session, plan_id=plan_id, principal=staff("d"))
        service.reinstate_plan(session, plan_id=plan_id, principal=staff("d"))
    _activate(seeded, plan_id)
    assert _source(seeded, network, "410101") == ("plan", plan_id)
    with session_scope(seeded) as session:
        service.lift_plan(session, plan_id=plan_id, principal=staff("d"))
        network_service.change_status(
            session, site_id="XA", principal=staff("d"),
            **dict(StatusChange(status=SiteStatus.LIMITED, reason="检修")),
        )  # fmt: skip
    with pytest.raises(ConflictError) as changed, session_scope(seeded) as session:
        service.reinstate_plan(session, plan_id=plan_id, principal=staff("d"))
    assert changed.value.code == "plan.network_changed"
