"""The one place where errors become HTTP responses: ``application/problem+json``.

Domain errors carry their status and data; request validation errors name the offending
field; anything unexpected is logged with its traceback and answered with a plain 500
that leaks nothing.
"""

from __future__ import annotations

from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from baotong.core.exceptions import BaotongError, ValidationError

PROBLEM = "application/problem+json"
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
    return JSONResponse(
        jsonable_encoder(body), status_code=status, media_type=PROBLEM, headers=headers
    )


def _field(loc: tuple[Any, ...] | list[Any]) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in ("body", "query", "path", "header", "cookie"):
        parts = parts[1:]
    return ".".join(parts)


def _shown(value: Any) -> Any:
    return value if isinstance(value, str | int | float | bool) or value is None else None


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
            "field": _field(err.get("loc", ())),
            "message": str(err.get("msg", "")),
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
    titles = {404: "Not found", 405: "Method not allowed", 401: "Unauthorized"}
    return problem(exc.status_code, titles.get(exc.status_code, "Error"), str(exc.detail), request)


async def unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error", path=request.url.path, method=request.method)
    return problem(
        500, "Internal error", "Something went wrong on our side; it was logged.", request
    )


def install(app: FastAPI) -> None:
    app.add_exception_handler(BaotongError, baotong_error)
    app.add_exception_handler(RequestValidationError, request_validation_error)
    app.add_exception_handler(HTTPException, http_error)
    app.add_exception_handler(Exception, unexpected_error)
