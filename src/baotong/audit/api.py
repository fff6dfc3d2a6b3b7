"""``/api/v1/audit``: the audit log, newest first; provincial readers see their province."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response
from pydantic import AwareDatetime

from baotong.api.deps import DbSession, Paging, require, with_total
from baotong.audit import service
from baotong.audit.schemas import AuditRead, ObjectTypeRead
from baotong.auth.permissions import Permission, Principal

router = APIRouter(tags=["audit"])
Reader = Annotated[Principal, Depends(require(Permission.AUDIT_READ))]


@router.get("/audit", response_model=list[AuditRead])
def audit_log(
    session: DbSession,
    user: Reader,
    paging: Paging,
    response: Response,
    object_type: str | None = Query(None, description="One of GET /audit/types."),
    object_id: str | None = None,
    actor: str | None = None,
    action: str | None = None,
    since: AwareDatetime | None = Query(None, description="From this time (inclusive)."),
    until: AwareDatetime | None = Query(None, description="Before this time."),
) -> list[AuditRead]:
    found = service.entries(
        session,
        object_type=object_type,
        object_id=object_id,
        actor=actor,
        action=action,
        since=since,
        until=until,
        province_code=user.province_code,
        page=paging,
    )
    with_total(response, found)
    return [AuditRead.model_validate(r) for r in found.items]


@router.get("/audit/types", response_model=list[ObjectTypeRead])
def audit_types(user: Reader) -> list[ObjectTypeRead]:
    """The audited object types, as the domains registered them."""
    return [
        ObjectTypeRead(name=t.name, label_key=t.label_key, link=t.link)
        for t in service.object_types()
    ]
