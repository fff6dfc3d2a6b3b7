"""The one place where errors become HTTP responses: ``application/problem+json``.

Domain errors carry their status and data; request validation errors name the offending
field; anything unexpected is logged with its traceback and answered with a plain 500
that leaks nothing.
"""

from __future__ import annotations

import math
from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict
from sqlalchemy.exc import DataError, StatementError
from starlette.exceptions import HTTPException

from baotong.core.exceptions import BaotongError, ValidationError, shown_value

PROBLEM = "application/problem+json"


class Problem(BaseModel):
    """An error answer (RFC 9457): what went wrong, the stable ``code`` and its data."""

    model_config = ConfigDict(extra="allow")

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    instance: str
    code: str | None = None
    field: str | None = None
    errors: list[dict[str, Any]] | None = None


def _answer(description: str) -> dict[str, Any]:
    ref = {"$ref": "#/components/schemas/Problem"}
    return {"model": Problem, "description": description, "content": {PROBLEM: {"schema": ref}}}


# Every API operation may answer these (the API router declares them in OpenAPI).
PROBLEMS: dict[int | str, dict[str, Any]] = {
    400: _answer("The request could not be read."),
    401: _answer("Not logged in: no token, or an invalid, expired or revoked one."),
    403: _answer("The role may not do this, or a cookie request without the CSRF check."),
    404: _answer("No such object (or not in the caller's scope)."),
    409: _answer("The object is not in a state that allows this."),
    413: _answer("The request body is larger than the limit."),
    422: _answer("Invalid input: `field` names where, `errors` lists every problem."),
    429: _answer("Too many failed logins: wait `Retry-After` seconds."),
}
RESERVED = {"type", "title", "status", "detail", "instance", "errors", "code"}
log = structlog.get_logger("baotong.api")


def problem(status: int, title: str, detail: str, request: Request, **extra: Any) -> JSONResponse:
    body = {
        "type": "about:blank",
        "title": title,
        "status": status,
        "detail": detail,
        "instance": request.url.path,
        **extra,
    }
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    if status == 429 and "retry_after" in extra:
        headers = {"Retry-After": str(extra["retry_after"])}
    return JSONResponse(
        _safe(jsonable_encoder(body)), status_code=status, media_type=PROBLEM, headers=headers
    )


def _safe(value: Any) -> Any:
    """The body with every string encodable and every number finite: an answer about bad
    input must never fail on the bad input it describes."""
    if isinstance(value, str):
        return _text(value)
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, dict):
        return {_text(k): _safe(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_safe(v) for v in value]
    return value


def _field(loc: tuple[Any, ...] | list[Any]) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in ("body", "query", "path", "header", "cookie"):
        parts = parts[1:]
    return ".".join(parts)


def _shown(value: Any) -> Any:
    """A bad value as the answer may echo it: a short excerpt, JSON-safe (no NaN or
    infinity, no lone surrogate), or nothing for a container."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, str):
        return _text(shown_value(value))
    return value if isinstance(value, int | float | bool) or value is None else None


def _text(value: Any) -> str:
    """Text that encodes as UTF-8 (a lone surrogate sent as ``\\ud800`` becomes '?')."""
    return str(value).encode("utf-8", "replace").decode("utf-8")


async def baotong_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, BaotongError)
    extra: dict[str, Any] = {
        k: v if isinstance(v, str | int | float | bool | list | dict) else str(v)
        for k, v in exc.data.items()
        if v is not None and k not in RESERVED
    }
    if isinstance(exc, ValidationError) and exc.field:
        extra["field"] = exc.field
        extra["errors"] = [{"field": exc.field, "message": exc.reason, "value": _shown(exc.value)}]
    extra.pop("value", None)
    return problem(exc.status, exc.title, exc.message, request, code=exc.code, **extra)


async def request_validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [
        {
            "field": _text(_field(err.get("loc", ()))),
            "message": _text(err.get("msg", "")),
            "value": _shown(err.get("input")),
        }
        for err in exc.errors()
    ]
    first = errors[0] if errors else {"field": "", "message": "invalid request"}
    detail = (
        f"field '{first['field']}': {first['message']}" if first["field"] else str(first["message"])
    )
    return problem(422, "Invalid input", detail, request, field=first["field"], errors=errors)


async def http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    titles = {404: "Not found", 405: "Method not allowed", 401: "Unauthorized",
              413: "Payload too large", 422: "Invalid input"}  # fmt: skip
    return problem(exc.status_code, titles.get(exc.status_code, "Error"), str(exc.detail), request)


async def database_refused(request: Request, exc: Exception) -> JSONResponse:
    """A value the database cannot hold (an id beyond its integers, a NUL character in
    text): the request's fault, answered 422 without echoing the value."""
    if isinstance(exc, StatementError) and not (
        isinstance(exc, DataError) or isinstance(exc.orig, OverflowError | ValueError)
    ):
        return await unexpected_error(request, exc)
    return problem(
        422, "Invalid input",
        "A value is out of range or holds characters the database cannot store "
        "(a NUL character, a number beyond 2147483647).", request, code="input.unstorable",
    )  # fmt: skip


async def unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error", path=request.url.path, method=request.method)
    return problem(
        500, "Internal error", "Something went wrong on our side; it was logged.", request
    )


def install(app: FastAPI) -> None:
    app.add_exception_handler(BaotongError, baotong_error)
    app.add_exception_handler(RequestValidationError, request_validation_error)
    app.add_exception_handler(HTTPException, http_error)
    app.add_exception_handler(StatementError, database_refused)
    app.add_exception_handler(OverflowError, database_refused)  # SQLite: beyond 64 bits
    app.add_exception_handler(Exception, unexpected_error)
