"""Roles, permissions and scope: the one table of who may do what."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from baotong.core.enums import LabelledEnum


class Role(LabelledEnum):
    ADMIN = "admin", "red"
    PLANNER = "planner", "blue"
    DISPATCHER = "dispatcher", "purple"
    WAREHOUSE_OPERATOR = "warehouse_operator", "teal"
    CS_AGENT = "cs_agent", "orange"
    GROUP_LEADER = "group_leader", "green"
    VIEWER = "viewer", "gray"


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


_READ = {
    Permission.NETWORK_READ,
    Permission.SCENARIO_READ,
    Permission.PLAN_READ,
    Permission.ROUTING_READ,
}

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
        }
    ),
    Role.DISPATCHER: frozenset(
        _READ | {Permission.NETWORK_WRITE, Permission.PLAN_ACTIVATE, Permission.AUDIT_READ}
    ),
    Role.WAREHOUSE_OPERATOR: frozenset({Permission.NETWORK_READ, Permission.ROUTING_READ}),
    Role.CS_AGENT: frozenset({Permission.NETWORK_READ, Permission.ROUTING_READ}),
    Role.GROUP_LEADER: frozenset({Permission.ROUTING_READ}),
    Role.VIEWER: frozenset(_READ),
}


@dataclass(frozen=True, slots=True)
class Principal:
    """The person behind a request: name, role and scope (None = national)."""

    user_id: int
    username: str
    role: Role
    province_code: str | None

    @property
    def is_national(self) -> bool:
        return self.province_code is None

    def can(self, permission: Permission) -> bool:
        return permission in ROLE_PERMISSIONS[self.role]

    def sees_province(self, province_code: str | None) -> bool:
        return self.province_code is None or province_code == self.province_code

    def sees_all(self, province_codes: Iterable[str]) -> bool:
        """A provincial user sees a plan only when all its locked areas lie in its province."""
        codes = set(province_codes)
        return self.province_code is None or (bool(codes) and codes <= {self.province_code})
