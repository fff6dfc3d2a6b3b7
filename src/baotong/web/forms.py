"""Forms of the console: a posted form parsed into the API's own schema, and the one way a
page does what a form asks — go on when it is done, or show the form again with the refusal.

A page handler reads like this::

    return attempt(
        session,
        lambda: service.change_status(session, **parse_form(StatusChange, form), ...),
        done=lambda _: see_other(f"/sites/{site_id}"),
        refused=lambda exc: render(request, "network/site.html", ..., error=exc),
    )
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any, TypeVar, get_args

import pydantic
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from baotong.core import clock
from baotong.core.exceptions import ConflictError, ValidationError

D = TypeVar("D", date, None)
M = TypeVar("M", bound=pydantic.BaseModel)
T = TypeVar("T")
REFUSALS = (ValidationError, ConflictError)  # what a user can fix on the same page


def parse_form(schema: type[M], values: Mapping[str, Any], *, zone: str | None = None) -> M:
    """``values`` validated by ``schema``: blank fields take the schema's default, and a
    date-time typed in the form (the user's time ``zone`` unless it names one) becomes UTC."""
    data: dict[str, Any] = {}
    for name, value in values.items():
        if isinstance(value, str):
            value = value.strip()
            if not value:
                continue
            if _is_time(schema, name):
                value = parse_time(value, name, zone=zone)
        data[name] = value
    try:
        return schema.model_validate(data)
    except pydantic.ValidationError as exc:
        error = exc.errors()[0]
        field = ".".join(str(part) for part in error["loc"])
        reason = error["msg"].removeprefix("Value error, ")
        raise ValidationError(
            reason + ".", code="input.invalid", field=field or None, value=error.get("input"),
            reason=reason, problem=error["type"], **error.get("ctx", {}),
        ) from None  # fmt: skip


def _is_time(schema: type[pydantic.BaseModel], name: str) -> bool:
    field = schema.model_fields.get(name)
    if field is None:
        return False
    kinds = {field.annotation, *get_args(field.annotation)}
    return bool(kinds & {datetime, pydantic.AwareDatetime, pydantic.NaiveDatetime})


def parse_time(value: str, field: str, *, zone: str | None = None) -> datetime | None:
    """A date-time typed in a form, in UTC: read in the user's time ``zone`` (Asia/Shanghai
    by default) unless it names its own offset; '' is None. The one parser of typed times."""
    if not value.strip():
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        raise ValidationError(
            "is not a date and time.", code="input.not_a_time", field=field, value=value
        ) from None
    return clock.from_local(parsed, zone)


def parse_day(value: str | None, field: str, *, default: D) -> date | D:
    """A date typed in a form or a query ('2022-04-01'); ``default`` (a date, or None) when
    left empty. The one parser of typed days."""
    if not value or not value.strip():
        return default
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise ValidationError("must be a date such as 2022-04-01.", code="input.not_a_date",
                              field=field, value=value[:20]) from None  # fmt: skip


def attempt(
    session: Session,
    action: Callable[[], T],
    *,
    done: Callable[[T], Response],
    refused: Callable[[ValidationError | ConflictError], Response],
) -> Response:
    """Do what a form asks; when it is refused (invalid input, a conflict), roll back and
    answer with ``refused`` — the page again, showing why. Other errors become error pages."""
    try:
        result = action()
    except REFUSALS as exc:
        session.rollback()
        return refused(exc)
    return done(result)


def see_other(url: str) -> Response:
    """After a form was handled: the browser loads ``url`` (303, so a reload does not re-post)."""
    return RedirectResponse(url, status_code=303)
