"""Plan lifecycle in the service layer: claims, conflicts, races, lifting, routing."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from baotong.audit.models import AuditEntry
from baotong.contingency import in_force, service
from baotong.contingency.document import PlanDocument
from baotong.contingency.models import ZoneClaim
from baotong.core.exceptions import ConflictError, NotFoundError, ValidationError
from baotong.core.pagination import PageRequest
from baotong.db.session import session_scope
from baotong.jobs.models import JobStatus
from baotong.network.entities import Network

from ..conftest import staff


def _approved(
    sessions: sessionmaker[Session],
    network: Network,
    body: dict[str, Any],
    engine: Callable[..., PlanDocument],
) -> int:
    """A computed and approved plan (computed inline with the tiny planner)."""
    with session_scope(sessions) as session:
        scenario = service.create_scenario(
            session, body=body, network=network, principal=staff("p")
        )
        run = service.create_plan(
            session,
            scenario_id=scenario.id,
            name=None,
            parameters={},
            network=network,
            principal=staff("p"),
        )
        result = engine(network, body, lambda *_: None, lambda: False)
        service.store_result(session, run=run, result=result)
        run.job.status = JobStatus.SUCCEEDED
        service.approve_plan(session, plan_id=run.id, principal=staff("p"))
        return run.id


def _routing(sessions: sessionmaker[Session], network: Network, destination: str) -> Any:
    with session_scope(sessions, write=False) as session:
        return in_force.current_routing(session, network=network, destination=destination)


def test_two_simultaneous_activations_of_overlapping_plans_have_exactly_one_winner(
    seeded: sessionmaker[Session],
    network: Network,
    scenario_body: Callable[..., Any],
    engine_for_tests: Any,
) -> None:
    plans = [
        _approved(seeded, network, scenario_body(f"plan {i}"), engine_for_tests) for i in range(2)
    ]
    barrier = threading.Barrier(2)
    outcomes: dict[int, str] = {}

    def activate(plan_id: int) -> None:
        barrier.wait()
        try:
            with session_scope(seeded) as session:
                service.activate_plan(session, plan_id=plan_id, principal=staff("d"))
            outcomes[plan_id] = "active"
        except ConflictError as exc:
            outcomes[plan_id] = f"conflict:{exc.data['conflicting_plan_id']}"

    threads = [threading.Thread(target=activate, args=(p,)) for p in plans]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    winners = [p for p, outcome in outcomes.items() if outcome == "active"]
    assert len(winners) == 1, outcomes
    loser = next(p for p in plans if p not in winners)
    assert outcomes[loser] == f"conflict:{winners[0]}"
    with session_scope(seeded, write=False) as session:
        holders = set(session.scalars(select(ZoneClaim.plan_id)))
        assert holders == {winners[0]}
        assert service.get_plan(session, loser, principal=staff()).lifecycle == "approved"


def test_lifting_restores_the_baseline_of_every_zone_exactly(
    seeded: sessionmaker[Session],
    network: Network,
    scenario_body: Callable[..., Any],
    engine_for_tests: Any,
) -> None:
    destinations = ["410101", "410102", "410103", "S4101031", "S4101020-G01", "S4101020-G01-S01"]
    baseline = [_routing(seeded, network, d) for d in destinations]
    plan_id = _approved(seeded, network, scenario_body(), engine_for_tests)
    with session_scope(seeded) as session:
        service.activate_plan(session, plan_id=plan_id, principal=staff("d"))
    during = [_routing(seeded, network, d) for d in destinations]
    assert all(r.source == "plan" and r.center_id != "ZZ" for r in during)
    with session_scope(seeded) as session:
        service.lift_plan(session, plan_id=plan_id, principal=staff("d"))
    assert [_routing(seeded, network, d) for d in destinations] == baseline
    with session_scope(seeded, write=False) as session:
        assert session.scalar(select(func.count()).select_from(ZoneClaim)) == 0


def test_a_segment_is_routed_with_its_station_and_an_unknown_grid_is_refused(
    seeded: sessionmaker[Session], network: Network
) -> None:
    station = network.stations["S4101020"]
    segment = station.segment_ids()[-1]
    routed = _routing(seeded, network, segment)
    assert routed.destination_kind == "segment"
    assert routed.station_id == "S4101020"
    assert routed.center_id == _routing(seeded, network, "S4101020").center_id
    with pytest.raises(NotFoundError) as refused:
        _routing(seeded, network, f"S4101020-G{station.grids + 1:02d}")
    assert refused.value.message == (
        f"Station S4101020 has no grid 'S4101020-G{station.grids + 1:02d}' "
        f"({station.grids} grids of {station.segments_per_grid} segments)."
    )


def test_a_plan_effective_later_keeps_the_baseline_until_then(
    seeded: sessionmaker[Session],
    network: Network,
    scenario_body: Callable[..., Any],
    engine_for_tests: Any,
) -> None:
    from datetime import timedelta

    from baotong.core import clock

    plan_id = _approved(seeded, network, scenario_body(), engine_for_tests)
    with session_scope(seeded) as session:
        service.activate_plan(
            session,
            plan_id=plan_id,
            principal=staff("d"),
            effective_at=clock.now() + timedelta(hours=6),
        )
    assert _routing(seeded, network, "410101").source == "baseline"


def test_a_failed_activation_leaves_no_audit_row_and_no_claim(
    seeded: sessionmaker[Session],
    network: Network,
    scenario_body: Callable[..., Any],
    engine_for_tests: Any,
) -> None:
    first = _approved(seeded, network, scenario_body("a"), engine_for_tests)
    second = _approved(seeded, network, scenario_body("b"), engine_for_tests)
    with session_scope(seeded) as session:
        service.activate_plan(session, plan_id=first, principal=staff("d"))
    with pytest.raises(ConflictError), session_scope(seeded) as session:
        service.activate_plan(session, plan_id=second, principal=staff("d"))
    with session_scope(seeded, write=False) as session:
        actions = session.scalars(
            select(AuditEntry.action).where(AuditEntry.object_id == str(second))
        )
        assert "plan.activate" not in list(actions)
        assert service.get_plan(session, second, principal=staff()).lifecycle == "approved"


@pytest.mark.parametrize(
    ("destination", "error"),
    [("410100", ValidationError), ("Atlantis", NotFoundError), ("410000", ValidationError)],
)
def test_routing_needs_a_county_station_or_grid(
    seeded: sessionmaker[Session], network: Network, destination: str, error: type[Exception]
) -> None:
    with pytest.raises(error):
        _routing(seeded, network, destination)


def test_routing_by_pinyin_and_with_an_origin(
    seeded: sessionmaker[Session], network: Network
) -> None:
    answer = _routing(seeded, network, "henan1xian")
    assert answer.region_code == "410101"
    with session_scope(seeded, write=False) as session:
        routed = in_force.current_routing(
            session, network=network, destination="410101", origin="XA"
        )
    assert routed.transit.chain == ["XA", "ZZ"]


def test_overlapping_plans_listing_zones_in_opposite_orders_still_have_one_winner(
    seeded: sessionmaker[Session],
    network: Network,
    scenario_body: Callable[..., Any],
    engine_for_tests: Any,
) -> None:
    def reversed_engine(*args: Any) -> PlanDocument:
        result: PlanDocument = engine_for_tests(*args)
        return result.model_copy(update={"assignments": list(reversed(result.assignments))})

    for attempt in range(3):
        plans = [
            _approved(seeded, network, scenario_body(f"a{attempt}"), engine_for_tests),
            _approved(seeded, network, scenario_body(f"b{attempt}"), reversed_engine),
        ]
        barrier = threading.Barrier(2)
        errors: list[Exception] = []

        def activate(
            plan_id: int, barrier: threading.Barrier = barrier, errors: list[Exception] = errors
        ) -> None:
            barrier.wait()
            try:
                with session_scope(seeded) as session:
                    service.activate_plan(session, plan_id=plan_id, principal=staff("d"))
            except Exception as exc:  # collected: anything but a conflict fails the test
                errors.append(exc)

        threads = [threading.Thread(target=activate, args=(p,)) for p in plans]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert len(errors) == 1
        assert isinstance(errors[0], ConflictError), repr(errors[0])
        with session_scope(seeded) as session:
            for plan_id in plans:
                if service.get_plan(session, plan_id, principal=staff()).lifecycle == "active":
                    service.lift_plan(session, plan_id=plan_id, principal=staff("d"))


def test_lists_are_scoped_and_paged_by_the_database(
    seeded: sessionmaker[Session], network: Network, scenario_body: Callable[..., dict[str, Any]]
) -> None:
    with session_scope(seeded) as session:
        for n in range(3):
            service.create_scenario(
                session, body=scenario_body(f"河南{n}"), network=network, principal=staff()
            )
        for n in range(2):
            body = scenario_body(f"湖北{n}", region="420000")
            service.create_scenario(session, body=body, network=network, principal=staff())
    with session_scope(seeded, write=False) as session:
        hubei = staff(province="420000")
        first = service.list_scenarios(session, principal=hubei, page=PageRequest(limit=1))
        assert (first.total, [s.name for s in first.items]) == (2, ["湖北1"])
        assert first.has_more
        second = service.list_scenarios(
            session, principal=hubei, page=PageRequest(limit=1, offset=1)
        )
        assert [s.name for s in second.items] == ["湖北0"]
        assert service.list_scenarios(session, principal=staff()).total == 5
        henan = service.list_scenarios(session, principal=staff(province="410000"))
        assert [s.province_code for s in henan.items] == ["410000"] * 3
