"""``/api/v1/auth``: log in (bearer token + session cookie), log out, who am I; ``/users``."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response

from baotong.api.deps import (
    SESSION_COOKIE,
    Context,
    CurrentUser,
    DbSession,
    request_token,
    require,
)
from baotong.auth import service
from baotong.auth.permissions import ROLE_PERMISSIONS, Permission, Principal
from baotong.auth.schemas import LoginRequest, LoginResponse, UserAccount, UserCreate, UserRead
from baotong.core.exceptions import ValidationError

router = APIRouter(prefix="/auth", tags=["auth"])
users_router = APIRouter(prefix="/users", tags=["auth"])
Admin = Annotated[Principal, Depends(require(Permission.USERS_MANAGE))]


def _read(principal: Principal) -> UserRead:
    perms = sorted(p.value for p in ROLE_PERMISSIONS[principal.role])
    return UserRead(
        username=principal.username,
        role=principal.role.value,
        province_code=principal.province_code,
        permissions=perms,
    )


@router.post("/login", response_model=LoginResponse)
def login(
    body: LoginRequest, request: Request, response: Response, session: DbSession, context: Context
) -> LoginResponse:
    ttl = timedelta(minutes=context.settings.token_ttl_minutes)
    token, login_session, user = service.login(
        session, username=body.username, password=body.password, key=context.key, ttl=ttl
    )
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=int(ttl.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path="/",
    )
    principal = service.principal_of(user)
    return LoginResponse(
        access_token=token, expires_at=login_session.expires_at, user=_read(principal)
    )


@router.post("/logout", status_code=204)
def logout(request: Request, session: DbSession, context: Context) -> Response:
    token = request_token(request)
    if token:
        service.logout(session, token=token, key=context.key)
    response = Response(status_code=204)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/me", response_model=UserRead)
def me(user: CurrentUser) -> UserRead:
    return _read(user)


@users_router.get("", response_model=list[UserAccount])
def list_users(session: DbSession, admin: Admin) -> list[UserAccount]:
    rows = service.list_users(session)
    return [
        UserAccount.model_validate(u)
        for u in rows
        if admin.is_national or u.province_code == admin.province_code
    ]


@users_router.post("", response_model=UserAccount, status_code=201)
def create_user(body: UserCreate, session: DbSession, admin: Admin) -> UserAccount:
    if not admin.is_national and body.province_code != admin.province_code:
        raise ValidationError(
            f"a provincial admin creates users of province {admin.province_code} only.",
            code="user.outside_scope",
            field="province_code",
            province=admin.province_code,
            value=body.province_code,
        )
    user = service.create_user(
        session,
        username=body.username,
        password=body.password,
        role=body.role,
        province_code=body.province_code,
        actor=admin.username,
    )
    return UserAccount.model_validate(user)
