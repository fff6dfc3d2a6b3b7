"""Domain errors that carry data.

Engines and services raise these; the API translates them to problem+json in one place
(``baotong.api.errors``) and the CLI prints their message. A message is written for the
person who caused it: it names the file, row and field, or the request field, and says
what is wrong.
"""

from __future__ import annotations

import reprlib
from collections.abc import Mapping
from typing import Any

EXCERPT = 80  # characters of a bad value an error message shows, at most
_repr = reprlib.Repr()
_repr.maxlevel, _repr.maxdict, _repr.maxlist, _repr.maxtuple = 3, 4, 4, 4
_repr.maxstring = _repr.maxother = _repr.maxlong = EXCERPT


def excerpt(value: Any, limit: int = EXCERPT) -> str:
    """A short ``repr`` of ``value`` for a message: never the whole of a big or deep value
    (a 1 MB string, an expanded YAML alias bomb), however large it is."""
    shown = _repr.repr(value)
    return shown if len(shown) <= limit else shown[: limit - 3] + "..."


def shown_value(value: Any) -> Any:
    """``value`` as an error keeps it: numbers, booleans and short text as they are,
    anything longer or nested as a short excerpt."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, str) and len(value) <= EXCERPT:
        return value
    return excerpt(value)


class BaotongError(Exception):
    """Base of every error Baotong shows to a user.

    ``code`` is stable (``plan.wrong_lifecycle``, ``scenario.unknown_region``): the console
    words the error from the message catalogues by that code, filled with ``data``; the
    English ``message`` is what the API and the CLI print.
    """

    status = 400
    title = "Bad request"
    default_code = "bad_request"

    def __init__(self, message: str, *, code: str | None = None, **data: Any) -> None:
        super().__init__(message)
        self.message = message
        self.code = code or self.default_code
        self.data: Mapping[str, Any] = data

    def __str__(self) -> str:
        return self.message


class ValidationError(BaotongError):
    """Input that cannot be used: names where it is and what is wrong with it."""

    status = 422
    title = "Invalid input"
    default_code = "invalid"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        file: str | None = None,
        row: int | None = None,
        field: str | None = None,
        value: Any = None,
        **data: Any,
    ) -> None:
        where = ", ".join(
            part
            for part in (
                f"{file}" if file else "",
                f"row {row}" if row is not None else "",
                f"field '{field}'" if field else "",
            )
            if part
        )
        super().__init__(
            f"{where}: {message}" if where else message,
            code=code,
            file=file,
            row=row,
            field=field,
            value=shown_value(value),
            **data,
        )
        self.file = file
        self.row = row
        self.field = field
        self.value = shown_value(value)
        self.reason = message


class LocatedErrors(BaotongError):
    """Every problem found in one file or folder, each a located message, so the user fixes
    them all in one go; nothing was written. The message lists the first ``shown``."""

    status = 422
    title = "Invalid input"
    shown = 20

    def __init__(
        self, what: str, errors: list[Any], *, code: str, outcome: str = "nothing was changed",
        **data: Any,
    ) -> None:  # fmt: skip
        messages = [e if isinstance(e, str) else e.message for e in errors]
        lines = "\n".join(f"  {m}" for m in messages[: self.shown])
        if len(messages) > self.shown:
            lines += f"\n  ... and {len(messages) - self.shown} more."
        count = f"{len(messages)} problem{'s' if len(messages) != 1 else ''}"
        super().__init__(f"{what} ({count}); {outcome}:\n{lines}", code=code,
                         count=len(messages), errors=messages, **data)  # fmt: skip
        self.errors = errors


class NotFoundError(BaotongError):
    status = 404
    title = "Not found"
    default_code = "not_found"


class ConflictError(BaotongError):
    status = 409
    title = "Conflict"
    default_code = "conflict"


class PermissionDeniedError(BaotongError):
    status = 403
    title = "Forbidden"
    default_code = "forbidden"


class InfeasibleError(BaotongError):
    """A request that cannot be met (not enough capacity, no vehicle with a pass)."""

    status = 422
    title = "Infeasible"
    default_code = "infeasible"
