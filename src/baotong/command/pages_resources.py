"""Resource pages: the inventory per province, the Excel import, loans and their approval,
the daily safety logs; and the emergency plans (应急预案) with activation and drills."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile

from baotong.api.deps import CurrentNetwork, DbSession
from baotong.auth.permissions import Permission, Principal
from baotong.command import excel, resources
from baotong.command import service as command_service
from baotong.command.models import (
    EquipmentType,
    IncidentKind,
    LoanStatus,
    Resource,
    ResourceKind,
)
from baotong.command.schemas import LoanCreate, SafetyLogCreate
from baotong.core import clock
from baotong.core.exceptions import BaotongError, ConflictError, ValidationError
from baotong.core.pagination import PageRequest
from baotong.web import i18n
from baotong.web.forms import attempt, parse_form, see_other
from baotong.web.templating import Csrf, PageRoute, page_require, render, templates

router = APIRouter(route_class=PageRoute)
templates.env.globals.update(
    LoanStatus=LoanStatus, ResourceKind=ResourceKind, EquipmentType=EquipmentType
)
Reader = Annotated[Principal, Depends(page_require(Permission.COMMAND_READ))]
Writer = Annotated[Principal, Depends(page_require(Permission.RESOURCE_WRITE))]
Approver = Annotated[Principal, Depends(page_require(Permission.LOAN_APPROVE))]
PlanWriter = Annotated[Principal, Depends(page_require(Permission.EMERGENCY_PLAN_WRITE))]
Activator = Annotated[Principal, Depends(page_require(Permission.EMERGENCY_PLAN_ACTIVATE))]
PAGE = 50
Refused = ValidationError | ConflictError


def _resources(
    request: Request,
    session: Session,
    user: Principal,
    *,
    page: int = 1,
    error: BaotongError | None = None,
    form: dict[str, Any] | None = None,
    errors: list[str] | None = None,
) -> Response:
    found = resources.list_resources(session, principal=user, page=PageRequest.number(page, PAGE))
    loans = resources.list_loans(session, principal=user, page=PageRequest(limit=PAGE))
    return render(
        request,
        "command/resources.html",
        user,
        resources=found.items,
        found=found,
        query="",
        loans=loans.items,
        lent={loan.resource_id: session.get(Resource, loan.resource_id) for loan in loans.items},
        holdings=resources.inventory(session, principal=user).holdings,
        form=form or {},
        import_errors=errors or [],
        status_code=error.status if error else 200,
        error=i18n.error_for(request, error) if error else None,
    )


@router.get("/command/resources", include_in_schema=False)
def resource_page(
    request: Request,
    session: DbSession,
    network: CurrentNetwork,
    user: Reader,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    incident: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
) -> Response:
    """The inventory and the loan form; ``?incident=`` starts the form from a staff
    shortage's draft (the nearest province's whitelisted people)."""
    form: dict[str, Any] = {}
    if incident is not None:
        row = command_service.get_incident(session, incident, principal=user)
        if row.kind is IncidentKind.STAFF_SHORTAGE:
            form = resources.draft_for_shortage(session, incident=row, network=network)
    return _resources(request, session, user, page=page, form=form)


@router.post("/command/resources/import", include_in_schema=False, dependencies=[Csrf])
async def resource_import(request: Request, session: DbSession, user: Writer) -> Response:
    upload = (await request.form()).get("file")
    data = await upload.read() if isinstance(upload, UploadFile) else b""
    name = upload.filename if isinstance(upload, UploadFile) and upload.filename else "upload"
    try:
        rows = excel.read_resources(data, file=name)
    except excel.ResourceImportError as exc:
        return _resources(request, session, user, error=exc, errors=exc.errors)
    except ValidationError as exc:
        return _resources(request, session, user, error=exc)
    return attempt(
        session,
        lambda: resources.add_resources(session, rows=rows, principal=user),
        done=lambda _: see_other("/command/resources"),
        refused=lambda exc: _resources(request, session, user, error=exc),
    )


@router.post("/command/loans", include_in_schema=False, dependencies=[Csrf])
async def loan_request(request: Request, session: DbSession, user: Writer) -> Response:
    form = {k: v for k, v in (await request.form()).items() if k != "csrf_token"}
    return attempt(
        session,
        lambda: resources.request_loan(
            session, **parse_form(LoanCreate, form).model_dump(), principal=user
        ),
        done=lambda loan: see_other(f"/command/loans/{loan.id}"),
        refused=lambda exc: _resources(request, session, user, error=exc, form=form),
    )


def _loan(
    request: Request,
    session: Session,
    user: Principal,
    loan_id: int,
    *,
    error: Refused | None = None,
) -> Response:
    loan = resources.get_loan(session, loan_id, principal=user)
    resource = session.get(Resource, loan.resource_id)
    return render(
        request,
        "command/loan.html",
        user,
        loan=loan,
        resource=resource,
        status_code=error.status if error else 200,
        error=i18n.error_for(request, error) if error else None,
    )


@router.get("/command/loans/{loan_id}", include_in_schema=False)
def loan_page(request: Request, loan_id: int, session: DbSession, user: Reader) -> Response:
    return _loan(request, session, user, loan_id)


def _on_loan(
    request: Request, session: Session, user: Principal, loan_id: int, act: Callable[[], object]
) -> Response:
    return attempt(
        session,
        act,
        done=lambda _: see_other(f"/command/loans/{loan_id}"),
        refused=lambda exc: _loan(request, session, user, loan_id, error=exc),
    )


@router.post("/command/loans/{loan_id}/approve", include_in_schema=False, dependencies=[Csrf])
def loan_approve(request: Request, loan_id: int, session: DbSession, user: Approver) -> Response:
    return _on_loan(
        request,
        session,
        user,
        loan_id,
        lambda: resources.approve_loan(session, loan_id=loan_id, principal=user),
    )


@router.post("/command/loans/{loan_id}/refuse", include_in_schema=False, dependencies=[Csrf])
def loan_refuse(request: Request, loan_id: int, session: DbSession, user: Approver) -> Response:
    return _on_loan(
        request,
        session,
        user,
        loan_id,
        lambda: resources.refuse_loan(session, loan_id=loan_id, principal=user),
    )


@router.post("/command/loans/{loan_id}/return", include_in_schema=False, dependencies=[Csrf])
def loan_return(request: Request, loan_id: int, session: DbSession, user: Writer) -> Response:
    return _on_loan(
        request,
        session,
        user,
        loan_id,
        lambda: resources.return_loan(session, loan_id=loan_id, principal=user),
    )


# -- safety logs ----------------------------------------------------------------------
def _safety(
    request: Request,
    session: Session,
    user: Principal,
    *,
    page: int = 1,
    error: Refused | None = None,
    form: dict[str, Any] | None = None,
) -> Response:
    today = clock.now().date()
    found = resources.list_safety_logs(session, principal=user, page=PageRequest.number(page, PAGE))
    return render(
        request,
        "command/safety.html",
        user,
        logs=found.items,
        found=found,
        query="",
        today=today,
        missing=resources.missing_logs(session, day=today, principal=user),
        form=form or {},
        status_code=error.status if error else 200,
        error=i18n.error_for(request, error) if error else None,
    )


@router.get("/command/safety", include_in_schema=False)
def safety_page(request: Request, session: DbSession, user: Reader, page: int = 1) -> Response:
    return _safety(request, session, user, page=page)


@router.post("/command/safety", include_in_schema=False, dependencies=[Csrf])
async def safety_file(request: Request, session: DbSession, user: Writer) -> Response:
    form = {k: v for k, v in (await request.form()).items() if k != "csrf_token"}
    return attempt(
        session,
        lambda: resources.file_safety_log(
            session, **parse_form(SafetyLogCreate, form).model_dump(), principal=user
        ),
        done=lambda _: see_other("/command/safety"),
        refused=lambda exc: _safety(request, session, user, error=exc, form=form),
    )
