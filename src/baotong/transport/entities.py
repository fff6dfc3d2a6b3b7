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


class RunState(LabelledEnum):
    PLANNED = "planned", "gray"
    DISPATCHED = "dispatched", "blue"
    DONE = "done", "green"
    CANCELLED = "cancelled", "red"
