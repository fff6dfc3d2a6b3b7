"""``/api/v1/warehouse``: warehouse sites, stock and ledger, and the seven operations.

Every operation done by scanning takes a client-generated ``scan_id``: a retry with the
same id answers with the first result (``applied: false``) and changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Depends, File, Query, Response, UploadFile
from fastapi.responses import FileResponse
from sqlalchemy.orm import Session

from baotong.api.deps import Context, DbSession, Paging, Step, in_one_step, require, with_total
from baotong.auth.permissions import Permission, Principal
from baotong.core.exceptions import ValidationError
from baotong.warehouse import inbound, outbound, photos, reports, service
from baotong.warehouse.models import Document, DocumentKind, DocumentStatus
from baotong.warehouse.schemas import (
    Assemble,
    CountCreate,
    Counted,
    DispatchCreate,
    DocumentRead,
    ExpectedReceipt,
    KitCreate,
    Load,
    LocationRead,
    MoveRead,
    PackCreate,
    Pick,
    PickCreate,
    PutAway,
    Receive,
    ScanResult,
    Seal,
    ShipmentCreate,
    StockRow,
    WarehouseCreate,
    WarehouseRead,
)

router = APIRouter(prefix="/warehouse", tags=["warehouse"])
Reader = Annotated[Principal, Depends(require(Permission.WAREHOUSE_READ))]
Operator = Annotated[Principal, Depends(require(Permission.WAREHOUSE_OPERATE))]
Scanner = Annotated[Step, Depends(in_one_step(Permission.WAREHOUSE_OPERATE))]
Scanned = tuple[Document, bool]
Supervisor = Annotated[Principal, Depends(require(Permission.WAREHOUSE_SUPERVISE))]
SiteAdmin = Annotated[Principal, Depends(require(Permission.WAREHOUSE_SITES))]
SITE = "/sites/{warehouse_code}"
DOC = "/documents/{document_id}"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _doc(session: DbSession, row: Document) -> DocumentRead:
    return service.read_document(session, row)


async def _scan(step: Step, operation: Callable[[Session, Principal], Scanned]) -> Response:
    """A scan in one step (``api.deps.Step``): the operation, then its answer — whether it
    was applied now, and its document without the lines — written as JSON on the step's
    thread (a ``ScanResult``: built from its model, so not validated a second time)."""

    def work(session: Session, user: Principal) -> bytes:
        doc, applied = operation(session, user)
        document = service.read_document(session, doc, with_lines=False)
        return ScanResult(applied=applied, document=document).model_dump_json().encode()

    return Response(await step(work), media_type="application/json")


@router.get("/sites", response_model=list[WarehouseRead])
def sites(
    session: DbSession, user: Reader, paging: Paging, response: Response
) -> list[WarehouseRead]:
    found = service.list_warehouses(session, user, page=paging)
    with_total(response, found)
    return [WarehouseRead.model_validate(row) for row in found.items]


@router.post("/sites", response_model=WarehouseRead, status_code=201)
def create_site(body: WarehouseCreate, session: DbSession, user: SiteAdmin) -> WarehouseRead:
    return WarehouseRead.model_validate(service.create_warehouse(session, user, body))


@router.get(SITE, response_model=WarehouseRead)
def site(warehouse_code: str, session: DbSession, user: Reader) -> WarehouseRead:
    return WarehouseRead.model_validate(service.get_warehouse(session, user, warehouse_code))


@router.get(SITE + "/locations", response_model=list[LocationRead])
def site_locations(warehouse_code: str, session: DbSession, user: Reader) -> list[LocationRead]:
    warehouse = service.get_warehouse(session, user, warehouse_code)
    return [LocationRead.model_validate(row) for row in service.locations(session, warehouse)]


@router.get(SITE + "/stock", response_model=list[StockRow])
def stock(
    warehouse_code: str,
    session: DbSession,
    user: Reader,
    paging: Paging,
    response: Response,
    sku: str | None = None,
) -> list[StockRow]:
    found = service.stock(session, user, warehouse_code, sku=sku, page=paging)
    with_total(response, found)
    return list(found.items)


@router.get(SITE + "/moves", response_model=list[MoveRead])
def ledger(
    warehouse_code: str, session: DbSession, user: Reader, paging: Paging, response: Response
) -> list[MoveRead]:
    found = service.moves(session, user, warehouse_code, page=paging)
    with_total(response, found)
    warehouse = service.get_warehouse(session, user, warehouse_code)
    return reports.move_rows(found.items, service.location_codes(session, warehouse))


@router.get(SITE + "/stock.xlsx", responses={200: {"content": {XLSX: {}}}})
def stock_excel(warehouse_code: str, session: DbSession, user: Reader) -> Response:
    data = reports.stock_workbook(session, user, warehouse_code)
    return Response(data, media_type=XLSX, headers=_attachment(f"stock-{warehouse_code}.xlsx"))


@router.get(SITE + "/moves.xlsx", responses={200: {"content": {XLSX: {}}}})
def ledger_excel(warehouse_code: str, session: DbSession, user: Reader) -> Response:
    data = reports.ledger_workbook(session, user, warehouse_code)
    return Response(data, media_type=XLSX, headers=_attachment(f"ledger-{warehouse_code}.xlsx"))


@router.get(SITE + "/labels.pdf", responses={200: {"content": {"application/pdf": {}}}})
def site_labels(
    warehouse_code: str,
    session: DbSession,
    user: Reader,
    kind: str = Query("location", description="location, sku, lot or package"),
) -> Response:
    """Labels (Code 128 and QR) of the warehouse's locations, SKUs, lots or packages."""
    from baotong.warehouse import labels

    data = labels.site_labels(session, user, warehouse_code, kind)
    headers = _attachment(f"labels-{warehouse_code}-{kind}.pdf")
    return Response(data, media_type="application/pdf", headers=headers)


def _attachment(name: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{name}"'}


@router.get(SITE + "/documents", response_model=list[DocumentRead])
def documents(
    warehouse_code: str,
    session: DbSession,
    user: Reader,
    paging: Paging,
    response: Response,
    kind: DocumentKind | None = None,
    status: DocumentStatus | None = None,
) -> list[DocumentRead]:
    found = service.list_documents(
        session, user, warehouse_code, kind=kind, status=status, page=paging
    )
    with_total(response, found)
    return [_doc(session, row) for row in found.items]


@router.post(SITE + "/expected-receipts", response_model=DocumentRead, status_code=201)
def expect(
    warehouse_code: str, body: ExpectedReceipt, session: DbSession, user: Supervisor
) -> DocumentRead:
    service.get_warehouse(session, user, warehouse_code)
    return _doc(
        session,
        inbound.expect_receipt(
            session,
            warehouse_code,
            body.lines,
            body.source_type,
            body.source_id,
            reference=body.reference,
            actor=user.username,
        ),
    )


@router.post(SITE + "/receipts", response_model=ScanResult)
async def receive(warehouse_code: str, body: Receive, step: Scanner) -> Response:
    return await _scan(
        step,
        lambda session, user: inbound.receive(
            session,
            user,
            warehouse_code,
            lines=body.lines,
            document_id=body.document_id,
            reference=body.reference,
            photos=body.photos,
            scan_id=body.scan_id,
        ),
    )


@router.post(DOC + "/photos", status_code=201)
def upload_photo(
    document_id: int,
    session: DbSession,
    user: Operator,
    context: Context,
    file: Annotated[UploadFile | None, File(description="A photo of the delivery.")] = None,
) -> dict[str, str]:
    """Attach a photo (JPEG, PNG or WebP, up to 10 MB) to a receipt; its stored name."""
    service.document_of(session, user, document_id, DocumentKind.RECEIPT)  # out of scope: 404
    if file is None or not file.filename:
        raise ValidationError("choose a photo to upload.", code="warehouse.no_upload", field="file")
    name = inbound.attach_photo(
        session,
        user,
        context.settings,
        document_id,
        filename=file.filename,
        content=file.file.read(photos.MAX_BYTES + 1),
    )
    return {"name": name}


@router.get(DOC + "/photos/{name}")
def photo(
    document_id: int, name: str, session: DbSession, user: Reader, context: Context
) -> FileResponse:
    """A photo of a receipt, with its picture type."""
    found = inbound.photo_path(session, user, context.settings, document_id, name)
    return FileResponse(found, media_type=photos.media_type(name), filename=name[9:])


@router.post(SITE + "/picks", response_model=DocumentRead, status_code=201)
def create_pick(
    warehouse_code: str, body: PickCreate, session: DbSession, user: Operator
) -> DocumentRead:
    return _doc(
        session,
        outbound.create_pick(
            session,
            user,
            warehouse_code,
            lines=body.lines,
            wave=body.wave,
            reference=body.reference,
            cutoff=body.cutoff,
        ),
    )


@router.post(SITE + "/kits", response_model=DocumentRead, status_code=201)
def create_kit(
    warehouse_code: str, body: KitCreate, session: DbSession, user: Operator
) -> DocumentRead:
    return _doc(
        session,
        outbound.create_kit_order(
            session,
            user,
            warehouse_code,
            kit=body.kit,
            kits=body.kits,
            province_code=body.province_code,
            reference=body.reference,
        ),
    )


@router.post(SITE + "/packs", response_model=ScanResult)
async def pack(warehouse_code: str, body: PackCreate, step: Scanner) -> Response:
    return await _scan(
        step,
        lambda session, user: outbound.pack(
            session,
            user,
            warehouse_code,
            items=body.items,
            source=body.source,
            weight_kg=body.weight_kg,
            size_cm=body.size_cm,
            scan_id=body.scan_id,
        ),
    )


@router.post(SITE + "/shipments", response_model=DocumentRead, status_code=201)
def create_shipment(
    warehouse_code: str, body: ShipmentCreate, session: DbSession, user: Operator
) -> DocumentRead:
    return _doc(
        session,
        outbound.create_shipment(
            session,
            user,
            warehouse_code,
            vehicle=body.vehicle,
            trailer=body.trailer,
            reference=body.reference,
        ),
    )


@router.post(SITE + "/dispatches", response_model=ScanResult)
async def dispatch(warehouse_code: str, body: DispatchCreate, step: Scanner) -> Response:
    return await _scan(
        step,
        lambda session, user: outbound.dispatch(
            session,
            user,
            warehouse_code,
            shipment_id=body.shipment_id,
            carrier=body.carrier,
            handed_to=body.handed_to,
            note=body.note,
            scan_id=body.scan_id,
        ),
    )


@router.post(SITE + "/counts", response_model=DocumentRead, status_code=201)
def create_count(
    warehouse_code: str, body: CountCreate, session: DbSession, user: Operator
) -> DocumentRead:
    return _doc(
        session, inbound.create_count(session, user, warehouse_code, location_code=body.location)
    )


@router.get(DOC, response_model=DocumentRead)
def document(document_id: int, session: DbSession, user: Reader) -> DocumentRead:
    return _doc(session, service.get_document(session, user, document_id))


@router.get(DOC + "/list.pdf", responses={200: {"content": {"application/pdf": {}}}})
def document_pdf(document_id: int, session: DbSession, user: Reader) -> Response:
    """The printable pick list or packing list of a document."""
    from baotong.warehouse import labels

    data = labels.document_list(session, user, document_id)
    return Response(
        data, media_type="application/pdf", headers=_attachment(f"document-{document_id}.pdf")
    )


@router.post(DOC + "/putaway", response_model=ScanResult)
async def put_away(document_id: int, body: PutAway, step: Scanner) -> Response:
    return await _scan(
        step,
        lambda session, user: inbound.put_away(
            session,
            user,
            document_id,
            line_id=body.line_id,
            location_code=body.location,
            scan_id=body.scan_id,
        ),
    )


@router.post(DOC + "/pick", response_model=ScanResult)
async def pick(document_id: int, body: Pick, step: Scanner) -> Response:
    return await _scan(
        step,
        lambda session, user: outbound.pick(
            session,
            user,
            document_id,
            line_id=body.line_id,
            location_code=body.location,
            qty=body.qty,
            scan_id=body.scan_id,
        ),
    )


@router.post(DOC + "/assemble", response_model=ScanResult)
async def assemble(document_id: int, body: Assemble, step: Scanner) -> Response:
    return await _scan(
        step,
        lambda session, user: outbound.assemble(
            session, user, document_id, kits=body.kits, scan_id=body.scan_id
        ),
    )


@router.post(DOC + "/load", response_model=ScanResult)
async def load(document_id: int, body: Load, step: Scanner) -> Response:
    return await _scan(
        step,
        lambda session, user: outbound.load(
            session, user, document_id, package_code=body.package, scan_id=body.scan_id
        ),
    )


@router.post(DOC + "/seal", response_model=ScanResult)
async def seal(document_id: int, body: Seal, step: Scanner) -> Response:
    return await _scan(
        step,
        lambda session, user: outbound.seal(
            session, user, document_id, seal_number=body.seal, scan_id=body.scan_id
        ),
    )


@router.post(DOC + "/count", response_model=DocumentRead)
def count(document_id: int, body: Counted, session: DbSession, user: Operator) -> DocumentRead:
    return _doc(session, inbound.submit_count(session, user, document_id, counted=body.lines))


@router.post(DOC + "/approve", response_model=DocumentRead)
def approve(document_id: int, session: DbSession, user: Supervisor) -> DocumentRead:
    return _doc(session, inbound.approve_count(session, user, document_id))
