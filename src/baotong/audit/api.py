"""``/api/v1/audit``: the audit log, newest first; provincial readers see their province."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import AwareDatetime

from baotong.api.deps import DbSession, require
from baotong.audit import service
from baotong.audit.schemas import AuditRead, ObjectTypeRead
from baotong.auth.permissions import Permission, Principal

router = APIRouter(tags=["audit"])
Reader = Annotated[Principal, Depends(require(Permission.AUDIT_READ))]


@router.get("/audit", response_model=list[AuditRead])
def audit_log(
    session: DbSession,
    user: Reader,
    object_type: str | None = Query(None, description="One of GET /audit/types."),
    object_id: str | None = None,
    actor: str | None = None,
    action: str | None = None,
    since: AwareDatetime | None = Query(None, description="From this time (inclusive)."),
    until: AwareDatetime | None = Query(None, description="Before this time."),
    limit: int = Query(100, ge=1, le=1000),
    offset: int = Query(0, ge=0),
) -> list[AuditRead]:
    rows = service.entries(
        session,
        object_type=object_type,
        object_id=object_id,
        actor=actor,
        action=action,
        since=since,
        until=until,
        province_code=user.province_code,
        limit=limit,
        offset=offset,
    )
    return [AuditRead.model_validate(r) for r in rows]


@router.get("/audit/types", response_model=list[ObjectTypeRead])
def audit_types(user: Reader) -> list[ObjectTypeRead]:
    """The audited object types, as the domains registered them."""
    return [
        ObjectTypeRead(name=t.name, label_key=t.label_key, link=t.link)
        for t in service.object_types()
    ]
