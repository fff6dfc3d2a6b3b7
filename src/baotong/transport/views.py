"""Views of transport shared by the API and the pages."""

from __future__ import annotations

from sqlalchemy.orm import Session

from baotong.auth.permissions import Principal
from baotong.transport import service
from baotong.transport.schemas import Custody, EvidenceRead, HandoverRead


def custody_of(session: Session, load_ref: str, *, principal: Principal) -> Custody:
    """The load's chain of custody with its evidence and what went missing on the way."""
    rows = service.custody(session, load_ref, principal=principal)
    files = service.evidence_ids(session, [r.id for r in rows])
    handovers = []
    for r in rows:
        attached = [EvidenceRead(id=i, filename=n, kind=k) for i, n, k in files.get(r.id, [])]
        handovers.append(HandoverRead.model_validate(r).model_copy(update={"evidence": attached}))
    return Custody(load_ref=load_ref, holder=rows[-1].to_party, first_count=rows[0].count,
                   last_count=rows[-1].count, short=sum(r.short for r in rows),
                   damaged=sum(r.damaged for r in rows), handovers=handovers)  # fmt: skip
