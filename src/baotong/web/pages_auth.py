"""Log in, log out, and the language switch."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from baotong.api.deps import SESSION_COOKIE, Context, DbSession
from baotong.auth import service as auth_service
from baotong.auth.service import AuthenticationError
from baotong.web import i18n
from baotong.web.templating import Csrf, PageRoute, render

router = APIRouter(route_class=PageRoute)


def _safe_next(target: str | None) -> str:
    """Only a path on this site: never send a user elsewhere after logging in."""
    if (
        not target
        or not target.startswith("/")
        or target.startswith("//")
        or urlsplit(target).netloc
    ):
        return "/map"
    return target


@router.get("/", include_in_schema=False)
def home() -> RedirectResponse:
    return RedirectResponse("/map", status_code=303)


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
    next: Annotated[str, Form()] = "/map",
) -> Response:
    ttl = timedelta(minutes=context.settings.token_ttl_minutes)
    try:
        token, _, _ = auth_service.login(
            session, username=username.strip(), password=password, key=context.key, ttl=ttl
        )
    except AuthenticationError:
        text = i18n.translate(i18n.lang_of(request), "login.wrong")
        return render(request, "login.html", None, status_code=401, next=_safe_next(next),
                      username=username, message=text)  # fmt: skip
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


@router.get("/lang/{code}", include_in_schema=False)
def switch_language(request: Request, code: str) -> Response:
    lang = code if code in i18n.LANGS else i18n.DEFAULT_LANG
    back = _safe_next(request.headers.get("referer") and urlsplit(request.headers["referer"]).path)
    response = RedirectResponse(back, status_code=303)
    response.set_cookie(i18n.LANG_COOKIE, lang, max_age=365 * 86400, samesite="lax", path="/")
    return response
