"""What a plan asks of each backup centre's floor and of the transport office, for the API
and the pages: computed from the stored plan on the service's network (a pure engine, a
second or two with city runs), and kept for the last plans read."""

from __future__ import annotations

import threading
from collections import OrderedDict

from sqlalchemy.orm import Session

from baotong.auth.permissions import Principal
from baotong.contingency import service
from baotong.contingency.operations import OperationsDocument, plan_operations
from baotong.network.entities import Network

KEEP = 16
_cache: OrderedDict[tuple[int, int, str], OperationsDocument] = OrderedDict()
_lock = threading.Lock()


def operations_of(
    session: Session, plan_id: int, network: Network, *, principal: Principal
) -> OperationsDocument:
    """The plan's operations (NotFound outside the principal's scope, Conflict without a
    result)."""
    run = service.get_plan(session, plan_id, principal=principal)
    document = service.plan_result(session, plan_id, principal=principal)
    key = (plan_id, id(network), str(run.finished_at))
    with _lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    computed = plan_operations(network, document)
    with _lock:
        _cache[key] = computed
        while len(_cache) > KEEP:
            _cache.popitem(last=False)
    return computed
