"""The words of transport as plain values: what a vehicle is, what a credential is and
where it stands, route types, and the kinds and states of runs."""

from __future__ import annotations

from baotong.core.enums import LabelledEnum


class VehicleKind(LabelledEnum):
    TRACTOR = "tractor", "blue"
    TRAILER = "trailer", "teal"
    TRUCK = "truck", "purple"
    VAN = "van", "green"


class CredentialKind(LabelledEnum):
    VEHICLE_PASS = "vehicle_pass", "blue"  # 通行证
    GREEN_CHANNEL = "green_channel", "green"  # 绿色通道 for a trunk route
    STAFF_WHITELIST = "staff_whitelist", "purple"  # 人员白名单
    SITE_PERMIT = "site_permit", "orange"  # 场地运营许可
    CENTRE_WHITELIST = "centre_whitelist", "teal"  # 处理中心白名单


class CredentialState(LabelledEnum):
    REQUESTED = "requested", "gray"
    SUBMITTED = "submitted", "orange"
    GRANTED = "granted", "green"
    REFUSED = "refused", "red"
    EXPIRED = "expired", "gray"


class RouteType(LabelledEnum):
    INTER_PROVINCIAL = "inter_provincial", "blue"  # 跨省干线
    INTRA_PROVINCIAL = "intra_provincial", "teal"  # 省内
    CITY = "city", "green"  # 市内


class RunKind(LabelledEnum):
    ZONE_RUN = "zone_run", "blue"  # backup centre → locked zone (the planner's)
    SHUTTLE = "shuttle", "purple"  # consolidation point → transfer station
    DELIVERY = "delivery", "green"
    SPECIAL = "special", "orange"  # 专趟: backup centre or transfer station → delivery station


class RunState(LabelledEnum):
    PLANNED = "planned", "gray"
    DISPATCHED = "dispatched", "blue"
    DONE = "done", "green"
    CANCELLED = "cancelled", "red"


class Leg(LabelledEnum):
    """Where custody changes hands on the way into a controlled area."""

    SUPPLIER_TO_POINT = "supplier_to_point", "gray"  # 供应商 → 汇集点
    POINT_TO_SHUTTLE = "point_to_shuttle", "blue"  # 汇集点装车 → 盘驳车
    SWAP = "swap", "purple"  # 中转站换厢
    TO_DELIVERY = "to_delivery", "teal"  # → 投递车辆
    TO_RECIPIENT = "to_recipient", "green"  # → 收件人签收
    CENTRE_TO_STATION = "centre_to_station", "orange"  # 备份中心 → 揽投部


class ShuttleStage(LabelledEnum):
    """Where a drop-and-hook trailer is in its shuttle cycle (甩挂盘驳)."""

    LOADING = "loading", "orange"  # at the consolidation point, being loaded
    ON_ROAD = "on_road", "blue"  # towed to the transfer station
    AT_STATION = "at_station", "purple"  # dropped at the transfer station
    SWAPPED = "swapped", "teal"  # unloaded into the controlled area's own vehicle (换厢)
    RETURNED = "returned", "green"  # back empty at the consolidation point


class SwapState(LabelledEnum):
    """Who has stated the swap at the transfer station: each side records its own seals
    and counts once; the swap is done when both are in."""

    WAITING = "waiting", "gray"  # neither side yet
    HANDED = "handed", "orange"  # the shuttle's side is in, the station's is awaited
    RECEIVED = "received", "orange"  # the station's side is in, the shuttle's is awaited
    DONE = "done", "green"  # both sides in, compared


class Discrepancy(LabelledEnum):
    """What a swap found wrong."""

    SEAL_MISMATCH = "seal_mismatch", "red"  # the seal is not the one the load left with
    SHORT = "short", "orange"  # fewer packages than the shuttle carried


class PlanState(LabelledEnum):
    """Where a route plan stands: solved in the background by the job runner."""

    DRAFT = "draft", "gray"
    SOLVING = "solving", "orange"
    SOLVED = "solved", "green"
    FAILED = "failed", "red"


class SpecialRunStage(LabelledEnum):
    """Where a special run (专趟) to a delivery station is."""

    PLANNED = "planned", "gray"
    ON_ROAD = "on_road", "blue"
    ARRIVED = "arrived", "green"  # handed over to the station


class BagState(LabelledEnum):
    """A mail bag of a special run: sealed until the station opens it (开拆)."""

    SEALED = "sealed", "purple"
    OPENED = "opened", "green"


class ContactState(LabelledEnum):
    """Where the station's call to an item's recipient stands; a delivery closes the line.

    to_call → no_answer (again and again, counting attempts) → reached → appointment →
    delivered; reached or appointment → refused → returned (退回: sent back towards where
    it came from, a ``returned`` scan in tracking)."""

    TO_CALL = "to_call", "orange"
    NO_ANSWER = "no_answer", "red"  # called, no answer: try again later
    REACHED = "reached", "blue"
    APPOINTMENT = "appointment", "teal"
    REFUSED = "refused", "gray"
    DELIVERED = "delivered", "green"
    RETURNED = "returned", "purple"


# The contact states each one may move to (a delivery from reached or appointment only).
CONTACT_MOVES: dict[ContactState, frozenset[ContactState]] = {
    ContactState.TO_CALL: frozenset({ContactState.NO_ANSWER, ContactState.REACHED}),
    ContactState.NO_ANSWER: frozenset({ContactState.NO_ANSWER, ContactState.REACHED}),
    ContactState.REACHED: frozenset(
        {ContactState.APPOINTMENT, ContactState.REFUSED, ContactState.DELIVERED}
    ),
    ContactState.APPOINTMENT: frozenset(
        {ContactState.NO_ANSWER, ContactState.REFUSED, ContactState.DELIVERED}
    ),
    ContactState.REFUSED: frozenset({ContactState.RETURNED}),
    ContactState.DELIVERED: frozenset(),
    ContactState.RETURNED: frozenset(),
}
