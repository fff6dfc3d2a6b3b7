"""Use cases of tracking: register items, ingest scans in bulk, look an item up with its
notices, and write and publish announcements.

The bulk path is the one way scans enter: on PostgreSQL the rows are copied (COPY) into a
temporary staging table and moved with one INSERT … SELECT … ON CONFLICT DO NOTHING; on
SQLite they go in with INSERT OR IGNORE. Either way a re-sent batch adds nothing.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Protocol, TypeVar, cast

from psycopg import errors
from sqlalchemy import bindparam, delete, func, insert, select, text
from sqlalchemy.orm import Session

from baotong.audit import service as audit_service
from baotong.auth.permissions import Principal
from baotong.auth.scope import in_scope
from baotong.contingency import in_force as contingency_routing
from baotong.contingency import service as contingency_service
from baotong.contingency.models import PlanRun
from baotong.core import clock
from baotong.core.exceptions import BaotongError, NotFoundError, ValidationError
from baotong.core.i18n import N_
from baotong.core.pagination import Page, PageRequest, paginate
from baotong.db import versions
from baotong.db.transitions import transition
from baotong.network.entities import Network, SiteStatus
from baotong.tracking import s10
from baotong.tracking.models import (
    Announcement,
    AnnouncementState,
    MailItem,
    ScanEvent,
    ScanKind,
)
from baotong.tracking.schemas import (
    AnnouncementCreate,
    AnnouncementRead,
    EventIn,
    EventRead,
    IngestReport,
    ItemCreate,
    ItemRead,
    Notice,
    PruneReport,
    TrackingRead,
)

audit_service.register_type(
    "announcement", label_key=N_("object.announcement"), link="/tracking/announcements"
)
audit_service.register_type("scan_batch", label_key=N_("object.scan_batch"), link=None)
R = TypeVar("R", bound=TrackingRead)
CHUNK = 5000  # numbers looked up per query (SQLite's bound-parameter limit is far above)


def site_name(network: Network, site_id: str) -> str:
    """A site's name from the network (centre, hub or station), else its id."""
    for sites in (network.centers, network.stations, network.hubs):
        site = sites.get(site_id)
        if site is not None:
            return str(site.name)
    return site_id


def _is_site(network: Network, site_id: str) -> bool:
    return site_id in network.centers or site_id in network.stations or site_id in network.hubs


def province_of_site(network: Network, site_id: str) -> str:
    if site_id in network.centers:
        return network.centers[site_id].province_code
    if site_id in network.stations:
        return network.regions[network.stations[site_id].county_code].province_code
    if site_id in network.hubs:
        return network.regions[network.hubs[site_id].prefecture_code].province_code
    return ""


# -- items ------------------------------------------------------------------------------
def _item_row(network: Network, item: ItemCreate, *, row: int, now: datetime) -> dict[str, Any]:
    """The row of ``item``, validated against the network (``row`` names it in errors)."""
    number = s10.normalise(item.number, field=f"items[{row}].number")
    if not _is_site(network, item.origin_site_id):
        raise ValidationError(
            f"no site '{item.origin_site_id}' in the network.",
            code="tracking.unknown_site", field=f"items[{row}].origin_site_id",
            value=item.origin_site_id, site=item.origin_site_id,
        )  # fmt: skip
    county = network.regions.get(item.dest_region_code)
    if county is None or county.level.value != "county":
        raise ValidationError(
            f"'{item.dest_region_code}' is not a county of the network.",
            code="tracking.unknown_county", field=f"items[{row}].dest_region_code",
            value=item.dest_region_code, region=item.dest_region_code,
        )  # fmt: skip
    station = network.stations.get(item.dest_station_id or "")
    if item.dest_station_id and (station is None or station.county_code != county.code):
        raise ValidationError(
            f"no station '{item.dest_station_id}' in county {county.code}.",
            code="tracking.unknown_station", field=f"items[{row}].dest_station_id",
            value=item.dest_station_id, station=item.dest_station_id, region=county.code,
        )  # fmt: skip
    return {
        "number": number,
        "product_class": item.product_class,
        "origin_site_id": item.origin_site_id,
        "origin_province_code": province_of_site(network, item.origin_site_id),
        "dest_region_code": county.code,
        "dest_province_code": county.province_code,
        "dest_station_id": item.dest_station_id,
        "sender_contact": item.sender_contact,
        "recipient_contact": item.recipient_contact,
        "posted_at": item.posted_at or now,
    }


def item_ids(session: Session, numbers: Sequence[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for start in range(0, len(numbers), CHUNK):
        chunk = numbers[start : start + CHUNK]
        found.update(
            (n, i) for i, n in session.execute(
                select(MailItem.id, MailItem.number).where(MailItem.number.in_(chunk))
            )
        )  # fmt: skip
    return found


def add_items(session: Session, *, network: Network, items: Sequence[ItemCreate]) -> int:
    """Register items that are not registered yet (by number); how many were new."""
    now = clock.now()
    rows = [_item_row(network, item, row=i, now=now) for i, item in enumerate(items)]
    known = item_ids(session, [r["number"] for r in rows])
    fresh: dict[str, dict[str, Any]] = {}
    for r in rows:
        if r["number"] not in known:
            fresh.setdefault(r["number"], r)
    if fresh:
        session.execute(insert(MailItem), list(fresh.values()))
    return len(fresh)


# -- scan events ------------------------------------------------------------------------
def _event_tuples(
    session: Session, *, network: Network, events: Sequence[EventIn]
) -> list[tuple[int, str, str, datetime]]:
    """(item id, kind, site, time) of every event, after checking all of them."""
    numbers = [s10.normalise(e.number, field=f"events[{i}].number") for i, e in enumerate(events)]
    ids = item_ids(session, sorted(set(numbers)))
    out = []
    for i, (number, event) in enumerate(zip(numbers, events, strict=True)):
        if number not in ids:
            raise ValidationError(
                f"no item {number}; register the item first.",
                code="tracking.unknown_item", field=f"events[{i}].number", value=number,
                number=number,
            )  # fmt: skip
        if not _is_site(network, event.site_id):
            raise ValidationError(
                f"no site '{event.site_id}' in the network.",
                code="tracking.unknown_site", field=f"events[{i}].site_id", value=event.site_id,
                site=event.site_id,
            )  # fmt: skip
        out.append((ids[number], event.event.value, event.site_id, event.at))
    return out


def insert_events(session: Session, rows: Sequence[tuple[int, str, str, datetime]]) -> int:
    """The bulk path: add (item id, kind, site, time) rows not stored yet; how many were new."""
    if not rows:
        return 0
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        return _copy_events(session, rows)
    raw: Any = connection.connection.driver_connection
    before = raw.total_changes
    session.execute(
        insert(ScanEvent).prefix_with("OR IGNORE"),
        [{"item_id": i, "kind": k, "site_id": s, "at": at} for i, k, s, at in rows],
    )
    return int(raw.total_changes - before)


COPY_TYPES = ["int8", "text", "text", "timestamptz"]  # binary COPY: 4x less work than text
STAGING = (
    "CREATE TEMPORARY TABLE IF NOT EXISTS scan_staging "
    "(item_id bigint, kind varchar(16), site_id varchar(64), at timestamptz) "
    "ON COMMIT DELETE ROWS"
)


PARTITIONS = "scan_days"
_known_days: set[tuple[str, date]] = set()  # (database, day) whose partition exists
_RACES = (errors.DuplicateTable, errors.UniqueViolation, errors.CheckViolation)


def _day_partitions(cursor: Any, days: Sequence[datetime]) -> None:
    """The day partitions of ``scan_events`` the rows need (PostgreSQL), made once.

    A partition another ingest made meanwhile, or a day whose rows already went to the
    default partition, is left as it is (the rows stay correct, only less partitioned).
    """
    info = cursor.connection.info
    database = f"{info.host}:{info.port}/{info.dbname}"
    for start in days:
        day = start.date()
        if (database, day) in _known_days:
            continue
        cursor.execute("SAVEPOINT day_partition")
        try:
            cursor.execute(
                f"CREATE TABLE IF NOT EXISTS {PARTITIONS}.scan_events_{day:%Y%m%d} PARTITION OF "
                f"scan_events FOR VALUES FROM ('{day.isoformat()} 00:00+00') "
                f"TO ('{(day + timedelta(days=1)).isoformat()} 00:00+00')"
            )
        except _RACES:
            cursor.execute("ROLLBACK TO SAVEPOINT day_partition")
        cursor.execute("RELEASE SAVEPOINT day_partition")
        _known_days.add((database, day))


def _copy_events(session: Session, rows: Sequence[tuple[int, str, str, datetime]]) -> int:
    """PostgreSQL: COPY into a staging table, then one INSERT … ON CONFLICT DO NOTHING in
    the primary key's order (the index is walked once instead of at random: 2× faster)."""
    session.flush()
    raw: Any = session.connection().connection.driver_connection
    with raw.cursor() as cursor:
        cursor.execute(STAGING)
        cursor.execute("TRUNCATE scan_staging")
        with cursor.copy(
            "COPY scan_staging (item_id, kind, site_id, at) FROM STDIN (FORMAT BINARY)"
        ) as copy:
            copy.set_types(COPY_TYPES)
            for row in rows:
                copy.write_row(row)
        cursor.execute("SELECT DISTINCT date_trunc('day', at AT TIME ZONE 'UTC') FROM scan_staging")
        _day_partitions(cursor, [day for (day,) in cursor.fetchall()])
        cursor.execute(
            "INSERT INTO scan_events (item_id, kind, site_id, at) "
            "SELECT item_id, kind, site_id, at FROM scan_staging "
            "ORDER BY item_id, kind, site_id, at ON CONFLICT DO NOTHING"
        )
        added = int(cursor.rowcount)
        cursor.execute("TRUNCATE scan_staging")
    return added


def prune_scans(
    session: Session, *, keep_days: int, principal: Principal, now: datetime | None = None
) -> PruneReport:
    """Forget the scans of UTC days more than ``keep_days`` before today: on PostgreSQL
    their day partitions are dropped whole (at once, leaving no dead rows to vacuum); what
    remains older (rows that went to a default partition, SQLite) is deleted. Items and
    their tickets stay."""
    cut = (now or clock.now()).astimezone(UTC).date() - timedelta(days=keep_days)
    dropped = 0
    if session.connection().dialect.name == "postgresql":
        names = session.scalars(
            text(
                "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
                " JOIN pg_namespace n ON n.oid = c.relnamespace"
                " WHERE i.inhparent = 'scan_events'::regclass AND n.nspname = :schema"
            ),
            {"schema": PARTITIONS},
        ).all()
        for name in sorted(names):
            day = _partition_day(name)
            if day is not None and day < cut:
                session.execute(text(f'DROP TABLE {PARTITIONS}."{name}"'))
                dropped += 1
        _known_days.clear()  # a dropped day is made again if a late scan of it arrives
    cut_at = datetime.combine(cut, time(), UTC)
    deleted = session.execute(delete(ScanEvent).where(ScanEvent.at < cut_at)).rowcount  # type: ignore[attr-defined]
    report = PruneReport(cut=cut, partitions_dropped=dropped, events_deleted=int(deleted or 0))
    audit_service.record(
        session, actor=principal.username, action="tracking.prune", object_type="scan_batch",
        object_id=f"before {cut.isoformat()}", after=report.model_dump(mode="json"),
    )  # fmt: skip
    return report


def _partition_day(name: str) -> date | None:
    """The day of a partition named ``scan_events_YYYYMMDD``; None for any other table."""
    stem, _, digits = name.rpartition("_")
    if stem != "scan_events" or len(digits) != 8 or not digits.isdigit():
        return None
    try:
        return date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        return None


def ingest(
    session: Session,
    *,
    network: Network,
    items: Sequence[ItemCreate] = (),
    events: Sequence[EventIn] = (),
    principal: Principal,
    source: str = "api",
) -> IngestReport:
    """Register ``items`` and store ``events`` (each once); everything is checked first."""
    items_added = add_items(session, network=network, items=items)
    rows = _event_tuples(session, network=network, events=events)
    events_added = insert_events(session, rows)
    report = IngestReport(
        items_received=len(items), items_added=items_added,
        events_received=len(events), events_added=events_added,
    )  # fmt: skip
    audit_service.record(
        session, actor=principal.username, action="tracking.ingest", object_type="scan_batch",
        object_id=source[:64], after=report.model_dump(),
    )  # fmt: skip
    return report


# -- lookup -----------------------------------------------------------------------------
def get_item(session: Session, number: str) -> MailItem:
    text = s10.normalise(number)
    item = session.scalar(select(MailItem).where(MailItem.number == text))
    if item is None:
        raise NotFoundError(f"No item {text}.", code="tracking.no_item", number=text)
    return item


def events_of(session: Session, *, network: Network, item_id: int) -> list[EventRead]:
    rows = session.execute(
        select(ScanEvent.kind, ScanEvent.site_id, ScanEvent.at)
        .where(ScanEvent.item_id == item_id)
        .order_by(ScanEvent.at)
    )
    return [
        EventRead(event=k, site_id=s, site_name=site_name(network, s), at=at) for k, s, at in rows
    ]


@dataclass(frozen=True, slots=True)
class _PlanDelays:
    name: str
    by_destination: dict[str, tuple[float, str]]  # destination → (extra hours, area code)
    mean_hours: float


@dataclass(frozen=True, slots=True)
class Shown:
    """What every lookup shows beside the item itself, read once per version of what is
    in force (``db.versions``): the routing in force, each active plan's expected delays,
    and the published announcements, newest first."""

    routing: contingency_routing.InForce
    delays: dict[int, _PlanDelays]
    announcements: tuple[AnnouncementRead, ...]


_shown: dict[str, Shown] = {}


def shown(session: Session, token: str | None = None) -> Shown:
    """The process's copy of what lookups show, read anew when what is in force changed."""
    routing = contingency_routing.in_force(session, token)
    known = _shown.get(routing.token) if routing.token else None
    if known is not None and known.routing is routing:
        return known
    delays = {}
    for plan in session.scalars(select(PlanRun).where(PlanRun.id.in_(routing.plans))):
        document = contingency_service.result_of(plan)
        delays[plan.id] = _PlanDelays(
            plan.name,
            {a.destination: (a.extra_hours, a.area_code) for a in document.assignments}
            if document
            else {},
            document.delays.overall.mean_hours if document else 0.0,
        )
    announcements = tuple(
        AnnouncementRead.model_validate(a)
        for a in session.scalars(
            select(Announcement)
            .where(Announcement.state == AnnouncementState.PUBLISHED)
            .order_by(Announcement.published_at.desc(), Announcement.id.desc())
        )
    )
    state = Shown(routing, delays, announcements)
    if routing.token:
        if len(_shown) > 16:
            _shown.clear()
        _shown[routing.token] = state
    return state


def notices_for(state: Shown, *, network: Network, item: Addressed) -> list[Notice]:
    """The notices an item shows now: its destination lies in an area an active plan
    re-routes, and/or its route passes a closed site."""
    destination = item.dest_station_id or item.dest_region_code
    origin = item.origin_site_id if item.origin_site_id in network.centers else None
    if origin is None and item.origin_site_id in network.stations:
        origin = network.center_for(item.origin_site_id).id
    try:
        route = contingency_routing.routing_in(
            state.routing, network=network, destination=destination, origin=origin
        )
    except BaotongError:
        return []
    notices: list[Notice] = []
    delays = state.delays.get(route.plan_id) if route.plan_id is not None else None
    if route.source == "plan" and delays is not None:
        extra, area = delays.by_destination.get(
            destination,
            delays.by_destination.get(item.dest_region_code, (delays.mean_hours, "")),
        )
        area_region = network.regions.get(area)
        notices.append(
            Notice(
                kind="lockdown", plan_id=route.plan_id, plan_name=delays.name,
                area_code=area or item.dest_region_code,
                area_name=area_region.name if area_region else None,
                backup_center_id=route.center_id, backup_center_name=route.center_name,
                extra_hours=round(extra, 1),
            )
        )  # fmt: skip
    on_route = dict.fromkeys([*route.transit.chain, route.center_id,
                              *filter(None, [item.dest_station_id])])  # fmt: skip
    notices.extend(
        Notice(kind="closed_site", site_id=s, site_name=site_name(network, s))
        for s in on_route
        if state.routing.site_status.get(s) == SiteStatus.CLOSED
    )
    return notices


def published_announcements(
    state: Shown, *, province_code: str | None, limit: int = 5
) -> list[AnnouncementRead]:
    """The newest published announcements: national ones and those of ``province_code``."""
    mine = (a for a in state.announcements if a.province_code in (None, province_code))
    return list(itertools.islice(mine, limit))


class Addressed(Protocol):
    """What a lookup reads of an item (a row or a ``MailItem``)."""

    @property
    def number(self) -> str: ...
    @property
    def product_class(self) -> str: ...
    @property
    def origin_site_id(self) -> str: ...
    @property
    def origin_province_code(self) -> str: ...
    @property
    def dest_region_code(self) -> str: ...
    @property
    def dest_province_code(self) -> str: ...
    @property
    def dest_station_id(self) -> str | None: ...


# The public lookup's one statement, built once: the item's public columns, the token of
# what is in force, and its scans in order (none: one row of NULLs).
_PUBLIC = (
    select(
        MailItem.number, MailItem.product_class, MailItem.origin_site_id,
        MailItem.origin_province_code, MailItem.dest_region_code, MailItem.dest_province_code,
        MailItem.dest_station_id, versions.token_query().label("token"),
        ScanEvent.kind, ScanEvent.site_id, ScanEvent.at,
    )
    .outerjoin(ScanEvent, ScanEvent.item_id == MailItem.id)
    .where(MailItem.number == bindparam("number"))
    .order_by(ScanEvent.at)
)  # fmt: skip


def track(session: Session, *, network: Network, number: str) -> TrackingRead:
    """An item as the public sees it: events, notices and announcements, never contacts.
    One statement: the item with its scans and the token of what is in force (read anew
    only when that token has changed)."""
    text = s10.normalise(number)
    rows = session.connection().execute(_PUBLIC, {"number": text}).all()
    if not rows:
        raise NotFoundError(f"No item {text}.", code="tracking.no_item", number=text)
    item = rows[0]
    events = [
        EventRead(event=r.kind, site_id=r.site_id, site_name=site_name(network, r.site_id),
                  at=r.at)
        for r in rows
        if r.kind is not None
    ]  # fmt: skip
    return _read(session, network, cast(Addressed, item), TrackingRead, events, item.token)


def item_for_staff(
    session: Session, *, network: Network, number: str, principal: Principal
) -> ItemRead:
    """An item with its contacts, for staff whose scope covers its destination or origin."""
    item = get_item(session, number)
    if not (
        principal.sees_province(item.dest_province_code)
        or principal.sees_province(item.origin_province_code)
    ):
        raise NotFoundError(f"No item {item.number}.", code="tracking.no_item", number=item.number)
    events = events_of(session, network=network, item_id=item.id)
    return _read(
        session, network, item, ItemRead, events, sender_contact=item.sender_contact,
        recipient_contact=item.recipient_contact, posted_at=item.posted_at,
    )  # fmt: skip


def _read(
    session: Session,
    network: Network,
    item: Addressed,
    shape: type[R],
    events: list[EventRead],
    token: str | None = None,
    **extra: Any,
) -> R:
    state = shown(session, token)
    county = network.regions.get(item.dest_region_code)
    return shape(
        number=item.number,
        product_class=item.product_class,
        origin_province_code=item.origin_province_code,
        dest_region_code=item.dest_region_code,
        dest_region_name=county.name if county else item.dest_region_code,
        dest_province_code=item.dest_province_code,
        dest_station_id=item.dest_station_id,
        status=events[-1].event if events else None,
        events=events,
        notices=notices_for(state, network=network, item=item),
        announcements=published_announcements(state, province_code=item.dest_province_code),
        **extra,
    )


def count_items(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(MailItem)) or 0)


def last_event(session: Session, item_id: int) -> ScanEvent | None:
    return session.scalar(
        select(ScanEvent).where(ScanEvent.item_id == item_id).order_by(ScanEvent.at.desc()).limit(1)
    )


def current_site(session: Session, item: MailItem) -> str:
    """Where the item is now: the site of its last scan, else where it was posted."""
    last = last_event(session, item.id)
    return last.site_id if last else item.origin_site_id


# -- announcements ----------------------------------------------------------------------
def _check_province(principal: Principal, province_code: str | None) -> None:
    if not principal.is_national and province_code != principal.province_code:
        raise ValidationError(
            "must be your own province.", code="announcement.other_province",
            field="province_code", value=province_code, province=principal.province_code,
        )  # fmt: skip


def create_announcement(
    session: Session, *, data: AnnouncementCreate, principal: Principal
) -> Announcement:
    """A draft announcement; provincial staff write for their own province only."""
    _check_province(principal, data.province_code)
    row = Announcement(
        title=data.title, body=data.body, province_code=data.province_code,
        state=AnnouncementState.DRAFT, created_by=principal.username, created_at=clock.now(),
    )  # fmt: skip
    session.add(row)
    session.flush()
    audit_service.record(
        session, actor=principal.username, action="announcement.create",
        object_type="announcement", object_id=str(row.id), province_code=row.province_code,
        after={"title": row.title},
    )  # fmt: skip
    return row


def get_announcement(
    session: Session, announcement_id: int, *, principal: Principal
) -> Announcement:
    row = session.get(Announcement, announcement_id)
    if (
        row is None
        or (row.province_code is not None and not principal.sees_province(row.province_code))
        or (row.province_code is None and not principal.is_national)
    ):
        raise NotFoundError(
            f"Unknown announcement {announcement_id}.", code="announcement.not_found",
            id=announcement_id,
        )  # fmt: skip
    return row


def set_announcement_state(
    session: Session, *, announcement_id: int, state: AnnouncementState, principal: Principal
) -> Announcement:
    """Publish a draft (or a withdrawn one again), or withdraw a published one."""
    row = get_announcement(session, announcement_id, principal=principal)
    sources = (
        [AnnouncementState.DRAFT, AnnouncementState.WITHDRAWN]
        if state is AnnouncementState.PUBLISHED
        else [AnnouncementState.PUBLISHED]
    )
    before = row.state
    extra = {"published_at": clock.now()} if state is AnnouncementState.PUBLISHED else {}
    row = transition(session, Announcement, row.id, Announcement.state, sources, state, **extra)
    versions.bump(session)
    audit_service.record(
        session, actor=principal.username, action=f"announcement.{state.value}",
        object_type="announcement", object_id=str(row.id), province_code=row.province_code,
        before={"state": before.value}, after={"state": state.value},
    )  # fmt: skip
    return row


def list_announcements(
    session: Session, *, principal: Principal, page: PageRequest
) -> Page[Announcement]:
    query = (
        select(Announcement)
        .where(in_scope(principal, Announcement.province_code))
        .order_by(Announcement.id.desc())
    )
    return paginate(session, query, page)


def recent_items(
    session: Session, *, principal: Principal, kinds: Iterable[ScanKind] = ()
) -> list[MailItem]:
    """The newest items in the principal's scope (the console's starting list)."""
    query = select(MailItem).order_by(MailItem.id.desc()).limit(20)
    if principal.province_code is not None:
        query = query.where(MailItem.dest_province_code == principal.province_code)
    return list(session.scalars(query))
