"""Database rows of transport: vehicles, people, the credentials that let them into a
controlled area (vehicle passes, green channels, staff whitelists, site permits) and the
runs a dispatcher sends.

A credential walks requested → submitted → granted / refused, and a granted one expires at
the end of its ``valid_to`` day (a deadline the sweep fires). A run goes planned →
dispatched → done, or cancelled; it is dispatched into a controlled area only when its
vehicle and driver hold what that area needs on the run's date.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from baotong.core.i18n import N_
from baotong.db.base import Base
from baotong.db.types import enum_type
from baotong.jobs.models import WAITING, JobRun, JobStatus
from baotong.transport.entities import (
    BagState,
    ContactState,
    CredentialKind,
    CredentialState,
    Leg,
    PlanState,
    RouteType,
    RunKind,
    RunState,
    ShuttleStage,
    SpecialRunStage,
    SwapState,
    VehicleKind,
)

N_("error.credential.wrong_state")
N_("error.credential.not_found")
N_("error.run.wrong_state")
N_("error.run.not_found")
N_("error.shuttle.wrong_stage")
N_("error.shuttle.wrong_swap_state")
N_("error.route_plan.wrong_state")
N_("error.special_run.wrong_stage")
N_("error.special_run.not_found")
N_("error.bag.wrong_state")
N_("error.bag.not_found")
N_("error.station_item.wrong_contact")
N_("error.station_item.not_found")


class Vehicle(Base):
    __tablename__ = "vehicles"
    noun = "vehicle"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    plate: Mapped[str] = mapped_column(String(16), unique=True)
    kind: Mapped[VehicleKind] = mapped_column(enum_type(VehicleKind))
    capacity_kg: Mapped[float] = mapped_column(Float)
    capacity_m3: Mapped[float] = mapped_column(Float)
    packages: Mapped[int] = mapped_column(Integer)
    cold_chain: Mapped[bool] = mapped_column(Boolean, default=False)
    home_site: Mapped[str] = mapped_column(String(32))
    province_code: Mapped[str] = mapped_column(String(6), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Person(Base):
    """A driver or other worker, at the site they work at."""

    __tablename__ = "transport_people"
    noun = "person"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(64))
    phone: Mapped[str] = mapped_column(String(20))
    job: Mapped[str] = mapped_column(String(32))  # driver, courier, sorter…
    site: Mapped[str] = mapped_column(String(32))
    province_code: Mapped[str] = mapped_column(String(6), index=True)


class Credential(Base):
    """A pass, green channel, whitelist entry or permit for a vehicle, person or site."""

    __tablename__ = "credentials"
    noun = "credential"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[CredentialKind] = mapped_column(enum_type(CredentialKind), index=True)
    vehicle_id: Mapped[int | None] = mapped_column(ForeignKey("vehicles.id", ondelete="CASCADE"))
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("transport_people.id", ondelete="CASCADE")
    )
    site_id: Mapped[str | None] = mapped_column(String(32))
    areas: Mapped[list[Any]]  # region codes it is valid in
    route_types: Mapped[list[Any]]  # RouteType values (vehicle passes, green channels)
    authority: Mapped[str] = mapped_column(String(100))
    number: Mapped[str | None] = mapped_column(String(40))  # the document's number
    closed_loop: Mapped[bool] = mapped_column(Boolean, default=False)  # 集中食宿 (whitelists)
    valid_from: Mapped[date]
    valid_to: Mapped[date] = mapped_column(index=True)
    state: Mapped[CredentialState] = mapped_column(enum_type(CredentialState), index=True)
    province_code: Mapped[str] = mapped_column(String(6), index=True)
    note: Mapped[str | None] = mapped_column(String(500))
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    decided_by: Mapped[str | None] = mapped_column(String(64))
    decided_at: Mapped[datetime | None]


class Run(Base):
    """A vehicle and its driver sent on a date to a destination region."""

    __tablename__ = "transport_runs"
    noun = "run"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[RunKind] = mapped_column(enum_type(RunKind))
    run_date: Mapped[date] = mapped_column(index=True)
    vehicle_id: Mapped[int] = mapped_column(ForeignKey("vehicles.id"))
    driver_id: Mapped[int] = mapped_column(ForeignKey("transport_people.id"))
    origin: Mapped[str] = mapped_column(String(64))
    destination_code: Mapped[str] = mapped_column(String(6))
    route_type: Mapped[RouteType] = mapped_column(enum_type(RouteType))
    end_site: Mapped[str | None] = mapped_column(String(32))  # the network site it ends at
    plan_id: Mapped[int | None] = mapped_column(Integer)
    state: Mapped[RunState] = mapped_column(enum_type(RunState), index=True)
    province_code: Mapped[str] = mapped_column(String(6), index=True)  # the destination's
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    dispatched_by: Mapped[str | None] = mapped_column(String(64))
    dispatched_at: Mapped[datetime | None]


class Handover(Base):
    """One change of custody of a load: who handed how many to whom, where and when, what
    was short or damaged, the seal; the chain of a load is its handovers in order."""

    __tablename__ = "handovers"
    noun = "handover"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    load_ref: Mapped[str] = mapped_column(String(40), index=True)
    leg: Mapped[Leg] = mapped_column(enum_type(Leg, length=20))
    run_id: Mapped[int | None] = mapped_column(ForeignKey("transport_runs.id"))
    from_party: Mapped[str] = mapped_column(String(100))
    to_party: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime]
    place: Mapped[str] = mapped_column(String(100))
    count: Mapped[int] = mapped_column(Integer)  # packages received
    short: Mapped[int] = mapped_column(Integer, default=0)
    damaged: Mapped[int] = mapped_column(Integer, default=0)
    seal: Mapped[str | None] = mapped_column(String(40))
    note: Mapped[str | None] = mapped_column(String(500))
    province_code: Mapped[str] = mapped_column(String(6), index=True)
    recorded_by: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[datetime]


class Evidence(Base):
    """A photo or signature of a handover, kept with it (small files only)."""

    __tablename__ = "handover_evidence"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    handover_id: Mapped[int] = mapped_column(ForeignKey("handovers.id", ondelete="CASCADE"),
                                             index=True)  # fmt: skip
    filename: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(16), default="photo")  # photo or signature
    content_type: Mapped[str] = mapped_column(String(40))
    content: Mapped[bytes] = mapped_column(LargeBinary)


class Shuttle(Base):
    """A timetabled shuttle (盘驳): a tractor's run towing a drop-and-hook trailer from a
    consolidation point to a transfer station with the loads the warehouse dispatched; the
    trailer is swapped into the controlled area's own vehicle there and returns empty."""

    __tablename__ = "transport_shuttles"
    noun = "shuttle"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("transport_runs.id"))
    trailer_id: Mapped[int] = mapped_column(ForeignKey("vehicles.id"), index=True)
    warehouse_code: Mapped[str] = mapped_column(String(32))  # the consolidation point
    station: Mapped[str] = mapped_column(String(100))  # the transfer station
    departs_at: Mapped[datetime] = mapped_column(index=True)  # timetabled
    arrives_at: Mapped[datetime]
    departed_at: Mapped[datetime | None]
    arrived_at: Mapped[datetime | None]
    swapped_at: Mapped[datetime | None]
    returned_at: Mapped[datetime | None]
    load_ref: Mapped[str] = mapped_column(String(40), index=True)
    packages: Mapped[int] = mapped_column(Integer)
    seal: Mapped[str | None] = mapped_column(String(40))
    stage: Mapped[ShuttleStage] = mapped_column(enum_type(ShuttleStage, length=20), index=True)
    swap: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # both sides' seals and counts
    # Each side's own statement at the station, recorded once each (see shuttles.record_side)
    swap_state: Mapped[SwapState] = mapped_column(enum_type(SwapState), default=SwapState.WAITING)
    handed: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    received: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    discrepancies: Mapped[list[Any]]  # [{"kind": "short", ...}]
    province_code: Mapped[str] = mapped_column(String(6), index=True)  # the destination's
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    loads: Mapped[list[ShuttleLoad]] = relationship(
        lazy="selectin", order_by="ShuttleLoad.id", cascade="all, delete-orphan"
    )

    @property
    def dispatch_ids(self) -> list[int]:
        """The warehouse's dispatch documents it carries, in the order they were loaded."""
        return [load.document_id for load in self.loads]


class ShuttleLoad(Base):
    """One load on a shuttle: a dispatch document of the consolidation point, with the seal
    and the packages it left with. A document rides one shuttle only (unique), and the swap
    compares seals and counts load by load."""

    __tablename__ = "transport_shuttle_loads"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    shuttle_id: Mapped[int] = mapped_column(
        ForeignKey("transport_shuttles.id", ondelete="CASCADE"), index=True
    )
    document_id: Mapped[int] = mapped_column(ForeignKey("wh_documents.id"), unique=True)
    seal: Mapped[str | None] = mapped_column(String(40))
    packages: Mapped[int] = mapped_column(Integer)


class RoutePlan(Base):
    """A delivery plan: stops with packages and time windows served from one depot by the
    vehicles given, solved in the background; each route becomes a delivery run.

    Its state is not stored: it is its job's (like a contingency plan's), so a job that was
    cancelled or died with its process shows as a failed plan, never as one solving for
    ever. A plan solved in the caller's transaction (the demo, the command line) has no
    job; its result says how it ended."""

    __tablename__ = "transport_route_plans"
    noun = "route_plan"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(100))
    plan_date: Mapped[date] = mapped_column(index=True)
    depot: Mapped[dict[str, Any]]  # {"name", "lon", "lat", "start": "07:00"}
    stops: Mapped[list[Any]]  # [{"id", "name", "address", "lon", "lat", "region", ...}]
    fleet: Mapped[list[Any]]  # [{"vehicle_id", "driver_id"}]
    excluded: Mapped[list[Any]]  # vehicle ids left out when re-planning
    speed_kmh: Mapped[float] = mapped_column(Float)
    time_limit_s: Mapped[float] = mapped_column(Float)
    job_id: Mapped[int | None] = mapped_column(ForeignKey("job_runs.id"), index=True)
    job: Mapped[JobRun | None] = relationship(lazy="joined")
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    province_code: Mapped[str] = mapped_column(String(6), index=True)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    solved_at: Mapped[datetime | None]

    @property
    def state(self) -> PlanState:
        """Where the plan stands, read from its job and the result the job left."""
        result = self.result or {}
        if self.job is not None:
            if self.job.status in WAITING:
                return PlanState.SOLVING
            if self.job.status is not JobStatus.SUCCEEDED:
                return PlanState.FAILED
        if "error" in result:
            return PlanState.FAILED
        if "routes" in result:
            return PlanState.SOLVED
        return PlanState.FAILED if self.job is not None else PlanState.DRAFT

    @property
    def failure(self) -> str | None:
        """Why a failed plan failed: the solver's refusal, or how its job ended."""
        if self.state is not PlanState.FAILED:
            return None
        if self.result and "error" in self.result:
            return str(self.result.get("message") or self.result["error"])
        return self.job.message if self.job is not None else None


class SpecialRun(Base):
    """A special run (专趟) into a closed area: a vehicle takes mail bags from the backup
    centre of the plan in force (or a transfer station) to one delivery station; its
    arrival is the handover of the bags to the station."""

    __tablename__ = "station_special_runs"
    noun = "special_run"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("transport_runs.id"), index=True)
    station_id: Mapped[str] = mapped_column(String(64), index=True)
    station_name: Mapped[str] = mapped_column(String(100))
    origin: Mapped[str] = mapped_column(String(64))  # a centre id or the transfer station
    origin_name: Mapped[str] = mapped_column(String(100))
    origin_source: Mapped[str] = mapped_column(String(16))  # plan | baseline | transfer
    plan_id: Mapped[int | None] = mapped_column(Integer)
    load_ref: Mapped[str] = mapped_column(String(40), index=True)
    stage: Mapped[SpecialRunStage] = mapped_column(enum_type(SpecialRunStage), index=True)
    departed_at: Mapped[datetime | None]
    arrived_at: Mapped[datetime | None]
    received_by: Mapped[str | None] = mapped_column(String(100))
    province_code: Mapped[str] = mapped_column(String(6), index=True)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    bags: Mapped[list[StationBag]] = relationship(
        lazy="selectin", order_by="StationBag.id", cascade="all, delete-orphan"
    )


class StationBag(Base):
    """A mail bag on a special run, with its manifest; the station opens it (开拆), scans
    each item and records what the manifest names but the bag lacked, and the reverse."""

    __tablename__ = "station_bags"
    noun = "bag"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    special_run_id: Mapped[int] = mapped_column(
        ForeignKey("station_special_runs.id", ondelete="CASCADE"), index=True
    )
    label: Mapped[str] = mapped_column(String(40))
    station_id: Mapped[str] = mapped_column(String(64), index=True)
    state: Mapped[BagState] = mapped_column(enum_type(BagState), index=True)
    manifest_count: Mapped[int] = mapped_column(Integer)
    scanned_count: Mapped[int | None] = mapped_column(Integer)
    missing: Mapped[list[Any]]  # item numbers on the manifest not found in the bag
    extra: Mapped[list[Any]]  # item numbers found in the bag but not on the manifest
    opened_at: Mapped[datetime | None]
    opened_by: Mapped[str | None] = mapped_column(String(64))
    province_code: Mapped[str] = mapped_column(String(6), index=True)


class StationItem(Base):
    """One item of a bag: on the manifest and/or scanned at opening; once scanned it is a
    line of the station's call list — the recipient to phone, the community or pickup
    point, where the call stands — until the delivery closes it."""

    __tablename__ = "station_items"
    __table_args__ = (UniqueConstraint("bag_id", "item_id"),)
    noun = "station_item"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    bag_id: Mapped[int] = mapped_column(ForeignKey("station_bags.id", ondelete="CASCADE"))
    item_id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer(), "sqlite"),
                                         ForeignKey("mail_items.id"), index=True)  # fmt: skip
    number: Mapped[str] = mapped_column(String(13), index=True)
    station_id: Mapped[str] = mapped_column(String(64), index=True)
    in_manifest: Mapped[bool] = mapped_column(Boolean, default=True)
    scanned_at: Mapped[datetime | None]
    recipient: Mapped[str] = mapped_column(String(64), default="")
    phone: Mapped[str] = mapped_column(String(20), default="")
    address: Mapped[str] = mapped_column(String(200), default="")
    pickup_point: Mapped[str] = mapped_column(String(100), default="")  # community or point
    contact: Mapped[ContactState] = mapped_column(enum_type(ContactState), index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_call_at: Mapped[datetime | None]
    next_try_at: Mapped[datetime | None]
    appointment_at: Mapped[datetime | None]
    note: Mapped[str | None] = mapped_column(String(200))
    delivered_at: Mapped[datetime | None]
    delivered_to: Mapped[str | None] = mapped_column(String(100))
    handover_id: Mapped[int | None] = mapped_column(ForeignKey("handovers.id"))
    returned_at: Mapped[datetime | None]  # a refused item put on its way back (退回)
    province_code: Mapped[str] = mapped_column(String(6), index=True)
    created_at: Mapped[datetime]
