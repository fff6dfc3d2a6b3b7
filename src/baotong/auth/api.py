"""``/api/v1/auth``: log in (bearer token + session cookie), log out, who am I.

``/api/v1/users``: user administration (``users:manage``): list, create, change role and
scope, deactivate and reactivate, reset a password. A provincial admin administers the
users of its province only.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response

from baotong.api.deps import (
    SESSION_COOKIE,
    Context,
    CurrentUser,
    DbSession,
    Paging,
    client_address,
    request_token,
    require,
    with_total,
)
from baotong.auth import service
from baotong.auth.permissions import ROLE_PERMISSIONS, Permission, Principal, Scope
from baotong.auth.schemas import (
    EmailChange,
    LoginRequest,
    LoginResponse,
    NewPassword,
    PasswordReset,
    RoleChange,
    ScopeFields,
    TimeZoneChange,
    UserAccount,
    UserCreate,
    UserRead,
)
from baotong.auth.throttle import ThrottlePolicy

router = APIRouter(prefix="/auth", tags=["auth"])
users_router = APIRouter(prefix="/users", tags=["users"])
Admin = Annotated[Principal, Depends(require(Permission.USERS_MANAGE))]


def _read(principal: Principal) -> UserRead:
    perms = sorted(p.value for p in ROLE_PERMISSIONS[principal.role])
    return UserRead(
        username=principal.username,
        role=principal.role.value,
        province_code=principal.province_code,
        scope_kind=principal.scope.kind,
        scope_code=principal.scope.code,
        permissions=perms,
        time_zone=principal.time_zone,
    )


def _scope(body: ScopeFields) -> Scope:
    return service.scope_of(
        kind=body.scope_kind, code=body.scope_code, province_code=body.province_code
    )


@router.post("/login", response_model=LoginResponse)
def login(
    body: LoginRequest, request: Request, response: Response, session: DbSession, context: Context
) -> LoginResponse:
    ttl = timedelta(minutes=context.settings.token_ttl_minutes)
    try:
        token, login_session, user = service.login(
            session, username=body.username, password=body.password, key=context.key, ttl=ttl,
            address=client_address(request), policy=ThrottlePolicy.of(context.settings),
        )  # fmt: skip
    except service.AuthenticationError:
        session.commit()  # the failure counts for the throttle and stays in the audit log
        raise
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
        context.logins.pop(token, None)  # scans trust it no more (api.deps.Step)
    response = Response(status_code=204)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/me", response_model=UserRead)
def me(user: CurrentUser) -> UserRead:
    return _read(user)


@router.put("/me/time-zone", response_model=UserRead)
def set_time_zone(body: TimeZoneChange, session: DbSession, user: CurrentUser) -> UserRead:
    """The caller's own time zone: times are shown and read in it."""
    row = service.set_time_zone(session, time_zone=body.time_zone, principal=user)
    return _read(service.principal_of(row))


@users_router.get("", response_model=list[UserAccount])
def list_users(
    session: DbSession, admin: Admin, paging: Paging, response: Response
) -> list[UserAccount]:
    found = service.list_users(session, principal=admin, page=paging)
    with_total(response, found)
    return [UserAccount.model_validate(u) for u in found.items]


@users_router.post("", response_model=UserAccount, status_code=201)
def create_user(body: UserCreate, session: DbSession, admin: Admin) -> UserAccount:
    user = service.create_user(session, username=body.username, password=body.password,
                               role=body.role, scope=_scope(body), email=body.email,
                               principal=admin)  # fmt: skip
    return UserAccount.model_validate(user)


@users_router.put("/{username}/email", response_model=UserAccount)
def set_email(username: str, body: EmailChange, session: DbSession, admin: Admin) -> UserAccount:
    """Where the user's notifications are mailed (``null``: nowhere)."""
    user = service.set_email(session, username=username, email=body.email, principal=admin)
    return UserAccount.model_validate(user)


@users_router.put("/{username}/role", response_model=UserAccount)
def set_role(username: str, body: RoleChange, session: DbSession, admin: Admin) -> UserAccount:
    user = service.set_role(session, username=username, role=body.role, scope=_scope(body),
                            principal=admin)  # fmt: skip
    return UserAccount.model_validate(user)


@users_router.post("/{username}/deactivate", response_model=UserAccount)
def deactivate(username: str, session: DbSession, admin: Admin) -> UserAccount:
    """Every token and session of the user ends at once."""
    user = service.deactivate(session, username=username, principal=admin)
    return UserAccount.model_validate(user)


@users_router.post("/{username}/reactivate", response_model=UserAccount)
def reactivate(username: str, session: DbSession, admin: Admin) -> UserAccount:
    user = service.reactivate(session, username=username, principal=admin)
    return UserAccount.model_validate(user)


@users_router.post("/{username}/password", response_model=NewPassword)
def reset_password(
    username: str, body: PasswordReset, session: DbSession, admin: Admin
) -> NewPassword:
    """A new password (generated when the body has none); every login of the user ends."""
    password = service.reset_password(session, username=username, password=body.password,
                                      principal=admin)  # fmt: skip
    return NewPassword(username=username, password=None if body.password else password)
