"""Contingency planning: who sorts a locked-down area's mail, and how the network re-routes.

When a province locks down, centres in neighbouring provinces each take over one zone of it
(异地分区覆盖); when a city locks down, nearby centres sort its mail straight down to
station, grid or segment. The planner picks those backup centres, assigns every zone to
exactly one of them within capacity, chutes and road time, and derives the new sort &
dispatch relations, transit relations, transport and delays.

Engine API (pure, no database; stable for the service, simulator and sweeps)::

    from baotong.contingency.scenario import Scenario, ManualPlan
    from baotong.contingency import plan, evaluate, compare   # or .engine
    from baotong.contingency.outputs import plan_csv, plan_xlsx
    from baotong.contingency.report import report_html

    scenario = Scenario.from_yaml(path_or_text)        # or scenario.validate(Scenario, dict)
    result = plan(network, scenario, on_progress=None, should_cancel=None)  # -> Plan
    document = result.document()                       # PlanDocument, "baotong.plan/1"
    evaluation = evaluate(network, scenario, manual)   # -> Evaluation (.document())
    plan_csv(document, "assignments") -> str; plan_xlsx(document) -> bytes
    report_html(document, network) -> str; compare(document_a, document_b) -> PlanComparison
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "plan": "baotong.contingency.engine",
    "evaluate": "baotong.contingency.engine",
    "compare": "baotong.contingency.engine",
    "Plan": "baotong.contingency.result",
    "PlanDocument": "baotong.contingency.document",
    "Evaluation": "baotong.contingency.engine",
    "Scenario": "baotong.contingency.scenario",
    "ManualPlan": "baotong.contingency.scenario",
    "plan_csv": "baotong.contingency.outputs",
    "plan_xlsx": "baotong.contingency.outputs",
    "report_html": "baotong.contingency.report",
}


def __getattr__(name: str) -> Any:
    """The engine API, imported on first use (the ORM models need not load the solver)."""
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'baotong.contingency' has no attribute '{name}'")
