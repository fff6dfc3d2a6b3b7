"""Supply pages: the demand tables (with the template and the import), one table with its
clocks' countdowns and the step its state allows, and the on-time report."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData, UploadFile

from baotong.api.deps import Context, DbSession
from baotong.auth.permissions import Permission, Principal
from baotong.core.exceptions import BaotongError, ConflictError, ValidationError
from baotong.core.i18n import N_
from baotong.core.pagination import PageRequest
from baotong.supply import files, fulfilment, service
from baotong.supply.catalogue import OutbreakStage
from baotong.supply.clocks import ClockKind
from baotong.supply.models import Decision, DemandStatus, DemandTable
from baotong.supply.schemas import (
    ArrivalIn,
    Cancellation,
    Confirmation,
    ContractCreate,
    DemandLineCreate,
    DemandTableCreate,
    LineShipping,
    Quotation,
)
from baotong.supply.shipping import ShippingMode
from baotong.supply.template import DemandImportError, ItemKind, SiteKind, SourceKind
from baotong.web import i18n
from baotong.web.forms import attempt, parse_form, see_other
from baotong.web.templating import Csrf, NavItem, PageRoute, page_require, render, templates

router = APIRouter(route_class=PageRoute)
nav = NavItem("/supply", N_("nav.supply"), Permission.SUPPLY_READ)
templates.env.globals.update(
    DemandStatus=DemandStatus,
    Decision=Decision,
    ClockKind=ClockKind,
    ShippingMode=ShippingMode,
    OutbreakStage=OutbreakStage,
    SourceKind=SourceKind,
    ItemKind=ItemKind,
    SiteKind=SiteKind,
)
templates.env.tests["stored_file"] = files.is_stored
Reader = Annotated[Principal, Depends(page_require(Permission.SUPPLY_READ))]
Province = Annotated[Principal, Depends(page_require(Permission.SUPPLY_DEMAND))]
Desk = Annotated[Principal, Depends(page_require(Permission.SUPPLY_SOURCE))]
LIST, DETAIL = "supply/list.html", "supply/detail.html"
PAGE = 50
STEPS = [
    N_("supply.submit"),
    N_("supply.requote"),
    N_("supply.allocate"),
    N_("supply.dispatch"),
    N_("supply.sign_receiver"),
    N_("supply.sign_deliverer"),
    N_("supply.close"),
    N_("supply.met"),
    N_("supply.met_late"),
    N_("supply.report.by_province"),
    N_("supply.report.by_desk"),
]
CATEGORIES = [  # the catalogue's SKU categories, as the kit pages name them
    N_("category.vegetables"),
    N_("category.fruit"),
    N_("category.grain_oil"),
    N_("category.condiments"),
    N_("category.fresh"),
    N_("category.meat"),
    N_("category.dairy"),
    N_("category.snacks"),
    N_("category.daily_use"),
    N_("category.wash_care"),
    N_("category.protection"),
    N_("supply.kits_standard"),
    N_("supply.kits_optional"),
]
REASONS = [
    N_("shipping_reason.kit_several_sources"),
    N_("shipping_reason.several_sources"),
    N_("shipping_reason.full_load"),
    N_("shipping_reason.part_load"),
    N_("shipping_reason.cold_chain"),
    N_("shipping_reason.no_allocation"),
]


def _list_values(
    session: Session, user: Principal, status: DemandStatus | None, page: int
) -> dict[str, Any]:
    found = service.list_tables(
        session, principal=user, status=status, page=PageRequest.number(page, PAGE)
    )
    overdue = service.overdue(session, principal=user, within=timedelta(hours=6))
    return {
        "tables": found.items,
        "found": found,
        "status": status,
        "overdue": overdue.items,
        "query": urlencode({"status": status.value} if status else {}),
    }


@router.get("/supply", include_in_schema=False)
def table_list(
    request: Request,
    session: DbSession,
    user: Reader,
    status: DemandStatus | None = None,
    page: int = 1,
) -> Response:
    return render(request, LIST, user, **_list_values(session, user, status, page))


@router.post("/supply/import", include_in_schema=False, dependencies=[Csrf])
async def import_table(request: Request, session: DbSession, user: Province) -> Response:
    form = await request.form()
    upload = form.get("file")
    content = await upload.read() if isinstance(upload, UploadFile) else b""
    name = upload.filename if isinstance(upload, UploadFile) and upload.filename else "demand.xlsx"
    stage = _text(form, "stage")

    def act() -> DemandTable:
        return service.import_table(
            session,
            content=content,
            file=name,
            title=_text(form, "title") or name,
            province_code=_text(form, "province_code") or user.province_code or "",
            owner=_text(form, "owner") or user.username,
            deputy=_text(form, "deputy") or None,
            stage=OutbreakStage(stage) if stage in set(OutbreakStage) else None,
            principal=user,
        )

    def refused(exc: BaotongError, errors: list[str]) -> Response:
        return render(
            request,
            LIST,
            user,
            status_code=exc.status,
            import_errors=errors,
            flash_error=i18n.error_for(request, exc),
            **_list_values(session, user, None, 1),
        )

    try:
        return attempt(
            session,
            act,
            done=lambda t: see_other(f"/supply/tables/{t.id}"),
            refused=lambda exc: refused(exc, []),
        )
    except DemandImportError as exc:  # every problem of the file, each naming its cell
        session.rollback()
        return refused(exc, [e.message for e in exc.errors])


@router.post("/supply/tables", include_in_schema=False, dependencies=[Csrf])
async def create_table(request: Request, session: DbSession, user: Province) -> Response:
    form = await request.form()

    def refused(exc: ValidationError | ConflictError) -> Response:
        return render(
            request,
            LIST,
            user,
            status_code=exc.status,
            flash_error=i18n.error_for(request, exc),
            **_list_values(session, user, None, 1),
        )

    return attempt(
        session,
        lambda: service.create_table(
            session, data=parse_form(DemandTableCreate, dict(form)), principal=user
        ),
        done=lambda t: see_other(f"/supply/tables/{t.id}"),
        refused=refused,
    )


async def _uploads(form: FormData, name: str) -> list[tuple[str, bytes]]:
    """The files chosen in a form's file input (name and content)."""
    return [
        (f.filename, await f.read())
        for f in form.getlist(name)
        if isinstance(f, UploadFile) and f.filename
    ]


def _names(form: FormData, name: str) -> list[str]:
    """One name per line of a text field."""
    return [line.strip() for line in _text(form, name).splitlines() if line.strip()]


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def _detail_values(session: Session, user: Principal, table_id: int) -> dict[str, Any]:
    table = service.get_table(session, table_id, principal=user)
    quotes = service.quote_lines(session, table_id)
    current = {q.line_id: q for q in quotes if q.round == table.round}
    accepted = {q.line_id: q for q in quotes if q.decision is Decision.ACCEPTED}
    cat = service.catalogue()
    return {
        "table": table,
        "quotes": quotes,
        "current": current,
        "accepted": accepted,
        "open": {ln.id for ln in service.open_lines(session, table)},
        "clocks": service.table_clocks(session, table_id),
        "contracts": fulfilment.contracts(session, table_id),
        "allocations": fulfilment.allocations(session, table_id),
        "shipments": fulfilment.shipments(session, table_id=table_id, principal=user),
        "arrivals": {a.line_id: a for a in fulfilment.arrivals(session, table_id)},
        "receipt_links": fulfilment.receipt_links(session, table_id),
        "suppliers": list(cat.suppliers.values()),
        "kit_codes": cat.kit_codes,
        "skus": cat.skus,
        "people": service.usernames(session, table),
    }


@router.get("/supply/tables/{table_id}", include_in_schema=False)
def table_page(request: Request, table_id: int, session: DbSession, user: Reader) -> Response:
    return render(request, DETAIL, user, **_detail_values(session, user, table_id))


def _act(
    request: Request, session: Session, user: Principal, table_id: int, act: Callable[[], object]
) -> Response:
    """Do a step; a refusal (a wrong state, a bad field) shows on the table's page."""

    def refused(exc: ValidationError | ConflictError) -> Response:
        return render(
            request,
            DETAIL,
            user,
            status_code=exc.status,
            flash_error=i18n.error_for(request, exc),
            **_detail_values(session, user, table_id),
        )

    service.get_table(session, table_id, principal=user)  # out of scope: not found
    return attempt(
        session, act, done=lambda _: see_other(f"/supply/tables/{table_id}"), refused=refused
    )


@router.post("/supply/tables/{table_id}/submit", include_in_schema=False, dependencies=[Csrf])
def submit(request: Request, table_id: int, session: DbSession, user: Province) -> Response:
    return _act(
        request,
        session,
        user,
        table_id,
        lambda: service.submit(session, table_id=table_id, principal=user),
    )


@router.post("/supply/tables/{table_id}/lines", include_in_schema=False, dependencies=[Csrf])
async def add_line(request: Request, table_id: int, session: DbSession, user: Province) -> Response:
    form = await request.form()
    return _act(
        request,
        session,
        user,
        table_id,
        lambda: service.add_line(
            session,
            table_id=table_id,
            principal=user,
            data=parse_form(DemandLineCreate, dict(form)),
        ),
    )


@router.post("/supply/tables/{table_id}/lines/remove", include_in_schema=False, dependencies=[Csrf])
async def remove_line(
    request: Request, table_id: int, session: DbSession, user: Province
) -> Response:
    form = await request.form()
    line_id = _text(form, "line_id")
    return _act(
        request,
        session,
        user,
        table_id,
        lambda: service.remove_line(
            session,
            table_id=table_id,
            principal=user,
            line_id=int(line_id) if line_id.isdigit() else 0,
        ),
    )


@router.post("/supply/tables/{table_id}/quote", include_in_schema=False, dependencies=[Csrf])
async def quote(request: Request, table_id: int, session: DbSession, user: Desk) -> Response:
    form = await request.form()
    ids = [
        int(k.removeprefix("supplier_"))
        for k in form
        if k.startswith("supplier_") and k.removeprefix("supplier_").isdigit()
    ]
    lines = [
        {
            "line_id": i,
            "supplier_code": _text(form, f"supplier_{i}"),
            "unit_price": _text(form, f"price_{i}"),
            "available_quantity": _text(form, f"available_{i}"),
            "lead_time_hours": _text(form, f"lead_{i}"),
            "substitute_code": _text(form, f"substitute_{i}") or None,
            "note": _text(form, f"note_{i}"),
        }
        for i in ids
    ]
    return _act(
        request,
        session,
        user,
        table_id,
        lambda: service.quote(
            session,
            table_id=table_id,
            principal=user,
            lines=parse_form(Quotation, {"lines": lines}).lines,
        ),
    )


@router.post("/supply/tables/{table_id}/decide", include_in_schema=False, dependencies=[Csrf])
async def decide(request: Request, table_id: int, session: DbSession, user: Province) -> Response:
    form = await request.form()
    decisions = [
        {
            "line_id": int(k.removeprefix("decision_")),
            "accept": form.get(k) == "accept",
            "reason": _text(form, f"reason_{k[9:]}"),
        }
        for k in form
        if k.startswith("decision_") and k.removeprefix("decision_").isdigit()
    ]
    return _act(
        request,
        session,
        user,
        table_id,
        lambda: service.decide(
            session,
            table_id=table_id,
            principal=user,
            decisions=parse_form(Confirmation, {"decisions": decisions}).decisions,
        ),
    )


@router.post("/supply/tables/{table_id}/requote", include_in_schema=False, dependencies=[Csrf])
def requote(request: Request, table_id: int, session: DbSession, user: Province) -> Response:
    return _act(
        request,
        session,
        user,
        table_id,
        lambda: service.requote(session, table_id=table_id, principal=user),
    )


@router.post("/supply/tables/{table_id}/cancel", include_in_schema=False, dependencies=[Csrf])
async def cancel(request: Request, table_id: int, session: DbSession, user: Province) -> Response:
    form = await request.form()
    return _act(
        request,
        session,
        user,
        table_id,
        lambda: service.cancel(
            session,
            table_id=table_id,
            principal=user,
            reason=parse_form(Cancellation, dict(form)).reason,
        ),
    )


@router.post("/supply/tables/{table_id}/contract", include_in_schema=False, dependencies=[Csrf])
async def contract(
    request: Request, table_id: int, session: DbSession, context: Context, user: Desk
) -> Response:
    form = await request.form()
    uploads = await _uploads(form, "files")

    def act() -> object:
        documents = _names(form, "documents") + [
            files.save(context.settings, table_id, name, content, field="files")
            for name, content in uploads
        ]
        data = ContractCreate(documents=documents)
        return fulfilment.contract(
            session, table_id=table_id, documents=data.documents, principal=user
        )

    return _act(request, session, user, table_id, act)


@router.post("/supply/tables/{table_id}/allocate", include_in_schema=False, dependencies=[Csrf])
def allocate(request: Request, table_id: int, session: DbSession, user: Desk) -> Response:
    return _act(
        request,
        session,
        user,
        table_id,
        lambda: fulfilment.allocate(session, table_id=table_id, principal=user),
    )


@router.post("/supply/tables/{table_id}/shipping", include_in_schema=False, dependencies=[Csrf])
async def shipping(request: Request, table_id: int, session: DbSession, user: Desk) -> Response:
    form = await request.form()

    def act() -> object:
        data = parse_form(LineShipping, dict(form))
        return fulfilment.override_shipping(
            session, table_id=table_id, line_id=data.line_id, data=data, principal=user
        )

    return _act(request, session, user, table_id, act)


@router.post("/supply/tables/{table_id}/dispatch", include_in_schema=False, dependencies=[Csrf])
def dispatch(request: Request, table_id: int, session: DbSession, user: Desk) -> Response:
    return _act(
        request,
        session,
        user,
        table_id,
        lambda: fulfilment.dispatch(session, table_id=table_id, principal=user),
    )


@router.post("/supply/tables/{table_id}/arrival", include_in_schema=False, dependencies=[Csrf])
async def arrival(
    request: Request, table_id: int, session: DbSession, context: Context, user: Province
) -> Response:
    form = await request.form()
    uploads = await _uploads(form, "files")
    values = {k: v for k, v in form.items() if k not in {"photos", "files"}}

    def act() -> object:
        photos = _names(form, "photos") + [
            files.save(context.settings, table_id, name, content, field="files")
            for name, content in uploads
        ]
        data = parse_form(ArrivalIn, {**values, "photos": photos})
        return fulfilment.record_arrival(session, table_id=table_id, data=data, principal=user)

    return _act(request, session, user, table_id, act)


@router.post(
    "/supply/tables/{table_id}/sign/receiver", include_in_schema=False, dependencies=[Csrf]
)
def sign_receiver(request: Request, table_id: int, session: DbSession, user: Province) -> Response:
    return _act(
        request,
        session,
        user,
        table_id,
        lambda: fulfilment.sign(session, table_id=table_id, side="receiver", principal=user),
    )


@router.post(
    "/supply/tables/{table_id}/sign/deliverer", include_in_schema=False, dependencies=[Csrf]
)
def sign_deliverer(request: Request, table_id: int, session: DbSession, user: Desk) -> Response:
    return _act(
        request,
        session,
        user,
        table_id,
        lambda: fulfilment.sign(session, table_id=table_id, side="deliverer", principal=user),
    )


@router.post("/supply/tables/{table_id}/close", include_in_schema=False, dependencies=[Csrf])
def close(request: Request, table_id: int, session: DbSession, user: Province) -> Response:
    return _act(
        request,
        session,
        user,
        table_id,
        lambda: fulfilment.close(session, table_id=table_id, principal=user),
    )


@router.get("/supply/report", include_in_schema=False)
def report(request: Request, session: DbSession, user: Reader) -> Response:
    rows = service.on_time_report(session, principal=user)
    return render(request, "supply/report.html", user, rows=rows)


@router.get("/supply/kits", include_in_schema=False)
def kits_page(request: Request, session: DbSession, user: Reader) -> Response:
    variants = fulfilment.kit_variants(session)
    general = [v for v in variants if v.kit.specificity == 0]
    local = {
        v.kit.code: [w for w in variants if w.kit.code == v.kit.code and w.kit.specificity]
        for v in general
    }
    return render(
        request,
        "supply/kits.html",
        user,
        general=general,
        local=local,
        skus=service.catalogue().skus,
    )


@router.get("/supply/kits/{code}", include_in_schema=False)
def kit_page(request: Request, code: str, session: DbSession, user: Reader) -> Response:
    cat = service.catalogue()
    variants = fulfilment.kit_variants(session, code)
    categories = sorted({cat.skus[sku].category for v in variants for sku in v.kit.items})
    suppliers = {c: [s for s in cat.suppliers.values() if c in s.categories] for c in categories}
    return render(
        request,
        "supply/kit.html",
        user,
        variants=variants,
        kit=variants[0].kit,
        skus=cat.skus,
        suppliers=suppliers,
    )
