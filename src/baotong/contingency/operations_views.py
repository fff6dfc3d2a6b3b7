"""What a plan asks of each backup centre's floor and of the transport office, for the API
and the pages: computed from the stored plan on the service's network (a pure engine, a
second or two with city runs), and kept for the last plans read."""

from __future__ import annotations

from sqlalchemy.orm import Session

from baotong.auth.permissions import Principal
from baotong.contingency import service
from baotong.contingency.operations import OperationsDocument, plan_operations
from baotong.core.recent import Recent
from baotong.network.entities import Network

_recent: Recent[OperationsDocument] = Recent()


def operations_of(
    session: Session, plan_id: int, network: Network, *, principal: Principal
) -> OperationsDocument:
    """The plan's operations (NotFound outside the principal's scope, Conflict without a
    result)."""
    run = service.get_plan(session, plan_id, principal=principal)
    document = service.plan_result(session, plan_id, principal=principal)
    key = (plan_id, id(network), str(run.finished_at))
    return _recent.get(key, lambda: plan_operations(network, document))
