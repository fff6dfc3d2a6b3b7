"""Roles, permissions and scopes: the one table of who may do what, where."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, false, true

from baotong.core.clock import DEFAULT_ZONE
from baotong.core.enums import LabelledEnum
from baotong.core.exceptions import PermissionDeniedError


class Role(LabelledEnum):
    ADMIN = "admin", "red"
    PLANNER = "planner", "blue"
    DISPATCHER = "dispatcher", "purple"
    WAREHOUSE_OPERATOR = "warehouse_operator", "teal"
    CS_AGENT = "cs_agent", "orange"
    CS_SUPERVISOR = "cs_supervisor", "yellow"
    GROUP_LEADER = "group_leader", "green"
    VIEWER = "viewer", "gray"
    TRANSPORT_DISPATCHER = "transport_dispatcher", "teal"
    DUTY_OFFICER = "duty_officer", "yellow"
    SUPPLY_OWNER = "supply_owner", "red"  # a locked province's demand-table owner
    SUPPLY_SUPERVISOR = "supply_supervisor", "red"  # the province's escalation point
    SOURCING_AGENT = "sourcing_agent", "blue"  # the national sourcing desk
    SOURCING_SUPERVISOR = "sourcing_supervisor", "blue"  # the desk's escalation point
    SUPPLY_VIEWER = "supply_viewer", "gray"
    WAREHOUSE_SUPERVISOR = "warehouse_supervisor", "teal"
    PRODUCTION_UNIT = "production_unit", "blue"  # a centre or station investigating tickets
    TRANSFER_STATION = "transfer_station", "purple"  # a controlled area's transfer station
    STATION_STAFF = "station_staff", "orange"  # a delivery station: opens bags, phones, delivers


class Permission(StrEnum):
    NETWORK_READ = "network:read"
    NETWORK_WRITE = "network:write"  # site status and capacity
    SCENARIO_READ = "scenario:read"
    SCENARIO_WRITE = "scenario:write"
    PLAN_READ = "plan:read"
    PLAN_RUN = "plan:run"  # compute and cancel
    PLAN_APPROVE = "plan:approve"
    PLAN_ACTIVATE = "plan:activate"  # activate and lift
    ROUTING_READ = "routing:read"
    AUDIT_READ = "audit:read"
    USERS_MANAGE = "users:manage"
    SUPPLY_READ = "supply:read"  # demand tables, quotes, clocks, the on-time report
    SUPPLY_DEMAND = "supply:demand"  # the province's side: tables, confirmation, arrival
    SUPPLY_SOURCE = "supply:source"  # the sourcing side: quotes, contracts, allocation
    INBOX_READ = "inbox:read"  # one's own notifications: every role holds it
    TRANSPORT_READ = "transport:read"  # vehicles, people, credentials, runs
    TRANSPORT_WRITE = "transport:write"  # register, apply, record decisions, plan and dispatch
    SWAP_HAND_OVER = "swap:hand_over"  # the shuttle's side of the swap at the transfer station
    SWAP_RECEIVE = "swap:receive"  # the transfer station's side of the swap
    COMMAND_READ = "command:read"  # incidents, instructions, resources, emergency plans
    INCIDENT_WRITE = "incident:write"  # record, respond, close
    INSTRUCTION_ISSUE = "instruction:issue"
    INSTRUCTION_ANSWER = "instruction:answer"  # receive, execute, report
    RESOURCE_WRITE = "resource:write"  # inventory, loan requests, safety logs
    LOAN_APPROVE = "loan:approve"
    EMERGENCY_PLAN_WRITE = "emergency_plan:write"
    EMERGENCY_PLAN_ACTIVATE = "emergency_plan:activate"  # activate and drill
    TRACKING_READ = "tracking:read"  # an item with its contacts
    TRACKING_INGEST = "tracking:ingest"  # scans in bulk, generated traffic
    ANNOUNCEMENTS_WRITE = "announcements:write"
    TICKETS_READ = "tickets:read"
    TICKETS_WRITE = "tickets:write"  # open tickets, contact, call back, reopen
    TICKETS_INVESTIGATE = "tickets:investigate"  # record the production unit's findings
    SERVICEDESK_READ = "servicedesk:read"  # item lookup, scripts, SLA, call-centre load
    SERVICEDESK_MANAGE = "servicedesk:manage"  # scripts, call-centre load, diversion, channels
    WAREHOUSE_READ = "warehouse:read"  # stock, ledger, documents, labels
    WAREHOUSE_OPERATE = "warehouse:operate"  # the seven operations, by scanning
    WAREHOUSE_SUPERVISE = "warehouse:supervise"  # approve counts, announce receipts
    WAREHOUSE_SITES = "warehouse:sites"  # create warehouse sites
    GROUPBUY_READ = "groupbuy:read"  # group points, group orders, hand-out lists, dashboards
    GROUPBUY_WRITE = "groupbuy:write"  # the leader's side: open groups, receive, hand out
    GROUPBUY_MANAGE = "groupbuy:manage"  # operations: leaders, points, offers, the cut-off
    STATIONS_READ = "stations:read"  # special runs to stations, bags, the call lists
    STATIONS_WORK = "stations:work"  # plan runs, open bags, record calls and deliveries


_READ = {
    Permission.NETWORK_READ,
    Permission.SCENARIO_READ,
    Permission.PLAN_READ,
    Permission.ROUTING_READ,
    Permission.COMMAND_READ,
}

_EVERYONE = frozenset({Permission.INBOX_READ})

_SUPPLY = {Permission.SUPPLY_READ, Permission.NETWORK_READ}
# The province's supply desk runs group buying's operations (the cut-off feeds its tables).
_GROUPBUY = {Permission.GROUPBUY_READ, Permission.GROUPBUY_WRITE, Permission.GROUPBUY_MANAGE}

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset(Permission),
    Role.PLANNER: frozenset(
        _READ
        | {
            Permission.NETWORK_WRITE,
            Permission.SCENARIO_WRITE,
            Permission.PLAN_RUN,
            Permission.PLAN_APPROVE,
            Permission.AUDIT_READ,
            Permission.EMERGENCY_PLAN_WRITE,
            Permission.WAREHOUSE_READ,
            Permission.WAREHOUSE_SITES,
        }
    ),
    Role.DISPATCHER: frozenset(
        _READ
        | {Permission.NETWORK_WRITE, Permission.PLAN_ACTIVATE, Permission.AUDIT_READ}
        | {Permission.INCIDENT_WRITE, Permission.INSTRUCTION_ANSWER, Permission.RESOURCE_WRITE}
        | {Permission.TRANSPORT_READ, Permission.WAREHOUSE_READ}
    ),
    Role.CS_AGENT: frozenset(
        {
            Permission.NETWORK_READ,
            Permission.ROUTING_READ,
            Permission.TRACKING_READ,
            Permission.TICKETS_READ,
            Permission.TICKETS_WRITE,
            Permission.TICKETS_INVESTIGATE,
            Permission.SERVICEDESK_READ,
        }
    ),
    Role.CS_SUPERVISOR: frozenset(
        {
            Permission.NETWORK_READ,
            Permission.ROUTING_READ,
            Permission.AUDIT_READ,
            Permission.TRACKING_READ,
            Permission.TRACKING_INGEST,
            Permission.ANNOUNCEMENTS_WRITE,
            Permission.TICKETS_READ,
            Permission.TICKETS_WRITE,
            Permission.TICKETS_INVESTIGATE,
            Permission.SERVICEDESK_READ,
            Permission.SERVICEDESK_MANAGE,
        }
    ),
    # The centre or station where a ticket's item is: it reads its own unit's tickets and
    # records the investigation's findings, nothing else.
    Role.PRODUCTION_UNIT: frozenset({Permission.TICKETS_READ, Permission.TICKETS_INVESTIGATE}),
    Role.WAREHOUSE_OPERATOR: frozenset(
        {Permission.NETWORK_READ, Permission.ROUTING_READ}
        | {Permission.WAREHOUSE_READ, Permission.WAREHOUSE_OPERATE}
    ),
    Role.WAREHOUSE_SUPERVISOR: frozenset(
        {Permission.NETWORK_READ, Permission.ROUTING_READ, Permission.WAREHOUSE_READ}
        | {Permission.WAREHOUSE_OPERATE, Permission.WAREHOUSE_SUPERVISE}
    ),
    Role.GROUP_LEADER: frozenset(
        {Permission.ROUTING_READ, Permission.GROUPBUY_READ, Permission.GROUPBUY_WRITE}
    ),
    Role.VIEWER: frozenset(_READ | {Permission.TRANSPORT_READ}),
    Role.TRANSPORT_DISPATCHER: frozenset(
        {
            Permission.NETWORK_READ,
            Permission.ROUTING_READ,
            Permission.PLAN_READ,
            Permission.TRANSPORT_READ,
            Permission.TRANSPORT_WRITE,
            Permission.SWAP_HAND_OVER,
            Permission.STATIONS_READ,
        }
    ),  # fmt: skip
    # The controlled area's transfer-station staff: they read the shuttle board of their
    # province and state what they received at the swap (换厢), nothing else.
    Role.TRANSFER_STATION: frozenset({Permission.TRANSPORT_READ, Permission.SWAP_RECEIVE}),
    # A delivery station in a closed area: its special runs, bags, call list and deliveries.
    Role.STATION_STAFF: frozenset(
        {Permission.NETWORK_READ, Permission.ROUTING_READ}
        | {Permission.STATIONS_READ, Permission.STATIONS_WORK}
    ),
    # The duty desk (national or provincial): incidents, orders, resources, emergency plans.
    Role.DUTY_OFFICER: frozenset(
        _READ
        | {Permission.SCENARIO_WRITE, Permission.PLAN_RUN, Permission.AUDIT_READ}
        | {Permission.INCIDENT_WRITE, Permission.INSTRUCTION_ISSUE, Permission.INSTRUCTION_ANSWER}
        | {Permission.RESOURCE_WRITE, Permission.LOAN_APPROVE, Permission.EMERGENCY_PLAN_WRITE}
        | {Permission.EMERGENCY_PLAN_ACTIVATE}
    ),
    # supply people read the network too (the console opens on its map)
    Role.SUPPLY_OWNER: frozenset(_SUPPLY | {Permission.SUPPLY_DEMAND} | _GROUPBUY),
    Role.SUPPLY_SUPERVISOR: frozenset(
        _SUPPLY | {Permission.SUPPLY_DEMAND, Permission.AUDIT_READ} | _GROUPBUY
    ),
    Role.SOURCING_AGENT: frozenset(_SUPPLY | {Permission.SUPPLY_SOURCE}),
    Role.SOURCING_SUPERVISOR: frozenset(
        _SUPPLY | {Permission.SUPPLY_SOURCE, Permission.AUDIT_READ}
    ),
    Role.SUPPLY_VIEWER: frozenset(_SUPPLY | {Permission.GROUPBUY_READ}),
}
ROLE_PERMISSIONS = {role: granted | _EVERYONE for role, granted in ROLE_PERMISSIONS.items()}


class ScopeKind(LabelledEnum):
    """What a scope is the whole of: the country, a province, or one unit in a province."""

    NATIONAL = "national", "blue"
    PROVINCE = "province", "purple"
    WAREHOUSE = "warehouse", "teal"
    GROUP_POINT = "group_point", "green"
    CALL_CENTRE = "call_centre", "orange"
    SITE = "site", "blue"  # a processing centre or delivery station of the network


UNIT_KINDS = frozenset(
    {ScopeKind.WAREHOUSE, ScopeKind.GROUP_POINT, ScopeKind.CALL_CENTRE, ScopeKind.SITE}
)
_AREA_KINDS = frozenset({ScopeKind.NATIONAL, ScopeKind.PROVINCE})

# The scope kinds a role may hold: office roles act on an area, the others on one unit.
ROLE_SCOPES: dict[Role, frozenset[ScopeKind]] = {
    Role.ADMIN: _AREA_KINDS,
    Role.PLANNER: _AREA_KINDS,
    Role.DISPATCHER: _AREA_KINDS,
    Role.VIEWER: _AREA_KINDS,
    Role.TRANSPORT_DISPATCHER: _AREA_KINDS,
    Role.TRANSFER_STATION: _AREA_KINDS,
    Role.DUTY_OFFICER: _AREA_KINDS,
    Role.WAREHOUSE_OPERATOR: frozenset({ScopeKind.WAREHOUSE}),
    Role.WAREHOUSE_SUPERVISOR: frozenset({ScopeKind.WAREHOUSE}),
    Role.GROUP_LEADER: frozenset({ScopeKind.GROUP_POINT}),
    Role.CS_AGENT: frozenset({ScopeKind.CALL_CENTRE}),
    Role.PRODUCTION_UNIT: frozenset({ScopeKind.SITE}),
    Role.STATION_STAFF: frozenset({ScopeKind.PROVINCE}),
    Role.CS_SUPERVISOR: _AREA_KINDS,
    Role.SUPPLY_OWNER: _AREA_KINDS,
    Role.SUPPLY_SUPERVISOR: _AREA_KINDS,
    Role.SOURCING_AGENT: _AREA_KINDS,
    Role.SOURCING_SUPERVISOR: _AREA_KINDS,
    Role.SUPPLY_VIEWER: _AREA_KINDS,
}


@dataclass(frozen=True, slots=True)
class Scope:
    """Where a person acts: the whole country, one province, or one unit.

    A unit (a warehouse, a group point, a call centre, a site) has its own ``code`` and lies in a
    province, ``province_code``: what is filed by province (sites, plans) its people see
    for that province; what is filed by unit (stock, tickets) only for their unit.
    """

    kind: ScopeKind = ScopeKind.NATIONAL
    code: str | None = None
    province_code: str | None = None

    @classmethod
    def province(cls, code: str) -> Scope:
        return cls(ScopeKind.PROVINCE, code, code)

    @classmethod
    def unit(cls, kind: ScopeKind, code: str, *, province_code: str) -> Scope:
        return cls(kind, code, province_code)

    def __str__(self) -> str:
        if self.kind is ScopeKind.NATIONAL:
            return "national"
        if self.kind is ScopeKind.PROVINCE:
            return str(self.code)
        return f"{self.kind.value} {self.code} ({self.province_code})"

    def covers_province(self, province_code: str | None) -> bool:
        """Something filed under ``province_code`` lies in this scope."""
        return self.province_code is None or province_code == self.province_code

    def covers(self, kind: ScopeKind, code: str, *, province_code: str | None) -> bool:
        """The unit ``kind``/``code`` (lying in ``province_code``) lies in this scope."""
        if self.kind in UNIT_KINDS:
            return kind is self.kind and code == self.code
        return self.covers_province(province_code)

    def clause(
        self, *, province: Any, unit: tuple[ScopeKind, Any] | None = None
    ) -> ColumnElement[bool]:
        """The SQL condition of :meth:`covers` on a ``province`` column and, for rows filed
        by unit, ``unit=(kind, code column)``: ``query.where(principal.scope.clause(...))``."""
        if unit is not None and self.kind in UNIT_KINDS:
            kind, column = unit
            condition: ColumnElement[bool] = column == self.code if kind is self.kind else false()
            return condition
        if self.province_code is None:
            return true()
        in_province: ColumnElement[bool] = province == self.province_code
        return in_province


NATIONAL = Scope()


@dataclass(frozen=True, slots=True)
class Principal:
    """The person behind a request (or ``system`` for the CLI): name, role and scope."""

    user_id: int
    username: str
    role: Role
    scope: Scope = field(default=NATIONAL)
    time_zone: str = DEFAULT_ZONE  # the zone the user reads and types times in

    @classmethod
    def system(cls, name: str = "system") -> Principal:
        """The operator at the command line: an administrator of the whole country."""
        return cls(0, name, Role.ADMIN, NATIONAL)

    @property
    def province_code(self) -> str | None:
        """The province of the scope (None = national): province-filed rows filter on it."""
        return self.scope.province_code

    @property
    def is_national(self) -> bool:
        return self.scope.kind is ScopeKind.NATIONAL

    def can(self, permission: Permission) -> bool:
        return permission in ROLE_PERMISSIONS[self.role]

    def sees_province(self, province_code: str | None) -> bool:
        return self.scope.covers_province(province_code)

    def sees_all(self, province_codes: Iterable[str]) -> bool:
        """A provincial user sees a plan only when all its locked areas lie in its province."""
        codes = set(province_codes)
        return self.province_code is None or (bool(codes) and codes <= {self.province_code})


def checked(principal: Principal, permission: Permission) -> Principal:
    """``principal``, if its role has ``permission``; else PermissionDeniedError (403). The
    routes' ``require`` uses it, and so do services a CLI command or a job also calls."""
    if not principal.can(permission):
        raise PermissionDeniedError(
            f"Role '{principal.role}' may not do this (needs '{permission}').",
            code="auth.forbidden",
            role=principal.role,
            permission=str(permission),
        )
    return principal
