"""``/api/v1/auth``: log in (bearer token + session cookie), log out, who am I."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Request, Response

from baotong.api.deps import SESSION_COOKIE, Context, CurrentUser, DbSession, request_token
from baotong.auth import service
from baotong.auth.permissions import ROLE_PERMISSIONS, Principal
from baotong.auth.schemas import LoginRequest, LoginResponse, UserRead

router = APIRouter(prefix="/auth", tags=["auth"])


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
