"""A principal's scope as a SQL condition, so lists are filtered by the database.

Every row a provincial user may or may not see carries the province it belongs to; the
condition keeps the rows of the user's province (a national user sees every row).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, true

from baotong.auth.permissions import Principal


def in_scope(principal: Principal, province_column: Any) -> ColumnElement[bool]:
    """``province_column`` lies in the principal's province (always true when national)."""
    if principal.province_code is None:
        return true()
    condition: ColumnElement[bool] = province_column == principal.province_code
    return condition
