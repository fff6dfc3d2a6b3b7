"""The audit log page: who did what to which object, filterable; provincial readers see
their province only (the audit module's rule)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from baotong.api.deps import DbSession
from baotong.auth.permissions import Permission
from baotong.db import audit
from baotong.web.templating import PageRoute, PageUser, need, render

router = APIRouter(route_class=PageRoute)
PAGE = 50
OBJECT_TYPES = ("site", "scenario", "plan", "user")


@router.get("/audit", include_in_schema=False)
def audit_page(
    request: Request, session: DbSession, user: PageUser, object_type: str = "",
    object_id: str = "", page: int = 1,
) -> Response:  # fmt: skip
    """The full page, or only the table when htmx re-filters it."""
    need(user, Permission.AUDIT_READ)
    page = max(page, 1)
    rows = audit.entries(session, object_type=object_type or None,
                         object_id=object_id.strip() or None, province_code=user.province_code,
                         limit=PAGE + 1, offset=(page - 1) * PAGE)  # fmt: skip
    return render(request, "audit/list.html", user, fragment="audit/_table.html",
                  entries=rows[:PAGE], more=len(rows) > PAGE, page=page,
                  object_type=object_type, object_id=object_id,
                  object_types=OBJECT_TYPES)  # fmt: skip
