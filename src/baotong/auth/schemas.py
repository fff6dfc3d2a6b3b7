"""Request and response shapes of login and the current user."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class LoginRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=1024)


class UserRead(BaseModel):
    username: str
    role: str
    province_code: str | None
    permissions: list[str]


class LoginResponse(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_at: datetime
    user: UserRead


class UserCreate(BaseModel):
    """A new user; ``province_code`` None makes the scope national."""

    model_config = ConfigDict(extra="forbid")

    username: str = Field(min_length=2, max_length=64)
    password: str = Field(min_length=1, max_length=1024)
    role: str
    province_code: str | None = None


class UserAccount(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    username: str
    role: str
    province_code: str | None
    active: bool
    created_at: datetime
