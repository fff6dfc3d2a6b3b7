"""``/api/v1/supply/...``: demand tables through quotation, confirmation, contracts,
allocation and arrival; the clocks, the on-time report, the template and the kits."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Form, Path, Response, UploadFile
from fastapi.responses import FileResponse

from baotong.api.deps import Context, DbSession, Paging, require, with_total
from baotong.auth.permissions import Permission, Principal
from baotong.core.exceptions import ValidationError
from baotong.supply import files, fulfilment, service
from baotong.supply.catalogue import OutbreakStage
from baotong.supply.models import DemandStatus
from baotong.supply.report import report_xlsx
from baotong.supply.schemas import (
    AllocationRead,
    ArrivalIn,
    ArrivalRead,
    Cancellation,
    ClockRead,
    Confirmation,
    ContractCreate,
    ContractRead,
    DemandLineCreate,
    DemandLineRead,
    DemandTableCreate,
    DemandTableDetail,
    DemandTableRead,
    LineShipping,
    Quotation,
    QuoteLineRead,
)
from baotong.supply.template import template_bytes

router = APIRouter(prefix="/supply", tags=["supply"])
Reader = Annotated[Principal, Depends(require(Permission.SUPPLY_READ))]
Province = Annotated[Principal, Depends(require(Permission.SUPPLY_DEMAND))]
Desk = Annotated[Principal, Depends(require(Permission.SUPPLY_SOURCE))]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _detail(table: Any) -> DemandTableDetail:
    return DemandTableDetail.model_validate(table)


def _xlsx(content: bytes, name: str) -> Response:
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    return Response(content, media_type=XLSX, headers=headers)


@router.get("/tables", response_model=list[DemandTableRead])
def list_tables(
    session: DbSession,
    user: Reader,
    paging: Paging,
    response: Response,
    status: DemandStatus | None = None,
) -> list[DemandTableRead]:
    found = service.list_tables(session, principal=user, status=status, page=paging)
    with_total(response, found)
    return [DemandTableRead.model_validate(t) for t in found.items]


@router.post("/tables", response_model=DemandTableDetail, status_code=201)
def create_table(body: DemandTableCreate, session: DbSession, user: Province) -> Any:
    return _detail(service.create_table(session, data=body, principal=user))


@router.post("/tables/import", response_model=DemandTableDetail, status_code=201)
def import_table(
    session: DbSession,
    user: Province,
    file: Annotated[UploadFile, File(description="A filled demand-table template (.xlsx).")],
    province_code: Annotated[str, Form(pattern=r"^\d{6}$")],
    owner: Annotated[str, Form(min_length=1)],
    title: Annotated[str, Form(min_length=1, max_length=200)],
    deputy: Annotated[str | None, Form()] = None,
    stage: Annotated[OutbreakStage | None, Form()] = None,
) -> Any:
    table = service.import_table(
        session,
        content=file.file.read(),
        file=file.filename or "demand.xlsx",
        title=title,
        province_code=province_code,
        owner=owner,
        deputy=deputy or None,
        stage=stage,
        principal=user,
    )
    return _detail(table)


@router.get("/tables/{table_id}", response_model=DemandTableDetail)
def get_table(table_id: int, session: DbSession, user: Reader) -> Any:
    return _detail(service.get_table(session, table_id, principal=user))


@router.post("/tables/{table_id}/lines", response_model=DemandLineRead, status_code=201)
def add_line(table_id: int, body: DemandLineCreate, session: DbSession, user: Province) -> Any:
    line = service.add_line(session, table_id=table_id, data=body, principal=user)
    return DemandLineRead.model_validate(line)


@router.delete("/tables/{table_id}/lines/{line_id}", status_code=204)
def remove_line(table_id: int, line_id: int, session: DbSession, user: Province) -> Response:
    service.remove_line(session, table_id=table_id, line_id=line_id, principal=user)
    return Response(status_code=204)


@router.get("/tables/{table_id}/quotes", response_model=list[QuoteLineRead])
def quotes(table_id: int, session: DbSession, user: Reader) -> Any:
    service.get_table(session, table_id, principal=user)
    return [QuoteLineRead.model_validate(q) for q in service.quote_lines(session, table_id)]


@router.get("/tables/{table_id}/clocks", response_model=list[ClockRead])
def clocks(table_id: int, session: DbSession, user: Reader) -> Any:
    service.get_table(session, table_id, principal=user)
    return [ClockRead.model_validate(c) for c in service.table_clocks(session, table_id)]


@router.post("/tables/{table_id}/submit", response_model=DemandTableRead)
def submit(table_id: int, session: DbSession, user: Province) -> Any:
    return DemandTableRead.model_validate(
        service.submit(session, table_id=table_id, principal=user)
    )


@router.post("/tables/{table_id}/quote", response_model=DemandTableRead)
def quote(table_id: int, body: Quotation, session: DbSession, user: Desk) -> Any:
    table = service.quote(session, table_id=table_id, lines=body.lines, principal=user)
    return DemandTableRead.model_validate(table)


@router.post("/tables/{table_id}/decide", response_model=DemandTableRead)
def decide(table_id: int, body: Confirmation, session: DbSession, user: Province) -> Any:
    table = service.decide(session, table_id=table_id, decisions=body.decisions, principal=user)
    return DemandTableRead.model_validate(table)


@router.post("/tables/{table_id}/requote", response_model=DemandTableRead)
def requote(table_id: int, session: DbSession, user: Province) -> Any:
    return DemandTableRead.model_validate(
        service.requote(session, table_id=table_id, principal=user)
    )


@router.post("/tables/{table_id}/cancel", response_model=DemandTableRead)
def cancel(table_id: int, body: Cancellation, session: DbSession, user: Province) -> Any:
    table = service.cancel(session, table_id=table_id, reason=body.reason, principal=user)
    return DemandTableRead.model_validate(table)


@router.post("/tables/{table_id}/contract", response_model=list[ContractRead])
def contract(
    table_id: int, session: DbSession, user: Desk, body: ContractCreate | None = None
) -> Any:
    made = fulfilment.contract(
        session, table_id=table_id, documents=body.documents if body else [], principal=user
    )
    return [ContractRead.model_validate(c) for c in made]


def _upload(context: Context, table_id: int, file: UploadFile | None, field: str) -> dict[str, str]:
    if file is None or not file.filename:
        raise ValidationError("choose a file to upload.", code="supply.no_upload", field=field)
    return {
        "name": files.save(context.settings, table_id, file.filename, file.file.read(), field=field)
    }


@router.post("/tables/{table_id}/documents", status_code=201)
def upload_document(
    table_id: int,
    session: DbSession,
    context: Context,
    user: Desk,
    file: Annotated[UploadFile | None, File(description="A contract document.")] = None,
) -> dict[str, str]:
    """Keep a contract document; list the returned name in the contract's ``documents``."""
    service.get_table(session, table_id, principal=user)
    return _upload(context, table_id, file, "file")


@router.post("/tables/{table_id}/photos", status_code=201)
def upload_photo(
    table_id: int,
    session: DbSession,
    context: Context,
    user: Province,
    file: Annotated[UploadFile | None, File(description="A photo of the arrival.")] = None,
) -> dict[str, str]:
    """Keep an arrival photo; list the returned name in the arrival's ``photos``."""
    service.get_table(session, table_id, principal=user)
    return _upload(context, table_id, file, "file")


@router.get("/tables/{table_id}/files/{name}")
def download(
    table_id: int, name: str, session: DbSession, context: Context, user: Reader
) -> FileResponse:
    """A contract document or an arrival photo of the table."""
    service.get_table(session, table_id, principal=user)
    found = files.path(context.settings, table_id, name)
    return FileResponse(found, media_type=files.media_type(name), filename=name[9:])


@router.get("/tables/{table_id}/contracts", response_model=list[ContractRead])
def contracts(table_id: int, session: DbSession, user: Reader) -> Any:
    service.get_table(session, table_id, principal=user)
    return [ContractRead.model_validate(c) for c in fulfilment.contracts(session, table_id)]


@router.post("/tables/{table_id}/allocate", response_model=list[AllocationRead])
def allocate(table_id: int, session: DbSession, user: Desk) -> Any:
    rows = fulfilment.allocate(session, table_id=table_id, principal=user)
    return [AllocationRead.model_validate(a) for a in rows]


@router.get("/tables/{table_id}/allocations", response_model=list[AllocationRead])
def allocations(table_id: int, session: DbSession, user: Reader) -> Any:
    service.get_table(session, table_id, principal=user)
    return [AllocationRead.model_validate(a) for a in fulfilment.allocations(session, table_id)]


@router.post("/tables/{table_id}/shipping", response_model=DemandLineRead)
def override_shipping(table_id: int, body: LineShipping, session: DbSession, user: Desk) -> Any:
    line = fulfilment.override_shipping(
        session, table_id=table_id, line_id=body.line_id, data=body, principal=user
    )
    return DemandLineRead.model_validate(line)


@router.get("/tables/{table_id}/shipments")
def shipments(table_id: int, session: DbSession, user: Reader) -> list[dict[str, Any]]:
    """What the transport moves: per line, supplier and day, direct or via consolidation."""
    found = fulfilment.shipments(session, table_id=table_id, principal=user)
    return [
        {
            "line_id": s.line_id,
            "mode": s.mode,
            "supplier_code": s.supplier_code,
            "day": s.day.isoformat(),
            "destination": s.destination,
            "kg": s.kg,
            "m3": s.m3,
        }
        for s in found
    ]


@router.post("/tables/{table_id}/dispatch", response_model=DemandTableRead)
def dispatch(table_id: int, session: DbSession, user: Desk) -> Any:
    return DemandTableRead.model_validate(
        fulfilment.dispatch(session, table_id=table_id, principal=user)
    )


@router.post("/tables/{table_id}/arrivals", response_model=ArrivalRead, status_code=201)
def record_arrival(table_id: int, body: ArrivalIn, session: DbSession, user: Province) -> Any:
    row = fulfilment.record_arrival(session, table_id=table_id, data=body, principal=user)
    return ArrivalRead.model_validate(row)


@router.get("/tables/{table_id}/arrivals", response_model=list[ArrivalRead])
def arrivals(table_id: int, session: DbSession, user: Reader) -> Any:
    service.get_table(session, table_id, principal=user)
    return [ArrivalRead.model_validate(a) for a in fulfilment.arrivals(session, table_id)]


@router.post("/tables/{table_id}/sign/receiver", response_model=DemandTableRead)
def sign_receiver(table_id: int, session: DbSession, user: Province) -> Any:
    table = fulfilment.sign(session, table_id=table_id, side="receiver", principal=user)
    return DemandTableRead.model_validate(table)


@router.post("/tables/{table_id}/sign/deliverer", response_model=DemandTableRead)
def sign_deliverer(table_id: int, session: DbSession, user: Desk) -> Any:
    table = fulfilment.sign(session, table_id=table_id, side="deliverer", principal=user)
    return DemandTableRead.model_validate(table)


@router.post("/tables/{table_id}/close", response_model=DemandTableRead)
def close(table_id: int, session: DbSession, user: Province) -> Any:
    return DemandTableRead.model_validate(
        fulfilment.close(session, table_id=table_id, principal=user)
    )


@router.get("/tables/{table_id}/receipts")
def receipts(table_id: int, session: DbSession, user: Reader) -> list[dict[str, Any]]:
    """What the warehouse should expect from a received table (good units per SKU)."""
    found = fulfilment.expected_receipts(session, table_id=table_id, principal=user)
    return [
        {
            "site_name": r.site_name,
            "sku_code": r.sku_code,
            "quantity": r.quantity,
            "received_at": r.received_at,
        }
        for r in found
    ]


@router.get("/overdue", response_model=list[ClockRead])
def overdue(session: DbSession, user: Reader, paging: Paging, response: Response) -> Any:
    found = service.overdue(session, principal=user, page=paging)
    with_total(response, found)
    return [ClockRead.model_validate(c) for c in found.items]


@router.get("/report")
def report(session: DbSession, user: Reader) -> list[dict[str, Any]]:
    """On time per province and per desk: shares within 24 h / 4 h and median hours."""
    return [
        {
            "group": r.group,
            "key": r.key,
            "quotes": r.quotes,
            "quote_share": r.quote_share,
            "quote_median_hours": r.quote_median_hours,
            "confirmations": r.confirmations,
            "confirm_share": r.confirm_share,
            "confirm_median_hours": r.confirm_median_hours,
        }
        for r in service.on_time_report(session, principal=user)
    ]


@router.get("/report.xlsx", responses={200: {"content": {XLSX: {}}}})
def report_excel(session: DbSession, user: Reader, lang: Literal["zh", "en"] = "zh") -> Response:
    rows = service.on_time_report(session, principal=user)
    return _xlsx(report_xlsx(rows, lang), "supply-on-time.xlsx")


@router.get("/template.xlsx", responses={200: {"content": {XLSX: {}}}})
def template(_: Reader) -> Response:
    """The empty demand-table template to fill and import."""
    return _xlsx(template_bytes(service.catalogue()), "demand-table.xlsx")


@router.get("/kits")
def kits(session: DbSession, _: Reader) -> list[dict[str, Any]]:
    """Every kit variant with its items (the general variant first), and how many a day its
    components' suppliers can deliver: ``available`` at full capacity, ``available_today``
    with what allocations already take today, ``limited_by`` the scarce categories."""
    return [_kit(v) for v in fulfilment.kit_variants(session)]


@router.get("/kits/{code}")
def kit(
    code: Annotated[str, Path(max_length=32)], session: DbSession, _: Reader
) -> list[dict[str, Any]]:
    """The variants of one kit (general first), as in ``GET kits``."""
    return [_kit(v) for v in fulfilment.kit_variants(session, code)]


def _kit(v: fulfilment.KitVariant) -> dict[str, Any]:
    k = v.kit
    return {
        "code": k.code,
        "name": k.name,
        "name_en": k.name_en,
        "standard": k.standard,
        "province_code": k.province_code,
        "stage": k.stage,
        "version": k.version,
        "items": dict(k.items),
        "available": v.capacity.kits,
        "available_today": v.free.kits,
        "limited_by": v.capacity.limited_by,
        "day": v.day,
    }
