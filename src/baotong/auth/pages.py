"""Log in, log out, the language switch, and the users page (``users:manage``).

The users page lists the users the admin administers with role, scope and state, and
has a form for each action: change role and scope, deactivate or reactivate, reset the
password (the generated password is shown once, on the answer to that request).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from baotong.api.deps import SESSION_COOKIE, Context, DbSession, client_address
from baotong.auth import service as auth_service
from baotong.auth.permissions import Permission, Principal, Role, ScopeKind
from baotong.auth.service import AuthenticationError
from baotong.auth.throttle import LoginThrottled, ThrottlePolicy
from baotong.core import clock
from baotong.core.exceptions import ValidationError
from baotong.core.i18n import N_
from baotong.core.pagination import PageRequest
from baotong.web import i18n
from baotong.web.templating import (
    Csrf,
    NavItem,
    PageRoute,
    PageUser,
    landing,
    page_require,
    render,
)

router = APIRouter(route_class=PageRoute)
nav = NavItem("/users", N_("nav.users"), Permission.USERS_MANAGE)
Admin = Annotated[Principal, Depends(page_require(Permission.USERS_MANAGE))]
PAGE = 100


def _safe_next(target: str | None) -> str:
    """Only a path on this site: never send a user elsewhere after logging in."""
    if (
        not target
        or not target.startswith("/")
        or target.startswith("//")
        or urlsplit(target).netloc
    ):
        return "/"
    return target


@router.get("/", include_in_schema=False)
def home(user: PageUser) -> RedirectResponse:
    """Each role lands on its own first page (a group leader has no map to open)."""
    return RedirectResponse(landing(user), status_code=303)


@router.get("/login", include_in_schema=False)
def login_form(request: Request, next: str | None = None) -> Response:
    return render(request, "login.html", None, next=_safe_next(next), username="", message=None)


@router.post("/login", include_in_schema=False, dependencies=[Csrf])
def login(
    request: Request,
    context: Context,
    session: DbSession,
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    ttl = timedelta(minutes=context.settings.token_ttl_minutes)
    try:
        token, _, _ = auth_service.login(
            session, username=username.strip()[:64], password=password[:1024], key=context.key,
            ttl=ttl, address=client_address(request), policy=ThrottlePolicy.of(context.settings),
        )  # fmt: skip
    except (AuthenticationError, LoginThrottled) as exc:  # the failure is kept: no rollback
        throttled = isinstance(exc, LoginThrottled)
        text = i18n.error_for(request, exc) if throttled else i18n.translate(
            i18n.lang_of(request), "login.wrong")  # fmt: skip
        return render(request, "login.html", None, status_code=exc.status, next=_safe_next(next),
                      username=username[:64], message=text)  # fmt: skip
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.set_cookie(SESSION_COOKIE, token, max_age=int(ttl.total_seconds()), httponly=True,
                        samesite="lax", secure=request.url.scheme == "https", path="/")  # fmt: skip
    return response


@router.post("/logout", include_in_schema=False, dependencies=[Csrf])
def logout(request: Request, context: Context, session: DbSession) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        auth_service.logout(session, token=token, key=context.key)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/account", include_in_schema=False)
def account(request: Request, user: PageUser) -> Response:
    """The user's own settings: the time zone times are shown and typed in."""
    return render(request, "auth/account.html", user, zones=clock.zone_names())


@router.post("/account/time-zone", include_in_schema=False, dependencies=[Csrf])
def account_time_zone(request: Request, session: DbSession, user: PageUser,
                      time_zone: Annotated[str, Form()] = "") -> Response:  # fmt: skip
    try:
        auth_service.set_time_zone(session, time_zone=time_zone, principal=user)
    except ValidationError as exc:
        session.rollback()
        message = i18n.error_for(request, exc)
        return render(request, "auth/account.html", user, status_code=exc.status,
                      zones=clock.zone_names(), flash_error=message)  # fmt: skip
    return RedirectResponse("/account", status_code=303)


@router.get("/lang/{code}", include_in_schema=False)
def switch_language(request: Request, code: str) -> Response:
    lang = code if code in i18n.LANGS else i18n.DEFAULT_LANG
    referer = urlsplit(request.headers.get("referer", ""))
    here = referer.path + (f"?{referer.query}" if referer.query else "")
    back = _safe_next(here)  # the same page, with its query (its filters, the page number)
    response = RedirectResponse(back, status_code=303)
    response.set_cookie(i18n.LANG_COOKIE, lang, max_age=365 * 86400, samesite="lax", path="/")
    return response


# -- users ----------------------------------------------------------------------------------
def _users_page(
    request: Request, session: Session, user: Principal, page: int = 1, **values: Any
) -> Response:
    found = auth_service.list_users(session, principal=user, page=PageRequest.number(page, PAGE))
    rows = [(u, Role(u.role)) for u in found.items]
    return render(request, "auth/users.html", user, rows=rows, found=found, query="",
                  roles=list(Role), kinds=list(ScopeKind), **values)  # fmt: skip


@router.get("/users", include_in_schema=False)
def users_page(request: Request, session: DbSession, user: Admin, page: int = 1) -> Response:
    return _users_page(request, session, user, page)


@router.post("/users/{username}/role", include_in_schema=False, dependencies=[Csrf])
def set_role(
    username: str, session: DbSession, user: Admin, role: Annotated[str, Form()],
    scope_kind: Annotated[str, Form()] = "", scope_code: Annotated[str, Form()] = "",
    province_code: Annotated[str, Form()] = "",
) -> Response:  # fmt: skip
    scope = auth_service.scope_of(kind=scope_kind or None, code=scope_code.strip() or None,
                                  province_code=province_code.strip() or None)  # fmt: skip
    auth_service.set_role(session, username=username, role=role, scope=scope, principal=user)
    return RedirectResponse(f"/users#user-{username}", status_code=303)


@router.post("/users/{username}/deactivate", include_in_schema=False, dependencies=[Csrf])
def deactivate(username: str, session: DbSession, user: Admin) -> Response:
    auth_service.deactivate(session, username=username, principal=user)
    return RedirectResponse(f"/users#user-{username}", status_code=303)


@router.post("/users/{username}/reactivate", include_in_schema=False, dependencies=[Csrf])
def reactivate(username: str, session: DbSession, user: Admin) -> Response:
    auth_service.reactivate(session, username=username, principal=user)
    return RedirectResponse(f"/users#user-{username}", status_code=303)


@router.post("/users/{username}/password", include_in_schema=False, dependencies=[Csrf])
def reset_password(request: Request, username: str, session: DbSession, user: Admin) -> Response:
    """A generated password, shown on this answer only; every login of the user ends."""
    password = auth_service.reset_password(session, username=username, principal=user)
    return _users_page(request, session, user, new_password=(username, password))
