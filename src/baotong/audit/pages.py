"""The audit log page: who did what to which object, filterable by the registered object
types; provincial readers see their province only (the audit service's rule)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from baotong.api.deps import DbSession
from baotong.audit import service as audit
from baotong.audit.changes import changes
from baotong.auth.permissions import Permission, Principal
from baotong.core import clock
from baotong.core.i18n import N_
from baotong.core.pagination import PageRequest
from baotong.web.forms import parse_day
from baotong.web.templating import NavItem, PageRoute, page_require, render

router = APIRouter(route_class=PageRoute)
nav = NavItem("/audit", N_("nav.audit"), Permission.AUDIT_READ)
Reader = Annotated[Principal, Depends(page_require(Permission.AUDIT_READ))]
PAGE = 50


@router.get("/audit", include_in_schema=False)
def audit_page(
    request: Request, session: DbSession, user: Reader, object_type: str = "",
    object_id: str = "", actor: str = "", action: str = "", since: str = "", until: str = "",
    page: int = 1,
) -> Response:  # fmt: skip
    """The full page, or only the table when htmx re-filters it.

    ``since`` and ``until`` are days (YYYY-MM-DD) of the user's time zone; ``until``
    includes its whole day.
    """
    filters: dict[str, Any] = {
        "object_type": object_type, "object_id": object_id.strip(), "actor": actor.strip(),
        "action": action.strip(), "since": since, "until": until}  # fmt: skip
    found = audit.entries(session, object_type=object_type or None,
                         object_id=filters["object_id"] or None, actor=filters["actor"] or None,
                         action=filters["action"] or None,
                         since=_day("since", since, zone=user.time_zone),
                         until=_day("until", until, next_day=True, zone=user.time_zone),
                         province_code=user.province_code,
                         page=PageRequest.number(page, PAGE))  # fmt: skip
    return render(request, "audit/list.html", user, fragment="audit/_table.html",
                  entries=found.items, found=found,
                  query=urlencode({k: v for k, v in filters.items() if v}),
                  object_types=audit.object_types(),
                  type_of=audit.object_type, changes_of=changes, **filters)  # fmt: skip


def _day(field: str, text: str, *, next_day: bool = False, zone: str) -> datetime | None:
    """Midnight of a YYYY-MM-DD day in ``zone``, in UTC (of the day after with ``next_day``)."""
    day = parse_day(text, field, default=None)
    if day is None:
        return None
    midnight = datetime.combine(day + timedelta(days=1 if next_day else 0), time(0))
    return clock.from_local(midnight, zone)
