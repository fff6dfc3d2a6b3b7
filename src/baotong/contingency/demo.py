"""The contingency part of the demo: the Henan and Chaoyang lockdowns of the examples,
saved as scenarios and planned; Henan's plan is in force and Chaoyang's approved, so the
map, the routing lookup and each plan's operations page show a network being worked."""

from __future__ import annotations

from pathlib import Path

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from baotong.auth.permissions import Principal
from baotong.config import Settings
from baotong.contingency import service, sweep_service
from baotong.contingency.jobs import planner_engine
from baotong.contingency.models import PlanRun, ScenarioRow, SweepRun
from baotong.contingency.sweep import plan_region, sweep_options, sweep_regions
from baotong.core import clock
from baotong.db import demo
from baotong.db.transitions import transition
from baotong.jobs.models import JobRun, JobStatus
from baotong.network.reference import load_active
from baotong.network.service import effective_network

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"
EXAMPLE = EXAMPLES / "henan.yaml"
DEMO = Principal.system("demo")
PLANNED = (("henan.yaml", True), ("chaoyang.yaml", False))  # (example, put in force)
SWEEP_PROVINCES = 7  # the demo sweep: Beijing … Jilin, 2 s each at most
SWEEP_TIME_LIMIT_S = 2.0


def seed_demo(session: Session, settings: Settings) -> list[str]:
    """Save the example scenarios once (by name), ready to plan on the console."""
    said = []
    for name, _ in PLANNED:
        path = EXAMPLES / name
        if not path.is_file():
            continue
        body = yaml.safe_load(path.read_text(encoding="utf-8"))
        if session.scalar(select(ScenarioRow.id).where(ScenarioRow.name == body["name"])):
            continue
        row = service.create_scenario(
            session, body=body, network=load_active(settings), principal=DEMO
        )
        said.append(f"Scenario {row.id}: {row.name}")
    return said


def seed_plans(session: Session, settings: Settings) -> list[str]:
    """Plan each example scenario that has no plan yet, here and now (the demo is seeded
    before any job runner starts); approve them and put Henan's in force."""
    network = None
    said = []
    for name, in_force in PLANNED:
        path = EXAMPLES / name
        if not path.is_file():
            continue
        title = yaml.safe_load(path.read_text(encoding="utf-8"))["name"]
        scenario = session.scalar(select(ScenarioRow).where(ScenarioRow.name == title))
        if scenario is None or session.scalar(
            select(PlanRun.id).where(PlanRun.scenario_id == scenario.id)
        ):
            continue
        network = network or load_active(settings)
        run = service.create_plan(session, scenario_id=scenario.id, name=None, parameters={},
                                  network=network, principal=DEMO)  # fmt: skip
        result = planner_engine(effective_network(session, network=network),
                                dict(run.scenario_body), lambda *_, **__: None,
                                lambda: False)  # fmt: skip
        now = clock.now()
        transition(session, JobRun, run.job_id, JobRun.status, JobStatus.QUEUED,
                   JobStatus.SUCCEEDED, progress=1.0, message="done", started_at=now,
                   finished_at=now, result_ref=f"plan_runs/{run.id}")  # fmt: skip
        service.store_result(session, run=run, result=result)
        service.approve_plan(session, plan_id=run.id, principal=DEMO)
        if in_force:
            service.activate_plan(session, plan_id=run.id, principal=DEMO)
        state = "in force" if in_force else "approved"
        said.append(f"Plan {run.id}: {run.name} ({result.status}, {state})")
    return said


def seed_sweep(session: Session, settings: Settings) -> list[str]:
    """A small province sweep (the first provinces by code, a short time limit each), so
    the sweep pages and their risk table show something; skipped once any sweep is stored."""
    if session.scalar(select(SweepRun.id).limit(1)) is not None:
        return []
    network = effective_network(session, network=load_active(settings))
    codes = sweep_regions(network, "province")[:SWEEP_PROVINCES]
    started = clock.now()
    plans = {code: plan_region(network, code, SWEEP_TIME_LIMIT_S) for code in codes}
    row = SweepRun(level="province", options=sweep_options(SWEEP_TIME_LIMIT_S),
                   network=network.name, source="demo", regions=len(codes),
                   created_by=DEMO.username, started_at=started)  # fmt: skip
    session.add(row)
    session.flush()
    sweep_service.store_plans(session, sweep=row, plans=plans, network=network)
    return [f"Sweep {row.id}: {len(plans)} provinces, {len(row.risk)} centres at risk"]


demo.register("contingency", seed_demo, after=("network",))
demo.register("contingency_plans", seed_plans, after=("contingency",))
demo.register("contingency_sweep", seed_sweep, after=("contingency_plans",))
