"""Rendering pages: the Jinja2 environment, the page user and the permission a page
needs, CSRF, and errors as pages.

One view, two renderings: a handler renders the full page, or only its fragment when
htmx asks (``HX-Request``). Errors a user can cause (``BaotongError``) are shown as a
readable message — inside the page for htmx requests — never as a traceback.
"""

from __future__ import annotations

import hmac
import json
import secrets
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import datetime
from importlib import resources
from typing import Annotated, Any
from urllib.parse import quote, urlsplit

import structlog
from fastapi import Depends, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.routing import APIRoute
from fastapi.templating import Jinja2Templates
from jinja2 import BaseLoader, ChoiceLoader, Environment, FileSystemLoader, pass_context
from jinja2.runtime import Context as TemplateContext
from starlette.exceptions import HTTPException

from baotong.api.deps import (
    CSRF_COOKIE,
    CSRF_HEADER,
    SESSION_COOKIE,
    Check,
    Context,
    DbSession,
    declares,
)
from baotong.auth import service as auth_service
from baotong.auth.permissions import Permission, Principal, Role, checked
from baotong.core import clock
from baotong.core import i18n as words
from baotong.core.exceptions import BaotongError, PermissionDeniedError
from baotong.core.i18n import N_
from baotong.network.entities import Network
from baotong.web import i18n

CSRF_FIELD = "csrf_token"
log = structlog.get_logger("baotong.web")

_loaders: list[BaseLoader] = [FileSystemLoader(str(resources.files("baotong.web") / "templates"))]
templates = Jinja2Templates(env=Environment(loader=ChoiceLoader(_loaders), autoescape=True))


@dataclass(frozen=True, slots=True)
class NavItem:
    """One entry of the console's top navigation: where it goes, its catalogue key, the
    permission that shows it and the paths under which it is highlighted."""

    href: str
    key: str
    permission: Permission
    prefixes: tuple[str, ...] = ()

    def on(self, path: str) -> bool:
        return any(path.startswith(p) for p in (self.href, *self.prefixes))


@dataclass(frozen=True, slots=True)
class NavSection:
    """A group of the top navigation, named by its catalogue key (保通, 保供, 保畅…). A user
    who can open one page of it sees a plain link; more than one, a menu."""

    key: str
    items: tuple[NavItem, ...]

    def visible(self, user: Principal) -> list[NavItem]:
        return [item for item in self.items if user.can(item.permission)]

    def on(self, path: str) -> bool:
        return any(item.on(path) for item in self.items)


# The console's areas, in the model's words: keeping the network open (保通), command,
# supply (保供), service (保畅) and administration.
NETWORK, COMMAND, SUPPLY, SERVICE, ADMIN = (
    N_("nav.section.network"),
    N_("nav.section.command"),
    N_("nav.section.supply"),
    N_("nav.section.service"),
    N_("nav.section.admin"),
)
NAV: list[NavSection] = []


def add_nav(*sections: NavSection) -> None:
    """Add the navigation's sections (``routes.py`` does, in order)."""
    NAV.extend(section for section in sections if section not in NAV)


HOMES: dict[Role, NavItem] = {}  # role → the page its work starts on (``routes.py``)


def add_homes(homes: dict[Role, NavItem]) -> None:
    HOMES.update(homes)


def landing(user: Principal) -> str:
    """Where a user lands after login or on ``/``: their role's own page (the map for the
    control room, the supply desk for sourcing…), else the first page of the navigation
    they may open, else the inbox."""
    home = HOMES.get(user.role)
    if home is not None and user.can(home.permission):
        return home.href
    for section in NAV:
        for item in section.visible(user):
            return item.href
    return "/inbox"


def add_templates(package: str) -> None:
    """Let pages render ``<package>/templates/...`` (a domain's templates, named
    ``<domain>/...`` inside its folder so no two packages clash)."""
    folder = str(resources.files(package) / "templates")
    if not any(getattr(loader, "searchpath", None) == [folder] for loader in _loaders):
        _loaders.append(FileSystemLoader(folder))


class LoginRequired(Exception):
    """The page needs a logged-in user; the browser is sent to the login page."""


class CsrfRejected(PermissionDeniedError):
    """A state-changing request without the page's CSRF token or from another origin."""


@pass_context
def _t(context: TemplateContext, key: str) -> str:
    """``t("key")``: the words of a catalogue key in the page's language."""
    return words.translate(context["lang"], key)


@pass_context
def _t_or(context: TemplateContext, key: str, fallback: str) -> str:
    """``t_or("key", fallback)``: the words of ``key``, or ``fallback`` when it has none."""
    lang = context["lang"]
    return words.translate(lang, key) if words.has(lang, key) else fallback


@pass_context
def _nt(context: TemplateContext, singular: str, plural: str, n: int) -> str:
    return words.translate(context["lang"], singular if n == 1 else plural)


def _zone_of(context: TemplateContext) -> str:
    """The reader's time zone: the logged-in user's setting, else the default."""
    return str(getattr(context.get("user"), "time_zone", None) or clock.DEFAULT_ZONE)


@pass_context
def _fmt_time(context: TemplateContext, value: datetime | str | None) -> str:
    """``x | when``: a time in the reader's zone with the zone shown (the one time filter)."""
    if isinstance(value, str):
        try:
            moment: datetime | None = datetime.fromisoformat(value)
        except ValueError:
            return value
    else:
        moment = value
    return words.when(context["lang"], moment, _zone_of(context))


@pass_context
def _local_input(context: TemplateContext, value: datetime | None) -> str:
    """``x | local_input``: a time as a ``datetime-local`` field shows it, in the reader's zone."""
    if value is None:
        return ""
    return clock.local(value, _zone_of(context)).strftime("%Y-%m-%dT%H:%M")


@pass_context
def _fmt_num(context: TemplateContext, value: object, digits: int = 0) -> str:
    return words.number(context["lang"], value, digits)


@pass_context
def _readable_json(context: TemplateContext, value: object) -> str:
    """JSON for people: Chinese stays Chinese, times (ISO text with a zone) in the reader's
    zone the way ``when`` writes them (Jinja escapes the result for HTML)."""
    return json.dumps(_times_shown(context, value), ensure_ascii=False, default=str,
                      sort_keys=True)  # fmt: skip


def _times_shown(context: TemplateContext, value: object) -> object:
    if isinstance(value, dict):
        return {k: _times_shown(context, v) for k, v in value.items()}
    if isinstance(value, list):
        return [_times_shown(context, v) for v in value]
    if isinstance(value, str) and len(value) >= 19 and value[4:5] == "-" and value[10:11] == "T":
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return value
        if moment.tzinfo is not None:
            return words.when(context["lang"], moment, _zone_of(context))
    return value


templates.env.add_extension("jinja2.ext.i18n")
templates.env.install_gettext_callables(_t, _nt, newstyle=False)  # type: ignore[attr-defined]
templates.env.globals["t"] = _t
templates.env.globals["t_or"] = _t_or
templates.env.filters["when"] = _fmt_time
templates.env.filters["readable"] = _readable_json
templates.env.filters["num"] = _fmt_num
templates.env.filters["local_input"] = _local_input
templates.env.globals["Permission"] = Permission
templates.env.globals["nav"] = NAV


def page_user(request: Request, context: Context, session: DbSession) -> Principal:
    """The logged-in user of a page (from the session cookie), or off to the login page."""
    token = request.cookies.get(SESSION_COOKIE)
    principal = None
    if token:
        principal = auth_service.principal_for_token(session, token=token, key=context.key)
    if principal is None:
        raise LoginRequired
    return principal


PageUser = Annotated[Principal, Depends(page_user)]


def page_require(permission: Permission) -> Check:
    """A page dependency: the logged-in user, if its role has ``permission`` (the API's
    rule and message); without a login the browser goes to the login page."""

    async def check(user: PageUser) -> Principal:  # no I/O: no thread hop
        return checked(user, permission)

    return declares(check, permission)


def csrf_token(request: Request) -> str:
    """The browser's CSRF token (double-submit cookie), made on first sight."""
    token = request.cookies.get(CSRF_COOKIE) or getattr(request.state, "csrf", None)
    if not token:
        token = secrets.token_urlsafe(24)
        request.state.csrf = token
    return str(token)


async def check_csrf(request: Request) -> None:
    """State-changing requests must come from our own pages: same Origin and the token."""
    origin = request.headers.get("origin")
    if origin and urlsplit(origin).netloc != request.url.netloc:
        raise CsrfRejected(
            "This request came from another site and was refused.", code="csrf.other_site"
        )
    expected = request.cookies.get(CSRF_COOKIE, "")
    sent = request.headers.get(CSRF_HEADER, "")
    if not sent and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        sent = str((await request.form()).get(CSRF_FIELD, ""))
    if not expected or not hmac.compare_digest(expected, sent):
        raise CsrfRejected("The form expired; reload the page and try again.", code="csrf.expired")


Csrf = Depends(check_csrf)


def is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


def context_for(request: Request, user: Principal | None, **values: Any) -> dict[str, Any]:
    lang = i18n.lang_of(request)

    def lbl(value: Any) -> str:
        return i18n.label(lang, value)

    network: Network = request.app.state.context.network
    regions = network.regions

    def centre_name(center_id: str | None) -> str:
        centre = network.centers.get(center_id or "")
        if centre is None:
            return center_id or "—"
        return centre.name if lang == "zh" or not centre.name_en else centre.name_en

    def region_name(code: str | None) -> str:
        region = regions.get(code or "")
        if region is None:
            return code or "—"
        return region.name if lang == "zh" else region.pinyin

    return {
        "request": request,
        "user": user,
        "lang": lang,
        "label": lbl,
        "region_name": region_name,
        "centre_name": centre_name,
        "csrf": csrf_token(request),
        "path": request.url.path,
        **values,
    }


def render(
    request: Request,
    template: str,
    user: Principal | None,
    *,
    fragment: str | None = None,
    status_code: int = 200,
    **values: Any,
) -> HTMLResponse:
    """The full page, or only ``fragment`` when htmx asks for it."""
    name = fragment if fragment is not None and is_htmx(request) else template
    response = templates.TemplateResponse(
        request, name, context_for(request, user, **values), status_code=status_code
    )
    _keep_csrf_cookie(request, response)
    return response


def _keep_csrf_cookie(request: Request, response: Response) -> None:
    token = getattr(request.state, "csrf", None)
    if token and not request.cookies.get(CSRF_COOKIE):
        response.set_cookie(CSRF_COOKIE, token, httponly=False, samesite="strict", path="/")


def error_page(request: Request, message: str, status_code: int) -> HTMLResponse:
    """A readable error: a whole page, or just the message box for htmx."""
    values: dict[str, Any] = {"message": message, "error_code": status_code}
    if is_htmx(request):
        response = templates.TemplateResponse(
            request, "_error.html", context_for(request, None, **values), status_code=200
        )
        response.headers["HX-Retarget"] = "#flash"
        response.headers["HX-Reswap"] = "innerHTML"
        return response
    return render(request, "error.html", None, status_code=status_code, fragment=None, **values)


def login_redirect(request: Request) -> Response:
    target = quote(request.url.path + (f"?{request.url.query}" if request.url.query else ""))
    url = f"/login?next={target}"
    if is_htmx(request):
        return Response(status_code=204, headers={"HX-Redirect": url})
    return RedirectResponse(url, status_code=303)


class PageRoute(APIRoute):
    """A page route: login redirects and errors become pages, after the transaction ended."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def page_handler(request: Request) -> Response:
            try:
                return await handler(request)
            except LoginRequired:
                return login_redirect(request)
            except BaotongError as exc:
                return error_page(request, i18n.error_for(request, exc), exc.status)
            except HTTPException as exc:  # a request refused before the page (size, NUL)
                return error_page(request, str(exc.detail), exc.status_code)
            except Exception:
                log.exception("page failed", path=request.url.path, method=request.method)
                text = i18n.translate(i18n.lang_of(request), "error.internal")
                return error_page(request, text, 500)

        return page_handler
