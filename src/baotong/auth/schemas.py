"""Request and response shapes of login, the current user and user administration."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from baotong.auth.permissions import ScopeKind


class LoginRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=1024)


class UserRead(BaseModel):
    username: str
    role: str
    province_code: str | None
    scope_kind: ScopeKind
    scope_code: str | None
    permissions: list[str]


class LoginResponse(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_at: datetime
    user: UserRead


class ScopeFields(BaseModel):
    """A scope: no kind means the province ``province_code``, or national without it; a
    warehouse, group point or call centre names its ``scope_code`` and its province."""

    model_config = ConfigDict(extra="forbid")

    scope_kind: ScopeKind | None = None
    scope_code: str | None = Field(None, max_length=32)
    province_code: str | None = None


class UserCreate(ScopeFields):
    username: str = Field(min_length=2, max_length=64)
    password: str = Field(min_length=1, max_length=1024)
    role: str
    email: str | None = Field(None, max_length=254, description="Where notifications go.")


class EmailChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: str | None = Field(None, max_length=254, description="None: no more emails.")


class RoleChange(ScopeFields):
    """A user's new role and scope (both at once: they are checked together)."""

    role: str


class PasswordReset(BaseModel):
    """A new password; left out, one is generated and returned once."""

    model_config = ConfigDict(extra="forbid")

    password: str | None = Field(None, min_length=1, max_length=1024)


class NewPassword(BaseModel):
    username: str
    password: str | None = Field(description="The generated password (null when you chose it).")


class UserAccount(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    username: str
    role: str
    scope_kind: ScopeKind
    scope_code: str | None
    province_code: str | None
    active: bool
    email: str | None
    created_at: datetime
