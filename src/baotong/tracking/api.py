"""``/api/v1/public/track`` (no login, rate-limited), ``/api/v1/tracking`` (staff: items with
contacts, bulk ingest of items and scans) and ``/api/v1/announcements``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Response, UploadFile

from baotong.api.deps import Context, CurrentNetwork, DbSession, Paging, require, with_total
from baotong.auth.permissions import Permission, Principal
from baotong.db.session import session_scope
from baotong.tracking import files, service
from baotong.tracking.models import AnnouncementState
from baotong.tracking.public import RateLimited
from baotong.tracking.schemas import (
    AnnouncementCreate,
    AnnouncementRead,
    IngestBatch,
    IngestReport,
    ItemRead,
    TrackingRead,
)

router = APIRouter(tags=["tracking"])
Reader = Annotated[Principal, Depends(require(Permission.TRACKING_READ))]
Ingester = Annotated[Principal, Depends(require(Permission.TRACKING_INGEST))]
Announcer = Annotated[Principal, Depends(require(Permission.ANNOUNCEMENTS_WRITE))]


@router.get("/public/track/{number}", response_model=TrackingRead, dependencies=[RateLimited])
def public_track(number: str, context: Context, network: CurrentNetwork) -> Response:
    """An item's scans and notices as the public sees them (no login, never contacts)."""
    # The read scope is opened here, not by a dependency: one thread-pool hop, not three.
    with session_scope(context.sessions, write=False, standalone=True) as session:
        found = service.track(session, network=network, number=number)
    # Already a TrackingRead: written out as is, not validated a second time on the way.
    return Response(found.model_dump_json(), media_type="application/json")


@router.get("/tracking/items/{number}", response_model=ItemRead)
def staff_item(number: str, session: DbSession, network: CurrentNetwork, user: Reader) -> ItemRead:
    return service.item_for_staff(session, network=network, number=number, principal=user)


@router.post("/tracking/ingest", response_model=IngestReport)
def ingest(
    batch: IngestBatch, session: DbSession, network: CurrentNetwork, user: Ingester
) -> IngestReport:
    """Items and scans in bulk; a scan already stored (item, event, site, time) is skipped."""
    return service.ingest(
        session, network=network, items=batch.items, events=batch.events, principal=user
    )


@router.post("/tracking/ingest/file", response_model=IngestReport)
async def ingest_file(
    file: UploadFile, session: DbSession, network: CurrentNetwork, user: Ingester
) -> IngestReport:
    """A CSV (number,event,site_id,at) or JSON-lines file of scans (and items)."""
    name = file.filename or "upload.csv"
    items, events = files.parse(name, (await file.read()).decode("utf-8-sig"))
    return service.ingest(
        session, network=network, items=items, events=events, principal=user, source=name
    )


@router.get("/announcements", response_model=list[AnnouncementRead])
def list_announcements(
    session: DbSession, user: Announcer, paging: Paging, response: Response
) -> list[AnnouncementRead]:
    page = service.list_announcements(session, principal=user, page=paging)
    with_total(response, page)
    return [AnnouncementRead.model_validate(a) for a in page.items]


@router.post("/announcements", response_model=AnnouncementRead, status_code=201)
def create_announcement(
    data: AnnouncementCreate, session: DbSession, user: Announcer
) -> AnnouncementRead:
    row = service.create_announcement(session, data=data, principal=user)
    return AnnouncementRead.model_validate(row)


@router.post("/announcements/{announcement_id}/publish", response_model=AnnouncementRead)
def publish(announcement_id: int, session: DbSession, user: Announcer) -> AnnouncementRead:
    row = service.set_announcement_state(
        session, announcement_id=announcement_id, state=AnnouncementState.PUBLISHED,
        principal=user,
    )  # fmt: skip
    return AnnouncementRead.model_validate(row)


@router.post("/announcements/{announcement_id}/withdraw", response_model=AnnouncementRead)
def withdraw(announcement_id: int, session: DbSession, user: Announcer) -> AnnouncementRead:
    row = service.set_announcement_state(
        session, announcement_id=announcement_id, state=AnnouncementState.WITHDRAWN,
        principal=user,
    )  # fmt: skip
    return AnnouncementRead.model_validate(row)
