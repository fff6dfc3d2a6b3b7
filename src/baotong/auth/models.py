"""Database rows of people who use Baotong and their login sessions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Enum, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from baotong.auth.permissions import Scope, ScopeKind
from baotong.core.clock import DEFAULT_ZONE
from baotong.db.base import Base


class User(Base):
    """A person: role, scope (kind + code, and the province it lies in), active or not."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(32))
    scope_kind: Mapped[ScopeKind] = mapped_column(
        Enum(
            ScopeKind, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e]
        ),
        default=ScopeKind.NATIONAL,
    )
    scope_code: Mapped[str | None] = mapped_column(String(32))  # province or unit code
    province_code: Mapped[str | None] = mapped_column(String(6))  # None = national
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    email: Mapped[str | None] = mapped_column(String(254))  # where notifications are mailed
    created_at: Mapped[datetime]
    time_zone: Mapped[str] = mapped_column(
        String(64), default=DEFAULT_ZONE, server_default=DEFAULT_ZONE
    )  # IANA name: the zone the console shows and reads this user's times in

    @property
    def scope(self) -> Scope:
        return Scope(self.scope_kind, self.scope_code, self.province_code)

    @scope.setter
    def scope(self, scope: Scope) -> None:
        self.scope_kind = scope.kind
        self.scope_code = scope.code
        self.province_code = scope.province_code


class LoginSession(Base):
    """A login: the token carries its id, so logging out revokes exactly this login."""

    __tablename__ = "login_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


class LoginFailure(Base):
    """A wrong password (or unknown user) given to the login, kept for the throttling window.

    The throttle counts these rows per account and per address, so every process of the
    service sees the same count; a successful login clears the account's rows.
    """

    __tablename__ = "login_failures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(64), index=True)
    address: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(index=True)
