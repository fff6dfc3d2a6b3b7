"""A principal's scope as a SQL condition, so lists are filtered by the database.

Every row a provincial user may or may not see carries the province it belongs to; the
condition keeps the rows of the user's province (a national user sees every row). People
of a unit (a warehouse, a group point, a call centre) see the province-filed rows of the
province their unit lies in, and of rows filed by unit only their own unit's.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement

from baotong.auth.permissions import Principal, ScopeKind


def in_scope(
    principal: Principal, province_column: Any, unit: tuple[ScopeKind, Any] | None = None
) -> ColumnElement[bool]:
    """``province_column`` lies in the principal's province (always true when national);
    for rows filed by unit, ``unit=(kind, code column)`` keeps a unit's people to their
    unit (see ``Scope.clause``)."""
    return principal.scope.clause(province=province_column, unit=unit)
