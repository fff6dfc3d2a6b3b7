"""The warehouse console: sites, a site's stock and documents, and the scan pages a
picker uses on a phone (a wedge scanner types into the focused field and presses Enter).

Every form that changes stock carries a ``scan_id`` made by ``warehouse.js`` when the page
loads, so a double tap or a resent form is applied once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, UploadFile
from fastapi.responses import Response
from sqlalchemy.orm import Session

from baotong.api.deps import Context, DbSession
from baotong.auth.permissions import Permission, Principal
from baotong.core.exceptions import ConflictError, ValidationError
from baotong.core.i18n import N_
from baotong.core.pagination import PageRequest
from baotong.warehouse import inbound, jobs, outbound, photos, service
from baotong.warehouse.models import Document, DocumentKind, DocumentStatus
from baotong.warehouse.schemas import (
    DispatchCreate,
    ItemLine,
    KitCreate,
    Load,
    PickCreate,
    PutAway,
    ReceiveLine,
    Seal,
    ShipmentCreate,
)
from baotong.web import i18n
from baotong.web.forms import attempt, parse_form, see_other
from baotong.web.templating import Csrf, NavItem, PageRoute, page_require, render

router = APIRouter(route_class=PageRoute)
Reader = Annotated[Principal, Depends(page_require(Permission.WAREHOUSE_READ))]
Operator = Annotated[Principal, Depends(page_require(Permission.WAREHOUSE_OPERATE))]
Supervisor = Annotated[Principal, Depends(page_require(Permission.WAREHOUSE_SUPERVISE))]
nav = NavItem("/warehouse", N_("nav.warehouse"), Permission.WAREHOUSE_READ)
SITE = "/warehouse/sites/{warehouse_code}"
DOC = "/warehouse/documents/{document_id}"
Refusal = ValidationError | ConflictError
# Words the templates compute: equipment, discrepancies, handover fields.
WORDS = (
    N_("wh.equipment.docks"),
    N_("wh.equipment.pallets"),
    N_("wh.equipment.forklifts"),
    N_("wh.equipment.racks"),
    N_("wh.equipment.cameras"),
    N_("wh.equipment.trailers"),
    N_("wh.discrepancy.short"),
    N_("wh.discrepancy.over"),
    N_("wh.discrepancy.damaged"),
    N_("wh.handed_by"),
    N_("wh.at"),
)


def _error(request: Request, error: Refusal | None) -> str | None:
    return i18n.error_for(request, error) if error is not None else None


@router.get("/warehouse", include_in_schema=False)
def sites_page(request: Request, session: DbSession, user: Reader, page: int = 1) -> Response:
    found = service.list_warehouses(session, user, page=PageRequest.number(page, 50))
    return render(request, "warehouse/sites.html", user, found=found, query="")


def _site(
    request: Request,
    session: DbSession,
    user: Principal,
    code: str,
    error: Refusal | None = None,
    announced: int | None = None,
    failed: dict[int, str] | None = None,
) -> Response:
    warehouse = service.get_warehouse(session, user, code)
    stock = service.stock(session, user, code, page=PageRequest(limit=200))
    active = (
        DocumentStatus.EXPECTED,
        DocumentStatus.OPEN,
        DocumentStatus.IN_PROGRESS,
        DocumentStatus.AWAITING_APPROVAL,
    )
    docs = [
        d
        for d in service.list_documents(session, user, code, page=PageRequest(limit=200)).items
        if d.status in active or d.kind is DocumentKind.SHIPMENT
    ]
    shipments = [
        d
        for d in docs
        if d.kind is DocumentKind.SHIPMENT
        and d.status is DocumentStatus.DONE
        and not d.data.get("dispatch_id")
    ]
    return render(
        request,
        "warehouse/site.html",
        user,
        warehouse=warehouse,
        stock=stock,
        documents=[d for d in docs if d.status in active],
        shipments=shipments,
        kits=service.catalogue().kit_codes,
        supply=inbound.supply_receipts(session, user, code),
        announced=announced,
        failed=failed or {},
        error=_error(request, error),
        skus=[*service.catalogue().skus, *service.catalogue().kit_codes],
        status_code=422 if error else 200,
    )


@router.get(SITE, include_in_schema=False)
def site_page(
    request: Request,
    warehouse_code: str,
    session: DbSession,
    user: Reader,
    announced: Annotated[int | None, Query(ge=0, le=100_000)] = None,
) -> Response:
    return _site(request, session, user, warehouse_code, announced=announced)


@router.post(SITE + "/expect-supply", include_in_schema=False, dependencies=[Csrf])
def expect_supply_page(
    request: Request, warehouse_code: str, session: DbSession, user: Supervisor
) -> Response:
    """Announce here what the province's supply tables owe this warehouse and have not
    announced yet (what the background sweep does every few minutes)."""

    def announce() -> inbound.SupplySweep:
        warehouse = service.get_warehouse(session, user, warehouse_code)
        swept = inbound.expect_all_from_supply(session, warehouse=warehouse, actor=user.username)
        jobs.ensure_sweep(session)
        return swept

    return attempt(
        session,
        announce,
        done=lambda swept: (
            _site(  # the tables that failed, with why; the others were announced
                request,
                session,
                user,
                warehouse_code,
                announced=len(swept.documents),
                failed=swept.failed,
            )
            if swept.failed
            else see_other(f"/warehouse/sites/{warehouse_code}?announced={len(swept.documents)}")
        ),
        refused=lambda exc: _site(request, session, user, warehouse_code, error=exc),
    )


def _form_action(
    request: Request, session: DbSession, user: Principal, code: str, action: Any
) -> Response:
    return attempt(
        session,
        action,
        done=lambda doc: see_other(f"/warehouse/documents/{doc.id}?ok=1"),
        refused=lambda exc: _site(request, session, user, code, error=exc),
    )


def _first(result: Any) -> Document:
    return result[0] if isinstance(result, tuple) else result  # type: ignore[no-any-return]


@router.post(SITE + "/receive", include_in_schema=False, dependencies=[Csrf])
async def receive_page(
    request: Request, warehouse_code: str, session: DbSession, user: Operator
) -> Response:
    form = dict(await request.form())
    return _form_action(
        request,
        session,
        user,
        warehouse_code,
        lambda: _first(
            inbound.receive(
                session,
                user,
                warehouse_code,
                lines=[parse_form(ReceiveLine, form)],
                reference=str(form.get("reference", "")),
                scan_id=str(form.get("scan_id") or "") or None,
            )
        ),
    )


@router.post(SITE + "/picks", include_in_schema=False, dependencies=[Csrf])
async def pick_list_page(
    request: Request, warehouse_code: str, session: DbSession, user: Operator
) -> Response:
    form = dict(await request.form())

    def create() -> Document:
        line = parse_form(ItemLine, form)
        body = parse_form(PickCreate, {"wave": form.get("wave", ""), "lines": [line]})
        return outbound.create_pick(session, user, warehouse_code, lines=body.lines, wave=body.wave)

    return _form_action(request, session, user, warehouse_code, create)


@router.post(SITE + "/kits", include_in_schema=False, dependencies=[Csrf])
async def kit_page(
    request: Request, warehouse_code: str, session: DbSession, user: Operator
) -> Response:
    form = dict(await request.form())

    def create() -> Document:
        body = parse_form(KitCreate, form)
        return outbound.create_kit_order(
            session, user, warehouse_code, kit=body.kit, kits=body.kits
        )

    return _form_action(request, session, user, warehouse_code, create)


@router.post(SITE + "/packs", include_in_schema=False, dependencies=[Csrf])
async def pack_page(
    request: Request, warehouse_code: str, session: DbSession, user: Operator
) -> Response:
    form = dict(await request.form())

    def create() -> Document:
        item = parse_form(ItemLine, form)
        size = [form.get("length", ""), form.get("width", ""), form.get("height", "")]
        try:
            weight, dims = float(str(form.get("weight_kg", ""))), [float(str(v)) for v in size]
        except ValueError:
            raise ValidationError(
                "must be numbers.", code="warehouse.not_a_number", field="weight_kg"
            ) from None
        return _first(
            outbound.pack(
                session,
                user,
                warehouse_code,
                items=[item],
                source=str(form.get("source") or service.KITTING),
                weight_kg=weight,
                size_cm=dims,
                scan_id=str(form.get("scan_id") or "") or None,
            )
        )

    return _form_action(request, session, user, warehouse_code, create)


@router.post(SITE + "/shipments", include_in_schema=False, dependencies=[Csrf])
async def shipment_page(
    request: Request, warehouse_code: str, session: DbSession, user: Operator
) -> Response:
    form = dict(await request.form())

    def create() -> Document:
        body = parse_form(ShipmentCreate, form)
        return outbound.create_shipment(
            session, user, warehouse_code, vehicle=body.vehicle, trailer=body.trailer
        )

    return _form_action(request, session, user, warehouse_code, create)


@router.post(SITE + "/dispatch", include_in_schema=False, dependencies=[Csrf])
async def dispatch_page(
    request: Request, warehouse_code: str, session: DbSession, user: Operator
) -> Response:
    form = dict(await request.form())

    def create() -> Document:
        body = parse_form(DispatchCreate, form)
        return _first(
            outbound.dispatch(
                session,
                user,
                warehouse_code,
                shipment_id=body.shipment_id,
                carrier=body.carrier,
                handed_to=body.handed_to,
                note=body.note,
                scan_id=body.scan_id,
            )
        )

    return _form_action(request, session, user, warehouse_code, create)


# -- a document: the scan page of its operation -----------------------------------------------
def _document(
    request: Request,
    session: DbSession,
    user: Principal,
    document_id: int,
    error: Refusal | None = None,
    ok: bool = False,
) -> Response:
    doc = service.get_document(session, user, document_id)
    read = service.read_document(session, doc)
    warehouse = service.get_warehouse(session, user, read.warehouse)
    names = {code: (sku.name, sku.name_en) for code, sku in service.catalogue().skus.items()}
    waiting = []
    if doc.kind is DocumentKind.SHIPMENT:
        waiting = [p.code for p in service.packages(session, warehouse, unloaded=True)]
    loaded = []
    if doc.kind is DocumentKind.SHIPMENT:
        loaded = [p.code for p in service.packages(session, warehouse, doc.id)]
    return render(
        request,
        "warehouse/document.html",
        user,
        doc=read,
        warehouse=warehouse,
        names=names,
        error=_error(request, error),
        ok=ok,
        waiting=waiting,
        loaded=loaded,
        next_line=next((ln for ln in read.lines if ln.qty_done < ln.qty), None),
        status_code=422 if error else 200,
    )


@router.get(DOC, include_in_schema=False)
def document_page(
    request: Request, document_id: int, session: DbSession, user: Reader, ok: bool = False
) -> Response:
    return _document(request, session, user, document_id, ok=ok)


def _scan_action(
    request: Request, session: DbSession, user: Principal, document_id: int, action: Any
) -> Response:
    return attempt(
        session,
        action,
        done=lambda _: see_other(f"/warehouse/documents/{document_id}?ok=1"),
        refused=lambda exc: _document(request, session, user, document_id, exc),
    )


def _scan_id(form: dict[str, Any]) -> str | None:
    return str(form.get("scan_id") or "") or None


async def _line_scan(
    request: Request, session: Session, user: Principal, document_id: int,
    action: Callable[..., Any],
) -> Response:  # fmt: skip
    """A scan of one document line at a location: put away there, or picked from there."""
    form = dict(await request.form())

    def act() -> Any:
        body = parse_form(PutAway, form)
        return action(session, user, document_id, line_id=body.line_id,
                      location_code=body.location, scan_id=body.scan_id)  # fmt: skip

    return _scan_action(request, session, user, document_id, act)


@router.post(DOC + "/putaway", include_in_schema=False, dependencies=[Csrf])
async def putaway_page(
    request: Request, document_id: int, session: DbSession, user: Operator
) -> Response:
    return await _line_scan(request, session, user, document_id, inbound.put_away)


@router.post(DOC + "/pick", include_in_schema=False, dependencies=[Csrf])
async def pick_page(
    request: Request, document_id: int, session: DbSession, user: Operator
) -> Response:
    return await _line_scan(request, session, user, document_id, outbound.pick)


@router.post(DOC + "/assemble", include_in_schema=False, dependencies=[Csrf])
async def assemble_page(
    request: Request, document_id: int, session: DbSession, user: Operator
) -> Response:
    form = dict(await request.form())

    def act() -> Any:
        try:
            kits = int(str(form.get("kits", "")))
        except ValueError:
            raise ValidationError(
                "must be a whole number.", code="warehouse.not_a_number", field="kits"
            ) from None
        return outbound.assemble(session, user, document_id, kits=kits, scan_id=_scan_id(form))

    return _scan_action(request, session, user, document_id, act)


@router.post(DOC + "/load", include_in_schema=False, dependencies=[Csrf])
async def load_page(
    request: Request, document_id: int, session: DbSession, user: Operator
) -> Response:
    form = dict(await request.form())

    def act() -> Any:
        body = parse_form(Load, form)
        return outbound.load(
            session, user, document_id, package_code=body.package, scan_id=body.scan_id
        )

    return _scan_action(request, session, user, document_id, act)


@router.post(DOC + "/seal", include_in_schema=False, dependencies=[Csrf])
async def seal_page(
    request: Request, document_id: int, session: DbSession, user: Operator
) -> Response:
    form = dict(await request.form())

    def act() -> Any:
        body = parse_form(Seal, form)
        return outbound.seal(
            session, user, document_id, seal_number=body.seal, scan_id=body.scan_id
        )

    return _scan_action(request, session, user, document_id, act)


@router.post(DOC + "/receive", include_in_schema=False, dependencies=[Csrf])
async def receive_expected_page(
    request: Request, document_id: int, session: DbSession, user: Operator
) -> Response:
    """Receive an expected receipt: one counted quantity (and lot, damaged) per line."""
    form = dict(await request.form())

    def act() -> Any:
        doc = service.get_document(session, user, document_id)
        read = service.read_document(session, doc)
        lines = []
        for line in read.lines:
            values = {
                k.removesuffix(f"_{line.id}"): v
                for k, v in form.items()
                if k.endswith(f"_{line.id}")
            }
            if str(values.get("qty", "")).strip() in ("", "0"):
                continue
            lines.append(
                parse_form(ReceiveLine, {**values, "sku": line.sku, "line_id": str(line.id)})
            )
        if not lines:
            raise ValidationError(
                "count at least one line.", code="warehouse.nothing_counted", field="qty"
            )
        return inbound.receive(
            session,
            user,
            read.warehouse,
            lines=lines,
            document_id=document_id,
            scan_id=_scan_id(form),
        )

    return _scan_action(request, session, user, document_id, act)


@router.post(DOC + "/photos", include_in_schema=False, dependencies=[Csrf])
async def photo_page(
    request: Request, document_id: int, session: DbSession, user: Operator, context: Context
) -> Response:
    """Attach a photo of the delivery or its damage to a receipt."""
    upload = (await request.form()).get("file")
    content = await upload.read(photos.MAX_BYTES + 1) if isinstance(upload, UploadFile) else b""
    filename = upload.filename if isinstance(upload, UploadFile) and upload.filename else ""

    def attach() -> str:
        if not filename:
            raise ValidationError(
                "choose a photo to upload.", code="warehouse.no_upload", field="file"
            )
        return inbound.attach_photo(
            session, user, context.settings, document_id, filename=filename, content=content
        )

    return _scan_action(request, session, user, document_id, attach)


@router.post(DOC + "/approve", include_in_schema=False, dependencies=[Csrf])
def approve_page(
    request: Request, document_id: int, session: DbSession, user: Supervisor
) -> Response:
    return _scan_action(
        request,
        session,
        user,
        document_id,
        lambda: inbound.approve_count(session, user, document_id),
    )
