"""``/healthz`` (the process answers) and ``/readyz`` (database reachable, schema at head)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import text

from baotong.api.deps import Context
from baotong.db import migrate

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz")
def readyz(context: Context) -> JSONResponse:
    try:
        with context.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        current = migrate.current_revision(context.engine)
    except Exception as exc:  # the answer, not a crash: not ready and why
        body = {"status": "unavailable", "database": f"unreachable: {type(exc).__name__}"}
        return JSONResponse(body, status_code=503)
    head = migrate.head_revision()
    ready = current == head
    answer: dict[str, str | None] = {
        "status": "ok" if ready else "unavailable",
        "database": "reachable",
        "revision": current,
        "head": head,
    }
    return JSONResponse(answer, status_code=200 if ready else 503)
