"""Making a plan executable: what it asks of each backup centre's floor (chute plan, shift
plan, production schedule) and of the transport office (route timetable, city runs).

``plan_operations(network, plan)`` is a pure function of the plan document and the network
it was computed on; nothing here touches the database.
"""

from __future__ import annotations

from collections import defaultdict

from baotong.contingency.document import Assignment, PlanDocument, TrunkFlow
from baotong.contingency.operations.chutes import chute_plan
from baotong.contingency.operations.cityruns import city_runs
from baotong.contingency.operations.document import CentreOperations, OperationsDocument
from baotong.contingency.operations.params import OperationsParams
from baotong.contingency.operations.schedule import schedule
from baotong.contingency.operations.shifts import shift_plan
from baotong.contingency.operations.timetable import routes
from baotong.network.entities import Network

__all__ = ["OperationsDocument", "OperationsParams", "plan_operations"]


def plan_operations(
    network: Network, plan: PlanDocument, params: OperationsParams | None = None
) -> OperationsDocument:
    params = params or OperationsParams()
    zones: dict[str, list[Assignment]] = defaultdict(list)
    for a in plan.assignments:
        zones[a.backup_center_id].append(a)
    flows: dict[str, list[TrunkFlow]] = defaultdict(list)
    for f in plan.transport.trunk:
        flows[f.backup_center_id].append(f)
    centres = []
    for backup in plan.backups:
        mine = zones.get(backup.center_id, [])
        chutes = chute_plan(network, backup, mine, params)
        timing = schedule(network, backup, mine, flows.get(backup.center_id, []), params)
        volumes = {a.zone_id: a.volume for a in mine}
        staff = shift_plan(network, backup, volumes, chutes.assigned, timing, params)
        centres.append(CentreOperations(center_id=backup.center_id, name=backup.name,
                                        chutes=chutes, shifts=staff, schedule=timing))  # fmt: skip
    return OperationsDocument(
        scenario=plan.scenario,
        centres=centres,
        routes=routes(network, plan, params),
        city_runs=city_runs(network, plan, params),
    )
