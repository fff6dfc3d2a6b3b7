"""Outbound operations: pick lists in waves (FEFO), kitting work orders, packing, loading
and sealing a vehicle, and the handover to transport. Each is a document; each change of
stock a move of the ledger."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from baotong.auth.permissions import Principal
from baotong.core import clock
from baotong.core.exceptions import ConflictError, ValidationError
from baotong.warehouse import ledger, service
from baotong.warehouse.models import (
    Document,
    DocumentKind,
    DocumentLine,
    DocumentStatus,
    Location,
    LocationKind,
    Lot,
    Package,
    Quant,
)
from baotong.warehouse.schemas import ItemLine
from baotong.warehouse.service import DOCK_OUT, KITTING, STAGING


def create_pick(
    session: Session,
    principal: Principal,
    code: str,
    *,
    lines: list[ItemLine],
    wave: str,
    reference: str = "",
    cutoff: Any = None,
) -> Document:
    """A pick list in a wave: stock reserved FEFO from the bins, one line per bin and lot;
    what could not be reserved is reported as a shortage."""
    warehouse = service.get_warehouse(session, principal, code)
    for i, item in enumerate(lines):
        service.check_sku(item.sku, f"lines.{i}.sku")
    staging = service.location(session, warehouse, STAGING)
    doc = service.new_document(
        session, warehouse, DocumentKind.PICK, principal.username, reference=reference, wave=wave
    )
    shortages = []
    for item in lines:
        remaining = item.qty
        candidates = session.execute(
            service.fefo(session, warehouse, item.sku, (LocationKind.BIN,)).with_for_update(
                of=Quant
            )
        ).all()
        for quant, bin_ in candidates:
            if remaining <= 0:
                break
            take = min(remaining, quant.on_hand - quant.reserved)
            ledger.reserve(session, quant, take, bin_)
            lot = session.scalar(
                select(Lot.expiry).where(
                    Lot.warehouse_id == warehouse.id, Lot.sku == item.sku, Lot.code == quant.lot
                )
            )
            session.add(
                DocumentLine(
                    document_id=doc.id,
                    sku=item.sku,
                    lot=quant.lot,
                    expiry=lot,
                    qty=take,
                    from_location_id=bin_.id,
                    to_location_id=staging.id,
                )
            )
            remaining -= take
        if remaining > 0:
            shortages.append({"sku": item.sku, "requested": item.qty, "short": remaining})
    session.flush()
    service.set_data(doc, shortages=shortages, cutoff=cutoff.isoformat() if cutoff else None)
    return doc


def pick(
    session: Session,
    principal: Principal,
    document_id: int,
    *,
    line_id: int,
    location_code: str | None = None,
    qty: int | None = None,
    scan_id: str | None = None,
) -> tuple[Document, bool]:
    """Take a pick line's units from its bin (scanned, checked) to staging."""
    warehouse, doc = service.document_of(session, principal, document_id, DocumentKind.PICK)

    def apply() -> dict[str, Any]:
        service.check_active(doc)
        scanned = service.line_of(session, doc, line_id)
        line, source, target = scanned.line, scanned.source, scanned.target
        assert source is not None
        assert target is not None
        if location_code and location_code != source.code:
            raise ValidationError(
                f"is {location_code}; line {line.id} is picked from {source.code}.",
                code="warehouse.wrong_location",
                field="location",
                value=location_code,
                expected=source.code,
            )
        remaining = line.qty - line.qty_done
        count = remaining if qty is None else qty
        if count <= 0 or count > remaining:
            raise ValidationError(
                f"must be 1 to {remaining}.",
                code="warehouse.bad_pick_qty",
                field="qty",
                value=count,
                most=remaining,
            )
        ledger.move(
            session,
            warehouse_id=warehouse.id,
            sku=line.sku,
            lot=line.lot,
            qty=count,
            source=source,
            target=target,
            document_id=doc.id,
            actor=principal.username,
            scan_id=scan_id,
            release=count,
        )
        scanned.finish(session, warehouse, doc, principal.username, line.qty_done + count)
        return {"document_id": doc.id}

    return service.scanned(session, warehouse, principal, scan_id, "pick", apply, doc)


# -- 4. kit -----------------------------------------------------------------------------------
def create_kit_order(
    session: Session,
    principal: Principal,
    code: str,
    *,
    kit: str,
    kits: int,
    province_code: str | None = None,
    reference: str = "",
) -> Document:
    """A kitting work order: ``kits`` units of a kit, consuming its bill of items from
    staging and producing kit units in the kitting area."""
    warehouse = service.get_warehouse(session, principal, code)
    bill = service.catalogue().kit(kit, province_code=province_code or warehouse.province_code)
    staging = service.location(session, warehouse, STAGING)
    doc = service.new_document(
        session,
        warehouse,
        DocumentKind.KIT,
        principal.username,
        reference=reference,
        data={
            "kit": kit,
            "kits": kits,
            "made": 0,
            "bill": dict(bill.items),
            "name": bill.name,
            "name_en": bill.name_en,
        },
    )
    for sku, qty in bill.components(kits).items():
        session.add(DocumentLine(document_id=doc.id, sku=sku, qty=qty, from_location_id=staging.id))
    session.flush()
    return doc


def assemble(
    session: Session,
    principal: Principal,
    document_id: int,
    *,
    kits: int,
    scan_id: str | None = None,
) -> tuple[Document, bool]:
    """Assemble ``kits`` kits in one transaction: every component consumed by the bill,
    the kit units produced into the kitting area — all or nothing."""
    warehouse, doc = service.document_of(session, principal, document_id, DocumentKind.KIT)

    def apply() -> dict[str, Any]:
        service.lock_document(session, doc)
        service.check_active(doc)
        made, wanted = int(doc.data["made"]), int(doc.data["kits"])
        if kits > wanted - made:
            raise ValidationError(
                f"must be at most {wanted - made}.",
                code="warehouse.too_many_kits",
                field="kits",
                value=kits,
                most=wanted - made,
            )
        kitting = service.location(session, warehouse, KITTING)
        for line in service.lines_of(session, doc):
            per_kit = int(doc.data["bill"][line.sku])
            source = session.get(Location, line.from_location_id)
            assert source is not None
            service.consume(
                session,
                warehouse,
                sku=line.sku,
                qty=per_kit * kits,
                source=source,
                target=None,
                doc=doc,
                actor=principal.username,
                scan_id=scan_id,
            )
            line.qty_done += per_kit * kits
        ledger.move(
            session,
            warehouse_id=warehouse.id,
            sku=str(doc.data["kit"]),
            lot=f"K{doc.id}",
            qty=kits,
            source=None,
            target=kitting,
            document_id=doc.id,
            actor=principal.username,
            scan_id=scan_id,
        )
        service.set_data(doc, made=made + kits)
        session.flush()
        service.progress(session, warehouse, doc, principal.username)
        return {"document_id": doc.id}

    return service.scanned(session, warehouse, principal, scan_id, "assemble", apply)


# -- 5. pack ----------------------------------------------------------------------------------
def pack(
    session: Session,
    principal: Principal,
    code: str,
    *,
    items: list[ItemLine],
    source: str,
    weight_kg: float,
    size_cm: list[float],
    scan_id: str | None = None,
) -> tuple[Document, bool]:
    """Pack goods into a package (contents, weight, size, label code) and bring it to the
    outbound dock."""
    warehouse = service.get_warehouse(session, principal, code)
    for i, item in enumerate(items):
        service.check_sku(item.sku, f"items.{i}.sku")

    def apply() -> dict[str, Any]:
        origin = service.location(session, warehouse, source, "source")
        dock = service.location(session, warehouse, DOCK_OUT)
        doc = service.new_document(session, warehouse, DocumentKind.PACK, principal.username)
        contents = []
        for item in items:
            contents += service.consume(
                session,
                warehouse,
                sku=item.sku,
                qty=item.qty,
                source=origin,
                target=dock,
                doc=doc,
                actor=principal.username,
                scan_id=scan_id,
                lot=item.lot or None,
            )
            session.add(
                DocumentLine(
                    document_id=doc.id,
                    sku=item.sku,
                    lot=item.lot,
                    qty=item.qty,
                    qty_done=item.qty,
                    from_location_id=origin.id,
                    to_location_id=dock.id,
                )
            )
        package = Package(
            warehouse_id=warehouse.id,
            code=f"PKG-{warehouse.code}-{doc.id:06d}",
            document_id=doc.id,
            location_id=dock.id,
            weight_kg=weight_kg,
            size_cm=list(size_cm),
            contents=contents,
        )
        session.add(package)
        session.flush()
        service.set_data(
            doc, package=package.code, weight_kg=weight_kg, size_cm=list(size_cm), contents=contents
        )
        service.move_to(
            session,
            warehouse,
            doc,
            DocumentStatus.OPEN,
            DocumentStatus.DONE,
            principal.username,
            data=doc.data,
        )
        return {"document_id": doc.id}

    return service.scanned(session, warehouse, principal, scan_id, "pack", apply)


# -- 6. ship out ------------------------------------------------------------------------------
def create_shipment(
    session: Session,
    principal: Principal,
    code: str,
    *,
    vehicle: str,
    trailer: str = "",
    reference: str = "",
) -> Document:
    """A vehicle or trailer at the outbound dock, to load packages onto and seal."""
    warehouse = service.get_warehouse(session, principal, code)
    return service.new_document(
        session,
        warehouse,
        DocumentKind.SHIPMENT,
        principal.username,
        reference=reference,
        data={"vehicle": vehicle, "trailer": trailer},
    )


def load(
    session: Session,
    principal: Principal,
    document_id: int,
    *,
    package_code: str,
    scan_id: str | None = None,
) -> tuple[Document, bool]:
    """Load a package (scanned) onto the shipment's vehicle."""
    warehouse, doc = service.document_of(session, principal, document_id, DocumentKind.SHIPMENT)

    def apply() -> dict[str, Any]:
        service.check_active(doc)
        package = session.scalar(
            select(Package).where(
                Package.code == package_code, Package.warehouse_id == warehouse.id
            )
        )
        if package is None:
            raise ValidationError(
                f"is not a package of {warehouse.code}: '{package_code}'.",
                code="warehouse.unknown_package",
                field="package",
                value=package_code,
            )
        if package.shipment_id is not None:
            raise ConflictError(
                f"Package {package_code} is loaded already.",
                code="warehouse.package_loaded",
                package=package_code,
                shipment=package.shipment_id,
            )
        package.shipment_id = doc.id
        session.flush()
        if doc.status is DocumentStatus.OPEN:
            service.move_to(
                session,
                warehouse,
                doc,
                DocumentStatus.OPEN,
                DocumentStatus.IN_PROGRESS,
                principal.username,
            )
        return {"document_id": doc.id}

    return service.scanned(session, warehouse, principal, scan_id, "load", apply)


def seal(
    session: Session,
    principal: Principal,
    document_id: int,
    *,
    seal_number: str,
    scan_id: str | None = None,
) -> tuple[Document, bool]:
    """Seal the loaded vehicle: the packages' contents leave the warehouse."""
    warehouse, doc = service.document_of(session, principal, document_id, DocumentKind.SHIPMENT)

    def apply() -> dict[str, Any]:
        loaded = service.packages(session, warehouse, doc.id)
        if not loaded:
            raise ConflictError(
                f"Shipment {doc.id} has no packages loaded.",
                code="warehouse.nothing_loaded",
                id=doc.id,
            )
        for package in loaded:
            dock = session.get(Location, package.location_id)
            for item in package.contents:
                ledger.move(
                    session,
                    warehouse_id=warehouse.id,
                    sku=item["sku"],
                    lot=item["lot"],
                    qty=int(item["qty"]),
                    source=dock,
                    target=None,
                    document_id=doc.id,
                    actor=principal.username,
                    scan_id=scan_id,
                )
            package.location_id = None
        weight = round(sum(p.weight_kg for p in loaded), 3)
        service.set_data(doc, seal=seal_number, packages=[p.code for p in loaded], weight_kg=weight)
        session.flush()
        service.move_to(
            session,
            warehouse,
            doc,
            DocumentStatus.IN_PROGRESS,
            DocumentStatus.DONE,
            principal.username,
            data=doc.data,
        )
        return {"document_id": doc.id}

    return service.scanned(session, warehouse, principal, scan_id, "seal", apply)


# -- 7. dispatch ------------------------------------------------------------------------------
def dispatch(
    session: Session,
    principal: Principal,
    code: str,
    *,
    shipment_id: int,
    carrier: str,
    handed_to: str,
    note: str = "",
    scan_id: str | None = None,
) -> tuple[Document, bool]:
    """Hand a sealed shipment to transport (a shuttle or delivery run): the handover record."""
    warehouse = service.get_warehouse(session, principal, code)

    def apply() -> dict[str, Any]:
        shipment = session.get(Document, shipment_id)
        if (
            shipment is None
            or shipment.warehouse_id != warehouse.id
            or shipment.kind is not DocumentKind.SHIPMENT
        ):
            raise ValidationError(
                f"is not a shipment of {warehouse.code}: {shipment_id}.",
                code="warehouse.unknown_shipment",
                field="shipment_id",
                value=shipment_id,
                warehouse=warehouse.code,
            )
        if shipment.status is not DocumentStatus.DONE:
            raise ConflictError(
                f"Warehouse document {shipment_id} is {shipment.status}; it must be done.",
                code="warehouse_document.wrong_status",
                id=shipment_id,
                status=shipment.status,
            )
        if shipment.data.get("dispatch_id"):
            raise ConflictError(
                f"Shipment {shipment_id} is dispatched already.",
                code="warehouse.dispatched",
                id=shipment_id,
                dispatch=shipment.data["dispatch_id"],
            )
        handover = {
            "shipment_id": shipment.id,
            "vehicle": shipment.data.get("vehicle"),
            "trailer": shipment.data.get("trailer"),
            "seal": shipment.data.get("seal"),
            "packages": shipment.data.get("packages", []),
            "weight_kg": shipment.data.get("weight_kg"),
            "carrier": carrier,
            "handed_to": handed_to,
            "handed_by": principal.username,
            "at": clock.now().isoformat(),
            "note": note,
        }
        doc = service.new_document(
            session,
            warehouse,
            DocumentKind.DISPATCH,
            principal.username,
            reference=shipment.reference,
            source_type="shipment",
            source_id=str(shipment.id),
            data={"handover": handover},
        )
        service.set_data(shipment, dispatch_id=doc.id)
        session.flush()
        service.move_to(
            session, warehouse, doc, DocumentStatus.OPEN, DocumentStatus.DONE, principal.username
        )
        return {"document_id": doc.id}

    return service.scanned(session, warehouse, principal, scan_id, "dispatch", apply)
