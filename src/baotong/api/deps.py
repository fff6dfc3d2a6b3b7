"""Request dependencies: the transaction, the current user, the permission an endpoint needs.

The session dependency commits when the handler returns and rolls back when it raises;
GET requests open read transactions, the others write transactions. The current user
comes from ``Authorization: Bearer <token>`` or from the httpOnly session cookie the
browser console uses.
"""

from __future__ import annotations

import asyncio
import hmac
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Annotated, Any, TypeVar
from urllib.parse import urlsplit

from anyio import to_thread
from fastapi import Depends, Query, Request, Response
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from baotong.api.context import ServiceContext
from baotong.auth import service as auth_service
from baotong.auth.permissions import Permission, Principal, checked
from baotong.auth.service import AuthenticationError
from baotong.core.exceptions import PermissionDeniedError
from baotong.core.numbers import MAX_DB_INT
from baotong.core.pagination import MAX_LIMIT, Page, PageRequest
from baotong.db.session import session_scope
from baotong.network.entities import Network

T = TypeVar("T")
D = TypeVar("D", bound=Callable[..., Any])
SESSION_COOKIE = "baotong_session"
CSRF_COOKIE = "baotong_csrf"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def get_context(request: Request) -> ServiceContext:
    context: ServiceContext = request.app.state.context
    return context


async def _context(request: Request) -> ServiceContext:
    # Dependencies that only read the app's state are coroutines: FastAPI runs a plain
    # function dependency on its thread pool, a hop each request would pay for nothing.
    return get_context(request)


Context = Annotated[ServiceContext, Depends(_context)]


async def get_session(request: Request, context: Context) -> AsyncIterator[Session]:
    """The request's transaction, begun and ended on threads of their own.

    The request pool's threads then serve only requests that hold a transaction (at most
    the database pool's connections, fewer than the threads), so one of them is always free
    for the next step of a request holding locks. Begun on the pool, requests waiting for a
    connection or for SQLite's write lock filled every thread while the holders waited for
    one to run their endpoint or commit: for ever on PostgreSQL, until the busy timeout on
    SQLite (seen at 50 handhelds scanning into one document)."""
    scope = session_scope(context.sessions, write=request.method not in SAFE_METHODS)
    session = await to_thread.run_sync(scope.__enter__, limiter=context.beginnings)
    limiter = context.endings
    try:
        yield session
    except BaseException as exc:
        swallowed = await to_thread.run_sync(
            scope.__exit__, type(exc), exc, exc.__traceback__, limiter=limiter
        )
        if not swallowed:
            raise
    else:
        await to_thread.run_sync(scope.__exit__, None, None, None, limiter=limiter)


# "function" scope: commit before the response is sent, so a failed commit is the answer.
DbSession = Annotated[Session, Depends(get_session, scope="function")]


def get_network(context: Context) -> Network:
    return context.network


async def _network(context: Context) -> Network:
    return context.network


CurrentNetwork = Annotated[Network, Depends(_network)]


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return None


def request_token(request: Request) -> str | None:
    return bearer_token(request) or request.cookies.get(SESSION_COOKIE) or None


def client_address(request: Request) -> str:
    """The address a request came from (the proxy's, behind one: run uvicorn with
    ``--proxy-headers`` and ``--forwarded-allow-ips`` there)."""
    return request.client.host if request.client else "unknown"


def check_cookie_origin(request: Request) -> None:
    """A state-changing request that logs in by the session cookie must come from our own
    pages: no foreign ``Origin``, and either our own ``Origin`` or the CSRF token (the
    ``X-CSRF-Token`` header equal to the CSRF cookie). A bearer token needs neither: a
    browser never sends one by itself."""
    origin = request.headers.get("origin")
    if origin and urlsplit(origin).netloc != request.url.netloc:
        raise PermissionDeniedError(
            "This request came from another site and was refused.", code="csrf.other_site"
        )
    expected = request.cookies.get(CSRF_COOKIE, "")
    sent = request.headers.get(CSRF_HEADER, "")
    if not origin and not (expected and hmac.compare_digest(expected, sent)):
        raise PermissionDeniedError(
            "A request with the session cookie needs the X-CSRF-Token header or the "
            "page's Origin; send 'Authorization: Bearer <token>' from scripts.",
            code="csrf.expired",
        )


# Declares the bearer scheme in OpenAPI (the "Authorize" button of /docs); the cookie works too.
bearer = HTTPBearer(auto_error=False, description="Token from POST /api/v1/auth/login")


def _token(request: Request) -> str:
    """The request's token; refused without one, or a cookie's from another site."""
    token = request_token(request)
    if token is None:
        raise AuthenticationError(
            "Log in first: send 'Authorization: Bearer <token>'.", code="auth.no_token"
        )
    if request.method not in SAFE_METHODS and bearer_token(request) is None:
        check_cookie_origin(request)
    return token


def _principal(session: Session, context: ServiceContext, token: str) -> Principal:
    principal = auth_service.principal_for_token(session, token=token, key=context.key)
    if principal is None:
        raise AuthenticationError(
            "The token is invalid, expired or logged out; log in again.", code="auth.bad_token"
        )
    return principal


def get_principal(
    request: Request,
    context: Context,
    session: DbSession,
    _: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Principal:
    return _principal(session, context, _token(request))


CurrentUser = Annotated[Principal, Depends(get_principal)]


def get_optional_principal(
    request: Request, context: Context, session: DbSession
) -> Principal | None:
    """The logged-in user, or None (for pages that redirect to the login page instead)."""
    token = request_token(request)
    if token is None:
        return None
    return auth_service.principal_for_token(session, token=token, key=context.key)


OptionalUser = Annotated[Principal | None, Depends(get_optional_principal)]


Check = Callable[[Principal], Awaitable[Principal]]
PERMISSION_ATTRIBUTE = "permission"


def require(permission: Permission) -> Check:
    """A dependency that lets a request through only with ``permission``."""

    async def check(principal: CurrentUser) -> Principal:  # no I/O: no thread hop
        return checked(principal, permission)

    return declares(check, permission)


def declares(check: D, permission: Permission) -> D:
    """Leave ``permission`` on a permission dependency, so the route table can be read."""
    check.__name__ = f"require_{permission.value.replace(':', '_')}"
    vars(check)[PERMISSION_ATTRIBUTE] = permission
    return check


LOGIN_TRUSTED_S = 1.0
MAX_LOGINS_KEPT = 10_000


class Step:
    """A request's whole transaction — its user's login and permission checked, the work
    done, the commit — in one call on one thread (``await step(work)``).

    For the handhelds' scans, a few milliseconds of work each at hundreds a second: the
    session dependency's way takes six thread hops a request (begin, user, endpoint, answer,
    end) and they cost more than the scan. Steps run on a few threads of their own
    (``Settings.step_threads``; the others wait in the event loop, which costs nothing):
    a step holds its connection only on its own thread, so it never waits for another while
    holding one (``get_session`` explains the deadlock that avoids). At 500 scans a second
    forty threads a process took turns at the interpreter's lock and PostgreSQL's rows, and
    the CPU a scan grew with the queue (2.7 ms, and not every scan answered); two answered
    them all at 2.0–2.5 ms. The token is checked
    first (401 before anything else); the role once the body is valid, in the transaction.

    A handheld scans every few seconds with one token, so its login, checked against the
    database, is trusted by its process for ``LOGIN_TRUSTED_S`` (a logout answered by the
    same process ends that at once): a token revoked, a user deactivated or given another
    role elsewhere scans at most that long more — one of a scan's eight round trips saved."""

    __slots__ = ("_context", "_permission", "_token")

    def __init__(self, context: ServiceContext, token: str, permission: Permission) -> None:
        self._context, self._token, self._permission = context, token, permission

    async def __call__(self, work: Callable[[Session, Principal], T]) -> T:
        # run to its end once begun, like any transaction: a client that hangs up cancels
        # only the wait for the answer
        running = asyncio.get_running_loop().run_in_executor(self._context.steps, self._run, work)
        return await running

    def _run(self, work: Callable[[Session, Principal], T]) -> T:
        with session_scope(self._context.sessions) as session:
            return work(session, checked(self._login(session), self._permission))

    def _login(self, session: Session) -> Principal:
        logins, now = self._context.logins, time.monotonic()
        known = logins.get(self._token)
        if known is not None and now - known[1] < LOGIN_TRUSTED_S:
            return known[0]
        principal = _principal(session, self._context, self._token)
        if len(logins) >= MAX_LOGINS_KEPT:
            logins.clear()
        logins[self._token] = (principal, now)
        return principal


def in_one_step(permission: Permission) -> Callable[..., Awaitable[Step]]:
    """A dependency giving the endpoint a :class:`Step` that needs ``permission``."""

    async def step(
        request: Request, _: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
    ) -> Step:
        return Step(get_context(request), _token(request), permission)

    return declares(step, permission)


def route_permissions(route: APIRoute) -> set[Permission]:
    """The permissions a route's dependencies (its own and theirs) declare."""
    found: set[Permission] = set()
    waiting: list[Dependant] = [route.dependant]
    while waiting:
        dependant = waiting.pop()
        declared = getattr(dependant.call, PERMISSION_ATTRIBUTE, None)
        if isinstance(declared, Permission):
            found.add(declared)
        waiting.extend(dependant.dependencies)
    return found


def page_request(
    limit: int = Query(100, ge=1, le=MAX_LIMIT, description="At most this many rows."),
    offset: int = Query(0, ge=0, le=MAX_DB_INT, description="Skip this many rows first."),
) -> PageRequest:
    return PageRequest(limit=limit, offset=offset)


Paging = Annotated[PageRequest, Depends(page_request)]
TOTAL_HEADER = "X-Total-Count"


def with_total(response: Response, page: Page[Any]) -> None:
    """Tell the client how many rows the whole list has (the body is one page of it)."""
    response.headers[TOTAL_HEADER] = str(page.total)
